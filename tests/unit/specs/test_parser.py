"""The parser: every construct becomes the expected AST node, with the right source span."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from solvency.specs import ast
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.diagnostics import SpecError
from solvency.specs.parser import parse, parse_number
from tests.unit.specs.samples import VALID

N, T = ast.Name, ast.TypeName


def num(v: int) -> ast.Number:
    return ast.Number(v)


def b(op: BinOp, lhs: ast.Expr, rhs: ast.Expr) -> ast.Binary:
    return ast.Binary(op, lhs, rhs)


def ix(obj: ast.Expr, key: str) -> ast.Index:
    return ast.Index(obj, N(key))


def expr(text: str) -> ast.Expr:
    """The expression of `invariant i: <text>;` (the parser does not type-check)."""
    (block,) = parse(f"spec S {{ invariant i: {text}; }}").items
    assert isinstance(block, ast.SpecBlock)
    inv = block.members[0]
    assert isinstance(inv, ast.Invariant)
    return inv.expr


def member(text: str) -> ast.Decl:
    (block,) = parse(f"spec S {{ {text} }}").items
    assert isinstance(block, ast.SpecBlock)
    (m,) = block.members
    return m


def stmts(text: str) -> tuple[ast.Stmt, ...]:
    r = member(f"rule r() {{ {text} }}")
    assert isinstance(r, ast.Rule)
    return r.body


# ── expressions ──────────────────────────────────────────────────────────────────────────

EXPRESSIONS = [
    ("1 + 2 * 3", b(BinOp.ADD, num(1), b(BinOp.MUL, num(2), num(3)))),
    ("1 - 2 - 3", b(BinOp.SUB, b(BinOp.SUB, num(1), num(2)), num(3))),
    ("a / b % c", b(BinOp.MOD, b(BinOp.DIV, N("a"), N("b")), N("c"))),
    ("-2 ** 2", ast.Unary(UnOp.NEG, b(BinOp.POW, num(2), num(2)))),
    ("2 ** 3 ** 2", b(BinOp.POW, num(2), b(BinOp.POW, num(3), num(2)))),
    ("!a && b", b(BinOp.AND, ast.Unary(UnOp.NOT, N("a")), N("b"))),
    ("a || b && c", b(BinOp.OR, N("a"), b(BinOp.AND, N("b"), N("c")))),
    ("a => b => c", b(BinOp.IMPLIES, N("a"), b(BinOp.IMPLIES, N("b"), N("c")))),
    ("a <=> b => c", b(BinOp.IFF, N("a"), b(BinOp.IMPLIES, N("b"), N("c")))),
    ("a + 1 <= b == c", b(BinOp.EQ, b(BinOp.LE, b(BinOp.ADD, N("a"), num(1)), N("b")), N("c"))),
    ("x != y", b(BinOp.NE, N("x"), N("y"))),
    ("c ? 1 : 2", ast.Ternary(N("c"), num(1), num(2))),
    ("a ? b : c ? d : e", ast.Ternary(N("a"), N("b"), ast.Ternary(N("c"), N("d"), N("e")))),
    ("true && false", b(BinOp.AND, ast.BoolLit(True), ast.BoolLit(False))),
    ("m[a][b].f", ast.Member(ast.Index(ast.Index(N("m"), N("a")), N("b")), "f")),
    ("users.length", ast.Member(N("users"), "length")),
    ("msg.sender", ast.Member(N("msg"), "sender")),
    ("f(1, x)", ast.Call(N("f"), (num(1), N("x")))),
    ("f()", ast.Call(N("f"), ())),
    ("old(m[u])", ast.Call(N("old"), (ast.Index(N("m"), N("u")),))),
    ("uint128(x)", ast.Call(N("uint128"), (N("x"),))),
    ("sum(m)", ast.Sum(None, None, N("m"))),
    ("sum(u: p[i][u].s)", ast.Sum(None, "u", ast.Member(ix(ix(N("p"), "i"), "u"), "s"))),
    ("sum(bytes32 i: a[i] * b[i])",
     ast.Sum(T("bytes32"), "i", b(BinOp.MUL, ix(N("a"), "i"), ix(N("b"), "i")))),
    ("forall address u: m[u] >= 0",
     ast.Quantifier(True, T("address"), "u", b(BinOp.GE, ix(N("m"), "u"), num(0)))),
    ("exists uint256 i: a[i] == 0 && true",
     ast.Quantifier(False, T("uint256"), "i",
                    b(BinOp.AND, b(BinOp.EQ, ix(N("a"), "i"), num(0)), ast.BoolLit(True)))),
    ("let x = 1 in x + 1", ast.Let("x", num(1), b(BinOp.ADD, N("x"), num(1)))),
    ("(a) && (b)", b(BinOp.AND, N("a"), N("b"))),
    ("a && (forall address u: b)",
     b(BinOp.AND, N("a"), ast.Quantifier(True, T("address"), "u", N("b")))),
    # a binder may close an operator chain unparenthesized, its body extending to the right
    ("a => exists address u: b && c",
     b(BinOp.IMPLIES, N("a"),
       ast.Quantifier(False, T("address"), "u", b(BinOp.AND, N("b"), N("c"))))),
    ("a && b || let v = 1 in v > 0",
     b(BinOp.OR, b(BinOp.AND, N("a"), N("b")), ast.Let("v", num(1), b(BinOp.GT, N("v"), num(0))))),
    ("a <=> forall address u: b",
     b(BinOp.IFF, N("a"), ast.Quantifier(True, T("address"), "u", N("b")))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "want"), EXPRESSIONS, ids=[t for t, _ in EXPRESSIONS])
def test_expression(text: str, want: ast.Expr) -> None:
    assert expr(text) == want


NUMBERS = [
    ("0", 0),
    ("1_000", 1000),
    ("0xff", 255),
    ("0xFF_FF", 65535),
    ("1e18", 10**18),
    ("2.5e17", 25 * 10**16),
    ("1.5 ether", 15 * 10**17),
    ("3 gwei", 3 * 10**9),
    ("2 days", 172800),
    ("1 weeks", 604800),
    ("10 minutes", 600),
    ("1 hours", 3600),
    ("7 wei", 7),
    ("5 seconds", 5),
]


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_number_literals(text: str, value: int) -> None:
    got = expr(text)
    assert isinstance(got, ast.Number) and got.value == value and got.text == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e99999999", "`1e99999999` is too large"),
        ("9" * 5000, "is too large"),
        ("0x_", "malformed number `0x_`"),
    ],
)
def test_bad_number_literals(text: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse(f"spec S {{ invariant i: {text} > 0; }}")
    (d,) = info.value.diagnostics
    assert message in d.message and (d.span.line, d.span.column) == (1, 23)


def test_byte_order_mark_is_ignored() -> None:
    assert parse("\ufeffspec S { }").items == (ast.SpecBlock("S", ()),)


def test_fractional_number_is_a_located_error() -> None:
    with pytest.raises(SpecError) as info:
        parse("spec S {\n  invariant i: x == 1.25e1;\n}", "n.spec")
    (d,) = info.value.diagnostics
    assert d.message == "`1.25e1` is not a whole number"
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 21, 27)
    with pytest.raises(ValueError, match="whole"):
        parse_number("0.1", None)


# ── declarations and statements ──────────────────────────────────────────────────────────


def test_imports_defs_groups_and_specs() -> None:
    f = parse(
        'import "std/fixedpoint.spec";\n'
        "def WAD -> uint256 = 1e18;\n"
        "def healthy(address u) -> bool = true;\n"
        "properties G { def level() -> uint256; use H; }\n"
        'spec C { use G; harness "deploy.toml"; }\n',
        "x.spec",
    )
    imp, wad, healthy, group, spec = f.items
    assert imp == ast.Import("std/fixedpoint.spec")
    assert wad == ast.Def("WAD", None, T("uint256"), num(10**18))
    assert healthy == ast.Def(
        "healthy", (ast.Param(T("address"), "u"),), T("bool"), ast.BoolLit(True)
    )
    assert group == ast.SpecBlock(
        "G", (ast.Def("level", (), T("uint256"), None), ast.Use("H")), group=True
    )
    assert spec == ast.SpecBlock("C", (ast.Use("G"), ast.HarnessRef("deploy.toml")))
    assert f.path == "x.spec" and f.source.startswith("import")


def test_invariant_with_every_clause() -> None:
    inv = member(
        "invariant i(address u, bytes32 id): true\n"
        "  only [a, b(uint256, address)] except [c] assuming j(u), k\n"
        "{ preserved a(uint256 x) { requires x > 0; } preserved { requires invariant k; } }"
    )
    assert inv == ast.Invariant(
        "i",
        (ast.Param(T("address"), "u"), ast.Param(T("bytes32"), "id")),
        ast.BoolLit(True),
        (ast.FnRef("a", None), ast.FnRef("b", (T("uint256"), T("address")))),
        (ast.FnRef("c", None),),
        (ast.InvRef("j", (N("u"),)), ast.InvRef("k", None)),
        (
            ast.Preserved(
                "a",
                (ast.Param(T("uint256"), "x"),),
                (ast.Requires(b(BinOp.GT, N("x"), num(0))),),
            ),
            ast.Preserved(None, (), (ast.RequiresInvariant(ast.InvRef("k", None)),)),
        ),
    )


def test_rule_statements() -> None:
    body = stmts(
        "let x = 1; requires x > 0; call f(x, _); ensures result; reverts_if x == 2;"
        " reverts_unless x != 3; succeeds_if x == 4;"
        " call r = g(); call (a, b) = h() with (sender: u, value: 1);"
        " call any; call any except [f, g(uint256)] with (timestamp: 5);"
    )
    assert body == (
        ast.LetStmt("x", num(1)),
        ast.Requires(b(BinOp.GT, N("x"), num(0))),
        ast.CallStmt("f", (N("x"), N("_")), (), (), ()),
        ast.Ensures(N("result")),
        ast.RevertsIf(b(BinOp.EQ, N("x"), num(2)), False),
        ast.RevertsIf(b(BinOp.NE, N("x"), num(3)), True),
        ast.SucceedsIf(b(BinOp.EQ, N("x"), num(4))),
        ast.CallStmt("g", (), ("r",), (), ()),
        ast.CallStmt(
            "h", (), ("a", "b"), (), (ast.EnvItem("sender", N("u")), ast.EnvItem("value", num(1)))
        ),
        ast.CallStmt(None, (), (), (), ()),
        ast.CallStmt(
            None,
            (),
            (),
            (ast.FnRef("f", None), ast.FnRef("g", (T("uint256"),))),
            (ast.EnvItem("timestamp", num(5)),),
        ),
    )


def test_rule_and_satisfy_with_and_without_parameters() -> None:
    assert member("rule r(uint256 a) { }") == ast.Rule("r", (ast.Param(T("uint256"), "a"),), ())
    assert member("satisfy s { call f(); }") == ast.Rule(
        "s", (), (ast.CallStmt("f", (), (), (), ()),), satisfy=True
    )


def test_ghosts_hooks_inputs() -> None:
    assert member("ghost mapping(address => mapping(bytes32 => uint256)) g;") == ast.Ghost(
        ast.MappingTypeName(T("address"), ast.MappingTypeName(T("bytes32"), T("uint256"))),
        "g",
        None,
    )
    assert member("ghost bool g = true;") == ast.Ghost(T("bool"), "g", ast.BoolLit(True))
    assert member("hook any { n = n + 1; m[a][b] = 0; }") == ast.Hook(
        None,
        (),
        (
            ast.Assign("n", (), b(BinOp.ADD, N("n"), num(1))),
            ast.Assign("m", (N("a"), N("b")), num(0)),
        ),
    )
    assert member("hook f(uint256 x) { }") == ast.Hook("f", (ast.Param(T("uint256"), "x"),), ())
    assert member("input uint256 p = oracle.price(1, a) in [1, 2e18];") == ast.Input(
        T("uint256"), "p", "oracle", "price", (num(1), N("a")), num(1), num(2 * 10**18)
    )
    assert member("input uint256 h(address t) = t.balanceOf(this);") == ast.Input(
        T("uint256"),
        "h",
        "t",
        "balanceOf",
        (N("this"),),
        None,
        None,
        params=(ast.Param(T("address"), "t"),),
    )
    results = (ast.Param(T("uint80"), "id"), ast.Param(T("int256"), "answer"))
    assert member("input (uint80 id, int256 answer) r = feed.latestRoundData();") == ast.Input(
        results, "r", "feed", "latestRoundData", (), None, None
    )
    assert expr("r(f).answer") == ast.Member(ast.Call(N("r"), (N("f"),)), "answer")


def test_keywords_stay_usable_as_names_where_unambiguous() -> None:
    # Lark's contextual lexer: a contract may have a variable called `input` or `days`.
    assert expr("input + days") == b(BinOp.ADD, N("input"), N("days"))
    assert expr("ghost[hook]") == ast.Index(N("ghost"), N("hook"))


def test_comments_are_ignored() -> None:
    assert expr("1 /* one */ + // plus\n 2") == b(BinOp.ADD, num(1), num(2))


# ── spans ────────────────────────────────────────────────────────────────────────────────


def text_at(source: str, span: ast.Span) -> str:
    lines = source.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    first = lines[span.line - 1][span.column - 1 :]
    middle = lines[span.line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1]
    return "\n".join([first, *middle, last])


def nodes(x: object) -> Iterator[object]:
    if isinstance(x, tuple):
        for y in x:
            yield from nodes(y)
    elif dataclasses.is_dataclass(x) and not isinstance(x, ast.Span | type):
        yield x
        for f in dataclasses.fields(x):
            yield from nodes(getattr(x, f.name))


EXPR_TYPES = (
    ast.Number,
    ast.BoolLit,
    ast.Name,
    ast.Member,
    ast.Index,
    ast.Call,
    ast.Unary,
    ast.Binary,
    ast.Ternary,
    ast.Quantifier,
    ast.Sum,
    ast.Let,
)


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_expression_span_covers_exactly_its_source(name: str) -> None:
    """Re-parsing the text under each expression's span gives that same expression."""
    source = VALID[name]
    f = parse(source, name)
    seen = 0
    for n in nodes(f.items):
        span = getattr(n, "span", None)
        assert span is not None and span.file == name and span.line >= 1, n
        if isinstance(n, EXPR_TYPES):
            assert expr(text_at(source, n.span)) == n, text_at(source, n.span)
            seen += 1
    assert seen > 50


def test_declaration_and_statement_spans() -> None:
    source = (
        "spec S {\n"
        "    rule r(address u) {\n"
        "        call withdraw(1);\n"
        "        ensures m[u] == old(m[u]);\n"
        "    }\n"
        "    ghost uint256 g;\n"
        "}\n"
    )
    (spec,) = parse(source, "s.spec").items
    assert isinstance(spec, ast.SpecBlock)
    assert (spec.span.line, spec.span.column, spec.span.end_line) == (1, 1, 7)
    rule, ghost = spec.members
    assert isinstance(rule, ast.Rule)
    assert text_at(source, rule.params[0].span) == "address u"
    assert text_at(source, rule.body[0].span) == "call withdraw(1);"
    assert text_at(source, rule.body[1].span) == "ensures m[u] == old(m[u]);"
    assert text_at(source, ghost.span) == "ghost uint256 g;"
    assert rule.span.line == 2 and rule.span.end_line == 5


# ── syntax errors ────────────────────────────────────────────────────────────────────────

SYNTAX_ERRORS = [
    ("spec S { invariant i: a < b < c; }", "unexpected `<`", (1, 29), None),
    ("spec S { invariant i: a +; }", "unexpected `;`", (1, 26), "an expression"),
    ("spec S { rule r() { ensures x } }", "unexpected `}`", (1, 31), "';'"),
    ("spec S { invariant i: x == 1;", "unexpected end of file", (1, 30), "'}'"),
    ("spec S { invariant i: x == 'a'; }", 'unexpected character "\'"', (1, 28), "double quotes"),
    ("spec S { invariant: true; }", "unexpected `:`", (1, 19), "a name"),
    ("spec { }", "unexpected `{`", (1, 6), "a name"),
    ("spec S { rule r() { call f() with (); } }", "unexpected `)`", (1, 36), "a name"),
    ("spec S { ghost uint256; }", "unexpected `;`", (1, 23), "a name"),
    ("invariant i: true;", "unexpected `invariant`", (1, 1), "'spec'"),
]


@pytest.mark.parametrize(("text", "message", "where", "hint"), SYNTAX_ERRORS)
def test_syntax_error(text: str, message: str, where: tuple[int, int], hint: str | None) -> None:
    with pytest.raises(SpecError) as info:
        parse(text, "e.spec")
    (d,) = info.value.diagnostics
    assert d.message == message
    assert (d.span.line, d.span.column) == where
    if hint is not None:
        assert d.hint is not None and hint in d.hint, d.hint
