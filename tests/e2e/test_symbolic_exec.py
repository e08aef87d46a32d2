"""The symbolic executor on small contracts: real solc-js, real Slither, real Z3.

Each test fixes part of the pre-state and the call by equalities and asks Z3 for concrete
facts about the Transition: post values, when the call succeeds or reverts, which loops
were cut, what is unsupported and which assumptions were recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from solvency.analyzers.symbolic import (
    EncodeOptions,
    Transition,
    encode_constructor,
    encode_function,
)
from solvency.build import BuildOptions
from solvency.ir import load
from solvency.ir.model import Contract
from solvency.smt import terms as zt
from solvency.smt.solver import Session, Verdict
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.smt.terms import Term

BANK = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;
interface IToken { function transfer(address to, uint256 a) external returns (bool); }
contract Bank {
    mapping(address => uint256) public balances;
    uint256 public total;
    uint256[] public items;
    address public owner;
    struct Pos { uint128 collateral; uint128 debt; }
    mapping(address => Pos) public pos;
    error TooBig(uint256 x);
    constructor() { owner = msg.sender; total = 5; }
    modifier onlyOwner() { require(msg.sender == owner, "owner"); _; }
    function deposit() external payable { balances[msg.sender] += msg.value; total += msg.value; }
    function withdraw(uint256 amount) external {
        require(balances[msg.sender] >= amount, "low");
        balances[msg.sender] -= amount;
        total -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "send");
    }
    function add(uint256 a, uint256 b) external pure returns (uint256) { return a + b; }
    function addUnchecked(uint256 a, uint256 b) external pure returns (uint256) {
        unchecked { return a + b; }
    }
    function sumItems() external view returns (uint256 s) {
        for (uint256 i = 0; i < items.length; i++) { s += items[i]; }
    }
    function push(uint256 x) external onlyOwner { items.push(x); }
    function wipe() external { delete items; }
    function borrow(uint128 amount) external {
        Pos storage p = pos[msg.sender];
        p.debt += amount;
        require(p.debt <= p.collateral, "unsafe");
    }
    function peek() external view returns (uint256 r) { assembly { r := sload(0) } }
    function checkAssert(uint256 x) external pure { assert(x != 7); }
    function div(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function custom(uint256 x) external pure returns (uint256) {
        if (x > 10) revert TooBig(x);
        return x + 1;
    }
    function callToken(address token, address to) external {
        IToken(token).transfer(to, 1);
        total += 1;
    }
    function mulDiv(uint256 a, uint256 b, uint256 c) external pure returns (uint256) {
        return a * b / c;
    }
    function widen(uint256 x) external pure returns (uint256) {
        return x == 0 ? 0 : type(uint128).max / x;
    }
    function narrow(uint256 x) external pure returns (uint8) { return uint8(x); }
    function signedDiv(int256 a, int256 b) external pure returns (int256) { return a / b; }
    function dc(address t, bytes calldata d) external {
        (bool ok, ) = t.delegatecall(d);
        require(ok);
    }
}
"""

LANG = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;
library Math { function min(uint a, uint b) internal pure returns (uint) { return a < b ? a : b; } }
contract Lang {
    using Math for uint256;
    struct Acct { uint256 bal; uint64 since; bool frozen; }
    mapping(address => mapping(uint256 => uint256)) public nested;
    mapping(address => Acct) public accts;
    Acct[] public list;
    uint256 public counter;
    uint256 public immutable cap;
    uint256 public constant WAD = 1e18;
    enum State { Open, Closed }
    State public state;
    constructor(uint256 c) { cap = c; }
    modifier counted() { counter += 1; _; counter += 10; }
    modifier early(uint x) { if (x == 0) return; _; }
    function pair(uint a) internal pure returns (uint, uint) { return (a + 1, a + 2); }
    function acct(address u) internal view returns (Acct storage a) { a = accts[u]; }
    function f1(uint a) external counted returns (uint r) { (uint x, uint y) = pair(a); r = x * y; }
    function f2(address u, uint v) external {
        Acct storage a = acct(u); a.bal += v; a.since = uint64(block.timestamp);
    }
    function f3(uint k, uint v) external { nested[msg.sender][k] = v + WAD; }
    function f4(uint n) external returns (uint s) {
        uint i = 0;
        while (true) { if (i >= n) break; i++; if (i == 2) continue; s += i; }
        counter = s;
    }
    function f5(uint a, uint b) external pure returns (uint) { return a.min(b); }
    function f6(uint x) external early(x) counted { counter += x; }
    function f7(uint b) external {
        list.push(Acct(b, 1, false));
        Acct memory m = list[list.length - 1]; m.bal += 1; counter = m.bal;
    }
    function f8() external { state = State.Closed; counter = cap; }
    function f9(uint x) external returns (uint) { if (x > 5) { return 1; } counter = x; return 2; }
    function f10(int8 a) external pure returns (int16) { return int16(a) * 2; }
    function f11(Acct memory m) external { bump(m); counter = m.bal; }
    function bump(Acct memory m) internal pure { m.bal += 5; }
    function f16(uint n) external {
        uint t;
        for (uint i = 0; i < n; i++) { uint z; z += i; t += z; }
        counter = t;
    }
    function f17(uint i, uint j) external {
        (list[i].bal, list[j].bal) = (list[j].bal, list[i].bal);
        (counter, i) = (i, counter);
    }
    function fact(uint n) internal pure returns (uint) { return n <= 1 ? 1 : n * fact(n - 1); }
    function f18(uint n) external pure returns (uint) { return fact(n); }
    function f12(uint x) external { do { x--; counter += 1; } while (x > 0); }
    function f13(uint a, uint b, uint c, uint d) external {
        if (b != 0 && a / b > 1 && c / d > 0) { counter = 1; } else { counter = 2; }
    }
    function f14(uint a, uint b) external { require(b == 0 || a / b > 1); counter = 3; }
    function ratio(uint a, uint b) internal pure returns (uint) { return a / b; }
    function f15(uint a, uint b) external { require(b == 0 || ratio(a, b) > 1); counter = 4; }
}
"""

OLD = """// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
contract Old {
    uint256 public total;
    function add(uint256 a, uint256 b) external pure returns (uint256) { return a + b; }
    function bump(uint256 a) external { total = total + a; }
}
"""

U256 = zt.bv_sort(256)
ADDR = zt.bv_sort(160)
MAX = (1 << 256) - 1


def _load(tmp: Path, name: str, source: str, cache: Path) -> Contract:
    folder = tmp / name
    folder.mkdir()
    (folder / f"{name}.sol").write_text(source)
    project = load(folder, BuildOptions(cache_dir=cache))
    contract = project.model.contract(name)
    assert contract is not None
    return contract


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> Contract:
    return _load(tmp_path_factory.mktemp("bank"), "Bank", BANK, solcjs_cache)


@pytest.fixture(scope="module")
def lang(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> Contract:
    return _load(tmp_path_factory.mktemp("lang"), "Lang", LANG, solcjs_cache)


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> Contract:
    return _load(tmp_path_factory.mktemp("old"), "Old", OLD, solcjs_cache)


def _encode(contract: Contract, name: str, bound: int = 3) -> Transition:
    (function,) = contract.function(name)
    pre = SymbolicState("pre")
    return encode_function(contract, function, pre, SymbolicEnv.fresh("env"), EncodeOptions(bound))


def _check(t: Transition, *facts: Term) -> Verdict:
    s = Session()
    s.add(*t.constraints, *facts)
    return s.check().verdict


def _u(v: int) -> Term:
    return zt.value(v, U256)


def _no_value(t: Transition) -> Term:
    return zt.eq(t.env.value, _u(0))


def test_withdraw_post_balance_and_success(bank: Contract) -> None:
    t = _encode(bank, "withdraw")
    sender = t.env.sender
    before = t.pre.read("balances[]", [sender], U256)
    after = t.post.read("balances[]", [sender], U256)
    fixed = [zt.eq(before, _u(100)), zt.eq(t.pre.read("total", [], U256), _u(100)), _no_value(t)]
    amount = t.args["amount"]
    # 30 out of 100: whenever it succeeds the balance is 70, and it can succeed.
    assert (
        _check(t, *fixed, zt.eq(amount, _u(30)), t.success, zt.not_(zt.eq(after, _u(70))))
        is Verdict.UNSAT
    )
    assert _check(t, *fixed, zt.eq(amount, _u(30)), t.success) is Verdict.SAT
    assert (
        _check(
            t,
            *fixed,
            zt.eq(amount, _u(30)),
            t.success,
            zt.eq(t.post.read("total", [], U256), _u(70)),
        )
        is Verdict.SAT
    )
    # More than the balance: the require makes every path revert.
    assert _check(t, *fixed, zt.eq(amount, _u(101)), t.success) is Verdict.UNSAT
    assert _check(t, *fixed, zt.eq(amount, _u(101)), zt.not_(t.reverts)) is Verdict.UNSAT
    # The low-level call can fail, and then the call reverts (require(ok)).
    assert _check(t, *fixed, zt.eq(amount, _u(30)), t.reverts) is Verdict.SAT


def test_withdraw_records_reentrancy_assumption_at_the_call_line(bank: Contract) -> None:
    t = _encode(bank, "withdraw")
    kinds = [a for a in t.assumptions if a.kind == "no-reentrancy"]
    assert len(kinds) == 1
    line = BANK.splitlines().index(next(x for x in BANK.splitlines() if "msg.sender.call" in x)) + 1
    assert kinds[0].description == f"no reentrancy through the call at Bank.sol:{line}"
    assert kinds[0].location is not None and kinds[0].location.start_line == line
    assert not t.unsupported and t.loop_bound_hit is None


def test_high_level_call_returns_arbitrary_and_records_assumptions(bank: Contract) -> None:
    t = _encode(bank, "callToken")
    assert {a.kind for a in t.assumptions} == {"no-reentrancy", "external-return"}
    total = t.pre.read("total", [], U256)
    post = t.post.read("total", [], U256)
    assert _check(t, zt.eq(total, _u(1)), t.success, zt.not_(zt.eq(post, _u(2)))) is Verdict.UNSAT
    assert _check(t, zt.eq(total, _u(1)), t.success) is Verdict.SAT
    assert (
        _check(t, zt.eq(total, _u(1)), t.reverts, _no_value(t)) is Verdict.SAT
    )  # callee may revert


def test_require_fails_exactly_when_its_condition_is_false(bank: Contract) -> None:
    t = _encode(bank, "custom")
    x = t.args["x"]
    small = zt.lt(x, _u(11), False)
    assert _check(t, _no_value(t), zt.not_(zt.eq(t.success, small))) is Verdict.UNSAT
    assert _check(t, _no_value(t), zt.not_(zt.eq(t.reverts, zt.not_(small)))) is Verdict.UNSAT
    (ret,) = t.returns
    assert _check(t, _no_value(t), t.success, zt.not_(zt.eq(ret, x + 1))) is Verdict.UNSAT


def test_non_payable_reverts_with_value(bank: Contract) -> None:
    t = _encode(bank, "custom")
    assert _check(t, zt.eq(t.env.value, _u(1)), t.success) is Verdict.UNSAT


def test_checked_overflow_reverts_in_0_8_and_unchecked_wraps(bank: Contract) -> None:
    t = _encode(bank, "add")
    a, b = t.args["a"], t.args["b"]
    fix = [_no_value(t), zt.eq(a, _u(MAX)), zt.eq(b, _u(1))]
    assert _check(t, *fix, t.success) is Verdict.UNSAT
    assert _check(t, *fix, t.reverts) is Verdict.SAT
    u = _encode(bank, "addUnchecked")
    fix = [_no_value(u), zt.eq(u.args["a"], _u(MAX)), zt.eq(u.args["b"], _u(1))]
    (ret,) = u.returns
    assert _check(u, *fix, zt.not_(u.success)) is Verdict.UNSAT
    assert _check(u, *fix, zt.not_(zt.eq(ret, _u(0)))) is Verdict.UNSAT


def test_overflow_wraps_in_0_7(old: Contract) -> None:
    t = _encode(old, "add")
    fix = [_no_value(t), zt.eq(t.args["a"], _u(MAX)), zt.eq(t.args["b"], _u(2))]
    (ret,) = t.returns
    assert _check(t, *fix, zt.not_(t.success)) is Verdict.UNSAT
    assert _check(t, *fix, zt.not_(zt.eq(ret, _u(1)))) is Verdict.UNSAT
    u = _encode(old, "bump")
    total = u.pre.read("total", [], U256)
    fix = [_no_value(u), zt.eq(total, _u(MAX)), zt.eq(u.args["a"], _u(3))]
    assert _check(u, *fix, zt.not_(zt.eq(u.post.read("total", [], U256), _u(2)))) is Verdict.UNSAT


def test_division_by_zero_reverts_and_signed_min_by_minus_one(bank: Contract) -> None:
    t = _encode(bank, "div")
    assert _check(t, zt.eq(t.args["b"], _u(0)), t.success) is Verdict.UNSAT
    (ret,) = t.returns
    fix = [_no_value(t), zt.eq(t.args["a"], _u(7)), zt.eq(t.args["b"], _u(2))]
    assert _check(t, *fix, zt.not_(zt.eq(ret, _u(3)))) is Verdict.UNSAT
    s = _encode(bank, "signedDiv")
    fix = [_no_value(s), zt.eq(s.args["a"], _u(1 << 255)), zt.eq(s.args["b"], _u(MAX))]
    assert _check(s, *fix, s.success) is Verdict.UNSAT


def test_truncating_cast(bank: Contract) -> None:
    t = _encode(bank, "narrow")
    (ret,) = t.returns
    fix = [_no_value(t), zt.eq(t.args["x"], _u(0x1FF))]
    assert _check(t, *fix, zt.not_(zt.eq(ret, zt.value(0xFF, zt.bv_sort(8))))) is Verdict.UNSAT


def test_loop_over_dynamic_array_is_cut_at_the_bound(bank: Contract) -> None:
    t = _encode(bank, "sumItems", bound=3)
    assert t.loop_bound_hit == 3
    length = t.pre.read("items.length", [], U256)
    items = [t.pre.read("items[]", [_u(i)], U256) for i in range(2)]
    (ret,) = t.returns
    fix = [_no_value(t), zt.eq(length, _u(2)), zt.eq(items[0], _u(5)), zt.eq(items[1], _u(6))]
    assert _check(t, *fix, zt.not_(t.success)) is Verdict.UNSAT
    assert _check(t, *fix, zt.not_(zt.eq(ret, _u(11)))) is Verdict.UNSAT
    # Four items need a fourth iteration: that path is cut, neither success nor revert
    # (small items, so no overflow revert happens in the iterations that did run).
    small = [zt.eq(t.pre.read("items[]", [_u(i)], U256), _u(1)) for i in range(4)]
    four = [_no_value(t), zt.eq(length, _u(4)), *small]
    assert _check(t, *four, zt.or_(t.success, t.reverts)) is Verdict.UNSAT
    assert _check(t, *four) is Verdict.SAT


def test_modifier_guards_and_push_appends(bank: Contract) -> None:
    t = _encode(bank, "push")
    owner = t.pre.read("owner", [], ADDR)
    length = t.pre.read("items.length", [], U256)
    assert _check(t, zt.not_(zt.eq(owner, t.env.sender)), t.success) is Verdict.UNSAT
    fix = [_no_value(t), zt.eq(owner, t.env.sender), zt.eq(length, _u(4))]
    assert _check(t, *fix, zt.not_(t.success)) is Verdict.UNSAT
    post_len = t.post.read("items.length", [], U256)
    post_item = t.post.read("items[]", [_u(4)], U256)
    assert (
        _check(t, *fix, zt.not_(zt.and_(zt.eq(post_len, _u(5)), zt.eq(post_item, t.args["x"]))))
        is Verdict.UNSAT
    )
    assert [w.keys for w in t.writes["items.length"]] == [()]


def test_struct_field_through_storage_pointer(bank: Contract) -> None:
    t = _encode(bank, "borrow")
    u128 = zt.bv_sort(128)
    s = t.env.sender
    debt, coll = t.pre.read("pos[].debt", [s], u128), t.pre.read("pos[].collateral", [s], u128)
    post_debt = t.post.read("pos[].debt", [s], u128)
    fix = [_no_value(t), zt.eq(debt, zt.value(10, u128)), zt.eq(coll, zt.value(50, u128))]
    amt = t.args["amount"]
    assert (
        _check(
            t, *fix, zt.eq(amt, zt.value(40, u128)), zt.not_(zt.eq(post_debt, zt.value(50, u128)))
        )
        is Verdict.UNSAT
    )
    assert _check(t, *fix, zt.eq(amt, zt.value(41, u128)), t.success) is Verdict.UNSAT


def test_payable_credits_this_balance(bank: Contract) -> None:
    t = _encode(bank, "deposit")
    this = t.pre.this
    fix = [
        zt.eq(t.pre.balance(this), _u(10)),
        zt.eq(t.env.value, _u(5)),
        zt.not_(zt.eq(t.env.sender, this)),
    ]
    assert _check(t, *fix, t.success, zt.not_(zt.eq(t.post.balance(this), _u(15)))) is Verdict.UNSAT
    assert _check(t, *fix, t.success) is Verdict.SAT


def test_assert_is_reported_with_its_location(bank: Contract) -> None:
    t = _encode(bank, "checkAssert")
    ((cond, loc),) = t.asserts
    assert loc is not None and "assert(x != 7)" in BANK.splitlines()[loc.start_line - 1]
    x = t.args["x"]
    assert _check(t, cond, zt.not_(zt.eq(x, _u(7)))) is Verdict.UNSAT
    assert _check(t, cond) is Verdict.SAT


def test_inline_assembly_is_unsupported_with_a_location(bank: Contract) -> None:
    t = _encode(bank, "peek")
    whats = [(u.what, u.location) for u in t.unsupported]
    assert any(
        w == "inline assembly" and loc is not None and loc.start_line > 0 for w, loc in whats
    )


def test_constructor_sets_owner_and_total(bank: Contract) -> None:
    pre = SymbolicState("pre")
    t = encode_constructor(bank, pre, SymbolicEnv.fresh("env"))
    zero = [zt.eq(pre.read("total", [], U256), _u(0))]
    post_owner = t.post.read("owner", [], ADDR)
    assert _check(t, *zero, t.success, zt.not_(zt.eq(post_owner, t.env.sender))) is Verdict.UNSAT
    assert (
        _check(t, *zero, t.success, zt.not_(zt.eq(t.post.read("total", [], U256), _u(5))))
        is Verdict.UNSAT
    )
    assert not t.unsupported


def _proves(t: Transition, facts: Sequence[Term], claim: Term) -> bool:
    """Under `facts`, the call can succeed and every successful run satisfies `claim`."""
    base = [_no_value(t), *facts, t.success]
    return _check(t, *base) is Verdict.SAT and _check(t, *base, zt.not_(claim)) is Verdict.UNSAT


def _st(t: Transition, path: str, keys: Sequence[Term] = (), bits: int = 256) -> Term:
    return t.post.read(path, list(keys), zt.bv_sort(bits))


def _pre(t: Transition, path: str, keys: Sequence[Term] = (), bits: int = 256) -> Term:
    return t.pre.read(path, list(keys), zt.bv_sort(bits))


def test_modifier_code_around_placeholder_and_tuple_returns(lang: Contract) -> None:
    t = _encode(lang, "f1")
    facts = [zt.eq(t.args["a"], _u(3)), zt.eq(_pre(t, "counter"), _u(0))]
    assert _proves(t, facts, zt.and_(zt.eq(t.returns[0], _u(20)), zt.eq(_st(t, "counter"), _u(11))))


def test_modifier_early_return_skips_the_body(lang: Contract) -> None:
    t = _encode(lang, "f6")
    zero = [zt.eq(t.args["x"], _u(0)), zt.eq(_pre(t, "counter"), _u(0))]
    assert _proves(t, zero, zt.eq(_st(t, "counter"), _u(0)))
    four = [zt.eq(t.args["x"], _u(4)), zt.eq(_pre(t, "counter"), _u(0))]
    assert _proves(t, four, zt.eq(_st(t, "counter"), _u(15)))


def test_storage_pointer_returned_by_internal_function(lang: Contract) -> None:
    t = _encode(lang, "f2")
    who = t.args["u"]
    facts = [zt.eq(_pre(t, "accts[].bal", [who]), _u(5)), zt.eq(t.args["v"], _u(7))]
    claim = zt.and_(
        zt.eq(_st(t, "accts[].bal", [who]), _u(12)),
        zt.eq(_st(t, "accts[].since", [who], 64), zt.resize(t.env.timestamp, 64, False)),
    )
    assert _proves(t, facts, claim)


def test_nested_mapping_and_folded_constant(lang: Contract) -> None:
    t = _encode(lang, "f3")
    facts = [zt.eq(t.args["k"], _u(9)), zt.eq(t.args["v"], _u(1))]
    assert _proves(t, facts, zt.eq(_st(t, "nested[][]", [t.env.sender, _u(9)]), _u(10**18 + 1)))


def test_while_loop_with_break_and_continue(lang: Contract) -> None:
    t = _encode(lang, "f4")
    assert t.loop_bound_hit == 3
    assert _proves(t, [zt.eq(t.args["n"], _u(2))], zt.eq(t.returns[0], _u(1)))
    # n = 3 needs a fourth pass through the header: cut, so it never succeeds here.
    assert _check(t, _no_value(t), zt.eq(t.args["n"], _u(3)), t.success) is Verdict.UNSAT


def test_do_while_and_underflow(lang: Contract) -> None:
    t = _encode(lang, "f12")
    assert _proves(
        t,
        [zt.eq(t.args["x"], _u(2)), zt.eq(_pre(t, "counter"), _u(0))],
        zt.eq(_st(t, "counter"), _u(2)),
    )
    assert _check(t, _no_value(t), zt.eq(t.args["x"], _u(0)), t.success) is Verdict.UNSAT


def test_library_call_and_ternary(lang: Contract) -> None:
    t = _encode(lang, "f5")
    assert _proves(
        t, [zt.eq(t.args["a"], _u(3)), zt.eq(t.args["b"], _u(2))], zt.eq(t.returns[0], _u(2))
    )


def test_struct_push_memory_copy_and_memory_argument(lang: Contract) -> None:
    t = _encode(lang, "f7")
    facts = [zt.eq(t.args["b"], _u(4)), zt.eq(_pre(t, "list.length"), _u(2))]
    claim = zt.and_(
        zt.eq(_st(t, "counter"), _u(5)),
        zt.eq(_st(t, "list[].bal", [_u(2)]), _u(4)),
        zt.eq(_st(t, "list.length"), _u(3)),
    )
    assert _proves(t, facts, claim)
    m = _encode(lang, "f11")  # an internal function changes a memory struct the caller holds
    assert _proves(m, [zt.eq(m.args["m.bal"], _u(1))], zt.eq(_st(m, "counter"), _u(6)))


def test_enum_immutable_early_return_and_signed_widening(lang: Contract) -> None:
    t = _encode(lang, "f8")
    claim = zt.and_(
        zt.eq(_st(t, "state", bits=8), zt.value(1, zt.bv_sort(8))),
        zt.eq(_st(t, "counter"), t.pre.immutable("cap", U256)),
    )
    assert _proves(t, [], claim)
    r = _encode(lang, "f9")
    same = zt.eq(_st(r, "counter"), _pre(r, "counter"))
    assert _proves(r, [zt.eq(r.args["x"], _u(7))], zt.and_(zt.eq(r.returns[0], _u(1)), same))
    assert _proves(
        r,
        [zt.eq(r.args["x"], _u(3))],
        zt.and_(zt.eq(r.returns[0], _u(2)), zt.eq(_st(r, "counter"), _u(3))),
    )
    w = _encode(lang, "f10")
    i16 = zt.bv_sort(16)
    assert _proves(
        w,
        [zt.eq(w.args["a"], zt.value(-100, zt.bv_sort(8)))],
        zt.eq(w.returns[0], zt.value(-200, i16)),
    )


def test_constructor_fixes_immutables(lang: Contract) -> None:
    pre = SymbolicState("pre")
    t = encode_constructor(lang, pre, SymbolicEnv.fresh("env"))
    cap = pre.immutable("cap", U256)
    assert _check(t, t.success, zt.not_(zt.eq(cap, t.args["c"]))) is Verdict.UNSAT


def test_short_circuit_operands_do_not_revert_when_skipped(lang: Contract) -> None:
    t = _encode(lang, "f13")
    b0 = [zt.eq(t.args["b"], _u(0)), zt.eq(t.args["d"], _u(0))]
    assert _proves(t, b0, zt.eq(_st(t, "counter"), _u(2)))
    d0 = [zt.eq(t.args["a"], _u(9)), zt.eq(t.args["b"], _u(2)), zt.eq(t.args["d"], _u(0))]
    assert _check(t, _no_value(t), *d0, t.success) is Verdict.UNSAT  # c / 0 is evaluated
    h = _encode(lang, "f14")
    assert _proves(h, [zt.eq(h.args["b"], _u(0))], zt.eq(_st(h, "counter"), _u(3)))
    assert not t.unsupported and not h.unsupported
    c = _encode(lang, "f15")  # the same through an internal call
    assert _proves(c, [zt.eq(c.args["b"], _u(0))], zt.eq(_st(c, "counter"), _u(4)))
    bad = [zt.eq(c.args["a"], _u(1)), zt.eq(c.args["b"], _u(1))]
    assert _check(c, _no_value(c), *bad, c.success) is Verdict.UNSAT
    assert not c.unsupported


def test_delegatecall_is_unsupported(bank: Contract) -> None:
    t = _encode(bank, "dc")
    assert any("delegatecall" in u.what and u.location is not None for u in t.unsupported)


def test_nonlinear_abstraction_is_a_sound_over_approximation(bank: Contract) -> None:
    (fn,) = bank.function("mulDiv")
    exact = _encode(bank, "mulDiv")
    pre = SymbolicState("pre")
    loose = encode_function(
        bank, fn, pre, SymbolicEnv.fresh("env"), EncodeOptions(nonlinear="abstract")
    )
    assert not [a for a in exact.assumptions if a.kind == "over-approximation"]
    assert [a for a in loose.assumptions if a.kind == "over-approximation"]
    for t in (exact, loose):  # facts that hold of every real run hold of both encodings
        a, b, c = t.args["a"], t.args["b"], t.args["c"]
        (ret,) = t.returns
        assert _proves(t, [zt.eq(b, _u(0)), zt.eq(c, _u(3))], zt.eq(ret, _u(0)))
        assert _proves(t, [zt.eq(b, _u(1)), zt.eq(c, _u(1))], zt.eq(ret, a))
        assert _check(t, _no_value(t), zt.eq(c, _u(0)), t.success) is Verdict.UNSAT
        big = [zt.eq(a, _u(1 << 200)), zt.eq(b, _u(1 << 100)), zt.eq(c, _u(1))]
        assert _check(t, _no_value(t), *big, t.reverts) is Verdict.SAT
    # Only the exact encoding knows 6 * 7 / 4 == 10; the abstraction allows other values.
    six = [
        zt.eq(exact.args["a"], _u(6)),
        zt.eq(exact.args["b"], _u(7)),
        zt.eq(exact.args["c"], _u(4)),
    ]
    assert _proves(exact, six, zt.eq(exact.returns[0], _u(10)))
    six = [
        zt.eq(loose.args["a"], _u(6)),
        zt.eq(loose.args["b"], _u(7)),
        zt.eq(loose.args["c"], _u(4)),
    ]
    assert (
        _check(
            loose, _no_value(loose), *six, loose.success, zt.not_(zt.eq(loose.returns[0], _u(10)))
        )
        is Verdict.SAT
    )


def test_local_declared_without_initialiser_is_zero_each_iteration(lang: Contract) -> None:
    t = _encode(lang, "f16")
    assert _proves(t, [zt.eq(t.args["n"], _u(3))], zt.eq(_st(t, "counter"), _u(3)))


def test_delete_of_a_dynamic_array_zeroes_its_elements(bank: Contract) -> None:
    t = _encode(bank, "wipe")
    i = zt.const("i", U256)
    claim = zt.and_(zt.eq(_st(t, "items.length"), _u(0)), zt.eq(_st(t, "items[]", [i]), _u(0)))
    assert _proves(t, [zt.eq(_pre(t, "items[]", [i]), _u(5))], claim)
    assert [w.keys for w in t.writes["items[]"]] == [()]


def test_tuple_assignment_reads_every_right_hand_value_first(lang: Contract) -> None:
    t = _encode(lang, "f17")
    facts = [
        zt.eq(_pre(t, "list.length"), _u(5)),
        zt.eq(_pre(t, "list[].bal", [_u(1)]), _u(10)),
        zt.eq(_pre(t, "list[].bal", [_u(3)]), _u(30)),
        zt.eq(t.args["i"], _u(1)),
        zt.eq(t.args["j"], _u(3)),
    ]
    claim = zt.and_(
        zt.eq(_st(t, "list[].bal", [_u(1)]), _u(30)),
        zt.eq(_st(t, "list[].bal", [_u(3)]), _u(10)),
        zt.eq(_st(t, "counter"), _u(1)),
    )
    assert _proves(t, facts, claim)


def test_literal_typed_operands_widen_to_the_common_type(bank: Contract) -> None:
    t = _encode(bank, "widen")
    (ret,) = t.returns
    assert _proves(t, [zt.eq(t.args["x"], _u(1))], zt.eq(ret, _u((1 << 128) - 1)))
    assert _proves(t, [zt.eq(t.args["x"], _u(1 << 255))], zt.eq(ret, _u(0)))
    assert _proves(t, [zt.eq(t.args["x"], _u(0))], zt.eq(ret, _u(0)))
    assert not t.unsupported


def test_recursion_is_unrolled_to_the_bound(lang: Contract) -> None:
    t = _encode(lang, "f18", bound=3)
    assert t.loop_bound_hit == 3 and not t.unsupported
    assert _proves(t, [zt.eq(t.args["n"], _u(3))], zt.eq(t.returns[0], _u(6)))
    assert (
        _check(t, _no_value(t), zt.eq(t.args["n"], _u(4)), zt.or_(t.success, t.reverts))
        is Verdict.UNSAT
    )
