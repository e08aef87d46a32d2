"""`summarized erc20` on an input: parsed, printed back, checked (with located errors on
misuse), carried to the typed reads, and lowered to the summary array in Z3."""

from __future__ import annotations

import pytest

from solvency.smt import terms as zt
from solvency.smt.state import TOKENS_PATH, SymbolicEnv, SymbolicState
from solvency.specs import ast, typed
from solvency.specs.api import check_source
from solvency.specs.lower_smt import SmtFrame, lower
from solvency.specs.parser import parse
from solvency.specs.printer import print_file
from tests.unit.specs.models import PROJECT
from tests.unit.specs.test_checker import errors, position, wrap

HELD = "input uint256 held(address tok, address who) = tok.balanceOf(who) summarized erc20;"


def test_parse_and_print_roundtrip() -> None:
    f = parse(wrap(HELD), "t.spec")
    (spec,) = f.items
    assert isinstance(spec, ast.SpecBlock)
    (decl,) = spec.members
    assert isinstance(decl, ast.Input) and decl.summary == "erc20"
    assert (decl.summary_span.line, decl.summary_span.column) == position(wrap(HELD), "erc20")
    text = print_file(f)
    assert "tok.balanceOf(who) summarized erc20;" in text
    assert parse(text, "t.spec") == f


def test_summary_travels_to_every_read() -> None:
    text = wrap(HELD + "\n    invariant a(address t): held(t, this) >= totalCollateral;")
    (s,) = check_source(text, PROJECT, "t.spec")
    (held,) = s.externals
    assert held.summary == "erc20"
    inv = s.invariant("a")
    assert inv is not None and isinstance(inv.expr, typed.Binary)
    reads = [n for n in _nodes(inv.expr) if isinstance(n, typed.ExternalRead)]
    assert [r.summary for r in reads] == ["erc20"]


def test_without_summary_nothing_changes() -> None:
    plain = HELD.replace(" summarized erc20", "")
    (s,) = check_source(wrap(plain + "\n    invariant a: held(this, this) > 0;"), PROJECT, "t.spec")
    assert s.externals[0].summary is None


def test_v1_form_with_summary_becomes_a_summarized_external() -> None:
    decl = "input uint256 escrowed = owner.balanceOf(this) in [0, max_uint256] summarized erc20;"
    (s,) = check_source(wrap(decl + "\n    invariant a: escrowed >= 0;"), PROJECT, "t.spec")
    assert not s.inputs
    (e,) = s.externals
    assert (e.name, e.summary, e.signature) == ("escrowed", "erc20", "balanceOf(address)")


def test_lowering_reads_the_summary_array_of_each_state() -> None:
    text = wrap(HELD + "\n    invariant a(address t): held(t, this) >= 5;")
    (s,) = check_source(text, PROJECT, "t.spec")
    inv = s.invariant("a")
    assert inv is not None
    t = zt.const("t", zt.bv_sort(160))
    pre, post = SymbolicState("pre"), SymbolicState("post")
    moved = zt.store(pre.token_balances(), [t, pre.this], zt.value(7, zt.bv_sort(256)))
    post.storage[TOKENS_PATH] = moved  # what the executor leaves in a post-state
    env = SymbolicEnv.fresh("e")
    at_pre = lower(inv.expr, SmtFrame(pre, env, bindings={"t": t}))
    at_post = lower(inv.expr, SmtFrame(post, env, bindings={"t": t}))
    assert zt.as_python(zt.simplify(at_post)) is True  # 7 >= 5 through the written array
    with pytest.raises(ValueError, match="not a literal"):
        zt.as_python(zt.simplify(at_pre))  # the pre-state's array is free
    assert "pre.erc20.balanceOf" in str(at_pre)
    assert TOKENS_PATH not in pre.storage  # never mistaken for a contract variable


INVALID = [
    (
        "input uint256 h(address t, address w) = t.balanceOf(w) summarized erc721;",
        "unknown summary `erc721`",
        "erc721",
        "did you mean `erc20`",
    ),
    (
        "input uint256 h(address t) = t.totalSupply() summarized erc20;",
        "needs a `balanceOf(address)` input",
        "erc20",
        "summarized erc20;`",
    ),
    (
        "input uint256 h(address t, uint256 w) = t.balanceOf(w) summarized erc20;",
        "needs a `balanceOf(address)` input",
        "erc20",
        None,
    ),
    (
        "input uint128 h(address t, address w) = t.balanceOf(w) summarized erc20;",
        "a summarized ERC20 balance is one uint256",
        "erc20",
        None,
    ),
    (
        "input (uint256 a, uint256 b) h(address t) = t.balanceOf(this) summarized erc20;",
        "a summarized ERC20 balance is one uint256",
        "erc20",
        None,
    ),
    (
        "input uint256 h = owner.balanceOf(this) in [0, 1000] summarized erc20;",
        "conflict with `summarized erc20`",
        "0, 1000",
        "drop `in [...]`",
    ),
]


@pytest.mark.parametrize(("members", "message", "at", "hint"), INVALID, ids=lambda v: str(v)[:40])
def test_misuse_is_located_with_a_hint(
    members: str, message: str, at: str, hint: str | None
) -> None:
    text = wrap(members)
    found = errors(text)
    assert len(found) == 1, found
    line, col, msg, got_hint = found[0]
    assert message in msg
    assert (line, col) == position(text, at), (msg, at)
    if hint is not None:
        assert got_hint is not None and hint in got_hint, got_hint


def test_summary_keyword_needs_a_name() -> None:
    found = errors(wrap("input uint256 h(address t) = t.balanceOf(this) summarized;"))
    assert found and found[0][0] == 2


def _nodes(e: object) -> list[object]:
    out = [e]
    for name in getattr(e, "__slots__", ()):
        v = getattr(e, name, None)
        if isinstance(v, tuple):
            for x in v:
                out.extend(_nodes(x))
        elif hasattr(v, "__slots__") and not isinstance(v, str):
            out.extend(_nodes(v))
    return out
