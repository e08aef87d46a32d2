"""Rule metadata is declarative and checked when the class is created, not when it runs."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from solvency.core.findings import Confidence, Severity
from solvency.ir.detector_base import RuleMeta, RuleMetadataError, SolvencyDetector
from solvency.rules import ALL_RULES, RULE_IDS, make_plugin
from tests.conftest import ROOT

GOOD = RuleMeta(
    id="example-rule",
    title="An example rule title",
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    description="What the example rule looks for.",
    exploit_scenario="How an attacker would use it.",
    recommendation="What to do about it instead.",
    bug_classes=("B1",),
)


def test_pack_has_twelve_rules_with_unique_ids_one_per_file() -> None:
    assert len(ALL_RULES) >= 12
    assert len(RULE_IDS) == len(ALL_RULES)
    files = {r.__module__ for r in ALL_RULES}
    assert len(files) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert rule.__module__ == f"solvency.rules.{rule.meta.id.replace('-', '_')}"


def test_metadata_is_mapped_onto_slithers_detector_attributes() -> None:
    for rule in ALL_RULES:
        assert rule.meta.id == rule.ARGUMENT
        assert rule.meta.exploit_scenario == rule.WIKI_EXPLOIT_SCENARIO
        assert all(c in rule.WIKI_DESCRIPTION for c in rule.meta.bug_classes)
    detectors, printers = make_plugin()
    assert detectors == list(ALL_RULES) and printers == []


def test_every_static_rule_named_by_a_corpus_manifest_exists() -> None:
    named: set[str] = set()
    for manifest in (ROOT / "corpora").glob("*/expected.toml"):
        for variant in tomllib.loads(manifest.read_text()).get("variant", []):
            named.update(variant.get("expected", {}).get("static", []))
    assert named <= RULE_IDS, named - RULE_IDS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "NotKebab"}, "lower-case words"),
        ({"exploit_scenario": ""}, "exploit_scenario is missing"),
        ({"bug_classes": ()}, "bug_classes is empty"),
        ({"bug_classes": ("B1", "X9")}, "'X9' is not of the form"),
        ({"severity": "high"}, "is not a Severity"),
        ({"recommendation": " ", "title": ""}, "title is missing"),
    ],
)
def test_bad_metadata_fails_at_class_creation(change: dict[str, object], message: str) -> None:
    meta = replace(GOOD, **change)  # type: ignore[arg-type]
    with pytest.raises(RuleMetadataError, match=message):
        type("BadRule", (SolvencyDetector,), {"meta": meta})


def test_missing_metadata_fails_at_class_creation() -> None:
    with pytest.raises(RuleMetadataError, match="must declare"):
        type("NoMeta", (SolvencyDetector,), {})
    rule = type("GoodRule", (SolvencyDetector,), {"meta": GOOD})
    assert rule.ARGUMENT == "example-rule"
