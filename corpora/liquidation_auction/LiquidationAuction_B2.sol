// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";
import "../common/PriceOracle.sol";

/// @title LiquidationAuction
/// @notice Collateralised borrowing of a debt token against one collateral token, with Dutch
///         auctions for unhealthy positions. kick() flags an unhealthy position, adds the
///         liquidation penalty to its debt and pays the kicker a share of that debt. The
///         auction price starts above the oracle price, decays linearly to the oracle price at
///         kick over `cliff`, then linearly to a floor over the rest of `duration`. take() buys
///         collateral out of the position at the current price and repays its debt; once the
///         debt is repaid the leftover collateral stays with the borrower, and if the collateral
///         runs out first the remaining debt is written off as bad debt.
contract LiquidationAuction {
    uint256 public constant WAD = 1e18;
    uint256 public constant BPS = 10_000;

    struct Auction {
        address user;
        address kicker;
        uint256 top; // start price, WAD debt per collateral unit
        uint256 mid; // oracle price at kick
        uint256 floor; // price after `duration`
        uint256 start;
        bool active;
    }

    IERC20 public immutable collateralToken;
    IERC20 public immutable debtToken;
    PriceOracle public immutable oracle;
    address public owner;

    uint256 public maxLtvBps = 7_500;
    uint256 public liquidationThresholdBps = 8_000;
    uint256 public penaltyBps = 1_000;
    uint256 public kickerShareBps = 2_000; // share of the debt paid to the kicker
    uint256 public startBufferBps = 12_000;
    uint256 public floorBps = 5_000;
    uint256 public cliff = 1 hours;
    uint256 public duration = 6 hours;

    mapping(address => uint256) public collateralOf;
    mapping(address => uint256) public debtOf;
    mapping(address => uint256) public auctionOf; // auction id + 1, 0 when none
    Auction[] public auctions;

    uint256 public totalCollateral;
    uint256 public totalDebt;
    uint256 public reserves;
    uint256 public badDebt;

    event ReservesFunded(address indexed from, uint256 amount);
    event CollateralDeposited(address indexed user, uint256 amount);
    event CollateralWithdrawn(address indexed user, uint256 amount);
    event Borrowed(address indexed user, uint256 amount);
    event Repaid(address indexed user, uint256 amount);
    event Kicked(uint256 indexed id, address indexed user, address indexed kicker, uint256 debt, uint256 penalty, uint256 tip);
    event Taken(uint256 indexed id, address indexed taker, uint256 collateral, uint256 paid, uint256 price);
    event AuctionClosed(uint256 indexed id, uint256 leftoverCollateral, uint256 badDebt);
    event ParametersSet(uint256 maxLtvBps, uint256 liquidationThresholdBps, uint256 penaltyBps, uint256 kickerShareBps);

    modifier onlyOwner() {
        require(msg.sender == owner, "LiquidationAuction: not owner");
        _;
    }

    modifier notInAuction(address user) {
        require(auctionOf[user] == 0, "LiquidationAuction: in auction");
        _;
    }

    constructor(IERC20 collateralToken_, IERC20 debtToken_, PriceOracle oracle_) {
        collateralToken = collateralToken_;
        debtToken = debtToken_;
        oracle = oracle_;
        owner = msg.sender;
    }

    // ------------------------------------------------------------------ positions

    /// @notice Adds debt tokens to the lending reserves.
    function fundReserves(uint256 amount) external {
        reserves += amount;
        require(debtToken.transferFrom(msg.sender, address(this), amount), "LiquidationAuction: transfer failed");
        emit ReservesFunded(msg.sender, amount);
    }

    function depositCollateral(uint256 amount) external {
        collateralOf[msg.sender] += amount;
        totalCollateral += amount;
        require(collateralToken.transferFrom(msg.sender, address(this), amount), "LiquidationAuction: transfer failed");
        emit CollateralDeposited(msg.sender, amount);
    }

    /// @notice Withdraws collateral; the position must stay within maxLtvBps.
    function withdrawCollateral(uint256 amount) external notInAuction(msg.sender) {
        collateralOf[msg.sender] -= amount;
        totalCollateral -= amount;
        require(_withinLtv(msg.sender), "LiquidationAuction: ltv exceeded");
        require(collateralToken.transfer(msg.sender, amount), "LiquidationAuction: transfer failed");
        emit CollateralWithdrawn(msg.sender, amount);
    }

    /// @notice Borrows debt tokens from the reserves; the position must stay within maxLtvBps.
    function borrow(uint256 amount) external notInAuction(msg.sender) {
        require(amount <= reserves, "LiquidationAuction: insufficient reserves");
        debtOf[msg.sender] += amount;
        totalDebt += amount;
        reserves -= amount;
        require(_withinLtv(msg.sender), "LiquidationAuction: ltv exceeded");
        require(debtToken.transfer(msg.sender, amount), "LiquidationAuction: transfer failed");
        emit Borrowed(msg.sender, amount);
    }

    function repay(uint256 amount) external notInAuction(msg.sender) {
        if (amount > debtOf[msg.sender]) amount = debtOf[msg.sender];
        debtOf[msg.sender] -= amount;
        totalDebt -= amount;
        reserves += amount;
        require(debtToken.transferFrom(msg.sender, address(this), amount), "LiquidationAuction: transfer failed");
        emit Repaid(msg.sender, amount);
    }

    // ------------------------------------------------------------------ liquidation

    /// @notice Starts a Dutch auction of `user`'s collateral if the position is unhealthy.
    ///         Adds the penalty to the debt and pays the caller kickerShareBps of the debt.
    function kick(address user) external notInAuction(user) returns (uint256 id) {
        uint256 price = oracle.price();
        require(price > 0, "LiquidationAuction: no price");
        uint256 debt = debtOf[user];
        require(debt > 0, "LiquidationAuction: no debt");
        require(!_isHealthy(user, price), "LiquidationAuction: position healthy");
        uint256 penalty = (debt * penaltyBps) / BPS;
        debtOf[user] = debt + penalty;
        totalDebt += penalty;
        uint256 tip = (debtOf[user] * kickerShareBps) / BPS;
        if (tip > reserves) tip = reserves;
        reserves -= tip;
        id = auctions.length;
        auctions.push(
            Auction({
                user: user,
                kicker: msg.sender,
                top: (price * startBufferBps) / BPS,
                mid: price,
                floor: (price * floorBps) / BPS,
                start: block.timestamp,
                active: true
            })
        );
        auctionOf[user] = id + 1;
        if (tip > 0) {
            require(debtToken.transfer(msg.sender, tip), "LiquidationAuction: transfer failed");
        }
        emit Kicked(id, user, msg.sender, debt, penalty, tip);
    }

    /// @notice Buys up to `amount` collateral from auction `id` at the current price, repaying
    ///         the position's debt; never charges more than the remaining debt.
    function take(uint256 id, uint256 amount) external returns (uint256 slice, uint256 owe) {
        Auction storage a = auctions[id];
        require(a.active, "LiquidationAuction: not active");
        require(amount > 0, "LiquidationAuction: zero amount");
        address user = a.user;
        uint256 p = _auctionPrice(a);
        uint256 lot = collateralOf[user];
        uint256 tab = debtOf[user];
        slice = amount < lot ? amount : lot;
        owe = (slice * p + WAD - 1) / WAD;
        if (owe >= tab) {
            owe = tab;
            slice = (tab * WAD) / p;
            if (slice > lot) slice = lot;
        }
        collateralOf[user] = lot - slice;
        totalCollateral -= slice;
        debtOf[user] = tab - owe;
        totalDebt -= owe;
        reserves += owe;
        if (debtOf[user] == 0 || collateralOf[user] == 0) {
            _close(id, a);
        }
        require(debtToken.transferFrom(msg.sender, address(this), owe), "LiquidationAuction: transfer failed");
        require(collateralToken.transfer(msg.sender, slice), "LiquidationAuction: transfer failed");
        emit Taken(id, msg.sender, slice, owe, p);
    }

    // ------------------------------------------------------------------ admin

    function setParameters(uint256 maxLtv, uint256 threshold, uint256 penalty, uint256 kickerShare) external onlyOwner {
        require(maxLtv < threshold && threshold < BPS && penalty <= 2_000 && kickerShare <= BPS, "LiquidationAuction: bad parameters");
        maxLtvBps = maxLtv;
        liquidationThresholdBps = threshold;
        penaltyBps = penalty;
        kickerShareBps = kickerShare;
        emit ParametersSet(maxLtv, threshold, penalty, kickerShare);
    }

    // ------------------------------------------------------------------ views

    /// @notice Current price of auction `id` (0 once closed).
    function auctionPrice(uint256 id) external view returns (uint256) {
        Auction storage a = auctions[id];
        return a.active ? _auctionPrice(a) : 0;
    }

    function isHealthy(address user) external view returns (bool) {
        return _isHealthy(user, oracle.price());
    }

    function auctionCount() external view returns (uint256) {
        return auctions.length;
    }

    // ------------------------------------------------------------------ internals

    function _auctionPrice(Auction storage a) internal view returns (uint256) {
        uint256 elapsed = block.timestamp - a.start;
        if (elapsed < cliff) {
            return a.top - ((a.top - a.mid) * elapsed) / cliff;
        } else if (elapsed < duration) {
            return a.mid - ((a.mid - a.floor) * (elapsed - cliff)) / (duration - cliff);
        }
        return a.floor;
    }

    function _close(uint256 id, Auction storage a) internal {
        address user = a.user;
        uint256 writtenOff;
        if (debtOf[user] > 0) {
            writtenOff = debtOf[user];
            debtOf[user] = 0;
            totalDebt -= writtenOff;
            badDebt += writtenOff;
        }
        a.active = false;
        auctionOf[user] = 0;
        emit AuctionClosed(id, collateralOf[user], writtenOff);
    }

    function _isHealthy(address user, uint256 price) internal view returns (bool) {
        return collateralOf[user] * price * liquidationThresholdBps >= debtOf[user] * WAD * BPS;
    }

    function _withinLtv(address user) internal view returns (bool) {
        return collateralOf[user] * oracle.price() * maxLtvBps >= debtOf[user] * WAD * BPS;
    }
}
