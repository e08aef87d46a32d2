"""The pre-commit hook's wall time on a contract repository with one changed contract.

    python benchmarks/precommit_speed.py [--runs 3] [--only leaf|shared]

Builds a throw-away git repository from corpus contracts (three families with their specs
and the shared helpers), registers this checkout's hook (`repo:` this path, `rev:` HEAD),
installs the hook once (not timed), then times `pre-commit run --files <changed>` for:

- a leaf contract with a spec (EthEscrow.sol: static pass + prover on one file);
- a shared interface (common/IERC20.sol): the hook also audits every importer;

each with a cold compile cache (an empty build cache; the solc-js install is shared, as on
any machine that ran Solvency once) and warm (the same run again), plus `solvency audit
--fast` without pre-commit around it. Wall and CPU times (user + system of the command and
its children: on a shared machine the wall time also measures the load), median of --runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solvency.build import default_cache_dir  # noqa: E402

CORPORA = ROOT / "corpora"
FAMILIES = ("eth_escrow", "erc20_escrow", "erc4626_vault")
SCENARIOS = (
    ("leaf contract + spec", "contracts/eth_escrow/EthEscrow.sol"),
    ("shared interface", "contracts/common/IERC20.sol"),
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def make_repo(base: Path) -> Path:
    repo = base / "repo"
    (repo / "contracts").mkdir(parents=True)
    shutil.copytree(CORPORA / "common", repo / "contracts" / "common")
    for family in FAMILIES:
        dest = repo / "contracts" / family
        dest.mkdir()
        for f in (CORPORA / family).iterdir():
            if f.suffix in (".spec", ".toml") or (f.suffix == ".sol" and "_" not in f.stem):
                shutil.copy(f, dest / f.name)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "bench@example.invalid")
    git(repo, "config", "user.name", "bench")
    head = git(ROOT, "rev-parse", "HEAD")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: solvency\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "contracts")
    return repo


def fresh_cache(base: Path, n: int) -> Path:
    cache = base / f"cache{n}"
    cache.mkdir()
    (default_cache_dir() / "solcjs").mkdir(parents=True, exist_ok=True)
    (cache / "solcjs").symlink_to(default_cache_dir() / "solcjs")
    return cache


CPU: list[float] = []  # CPU seconds of the last timed command (user + system, children)


def timed(cmd: list[str], repo: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, exit code, output; the CPU seconds go to CPU (a shared machine's wall
    time depends on the load, the CPU time much less)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, done.returncode, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--only", choices=[label.split()[0] for label, _ in SCENARIOS], help="one scenario"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = make_repo(base)
        env = dict(os.environ, PRE_COMMIT_HOME=str(base / "pre-commit"), CI="true")
        env.pop("PRE_COMMIT", None)
        subprocess.run(
            ["pre-commit", "install-hooks"], cwd=repo, env=env, check=True, capture_output=True
        )
        print(f"pre-commit hook wall time, one changed contract (median of {args.runs} runs)")
        print(
            f"{'changed file':<40}{'targets':>8}{'command':>22}{'cold':>9}{'warm':>9}"
            f"{'cold cpu':>10}{'warm cpu':>10}  exit"
        )
        n = 0
        for label, changed in SCENARIOS:
            if args.only and not label.startswith(args.only):
                continue
            path = repo / changed
            path.write_text(path.read_text() + "\n// edited\n")
            git(repo, "add", changed)
            commands = {
                "pre-commit run": ["pre-commit", "run", "--files", changed],
                "solvency audit --fast": ["solvency", "audit", "--fast", changed],
            }
            for name, cmd in commands.items():
                cold: list[float] = []
                warm: list[float] = []
                cold_cpu: list[float] = []
                warm_cpu: list[float] = []
                code = 0
                out = ""
                for _ in range(args.runs):
                    n += 1
                    run_env = dict(env, SOLVENCY_CACHE_DIR=str(fresh_cache(base, n)))
                    seconds, code, out = timed(cmd, repo, run_env)
                    cold.append(seconds)
                    cold_cpu.append(CPU[-1])
                    warm.append(timed(cmd, repo, run_env)[0])
                    warm_cpu.append(CPU[-1])
                targets = _targets(repo, changed, env)
                print(
                    f"{label + ': ' + Path(changed).name:<40}{targets:>8}{name:>22}"
                    f"{statistics.median(cold):>8.1f}s{statistics.median(warm):>8.1f}s"
                    f"{statistics.median(cold_cpu):>9.1f}s"
                    f"{statistics.median(warm_cpu):>9.1f}s  {code}"
                )
                if code != 0:  # say why: the report's summary line and any violation
                    why = [ln for ln in out.splitlines() if "VIOLATED" in ln or "error:" in ln]
                    summary = [ln for ln in out.splitlines() if " findings (" in ln]
                    for line in (why[:3] + summary[-1:]) or out.strip().splitlines()[-1:]:
                        print("    " + line.strip()[:150])
            git(repo, "checkout", "-q", "--", changed)


def _targets(repo: Path, changed: str, env: dict[str, str]) -> int:
    """How many files the fast mode audits for this change (the file and its importers)."""
    from solvency.analyzers.audit_scope import with_dependents

    return len(with_dependents([repo / changed], repo))


if __name__ == "__main__":
    main()
