"""The standard library (solvency/specs/library/*.spec) means what its names say.

Every def is type-checked through a real import and evaluated by the concrete lowering
against a Python reference on random operands; every `properties` group is bound to a
hand-built contract and its invariants and rules are evaluated on states where they must
hold and on states where they must fail. A wrong definition fails one of these tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvency.ir import storage
from solvency.ir.model import Contract, StateVariable
from solvency.ir.types import MappingType
from solvency.specs import typed
from solvency.specs.api import check_source
from solvency.specs.diagnostics import SpecError
from solvency.specs.loader import library_files
from solvency.specs.lower_concrete import ConcreteEnv, ConcreteFrame, Value, evaluate
from solvency.specs.types import SType
from tests.unit.specs.models import ADDR, BOOL, U256, contract, fn, var

THIS, ALICE, BOB, CAROL = 0xC0DE, 0xA11CE, 0xB0B, 0xCA201
USERS = (ALICE, BOB, CAROL)
WAD, RAY = 10**18, 10**27


# ── a concrete state made of storage words, for hand-built contracts ─────────────────────


@dataclass
class DictState:
    """`ConcreteState` over explicit storage words, balances and view results."""

    contract: Contract
    words: dict[int, int] = field(default_factory=dict)
    balances: dict[int, int] = field(default_factory=dict)
    views: dict[str, Callable[..., int]] = field(default_factory=dict)

    @property
    def this_address(self) -> int:
        return THIS

    def put(self, name: str, value: int, *keys: int) -> DictState:
        v = _var(self.contract, name)
        assert v.slot is not None
        loc = storage.locate(v.slot, v.offset, v.type, [storage.Key(k) for k in keys])
        self.words[loc.slot] = storage.encode(
            self.words.get(loc.slot, 0), loc.offset, loc.type, value
        )
        return self

    def storage_word(self, slot: int) -> int:
        return self.words.get(slot, 0)

    def balance(self, address: int) -> int:
        return self.balances.get(address, 0)

    def keys(self, t: SType) -> Iterable[int]:
        return (THIS, *USERS) if t.bits == 160 else range(4)

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        return (self.views[signature](*args),)

    def input(self, name: str) -> int:
        raise AssertionError(f"no input {name} in these tests")

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        raise AssertionError(f"no external {signature} in these tests")

    def immutable(self, name: str) -> int:
        raise AssertionError(f"no immutable {name} in these tests")


def _var(c: Contract, name: str) -> StateVariable:
    return next(v for v in c.state_variables if v.name == name)


def _copy(s: DictState) -> DictState:
    return DictState(s.contract, dict(s.words), dict(s.balances), dict(s.views))


def check(text: str, c: Contract) -> typed.CheckedSpec:
    (spec,) = check_source(text, c, "<library test>")
    return spec


def holds(inv: typed.Invariant, state: DictState, **params: int) -> bool:
    frame = ConcreteFrame(state, bindings={p.name: params[p.name] for p in inv.params})
    return bool(evaluate(inv.expr, frame))


def rule_outcome(
    rule: typed.Rule,
    pre: DictState,
    post: DictState,
    args: Mapping[str, Value],
    results: Mapping[str, Value] | None = None,
    *,
    sender: int = ALICE,
) -> list[bool]:
    """The `ensures` of a one-call rule, given the states around a successful call."""
    env = ConcreteEnv(sender=sender)
    before = ConcreteFrame(pre, env, bindings=dict(args))
    for st_ in rule.body:
        match st_:
            case typed.Requires(cond=c):
                assert evaluate(c, before), "the scenario breaks a `requires`"
            case typed.LetStmt(name=n, value=v):
                before = before.bind(n, evaluate(v, before))
            case typed.CallStmt():
                break
    after = ConcreteFrame(post, env, old=pre, bindings={**before.bindings, **(results or {})})
    return [bool(evaluate(s.cond, after)) for s in rule.body if isinstance(s, typed.Ensures)]


# ── the fixed-point and health defs against Python references ────────────────────────────


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _mdd(x: int, y: int, d: int) -> int:
    return x * y // d


def _mdu(x: int, y: int, d: int) -> int:
    return ceil_div(x * y, d)


def _value(c: int, p: int, scale: int) -> int:
    return c * p // scale


def _ltv_up(c: int, p: int, debt: int) -> int:
    v = _value(c, p, WAD)
    if v == 0:
        return 0 if debt == 0 else 2**256 - 1
    return ceil_div(debt * WAD, v)


REFERENCE: dict[str, Callable[..., int | bool]] = {
    "mulDivDown": _mdd,
    "mulDivUp": _mdu,
    "divUp": ceil_div,
    "wadMulDown": lambda x, y: _mdd(x, y, WAD),
    "wadMulUp": lambda x, y: _mdu(x, y, WAD),
    "wadDivDown": lambda x, y: _mdd(x, WAD, y),
    "wadDivUp": lambda x, y: _mdu(x, WAD, y),
    "rayMulDown": lambda x, y: _mdd(x, y, RAY),
    "rayMulUp": lambda x, y: _mdu(x, y, RAY),
    "rayDivDown": lambda x, y: _mdd(x, RAY, y),
    "rayDivUp": lambda x, y: _mdu(x, RAY, y),
    "bpsMulDown": lambda x, b: _mdd(x, b, 10_000),
    "bpsMulUp": lambda x, b: _mdu(x, b, 10_000),
    "absDiff": lambda a, b: abs(a - b),
    "abs": abs,
    "clampSub": lambda a, b: max(a - b, 0),
    "roundsDown": lambda r, x, y, d: r == _mdd(x, y, d),
    "roundsUp": lambda r, x, y, d: r == _mdu(x, y, d),
    "collateralValue": _value,
    "maxDebt": lambda c, p, s, lltv: _mdd(_value(c, p, s), lltv, WAD),
    "healthy": lambda c, p, lltv, debt: debt <= _mdd(_value(c, p, WAD), lltv, WAD),
    "healthyScaled": lambda c, p, s, lltv, debt: debt <= _mdd(_value(c, p, s), lltv, WAD),
    "healthyBps": lambda c, p, bps, debt: debt <= _mdd(_value(c, p, WAD), bps, 10_000),
    "ltvUp": _ltv_up,
    "toAssetsDown": lambda s, ta, ts: _mdd(s, ta + 1, ts + 10**6),
    "toAssetsUp": lambda s, ta, ts: _mdu(s, ta + 1, ts + 10**6),
    "toSharesDown": lambda a, ta, ts: _mdd(a, ts + 10**6, ta + 1),
    "toSharesUp": lambda a, ta, ts: _mdu(a, ts + 10**6, ta + 1),
}
CONSTANTS = {
    "WAD": WAD,
    "RAY": RAY,
    "WAD_TO_RAY": 10**9,
    "BPS": 10_000,
    "VIRTUAL_SHARES": 10**6,
    "VIRTUAL_ASSETS": 1,
}
# Parameters that are divisors (or scales) must be positive, as in the Solidity they model.
DIVISORS = {
    "mulDivDown": {2},
    "mulDivUp": {2},
    "divUp": {1},
    "wadDivDown": {1},
    "wadDivUp": {1},
    "rayDivDown": {1},
    "rayDivUp": {1},
    "roundsDown": {3},
    "roundsUp": {3},
    "collateralValue": {2},
    "maxDebt": {2},
    "healthyScaled": {2},
}
EMPTY = contract("Lib", [var("owner", ADDR, 0)], [])
LIB_SPEC = """
import "std/fixedpoint.spec";
import "std/health.spec";
spec Lib { }
"""


@pytest.fixture(scope="module")
def lib_defs() -> dict[str, typed.Def]:
    return {d.name: d for d in check(LIB_SPEC, EMPTY).defs}


def call_def(d: typed.Def, args: tuple[int, ...]) -> Value:
    frame = ConcreteFrame(
        DictState(EMPTY), bindings={p.name: a for p, a in zip(d.params, args, strict=True)}
    )
    return evaluate(d.body, frame)


def test_every_library_file_is_covered_here() -> None:
    assert library_files() == [
        "erc20.spec",
        "erc4626.spec",
        "escrow.spec",
        "fixedpoint.spec",
        "health.spec",
    ]


def test_every_library_def_has_a_reference(lib_defs: dict[str, typed.Def]) -> None:
    assert set(lib_defs) == set(REFERENCE) | set(CONSTANTS)


@pytest.mark.parametrize(("name", "value"), sorted(CONSTANTS.items()))
def test_constants(lib_defs: dict[str, typed.Def], name: str, value: int) -> None:
    assert call_def(lib_defs[name], ()) == value


OPERAND = st.one_of(
    st.integers(0, 10),
    st.integers(0, 10**30),
    st.sampled_from([WAD - 1, WAD, WAD + 1, RAY, 2**128, 2**256 - 1]),
)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_def_matches_reference(
    lib_defs: dict[str, typed.Def], name: str, data: st.DataObject
) -> None:
    d = lib_defs[name]
    positive = DIVISORS.get(name, set())
    args = tuple(
        data.draw(OPERAND.filter(lambda v: v > 0) if i in positive else OPERAND, label=p.name)
        for i, p in enumerate(d.params)
    )
    assert call_def(d, args) == REFERENCE[name](*args)


@settings(max_examples=200, deadline=None)
@given(x=OPERAND, y=OPERAND, d=OPERAND.filter(lambda v: v > 0))
def test_rounding_brackets_the_exact_product(
    lib_defs: dict[str, typed.Def], x: int, y: int, d: int
) -> None:
    down = call_def(lib_defs["mulDivDown"], (x, y, d))
    up = call_def(lib_defs["mulDivUp"], (x, y, d))
    assert isinstance(down, int) and isinstance(up, int)
    assert down * d <= x * y <= up * d
    assert up - down == (0 if x * y % d == 0 else 1)


@settings(max_examples=200, deadline=None)
@given(c=OPERAND, p=OPERAND, lltv=st.integers(0, WAD), debt=OPERAND)
def test_healthy_rounds_against_the_user(
    lib_defs: dict[str, typed.Def], c: int, p: int, lltv: int, debt: int
) -> None:
    """Healthy by the spec ⇒ healthy in exact arithmetic: rounding never helps the borrower."""
    if call_def(lib_defs["healthy"], (c, p, lltv, debt)):
        assert debt * WAD * WAD <= c * p * lltv


def test_library_defs_may_share_names_with_state_variables() -> None:
    """health.spec's parameters (`collateral`, `price`, `debt`) must not clash with a contract."""
    market = contract(
        "Market",
        [
            var("collateral", U256, 0),
            var("price", U256, 1),
            var("debt", U256, 2),
            var("lltv", U256, 3),
        ],
        [],
    )
    spec = check(
        'import "std/health.spec";\n'
        "spec Market { invariant h: healthy(collateral, price, lltv, debt); }",
        market,
    )
    (inv,) = spec.invariants
    state = DictState(market).put("collateral", 10).put("price", 2 * WAD).put("lltv", WAD // 2)
    assert holds(inv, state.put("debt", 10))
    assert not holds(inv, state.put("debt", 11))
    # The lint still applies to the spec's own defs.
    with pytest.raises(SpecError, match="hides state variable `price`"):
        check("spec Market { def f(mathint price) -> mathint = price; }", market)


# ── escrow groups ────────────────────────────────────────────────────────────────────────

ESCROW = contract(
    "Escrow",
    [var("total", U256, 0), var("deposits", MappingType(ADDR, U256), 1)],
    [fn("withdraw", [("amount", U256)]), fn("deposit", [], [], "payable")],
)
ESCROW_SPEC = """
import "std/escrow.spec";
spec Escrow {
    use EscrowSolvency;
    use EscrowAccounting;
    use EscrowNoThirdPartyLoss;
    def held -> mathint = balance(this);
    def claims -> mathint = sum(deposits);
    def recorded -> mathint = total;
    def owed -> mathint = sum(deposits);
    def claimOf(address u) -> mathint = deposits[u];
}
"""


def escrow_state(deposits: dict[int, int], total: int, held: int) -> DictState:
    s = DictState(ESCROW, balances={THIS: held}).put("total", total)
    for u, amount in deposits.items():
        s.put("deposits", amount, u)
    return s


def test_escrow_groups() -> None:
    spec = check(ESCROW_SPEC, ESCROW)
    solvent, totals = (spec.invariant("solvent"), spec.invariant("totals_match"))
    assert solvent is not None and totals is not None
    good = escrow_state({ALICE: 3, BOB: 4}, total=7, held=7)
    assert holds(solvent, good) and holds(totals, good)
    assert not holds(solvent, escrow_state({ALICE: 3, BOB: 4}, total=7, held=6))
    assert not holds(totals, escrow_state({ALICE: 3, BOB: 4}, total=8, held=9))

    (loss,) = spec.rules
    assert loss.name == "escrow_no_third_party_loss"
    pre = escrow_state({ALICE: 3, BOB: 4}, 7, 7)
    assert all(rule_outcome(loss, pre, escrow_state({ALICE: 1, BOB: 4}, 5, 5), {"u": BOB}))
    assert not all(rule_outcome(loss, pre, escrow_state({ALICE: 3, BOB: 2}, 5, 5), {"u": BOB}))


# ── ERC-20 ───────────────────────────────────────────────────────────────────────────────

TOKEN = contract(
    "Token",
    [var("totalSupply", U256, 0), var("balanceOf", MappingType(ADDR, U256), 1)],
    [
        fn("transfer", [("to", ADDR), ("amount", U256)], [BOOL]),
        fn("transferFrom", [("from", ADDR), ("to", ADDR), ("amount", U256)], [BOOL]),
    ],
)
ERC20_SPEC = """
import "std/erc20.spec";
spec Token {
    use ERC20;
    def erc20Balance(address a) -> mathint = balanceOf[a];
    def erc20Supply -> mathint = totalSupply;
}
"""


def token(balances: dict[int, int], supply: int | None = None) -> DictState:
    s = DictState(TOKEN).put("totalSupply", sum(balances.values()) if supply is None else supply)
    for u, b in balances.items():
        s.put("balanceOf", b, u)
    return s


def test_erc20_supply_is_sum() -> None:
    spec = check(ERC20_SPEC, TOKEN)
    inv = spec.invariant("erc20_supply_is_sum")
    assert inv is not None
    assert holds(inv, token({ALICE: 5, BOB: 6}))
    assert not holds(inv, token({ALICE: 5, BOB: 6}, supply=12))


@pytest.mark.parametrize(
    ("to", "after", "ok"),
    [
        (BOB, {ALICE: 7, BOB: 3}, True),  # moves exactly 3
        (BOB, {ALICE: 7, BOB: 4}, False),  # credits more than it debits
        (BOB, {ALICE: 8, BOB: 3}, False),  # debits less
        (BOB, {ALICE: 7, BOB: 3, CAROL: 1}, False),  # a bystander changes
        (ALICE, {ALICE: 10}, True),  # self-transfer changes nothing
        (ALICE, {ALICE: 13}, False),  # the Compound-III-style self-transfer mint
    ],
)
def test_erc20_transfer_moves_exactly(to: int, after: dict[int, int], ok: bool) -> None:
    spec = check(ERC20_SPEC, TOKEN)
    rule = next(r for r in spec.rules if r.name == "erc20_transfer_moves_exactly")
    pre = token({ALICE: 10})
    post = token(after, supply=10)
    outcome = rule_outcome(rule, pre, post, {"to": to, "amount": 3, "other": CAROL})
    assert all(outcome) is ok


@pytest.mark.parametrize(
    ("src", "to", "after", "ok"),
    [
        (BOB, CAROL, {BOB: 6, CAROL: 4}, True),
        (BOB, CAROL, {BOB: 6, CAROL: 5}, False),
        (BOB, BOB, {BOB: 10}, True),
        (BOB, BOB, {BOB: 14}, False),
    ],
)
def test_erc20_transfer_from_moves_exactly(
    src: int, to: int, after: dict[int, int], ok: bool
) -> None:
    spec = check(ERC20_SPEC, TOKEN)
    rule = next(r for r in spec.rules if r.name == "erc20_transfer_from_moves_exactly")
    outcome = rule_outcome(
        rule,
        token({BOB: 10}),
        token(after, supply=10),
        {"from": src, "to": to, "amount": 4, "other": ALICE},
    )
    assert all(outcome) is ok


# ── ERC-4626 ─────────────────────────────────────────────────────────────────────────────

VAULT = contract(
    "Vault",
    [var("totalSupply", U256, 0), var("managed", U256, 1)],
    [
        fn("deposit", [("assets", U256), ("receiver", ADDR)], [U256]),
        fn("mint", [("shares", U256), ("receiver", ADDR)], [U256]),
        fn("withdraw", [("assets", U256), ("receiver", ADDR), ("holder", ADDR)], [U256]),
        fn("redeem", [("shares", U256), ("receiver", ADDR), ("holder", ADDR)], [U256]),
        fn("totalAssets", [], [U256], "view"),
        fn("convertToAssets", [("shares", U256)], [U256], "view"),
    ],
)
VAULT_SPEC = """
import "std/erc4626.spec";
spec Vault {
    use ERC4626;
    def vaultAssets -> mathint = totalAssets();
    def vaultSupply -> mathint = totalSupply;
    def virtualShares -> mathint = 1000;
    def virtualAssets -> mathint = 1;
    def convertedAssets(mathint shares) -> mathint = convertToAssets(uint256(shares));
}
"""


def vault(supply: int, assets: int, virtual: bool = True) -> DictState:
    """A vault whose convertToAssets uses the virtual offsets, or (a bug) maps shares 1:1."""
    s = DictState(VAULT).put("totalSupply", supply).put("managed", assets)
    s.views["totalAssets()"] = lambda: assets
    s.views["convertToAssets(uint256)"] = (
        (lambda x: x * (assets + 1) // (supply + 1000)) if virtual else (lambda x: x)
    )
    return s


def test_erc4626_solvent() -> None:
    inv = check(VAULT_SPEC, VAULT).invariant("erc4626_solvent")
    assert inv is not None
    assert holds(inv, vault(supply=1000, assets=1000))
    assert holds(inv, vault(supply=10**9, assets=0))
    assert holds(inv, vault(supply=0, assets=0, virtual=False))
    # shares left after the assets went: a 1:1 conversion promises what the vault lacks
    assert not holds(inv, vault(supply=1000, assets=999, virtual=False))


S0, A0 = 5_000, 7_001  # S + 1000 = 6000, A + 1 = 7002: no conversion below is exact


@pytest.mark.parametrize(
    ("rule_name", "args", "result", "ok"),
    [
        ("erc4626_deposit_rounds_down", {"assets": 10, "receiver": BOB}, {"shares": 8}, True),
        ("erc4626_deposit_rounds_down", {"assets": 10, "receiver": BOB}, {"shares": 9}, False),
        ("erc4626_mint_rounds_up", {"shares": 10, "receiver": BOB}, {"assets": 12}, True),
        ("erc4626_mint_rounds_up", {"shares": 10, "receiver": BOB}, {"assets": 11}, False),
        (
            "erc4626_withdraw_rounds_up",
            {"assets": 10, "receiver": BOB, "holder": BOB},
            {"shares": 9},
            True,
        ),
        (
            "erc4626_withdraw_rounds_up",
            {"assets": 10, "receiver": BOB, "holder": BOB},
            {"shares": 8},
            False,
        ),
        (
            "erc4626_redeem_rounds_down",
            {"shares": 10, "receiver": BOB, "holder": BOB},
            {"assets": 11},
            True,
        ),
        (
            "erc4626_redeem_rounds_down",
            {"shares": 10, "receiver": BOB, "holder": BOB},
            {"assets": 12},
            False,
        ),
        ("erc4626_no_free_shares", {"assets": 10, "receiver": BOB}, {"shares": 8}, True),
        ("erc4626_no_free_shares", {"assets": 10, "receiver": BOB}, {"shares": 9}, False),
    ],
)
def test_erc4626_conversions_favour_the_vault(
    rule_name: str, args: dict[str, int], result: dict[str, int], ok: bool
) -> None:
    # 10 * 6000 / 7002 = 8.57 and 10 * 7002 / 6000 = 11.67
    spec = check(VAULT_SPEC, VAULT)
    rule = next(r for r in spec.rules if r.name == rule_name)
    pre = vault(S0, A0)
    post = vault(S0, A0)  # these rules read only the pre-state and the result
    if rule_name == "erc4626_no_free_shares":
        post = vault(S0 + result["shares"], A0 + args["assets"])
    assert all(rule_outcome(rule, pre, post, args, result)) is ok


@pytest.mark.parametrize(
    ("supply", "assets", "ok"),
    [
        (S0 + 8, A0 + 10, True),  # a deposit rounded down: the price rises a little
        (S0 + 9, A0 + 10, False),  # rounded up: the price falls
        (S0 - 9, A0 - 10, True),  # a withdraw rounded up
        (S0 - 8, A0 - 10, False),  # rounded down
    ],
)
def test_erc4626_share_price_non_decreasing(supply: int, assets: int, ok: bool) -> None:
    spec = check(VAULT_SPEC, VAULT)
    rule = next(r for r in spec.rules if r.name == "erc4626_share_price_non_decreasing")
    assert all(rule_outcome(rule, vault(S0, A0), vault(supply, assets), {})) is ok
