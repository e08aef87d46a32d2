#!/usr/bin/env python3
"""`solvency lint` cold and warm against plain `slither`, same file, same compiler.

Cold: an empty compile cache (solc runs). Warm: the second run (cache hit, solc never starts).
Plain slither gets the identical standard-JSON input and the same solc (the solc-js launcher
Solvency installed, or a native binary), through crytic-compile's `solc-json` platform, and
runs all its detectors, as `solvency lint` does. Each figure is the median of --repeat runs of
a whole process (start-up included), as a user would time it.

    python3 benchmarks/lint_speed.py [TARGET.sol ...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solvency.build import BuildOptions, compile_target, default_cache_dir  # noqa: E402
from solvency.build import standard_json as sj  # noqa: E402
from solvency.build.compilers import resolve_compiler  # noqa: E402

DEFAULT_TARGETS = [
    ROOT / "examples" / "escrow" / "CollateralEscrow.sol",
    ROOT / "corpora" / "lending_market" / "LendingMarket.sol",
    ROOT / "corpora" / "cdp_engine" / "CdpEngine.sol",
]


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if "Traceback" in proc.stderr or proc.returncode not in (0, 1, 255):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-1500:]}")
    return elapsed, proc.returncode


def bench(target: Path, repeat: int) -> dict[str, float | str]:
    shared = default_cache_dir()
    project = compile_target(target, BuildOptions(cache_dir=shared))
    compiler = resolve_compiler(project.solc_version, shared)
    launcher = shared / "solcjs" / "bin" / f"solc-{project.solc_version}"
    solc = str(launcher) if compiler.kind == "solcjs" else compiler.command[0]
    assert project.sources is not None
    solc_input = sj.build_input(project.sources, project.solc_version, BuildOptions().settings)
    cold: list[float] = []
    warm: list[float] = []
    plain: list[float] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            cache.mkdir()
            (cache / "solcjs").symlink_to(shared / "solcjs")
            env = {**os.environ, "SOLVENCY_CACHE_DIR": str(cache), "CI": "1"}
            lint = [sys.executable, "-m", "solvency", "lint", str(target), "--fail-on", "none"]
            cold.append(timed(lint, env, ROOT)[0])
            warm.append(timed(lint, env, ROOT)[0])
            input_file = Path(tmp) / "input.json"
            input_file.write_text(json.dumps(solc_input))
            slither = [
                shutil.which("slither") or "slither",
                str(input_file),
                "--compile-force-framework",
                "solc-json",
                "--solc",
                solc,
                "--solc-working-dir",
                str(project.root),
            ]
            plain.append(timed(slither, env, project.root)[0])
    c, w, p = (statistics.median(x) for x in (cold, warm, plain))
    return {
        "target": str(target.relative_to(ROOT)),
        "solc": f"{project.solc_version} ({compiler.kind})",
        "cold": c,
        "warm": w,
        "slither": p,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    targets = [t.resolve() for t in args.targets] or [t for t in DEFAULT_TARGETS if t.exists()]
    rows = [bench(t, args.repeat) for t in targets]
    header = (
        f"{'target':<48} {'solc':<18} {'lint cold':>10} {'lint warm':>10} {'slither':>9} "
        f"{'cold/sl':>8} {'warm/sl':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        cold, warm, plain = float(r["cold"]), float(r["warm"]), float(r["slither"])
        print(
            f"{r['target']:<48} {r['solc']:<18} {cold:>9.2f}s {warm:>9.2f}s {plain:>8.2f}s "
            f"{cold / plain:>8.2f} {warm / plain:>8.2f}"
        )
    print(f"(median of {args.repeat} runs each; whole processes, start-up included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
