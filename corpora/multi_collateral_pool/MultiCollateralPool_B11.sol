// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";
import "../common/PriceOracle.sol";

/// @title MultiCollateralPool
/// @notice Lending pool for one base token (priced at 1) against up to 16 collateral assets.
///         Each account enables collaterals in a bit mask (bit i = asset i); only enabled
///         collaterals count. Borrowing and withdrawals are limited by the collateral factor of
///         each enabled asset, liquidation by the (higher) liquidation factor. Collateral can be
///         moved between accounts; collateral tokens are moved with low-level calls so tokens
///         that return no value are supported.
contract MultiCollateralPool {
    uint256 public constant WAD = 1e18;
    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_ASSETS = 16;

    struct Asset {
        address token;
        PriceOracle oracle; // base units per whole collateral unit, WAD
        uint16 collateralFactorBps;
        uint16 liquidationFactorBps;
    }

    IERC20 public immutable baseToken;
    address public owner;
    uint256 public liquidationBonusBps = 800;

    Asset[] public assets;
    mapping(address => uint256) public assetIndexPlusOne;
    mapping(address => uint256) public collateralMask; // bit i set: asset i enabled
    mapping(address => mapping(uint256 => uint256)) public collateralBalance;
    mapping(uint256 => uint256) public totalCollateral;
    mapping(address => uint256) public debtOf;
    mapping(address => uint256) public supplied;
    uint256 public totalBorrows;
    uint256 public totalSupplied;

    event AssetListed(uint256 indexed index, address indexed token, address oracle, uint16 collateralFactorBps, uint16 liquidationFactorBps);
    event Supplied(address indexed lender, uint256 amount);
    event SupplyWithdrawn(address indexed lender, uint256 amount);
    event CollateralDeposited(address indexed user, uint256 indexed index, uint256 amount);
    event CollateralWithdrawn(address indexed user, uint256 indexed index, uint256 amount);
    event CollateralTransferred(address indexed from, address indexed to, uint256 indexed index, uint256 amount);
    event CollateralEnabled(address indexed user, uint256 indexed index, bool enabled);
    event Borrowed(address indexed user, uint256 amount);
    event Repaid(address indexed payer, address indexed user, uint256 amount);
    event Liquidated(address indexed user, address indexed liquidator, uint256 indexed index, uint256 repaid, uint256 seized);

    modifier onlyOwner() {
        require(msg.sender == owner, "MultiCollateralPool: not owner");
        _;
    }

    constructor(IERC20 baseToken_) {
        baseToken = baseToken_;
        owner = msg.sender;
    }

    // ------------------------------------------------------------------ admin

    /// @notice Lists a collateral asset at the next index (at most MAX_ASSETS).
    function listAsset(address token, PriceOracle oracle, uint16 collateralFactorBps, uint16 liquidationFactorBps)
        external
        onlyOwner
    {
        require(assets.length < MAX_ASSETS, "MultiCollateralPool: too many assets");
        require(assetIndexPlusOne[token] == 0, "MultiCollateralPool: listed");
        require(collateralFactorBps < liquidationFactorBps && liquidationFactorBps < BPS, "MultiCollateralPool: bad factors");
        assets.push(Asset(token, oracle, collateralFactorBps, liquidationFactorBps));
        assetIndexPlusOne[token] = assets.length;
        emit AssetListed(assets.length - 1, token, address(oracle), collateralFactorBps, liquidationFactorBps);
    }

    // ------------------------------------------------------------------ lenders

    function supply(uint256 amount) external {
        supplied[msg.sender] += amount;
        totalSupplied += amount;
        require(baseToken.transferFrom(msg.sender, address(this), amount), "MultiCollateralPool: transfer failed");
        emit Supplied(msg.sender, amount);
    }

    function withdrawSupply(uint256 amount) external {
        require(totalSupplied - amount >= totalBorrows, "MultiCollateralPool: liquidity in use");
        supplied[msg.sender] -= amount;
        totalSupplied -= amount;
        require(baseToken.transfer(msg.sender, amount), "MultiCollateralPool: transfer failed");
        emit SupplyWithdrawn(msg.sender, amount);
    }

    // ------------------------------------------------------------------ collateral

    /// @notice Deposits `amount` of collateral asset `index` and enables it for the caller.
    function depositCollateral(uint256 index, uint256 amount) external {
        require(index < assets.length, "MultiCollateralPool: unknown asset");
        collateralBalance[msg.sender][index] += amount;
        totalCollateral[index] += amount;
        collateralMask[msg.sender] |= (1 << index);
        _safeTransferFrom(assets[index].token, msg.sender, address(this), amount);
        emit CollateralDeposited(msg.sender, index, amount);
    }

    /// @notice Withdraws collateral; if the asset is enabled the account must stay within its
    ///         borrow capacity (disabled collateral does not back any debt).
    function withdrawCollateral(uint256 index, uint256 amount) external {
        collateralBalance[msg.sender][index] -= amount;
        totalCollateral[index] -= amount;
        if (collateralMask[msg.sender] & (1 << index) != 0) {
            require(_isHealthy(msg.sender), "MultiCollateralPool: insufficient collateral");
        }
        _safeTransfer(assets[index].token, msg.sender, amount);
        emit CollateralWithdrawn(msg.sender, index, amount);
    }

    function enableCollateral(uint256 index) external {
        require(index < assets.length, "MultiCollateralPool: unknown asset");
        collateralMask[msg.sender] |= (1 << index);
        emit CollateralEnabled(msg.sender, index, true);
    }

    /// @notice Stops counting asset `index` as collateral; the account must stay healthy.
    function disableCollateral(uint256 index) external {
        require(index < assets.length, "MultiCollateralPool: unknown asset");
        collateralMask[msg.sender] &= ~(1 << index);
        require(_isHealthy(msg.sender), "MultiCollateralPool: insufficient collateral");
        emit CollateralEnabled(msg.sender, index, false);
    }

    /// @notice Moves `amount` of collateral asset `index` from the caller to `to` (enabled for `to`).
    function transferCollateral(uint256 index, address to, uint256 amount) external {
        require(index < assets.length, "MultiCollateralPool: unknown asset");
        require(to != address(0), "MultiCollateralPool: zero address");
        collateralBalance[msg.sender][index] -= amount;
        collateralBalance[to][index] += amount;
        collateralMask[to] |= (1 << index);
        require(_isHealthy(msg.sender), "MultiCollateralPool: insufficient collateral");
        emit CollateralTransferred(msg.sender, to, index, amount);
    }

    // ------------------------------------------------------------------ borrowing

    /// @notice Borrows base tokens against the caller's enabled collateral.
    function borrow(uint256 amount) external {
        require(totalBorrows + amount <= totalSupplied, "MultiCollateralPool: insufficient liquidity");
        debtOf[msg.sender] += amount;
        totalBorrows += amount;
        require(_isHealthy(msg.sender), "MultiCollateralPool: insufficient collateral");
        require(baseToken.transfer(msg.sender, amount), "MultiCollateralPool: transfer failed");
        emit Borrowed(msg.sender, amount);
    }

    function repay(address user, uint256 amount) external {
        if (amount > debtOf[user]) amount = debtOf[user];
        debtOf[user] -= amount;
        totalBorrows -= amount;
        require(baseToken.transferFrom(msg.sender, address(this), amount), "MultiCollateralPool: transfer failed");
        emit Repaid(msg.sender, user, amount);
    }

    /// @notice Repays up to `repayAmount` of `user`'s debt and seizes enabled collateral `index`
    ///         worth the repayment plus liquidationBonusBps, if the account is liquidatable.
    function liquidate(address user, uint256 index, uint256 repayAmount) external {
        require(_isLiquidatable(user), "MultiCollateralPool: not liquidatable");
        require(collateralMask[user] & (1 << index) != 0, "MultiCollateralPool: collateral not enabled");
        uint256 repay_ = repayAmount < debtOf[user] ? repayAmount : debtOf[user];
        uint256 price = assets[index].oracle.price();
        uint256 seize = (repay_ * (BPS + liquidationBonusBps) * WAD) / (BPS * price);
        uint256 bal = collateralBalance[user][index];
        if (seize > bal) {
            seize = bal;
            repay_ = (bal * price * BPS) / (WAD * (BPS + liquidationBonusBps));
        }
        debtOf[user] -= repay_;
        totalBorrows -= repay_;
        collateralBalance[user][index] = bal - seize;
        totalCollateral[index] -= seize;
        require(baseToken.transferFrom(msg.sender, address(this), repay_), "MultiCollateralPool: transfer failed");
        _safeTransfer(assets[index].token, msg.sender, seize);
        emit Liquidated(user, msg.sender, index, repay_, seize);
    }

    // ------------------------------------------------------------------ views

    function assetCount() external view returns (uint256) {
        return assets.length;
    }

    /// @notice Borrow capacity in base units: sum of enabled collateral value times collateral factor.
    function borrowCapacity(address user) external view returns (uint256) {
        return _borrowCapacity(user);
    }

    function isLiquidatable(address user) external view returns (bool) {
        return _isLiquidatable(user);
    }

    // ------------------------------------------------------------------ internals

    function _borrowCapacity(address user) internal view returns (uint256 capacity) {
        uint256 mask = collateralMask[user];
        for (uint256 i = 0; i < assets.length; i++) {
            if (mask & (1 << i) != 0) {
                Asset storage a = assets[i];
                capacity += (collateralBalance[user][i] * a.oracle.price() * a.collateralFactorBps) / (WAD * BPS);
            }
        }
    }

    function _liquidationValue(address user) internal view returns (uint256 value) {
        uint256 mask = collateralMask[user];
        for (uint256 i = 0; i < assets.length; i++) {
            if (mask & (1 << i) != 0) {
                Asset storage a = assets[i];
                value += (collateralBalance[user][i] * a.oracle.price() * a.liquidationFactorBps) / (WAD * BPS);
            }
        }
    }

    function _isHealthy(address user) internal view returns (bool) {
        return debtOf[user] <= _borrowCapacity(user);
    }

    function _isLiquidatable(address user) internal view returns (bool) {
        return debtOf[user] > _liquidationValue(user);
    }

    function _safeTransferFrom(address token, address from, address to, uint256 amount) internal {
        (bool ok, ) = token.call(abi.encodeWithSelector(IERC20.transferFrom.selector, from, to, amount));
        require(ok, "MultiCollateralPool: transferFrom failed");
    }

    function _safeTransfer(address token, address to, uint256 amount) internal {
        (bool ok, ) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, amount));
        require(ok, "MultiCollateralPool: transfer failed");
    }
}
