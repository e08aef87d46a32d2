"""Checking reads of other contracts: `input`s with parameters or several named results.

`input uint256 held(address token, address who) = token.balanceOf(who);` declares a view
of any contract; `held(t, this)` reads it with the parameters bound. A declaration of
several results, `input (uint80 roundId, int256 answer, …) round = feed.latestRoundData();`,
is read one field at a time: `round.answer`, or `round(f).answer` with parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvency.specs import ast, typed
from solvency.specs.diagnostics import did_you_mean
from solvency.specs.fold import fold
from solvency.specs.scope import Ctx, is_poison, poison
from solvency.specs.types import ADDRESS, UINT256, Kind, SType, fits

if TYPE_CHECKING:
    from solvency.specs.check_access import AccessChecker
    from solvency.specs.check_stmt import StmtChecker


def is_external(i: ast.Input) -> bool:
    """Whether a declaration needs the general form (the v1 form: one bounded result, no
    parameters, an address state variable as receiver)."""
    return i.params is not None or isinstance(i.type, tuple) or i.low is None or bool(i.summary)


def declare_external(c: StmtChecker, i: ast.Input) -> None:
    ctx = Ctx(where=f"in input `{i.name}`")
    params, ctx = c.params(i.params or (), ctx, prefix=f"{i.name}.")
    recv_span = i.receiver_span if i.receiver_span.line else i.span
    receiver = c.expect(
        ast.Name(i.receiver, span=recv_span), ctx, ADDRESS, f"the receiver of `{i.name}`"
    )
    args = tuple(c.check(a, ctx) for a in i.args)
    results = _results(c, i)
    bounds = _bounds(c, i, results)
    summary = _summary(c, i, args, results, bounds)
    if (
        results is None
        or bounds is None
        or summary is False
        or len(params) != len(i.params or ())
        or any(is_poison(x.type) for x in (receiver, *args))
        or not c.fresh_name(i.name, i.span, Ctx())
    ):
        return
    sig = f"{i.method}({','.join(_abi(a.type) for a in args)})"
    c.env.externals[i.name] = typed.External(
        i.name,
        params,
        receiver,
        sig,
        args,
        results,
        bounds[0],
        bounds[1],
        isinstance(i.type, tuple),
        summary if isinstance(summary, str) and summary else None,
        span=i.span,
    )


SUMMARIES = ("erc20",)
_SHAPE = "`input uint256 held(address tok, address who) = tok.balanceOf(who) summarized erc20;`"


def _summary(
    c: StmtChecker,
    i: ast.Input,
    args: tuple[typed.TExpr, ...],
    results: tuple[tuple[str, SType], ...] | None,
    bounds: tuple[int | None, int | None] | None,
) -> str | bool:
    """The summary asked for ("" for none), or False after reporting a misuse: the ERC20
    summary stands for `balanceOf(address) -> uint256` and nothing else."""
    if i.summary is None:
        return ""
    where = i.summary_span if i.summary_span.line else i.span
    if i.summary not in SUMMARIES:
        hint = did_you_mean(i.summary, SUMMARIES) or "the summaries: " + ", ".join(SUMMARIES)
        c.env.diags.error(f"unknown summary `{i.summary}`", where, hint)
        return False
    if i.method != "balanceOf" or len(args) != 1 or args[0].type != ADDRESS:
        c.env.diags.error(
            f"`summarized erc20` needs a `balanceOf(address)` input; `{i.name}` reads "
            f"`{i.receiver}.{i.method}` with {len(args)} argument(s)",
            where,
            f"write {_SHAPE}",
        )
        return False
    if results is not None and (isinstance(i.type, tuple) or results[0][1] != UINT256):
        c.env.diags.error(
            f"a summarized ERC20 balance is one uint256; `{i.name}` declares "
            + ", ".join(str(t) for _, t in results),
            where,
            f"write {_SHAPE}",
        )
        return False
    if bounds is not None and bounds != (None, None) and bounds != (0, (1 << 256) - 1):
        c.env.diags.error(
            f"bounds on `{i.name}` conflict with `summarized erc20`: the token model says "
            "what its balances are",
            i.low.span if i.low is not None else where,
            "drop `in [...]`, or state the bound with `requires`",
        )
        return False
    return i.summary


def _abi(t: SType) -> str:
    return "uint256" if t.kind is Kind.MATHINT else str(t)


def _results(c: StmtChecker, i: ast.Input) -> tuple[tuple[str, SType], ...] | None:
    declared = i.type if isinstance(i.type, tuple) else (ast.Param(i.type, "", span=i.type.span),)
    out: list[tuple[str, SType]] = []
    for p in declared:
        t = c.binder_type(p.type)
        if t is None:
            return None
        if t.kind is Kind.MATHINT:
            c.env.diags.error(
                f"a result of `{i.name}` has an ABI type; mathint is not one",
                p.span,
                "declare the type the function returns, e.g. uint256",
            )
            return None
        if p.name and p.name in (n for n, _ in out):
            c.env.diags.error(f"two results of `{i.name}` are named `{p.name}`", p.span)
            return None
        out.append((p.name, t))
    return tuple(out)


def _bounds(
    c: StmtChecker, i: ast.Input, results: tuple[tuple[str, SType], ...] | None
) -> tuple[int | None, int | None] | None:
    if i.low is None or i.high is None:
        return (None, None)
    if isinstance(i.type, tuple):
        c.env.diags.error(
            f"bounds apply to one result, and `{i.name}` has {len(i.type)}",
            i.low.span,
            "declare one input per result to bound, or state the bound with `requires`",
        )
        return None
    ctx = Ctx(where="in input bounds")
    lo, hi = fold(c.check(i.low, ctx)), fold(c.check(i.high, ctx))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
        c.env.diags.error("input bounds must be constant integers", i.low.span)
        return None
    assert isinstance(lo, int) and isinstance(hi, int)
    if results is not None:
        t = results[0][1]
        if not (fits(lo, t) and fits(hi, t) and lo <= hi):
            c.env.diags.error(f"bounds [{lo}, {hi}] are not an interval of {t}", i.low.span)
            return None
    return (lo, hi)


def external_use(
    c: AccessChecker,
    n: str,
    args: tuple[ast.Expr, ...] | None,
    field: str | None,
    *,
    span: ast.Span,
    ctx: Ctx,
) -> typed.TExpr:
    """`n`, `n(args)`, `n.field` or `n(args).field`; `args` is None for the bare name."""
    d = c.env.externals[n]
    shape = _shape(d)
    if args is None and d.params:
        c.env.diags.error(f"`{n}` needs {len(d.params)} argument(s)", span, f"write {shape}")
        return poison(span)
    args = args or ()
    if len(args) != len(d.params):
        c.env.diags.error(
            f"`{n}` takes {len(d.params)} argument(s), got {len(args)}", span, f"write {shape}"
        )
        return poison(span)
    names = [r for r, _ in d.results]
    if field is None and d.tuple_results:
        c.env.diags.error(
            f"`{n}` returns {len(names)} values; read one of them",
            span,
            f"e.g. `{n}.{names[min(1, len(names) - 1)]}`; results: " + ", ".join(names),
        )
        return poison(span)
    if field is not None and not d.tuple_results:
        c.env.diags.error(f"`{n}` returns one value; it has no field `{field}`", span)
        return poison(span)
    if field is not None and field not in names:
        hint = did_you_mean(field, names) or "results: " + ", ".join(names)
        c.env.diags.error(f"`{n}` has no result named `{field}`", span, hint)
        return poison(span)
    index = 0 if field is None else names.index(field)
    values = [
        c.expect(a, ctx, p.type, f"argument `{p.name.split('.')[-1]}` of {n}")
        for a, p in zip(args, d.params, strict=True)
    ]
    t = d.results[index][1]
    body: typed.TExpr = typed.ExternalRead(
        d.receiver, d.signature, d.args, d.outputs, index, t, d.low, d.high, d.summary, span=span
    )
    for p, v in reversed(list(zip(d.params, values, strict=True))):
        body = typed.Let(p.name, v, body, t, span=span)
    return body


def _shape(d: typed.External) -> str:
    params = ", ".join(f"{p.type} {p.name.split('.')[-1]}" for p in d.params)
    call = f"{d.name}({params})" if d.params else d.name
    return f"{call}.{d.results[0][0]}" if d.tuple_results else call
