// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "../common/IERC20.sol";
import "../common/PriceOracle.sol";

/// @title MarginAccount
/// @notice Isolated-margin long positions settled in a quote token against an owner-funded
///         counterparty pool. Each account posts margin, opens one long position of `size` base
///         units at the oracle price and realises `size * (exit - entry)` on close: gains are paid
///         by the pool, losses go to it, and a loss larger than the margin is absorbed by the pool
///         as bad debt. An account whose equity (margin + unrealised PnL) falls below the
///         maintenance requirement can be liquidated by anyone: at most half of the position per
///         call (the whole position once its notional is dust), for a fee on the closed notional.
/// @dev Written for solc 0.7.6, whose arithmetic wraps silently: products, sums and differences
///      that can overflow go through the checked `_add`, `_sub` and `_mul` helpers.
contract MarginAccount {
    struct Account {
        uint256 margin; // quote tokens
        uint256 size; // base units, 18 decimals
        uint256 entryPrice; // quote per base, 18 decimals
    }

    uint256 internal constant WAD = 1e18;
    uint256 public constant CLOSE_FACTOR = 0.5e18;
    uint256 public constant MIN_NOTIONAL = 100e18;

    IERC20 public immutable quote;
    PriceOracle public immutable oracle;
    uint256 public immutable initialMarginRatio;
    uint256 public immutable maintenanceMarginRatio;
    uint256 public immutable liquidationFeeRatio;

    address public owner;
    mapping(address => Account) public accounts;
    uint256 public totalMargin;
    uint256 public poolBalance;
    uint256 public openInterest;
    uint256 public badDebt;

    event MarginDeposited(address indexed account, uint256 amount);
    event MarginWithdrawn(address indexed account, uint256 amount);
    event PositionOpened(address indexed account, uint256 size, uint256 price);
    event PositionClosed(address indexed account, uint256 size, uint256 price, int256 pnl);
    event Liquidated(address indexed account, address indexed liquidator, uint256 size, uint256 price, uint256 fee);
    event PoolFunded(uint256 amount);
    event PoolWithdrawn(uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner, "MarginAccount: not owner");
        _;
    }

    constructor(IERC20 quote_, PriceOracle oracle_, uint256 imr_, uint256 mmr_, uint256 liquidationFee_) {
        require(liquidationFee_ < mmr_ && mmr_ < imr_ && imr_ <= WAD, "MarginAccount: bad ratios");
        quote = quote_;
        oracle = oracle_;
        initialMarginRatio = imr_;
        maintenanceMarginRatio = mmr_;
        liquidationFeeRatio = liquidationFee_;
        owner = msg.sender;
    }

    /// @notice Adds counterparty liquidity (owner only).
    function fundPool(uint256 amount) external onlyOwner {
        poolBalance = _add(poolBalance, amount);
        _pull(msg.sender, amount);
        emit PoolFunded(amount);
    }

    /// @notice Removes counterparty liquidity (owner only).
    function withdrawPool(uint256 amount) external onlyOwner {
        require(amount <= poolBalance, "MarginAccount: pool too small");
        poolBalance = _sub(poolBalance, amount);
        _push(msg.sender, amount);
        emit PoolWithdrawn(amount);
    }

    /// @notice Adds `amount` quote tokens to the caller's margin.
    function depositMargin(uint256 amount) external {
        require(amount > 0, "MarginAccount: zero amount");
        accounts[msg.sender].margin = _add(accounts[msg.sender].margin, amount);
        totalMargin = _add(totalMargin, amount);
        _pull(msg.sender, amount);
        emit MarginDeposited(msg.sender, amount);
    }

    /// @notice Withdraws margin; an account with an open position must still meet the initial
    ///         margin requirement afterwards.
    function withdrawMargin(uint256 amount) external {
        Account storage a = accounts[msg.sender];
        require(amount > 0 && a.margin >= amount, "MarginAccount: insufficient margin");
        a.margin = _sub(a.margin, amount);
        totalMargin = _sub(totalMargin, amount);
        if (a.size > 0) require(_meetsInitial(a, oracle.price()), "MarginAccount: margin too low");
        _push(msg.sender, amount);
        emit MarginWithdrawn(msg.sender, amount);
    }

    /// @notice Opens a long position of `size` base units at the oracle price.
    function openLong(uint256 size) external {
        Account storage a = accounts[msg.sender];
        require(a.size == 0, "MarginAccount: position open");
        require(size > 0, "MarginAccount: zero size");
        uint256 price = oracle.price();
        a.size = size;
        a.entryPrice = price;
        openInterest = _add(openInterest, size);
        require(_meetsInitial(a, price), "MarginAccount: margin too low");
        emit PositionOpened(msg.sender, size, price);
    }

    /// @notice Closes `closeSize` of the caller's position at the oracle price.
    function closeLong(uint256 closeSize) external {
        Account storage a = accounts[msg.sender];
        require(closeSize > 0 && closeSize <= a.size, "MarginAccount: bad size");
        uint256 price = oracle.price();
        int256 pnl = _realize(a, closeSize, price);
        emit PositionClosed(msg.sender, closeSize, price, pnl);
    }

    /// @notice Liquidates `closeSize` of an account below its maintenance requirement; the
    ///         liquidator receives `liquidationFeeRatio` of the closed notional from its margin.
    function liquidate(address account, uint256 closeSize) external returns (uint256 fee) {
        Account storage a = accounts[account];
        uint256 price = oracle.price();
        uint256 maxClose = _mul(a.size, price) / WAD <= MIN_NOTIONAL ? a.size : _mul(a.size, CLOSE_FACTOR) / WAD;
        require(closeSize > 0 && closeSize <= maxClose, "MarginAccount: bad size");
        _realize(a, closeSize, price);
        fee = _mul(_mul(closeSize, price) / WAD, liquidationFeeRatio) / WAD;
        if (fee > a.margin) fee = a.margin;
        a.margin = _sub(a.margin, fee);
        totalMargin = _sub(totalMargin, fee);
        _push(msg.sender, fee);
        emit Liquidated(account, msg.sender, closeSize, price, fee);
    }

    /// @notice Equity of `account` (margin + unrealised PnL) at the oracle price.
    function equityOf(address account) external view returns (int256) {
        return _equity(accounts[account], oracle.price());
    }

    /// @notice Whether `account` can be liquidated at the oracle price.
    function isLiquidatable(address account) external view returns (bool) {
        return _isLiquidatable(accounts[account], oracle.price());
    }

    /// @dev Settles `closeSize` of the position at `price` against the pool.
    function _realize(Account storage a, uint256 closeSize, uint256 price) internal returns (int256 pnl) {
        pnl = _pnl(closeSize, a.entryPrice, price);
        a.size = _sub(a.size, closeSize);
        openInterest = _sub(openInterest, closeSize);
        if (a.size == 0) a.entryPrice = 0;
        if (pnl >= 0) {
            uint256 profit = uint256(pnl);
            require(poolBalance >= profit, "MarginAccount: pool cannot pay");
            poolBalance = _sub(poolBalance, profit);
            a.margin = _add(a.margin, profit);
            totalMargin = _add(totalMargin, profit);
        } else {
            uint256 loss = uint256(-pnl);
            uint256 covered = loss <= a.margin ? loss : a.margin;
            a.margin = _sub(a.margin, covered);
            totalMargin = _sub(totalMargin, covered);
            poolBalance = _add(poolBalance, covered);
            badDebt = _add(badDebt, loss - covered);
        }
    }

    /// @dev PnL of `size` bought at `entry` and sold at `price`, floored (losses round up).
    function _pnl(uint256 size, uint256 entry, uint256 price) internal pure returns (int256) {
        if (price >= entry) return int256(_mul(size, price - entry) / WAD);
        return -int256(_add(_mul(size, entry - price), WAD - 1) / WAD);
    }

    function _equity(Account storage a, uint256 price) internal view returns (int256) {
        return int256(a.margin) + _pnl(a.size, a.entryPrice, price);
    }

    function _requirement(Account storage a, uint256 price, uint256 ratio) internal view returns (int256) {
        uint256 notional = _mul(a.size, price) / WAD;
        return int256(_add(_mul(notional, ratio), WAD - 1) / WAD);
    }

    function _meetsInitial(Account storage a, uint256 price) internal view returns (bool) {
        return _equity(a, price) >= _requirement(a, price, initialMarginRatio);
    }

    function _isLiquidatable(Account storage a, uint256 price) internal view returns (bool) {
        return a.size > 0 && _equity(a, price) < _requirement(a, price, maintenanceMarginRatio);
    }

    function _pull(address from, uint256 amount) internal {
        require(quote.transferFrom(from, address(this), amount), "MarginAccount: transferFrom failed");
    }

    function _push(address to, uint256 amount) internal {
        require(quote.transfer(to, amount), "MarginAccount: transfer failed");
    }

    function _add(uint256 x, uint256 y) internal pure returns (uint256 z) {
        z = x + y;
        require(z >= x, "MarginAccount: add overflow");
    }

    function _sub(uint256 x, uint256 y) internal pure returns (uint256) {
        require(y <= x, "MarginAccount: sub underflow");
        return x - y;
    }

    function _mul(uint256 x, uint256 y) internal pure returns (uint256 z) {
        if (x == 0) return 0;
        z = x * y;
        require(z / x == y, "MarginAccount: mul overflow");
    }
}
