"""Typing statements (rule bodies, preserved blocks, hook assignments) and function refs."""

from __future__ import annotations

from dataclasses import replace

from solvency.ir.model import Function
from solvency.specs import ast, typed
from solvency.specs.check_expr import ExprChecker
from solvency.specs.diagnostics import did_you_mean
from solvency.specs.scope import Ctx, is_poison
from solvency.specs.types import ADDRESS, BOOL, UINT256, SType, from_ir, parse_type_name

_CALL_ENV = {
    "sender": (typed.EnvVar.SENDER, ADDRESS),
    "value": (typed.EnvVar.VALUE, UINT256),
    "timestamp": (typed.EnvVar.TIMESTAMP, UINT256),
    "number": (typed.EnvVar.NUMBER, UINT256),
}


class StmtChecker(ExprChecker):
    # invariant name → parameter types; filled by the declaration checker before bodies
    inv_params: dict[str, tuple[SType, ...]]

    def params(
        self, ps: tuple[ast.Param, ...], ctx: Ctx, prefix: str = ""
    ) -> tuple[tuple[typed.Param, ...], Ctx]:
        out: list[typed.Param] = []
        for p in ps:
            t = self.binder_type(p.type)
            if t is None or not self.fresh_name(p.name, p.span, ctx):
                continue
            var = typed.Var(prefix + p.name, t, span=p.span)
            ctx = ctx.bind(p.name, var)
            out.append(typed.Param(var.name, t, span=p.span))
        return tuple(out), ctx

    def body(self, stmts: tuple[ast.Stmt, ...], ctx: Ctx, kind: str) -> tuple[typed.Stmt, ...]:
        """`kind`: "rule", "satisfy" or "preserved" — each allows a different subset."""
        out: list[typed.Stmt] = []
        before_call: Ctx | None = None  # the context just before the last call
        for s in stmts:
            match s:
                case ast.Requires(cond=c):
                    out.append(typed.Requires(self.expect(c, ctx, BOOL, "`requires`"), span=s.span))
                case ast.RequiresInvariant(ref=r):
                    ref = self.inv_ref(r, ctx, None)
                    if ref is not None:
                        out.append(typed.RequiresInvariant(ref, span=s.span))
                case ast.Ensures(cond=c):
                    if kind == "preserved" or (kind == "rule" and before_call is None):
                        where = "in a preserved block" if kind == "preserved" else "before any call"
                        self.env.diags.error(
                            f"`ensures` {where}",
                            s.span,
                            "ensures states what holds after a `call`",
                        )
                        continue
                    out.append(typed.Ensures(self.expect(c, ctx, BOOL, "`ensures`"), span=s.span))
                case ast.RevertsIf(cond=c, unless=u):
                    word = "reverts_unless" if u else "reverts_if"
                    if kind != "rule" or before_call is None:
                        self.env.diags.error(
                            f"`{word}` must follow a `call` in a rule",
                            s.span,
                            "it says when that call reverts, read in the state before it",
                        )
                        continue
                    cond = self.expect(c, before_call, BOOL, f"`{word}`")
                    out.append(typed.Reverts(cond, u, span=s.span))
                case ast.SucceedsIf(cond=c):
                    if kind != "rule" or before_call is None:
                        self.env.diags.error(
                            "`succeeds_if` must follow a `call` in a rule",
                            s.span,
                            "it says when that call must not revert, read in the state before it",
                        )
                        continue
                    cond = self.expect(c, before_call, BOOL, "`succeeds_if`")
                    out.append(typed.Succeeds(cond, span=s.span))
                case ast.LetStmt(name=n, value=v):
                    value = self.check(v, ctx)
                    if self.fresh_name(n, s.span, ctx):
                        ctx = ctx.bind(n, typed.Var(n, value.type, span=s.span))
                        out.append(typed.LetStmt(n, value, span=s.span))
                case ast.CallStmt():
                    if kind == "preserved":
                        self.env.diags.error(
                            "no `call` in a preserved block",
                            s.span,
                            "it only adds assumptions for one function",
                        )
                        continue
                    before_call = ctx
                    call, ctx = self.call_stmt(s, ctx)
                    if call is not None:
                        out.append(call)
        return tuple(out)

    def call_stmt(self, s: ast.CallStmt, ctx: Ctx) -> tuple[typed.CallStmt | None, Ctx]:
        env = self.call_env(s.env, ctx)
        after = replace(
            ctx, allow_old=True, scope={k: v for k, v in ctx.scope.items() if k != "result"}
        )
        if s.function is None:
            excluded = self.fn_refs(s.excluded)
            return typed.CallStmt(None, (), (), excluded, env, span=s.span), after
        f = self.pick_function(s.function, len(s.args), s.name_span if s.name_span.line else s.span)
        if f is None:
            return None, after
        args: list[typed.TExpr | None] = []
        for a, p in zip(s.args, f.parameters, strict=True):
            if isinstance(a, ast.Name) and a.id == "_":
                args.append(None)
                continue
            pt = from_ir(p.type)
            if pt is None:
                self.env.diags.error(
                    f"parameter `{p.name}` has type {p.type}, which a spec cannot build",
                    a.span,
                    "pass `_` for an arbitrary value",
                )
                continue
            args.append(self.expect(a, ctx, pt, f"argument `{p.name or '?'}` of {f.name}"))
        results = self.results(s, f, after)
        for r in results:
            after = after.bind(r.name, typed.Var(r.name, r.type, span=r.span))
        return typed.CallStmt(f, tuple(args), results, (), env, span=s.span), after

    def results(self, s: ast.CallStmt, f: Function, ctx: Ctx) -> tuple[typed.Param, ...]:
        types = [from_ir(r.type) for r in f.returns]
        if not s.results:
            # One value-typed result is available as `result` without naming it.
            t = types[0] if len(types) == 1 else None
            return (typed.Param("result", t, span=s.span),) if t is not None else ()
        if len(s.results) != len(types):
            self.env.diags.error(
                f"`{f.signature}` returns {len(types)} value(s), not {len(s.results)}", s.span
            )
            return ()
        out: list[typed.Param] = []
        for name, t, r in zip(s.results, types, f.returns, strict=True):
            if name == "_":
                continue
            if t is None:
                self.env.diags.error(
                    f"result `{name}` has type {r.type}, which a spec cannot read",
                    s.span,
                    "bind it to `_`",
                )
            elif self.fresh_name(name, s.span, ctx):
                out.append(typed.Param(name, t, span=s.span))
        return tuple(out)

    def call_env(
        self, items: tuple[ast.EnvItem, ...], ctx: Ctx
    ) -> tuple[tuple[typed.EnvVar, typed.TExpr], ...]:
        out: dict[typed.EnvVar, typed.TExpr] = {}
        for it in items:
            if it.key not in _CALL_ENV:
                hint = did_you_mean(it.key, _CALL_ENV) or "use sender, value, timestamp or number"
                self.env.diags.error(f"unknown call setting `{it.key}`", it.span, hint)
                continue
            which, t = _CALL_ENV[it.key]
            if which in out:
                self.env.diags.error(f"`{it.key}` is set twice", it.span)
            out[which] = self.expect(it.value, ctx, t, f"`{it.key}`")
        return tuple(out.items())

    def pick_function(self, name: str, nargs: int, span: ast.Span) -> Function | None:
        fns = self.env.entry_points(name)
        if not fns:
            internal = self.env.contract.function(name)
            if internal:
                self.env.diags.error(
                    f"`{name}` is {internal[0].visibility}, not callable from outside", span
                )
            else:
                self.env.diags.error(
                    f"contract {self.env.contract.name} has no function `{name}`",
                    span,
                    did_you_mean(name, self.env.function_names()),
                )
            return None
        same = _unique([f for f in fns if len(f.parameters) == nargs])
        if len(same) == 1:
            return same[0]
        sigs = ", ".join(f.signature for f in _unique(list(fns)))
        msg = f"`{name}` is overloaded" if same else f"no `{name}` takes {nargs} argument(s)"
        self.env.diags.error(msg, span, f"signatures: {sigs}")
        return None

    def fn_refs(self, refs: tuple[ast.FnRef, ...]) -> tuple[Function, ...]:
        out: list[Function] = []
        for r in refs:
            out.extend(self.fn_ref(r.name, r.types, r.span))
        return tuple(_unique(out))

    def fn_ref(
        self, name: str, types: tuple[ast.TypeExpr, ...] | None, span: ast.Span
    ) -> list[Function]:
        fns = _unique(list(self.env.entry_points(name)))
        if not fns:
            self.env.diags.error(
                f"contract {self.env.contract.name} has no external function `{name}`",
                span,
                did_you_mean(name, self.env.function_names()),
            )
            return []
        if types is None:
            return fns
        want = [parse_type_name(t.name) if isinstance(t, ast.TypeName) else None for t in types]
        hit = [f for f in fns if [from_ir(p.type) for p in f.parameters] == want]
        if not hit:
            sigs = ", ".join(f.signature for f in fns)
            self.env.diags.error(
                f"no overload of `{name}` has these parameter types", span, f"signatures: {sigs}"
            )
        return hit

    def inv_ref(self, r: ast.InvRef, ctx: Ctx, current: str | None) -> typed.InvRef | None:
        if r.name not in self.inv_params:
            self.env.diags.error(
                f"unknown invariant `{r.name}`", r.span, did_you_mean(r.name, self.inv_params)
            )
            return None
        if r.name == current:
            self.env.diags.error(
                "an invariant is always assumed in its own pre-state",
                r.span,
                "remove it from `assuming`",
            )
            return None
        types = self.inv_params[r.name]
        args = r.args or ()
        if len(args) != len(types):
            self.env.diags.error(f"invariant `{r.name}` takes {len(types)} argument(s)", r.span)
            return None
        values = tuple(
            self.expect(a, ctx, t, f"argument of `{r.name}`")
            for a, t in zip(args, types, strict=True)
        )
        if any(is_poison(v.type) for v in values):
            return None
        return typed.InvRef(r.name, values, span=r.span)

    def assign(self, a: ast.Assign, ctx: Ctx) -> typed.Assign | None:
        g = self.env.ghosts.get(a.target)
        if g is None:
            hint = did_you_mean(a.target, self.env.ghosts)
            what = (
                "a state variable; hooks only assign ghosts"
                if self.env.state_var(a.target)
                else "not a ghost"
            )
            self.env.diags.error(f"`{a.target}` is {what}", a.span, hint)
            return None
        if len(a.keys) != len(g.key_types):
            self.env.diags.error(f"ghost `{g.name}` takes {len(g.key_types)} key(s)", a.span)
            return None
        keys = tuple(
            self.expect(k, ctx, t, f"key of `{g.name}`")
            for k, t in zip(a.keys, g.key_types, strict=True)
        )
        value = self.expect(a.value, ctx, g.type, f"value assigned to `{g.name}`")
        return typed.Assign(g.name, keys, value, span=a.span)


def _unique(fns: list[Function]) -> list[Function]:
    seen: dict[str, Function] = {}
    for f in fns:
        seen.setdefault(f.signature, f)
    return list(seen.values())
