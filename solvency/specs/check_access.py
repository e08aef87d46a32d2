"""Typing what an expression reads from the contract: storage paths (mappings, nested
mappings, struct fields, arrays), constants, ghosts, view functions, defs, built-in calls."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

from solvency.ir import types as irt
from solvency.ir.model import Function, StateVariable
from solvency.specs import ast, typed
from solvency.specs.check_external import external_use
from solvency.specs.diagnostics import Diagnostics, did_you_mean
from solvency.specs.fold import fold
from solvency.specs.printer import expr as print_expr
from solvency.specs.scope import Ctx, SpecEnv, is_poison, poison
from solvency.specs.types import (
    ADDRESS,
    MATHINT,
    UINT256,
    Kind,
    SType,
    from_ir,
    parse_type_name,
    wrap,
)

KEY_VAR = "%k"  # the key of `sum(m)`; `%` keeps it apart from anything a user can write


@dataclass(frozen=True, slots=True)
class _Path:
    """A resolved prefix of an access: into storage (`var`) or into a ghost (`ghost`)."""

    var: StateVariable | None
    ghost: typed.Ghost | None
    steps: tuple[typed.Step, ...]
    ghost_keys: tuple[typed.TExpr, ...]
    type: irt.Type | None  # storage: the type reached so far


class AccessChecker(ABC):
    def __init__(self, env: SpecEnv) -> None:
        self.env = env

    # implemented by ExprChecker
    @abstractmethod
    def check(self, e: ast.Expr, ctx: Ctx) -> typed.TExpr: ...

    @abstractmethod
    def coerce(self, t: typed.TExpr, want: SType, what: str) -> typed.TExpr: ...

    @abstractmethod
    def expect(self, e: ast.Expr, ctx: Ctx, want: SType, what: str) -> typed.TExpr: ...

    @abstractmethod
    def require_int(self, t: typed.TExpr, what: str) -> bool: ...

    @abstractmethod
    def make_sum(
        self, var: str, t: SType, body: typed.TExpr, text: str, span: ast.Span
    ) -> typed.TExpr: ...

    # ── storage and ghost paths ─────────────────────────────────────────────────────────

    def access(self, e: ast.Expr, ctx: Ctx) -> typed.TExpr:
        path = self.path(e, ctx)
        return poison(e.span) if path is None else self.finish(path, e.span, print_expr(e))

    def finish(self, p: _Path, span: ast.Span, text: str) -> typed.TExpr:
        if p.ghost is not None:
            missing = len(p.ghost.key_types) - len(p.ghost_keys)
            if missing:
                self.env.diags.error(
                    f"ghost `{p.ghost.name}` needs {missing} more key(s)",
                    span,
                    f"e.g. `sum({p.ghost.name})` or `{p.ghost.name}[k]`",
                )
                return poison(span)
            return typed.GhostRead(p.ghost.name, p.ghost_keys, p.ghost.type, span=span)
        assert p.var is not None and p.type is not None
        st = from_ir(p.type)
        if st is None:
            self.env.diags.error(f"`{text}` is a {p.type}, not a value", span, _value_hint(p.type))
            return poison(span)
        if not p.steps and (p.var.constant or p.var.immutable):
            if p.var.constant_value is not None:
                return typed.Const(wrap(p.var.constant_value, st), st, span=span)
            return typed.Immutable(p.var, st, span=span)
        return typed.StorageRead(p.var, p.steps, st, span=span)

    def path(self, e: ast.Expr, ctx: Ctx) -> _Path | None:
        match e:
            case ast.Name(id=n):
                return self.root(e, n, ctx)
            case ast.Index(obj=o, index=i):
                p = self.path(o, ctx)
                return None if p is None else self.index(p, i, ctx, e.span)
            case ast.Member(obj=o, name=n):
                p = self.path(o, ctx)
                return None if p is None else self.field(p, n, e.span)
        self.env.diags.error("only state variables and ghosts can be indexed", e.span)
        return None

    def root(self, e: ast.Name, n: str, ctx: Ctx) -> _Path | None:
        if n in ctx.scope or n in self.env.inputs or n in self.env.defs or n == "this":
            self.env.diags.error(f"`{n}` is a value; it has no keys or fields", e.span)
            return None
        if (g := self.env.ghosts.get(n)) is not None:
            return _Path(None, g, (), (), None)
        var = self.env.state_var(n)
        if var is None:
            self.env.unknown(n, e.span, ctx)
            return None
        return _Path(var, None, (), (), var.type)

    def index(self, p: _Path, i: ast.Expr, ctx: Ctx, span: ast.Span) -> _Path | None:
        if p.ghost is not None:
            n = len(p.ghost_keys)
            if n >= len(p.ghost.key_types):
                self.env.diags.error(f"ghost `{p.ghost.name}` has only {n} key(s)", span)
                return None
            key = self.expect(i, ctx, p.ghost.key_types[n], f"key of `{p.ghost.name}`")
            return _Path(None, p.ghost, (), (*p.ghost_keys, key), None)
        t = p.type
        if isinstance(t, irt.MappingType):
            kt = from_ir(t.key)
            if kt is None:
                self.env.diags.error(f"mapping keys of type {t.key} are not supported", span)
                return None
            key = self.expect(i, ctx, kt, "mapping key")
            return _Path(p.var, None, (*p.steps, typed.KeyStep(key, t.key)), (), t.value)
        if isinstance(t, irt.ArrayType):
            idx = self.expect(i, ctx, UINT256, "array index")
            return _Path(p.var, None, (*p.steps, typed.IndexStep(idx, t)), (), t.element)
        self.env.diags.error(f"a {t} cannot be indexed", span)
        return None

    def field(self, p: _Path, name: str, span: ast.Span) -> _Path | None:
        t = p.type
        if isinstance(t, irt.StructType):
            if t.field(name) is None:
                hint = did_you_mean(name, [f.name for f in t.fields]) or (
                    "fields: " + ", ".join(f.name for f in t.fields)
                )
                self.env.diags.error(f"struct {t.name} has no field `{name}`", span, hint)
                return None
            ft = t.field(name)
            assert ft is not None
            return _Path(p.var, None, (*p.steps, typed.FieldStep(name, t)), (), ft.type)
        if isinstance(t, irt.ArrayType) and name == "length":
            if t.length is not None:
                self.env.diags.error(
                    f"this array always has length {t.length}", span, f"write {t.length}"
                )
                return None
            return _Path(
                p.var, None, (*p.steps, typed.LengthStep()), (), irt.ElementaryType("uint256")
            )
        self.env.diags.error(f"a {t or 'ghost'} has no member `{name}`", span)
        return None

    # ── sums over mappings ──────────────────────────────────────────────────────────────

    def sum_of_mapping(self, e: ast.Sum, ctx: Ctx) -> typed.TExpr:
        """`sum(m)` is `sum(k: m[k])`: the last level of keys of a mapping or ghost."""
        p = self.path(e.body, ctx)
        if p is None:
            return poison(e.span)
        key_t: SType | None = None
        if p.ghost is not None and len(p.ghost_keys) == len(p.ghost.key_types) - 1:
            key_t = p.ghost.key_types[-1]
        elif isinstance(p.type, irt.MappingType) and not isinstance(p.type.value, irt.MappingType):
            key_t = from_ir(p.type.key)
        if key_t is None:
            self.env.diags.error(
                "`sum(…)` needs a mapping with one level of keys left",
                e.span,
                "for nested mappings or struct fields write `sum(k: m[x][k].field)`",
            )
            return poison(e.span)
        var = typed.Var(KEY_VAR, key_t, span=e.span)
        q = self.index(p, ast.Name(KEY_VAR, span=e.span), ctx.bind(KEY_VAR, var), e.span)
        body = poison(e.span) if q is None else self.finish(q, e.span, print_expr(e.body))
        if not self.require_int(body, "value summed by `sum`"):
            return poison(e.span)
        return self.make_sum(KEY_VAR, key_t, body, print_expr(e.body), e.span)

    def infer_key_type(self, var: str, body: ast.Expr, ctx: Ctx) -> SType | None:
        """The key type at the first place `var` indexes a mapping, ghost or array."""
        for obj in _indexed_by(body, var):
            saved, self.env.diags = self.env.diags, Diagnostics()  # a probe: stay quiet
            try:
                p = self.path(obj, ctx)
            finally:
                self.env.diags = saved
            if p is None:
                continue
            if p.ghost is not None and len(p.ghost_keys) < len(p.ghost.key_types):
                return p.ghost.key_types[len(p.ghost_keys)]
            if isinstance(p.type, irt.MappingType):
                return from_ir(p.type.key)
            if isinstance(p.type, irt.ArrayType):
                return UINT256
        return None

    # ── calls: built-ins, casts, defs, view functions ───────────────────────────────────

    def call(self, e: ast.Call, ctx: Ctx) -> typed.TExpr:
        if not isinstance(e.func, ast.Name):
            self.env.diags.error(
                "only the contract's own view functions can be called in an expression",
                e.span,
                "declare an external value as `input T name = contract.fn() in [lo, hi];`",
            )
            return poison(e.span)
        n, args = e.func.id, e.args
        if (n in ("old", "balance") and len(args) != 1) or (n in ("min", "max") and len(args) != 2):
            self.env.diags.error(
                f"`{n}` takes {1 if n in ('old', 'balance') else 2} argument(s)", e.span
            )
            return poison(e.span)
        if n == "old" and n not in ctx.scope:
            return self.old(args[0], ctx, e.span)
        if n == "balance" and n not in ctx.scope:
            return typed.Balance(
                self.expect(args[0], ctx, ADDRESS, "argument of balance"), span=e.span
            )
        if n in ("min", "max"):
            a, b = self.check(args[0], ctx), self.check(args[1], ctx)
            if not (
                self.require_int(a, f"argument of {n}") & self.require_int(b, f"argument of {n}")
            ):
                return poison(e.span)
            op = ast.BinOp.LE if n == "min" else ast.BinOp.GE
            cond = typed.Binary(op, a, b, SType(Kind.BOOL, 1), span=e.span)
            return typed.Cond(
                cond, self.coerce(a, MATHINT, ""), self.coerce(b, MATHINT, ""), MATHINT, span=e.span
            )
        if (t := parse_type_name(n)) is not None:
            return self.cast(t, args, ctx, e.span)
        if n in self.env.defs:
            return self.def_call(n, args, e.span, ctx, bare=False)
        if n in self.env.externals:
            return external_use(self, n, args, None, span=e.span, ctx=ctx)
        fns = self.env.entry_points(n)
        if fns:
            return self.view_call(n, fns, args, ctx, e.span)
        var = self.env.state_var(n)
        if var is not None and var.visibility == "public":
            # The getter of a public variable reads it: `balanceOf(u)` is `balanceOf[u]`.
            target: ast.Expr = e.func
            for arg in args:
                target = ast.Index(target, arg, span=e.span)
            return self.access(target, ctx)
        hint = did_you_mean(n, [*self.env.function_names(), *self.env.defs, *self.env.externals])
        self.env.diags.error(
            f"unknown function `{n}` in contract {self.env.contract.name}", e.func.span, hint
        )
        return poison(e.span)

    def old(self, arg: ast.Expr, ctx: Ctx, span: ast.Span) -> typed.TExpr:
        if ctx.in_old:
            self.env.diags.error(
                "`old` inside `old`", span, "the outer `old` already reads the earlier state"
            )
            return poison(span)
        if not ctx.allow_old:
            self.env.diags.error(
                f"`old(…)` has no earlier state to read {ctx.where}",
                span,
                "use it after a `call` in a rule, or in a hook",
            )
            return poison(span)
        inner = self.check(arg, replace(ctx, in_old=True))
        return typed.Old(inner, inner.type, span=span)

    def cast(self, t: SType, args: tuple[ast.Expr, ...], ctx: Ctx, span: ast.Span) -> typed.TExpr:
        if len(args) != 1:
            self.env.diags.error(f"a cast to {t} takes one argument", span)
            return poison(span)
        v = self.check(args[0], ctx)
        if is_poison(v.type):
            return v
        if t.kind is Kind.BOOL or v.type.kind is Kind.BOOL:
            self.env.diags.error(f"cannot cast {v.type} to {t}", span, "compare instead: `x != 0`")
            return poison(span)
        if t.kind is Kind.MATHINT and not v.type.is_integer:
            self.env.diags.error(f"cannot cast {v.type} to mathint", span, "cast to uint256 first")
            return poison(span)
        value = fold(v)
        if value is not None and not isinstance(value, bool):
            return typed.Const(wrap(value, t), t, span=span)
        return typed.Cast(v, t, span=span)

    def def_call(
        self, n: str, args: tuple[ast.Expr, ...], span: ast.Span, ctx: Ctx, bare: bool
    ) -> typed.TExpr:
        d = self.typed_def(n, span)
        if d is None:
            return poison(span)
        decl = self.env.defs[n]
        if bare and decl.params:  # `def f() -> T` may be read as `f` too
            self.env.diags.error(f"`{n}` needs arguments", span, f"write {n}(…)")
            return poison(span)
        if len(args) != len(d.params):
            self.env.diags.error(f"`{n}` takes {len(d.params)} argument(s), got {len(args)}", span)
            return poison(span)
        values = [
            self.expect(a, ctx, p.type, f"argument `{p.name.split('.')[-1]}` of {n}")
            for a, p in zip(args, d.params, strict=True)
        ]
        body = d.body
        # Bind from the last parameter out, so the def's name marks the outermost let.
        for p, v in reversed(list(zip(d.params, values, strict=True))):
            body = typed.Let(p.name, v, body, d.body.type, span=span)
        if not d.params:
            return body
        assert isinstance(body, typed.Let)
        return typed.Let(body.name, body.value, body.body, body.type, n, span=span)

    @abstractmethod
    def typed_def(self, n: str, span: ast.Span) -> typed.Def | None: ...

    def view_call(
        self,
        n: str,
        fns: tuple[Function, ...],
        args: tuple[ast.Expr, ...],
        ctx: Ctx,
        span: ast.Span,
    ) -> typed.TExpr:
        same = [f for f in fns if len(f.parameters) == len(args)]
        if len(same) != 1:
            sigs = ", ".join(f.signature for f in fns)
            msg = (
                f"no overload of `{n}` takes {len(args)} argument(s)"
                if not same
                else f"`{n}` is overloaded"
            )
            self.env.diags.error(msg, span, f"signatures: {sigs}")
            return poison(span)
        f = same[0]
        if f.mutability not in ("view", "pure"):
            self.env.diags.error(
                f"`{f.signature}` can change state, so it cannot be read in an expression",
                span,
                f"call it in a rule: `call {n}(…);`",
            )
            return poison(span)
        rt = from_ir(f.returns[0].type) if len(f.returns) == 1 else None
        if rt is None:
            self.env.diags.error(
                f"`{f.signature}` must return exactly one value to be used here", span
            )
            return poison(span)
        values: list[typed.TExpr] = []
        for a, p in zip(args, f.parameters, strict=True):
            pt = from_ir(p.type)
            if pt is None:
                self.env.diags.error(
                    f"parameter `{p.name}` of type {p.type} is not supported", span
                )
                return poison(span)
            values.append(self.expect(a, ctx, pt, f"argument `{p.name}` of {n}"))
        return typed.ViewCall(f, tuple(values), rt, span=span)


def _indexed_by(e: ast.Expr, var: str) -> list[ast.Expr]:
    """Objects that `var` indexes directly inside `e`, e.g. `position[id]` in `position[id][u]`."""
    out: list[ast.Expr] = []
    stack: list[ast.Expr] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.Index) and isinstance(x.index, ast.Name) and x.index.id == var:
            out.append(x.obj)
        for v in x.__slots__:
            child = getattr(x, v)
            if isinstance(child, tuple):
                stack.extend(c for c in child if not isinstance(c, str | ast.TypeName))
            elif hasattr(child, "span") and not isinstance(
                child, ast.TypeName | ast.MappingTypeName
            ):
                stack.append(child)
    return out


def _value_hint(t: irt.Type) -> str:
    if isinstance(t, irt.StructType):
        return "pick a field: " + ", ".join(f".{f.name}" for f in t.fields)
    if isinstance(t, irt.MappingType):
        return f"index it with a {t.key} key, or add it up with sum(…)"
    if isinstance(t, irt.ArrayType):
        return "index it, or read .length" if t.length is None else "index it"
    return "strings and dynamic bytes cannot be read by specs"
