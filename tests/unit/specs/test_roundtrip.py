"""Printing loses nothing but layout: `parse(print_file(f)) == f` (spans excluded).

Known specs (the samples, the standard library, the corpus specs) and Hypothesis-generated
syntax trees, whose printing exercises every precedence and parenthesization rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvency.specs import ast
from solvency.specs.ast import BinOp, UnOp
from solvency.specs.loader import library_files, library_text
from solvency.specs.parser import parse
from solvency.specs.printer import print_file
from tests.conftest import ROOT
from tests.unit.specs.samples import VALID

CORPUS_SPECS = sorted((ROOT / "corpora").glob("*/*.spec"))
LIBRARY = {name: library_text(name) or "" for name in library_files()}


def roundtrip(f: ast.SpecFile) -> ast.SpecFile:
    text = print_file(f)
    again = parse(text, f.path)
    assert again == f, text
    assert print_file(again) == text  # printing is a fixed point
    return again


@pytest.mark.parametrize("name", sorted(VALID))
def test_samples_roundtrip(name: str) -> None:
    roundtrip(parse(VALID[name], name))


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_roundtrips(name: str) -> None:
    roundtrip(parse(LIBRARY[name], f"std/{name}"))


@pytest.mark.parametrize("path", CORPUS_SPECS, ids=[p.parent.name for p in CORPUS_SPECS])
def test_corpus_specs_roundtrip(path: Path) -> None:
    roundtrip(parse(path.read_text(), str(path)))


def test_printer_parenthesizes_only_where_needed() -> None:
    f = parse(
        "spec S { invariant i: (a + b) * c == a + b * c && (x => y) => z"
        " && -(2 ** 2) == (-2) ** 2 && (forall address u: p) || q; }"
    )
    assert print_file(f) == (
        "spec S {\n"
        "    invariant i: (a + b) * c == a + b * c && (x => y) => z"
        " && -2 ** 2 == (-2) ** 2 && (forall address u: p) || q;\n"
        "}\n"
    )


def test_every_pair_of_operators_roundtrips() -> None:
    """Each operator nested in each other one, on either side: all of precedence."""
    a, b, c = ast.Name("a"), ast.Name("b"), ast.Name("c")
    inner: list[ast.Expr] = [ast.Binary(op, b, c) for op in BinOp]
    inner += [ast.Unary(op, b) for op in UnOp]
    inner += [ast.Ternary(a, b, c), ast.Let("v", b, c), ast.Quantifier(True, T_U, "v", b)]
    outer: list[ast.Expr] = []
    for e in inner:
        outer += [ast.Binary(op, e, a) for op in BinOp] + [ast.Binary(op, a, e) for op in BinOp]
        outer += [ast.Unary(op, e) for op in UnOp]
        outer += [ast.Ternary(e, a, b), ast.Ternary(a, e, b), ast.Ternary(a, b, e)]
        outer += [ast.Index(e, a), ast.Member(e, "f"), ast.Call(e, (e,))]
    for e in outer:
        rule = ast.Rule("r", (), (ast.Ensures(e),))
        roundtrip(ast.SpecFile("<pairs>", (ast.SpecBlock("S", (rule,)),)))


# ── generated syntax trees ───────────────────────────────────────────────────────────────

NAMES = st.sampled_from(["a", "b", "x", "total", "m", "position", "u", "id", "f", "g"])
TYPES = st.sampled_from(["uint256", "address", "bytes32", "int128", "bool", "mathint"]).map(
    ast.TypeName
)
BIN = st.sampled_from(list(BinOp))
T_U = ast.TypeName("uint256")


def exprs() -> st.SearchStrategy[ast.Expr]:
    leaves: st.SearchStrategy[ast.Expr] = st.one_of(
        st.integers(0, 2**256).map(ast.Number),
        st.booleans().map(ast.BoolLit),
        NAMES.map(ast.Name),
    )

    def extend(e: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
        return st.one_of(
            st.builds(ast.Binary, BIN, e, e),
            st.builds(ast.Unary, st.sampled_from(list(UnOp)), e),
            st.builds(ast.Ternary, e, e, e),
            st.builds(ast.Index, e, e),
            st.builds(ast.Member, e, NAMES),
            st.builds(ast.Call, e, st.lists(e, max_size=3).map(tuple)),
            st.builds(ast.Quantifier, st.booleans(), TYPES, NAMES, e),
            st.builds(ast.Sum, st.none(), st.none(), e),
            st.builds(ast.Sum, st.none() | TYPES, NAMES, e),
            st.builds(ast.Let, NAMES, e, e),
        )

    return st.recursive(leaves, extend, max_leaves=12)


EXPR = exprs()
# Operator trees alone: where precedence and associativity mistakes would show.
OPERATORS = st.recursive(
    st.sampled_from(["a", "b", "c"]).map(ast.Name),
    lambda e: st.one_of(
        st.builds(ast.Binary, BIN, e, e),
        st.builds(ast.Unary, st.sampled_from(list(UnOp)), e),
        st.builds(ast.Ternary, e, e, e),
    ),
    max_leaves=8,
)
PARAMS = st.lists(st.builds(ast.Param, TYPES, NAMES), max_size=3).map(tuple)
FN_REFS = st.lists(
    st.builds(ast.FnRef, NAMES, st.none() | st.lists(TYPES, max_size=2).map(tuple)), max_size=3
).map(tuple)
INV_REF = st.builds(ast.InvRef, NAMES, st.none() | st.lists(EXPR, max_size=2).map(tuple))
ENV = st.lists(st.builds(ast.EnvItem, NAMES, EXPR), max_size=2).map(tuple)
CALL = st.one_of(
    st.builds(
        ast.CallStmt,
        NAMES,
        st.lists(EXPR, max_size=3).map(tuple),
        st.sampled_from([(), ("r",), ("a", "b")]),
        st.just(()),
        ENV,
    ),
    st.builds(ast.CallStmt, st.none(), st.just(()), st.just(()), FN_REFS, ENV),
)
STMT = st.one_of(
    st.builds(ast.Requires, EXPR),
    st.builds(ast.RequiresInvariant, INV_REF),
    st.builds(ast.Ensures, EXPR),
    st.builds(ast.RevertsIf, EXPR, st.booleans()),
    st.builds(ast.SucceedsIf, EXPR),
    st.builds(ast.LetStmt, NAMES, EXPR),
    CALL,
)
STMTS = st.lists(STMT, max_size=4).map(tuple)
MAPPING = st.builds(
    ast.MappingTypeName, TYPES, TYPES | st.builds(ast.MappingTypeName, TYPES, TYPES)
)
DECL = st.one_of(
    st.builds(ast.Def, NAMES, st.none() | PARAMS, st.none() | TYPES, st.none() | EXPR),
    st.builds(
        ast.Invariant,
        NAMES,
        PARAMS,
        EXPR,
        st.none() | FN_REFS.filter(bool),
        FN_REFS,
        st.lists(INV_REF, max_size=2).map(tuple),
        st.lists(
            st.one_of(
                st.builds(ast.Preserved, NAMES, PARAMS, STMTS),
                st.builds(ast.Preserved, st.none(), st.just(()), STMTS),
            ),
            max_size=2,
        ).map(tuple),
    ),
    st.builds(ast.Rule, NAMES, PARAMS, STMTS, st.booleans()),
    st.builds(ast.Ghost, TYPES | MAPPING, NAMES, st.none() | EXPR),
    st.builds(
        ast.Hook,
        st.none(),
        st.just(()),
        st.lists(st.builds(ast.Assign, NAMES, st.lists(EXPR, max_size=2).map(tuple), EXPR)).map(
            tuple
        ),
    ),
    st.builds(ast.Hook, NAMES, PARAMS, st.just(())),
    st.builds(
        ast.Input, TYPES, NAMES, NAMES, NAMES, st.lists(EXPR, max_size=2).map(tuple), EXPR, EXPR
    ),
    # parameters, several named results, no bounds
    st.builds(
        ast.Input,
        TYPES | st.lists(st.builds(ast.Param, TYPES, NAMES), min_size=1, max_size=3).map(tuple),
        NAMES,
        NAMES,
        NAMES,
        st.lists(EXPR, max_size=2).map(tuple),
        st.none(),
        st.none(),
        params=st.none() | PARAMS,
    ),
    st.builds(ast.Use, NAMES),
    st.builds(ast.HarnessRef, st.sampled_from(["deploy.toml", "h/x.toml"])),
)
FILES = st.builds(
    ast.SpecFile,
    st.just("<gen>"),
    st.lists(
        st.one_of(
            st.builds(ast.Import, st.sampled_from(["std/fixedpoint.spec", "../lib.spec"])),
            st.builds(ast.Def, NAMES, st.none() | PARAMS, st.none() | TYPES, st.none() | EXPR),
            st.builds(ast.SpecBlock, NAMES, st.lists(DECL, max_size=4).map(tuple), st.booleans()),
        ),
        max_size=4,
    ).map(tuple),
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(SETTINGS, max_examples=600)
@given(st.one_of(EXPR, OPERATORS))
def test_generated_expressions_roundtrip(e: ast.Expr) -> None:
    f = ast.SpecFile("<gen>", (ast.SpecBlock("S", (ast.Rule("r", (), (ast.Ensures(e),)),)),))
    roundtrip(f)


@SETTINGS
@given(FILES)
def test_generated_files_roundtrip(f: ast.SpecFile) -> None:
    roundtrip(f)
