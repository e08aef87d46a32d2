// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";
import "../common/AggregatorV3Interface.sol";

/// @title PerpEngine
/// @notice Single-market perpetual futures engine. Traders post ERC20 margin, open one long or
///         short position each at the Chainlink index price, pay a trading fee on notional and a
///         funding payment that accrues continuously from the premium of the mark price over the
///         index price (mark = index * (1 + skew / skewScale)). The insurance fund is the
///         counterparty of every trade: it collects fees, losses and liquidation penalties and
///         pays profits and negative funding (never more than it holds).
contract PerpEngine {
    uint256 public constant BPS = 10_000;
    uint256 public constant WAD = 1e18;

    struct Position {
        int256 size; // base units (1e18 = one unit); > 0 long, < 0 short
        uint256 entryPrice; // WAD quote per unit
        int256 entryFunding; // cumulativeFunding when the position was last settled
    }

    IERC20 public immutable marginToken;
    AggregatorV3Interface public immutable priceFeed;
    uint8 public immutable feedDecimals;
    address public owner;

    uint256 public feeBps = 10;
    uint256 public initialMarginBps = 1_000;
    uint256 public maintenanceMarginBps = 500;
    uint256 public liquidationRewardBps = 100;
    uint256 public maxPriceAge;
    uint256 public skewScale = 10_000e18;
    uint256 public fundingPeriod = 1 days;
    uint256 public maxOpenInterest = 1_000_000e18;

    mapping(address => uint256) public collateral;
    mapping(address => Position) public positions;
    uint256 public totalCollateral;
    uint256 public insuranceFund;
    uint256 public longOpenInterest;
    uint256 public shortOpenInterest;
    /// @notice Funding paid by one unit of long size since deployment, WAD quote per unit.
    int256 public cumulativeFunding;
    uint256 public lastFundingUpdate;

    event Deposited(address indexed trader, uint256 amount);
    event Withdrawn(address indexed trader, uint256 amount);
    event InsuranceFunded(address indexed from, uint256 amount);
    event FundingUpdated(int256 cumulativeFunding, int256 delta, uint256 timestamp);
    event PositionOpened(address indexed trader, int256 size, uint256 price, uint256 fee);
    event PositionClosed(address indexed trader, int256 size, uint256 price, int256 pnl, int256 funding, uint256 fee);
    event Liquidated(address indexed trader, address indexed keeper, int256 size, uint256 price, uint256 reward);
    event BadDebt(address indexed trader, uint256 amount);
    event RiskParametersSet(uint256 feeBps, uint256 initialMarginBps, uint256 maintenanceMarginBps, uint256 liquidationRewardBps);

    modifier onlyOwner() {
        require(msg.sender == owner, "PerpEngine: not owner");
        _;
    }

    constructor(IERC20 marginToken_, AggregatorV3Interface priceFeed_, uint256 maxPriceAge_) {
        uint8 dec = priceFeed_.decimals();
        require(dec <= 18, "PerpEngine: feed decimals");
        marginToken = marginToken_;
        priceFeed = priceFeed_;
        feedDecimals = dec;
        maxPriceAge = maxPriceAge_;
        owner = msg.sender;
        lastFundingUpdate = block.timestamp;
    }

    // ------------------------------------------------------------------ margin

    /// @notice Deposits `amount` margin tokens to the caller's account.
    function deposit(uint256 amount) external {
        require(amount > 0, "PerpEngine: zero amount");
        collateral[msg.sender] += amount;
        totalCollateral += amount;
        require(marginToken.transferFrom(msg.sender, address(this), amount), "PerpEngine: transfer failed");
        emit Deposited(msg.sender, amount);
    }

    /// @notice Withdraws `amount` margin; with an open position the rest must meet the initial margin.
    function withdraw(uint256 amount) external {
        require(collateral[msg.sender] >= amount, "PerpEngine: insufficient collateral");
        collateral[msg.sender] -= amount;
        totalCollateral -= amount;
        Position memory p = positions[msg.sender];
        if (p.size != 0) {
            updateFunding();
            require(_meetsMargin(msg.sender, p, _indexPrice(), initialMarginBps), "PerpEngine: margin too low");
        }
        require(marginToken.transfer(msg.sender, amount), "PerpEngine: transfer failed");
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Adds `amount` tokens to the insurance fund (the counterparty of all positions).
    function fundInsurance(uint256 amount) external {
        require(amount > 0, "PerpEngine: zero amount");
        insuranceFund += amount;
        require(marginToken.transferFrom(msg.sender, address(this), amount), "PerpEngine: transfer failed");
        emit InsuranceFunded(msg.sender, amount);
    }

    // ------------------------------------------------------------------ trading

    /// @notice Accrues funding since the last update at the current skew and index price.
    function updateFunding() public {
        uint256 elapsed = block.timestamp - lastFundingUpdate;
        if (elapsed == 0) return;
        int256 skew = int256(longOpenInterest) - int256(shortOpenInterest);
        int256 delta;
        if (skew != 0) {
            // (mark - index) per unit = index * skew / skewScale, paid once per fundingPeriod
            delta = (int256(_indexPrice()) * skew * int256(elapsed)) / int256(skewScale * fundingPeriod);
            cumulativeFunding += delta;
        }
        lastFundingUpdate = block.timestamp;
        emit FundingUpdated(cumulativeFunding, delta, block.timestamp);
    }

    /// @notice Opens a long or short position of `size` at the index price, charging the fee.
    function openPosition(bool isLong, uint256 size) external {
        require(size > 0 && size <= maxOpenInterest, "PerpEngine: bad size");
        require(positions[msg.sender].size == 0, "PerpEngine: position exists");
        updateFunding();
        uint256 price = _indexPrice();
        uint256 fee = _fee(size, price);
        require(collateral[msg.sender] >= fee, "PerpEngine: fee exceeds collateral");
        collateral[msg.sender] -= fee;
        totalCollateral -= fee;
        insuranceFund += fee;
        int256 signed = isLong ? int256(size) : -int256(size);
        positions[msg.sender] = Position({size: signed, entryPrice: price, entryFunding: cumulativeFunding});
        if (isLong) {
            longOpenInterest += size;
            require(longOpenInterest <= maxOpenInterest, "PerpEngine: open interest cap");
        } else {
            shortOpenInterest += size;
            require(shortOpenInterest <= maxOpenInterest, "PerpEngine: open interest cap");
        }
        require(_meetsMargin(msg.sender, positions[msg.sender], price, initialMarginBps), "PerpEngine: margin too low");
        emit PositionOpened(msg.sender, signed, price, fee);
    }

    /// @notice Closes the caller's position, realising pnl, funding and the closing fee.
    function closePosition() external {
        Position memory p = positions[msg.sender];
        require(p.size != 0, "PerpEngine: no position");
        updateFunding();
        uint256 price = _indexPrice();
        int256 pnl = _pnl(p, price);
        int256 funding = _fundingOwed(p);
        uint256 fee = _fee(_abs(p.size), price);
        _removePosition(msg.sender, p.size);
        _settle(msg.sender, pnl - funding - int256(fee));
        emit PositionClosed(msg.sender, p.size, price, pnl, funding, fee);
    }

    /// @notice Liquidates `trader` when its remaining margin is below the maintenance margin.
    ///         The keeper earns liquidationRewardBps of notional out of the remaining margin,
    ///         topped up by the insurance fund when the margin is exhausted.
    function liquidate(address trader) external {
        Position memory p = positions[trader];
        require(p.size != 0, "PerpEngine: no position");
        updateFunding();
        uint256 price = _indexPrice();
        require(!_meetsMargin(trader, p, price, maintenanceMarginBps), "PerpEngine: position healthy");
        _removePosition(trader, p.size);
        _settle(trader, _pnl(p, price) - _fundingOwed(p));
        uint256 seized = collateral[trader];
        uint256 reward = (_abs(p.size) * price * liquidationRewardBps) / (WAD * BPS);
        if (reward <= seized) {
            insuranceFund += seized - reward;
        } else {
            uint256 topUp = reward - seized;
            if (topUp > insuranceFund) topUp = insuranceFund;
            insuranceFund -= topUp;
            reward += topUp;
        }
        collateral[trader] = 0;
        collateral[msg.sender] += reward;
        totalCollateral = totalCollateral - seized + reward;
        emit Liquidated(trader, msg.sender, p.size, price, reward);
    }

    // ------------------------------------------------------------------ admin

    /// @notice Sets the risk parameters (owner only).
    function setRiskParameters(uint256 fee, uint256 im, uint256 mm, uint256 reward) external onlyOwner {
        require(fee <= 100 && mm < im && im <= BPS && reward < mm, "PerpEngine: bad parameters");
        feeBps = fee;
        initialMarginBps = im;
        maintenanceMarginBps = mm;
        liquidationRewardBps = reward;
        emit RiskParametersSet(fee, im, mm, reward);
    }

    // ------------------------------------------------------------------ views

    /// @notice Index price from the feed, scaled to WAD.
    function indexPrice() external view returns (uint256) {
        return _indexPrice();
    }

    /// @notice Mark price: the index price plus the skew premium, index * (1 + skew / skewScale).
    function markPrice() external view returns (uint256) {
        int256 skew = int256(longOpenInterest) - int256(shortOpenInterest);
        if (skew <= -int256(skewScale)) return 0;
        return uint256((int256(_indexPrice()) * (int256(skewScale) + skew)) / int256(skewScale));
    }

    /// @notice Remaining margin of `trader` at the current index price (funding up to the last update).
    function remainingMargin(address trader) external view returns (int256) {
        Position memory p = positions[trader];
        return int256(collateral[trader]) + _pnl(p, _indexPrice()) - _fundingOwed(p);
    }

    // ------------------------------------------------------------------ internals

    function _indexPrice() internal view returns (uint256) {
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = priceFeed.latestRoundData();
        require(answer > 0, "PerpEngine: invalid price");
        require(updatedAt != 0 && updatedAt <= block.timestamp, "PerpEngine: invalid round");
        require(block.timestamp - updatedAt <= maxPriceAge, "PerpEngine: stale price");
        require(answeredInRound >= roundId, "PerpEngine: stale round");
        return uint256(answer) * 10 ** (18 - feedDecimals);
    }

    function _pnl(Position memory p, uint256 price) internal pure returns (int256) {
        return (p.size * (int256(price) - int256(p.entryPrice))) / int256(WAD);
    }

    function _fundingOwed(Position memory p) internal view returns (int256) {
        return (p.size * (cumulativeFunding - p.entryFunding)) / int256(WAD);
    }

    function _fee(uint256 size, uint256 price) internal view returns (uint256) {
        return (size * price * feeBps) / (WAD * BPS);
    }

    function _meetsMargin(address trader, Position memory p, uint256 price, uint256 marginBps)
        internal
        view
        returns (bool)
    {
        int256 margin = int256(collateral[trader]) + _pnl(p, price) - _fundingOwed(p);
        if (margin <= 0) return false;
        return uint256(margin) * WAD * BPS >= _abs(p.size) * price * marginBps;
    }

    function _removePosition(address trader, int256 size) internal {
        if (size > 0) longOpenInterest -= uint256(size);
        else shortOpenInterest -= uint256(-size);
        delete positions[trader];
    }

    /// @dev Moves `amount` between the trader's collateral and the insurance fund.
    function _settle(address trader, int256 amount) internal {
        if (amount >= 0) {
            uint256 gain = uint256(amount);
            if (gain > insuranceFund) gain = insuranceFund;
            insuranceFund -= gain;
            collateral[trader] += gain;
            totalCollateral += gain;
        } else {
            uint256 loss = uint256(-amount);
            uint256 bal = collateral[trader];
            if (loss > bal) {
                emit BadDebt(trader, loss - bal);
                loss = bal;
            }
            collateral[trader] = bal - loss;
            totalCollateral -= loss;
            insuranceFund += loss;
        }
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}
