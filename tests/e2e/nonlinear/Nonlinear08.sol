// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

// Nonlinear arithmetic the prover may abstract (exec_nonlinear): each *_false property in
// Nonlinear08.spec is false on the EVM, and an over-approximation must never prove it.
contract Nonlinear {
    uint256 public last;

    function mulDiv(uint256 a, uint256 b, uint256 c) external returns (uint256 r) {
        r = (a * b) / c;
        last = r;
    }

    function mul(uint256 a, uint256 b) external returns (uint256 r) {
        r = a * b;
        last = r;
    }

    function wrapMul(uint256 a, uint256 b) external returns (uint256 r) {
        unchecked {
            r = a * b;
        }
        last = r;
    }

    function powU8(uint8 a, uint256 b) external returns (uint8 r) {
        unchecked {
            r = a ** b;
        }
        last = r;
    }

    function modOf(uint256 a, uint256 b) external returns (uint256 r) {
        r = a % b;
        last = r;
    }

    function divOf(uint256 a, uint256 b) external returns (uint256 r) {
        r = a / b;
        last = r;
    }
}
