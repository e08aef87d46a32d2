// SPDX-License-Identifier: MIT
// Adversarial fixtures for the prover: storage, sums, ETH, control flow (solc 0.8).
pragma solidity 0.8.19;

contract Aliasing {
    struct Position { uint256 x; uint256 y; }
    mapping(address => Position) public positions;
    uint256 public total;

    function deposit() external payable {
        positions[msg.sender].x += msg.value;
        total += msg.value;
    }
    // a == b: the credit lands, then the same slot is zeroed: the sum drops by v
    function move(address a, address b) external {
        Position storage p = positions[a];
        Position storage q = positions[b];
        uint256 v = p.x;
        q.x += v;
        p.x = 0;
    }
    // writes only the field y: sum of x unchanged
    function setY(uint256 v) external { positions[msg.sender].y = v; }
    // through a storage pointer passed to an internal function, with no total update
    function bump(uint256 v) external { _bump(positions[msg.sender], v); }
    function _bump(Position storage p, uint256 v) internal { p.x += v; }
}

contract Deleter {
    struct S { uint256 a; uint256 b; }
    mapping(address => S) public s;
    mapping(address => uint256) public bal;
    uint256[] public arr;
    uint256 public total;

    function put(uint256 v) external { s[msg.sender].a += v; total += v; }
    function clear() external { delete s[msg.sender]; }
    function delBal(address a) external { delete bal[a]; }
    function push(uint256 v) external { arr.push(v); }
    function wipe() external { delete arr; }
}

contract Arrays {
    uint256[] public items;
    uint256 public hits;

    function push(uint256 v) external { items.push(v); }
    function pop() external { items.pop(); }
    function setAt(uint256 i, uint256 v) external { items[i] = v; hits += 1; }
    function get(uint256 i) external view returns (uint256) { return items[i]; }
}

contract Sums {
    mapping(address => uint256) public bal;
    uint256 public total;

    function deposit() external payable { bal[msg.sender] += msg.value; total += msg.value; }
    // different keys: credits v twice, counts it once
    function twice(address a, address b, uint256 v) external {
        bal[a] += v;
        bal[b] += v;
        total += v;
    }
    // same key, net +v: fine
    function same(address a, uint256 v) external {
        bal[a] += v;
        bal[a] -= v;
        bal[a] += v;
        total += v;
    }
    // reads both first, then writes: from == to creates v out of nothing
    function move(address from, address to, uint256 v) external {
        uint256 f = bal[from];
        uint256 t = bal[to];
        bal[from] = f - v;
        bal[to] = t + v;
    }
    // correct transfer, also for to == msg.sender
    function transfer(address to, uint256 v) external {
        bal[msg.sender] -= v;
        bal[to] += v;
    }
}

contract Nested {
    mapping(address => mapping(address => uint256)) public allow;
    mapping(address => uint256) public totals;

    // the total of the wrong owner
    function approveBad(address s, uint256 v) external {
        totals[s] = totals[s] - allow[msg.sender][s] + v;
        allow[msg.sender][s] = v;
    }
}

contract EthFlows {
    mapping(address => uint256) public bal;
    uint256 public total;

    function deposit() external payable { bal[msg.sender] += msg.value; total += msg.value; }
    function donate() external payable {}
    function leak(address payable to, uint256 a) external { to.transfer(a); }
    function leakSend(address payable to, uint256 a) external { to.send(a); }
}

contract Reenter {
    mapping(address => uint256) public bal;
    uint256 public total;

    function deposit() external payable { bal[msg.sender] += msg.value; total += msg.value; }
    function withdraw(uint256 a) external {
        require(bal[msg.sender] >= a, "low");
        (bool ok, ) = msg.sender.call{value: a}("");
        require(ok, "send");
        bal[msg.sender] -= a;
        total -= a;
    }
    function withdrawVia(uint256 a) external {
        bal[msg.sender] -= a;
        total -= a;
        _pay(msg.sender, a);
    }
    function _pay(address to, uint256 a) internal {
        (bool ok, ) = to.call{value: a}("");
        require(ok, "send");
    }
}

contract Escrow {
    mapping(address => uint256) public balances;
    uint256 public totals;

    function deposit() external payable { balances[msg.sender] += msg.value; totals += msg.value; }
    function withdraw(uint256 a) external {
        balances[msg.sender] -= a;
        totals -= a;
        payable(msg.sender).transfer(a);
    }
}

contract BadCtor {
    mapping(address => uint256) public bal;
    uint256 public total;

    constructor() { total = 1; }
    function deposit() external payable { bal[msg.sender] += msg.value; total += msg.value; }
}

contract Helper {
    uint256 public x;
    uint256 public y;

    function f() external { require(y < 100); y += 1; x += 1; }
}

contract HelperBroken {
    uint256 public x;
    uint256 public y;

    function f() external { require(y < 100); y += 1; x += 1; }
    function g() external { y = 0; }
}
