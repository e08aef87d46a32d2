"""Binding one `spec C { … }` block to contract C: passes over the declarations.

Pass 1 collects names (defs, ghosts, inputs, invariant signatures, `use`d groups), pass 2
types def bodies, pass 3 types properties and hooks. Errors are collected throughout and
raised together by the caller.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from solvency.ir.model import Contract, Function
from solvency.specs import ast, typed
from solvency.specs.check_external import declare_external, is_external
from solvency.specs.check_stmt import StmtChecker
from solvency.specs.diagnostics import Diagnostics, did_you_mean
from solvency.specs.fold import fold
from solvency.specs.loader import LoadedSpec
from solvency.specs.printer import decl as print_decl
from solvency.specs.printer import type_expr
from solvency.specs.scope import Ctx, SpecEnv, is_poison
from solvency.specs.types import ADDRESS, BOOL, MATHINT, SType, fits, from_ir, parse_type_name

# Each level inlines a def body; far beyond what specs need, well within Python's stack.
MAX_DEF_NESTING = 32


class SpecChecker(StmtChecker):
    def __init__(self, env: SpecEnv, loaded: LoadedSpec) -> None:
        super().__init__(env)
        self.loaded = loaded
        self.inv_params = {}
        self.def_origin: dict[str, ast.Def] = {}

    # ── pass 1: names ───────────────────────────────────────────────────────────────────

    def expand(self, block: ast.SpecBlock) -> list[ast.Decl]:
        """The block's members with every `use`d group's members spliced in."""
        groups = {g.name: g for g in self.loaded.groups}
        out: list[ast.Decl] = []
        stack: list[str] = []

        def visit(members: tuple[ast.Decl, ...]) -> None:
            for m in members:
                if not isinstance(m, ast.Use):
                    out.append(m)
                    continue
                g = groups.get(m.name)
                if g is None:
                    self.env.diags.error(
                        f"unknown properties group `{m.name}`",
                        m.span,
                        did_you_mean(m.name, groups) or _std_hint(),
                    )
                elif m.name not in stack:
                    stack.append(m.name)
                    visit(g.members)
                    stack.pop()

        visit(block.members)
        return out

    def collect_defs(self, members: list[ast.Decl]) -> None:
        for d in [*self.loaded.defs, *(m for m in members if isinstance(m, ast.Def))]:
            prev = self.env.defs.get(d.name)
            if prev is not None and (prev.body is None) != (d.body is None):
                self.check_supplies(prev, d)
            if prev is not None and prev.body is not None and d.body is not None:
                self.env.diags.error(
                    f"`{d.name}` is already defined at {prev.span.file}:{prev.span.line}", d.span
                )
            elif prev is None or prev.body is None:
                self.env.defs[d.name] = d  # a body supplies an abstract def of a group
        for d in self.env.defs.values():
            if d.body is None:
                self.env.diags.error(
                    f"`{d.name}` is declared without a body and the spec does not define it",
                    d.span,
                    f"add `def {d.name}… = …;` to spec {self.env.contract.name}",
                )

    def check_supplies(self, a: ast.Def, b: ast.Def) -> None:
        """A group's abstract def and the spec's definition must have one signature."""
        abstract, given = (a, b) if a.body is None else (b, a)

        def sig(d: ast.Def) -> tuple[tuple[str, ...], str | None]:
            params = tuple(type_expr(p.type) for p in d.params or ())
            return params, None if d.returns is None else type_expr(d.returns)

        (want_ps, want_r), (got_ps, got_r) = sig(abstract), sig(given)
        if want_ps != got_ps or (want_r is not None and got_r is not None and want_r != got_r):
            self.env.diags.error(
                f"`{given.name}` does not match its declaration "
                f"({abstract.span.file}:{abstract.span.line})",
                given.span,
                "declared as `" + print_decl(abstract)[0].strip() + "`",
            )

    def ghost(self, g: ast.Ghost) -> None:
        keys: list[SType] = []
        t: ast.TypeExpr = g.type
        while isinstance(t, ast.MappingTypeName):
            k = self.binder_type(t.key)
            keys.append(k or MATHINT)
            t = t.value
        value = self.binder_type(t)
        if value is None or not self.fresh_name(g.name, g.span, Ctx()):
            return
        init: int | bool = False if value == BOOL else 0
        if g.init is not None:
            folded = fold(self.check(g.init, Ctx(where="in a ghost's initial value")))
            if folded is None or not fits(folded, value) or keys:
                self.env.diags.error(
                    "a ghost starts from a constant of its type",
                    g.init.span,
                    "mapping ghosts start at zero" if keys else None,
                )
            else:
                init = folded
        self.env.ghosts[g.name] = typed.Ghost(g.name, tuple(keys), value, init, span=g.span)

    def input(self, i: ast.Input) -> None:
        if is_external(i):
            declare_external(self, i)
            return
        assert not isinstance(i.type, tuple) and i.low is not None and i.high is not None
        t = self.binder_type(i.type)
        recv = self.env.state_var(i.receiver)
        if recv is None or _stype_of(recv) != ADDRESS:
            what = "is not an address state variable" if recv else "is not a state variable"
            addrs = [v.name for v in self.env.contract.state_variables if _stype_of(v) == ADDRESS]
            hint = (None if recv else did_you_mean(i.receiver, addrs)) or (
                "address state variables: " + ", ".join(addrs) if addrs else None
            )
            where = i.receiver_span if i.receiver_span.line else i.span
            self.env.diags.error(f"`{i.receiver}` {what}", where, hint)
        ctx = Ctx(where="in an input declaration")
        args = tuple(self.check(a, ctx) for a in i.args)
        lo, hi = fold(self.check(i.low, ctx)), fold(self.check(i.high, ctx))
        if t is None or recv is None or not self.fresh_name(i.name, i.span, ctx):
            return
        if (
            not isinstance(lo, int)
            or not isinstance(hi, int)
            or isinstance(lo, bool)
            or isinstance(hi, bool)
        ):
            self.env.diags.error("input bounds must be constant integers", i.low.span)
            return
        if not (fits(lo, t) and fits(hi, t) and lo <= hi):
            self.env.diags.error(f"bounds [{lo}, {hi}] are not an interval of {t}", i.low.span)
            return
        sig = f"{i.method}({','.join(_abi(a.type) for a in args)})"
        self.env.inputs[i.name] = typed.Input(i.name, t, recv, sig, args, lo, hi, span=i.span)

    # ── pass 2: defs ────────────────────────────────────────────────────────────────────

    def typed_def(self, n: str, span: ast.Span) -> typed.Def | None:
        if n in self.env.typed_defs:
            return self.env.typed_defs[n]
        if n in self.env.in_progress:
            cycle = " → ".join([*self.env.in_progress[self.env.in_progress.index(n) :], n])
            self.env.diags.error(f"definitions call each other in a cycle: {cycle}", span)
            return None
        d = self.env.defs[n]
        if d.body is None:
            return None
        if len(self.env.in_progress) >= MAX_DEF_NESTING:
            self.env.diags.error(
                f"definitions use each other more than {MAX_DEF_NESTING} levels deep",
                span,
                "flatten the chain of defs",
            )
            return None
        self.env.in_progress.append(n)
        outer, self.imported_def = self.imported_def, d.span.file != self.loaded.main.path
        params, ctx = self.params(d.params or (), Ctx(where="in a def"), prefix=f"{n}.")
        body = self.check(d.body, ctx)
        self.imported_def = outer
        if d.returns is not None and (rt := self.binder_type(d.returns)) is not None:
            body = self.coerce(body, rt, f"the value of `{n}`")
        self.env.in_progress.pop()
        ok = len(params) == len(d.params or ()) and not is_poison(body.type)
        self.env.typed_defs[n] = typed.Def(n, params, body, span=d.span) if ok else None
        return self.env.typed_defs[n]

    # ── pass 3: properties ──────────────────────────────────────────────────────────────

    def invariant(self, inv: ast.Invariant) -> typed.Invariant:
        params, ctx = self.params(inv.params, Ctx(where="in an invariant"))
        expr = self.expect(inv.expr, ctx, BOOL, f"invariant `{inv.name}`")
        candidates = [f for f in _changing(self.env.contract)]
        if inv.only is not None:
            keep = {f.signature for f in self.fn_refs(inv.only)}
            candidates = [f for f in candidates if f.signature in keep]
        drop = {f.signature for f in self.fn_refs(inv.excluded)}
        functions = tuple(f for f in candidates if f.signature not in drop)
        assuming = tuple(r for a in inv.assuming if (r := self.inv_ref(a, ctx, inv.name)))
        preserved: list[typed.Preserved] = []
        seen: set[str | None] = set()
        for p in inv.preserved:
            tp = self.preserved(p, ctx)
            key = tp.function.signature if tp and tp.function else None
            if tp is not None and key in seen:
                self.env.diags.error("a second preserved block for the same function", p.span)
            elif tp is not None:
                seen.add(key)
                preserved.append(tp)
        return typed.Invariant(
            inv.name, params, expr, functions, assuming, tuple(preserved), span=inv.span
        )

    def preserved(self, p: ast.Preserved, ctx: Ctx) -> typed.Preserved | None:
        ctx = replace(ctx, allow_msg=True, where="in a preserved block")
        f = None
        if p.function is not None:
            f = self.function_for(p.function, p.params, p.span)
            if f is None:
                return None
        params, ctx = self.params(p.params, ctx)
        return typed.Preserved(f, params, self.body(p.body, ctx, "preserved"), span=p.span)

    def function_for(
        self, name: str, params: tuple[ast.Param, ...], span: ast.Span
    ) -> Function | None:
        """The entry point whose parameter types are `params`' types (preserved, hooks)."""
        found = self.fn_ref(name, tuple(p.type for p in params), span)
        return found[0] if found else None

    def rule(self, r: ast.Rule) -> typed.Rule:
        kind = "satisfy" if r.satisfy else "rule"
        params, ctx = self.params(r.params, Ctx(allow_msg=True, where=f"in {kind} {r.name}"))
        return typed.Rule(r.name, params, self.body(r.body, ctx, kind), r.satisfy, span=r.span)

    def hook(self, h: ast.Hook) -> typed.Hook | None:
        f = None
        if h.function is not None:
            f = self.function_for(h.function, h.params, h.span)
            if f is None:
                return None
        params, ctx = self.params(h.params, Ctx(allow_msg=True, allow_old=True, where="in a hook"))
        body = tuple(a for s in h.body if (a := self.assign(s, ctx)) is not None)
        return typed.Hook(f, params, body, span=h.span)


def check_block(
    block: ast.SpecBlock,
    contract: Contract,
    loaded: LoadedSpec,
    diags: Diagnostics,
    harness: Path | None,
) -> typed.CheckedSpec:
    env = SpecEnv(contract, diags)
    c = SpecChecker(env, loaded)
    members = c.expand(block)
    c.collect_defs(members)
    for m in members:
        if isinstance(m, ast.Ghost):
            c.ghost(m)
    for m in members:
        if isinstance(m, ast.Input):
            c.input(m)
    names: dict[str, ast.Span] = {}
    for m in members:
        if isinstance(m, ast.Invariant | ast.Rule):
            if m.name in names:
                diags.error(
                    f"a property named `{m.name}` already exists (line {names[m.name].line})",
                    m.span,
                )
            names[m.name] = m.span
        if isinstance(m, ast.Invariant):
            c.inv_params[m.name] = tuple(
                parse_type_name(p.type.name) or MATHINT
                if isinstance(p.type, ast.TypeName)
                else MATHINT
                for p in m.params
            )
    defs = tuple(d for n in list(env.defs) if (d := c.typed_def(n, env.defs[n].span)))
    invariants = tuple(c.invariant(m) for m in members if isinstance(m, ast.Invariant))
    rules = tuple(c.rule(m) for m in members if isinstance(m, ast.Rule))
    hooks = tuple(h for m in members if isinstance(m, ast.Hook) if (h := c.hook(m)))
    return typed.CheckedSpec(
        block.name,
        contract,
        Path(loaded.main.path),
        invariants,
        rules,
        tuple(env.ghosts.values()),
        hooks,
        tuple(env.inputs.values()),
        defs,
        harness,
        tuple(env.externals.values()),
        span=block.span,
    )


def _changing(contract: Contract) -> list[Function]:
    seen: dict[str, Function] = {}
    for f in contract.entry_points():
        if f.changes_state:
            seen.setdefault(f.signature, f)
    return list(seen.values())


def _stype_of(v: object) -> SType | None:
    return from_ir(v.type)  # type: ignore[attr-defined]


def _abi(t: SType) -> str:
    return "uint256" if t.kind.value == "mathint" else str(t)


def _std_hint() -> str:
    return 'groups come from imports, e.g. `import "std/erc20.spec";`'
