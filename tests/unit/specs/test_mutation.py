"""No malformed or ill-typed spec ever produces a traceback: only a SpecError with spans.

Hypothesis mutates the valid sample specs token by token (insert, delete, swap, replace)
and type-checks each result against the in-memory contract models, so thousands of cases
run in well under a minute without a compiler.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvency.specs.api import check_source
from solvency.specs.diagnostics import SpecError
from tests.unit.specs.models import PROJECT
from tests.unit.specs.samples import VALID

_TOKEN = re.compile(
    r'"[^"\n]*"|//[^\n]*|/\*.*?\*/|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][0-9]+)?'
    r"|[A-Za-z_$][A-Za-z0-9_$]*|<=>|=>|==|!=|<=|>=|&&|\|\||\*\*|->|\S",
    re.S,
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


SEEDS = [tokens(t) for t in VALID.values()]
# Besides every token of the seeds: keywords and edge cases the seeds do not contain.
EXTRA = [
    "old", "sum", "forall", "exists", "let", "in", "ghost", "hook", "input", "harness",
    "use", "properties", "spec", "import", "preserved", "only", "except", "assuming",
    "satisfy", "call", "any", "with", "mapping", "result", "_", "this", "msg", "block",
    "0", "1e400", "1e99999999", "0x_", "2.5", "10**10**10", "uint7", "bytes33", "int0",
    "'", "@", "#", "\"",
    "max_uint8", "min_int8", "mathint", "bool", "(", ")", "[", "]", "{", "}", ";", ":",
]  # fmt: skip
VOCAB = sorted({t for s in SEEDS for t in s} | set(EXTRA))


KEYWORDS = set(EXTRA[:24]) | {"def", "invariant", "rule", "requires", "ensures", "true"}
OPERATORS = {"+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "=>"}


def _kind(t: str) -> str:
    if t in KEYWORDS or t in ("false", "reverts_if", "reverts_unless"):
        return "keyword"
    if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", t):
        return "name"
    if t[0].isdigit():
        return "number"
    return "operator" if t in OPERATORS else "punct"


# Replacing a name, number or operator by another of its kind keeps many mutants
# parseable, so the checker (not only the parser) sees thousands of ill-typed specs.
BY_KIND = {k: sorted(t for t in VOCAB if _kind(t) == k) for k in ("name", "number", "operator")}


@st.composite
def mutants(draw: st.DrawFn) -> str:
    toks = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 2))):
        i = draw(st.integers(0, len(toks) - 1))
        match draw(st.sampled_from(["insert", "delete", "swap", "replace", *["same_kind"] * 6])):
            case "insert":
                toks.insert(i, draw(st.sampled_from(VOCAB)))
            case "delete" if len(toks) > 1:
                del toks[i]
            case "swap":
                j = draw(st.integers(0, len(toks) - 1))
                toks[i], toks[j] = toks[j], toks[i]
            case "replace":
                toks[i] = draw(st.sampled_from(VOCAB))
            case "same_kind" if _kind(toks[i]) in BY_KIND:
                toks[i] = draw(st.sampled_from(BY_KIND[_kind(toks[i])]))
    # Keep some line structure so spans point at different lines.
    return "".join(t + ("\n" if t in (";", "{", "}") else " ") for t in toks)


def _check_never_crashes(text: str) -> None:
    try:
        check_source(text, PROJECT, "<mutant>")
    except SpecError as exc:
        assert exc.diagnostics, text
        lines = text.count("\n") + 1
        for d in exc.diagnostics:
            assert d.span.file == "<mutant>" or d.span.file.startswith("std/"), d
            assert d.span.line >= 1, (d, text)
            assert d.span.file != "<mutant>" or d.span.line <= lines, (d, text)
            assert d.message
        exc.render()  # rendering with carets must not fail either


@settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutants())
def test_mutated_specs_only_raise_spec_errors(text: str) -> None:
    _check_never_crashes(text)


def test_seeds_are_valid() -> None:
    for text in VALID.values():
        check_source(text, PROJECT, "<seed>")


def test_the_mutator_really_breaks_specs() -> None:
    """Guard against a vacuous property: most mutants must be rejected."""
    broken = 0
    for text in [
        "".join(t + " " for t in SEEDS[0][:-1]),  # missing closing brace
        " ".join(SEEDS[0]).replace("collateral", "colateral", 1),
    ]:
        try:
            check_source(text, PROJECT, "<mutant>")
        except SpecError:
            broken += 1
    assert broken == 2


DEEP = [
    "(" * 2000 + "1" + ")" * 2000 + " > 0",  # parentheses add no depth
    " + ".join(["1"] * 3000) + " > 0",
    "-" * 3000 + "1 > 0",
    "collateral" + "[owner]" * 1000 + " > 0",
    " && ".join(["true"] * 3000),
    "true ? " * 1000 + "true" + " : false" * 1000,
    "".join(f"let x{i} = 1 in " for i in range(1000)) + "true",
]


def test_absurd_nesting_is_a_located_error_not_a_recursion_error() -> None:
    for expr in DEEP:
        _check_never_crashes(f"spec Escrow {{ invariant a: {expr}; }}")
    chain = " ".join(f"def d{i} -> mathint = d{i + 1} + 1;" for i in range(500))
    text = f"spec Escrow {{ {chain} def d500 -> mathint = 1; invariant a: d0 > 0; }}"
    try:
        check_source(text, PROJECT, "<deep>")
    except SpecError as exc:
        assert "more than 32 levels deep" in exc.diagnostics[0].message
    else:
        raise AssertionError("a 500-deep chain of defs was accepted")
