"""Z3's memory cap: past it a query is UNKNOWN with the reason, and later queries are
answered again (a subprocess, since the cap is process-wide)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent(
    """
    import z3
    from solvency.smt.portfolio import Portfolio
    from solvency.smt.solver import Session, SolverConfig

    # chained 256-bit multiplications: bit-blasting them needs far more than the cap
    xs = z3.BitVecs(" ".join(f"x{i}" for i in range(8)), 256)
    prod = xs[0]
    for x in xs[1:]:
        prod = prod * x + x
    goal = z3.And(prod == 0x1234567, *(z3.UGT(x, 1) for x in xs))
    for make in (Session, Portfolio):
        r = make(SolverConfig(timeout_ms=60_000, rlimit=0)).check(goal)
        print(r.verdict.value, "|", r.reason)
    a, b = z3.BitVecs("a b", 256)
    for make in (Session, Portfolio):
        r = make(SolverConfig(timeout_ms=5_000)).check(z3.And(a + b == 3, a == 1))
        print("after", r.verdict.value)
    """
)


def test_out_of_memory_is_unknown_and_the_process_goes_on() -> None:
    env = {**os.environ, "SOLVENCY_Z3_MEMORY_MB": "200", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2:] == ["after sat", "after sat"]  # later queries are answered again
    for line in lines[:2]:
        verdict, reason = (part.strip() for part in line.split("|"))
        assert verdict == "unknown"
        assert "Z3 ran out of memory (cap 200 MiB" in reason
