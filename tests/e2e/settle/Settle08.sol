// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

// ETH can be forced into any address (selfdestruct, block rewards): an exact-equality
// invariant over balance(this) is false even though no function breaks it.
contract Forced {
    uint256 public total;

    constructor() {
        require(address(this).balance == 0);
    }

    function deposit() external payable {
        total += msg.value;
    }

    function withdraw(uint256 a) external {
        total -= a;
        payable(msg.sender).transfer(a);
    }
}

// A bookkeeping bug that only a sequence shows: `bump` (any caller) raises `credit` once
// `armed`, and only `arm` sets `armed`.
contract Staged {
    uint256 public total;
    uint256 public credit;
    bool public armed;

    function deposit() external payable {
        total += msg.value;
        credit += msg.value;
    }

    function arm() external {
        armed = true;
    }

    function bump() external {
        if (armed) {
            credit += 1;
        }
    }
}
