"""The two lowerings agree: random well-typed expressions, random states, Z3 vs Python.

Expressions are generated as *source text*, so the parser and checker are exercised too;
the typed result is then evaluated by the concrete evaluator on EVM-layout storage words
and by Z3 on a symbolic state constrained to the same values.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvency.smt import terms as zt
from solvency.smt.solver import Session, Verdict
from solvency.specs import typed
from solvency.specs.api import check_source
from solvency.specs.lower_concrete import ConcreteFrame, evaluate
from solvency.specs.lower_smt import SmtFrame, lower, sort_of
from solvency.specs.types import Kind, wrap
from tests.unit.specs.worlds import WORLD, World, concrete, symbolic, symbolic_env, worlds

SPEC = """
spec World {{
    ghost mathint g;
    ghost mapping(address => uint256) gm;
    input uint256 price = owner.price() in [1e16, 1e22];
    input uint256 held(address tok, address who) = tok.balanceOf(who);
    input (uint80 roundId, int256 answer, uint256 updatedAt) round(address f) =
        f.latestRoundData();
    input (uint80 roundId, int256 answer, uint256 updatedAt) feed = owner.latestRoundData();
    rule r(uint256 x, int256 y, address a, bytes32 i, bool b) {{
        call poke(x);
        ensures ({expr}) == ({expr});
    }}
}}
"""

INT_LITERALS = [
    "0",
    "1",
    "2",
    "7",
    "1e18",
    "max_uint256",
    "max_int256",
    "min_int256",
    "2**255",
    "0x10",
    "max_uint128",
    "3 ether",
    "1 days",
]
CASTS = ["uint8", "uint128", "uint256", "int8", "int64", "int256", "mathint", "uint16"]


class Gen:
    """Text generators by type; `qv` are quantified address vars in scope."""

    def __init__(self, depth: int, qv: tuple[str, ...] = (), old_ok: bool = True) -> None:
        self.depth, self.qv, self.old_ok = depth, qv, old_ok

    def sub(self, **kw: object) -> Gen:
        g = Gen(self.depth - 1, self.qv, self.old_ok)
        g.__dict__.update(kw)
        return g

    def addr(self) -> st.SearchStrategy[str]:
        leaves = st.sampled_from(["a", "owner", "msg.sender", "this", "token", *self.qv])
        if self.depth <= 0:
            return leaves
        s = self.sub()
        return st.one_of(
            leaves,
            leaves,
            st.builds("address({})".format, s.int_()),
            st.builds("({} ? {} : {})".format, s.bool_(), s.addr(), s.addr()),
            st.builds("users[{}]".format, st.sampled_from(["0", "1", "2", "5"])),
        )

    def b32(self) -> st.SearchStrategy[str]:
        leaves = st.sampled_from(["i", "i"])
        if self.depth <= 0:
            return leaves
        s = self.sub()
        return st.one_of(leaves, st.builds("bytes32({})".format, s.int_()))

    def int_(self) -> st.SearchStrategy[str]:
        plain = [
            "x",
            "y",
            "total",
            "fee",
            "small",
            "tiny",
            "kind",
            "users.length",
            "CAP",
            "msg.value",
            "block.timestamp",
            "block.number",
            "g",
            "price",
        ]
        leaves = st.one_of(st.sampled_from(INT_LITERALS), st.sampled_from(plain))
        if self.depth <= 0:
            return leaves
        s = self.sub()
        a, i = s.addr(), s.b32()
        reads = st.one_of(
            st.builds("collateral[{}]".format, a),
            st.builds("allowance[{}][{}]".format, a, a),
            st.builds("debt[{}]".format, a),
            st.builds("gm[{}]".format, a),
            st.builds(
                "market[{}].{}".format, i, st.sampled_from(["supply", "borrow", "rate", "fee"])
            ),
            st.builds(
                "position[{}][{}].{}".format,
                i,
                a,
                st.sampled_from(["shares", "debt", "collateral"]),
            ),
            st.builds("limits[{}]".format, st.sampled_from(["0", "3", "uint256(x % 5)"])),
            st.builds("collateralOf({})".format, a),
            st.builds("held({}, {})".format, a, a),
            st.builds(
                "round({}).{}".format, a, st.sampled_from(["roundId", "answer", "updatedAt"])
            ),
            st.sampled_from(["feed.answer", "feed.updatedAt", "feed.roundId"]),
            st.builds("balance({})".format, a),
            st.sampled_from(["sum(collateral)", "sum(gm)", "sum(u: collateral[u] * 2 - debt[u])"]),
            st.builds("sum(u: position[{}][u].collateral)".format, i),
        )
        ops = st.builds("({} {} {})".format, s.int_(), st.sampled_from("+-*/%"), s.int_())
        other = st.one_of(
            st.builds("(-{})".format, s.int_()),
            st.builds("(({}) ** {})".format, s.int_(), st.sampled_from(["0", "1", "2", "3"])),
            st.builds("{}({})".format, st.sampled_from(CASTS), s.int_()),
            st.builds("uint160({})".format, a),
            st.builds("({} ? {} : {})".format, s.bool_(), s.int_(), s.int_()),
            st.builds("{}({}, {})".format, st.sampled_from(["min", "max"]), s.int_(), s.int_()),
            st.builds("(let v{0} = {1} in v{0} + v{0})".format, st.just(self.depth), s.int_()),
        )
        signed = st.builds(
            "({} {} {})".format,
            st.sampled_from(["y", "debt[a]", "small", "tiny", "market[i].rate", "-x"]),
            st.sampled_from("/%"),
            s.int_(),
        )
        options = [leaves, reads, ops, ops, signed, other]
        if self.old_ok:
            options.append(st.builds("old({})".format, self.sub(old_ok=False).int_()))
        return st.one_of(*options)

    def bool_(self) -> st.SearchStrategy[str]:
        leaves = st.sampled_from(["b", "paused", "true", "false"])
        if self.depth <= 0:
            return leaves
        s = self.sub()
        q = f"u{self.depth}"
        inner = Gen(self.depth - 1, (*self.qv, q), self.old_ok)
        options = [
            leaves,
            st.builds("flags[{}]".format, s.addr()),
            st.builds(
                "({} {} {})".format,
                s.int_(),
                st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                s.int_(),
            ),
            st.builds("({} {} {})".format, s.addr(), st.sampled_from(["==", "!=", "<"]), s.addr()),
            st.builds("({} == {})".format, s.b32(), s.b32()),
            st.builds("(!{})".format, s.bool_()),
            st.builds(
                "({} {} {})".format,
                s.bool_(),
                st.sampled_from(["&&", "||", "=>", "<=>"]),
                s.bool_(),
            ),
            st.builds(("(forall address " + q + ": {})").format, inner.bool_()),
            st.builds(("(exists address " + q + ": {})").format, inner.bool_()),
        ]
        if self.old_ok:
            options.append(st.builds("old({})".format, self.sub(old_ok=False).bool_()))
        return st.one_of(*options)


def _typed(expr: str) -> typed.TExpr:
    (spec,) = check_source(SPEC.format(expr=expr), WORLD, "<diff>")
    ensures = spec.rules[0].body[-1]
    assert isinstance(ensures, typed.Ensures) and isinstance(ensures.cond, typed.Binary)
    return ensures.cond.left


@st.composite
def two_worlds(draw: st.DrawFn) -> tuple[World, World]:
    pre = draw(worlds())
    return pre, draw(worlds(like=pre))


def _params(draw: st.DrawFn, pre: World) -> dict[str, int | bool]:
    return {
        "x": draw(st.one_of(st.sampled_from([0, 1, 2**256 - 1]), st.integers(0, 2**256 - 1))),
        "y": draw(
            st.one_of(
                st.sampled_from([0, -1, -(2**255), 2**255 - 1]), st.integers(-(2**255), 2**255 - 1)
            )
        ),
        "a": draw(st.sampled_from(pre.addrs)),
        "i": draw(st.sampled_from(pre.ids)),
        "b": draw(st.booleans()),
    }


def both_ways(
    e: typed.TExpr, pre: World, post: World, params: dict[str, int | bool]
) -> tuple[object, object]:
    # concrete
    spec_ghosts = (typed.Ghost("g", (), _mathint(), 0), typed.Ghost("gm", (_addr(),), _u256(), 0))
    old_state, old_ghosts = concrete(pre, spec_ghosts)
    new_state, new_ghosts = concrete(post, spec_ghosts)
    cframe = ConcreteFrame(new_state, post.env, new_ghosts, old_state, old_ghosts, params)
    want = evaluate(e, cframe)
    # symbolic, constrained to the same values
    session = Session()
    s_pre, s_post = symbolic(pre, "pre", session), symbolic(post, "post", session)
    env = symbolic_env(post, "env", session)
    sorts = {
        "x": _u256(),
        "y": typed.Param("y", _i256()).type,
        "a": _addr(),
        "i": _b32(),
        "b": _bool(),
    }
    bindings = {n: zt.value(v, sort_of(sorts[n])) for n, v in params.items()}
    frame = SmtFrame(s_post, env, s_pre, bindings)
    out = zt.const("out", sort_of(e.type))
    session.add(zt.eq(out, lower(e, frame)))
    r = session.check()
    assert r.verdict is Verdict.SAT, r
    got = session.value(out)
    if e.type.kind in (Kind.INT, Kind.UINT, Kind.ADDRESS, Kind.BYTES):
        got = wrap(int(got), e.type)
    return want, got


def _mathint():  # type: ignore[no-untyped-def]
    from solvency.specs.types import MATHINT

    return MATHINT


def _addr():  # type: ignore[no-untyped-def]
    from solvency.specs.types import ADDRESS

    return ADDRESS


def _u256():  # type: ignore[no-untyped-def]
    from solvency.specs.types import UINT256

    return UINT256


def _i256():  # type: ignore[no-untyped-def]
    from solvency.specs.types import INT256

    return INT256


def _b32():  # type: ignore[no-untyped-def]
    from solvency.specs.types import BYTES32

    return BYTES32


def _bool():  # type: ignore[no-untyped-def]
    from solvency.specs.types import BOOL

    return BOOL


SETTINGS = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(data=st.data(), expr=Gen(3).int_())
def test_integer_expressions_agree(data: st.DataObject, expr: str) -> None:
    e = _typed(expr)
    pre, post = data.draw(two_worlds())
    params = _params(data.draw, pre)  # type: ignore[arg-type]
    want, got = both_ways(e, pre, post, params)
    assert want == got, f"{expr}: concrete {want} vs z3 {got}"


@SETTINGS
@given(data=st.data(), expr=Gen(3).bool_())
def test_boolean_expressions_agree(data: st.DataObject, expr: str) -> None:
    e = _typed(expr)
    pre, post = data.draw(two_worlds())
    params = _params(data.draw, pre)  # type: ignore[arg-type]
    want, got = both_ways(e, pre, post, params)
    assert want == got, f"{expr}: concrete {want} vs z3 {got}"
