"""Source text → `ast.SpecFile`. Every Lark error becomes a `SpecError` with a span and hint."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedInput, VisitError

from solvency.specs import ast
from solvency.specs.diagnostics import Diagnostic, SpecError
from solvency.specs.syntax_errors import parse_number, syntax_diagnostic

__all__ = ["MAX_DEPTH", "parse", "parse_number"]


class _NumberError(Exception):
    """Raised inside the transformer; carries the token so the span is exact."""

    def __init__(self, message: str, token: Token) -> None:
        super().__init__(message)
        self.token = token


@cache
def _lark() -> Lark:
    text = resources.files("solvency.specs").joinpath("grammar.lark").read_text()
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=True)


@cache
def _literals() -> dict[str, str]:
    return {t.name: t.pattern.value for t in _lark().terminals if t.pattern.type == "str"}


def parse(source: str, path: str = "<spec>") -> ast.SpecFile:
    """Parse one spec file; raises SpecError (a UserError) on any syntax problem."""
    source = source.removeprefix("\ufeff")  # a byte-order mark from some editors
    try:
        tree = _lark().parse(source)
        _check_depth(tree, path, source)
        items = _ToAst(path).transform(tree)
    except UnexpectedInput as exc:
        diag = syntax_diagnostic(exc, path, source, _literals())
        raise SpecError([diag], {path: source}) from None
    except VisitError as exc:
        orig = exc.orig_exc
        if isinstance(orig, _NumberError):
            span = _tok_span(orig.token, path)
            raise SpecError([Diagnostic(str(orig), span)], {path: source}) from None
        raise
    return ast.SpecFile(path, tuple(items), source)


# Deeper nesting than any real spec needs; the tree walks after parsing are recursive.
MAX_DEPTH = 150


def _check_depth(tree: Tree[Token], path: str, source: str) -> None:
    """Reject absurdly deep nesting with a located error rather than a RecursionError."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            line, col = getattr(meta, "line", 1), getattr(meta, "column", 1)
            span = ast.Span(path, line, col, line, col + 1)
            raise SpecError(
                [
                    Diagnostic(
                        f"expressions nest more than {MAX_DEPTH} levels deep here",
                        span,
                        "name parts of it with `def` or `let`",
                    )
                ],
                {path: source},
            )
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


def _tok_span(tok: Token, path: str) -> ast.Span:
    return ast.Span(path, tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0)


@v_args(meta=True, inline=True)
class _ToAst(Transformer[Token, Any]):
    """Lark tree → ast nodes; methods are named after the grammar's rules and aliases."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def _s(self, meta: Any) -> ast.Span:
        if getattr(meta, "empty", True):
            return ast.Span(self.path, 0, 0, 0, 0)
        return ast.Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    # files
    def start(self, meta: Any, *items: Any) -> list[Any]:
        return list(items)

    def import_decl(self, meta: Any, path: Token) -> ast.Import:
        return ast.Import(str(path)[1:-1], span=self._s(meta))

    def spec_decl(self, meta: Any, name: Token, *members: Any) -> ast.SpecBlock:
        return ast.SpecBlock(str(name), tuple(members), False, span=self._s(meta))

    def properties_decl(self, meta: Any, name: Token, *members: Any) -> ast.SpecBlock:
        return ast.SpecBlock(str(name), tuple(members), True, span=self._s(meta))

    def use_decl(self, meta: Any, name: Token) -> ast.Use:
        return ast.Use(str(name), span=self._s(meta))

    def harness_decl(self, meta: Any, path: Token) -> ast.HarnessRef:
        return ast.HarnessRef(str(path)[1:-1], span=self._s(meta))

    # declarations
    def def_decl(self, meta: Any, name: Token, params: Any, ret: Any, body: Any) -> ast.Def:
        return ast.Def(str(name), params, ret, body, span=self._s(meta))

    def params(self, meta: Any, *ps: Any) -> tuple[ast.Param, ...]:
        return tuple(p for p in ps if p is not None)

    def param(self, meta: Any, typ: ast.TypeExpr, name: Token) -> ast.Param:
        return ast.Param(typ, str(name), span=self._s(meta))

    def type_name(self, meta: Any, name: Token) -> ast.TypeName:
        return ast.TypeName(str(name), span=self._s(meta))

    def mapping_type(
        self, meta: Any, key: ast.TypeExpr, value: ast.TypeExpr
    ) -> ast.MappingTypeName:
        return ast.MappingTypeName(key, value, span=self._s(meta))

    def invariant_decl(
        self, meta: Any, name: Token, params: Any, expr: ast.Expr, *rest: Any
    ) -> ast.Invariant:
        only: tuple[ast.FnRef, ...] | None = None
        excluded: tuple[ast.FnRef, ...] = ()
        assuming: list[ast.InvRef] = []
        preserved: list[ast.Preserved] = []
        for r in rest:
            if isinstance(r, tuple) and r and r[0] == "only":
                only = (only or ()) + r[1]
            elif isinstance(r, tuple) and r and r[0] == "except":
                excluded += r[1]
            elif isinstance(r, list):
                assuming.extend(r)
            elif isinstance(r, ast.Preserved):
                preserved.append(r)
        return ast.Invariant(
            str(name),
            params or (),
            expr,
            only,
            excluded,
            tuple(assuming),
            tuple(preserved),
            span=self._s(meta),
        )

    def only_clause(
        self, meta: Any, fns: tuple[ast.FnRef, ...]
    ) -> tuple[str, tuple[ast.FnRef, ...]]:
        return ("only", fns)

    def except_clause(
        self, meta: Any, fns: tuple[ast.FnRef, ...]
    ) -> tuple[str, tuple[ast.FnRef, ...]]:
        return ("except", fns)

    def assuming_clause(self, meta: Any, *refs: ast.InvRef) -> list[ast.InvRef]:
        return list(refs)

    def inv_ref(self, meta: Any, name: Token, args: Any) -> ast.InvRef:
        return ast.InvRef(str(name), args, span=self._s(meta))

    def fn_list(self, meta: Any, *fns: Any) -> tuple[ast.FnRef, ...]:
        return tuple(f for f in fns if f is not None)

    def fn_ref(self, meta: Any, name: Token, types: Any) -> ast.FnRef:
        return ast.FnRef(str(name), types, span=self._s(meta))

    def fn_types(self, meta: Any, *types: Any) -> tuple[ast.TypeExpr, ...]:
        return tuple(t for t in types if t is not None)

    def preserved(self, meta: Any, name: Any, params: Any, *body: Any) -> ast.Preserved:
        return ast.Preserved(
            None if name is None else str(name), params or (), tuple(body), span=self._s(meta)
        )

    def rule_decl(self, meta: Any, name: Token, params: Any, *body: Any) -> ast.Rule:
        return ast.Rule(str(name), params or (), tuple(body), False, span=self._s(meta))

    def satisfy_decl(self, meta: Any, name: Token, params: Any, *body: Any) -> ast.Rule:
        return ast.Rule(str(name), params or (), tuple(body), True, span=self._s(meta))

    def ghost_decl(self, meta: Any, typ: ast.TypeExpr, name: Token, init: Any) -> ast.Ghost:
        return ast.Ghost(typ, str(name), init, span=self._s(meta))

    def hook_decl(self, meta: Any, target: Any, *body: ast.Assign) -> ast.Hook:
        fn, params = target
        return ast.Hook(fn, params, tuple(body), span=self._s(meta))

    def hook_function(self, meta: Any, name: Token, params: Any) -> tuple[str, Any]:
        return (str(name), params)

    def hook_any(self, meta: Any) -> tuple[None, tuple[()]]:
        return (None, ())

    def assign(self, meta: Any, name: Token, *rest: ast.Expr) -> ast.Assign:
        return ast.Assign(str(name), tuple(rest[:-1]), rest[-1], span=self._s(meta))

    def input_decl(self, meta: Any, *parts: Any) -> ast.Input:
        typ, name, params, recv, method, args, bounds, summary = parts
        low, high = bounds if bounds is not None else (None, None)
        return ast.Input(
            typ,
            str(name),
            str(recv),
            str(method),
            args,
            low,
            high,
            span=self._s(meta),
            receiver_span=_tok_span(recv, self.path),
            params=params,
            summary=None if summary is None else str(summary),
            summary_span=ast.NO_SPAN if summary is None else _tok_span(summary, self.path),
        )

    def input_summary(self, meta: Any, name: Token) -> Token:
        return name

    def results(self, meta: Any, *ps: ast.Param) -> tuple[ast.Param, ...]:
        return ps

    def input_bounds(self, meta: Any, low: ast.Expr, high: ast.Expr) -> tuple[ast.Expr, ast.Expr]:
        return (low, high)

    # statements
    def requires_stmt(self, meta: Any, e: ast.Expr) -> ast.Requires:
        return ast.Requires(e, span=self._s(meta))

    def requires_inv_stmt(self, meta: Any, ref: ast.InvRef) -> ast.RequiresInvariant:
        return ast.RequiresInvariant(ref, span=self._s(meta))

    def ensures_stmt(self, meta: Any, e: ast.Expr) -> ast.Ensures:
        return ast.Ensures(e, span=self._s(meta))

    def reverts_if_stmt(self, meta: Any, e: ast.Expr) -> ast.RevertsIf:
        return ast.RevertsIf(e, False, span=self._s(meta))

    def reverts_unless_stmt(self, meta: Any, e: ast.Expr) -> ast.RevertsIf:
        return ast.RevertsIf(e, True, span=self._s(meta))

    def succeeds_if_stmt(self, meta: Any, e: ast.Expr) -> ast.SucceedsIf:
        return ast.SucceedsIf(e, span=self._s(meta))

    def let_stmt(self, meta: Any, name: Token, e: ast.Expr) -> ast.LetStmt:
        return ast.LetStmt(str(name), e, span=self._s(meta))

    def call_fn(self, meta: Any, lhs: Any, name: Token, args: Any, env: Any) -> ast.CallStmt:
        return ast.CallStmt(
            str(name),
            args,
            lhs or (),
            (),
            env or (),
            span=self._s(meta),
            name_span=_tok_span(name, self.path),
        )

    def call_any(self, meta: Any, exc: Any, env: Any) -> ast.CallStmt:
        excluded = exc[1] if exc else ()
        return ast.CallStmt(None, (), (), excluded, env or (), span=self._s(meta))

    def lhs_one(self, meta: Any, name: Token) -> tuple[str, ...]:
        return (str(name),)

    def lhs_many(self, meta: Any, *names: Token) -> tuple[str, ...]:
        return tuple(str(n) for n in names)

    def call_env(self, meta: Any, *items: ast.EnvItem) -> tuple[ast.EnvItem, ...]:
        return items

    def env_item(self, meta: Any, key: Token, value: ast.Expr) -> ast.EnvItem:
        return ast.EnvItem(str(key), value, span=self._s(meta))

    # expressions
    def forall(self, meta: Any, t: ast.TypeExpr, v: Token, body: ast.Expr) -> ast.Quantifier:
        return ast.Quantifier(True, t, str(v), body, span=self._s(meta))

    def exists(self, meta: Any, t: ast.TypeExpr, v: Token, body: ast.Expr) -> ast.Quantifier:
        return ast.Quantifier(False, t, str(v), body, span=self._s(meta))

    def let_expr(self, meta: Any, name: Token, value: ast.Expr, body: ast.Expr) -> ast.Let:
        return ast.Let(str(name), value, body, span=self._s(meta))

    def ternary(self, meta: Any, c: ast.Expr, a: ast.Expr, b: ast.Expr) -> ast.Ternary:
        return ast.Ternary(c, a, b, span=self._s(meta))

    def _bin(self, meta: Any, op: ast.BinOp, lhs: ast.Expr, rhs: ast.Expr) -> ast.Binary:
        return ast.Binary(op, lhs, rhs, span=self._s(meta))

    def iff(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp.IFF, a, b)

    def implies(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp.IMPLIES, a, b)

    def or_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp.OR, a, b)

    def and_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp.AND, a, b)

    def equality(self, meta: Any, a: ast.Expr, op: Token, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp(str(op)), a, b)

    comparison = equality
    arith = equality

    def pow(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._bin(meta, ast.BinOp.POW, a, b)

    def neg(self, meta: Any, e: ast.Expr) -> ast.Unary:
        return ast.Unary(ast.UnOp.NEG, e, span=self._s(meta))

    def not_(self, meta: Any, e: ast.Expr) -> ast.Unary:
        return ast.Unary(ast.UnOp.NOT, e, span=self._s(meta))

    def index(self, meta: Any, obj: ast.Expr, idx: ast.Expr) -> ast.Index:
        return ast.Index(obj, idx, span=self._s(meta))

    def member(self, meta: Any, obj: ast.Expr, name: Token) -> ast.Member:
        return ast.Member(obj, str(name), span=self._s(meta))

    def call(self, meta: Any, func: ast.Expr, args: tuple[ast.Expr, ...]) -> ast.Call:
        return ast.Call(func, args, span=self._s(meta))

    def args(self, meta: Any, *es: Any) -> tuple[ast.Expr, ...]:
        return tuple(e for e in es if e is not None)

    def number(self, meta: Any, tok: Token, unit: Token | None) -> ast.Number:
        try:
            value = parse_number(str(tok), None if unit is None else str(unit))
        except ValueError as exc:
            raise _NumberError(str(exc), tok) from None
        text = str(tok) if unit is None else f"{tok} {unit}"
        return ast.Number(value, text, span=self._s(meta))

    def true(self, meta: Any) -> ast.BoolLit:
        return ast.BoolLit(True, span=self._s(meta))

    def false(self, meta: Any) -> ast.BoolLit:
        return ast.BoolLit(False, span=self._s(meta))

    def name(self, meta: Any, tok: Token) -> ast.Name:
        return ast.Name(str(tok), span=self._s(meta))

    def sum(self, meta: Any, binder: Any, body: ast.Expr) -> ast.Sum:
        t, v = binder if binder is not None else (None, None)
        return ast.Sum(t, v, body, span=self._s(meta))

    def sum_binder(self, meta: Any, t: Any, v: Token) -> tuple[Any, str]:
        return (t, str(v))
