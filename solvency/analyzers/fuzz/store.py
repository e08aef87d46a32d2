"""The counterexample database under `.solvency/`: every failure a campaign found, as JSON,
replayed first by the next campaign on the same contract (and by `fuzz --replay`)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from solvency.core.counterexample import Counterexample
from solvency.core.errors import UserError
from solvency.core.serde import from_jsonable, to_jsonable

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class CounterexampleStore:
    """`<root>/counterexamples/<Contract>/<property>-<hash>.json`; Hypothesis's own example
    database lives beside it in `<root>/hypothesis/`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def hypothesis_dir(self) -> Path:
        return self.root / "hypothesis"

    def folder(self, contract: str) -> Path:
        return self.root / "counterexamples" / _SAFE.sub("_", contract)

    def save(self, contract: str, cex: Counterexample) -> Path:
        text = dump(cex)
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        path = self.folder(contract) / f"{_SAFE.sub('_', cex.property_name)}-{digest}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def load(self, contract: str) -> tuple[Counterexample, ...]:
        folder = self.folder(contract)
        if not folder.is_dir():
            return ()
        return tuple(load(p) for p in sorted(folder.glob("*.json")))


def dump(cex: Counterexample) -> str:
    return json.dumps(to_jsonable(cex), indent=2, sort_keys=True) + "\n"


def load(path: Path) -> Counterexample:
    """A Counterexample from a JSON file: ours, the prover's, or one property of a report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read counterexample {path}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("counterexample"), dict):
        data = data["counterexample"]  # a PropertyResult as the JSON report writes it
    try:
        return from_jsonable(Counterexample, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            f"{path} is not a counterexample: {exc}",
            hint="give a file written by `solvency fuzz` or `solvency prove` (JSON)",
        ) from None
