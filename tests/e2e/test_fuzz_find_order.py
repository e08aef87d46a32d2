"""A campaign is a pure function of (seed, budget): what ran before it in the process (other
campaigns, other modules imported) changes nothing.

Campaign B runs alone in a fresh interpreter, and here after campaign A on another variant
with the whole package imported. Hypothesis mixes integer literals of every loaded local
module into its draws; before segment seeds were drawn out of that pool's reach, B's
per-function counts differed between the two (lending_market/missing_accrual was found at
seed 0 alone and missed after the rest of the suite).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import solvency
from benchmarks.corpus_deploy import Builder
from solvency.analyzers.fuzz.api import run_campaign
from solvency.analyzers.fuzz.results import FuzzOutcome
from solvency.build import BuildOptions
from tests.e2e.test_fuzz_corpus import _config, prepare

ROOT = Path(__file__).resolve().parents[2]
B = ("erc20_escrow", "correct", 800, 3)

ALONE = """
import json, sys
from pathlib import Path
from benchmarks.corpus_deploy import Builder
from solvency.build import BuildOptions
from solvency.analyzers.fuzz.api import run_campaign
from tests.e2e.test_fuzz_corpus import _config, prepare
from tests.e2e.test_fuzz_find_order import summary
family, vid, calls, seed = json.loads(sys.argv[1])
builder = Builder(BuildOptions(cache_dir=Path(sys.argv[2])))
print(json.dumps(summary(run_campaign(prepare(builder, family, vid), _config(calls, seed)))))
"""


def summary(outcome: FuzzOutcome) -> dict[str, object]:
    """Everything of a campaign that depends on what it drew (not on the clock)."""
    s = outcome.stats
    return {
        "calls": s.calls,
        "sequences": s.sequences,
        "functions": [[f.contract, f.function, f.calls, f.reverts] for f in s.functions],
        "first": [[b.property, b.calls] for b in s.first_breaks],
        "results": [
            [r.name, r.status.value, repr(r.counterexample.calls) if r.counterexample else None]
            for r in outcome.results
        ],
    }


def test_campaign_does_not_depend_on_what_ran_before(solcjs_cache: Path) -> None:
    alone = subprocess.run(
        [sys.executable, "-c", ALONE, json.dumps(B), str(solcjs_cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    for module in pkgutil.walk_packages(solvency.__path__, "solvency."):
        if not module.name.endswith("__main__"):  # every module loaded, as in the suite
            importlib.import_module(module.name)

    builder = Builder(BuildOptions(cache_dir=solcjs_cache))
    run_campaign(prepare(builder, "erc20_escrow", "self_transfer"), _config(300, 0))  # A
    family, vid, calls, seed = B
    after = summary(run_campaign(prepare(builder, family, vid), _config(calls, seed)))
    assert after["functions"], "campaign B ran no calls"
    assert json.loads(alone.stdout.strip().splitlines()[-1]) == after
