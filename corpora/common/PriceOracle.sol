// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @title PriceOracle
/// @notice Owner-set spot price. `price()` is the value of one whole unit of the collateral
///         asset expressed in the loan/quote asset, scaled by 1e18 (WAD), assuming both tokens
///         have the same number of decimals (the corpus uses 18-decimal tokens throughout).
contract PriceOracle {
    address public owner;
    uint256 internal _price;

    event PriceSet(uint256 oldPrice, uint256 newPrice);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    modifier onlyOwner() {
        require(msg.sender == owner, "PriceOracle: not owner");
        _;
    }

    constructor(uint256 initialPrice) public {
        owner = msg.sender;
        _price = initialPrice;
        emit PriceSet(0, initialPrice);
    }

    /// @notice Current price, 18 decimals.
    function price() external view returns (uint256) {
        return _price;
    }

    /// @notice Sets the price (owner only).
    function setPrice(uint256 newPrice) external onlyOwner {
        emit PriceSet(_price, newPrice);
        _price = newPrice;
    }

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "PriceOracle: zero owner");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }
}
