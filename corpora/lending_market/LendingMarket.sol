// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";
import "../common/PriceOracle.sol";

/// @title LendingMarket
/// @notice Single isolated lending market: lenders supply `loanToken` for supply shares,
///         borrowers post `collateralToken` and borrow `loanToken` for borrow shares. Interest
///         accrues at `borrowRatePerSecond` (simple interest between two accruals) and is added
///         to both total borrow and total supply assets. A position is healthy while its debt is
///         at most collateral * price * lltv. Unhealthy positions are liquidated with an
///         incentive derived from lltv; a liquidation that exhausts the collateral realises the
///         remaining debt as bad debt, which lenders absorb through the supply share price.
/// @dev Shares use virtual shares/assets (no first-depositor inflation); every rounding favours the market.
contract LendingMarket {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant ORACLE_SCALE = 1e18;
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;
    uint256 public constant LIQUIDATION_CURSOR = 0.3e18;
    uint256 public constant MAX_LIQUIDATION_INCENTIVE = 1.15e18;
    uint256 public constant MAX_RATE_PER_SECOND = 31709791983; // 100% per year

    IERC20 public immutable loanToken;
    IERC20 public immutable collateralToken;
    PriceOracle public immutable oracle;
    /// @notice Liquidation loan-to-value, WAD.
    uint256 public immutable lltv;
    /// @notice Collateral value seized per unit of debt repaid by a liquidator, WAD.
    uint256 public immutable liquidationIncentiveFactor;

    address public owner;
    uint256 public borrowRatePerSecond;
    uint256 public totalSupplyAssets;
    uint256 public totalSupplyShares;
    uint256 public totalBorrowAssets;
    uint256 public totalBorrowShares;
    uint256 public lastUpdate;

    mapping(address => uint256) public supplyShares;
    mapping(address => uint256) public borrowShares;
    mapping(address => uint256) public collateral;

    event Supply(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    event Withdraw(address indexed caller, address indexed receiver, uint256 assets, uint256 shares);
    event Borrow(address indexed caller, address indexed receiver, uint256 assets, uint256 shares);
    event Repay(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    event SupplyCollateral(address indexed caller, address indexed onBehalf, uint256 assets);
    event WithdrawCollateral(address indexed caller, address indexed receiver, uint256 assets);
    event Liquidate(address indexed liquidator, address indexed borrower, uint256 repaidAssets, uint256 repaidShares, uint256 seizedAssets, uint256 badDebtAssets);
    event AccrueInterest(uint256 interest, uint256 elapsed);
    event BorrowRateSet(uint256 ratePerSecond);

    modifier onlyOwner() {
        require(msg.sender == owner, "LendingMarket: not owner");
        _;
    }

    constructor(IERC20 loanToken_, IERC20 collateralToken_, PriceOracle oracle_, uint256 lltv_, uint256 ratePerSecond_) {
        require(lltv_ > 0 && lltv_ < WAD, "LendingMarket: bad lltv");
        require(ratePerSecond_ <= MAX_RATE_PER_SECOND, "LendingMarket: rate too high");
        loanToken = loanToken_;
        collateralToken = collateralToken_;
        oracle = oracle_;
        lltv = lltv_;
        liquidationIncentiveFactor =
            _min(MAX_LIQUIDATION_INCENTIVE, _mulDivDown(WAD, WAD, WAD - _wMulDown(LIQUIDATION_CURSOR, WAD - lltv_)));
        owner = msg.sender;
        borrowRatePerSecond = ratePerSecond_;
        lastUpdate = block.timestamp;
    }

    /// @notice Adds the interest owed since `lastUpdate` to total borrow and total supply assets.
    function accrueInterest() public {
        uint256 elapsed = block.timestamp - lastUpdate;
        if (elapsed == 0) return;
        lastUpdate = block.timestamp;
        if (totalBorrowAssets == 0) return;
        uint256 interest = _mulDivDown(totalBorrowAssets, borrowRatePerSecond * elapsed, WAD);
        totalBorrowAssets += interest;
        totalSupplyAssets += interest;
        emit AccrueInterest(interest, elapsed);
    }

    /// @notice Sets the borrow rate after accruing at the old one (owner only).
    function setBorrowRate(uint256 ratePerSecond) external onlyOwner {
        require(ratePerSecond <= MAX_RATE_PER_SECOND, "LendingMarket: rate too high");
        accrueInterest();
        borrowRatePerSecond = ratePerSecond;
        emit BorrowRateSet(ratePerSecond);
    }

    /// @notice Supplies `assets` of loanToken for `onBehalf`; shares are rounded down.
    function supply(uint256 assets, address onBehalf) external returns (uint256 shares) {
        require(assets > 0 && onBehalf != address(0), "LendingMarket: bad input");
        accrueInterest();
        shares = _toSharesDown(assets, totalSupplyAssets, totalSupplyShares);
        supplyShares[onBehalf] += shares;
        totalSupplyShares += shares;
        totalSupplyAssets += assets;
        _pull(loanToken, msg.sender, assets);
        emit Supply(msg.sender, onBehalf, assets, shares);
    }

    /// @notice Withdraws `assets` of the caller's supply; the shares burnt are rounded up.
    function withdraw(uint256 assets, address receiver) external returns (uint256 shares) {
        require(assets > 0 && receiver != address(0), "LendingMarket: bad input");
        accrueInterest();
        shares = _toSharesUp(assets, totalSupplyAssets, totalSupplyShares);
        supplyShares[msg.sender] -= shares;
        totalSupplyShares -= shares;
        totalSupplyAssets -= assets;
        require(totalBorrowAssets <= totalSupplyAssets, "LendingMarket: insufficient liquidity");
        _push(loanToken, receiver, assets);
        emit Withdraw(msg.sender, receiver, assets, shares);
    }

    /// @notice Burns `shares` of the caller's supply shares; the assets paid are rounded down.
    function redeem(uint256 shares, address receiver) external returns (uint256 assets) {
        require(shares > 0 && receiver != address(0), "LendingMarket: bad input");
        accrueInterest();
        assets = _toAssetsDown(shares, totalSupplyAssets, totalSupplyShares);
        supplyShares[msg.sender] -= shares;
        totalSupplyShares -= shares;
        totalSupplyAssets -= assets;
        require(totalBorrowAssets <= totalSupplyAssets, "LendingMarket: insufficient liquidity");
        _push(loanToken, receiver, assets);
        emit Withdraw(msg.sender, receiver, assets, shares);
    }

    /// @notice Borrows `assets` against the caller's collateral; the debt shares are rounded up.
    function borrow(uint256 assets, address receiver) external returns (uint256 shares) {
        require(assets > 0 && receiver != address(0), "LendingMarket: bad input");
        accrueInterest();
        shares = _toSharesUp(assets, totalBorrowAssets, totalBorrowShares);
        borrowShares[msg.sender] += shares;
        totalBorrowShares += shares;
        totalBorrowAssets += assets;
        require(_isHealthy(msg.sender, oracle.price()), "LendingMarket: insufficient collateral");
        require(totalBorrowAssets <= totalSupplyAssets, "LendingMarket: insufficient liquidity");
        _push(loanToken, receiver, assets);
        emit Borrow(msg.sender, receiver, assets, shares);
    }

    /// @notice Repays `assets` of the debt of `onBehalf`; the debt shares burnt are rounded down.
    function repay(uint256 assets, address onBehalf) external returns (uint256 shares) {
        require(assets > 0 && onBehalf != address(0), "LendingMarket: bad input");
        accrueInterest();
        shares = _toSharesDown(assets, totalBorrowAssets, totalBorrowShares);
        borrowShares[onBehalf] -= shares;
        totalBorrowShares -= shares;
        totalBorrowAssets = _zeroFloorSub(totalBorrowAssets, assets);
        _pull(loanToken, msg.sender, assets);
        emit Repay(msg.sender, onBehalf, assets, shares);
    }

    /// @notice Burns `shares` of the debt of `onBehalf`; the assets charged are rounded up.
    function repayShares(uint256 shares, address onBehalf) external returns (uint256 assets) {
        require(shares > 0 && onBehalf != address(0), "LendingMarket: bad input");
        accrueInterest();
        assets = _toAssetsUp(shares, totalBorrowAssets, totalBorrowShares);
        borrowShares[onBehalf] -= shares;
        totalBorrowShares -= shares;
        totalBorrowAssets = _zeroFloorSub(totalBorrowAssets, assets);
        _pull(loanToken, msg.sender, assets);
        emit Repay(msg.sender, onBehalf, assets, shares);
    }

    /// @notice Adds `assets` of collateral to the position of `onBehalf`.
    function supplyCollateral(uint256 assets, address onBehalf) external {
        require(assets > 0 && onBehalf != address(0), "LendingMarket: bad input");
        collateral[onBehalf] += assets;
        _pull(collateralToken, msg.sender, assets);
        emit SupplyCollateral(msg.sender, onBehalf, assets);
    }

    /// @notice Withdraws `assets` of the caller's collateral; the position must stay healthy.
    function withdrawCollateral(uint256 assets, address receiver) external {
        require(assets > 0 && receiver != address(0), "LendingMarket: bad input");
        accrueInterest();
        collateral[msg.sender] -= assets;
        require(_isHealthy(msg.sender, oracle.price()), "LendingMarket: insufficient collateral");
        _push(collateralToken, receiver, assets);
        emit WithdrawCollateral(msg.sender, receiver, assets);
    }

    /// @notice Liquidates an unhealthy position. Exactly one of `seizedAssets` (collateral taken) and
    ///         `repaidShares` (debt shares repaid) is non-zero; the other follows from the incentive.
    ///         Collateral reaching zero realises the remaining debt as bad debt; otherwise the remaining
    ///         debt must stay covered by the remaining collateral (underwater => liquidate in full).
    function liquidate(address borrower, uint256 seizedAssets, uint256 repaidShares)
        external
        returns (uint256, uint256)
    {
        require((seizedAssets == 0) != (repaidShares == 0), "LendingMarket: exactly one input");
        accrueInterest();
        uint256 price = oracle.price();
        require(!_isHealthy(borrower, price), "LendingMarket: position is healthy");

        if (seizedAssets > 0) {
            uint256 seizedQuoted = _mulDivUp(seizedAssets, price, ORACLE_SCALE);
            repaidShares = _toSharesUp(_wDivUp(seizedQuoted, liquidationIncentiveFactor), totalBorrowAssets, totalBorrowShares);
        } else {
            uint256 repaidQuoted = _toAssetsDown(repaidShares, totalBorrowAssets, totalBorrowShares);
            seizedAssets = _mulDivDown(_wMulDown(repaidQuoted, liquidationIncentiveFactor), ORACLE_SCALE, price);
        }
        uint256 repaidAssets = _toAssetsUp(repaidShares, totalBorrowAssets, totalBorrowShares);

        borrowShares[borrower] -= repaidShares;
        totalBorrowShares -= repaidShares;
        totalBorrowAssets = _zeroFloorSub(totalBorrowAssets, repaidAssets);
        collateral[borrower] -= seizedAssets;

        uint256 badDebtAssets;
        if (collateral[borrower] == 0) {
            uint256 badDebtShares = borrowShares[borrower];
            badDebtAssets = _min(totalBorrowAssets, _toAssetsUp(badDebtShares, totalBorrowAssets, totalBorrowShares));
            totalBorrowAssets -= badDebtAssets;
            totalSupplyAssets -= badDebtAssets;
            totalBorrowShares -= badDebtShares;
            borrowShares[borrower] = 0;
        } else {
            require(_debtOf(borrower) <= _mulDivDown(collateral[borrower], price, ORACLE_SCALE), "LendingMarket: must seize all collateral");
        }

        _push(collateralToken, msg.sender, seizedAssets);
        _pull(loanToken, msg.sender, repaidAssets);
        emit Liquidate(msg.sender, borrower, repaidAssets, repaidShares, seizedAssets, badDebtAssets);
        return (seizedAssets, repaidAssets);
    }

    /// @notice Debt of `user` in loan assets (rounded up) at the last accrual.
    function debtOf(address user) external view returns (uint256) {
        return _debtOf(user);
    }

    /// @notice Whether `user` is healthy at the current price and the last accrual.
    function isHealthy(address user) external view returns (bool) {
        return _isHealthy(user, oracle.price());
    }

    function _debtOf(address user) internal view returns (uint256) {
        return _toAssetsUp(borrowShares[user], totalBorrowAssets, totalBorrowShares);
    }

    function _isHealthy(address user, uint256 price) internal view returns (bool) {
        if (borrowShares[user] == 0) return true;
        uint256 maxBorrow = _wMulDown(_mulDivDown(collateral[user], price, ORACLE_SCALE), lltv);
        return maxBorrow >= _debtOf(user);
    }

    function _pull(IERC20 token, address from, uint256 amount) internal {
        require(token.transferFrom(from, address(this), amount), "LendingMarket: transferFrom failed");
    }

    function _push(IERC20 token, address to, uint256 amount) internal {
        require(token.transfer(to, amount), "LendingMarket: transfer failed");
    }

    function _toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return _mulDivDown(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    function _toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return _mulDivUp(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    function _toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return _mulDivDown(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    function _toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return _mulDivUp(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    function _mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y) / d;
    }

    function _mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y + (d - 1)) / d;
    }

    function _wMulDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDivDown(x, y, WAD);
    }

    function _wDivUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDivUp(x, WAD, y);
    }

    function _zeroFloorSub(uint256 x, uint256 y) internal pure returns (uint256) {
        return x > y ? x - y : 0;
    }

    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }
}
