"""Recall and precision of the rule pack on the corpus: every bugged variant whose manifest
lists static rules is caught by exactly those rules (at a listed line, or in the function that
holds one); the correct versions, and the bugged variants no rule is meant to catch (their
class is left to the prover and the fuzzer), draw no finding from any rule."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from solvency.build import BuildOptions
from solvency.ir import LoadedProject, load
from solvency.ir.detectors import DetectorResult, run_detectors
from solvency.rules import ALL_RULES
from tests.conftest import ROOT

CORPORA = ROOT / "corpora"


@dataclass(frozen=True)
class Variant:
    family: str
    id: str
    file: Path
    correct: bool
    static: tuple[str, ...]
    lines: tuple[int, ...]


def _variants() -> list[Variant]:
    found = []
    for manifest in sorted(CORPORA.glob("*/expected.toml")):
        data = tomllib.loads(manifest.read_text())
        for v in data.get("variant", []):
            static = tuple(v.get("expected", {}).get("static", []))
            found.append(
                Variant(
                    family=manifest.parent.name,
                    id=v["id"],
                    file=manifest.parent / v["file"],
                    correct=bool(v.get("correct")),
                    static=static,
                    lines=tuple(v.get("lines", [])),
                )
            )
    return found


VARIANTS = _variants()


def _run(variant: Variant, cache: Path) -> tuple[LoadedProject, list[DetectorResult]]:
    project = load(variant.file, BuildOptions(cache_dir=cache))
    own = [r for r in run_detectors(project, list(ALL_RULES)) if _in(r, variant.file)]
    return project, own


def _in(result: DetectorResult, file: Path) -> bool:
    return bool(result.locations) and result.locations[0].file.endswith(file.name)


def _functions_at(project: LoadedProject, lines: tuple[int, ...]) -> set[str]:
    """Names of the functions whose source spans one of `lines` (Slither's source mapping)."""
    names = set()
    for contract in project.slither.contracts:
        for function in contract.functions_declared:
            span = function.source_mapping.lines
            if span and any(span[0] <= line <= span[-1] for line in lines):
                names.add(str(function.name))
    return names


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v.family}-{v.id}")
def test_rules_on_corpus_variant(variant: Variant, solcjs_cache: Path) -> None:
    project, results = _run(variant, solcjs_cache)
    rows = sorted({(r.check, r.locations[0].start_line, r.locations[0].function) for r in results})
    if variant.correct or not variant.static:
        assert rows == [], f"false positives on {variant.file.name}: {rows}"
        return
    at_bug = _functions_at(project, variant.lines)
    for rule_id in variant.static:
        hits = [r for r in rows if r[0] == rule_id and (r[1] in variant.lines or r[2] in at_bug)]
        assert hits, f"{rule_id} missed {variant.file.name} lines {variant.lines}: {rows}"
    unexpected = [r for r in rows if r[0] not in variant.static]
    assert unexpected == [], f"rules outside the manifest fired on {variant.file.name}"
