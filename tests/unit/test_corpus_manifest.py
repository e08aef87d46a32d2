"""The corpus ground truth stays honest: schema, files, lines, coverage, README (no compiler)."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from benchmarks.groundtruth import (
    CORPORA,
    Family,
    Variant,
    families,
    load_family,
    manifest_paths,
    readme_table,
    schema,
)
from benchmarks.solidity_spans import enclosing_function, function_spans, is_code_line

FAMILIES = families()
VARIANTS = [v for f in FAMILIES for v in f.variants]
BUGGED = [v for v in VARIANTS if not v.correct]
ALL_CLASSES = {f"B{i}" for i in range(1, 19)}
_PRAGMA = re.compile(r"^\s*pragma\s+solidity\s+[\^>=<~ ]*(\d+)\.(\d+)", re.M)


def _family(variant: Variant) -> Family:
    return next(f for f in FAMILIES if f.name == variant.family)


def _correct_twin(variant: Variant) -> Variant:
    """The correct version written for the same compiler era."""
    return next(v for v in _family(variant).variants if v.correct and v.style == variant.style)


@pytest.mark.parametrize("path", manifest_paths(), ids=lambda p: p.parent.name)
def test_manifest_validates_against_the_schema(path: Path) -> None:
    jsonschema.validate(tomllib.loads(path.read_text()), schema())
    family = load_family(path)
    assert family.name == path.parent.name
    ids = [v.id for v in family.variants]
    assert len(ids) == len(set(ids)), f"duplicate variant ids in {path}"
    files = [v.file for v in family.variants]
    assert len(files) == len(set(files)), f"a file is listed twice in {path}"


@pytest.mark.parametrize(
    "broken",
    [
        {"correct": False},  # a bugged variant without bug_class, lines, expected
        {"correct": False, "bug_class": "B19", "lines": [1], "expected": {}},
        {"correct": False, "bug_class": "B1", "lines": [], "expected": {}},
        {"correct": True},  # a correct variant without its properties
        {"correct": True, "properties": [], "static": ["x"]},  # unknown key
    ],
)
def test_schema_rejects_malformed_variants(broken: dict[str, object]) -> None:
    variant = {"id": "v", "file": "V.sol", "description": "a description long enough", **broken}
    manifest = {"family": "f", "title": "Family", "contract": "C", "variant": [variant]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(manifest, schema())


def test_corpus_size_and_class_coverage() -> None:
    assert len(FAMILIES) >= 10
    assert len(BUGGED) >= 30
    assert {v.bug_class for v in BUGGED} == ALL_CLASSES
    old_eras = {f.name for f in FAMILIES if any(v.style in ("0.6", "0.7") for v in f.variants)}
    assert len(old_eras) >= 3, old_eras


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_family_shape(family: Family) -> None:
    """A correct 0.8 contract with 2-4 bugged variants; every era has its own correct version."""
    modern = [v for v in family.variants if v.style == "0.8"]
    assert sum(v.correct for v in modern) == 1
    assert 2 <= sum(not v.correct for v in modern) <= 4
    for style in {v.style for v in family.variants}:
        assert any(v.correct and v.style == style for v in family.variants), style
    listed = {v.file.name for v in family.variants}
    on_disk = {p.name for p in family.folder.glob("*.sol")}
    assert on_disk == listed, "every .sol file of a family is a listed variant"
    assert family.recipe.is_file(), "each family records its deployment recipe"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.key)
def test_variant_file_defines_the_contract_in_its_era(variant: Variant) -> None:
    text = variant.file.read_text()
    assert re.search(rf"^\s*contract\s+{_family(variant).contract}\b", text, re.M)
    major_minor = {f"{a}.{b}" for a, b in _PRAGMA.findall(text)}
    assert major_minor == {variant.style}, f"pragma says {major_minor}, manifest {variant.style}"


@pytest.mark.parametrize("variant", BUGGED, ids=lambda v: v.key)
def test_bug_lines_point_at_code_near_the_seeded_change(variant: Variant) -> None:
    lines = variant.file.read_text().splitlines()
    for number in variant.lines:
        assert 1 <= number <= len(lines), f"line {number} beyond the end of {variant.file.name}"
        assert is_code_line(lines[number - 1]), f"line {number} is not code: {lines[number - 1]!r}"
        assert enclosing_function(variant.file, number) is not None, f"line {number} outside a body"
    # The variant differs from its correct twin in code, inside a function holding a bug line.
    twin = _correct_twin(variant).file.read_text().splitlines()
    matcher = difflib.SequenceMatcher(None, twin, lines, autojunk=False)
    touched: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        code_changed = any(is_code_line(x) for x in twin[i1:i2] + lines[j1:j2])
        if code_changed:
            touched.update(range(j1, max(j2, j1 + 1) + 1))
    assert touched, "the variant's code is identical to its correct version"
    bug_functions = {enclosing_function(variant.file, n) for n in variant.lines}
    spans = function_spans(variant.file.read_text())
    changed_functions = {s for s in spans for n in touched if s.contains(n)}
    assert bug_functions & changed_functions, (
        f"the code changes (lines {sorted(touched)}) are in no function of the bug lines"
    )


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_properties_are_documented(family: Family) -> None:
    documented = {name for name, _ in family.property_docs}
    for v in family.variants:
        if v.correct:
            assert v.properties, f"{v.key} lists no properties"
            assert set(v.properties) <= documented, set(v.properties) - documented
        else:
            named = set(v.expected.prover + v.expected.fuzz)
            assert named <= documented, set(named) - documented
            assert v.expected.static or named, f"{v.key}: no engine is expected to catch it"
            # a broken property must be one the correct version claims to satisfy
            assert named <= set(_correct_twin(v).properties), v.key


def test_readme_table_is_generated_from_the_manifests() -> None:
    readme = (CORPORA / "README.md").read_text()
    table = readme_table()
    assert table in readme, "corpora/README.md is stale: run python3 benchmarks/groundtruth.py"
    assert table.count("\n") == len(VARIANTS) + 2
    for v in BUGGED:
        assert f"| {v.id} | {v.file.name} |" in table
