"""Valid specs over the hand-built models (`models.PROJECT`), shared by the spec tests.

Together they use every construct of the language; the checker, round-trip and mutation
tests all start from them.
"""

from __future__ import annotations

# The design note's first example, as written there (one parameter renamed: the model has
# a state variable `fee`, and a binding may not hide it).
ESCROW_NOTE = """\
import "std/fixedpoint.spec";

spec Escrow {                                   // binds to contract `Escrow` in the target
    // totals equal the sum of the parts
    invariant accounting: sum(collateral) == totalCollateral;

    // the contract can pay everyone back
    invariant solvent: balance(this) >= totalCollateral;

    // a user can only move their own collateral
    rule withdraw_moves_only_own(address other, uint256 amount) {
        call withdraw(amount);
        ensures collateral[msg.sender] == old(collateral[msg.sender]) - amount;
        ensures other != msg.sender => collateral[other] == old(collateral[other]);
    }

    // access control as a revert condition
    rule only_owner_sets_fee(uint256 newFee) {
        call setFee(newFee);
        reverts_unless msg.sender == owner;
    }

    /* nobody loses collateral through any function but their own calls */
    rule no_third_party_loss(address u) {
        call any except [liquidate];            // parametric: every external function
        requires msg.sender != u;
        ensures collateral[u] >= old(collateral[u]);
    }

    // reachability: it must be possible to withdraw everything
    satisfy can_exit { call withdraw(collateral[msg.sender]); ensures collateral[msg.sender] == 0; }
}
"""

# The design note's Morpho-shaped example, verbatim.
MARKET_NOTE = """\
import "std/fixedpoint.spec";

spec Market {
    def healthy(bytes32 id, address u) -> bool =
        mulDivUp(position[id][u].borrowShares, market[id].totalBorrowAssets + 1,
                 market[id].totalBorrowShares + 1e6)
        <= mulDivDown(mulDivDown(position[id][u].collateral, price(id), 1e36), lltv(id), WAD);

    invariant shares_add_up(bytes32 id):
        sum(u: position[id][u].supplyShares) == market[id].totalSupplyShares;

    invariant borrow_le_supply(bytes32 id):
        market[id].totalBorrowAssets <= market[id].totalSupplyAssets;

    invariant no_debt_without_collateral(bytes32 id, address u):
        position[id][u].borrowShares > 0 => position[id][u].collateral > 0;

    rule stay_healthy(bytes32 id, address u) {
        call any except [liquidate];
        requires healthy(id, u);
        ensures healthy(id, u);
    }
}
"""

# Every construct at least once: groups with abstract defs, ghosts and hooks, inputs,
# filters, preserved blocks, invariants as assumptions, call forms, env values, binders.
KITCHEN_SINK = """\
import "std/fixedpoint.spec";

def HALF -> uint256 = WAD / 2;

properties Covered {
    def assets() -> mathint;
    def liabilities() -> mathint;
    invariant covered: assets() >= liabilities();
}

spec Escrow {
    use Covered;
    def assets() -> mathint = balance(this);
    def liabilities() -> mathint = totalCollateral;

    ghost mathint calls;
    ghost mapping(address => uint256) lastWithdraw;
    ghost bool touched = false;

    hook any { calls = calls + 1; }
    hook withdraw(uint256 amount) {
        lastWithdraw[msg.sender] = amount;
        touched = old(totalCollateral) != totalCollateral;
    }

    input uint256 price = oracle.price() in [1e16, 1e22];

    invariant accounting: sum(collateral) == totalCollateral;
    invariant per_user(address u): collateral[u] <= totalCollateral
        except [liquidate, transfer(address, uint256)]
        assuming accounting
    {
        preserved withdraw(uint256 amount) { requires amount <= collateral[msg.sender]; }
        preserved { requires msg.sender != this; requires invariant accounting; }
    }
    invariant fee_capped: fee <= MAX_FEE only [setFee];
    invariant all_healthy: forall address u: healthFactor(u) >= WAD || collateral[u] == 0;
    invariant approvals: sum(address a: allowance[owner][a]) >= 0;
    invariant arrays: users.length >= 0 && limits[2] <= max_uint128;
    invariant priced: mulDivDown(totalCollateral, price, WAD) <= max_uint256 * 2;

    rule withdraw_exact(address other, uint256 amount) {
        let before = collateral[msg.sender];
        requires amount <= before;
        call withdraw(amount) with (sender: other, value: 0);
        ensures collateral[msg.sender] == before - amount;
    }
    rule liquidate_returns(address u, uint256 a) {
        call r = liquidate(u, a);
        ensures r <= a;
        reverts_if msg.value > 0;
    }
    rule implicit_result(address to) {
        call transfer(to, 1 ether, _);
        ensures result => collateral[to] >= 0;
    }
    rule two_results() {
        call (x, y) = split(5);
        ensures x + y == 5;
        ensures exists address u: collateral[u] > 0;
    }
    rule only_owner(uint256 f) {
        call setFee(f);
        reverts_unless msg.sender == owner && f <= MAX_FEE;
    }
    rule environment() {
        requires block.timestamp > 1 days && block.number > 0;
        call any except [liquidate];
        ensures let t = calls in t >= 0;
        ensures lastWithdraw[msg.sender] >= 0 && (touched || !touched);
        ensures mulDivUp(1, 1, 3) == 1 && RAY > HALF;
        ensures price >= 1e16;
        ensures uint128(totalCollateral) <= max_uint128;
        ensures int256(-1) < 0 && min(1, 2) == 1 && max(1, 2) == 2;
        ensures token != address(0) || token == address(0);
        ensures debt[msg.sender] >= min_int256;
        ensures kind <= 2;
        ensures 2 ** 8 == 256 && 7 % 3 == 1 && -7 / 2 == -3 && 0x10 == 16 && 1_000 == 1e3;
        ensures paused ? true : false;
        ensures true <=> !false;
        ensures collateralOf(msg.sender) == collateral[msg.sender];
    }
    satisfy can_exit(uint256 amount) {
        requires amount > 0;
        call withdraw(amount);
        ensures collateral[msg.sender] == 0;
    }
}
"""

VALID = {"escrow_note": ESCROW_NOTE, "market_note": MARKET_NOTE, "kitchen_sink": KITCHEN_SINK}
