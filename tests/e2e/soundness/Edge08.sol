// SPDX-License-Identifier: MIT
// More adversarial fixtures (solc 0.8): semantics a careless encoder gets wrong in the
// direction of a false proof.
pragma solidity 0.8.19;

contract Edges {
    struct P { uint256 x; uint256 y; }
    mapping(address => P) public pos;
    uint256 public counter;
    uint256 public last;
    uint256 public x;

    function pick(bool c, address a, address b, uint256 v) external {
        P storage p = c ? pos[a] : pos[b];
        p.x = v;
    }
    function viaPtr(uint256 v) external { P storage p = pos[msg.sender]; p.x += v; }
    function viaCopy(uint256 v) external { P memory m = pos[msg.sender]; m.x += v; }
    function _addU(uint256 v) internal { unchecked { counter += v; } }
    function calleeUnchecked(uint256 v) external { _addU(v); }
    function slt(int256 a, int256 b) external pure returns (bool) { return a < b; }
    function smod(int256 a, int256 b) external pure returns (int256) { return a % b; }
    function sar(int256 a, uint256 s) external pure returns (int256) { return a >> s; }
    function payIn() external payable { last = address(this).balance; }
    function negU(int256 a) external pure returns (int256) { unchecked { return -a; } }
    function widen(int8 a) external pure returns (int256) { return int256(a); }
    function toSigned(uint256 v) external pure returns (int256) { return int256(v); }
    function b4(uint256 v) external pure returns (bytes4) { return bytes4(bytes32(v)); }
    modifier onlyIf(bool c) { if (!c) return; _; }
    function maybe(bool c) external onlyIf(c) { x += 1; }
}

contract Wiper {
    uint256[] public arr;
    function push(uint256 v) external { arr.push(v); }
    function pop() external { arr.pop(); }
    function wipe() external { delete arr; }
}

contract Fallbacks {
    uint256 public total;
    function set(uint256 v) external { require(v <= 100); total = v; }
    fallback() external { total = 1000; }
}

contract Receives {
    uint256 public total;
    function set(uint256 v) external { require(v <= 100); total = v; }
    receive() external payable { total = 1000; }
}

contract Initialised {
    uint256 public total = 500;
    function set(uint256 v) external { require(v <= 100); total = v; }
}

contract CtorArg {
    uint256 public total;
    constructor(uint256 v) { total = v; }
    function set(uint256 v) external { require(v <= 100); total = v; }
}

contract ParentInit {
    uint256 public total;
    constructor() { total = 500; }
}

contract ChildInit is ParentInit {
    function set(uint256 v) external { require(v <= 100); total = v; }
}

contract SelfCall {
    uint256 public total;
    function set(uint256 v) external { require(v <= 100); total = v; }
    function g() external { if (msg.sender == address(this)) { total = 1000; } }
    function h() external { this.g(); }
}

library Ext {
    function bump(mapping(address => uint256) storage m, address a) public { m[a] += 1; }
}

contract UsesExtLib {
    mapping(address => uint256) public bal;
    function go(address a) external { Ext.bump(bal, a); }
}

contract Deadline {
    uint256 public deadline;
    uint256 public pokes;
    uint256 public total;
    uint256 public count;

    constructor() { deadline = block.timestamp + 1 days; }
    function poke() external { pokes += 1; }
    function set(uint256 v) external { total = v; }
    function spin(uint256 n) external { for (uint256 i = 0; i < n; i++) { count += 1; } }
    function nope() external { revert("never"); }
}

contract StructCopy {
    struct P { uint256 x; uint256 y; }
    mapping(address => P) public pos;
    uint256 public total;

    function deposit() external payable { pos[msg.sender].x += msg.value; total += msg.value; }
    // whole-struct assignment: x is replaced, total is not
    function reset(address a) external { pos[a] = P(0, 5); }
    // storage-to-storage copy: a's x now counts twice
    function copy(address a, address b) external { pos[b] = pos[a]; }
}

contract OverBase {
    uint256 public x;
    function f() external virtual { x = 1; }
    modifier guard() virtual { require(false); _; }
    function g() external guard { x = 1000; }
}

contract OverChild is OverBase {
    function f() external override { x = 1000; }
    modifier guard() override { _; }
}

interface IERC20Min {
    function transfer(address to, uint256 a) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

contract TokenVault {
    IERC20Min public token;
    uint256 public total;

    // pays tokens out without lowering `total`
    function pay(address to, uint256 a) external { require(token.transfer(to, a)); }
}

contract Excepted {
    uint256 public x;
    uint256 public y;

    function f() external { require(y < 100); y += 1; x += 1; }
    function g() external { y = 0; }
}

contract LoopAssert {
    function walk(uint256 n) external pure {
        for (uint256 i = 0; i < n; i++) { assert(i < 5); }
    }
}

contract PayCtor {
    uint256 public total;
    uint256 public twice;

    // ETH may sit at the address before deployment, and msg.value may be anything
    constructor() payable { total = msg.value; twice = msg.value * 2; }
}

contract ViewSpec {
    uint256 public total;

    function set(uint256 v) external { require(v <= 100); total = v; }
    function doubled() public view returns (uint256) { return total * 2 + 1; }
}
