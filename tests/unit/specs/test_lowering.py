"""Every capability lowers both ways, and both ways agree — statements and hooks included.

`test_differential` compares random *expressions*; this test takes a spec that uses every
construct (groups, defs from the standard library, ghosts and hooks, inputs, views, sums
over struct fields of nested mappings, quantifiers, `old`, `let`, call results, env values,
revert conditions) and, on random pairs of states, evaluates *every* subexpression of every
property with the concrete evaluator and with Z3, then runs the hook both ways and compares
the ghosts it wrote.
"""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvency.smt import terms as zt
from solvency.smt.solver import Session, Verdict
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.specs import lower_concrete, lower_smt, typed
from solvency.specs.api import check_source
from solvency.specs.check_expr import children, free_vars
from solvency.specs.lower_concrete import ConcreteFrame, evaluate
from solvency.specs.lower_smt import SmtFrame, lower, sort_of
from solvency.specs.types import Kind, SType, wrap
from tests.unit.specs.worlds import WORLD, World, concrete, symbolic, symbolic_env, worlds

SPEC = """\
import "std/health.spec";

properties Held {
    def held -> mathint;
    invariant held_bounded: held <= max_uint256;
}

spec World {
    use Held;
    def held -> mathint = balance(this);
    def share(bytes32 id, address u) -> mathint =
        mulDivDown(position[id][u].shares, WAD, max(1, market[id].supply));

    ghost mathint g;
    ghost mapping(address => uint256) gm;
    input uint256 price = owner.price() in [1e16, 1e22];
    input uint256 heldBy(address tok, address who) = tok.balanceOf(who);
    input (uint80 roundId, int256 answer, uint256 updatedAt) round(address f) =
        f.latestRoundData();

    hook poke(uint256 amount) {
        g = g + amount - old(total);
        gm[msg.sender] = uint256(amount % 7 + gm[msg.sender]);
        g = g * 2 + gm[msg.sender];
    }

    invariant acc: sum(collateral) >= total;
    invariant nested(bytes32 id):
        sum(u: position[id][u].collateral) <= sum(address a: position[id][a].debt) + 1;
    invariant healthy_all(bytes32 id):
        forall address u: healthy(position[id][u].collateral, price, 8e17, position[id][u].debt);
    invariant some_share(bytes32 id): exists address u: share(id, u) > 1e17;
    invariant clock: block.timestamp > block.number => total % 2 == 0;

    rule everything(address a, bytes32 i, uint256 x, int256 y) {
        let before = collateral[a];
        requires x <= total + y;
        call poke(x);
        ensures collateral[a] - before <= collateral[a] - old(collateral[a]);
        ensures collateralOf(msg.sender) + msg.value == collateral[msg.sender] + balance(a);
        ensures gm[msg.sender] <= 6 => g > old(g);
        ensures limits[2] + users.length + kind + CAP - fee > allowance[a][owner];
        reverts_unless price >= 2e16 && paused;
        reverts_if flags[a] != (debt[a] / 3 > small % 5 * tiny);
        ensures mulDivUp(total, price, WAD) - mulDivDown(total, price, WAD) == x % 2;
        ensures let s = sum(gm) in s >= g;
        ensures market[i].rate <= int64(y) && bytes32(x) != i;
        ensures address(uint160(x)) == a || this == token;
        ensures toAssetsUp(position[i][a].shares, market[i].supply, market[i].borrow) >= x;
        ensures exists bytes32 j: market[j].fee > uint64(x);
        ensures ltvUp(position[i][a].collateral, price, position[i][a].debt) <= 8e17;
        ensures heldBy(a, this) - old(heldBy(a, this)) == x
            || forall address u: round(u).answer > 0 => round(u).updatedAt >= old(heldBy(u, a));
    }
    satisfy reachable(uint256 x) { call poke(x); ensures total == old(total) + x; }
}
"""

(CHECKED,) = check_source(SPEC, WORLD, "<lowering>")
HOOK = CHECKED.hooks[0]


def _nodes(e: typed.TExpr) -> Iterator[typed.TExpr]:
    yield e
    for c in children(e):
        yield from _nodes(c)


def _exprs() -> list[typed.TExpr]:
    """Every property's expressions (invariants, each statement, the hook's assignments)."""
    out: list[typed.TExpr] = [i.expr for i in CHECKED.invariants]
    for r in CHECKED.rules:
        for s in r.body:
            match s:
                case typed.Requires(cond=c) | typed.Ensures(cond=c) | typed.Reverts(cond=c):
                    out.append(c)
                case typed.LetStmt(value=v):
                    out.append(v)
    for a in HOOK.body:
        out += [*a.keys, a.value]
    return out


TYPES = {
    "a": SType(Kind.ADDRESS, 160),
    "i": SType(Kind.BYTES, 256),
    "id": SType(Kind.BYTES, 256),
    "x": SType(Kind.UINT, 256),
    "amount": SType(Kind.UINT, 256),
    "y": SType(Kind.INT, 256),
}


def _subexpressions(bound: set[str]) -> list[typed.TExpr]:
    seen: dict[int, typed.TExpr] = {}
    for e in _exprs():
        for n in _nodes(e):
            if all(v.name in bound for v in free_vars(n)):
                seen.setdefault(id(n), n)
    return list(seen.values())


@st.composite
def scenario(draw: st.DrawFn) -> tuple[World, World, dict[str, int | bool]]:
    pre = draw(worlds())
    post = draw(worlds(like=pre))
    x = draw(st.one_of(st.sampled_from([0, 1, 2**256 - 1]), st.integers(0, 2**256 - 1)))
    params: dict[str, int | bool] = {
        "a": draw(st.sampled_from(pre.addrs)),
        "i": draw(st.sampled_from(pre.ids)),
        "id": draw(st.sampled_from(pre.ids)),
        "x": x,
        "amount": x,
        "y": draw(st.integers(-(2**255), 2**255 - 1)),
    }
    return pre, post, params


def _ghost_decls() -> tuple[typed.Ghost, ...]:
    return CHECKED.ghosts


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario())
def test_every_subexpression_and_the_hook_agree(
    case: tuple[World, World, dict[str, int | bool]],
) -> None:
    pre, post, params = case
    old_state, old_ghosts = concrete(pre, _ghost_decls())
    new_state, new_ghosts = concrete(post, _ghost_decls())
    session = Session()
    s_pre, s_post = symbolic(pre, "pre", session), symbolic(post, "post", session)
    env = symbolic_env(post, "env", session)
    bindings = {n: zt.value(v, sort_of(TYPES[n])) for n, v in params.items()}
    cframe = ConcreteFrame(new_state, post.env, new_ghosts, old_state, old_ghosts, dict(params))
    sframe = SmtFrame(s_post, env, s_pre, bindings)
    # `let before = collateral[a]` binds a name the later statements read
    let = next(s for s in CHECKED.rules[0].body if isinstance(s, typed.LetStmt))
    cframe = cframe.bind(let.name, evaluate(let.value, cframe))
    sframe = sframe.bind(let.name, lower(let.value, sframe))

    nodes = _subexpressions({*params, let.name})
    assert len(nodes) > 150
    outs = []
    for k, n in enumerate(nodes):
        out = zt.const(f"out{k}", sort_of(n.type))
        session.add(zt.eq(out, lower(n, sframe)))
        outs.append(out)
    wants = [evaluate(n, cframe) for n in nodes]
    # The hook, both ways, on the post state's ghosts (old() reads the pre state).
    lower_concrete.apply_hook(HOOK, cframe)
    lower_smt.apply_hook(HOOK, sframe)
    g_out = zt.const("g_after", zt.int_sort())
    session.add(zt.eq(g_out, s_post.ghost("g", [], zt.int_sort())))
    gm_outs = []
    for addr in post.addrs:
        o = zt.const(f"gm_after_{addr}", zt.bv_sort(256))
        session.add(zt.eq(o, s_post.ghost("gm", [zt.value(addr, zt.bv_sort(160))], o.sort())))
        gm_outs.append((addr, o))
    result = session.check()
    assert result.verdict is Verdict.SAT, result

    for n, out, want in zip(nodes, outs, wants, strict=True):
        got = session.value(out)
        if n.type.kind in (Kind.INT, Kind.UINT, Kind.ADDRESS, Kind.BYTES):
            got = wrap(int(got), n.type)
        assert want == got, f"{type(n).__name__} at {n.span.line}:{n.span.column}"
    assert new_ghosts.get("g", ()) == session.value(g_out)
    for addr, o in gm_outs:
        assert new_ghosts.get("gm", (addr,)) == session.value(o)


BOUNDED = """
spec World {
    input uint256 h(address t) = t.balanceOf(this) in [5, 100];
    rule r(address a) {
        call poke(1);
        ensures h(a) >= 5 && h(a) <= 100;
        ensures h(a) == old(h(a));
    }
}
"""


def _proves(cond: typed.TExpr, assume: bool) -> Verdict:
    """Whether `cond` can be false on an unconstrained pair of states (with or without the
    states' assumptions, i.e. the declared bounds)."""
    session = Session()
    pre, post = SymbolicState("pre"), SymbolicState("post")
    frame = SmtFrame(post, SymbolicEnv.fresh("env"), pre, {"a": zt.const("a", zt.bv_sort(160))})
    session.add(zt.not_(lower(cond, frame)))
    if assume:
        for fact in (*pre.assumptions, *post.assumptions):
            session.add(fact)
    return session.check().verdict


def test_external_reads_are_bounded_and_belong_to_one_state() -> None:
    (spec,) = check_source(BOUNDED, WORLD, "<bounded>")
    bounds, same = (s for s in spec.rules[0].body if isinstance(s, typed.Ensures))
    assert _proves(bounds.cond, assume=True) is Verdict.UNSAT  # the bounds hold everywhere
    assert _proves(bounds.cond, assume=False) is Verdict.SAT  # … because they are assumed
    assert _proves(same.cond, assume=True) is Verdict.SAT  # pre and post values may differ
