# ruff: noqa: E501  (Solidity source text, one function per line)
"""Small contracts for the differential suite, one function per SlithIR feature: Binary of
each kind, Unary, Assignment, Index into nested mappings and struct fields, Member,
Length/push/pop, TypeConversion, InternalCall, LibraryCall, require/revert/custom error,
return values, modifiers, msg.sender/msg.value/block.timestamp, assert, delete, loops."""

from __future__ import annotations

OPS_08 = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

library MathLib {
    function clampAdd(uint256 a, uint256 b, uint256 cap) internal pure returns (uint256) {
        uint256 s = a + b;
        return s > cap ? cap : s;
    }
}

contract Ops {
    using MathLib for uint256;

    struct Pos { uint128 coll; uint128 debt; bool open; int64 mark; }
    enum Mode { Off, On, Frozen }

    uint256 public total;
    int128 public signedTotal;
    uint8 public small;
    address public owner;
    Mode public mode;
    bytes4 public tag;
    mapping(address => uint256) public bal;
    mapping(address => mapping(uint256 => uint256)) public nested;
    mapping(address => Pos) public pos;
    uint256[] public items;

    error Denied(address who, uint256 code);

    modifier onlyOwner() { require(msg.sender == owner, "owner"); _; }

    function add(uint256 a) external returns (uint256) { total += a; return total; }
    function subSigned(int128 a) external returns (int128) { signedTotal -= a; return signedTotal; }
    function mulSmall(uint8 a) external returns (uint8) { small = small * a; return small; }
    function divmod(uint256 a, uint256 b) external pure returns (uint256, uint256) { return (a / b, a % b); }
    function sdivmod(int256 a, int256 b) external pure returns (int256, int256) { return (a / b, a % b); }
    function power(uint256 a, uint8 e) external pure returns (uint256) { return a ** e; }
    function spower(int16 a, uint8 e) external pure returns (int16) { return a ** e; }
    function shifts(uint256 a, uint256 s) external pure returns (uint256, uint256, int256) {
        return (a << s, a >> s, int256(a) >> s);
    }
    function bits(uint256 a, uint256 b) external pure returns (uint256, uint256, uint256, uint256) {
        return (a & b, a | b, a ^ b, ~a);
    }
    function cmp(int256 a, int256 b, uint256 c, uint256 d) external pure returns (bool, bool, bool, bool, bool, bool) {
        return (a < b, a >= b, c > d, c <= d, c == d, a != b);
    }
    function logic(bool x, uint256 a) external pure returns (bool) { return (x && a > 3) || (!x && a == 0); }
    function negate(int256 a) external pure returns (int256) { return -a; }
    function wrap(uint256 a, uint256 b) external pure returns (uint256 r) { unchecked { r = a - b * 3; } }
    function wrapSigned(int8 a, int8 b) external pure returns (int8 r) { unchecked { r = -a + b; } }
    function setNested(uint256 k, uint256 v) external { nested[msg.sender][k] += v; }
    function moveNested(address to, uint256 k, uint256 v) external {
        nested[msg.sender][k] -= v;
        nested[to][k] += v;
    }
    function openPos(uint128 c) external {
        Pos storage p = pos[msg.sender];
        require(!p.open, "open");
        p.coll = c;
        p.open = true;
    }
    function borrow(uint128 d) external {
        Pos storage p = pos[msg.sender];
        p.debt += d;
        require(p.debt <= p.coll, "unsafe");
    }
    function mark(int64 m) external { pos[msg.sender].mark = m - 1; }
    function posSum(address who) external view returns (uint256) {
        Pos memory p = pos[who];
        return uint256(p.coll) + p.debt;
    }
    function push(uint256 x) external returns (uint256) { items.push(x); return items.length; }
    function pop() external returns (uint256 last) { last = items[items.length - 1]; items.pop(); }
    function get(uint256 i) external view returns (uint256) { return items[i]; }
    function setAt(uint256 i, uint256 v) external { items[i] = v; }
    function sumItems() external view returns (uint256 s) {
        for (uint256 i = 0; i < items.length; i++) { s += items[i]; }
    }
    function convert(uint256 a, int256 b) external pure returns (uint8, int8, int256, uint256, bytes4, address) {
        return (uint8(a), int8(b), int256(a), uint256(b), bytes4(uint32(a)), address(uint160(a)));
    }
    function setTag(bytes32 x) external returns (bytes4) { tag = bytes4(x); return tag; }
    function setMode(uint8 m) external { mode = Mode(m); }
    function credit(address who, uint256 a) external returns (uint256) { return _credit(who, a); }
    function _credit(address who, uint256 a) internal returns (uint256) {
        bal[who] += a;
        return bal[who];
    }
    function capped(uint256 a, uint256 b) external returns (uint256) { total = a.clampAdd(b, 1000); return total; }
    function guarded(uint256 a) external {
        if (a == 0) revert("zero");
        if (a > 100) revert Denied(msg.sender, a);
        require(msg.sender != owner, "is owner");
        total = a;
    }
    function stamp() external payable returns (uint256) {
        bal[msg.sender] += msg.value;
        if (block.timestamp % 2 == 0) total = block.timestamp;
        return address(this).balance;
    }
    function setOwner(address o) external onlyOwner { owner = o; }
    function checkAssert(uint256 a) external pure returns (uint256) { assert(a != 13); return a; }
    function clear(address who) external { delete pos[who]; delete bal[who]; }
    function ternary(uint256 a) external returns (uint256) { total = a > total ? a - total : total - a; return total; }
}
"""

OPS_07 = """// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

contract Old {
    uint256 public total;
    int8 public tiny;
    mapping(address => uint256) public bal;

    function add(uint256 a) external returns (uint256) { total += a; return total; }
    function sub(uint256 a) external returns (uint256) { total -= a; return total; }
    function mulTiny(int8 a) external returns (int8) { tiny = tiny * a; return tiny; }
    function div(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function sdiv(int256 a, int256 b) external pure returns (int256) { return a / b; }
    function power(uint256 a, uint256 e) external pure returns (uint256) { return a ** e; }
    function convert(int8 a, uint256 b) external pure returns (uint256, int8) { return (uint256(a), int8(b)); }
    function credit(uint256 a) external { bal[msg.sender] += a; }
}
"""

MORE_08 = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract More {
    struct Item { address who; uint96 amt; bool flag; Kind kind; }
    enum Kind { A, B, C }

    uint64 public pa;
    uint64 public pb;
    int32 public pc;
    bool public pd;
    uint256 public counter;
    Item[] public list;
    uint64[4] public slots;
    mapping(address => uint256[]) public userItems;
    mapping(bytes32 => uint16) public tags;
    mapping(bool => uint256) public byFlag;
    mapping(uint8 => mapping(address => Item)) public book;

    modifier atLeast(uint256 x) { require(msg.value >= x, "too little"); _; }

    function packA(uint64 v) external { pa = v; }
    function packMix(uint64 b, int32 c, bool d) external { pb = b; pc = c - 1; pd = !d; }
    function swap() external { (pa, pb) = (pb, pa); }
    function addItem(uint96 amt, uint8 k) external returns (uint256) {
        list.push(Item(msg.sender, amt, amt > 10, Kind(k)));
        return list.length - 1;
    }
    function bumpItem(uint256 i, uint96 d) external { _bump(list[i], d); }
    function _bump(Item storage it, uint96 d) internal { it.amt += d; it.flag = !it.flag; }
    function popItem() external returns (address who, uint96 amt) {
        Item memory last = list[list.length - 1];
        list.pop();
        return (last.who, last.amt);
    }
    function clearList() external { delete list; }
    function setSlot(uint256 i, uint64 v) external { slots[i] = v; }
    function sumSlots() external view returns (uint256 s) {
        for (uint256 i = 0; i < 4; i++) {
            if (slots[i] == 0) continue;
            if (slots[i] == 7) break;
            s += slots[i];
        }
    }
    function pushUser(uint256 v) external returns (uint256) {
        userItems[msg.sender].push(v);
        return userItems[msg.sender].length;
    }
    function userAt(address u, uint256 i) external view returns (uint256) { return userItems[u][i]; }
    function tag(bytes32 k, uint16 v) external { tags[k] |= v; tags[k] <<= 1; }
    function flagged(bool f, uint256 v) external { byFlag[f] *= v; byFlag[!f] /= (v == 0 ? 1 : v); }
    function bookIt(uint8 shelf, uint96 amt) external payable atLeast(1 wei) {
        Item storage it = book[shelf][msg.sender];
        it.who = msg.sender;
        it.amt += amt;
        it.kind = Kind.C;
    }
    function increments() external returns (uint256 a, uint256 b) {
        a = counter++;
        b = ++counter;
        counter -= 1;
    }
    function limits(uint256 x) external pure returns (uint256, int8, uint256) {
        return (type(uint256).max - x, type(int8).min, type(uint128).max / (x | 1));
    }
    function ternaryWiden(uint256 x) external pure returns (uint256) { return x == 0 ? 0 : type(uint128).max / x; }
    function whileLoop(uint256 n) external pure returns (uint256 r) {
        uint256 i = 0;
        while (i < n && i < 3) {
            unchecked { r = r * 2 + 1; i++; }
        }
    }
    function number() external view returns (uint256, uint256) { return (block.number, block.timestamp); }
    function selfBalance() external payable returns (uint256) { return address(this).balance - msg.value; }
    function pay(uint256 amount) external { payable(msg.sender).transfer(amount); }
}
"""
