// SPDX-License-Identifier: MIT
// Adversarial fixtures for the prover: pre-0.8 arithmetic wraps silently.
pragma solidity 0.7.6;

contract Legacy {
    uint256 public counter;
    uint8 public small;
    int256 public q;
    mapping(address => uint256) public bal;
    uint256 public total;

    function inc(uint256 v) external { counter += v; }
    function sdiv(int256 a, int256 b) external { q = a / b; }
    function mul8(uint8 a, uint8 b) external { small = a * b; }
    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function deposit() external payable { bal[msg.sender] += msg.value; total += msg.value; }
    function credit(address a, uint256 v) external { bal[a] += v; total += v; }
    function check(uint256 v) external pure { assert(v != 7); }
}
