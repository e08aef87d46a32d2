// SPDX-License-Identifier: MIT
// Adversarial fixtures for the prover: arithmetic and control flow (solc 0.8).
pragma solidity 0.8.19;

interface IFeed { function get() external returns (uint256); }

contract Arith {
    uint256 public counter;
    uint8 public small;
    int256 public q;

    function inc(uint256 v) external { counter += v; }
    function incUnchecked(uint256 v) external { unchecked { counter += v; } }
    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function sdivUnchecked(int256 a, int256 b) external pure returns (int256) {
        unchecked { return a / b; }
    }
    function sdivChecked(int256 a, int256 b) external { q = a / b; }
    function narrow(uint256 x) external { small = uint8(x); }
    function shl8(uint8 s) external pure returns (uint8) { uint8 one = 1; return one << s; }
    function shl(uint256 x, uint256 s) external pure returns (uint256) { return x << s; }
    function powUnchecked(uint256 e) external pure returns (uint256) {
        unchecked { return 2 ** e; }
    }
    function check(uint256 v) external pure { assert(v != 7); }
}

contract Base {
    uint256 public x;
    function hook() internal virtual { x += 1; }
    function go() external { hook(); }
}

contract Child is Base {
    function hook() internal override { super.hook(); x += 1; }
}

contract Flow {
    uint256 public x;
    uint256 public count;
    uint256 public depth;
    bool public blocked;

    modifier trailing() { _; x += 1; }
    modifier twice() { _; _; }

    function tail() external trailing {}
    function dbl() external twice { count += 1; }
    function addOne(uint256 v) internal { x += v; }
    function addTwo(uint256 v) internal { x += 2 * v; }
    function viaPtr(bool which, uint256 v) external {
        function(uint256) internal f = which ? addOne : addTwo;
        f(v);
    }
    function loop(uint256 n) external {
        for (uint256 i = 0; i < n; i++) { count += 1; }
    }
    function _rec(uint256 n) internal returns (uint256) { return n == 0 ? 0 : 1 + _rec(n - 1); }
    function rec(uint256 n) external { depth = _rec(n); }
    function late() external { if (block.timestamp > 1000) x += 1; }
    function nope() external { revert("never"); }
    function tryIt(address feed) external {
        try IFeed(feed).get() returns (uint256 v) { x = v; } catch { x = 0; }
    }
}

contract LowLevel {
    uint256 public total;

    function set(uint256 v) external { require(v <= 100); total = v; }
    function dc(address t, bytes calldata d) external {
        (bool ok, ) = t.delegatecall(d);
        require(ok);
    }
    function sc(address t) external {
        (bool ok, bytes memory r) = t.staticcall(abi.encodeWithSignature("get()"));
        require(ok);
        total = abi.decode(r, (uint256));
    }
    function poke(uint256 v) external { assembly { sstore(0, v) } }
    function raw() external { total = abi.decode(msg.data[4:], (uint256)); }
    function kill() external { selfdestruct(payable(msg.sender)); }
}

contract Solvent {
    uint256 public total;
    function deposit() external payable { total += msg.value; }
    function kill() external { selfdestruct(payable(msg.sender)); }
}
