// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// @title A small ETH collateral escrow, bundled as Solvency's first example.
/// @notice Users lock ETH as collateral; an arbiter can release it to a beneficiary.
/// The `withdraw` function pays out before it updates the books: a classic reentrancy (B8)
/// that `solvency lint` reports.
contract CollateralEscrow {
    mapping(address => uint256) public collateral;
    uint256 public totalCollateral;
    address public arbiter;

    event Deposited(address indexed user, uint256 amount);
    event Withdrawn(address indexed user, uint256 amount);
    event Released(address indexed from, address indexed to, uint256 amount);

    constructor(address arbiter_) {
        arbiter = arbiter_;
    }

    function deposit() external payable {
        collateral[msg.sender] += msg.value;
        totalCollateral += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        require(collateral[msg.sender] >= amount, "insufficient collateral");
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
        collateral[msg.sender] -= amount;
        totalCollateral -= amount;
        emit Withdrawn(msg.sender, amount);
    }

    function release(address from, address payable to, uint256 amount) external {
        require(msg.sender == arbiter, "only arbiter");
        collateral[from] -= amount;
        totalCollateral -= amount;
        to.transfer(amount);
        emit Released(from, to, amount);
    }
}
