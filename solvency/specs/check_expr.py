"""Typing expressions: names, operators, binders. Storage paths and calls live in
`check_access`; this module decides what each operator means and which types meet."""

from __future__ import annotations

from collections.abc import Mapping

from solvency.specs import ast, typed
from solvency.specs.check_access import AccessChecker
from solvency.specs.check_external import external_use
from solvency.specs.fold import ARITH, COMPARE, MAX_CONST_BITS, fold
from solvency.specs.printer import expr as print_expr
from solvency.specs.printer import type_expr
from solvency.specs.scope import Ctx, is_poison, poison
from solvency.specs.types import (
    ADDRESS,
    BOOL,
    MATHINT,
    Kind,
    SType,
    fits,
    implicitly_converts,
    parse_type_name,
)

_ENV = {
    ("msg", "sender"): (typed.EnvVar.SENDER, ADDRESS),
    ("msg", "value"): (typed.EnvVar.VALUE, SType(Kind.UINT, 256)),
    ("block", "timestamp"): (typed.EnvVar.TIMESTAMP, SType(Kind.UINT, 256)),
    ("block", "number"): (typed.EnvVar.NUMBER, SType(Kind.UINT, 256)),
}


class ExprChecker(AccessChecker):
    # True while typing a def from an imported file: its names cannot know the contract's.
    imported_def = False

    def check(self, e: ast.Expr, ctx: Ctx) -> typed.TExpr:
        match e:
            case ast.Number(value=v):
                if v.bit_length() > MAX_CONST_BITS:
                    self.env.diags.error("number is too large", e.span)
                return typed.Const(v, MATHINT, span=e.span)
            case ast.BoolLit(value=v):
                return typed.Const(v, BOOL, span=e.span)
            case ast.Name():
                return self.name(e, ctx)
            case ast.Member():
                return self.member(e, ctx)
            case ast.Index():
                return self.access(e, ctx)
            case ast.Call():
                return self.call(e, ctx)
            case ast.Unary():
                return self.unary(e, ctx)
            case ast.Binary():
                return self.binary(e, ctx)
            case ast.Ternary():
                return self.ternary(e, ctx)
            case ast.Quantifier():
                return self.quantifier(e, ctx)
            case ast.Sum():
                return self.sum(e, ctx)
            case ast.Let(name=n, value=v, body=b):
                value = self.check(v, ctx)
                if not self.fresh_name(n, e.span, ctx):
                    return poison(e.span)
                var = typed.Var(n, self.value_type(value), span=e.span)
                body = self.check(b, ctx.bind(n, var))
                return typed.Let(n, value, body, body.type, span=e.span)
        raise AssertionError(f"unknown expression {e!r}")

    # ── helpers shared with the declaration checker ──────────────────────────────────────

    def expect(self, e: ast.Expr, ctx: Ctx, want: SType, what: str) -> typed.TExpr:
        return self.coerce(self.check(e, ctx), want, what)

    def coerce(self, t: typed.TExpr, want: SType, what: str) -> typed.TExpr:
        """`t` as a `want` value: widening or an in-range constant; anything else is an error."""
        if is_poison(t.type) or is_poison(want) or t.type == want:
            return t
        if implicitly_converts(t.type, want):
            return typed.Cast(t, want, span=t.span)
        value = fold(t)
        if value is not None and t.type.is_integer and want.is_integer and fits(value, want):
            return typed.Const(value, want, span=t.span)
        self.env.diags.error(
            f"{what} must be {want}, not {t.type}", t.span, self._conversion_hint(t, want, value)
        )
        return poison(t.span)

    def _conversion_hint(self, t: typed.TExpr, want: SType, value: int | bool | None) -> str | None:
        if value is not None and want.is_integer and t.type.is_integer:
            return f"{value} is out of range for {want}"
        if want.kind is Kind.ADDRESS and t.type.is_integer:
            return "write address(…), e.g. address(0)"
        if want.kind is Kind.BYTES and t.type.is_integer:
            return f"write {want}(…)"
        if want.is_fixed_int and t.type.is_integer:
            return f"cast explicitly with {want}(…); a cast wraps out-of-range values"
        if want.kind is Kind.BOOL and t.type.is_integer:
            return "compare it, e.g. `x != 0`"
        return None

    def value_type(self, t: typed.TExpr) -> SType:
        return t.type

    def fresh_name(self, name: str, span: ast.Span, ctx: Ctx) -> bool:
        """New bindings may not hide another binding or a contract name: that would make a
        property silently read the wrong thing."""
        clash = None
        if name in ctx.scope:
            clash = "a name already bound here"
        elif self.env.state_var(name) is not None and not self.imported_def:
            clash = f"state variable `{name}` of {self.env.contract.name}"
        elif name in self.env.ghosts:
            clash = f"ghost `{name}`"
        elif name in self.env.defs:
            clash = f"def `{name}`"
        elif name in self.env.externals:
            clash = f"input `{name}`"
        elif name in ("msg", "block", "this", "result", "_"):
            clash = f"the built-in `{name}`"
        if clash is None:
            return True
        self.env.diags.error(f"`{name}` hides {clash}", span, "pick another name")
        return False

    # ── names and members ───────────────────────────────────────────────────────────────

    def name(self, e: ast.Name, ctx: Ctx) -> typed.TExpr:
        n = e.id
        if n in ctx.scope:
            var = ctx.scope[n]
            return typed.Var(var.name, var.type, span=e.span)
        if n == "this":
            return typed.EnvRead(typed.EnvVar.THIS, ADDRESS, span=e.span)
        if n == "result":
            self.env.diags.error(
                "`result` is only defined after a call that returns one value",
                e.span,
                "name the results instead: `call (a, b) = f(…);`",
            )
            return poison(e.span)
        if (const := _builtin_constant(n)) is not None:
            return typed.Const(const[0], const[1], span=e.span)
        if n in self.env.inputs:
            d = self.env.inputs[n]
            return typed.InputRead(n, d.type, d.low, d.high, span=e.span)
        if n in self.env.externals:
            return external_use(self, n, None, None, span=e.span, ctx=ctx)
        if n in self.env.defs:
            return self.def_call(n, (), e.span, ctx, bare=True)
        return self.access(e, ctx)

    def member(self, e: ast.Member, ctx: Ctx) -> typed.TExpr:
        if (
            isinstance(e.obj, ast.Name)
            and e.obj.id in ("msg", "block")
            and e.obj.id not in ctx.scope
        ):
            key = (e.obj.id, e.name)
            if key not in _ENV:
                options = [f"{a}.{b}" for a, b in _ENV if a == e.obj.id]
                self.env.diags.error(
                    f"unknown environment value `{e.obj.id}.{e.name}`",
                    e.span,
                    "available: " + ", ".join(options),
                )
                return poison(e.span)
            which, t = _ENV[key]
            if e.obj.id == "msg" and not ctx.allow_msg:
                self.env.diags.error(
                    f"`msg.{e.name}` has no meaning {ctx.where}",
                    e.span,
                    "quantify over a parameter instead, e.g. `(address u)`",
                )
                return poison(e.span)
            return typed.EnvRead(which, t, span=e.span)
        if (x := _external_root(e.obj, ctx, self.env.externals)) is not None:
            return external_use(self, x[0], x[1], e.name, span=e.span, ctx=ctx)
        return self.access(e, ctx)

    # ── operators ───────────────────────────────────────────────────────────────────────

    def unary(self, e: ast.Unary, ctx: Ctx) -> typed.TExpr:
        if e.op is ast.UnOp.NOT:
            return typed.Unary(
                e.op, self.expect(e.operand, ctx, BOOL, "operand of `!`"), BOOL, span=e.span
            )
        o = self.check(e.operand, ctx)
        self.require_int(o, "operand of `-`")
        return typed.Unary(e.op, o, MATHINT, span=e.span)

    def require_int(self, t: typed.TExpr, what: str) -> bool:
        if is_poison(t.type) or t.type.is_integer:
            return True
        self.env.diags.error(f"{what} must be an integer, not {t.type}", t.span)
        return False

    def binary(self, e: ast.Binary, ctx: Ctx) -> typed.TExpr:
        op = e.op
        if op not in ARITH and op not in COMPARE:
            lhs = self.expect(e.left, ctx, BOOL, f"left side of `{op.value}`")
            rhs = self.expect(e.right, ctx, BOOL, f"right side of `{op.value}`")
            return typed.Binary(op, lhs, rhs, BOOL, span=e.span)
        lhs, rhs = self.check(e.left, ctx), self.check(e.right, ctx)
        if op in ARITH:
            ok = self.require_int(lhs, f"left side of `{op.value}`")
            ok = self.require_int(rhs, f"right side of `{op.value}`") and ok
            if ok and op is ast.BinOp.POW:
                exp = fold(rhs)
                if not isinstance(exp, int) or isinstance(exp, bool) or not 0 <= exp <= 256:
                    self.env.diags.error(
                        "the exponent of `**` must be a constant between 0 and 256",
                        rhs.span,
                        "write the power out, e.g. 10**18 or 1e18",
                    )
                    return poison(e.span)
                rhs = typed.Const(exp, MATHINT, span=rhs.span)
            return typed.Binary(op, lhs, rhs, MATHINT, span=e.span)
        return typed.Binary(op, *self.comparable(op, lhs, rhs), BOOL, span=e.span)

    def comparable(
        self, op: ast.BinOp, lhs: typed.TExpr, rhs: typed.TExpr
    ) -> tuple[typed.TExpr, typed.TExpr]:
        lt, rt = lhs.type, rhs.type
        if is_poison(lt) or is_poison(rt) or (lt.is_integer and rt.is_integer):
            return lhs, rhs
        if lt == rt and (op in (ast.BinOp.EQ, ast.BinOp.NE) or lt.kind is not Kind.BOOL):
            return lhs, rhs
        # A literal beside an address or bytes32: convert it, as Solidity would not.
        if lt.kind in (Kind.ADDRESS, Kind.BYTES) and rt.is_integer:
            return lhs, self.coerce(rhs, lt, f"right side of `{op.value}`")
        if rt.kind in (Kind.ADDRESS, Kind.BYTES) and lt.is_integer:
            return self.coerce(lhs, rt, f"left side of `{op.value}`"), rhs
        self.env.diags.error(f"cannot compare {lt} with {rt} using `{op.value}`", lhs.span)
        return lhs, poison(rhs.span)

    def ternary(self, e: ast.Ternary, ctx: Ctx) -> typed.TExpr:
        c = self.expect(e.cond, ctx, BOOL, "condition of `?:`")
        a, b = self.check(e.then, ctx), self.check(e.orelse, ctx)
        errors = len(self.env.diags.items)
        t = self.join(a, b, "branches of `?:`")
        if len(self.env.diags.items) > errors:
            return poison(e.span)  # one message for one mistake, not one per branch
        return typed.Cond(
            c, self.coerce(a, t, "branch"), self.coerce(b, t, "branch"), t, span=e.span
        )

    def join(self, a: typed.TExpr, b: typed.TExpr, what: str) -> SType:
        """The common type of two values: equal types stay, integers meet in mathint."""
        if is_poison(a.type):
            return b.type
        if is_poison(b.type) or a.type == b.type:
            return a.type
        if a.type.is_integer and b.type.is_integer:
            return MATHINT
        self.env.diags.error(f"{what} have different types: {a.type} and {b.type}", b.span)
        return a.type

    # ── binders ─────────────────────────────────────────────────────────────────────────

    def binder_type(self, t: ast.TypeExpr) -> SType | None:
        st = parse_type_name(t.name) if isinstance(t, ast.TypeName) else None
        if st is None:
            self.env.diags.error(
                f"`{print_type(t)}` is not a value type",
                t.span,
                "use uintN, intN, mathint, address, bool or bytesN",
            )
        return st

    def quantifier(self, e: ast.Quantifier, ctx: Ctx) -> typed.TExpr:
        t = self.binder_type(e.var_type)
        if t is None or not self.fresh_name(e.var, e.span, ctx):
            return poison(e.span)
        inner = ctx.bind(e.var, typed.Var(e.var, t, span=e.span))
        body = self.expect(e.body, inner, BOOL, "body of a quantifier")
        return typed.Quant(e.universal, e.var, t, body, span=e.span)

    def sum(self, e: ast.Sum, ctx: Ctx) -> typed.TExpr:
        if e.var is None:
            return self.sum_of_mapping(e, ctx)
        if e.var_type is not None:
            t = self.binder_type(e.var_type)
        else:
            t = self.infer_key_type(e.var, e.body, ctx)
            if t is None:
                self.env.diags.error(
                    f"cannot tell the type of `{e.var}` from its use",
                    e.span,
                    f"use it as a mapping key or write its type: `sum(address {e.var}: …)`",
                )
        if t is None or not self.fresh_name(e.var, e.span, ctx):
            return poison(e.span)
        inner = ctx.bind(e.var, typed.Var(e.var, t, span=e.span))
        body = self.check(e.body, inner)
        if not self.require_int(body, "body of `sum`"):
            return poison(e.span)
        return self.make_sum(e.var, t, body, print_expr(e.body), e.span)

    def make_sum(
        self, var: str, t: SType, body: typed.TExpr, text: str, span: ast.Span
    ) -> typed.TExpr:
        outer = tuple(v for v in free_vars(body) if v.name != var)
        sig = ",".join(f"{v.name}:{v.type}" for v in outer)
        sum_id = f"sum({t} {var}: {text})[{sig}]"
        return typed.Sum(var, t, body, sum_id, outer, span=span)


def print_type(t: ast.TypeExpr) -> str:
    return type_expr(t)


def _builtin_constant(name: str) -> tuple[int, SType] | None:
    """`max_uint256`, `max_uint128`, `max_int256`, `min_int256`, … as in CVL."""
    for prefix in ("max_", "min_"):
        if name.startswith(prefix):
            t = parse_type_name(name[len(prefix) :])
            if t is not None and t.is_fixed_int:
                r = t.range()
                assert r is not None
                return (r[1] if prefix == "max_" else r[0]), t
    if name == "max_address":
        return (1 << 160) - 1, ADDRESS
    return None


def _external_root(
    e: ast.Expr, ctx: Ctx, externals: Mapping[str, object]
) -> tuple[str, tuple[ast.Expr, ...] | None] | None:
    """`round` or `round(f)` in `round.answer`: the input's name and the arguments."""
    match e:
        case ast.Name(id=n) if n in externals and n not in ctx.scope:
            return (n, None)
        case ast.Call(func=ast.Name(id=n), args=a) if n in externals and n not in ctx.scope:
            return (n, a)
    return None


def free_vars(e: typed.TExpr) -> list[typed.Var]:
    """Bound names `e` depends on, first occurrence order, without names it binds itself."""
    out: dict[str, typed.Var] = {}
    _free(e, set(), out)
    return list(out.values())


def _free(e: typed.TExpr, bound: set[str], out: dict[str, typed.Var]) -> None:
    match e:
        case typed.Var(name=n):
            if n not in bound:
                out.setdefault(n, e)
        case typed.Let(name=n, value=v, body=b):
            _free(v, bound, out)
            _free(b, bound | {n}, out)
        case typed.Quant(var=n, body=b) | typed.Sum(var=n, body=b):
            _free(b, bound | {n}, out)
        case _:
            for child in children(e):
                _free(child, bound, out)


def children(e: typed.TExpr) -> tuple[typed.TExpr, ...]:
    match e:
        case typed.StorageRead() as s:
            return s.key_exprs()
        case typed.GhostRead(keys=k):
            return k
        case typed.Balance(addr=a):
            return (a,)
        case typed.Unary(operand=o) | typed.Cast(operand=o) | typed.Old(operand=o):
            return (o,)
        case typed.Binary(left=lhs, right=rhs):
            return (lhs, rhs)
        case typed.Cond(cond=c, then=t, orelse=o):
            return (c, t, o)
        case typed.ViewCall(args=a):
            return a
        case typed.ExternalRead(receiver=r, args=a):
            return (r, *a)
        case typed.Let(value=v, body=b):
            return (v, b)
        case typed.Quant(body=b) | typed.Sum(body=b):
            return (b,)
    return ()
