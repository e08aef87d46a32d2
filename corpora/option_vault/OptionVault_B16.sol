// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";
import "../common/PriceOracle.sol";

/// @title OptionVault
/// @notice Covered-call vault. Writers deposit the underlying token and lock one unit per option
///         written in a series (strike in ETH per underlying unit, expiry). Writers sell their
///         options for an ETH premium; holders may exercise before expiry by paying the strike in
///         ETH. After expiry the series is settled at the oracle price: in-the-money options are
///         cash-settled in underlying ((S - K) / S per option) and the writers share the rest of
///         the collateral and the strike proceeds pro rata to the options they wrote.
contract OptionVault {
    uint256 public constant WAD = 1e18;

    struct Series {
        uint256 strike; // ETH per underlying unit, WAD
        uint256 expiry;
        uint256 totalWritten; // options written (one underlying unit locked each)
        uint256 outstanding; // options neither exercised nor claimed
        uint256 collateralLocked; // underlying locked for live options (until settlement)
        uint256 strikeProceeds; // ETH paid by exercisers, owed to the writers
        uint256 ethClaimed; // part of strikeProceeds already paid to writers
        uint256 settlementPrice; // oracle price used at settlement, 0 before
        uint256 payoutPerOption; // underlying per option for holders, WAD
        uint256 payoutReserve; // underlying still reserved for holders' claims
        uint256 writersPool; // underlying left to the writers at settlement
        uint256 poolClaimed; // part of writersPool already paid
        bool settled;
    }

    IERC20 public immutable underlying;
    PriceOracle public immutable oracle;
    address public owner;
    uint256 public collateralCap;

    Series[] internal _series;
    mapping(address => uint256) public freeCollateral;
    mapping(uint256 => mapping(address => uint256)) public written;
    mapping(uint256 => mapping(address => uint256)) public optionBalance;
    mapping(uint256 => mapping(address => uint256)) public premiumAsk; // ETH per option, WAD
    mapping(uint256 => mapping(address => uint256)) public forSale;
    mapping(address => uint256) public ethOwed;

    uint256 public totalFree;
    uint256 public totalLocked;
    uint256 public totalReserved;
    uint256 public totalEthOwed;

    event SeriesCreated(uint256 indexed id, uint256 strike, uint256 expiry);
    event CollateralDeposited(address indexed writer, uint256 amount);
    event CollateralWithdrawn(address indexed writer, uint256 amount);
    event OptionsWritten(uint256 indexed id, address indexed writer, uint256 amount);
    event AskSet(uint256 indexed id, address indexed writer, uint256 premium, uint256 amount);
    event OptionsBought(uint256 indexed id, address indexed writer, address indexed buyer, uint256 amount, uint256 cost);
    event OptionsTransferred(uint256 indexed id, address indexed from, address indexed to, uint256 amount);
    event Exercised(uint256 indexed id, address indexed holder, uint256 amount, uint256 paid);
    event Settled(uint256 indexed id, uint256 price, uint256 payoutPerOption);
    event Claimed(uint256 indexed id, address indexed holder, uint256 amount, uint256 payout);
    event WriterClaimed(uint256 indexed id, address indexed writer, uint256 underlyingAmount, uint256 ethAmount);
    event EthWithdrawn(address indexed writer, uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner, "OptionVault: not owner");
        _;
    }

    constructor(IERC20 underlying_, PriceOracle oracle_, uint256 collateralCap_) {
        underlying = underlying_;
        oracle = oracle_;
        collateralCap = collateralCap_;
        owner = msg.sender;
    }

    // ------------------------------------------------------------------ admin

    /// @notice Lists a series with `strike` (ETH per unit, WAD) expiring `duration` seconds from now.
    function createSeries(uint256 strike, uint256 duration) external onlyOwner returns (uint256 id) {
        require(strike > 0 && duration > 0, "OptionVault: bad series");
        id = _series.length;
        Series storage s = _series.push();
        s.strike = strike;
        s.expiry = block.timestamp + duration;
        emit SeriesCreated(id, strike, s.expiry);
    }

    function setCollateralCap(uint256 cap) external onlyOwner {
        collateralCap = cap;
    }

    /// @notice Emergency settlement at an owner-supplied price when the oracle cannot be used.
    function settleWithPrice(uint256 id, uint256 price) external onlyOwner {
        _settle(id, price);
    }

    // ------------------------------------------------------------------ writers

    function depositCollateral(uint256 amount) external {
        freeCollateral[msg.sender] += amount;
        totalFree += amount;
        require(underlying.transferFrom(msg.sender, address(this), amount), "OptionVault: transfer failed");
        emit CollateralDeposited(msg.sender, amount);
    }

    function withdrawCollateral(uint256 amount) external {
        require(freeCollateral[msg.sender] >= amount, "OptionVault: insufficient free collateral");
        freeCollateral[msg.sender] -= amount;
        totalFree -= amount;
        require(underlying.transfer(msg.sender, amount), "OptionVault: transfer failed");
        emit CollateralWithdrawn(msg.sender, amount);
    }

    /// @notice Locks `amount` free collateral and mints `amount` options of series `id` to the writer.
    function writeOptions(uint256 id, uint256 amount) external {
        Series storage s = _live(id);
        require(amount > 0, "OptionVault: zero amount");
        require(freeCollateral[msg.sender] >= amount, "OptionVault: insufficient free collateral");
        freeCollateral[msg.sender] -= amount;
        totalFree -= amount;
        s.collateralLocked += amount;
        totalLocked += amount;
        require(totalLocked <= collateralCap, "OptionVault: collateral cap");
        s.totalWritten += amount;
        s.outstanding += amount;
        written[id][msg.sender] += amount;
        optionBalance[id][msg.sender] += amount;
        emit OptionsWritten(id, msg.sender, amount);
    }

    /// @notice Offers `amount` of the caller's options of series `id` at `premium` ETH per option.
    function setAsk(uint256 id, uint256 premium, uint256 amount) external {
        _live(id);
        require(optionBalance[id][msg.sender] >= amount, "OptionVault: not enough options");
        premiumAsk[id][msg.sender] = premium;
        forSale[id][msg.sender] = amount;
        emit AskSet(id, msg.sender, premium, amount);
    }

    function withdrawEth() external {
        uint256 amount = ethOwed[msg.sender];
        require(amount > 0, "OptionVault: nothing owed");
        ethOwed[msg.sender] = 0;
        totalEthOwed -= amount;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "OptionVault: ETH transfer failed");
        emit EthWithdrawn(msg.sender, amount);
    }

    // ------------------------------------------------------------------ buyers and holders

    /// @notice Buys `amount` options of series `id` from `writer`, paying the premium in ETH.
    function buy(uint256 id, address writer, uint256 amount) external payable {
        uint256 cost = _buy(id, writer, amount);
        require(msg.value == cost, "OptionVault: wrong premium");
    }

    /// @notice Buys several lots in one call; msg.value must cover each lot's premium.
    function buyBatch(uint256[] calldata ids, address[] calldata writers, uint256[] calldata amounts) external payable {
        require(ids.length == writers.length && ids.length == amounts.length, "OptionVault: length mismatch");
        for (uint256 i = 0; i < ids.length; i++) {
            uint256 cost = _buy(ids[i], writers[i], amounts[i]);
            require(msg.value >= cost, "OptionVault: premium too low");
        }
    }

    function transferOptions(uint256 id, address to, uint256 amount) external {
        require(to != address(0), "OptionVault: zero address");
        require(optionBalance[id][msg.sender] >= amount, "OptionVault: not enough options");
        require(forSale[id][msg.sender] <= optionBalance[id][msg.sender] - amount, "OptionVault: options listed");
        optionBalance[id][msg.sender] -= amount;
        optionBalance[id][to] += amount;
        emit OptionsTransferred(id, msg.sender, to, amount);
    }

    /// @notice Exercises `amount` options before expiry: pays amount * strike ETH, receives `amount` underlying.
    function exercise(uint256 id, uint256 amount) external payable {
        Series storage s = _live(id);
        require(amount > 0 && optionBalance[id][msg.sender] >= amount, "OptionVault: not enough options");
        require(forSale[id][msg.sender] <= optionBalance[id][msg.sender] - amount, "OptionVault: options listed");
        uint256 cost = _mulDivUp(amount, s.strike, WAD);
        require(msg.value == cost, "OptionVault: wrong strike payment");
        optionBalance[id][msg.sender] -= amount;
        s.outstanding -= amount;
        s.collateralLocked -= amount;
        totalLocked -= amount;
        s.strikeProceeds += cost;
        totalEthOwed += cost;
        require(underlying.transfer(msg.sender, amount), "OptionVault: transfer failed");
        emit Exercised(id, msg.sender, amount, cost);
    }

    /// @notice Settles series `id` at the oracle price once it has expired.
    function settle(uint256 id) external {
        uint256 price = oracle.price();
        require(price > 0, "OptionVault: no price");
        _settle(id, price);
    }

    /// @notice Cash-settles `amount` options of a settled series: pays amount * payoutPerOption (rounded down).
    function claim(uint256 id, uint256 amount) external {
        Series storage s = _series[id];
        require(s.settled, "OptionVault: not settled");
        require(amount > 0 && optionBalance[id][msg.sender] >= amount, "OptionVault: not enough options");
        optionBalance[id][msg.sender] -= amount;
        s.outstanding -= amount;
        uint256 payout = (amount * s.payoutPerOption) / WAD;
        s.payoutReserve -= payout;
        totalReserved -= payout;
        if (payout > 0) {
            require(underlying.transfer(msg.sender, payout), "OptionVault: transfer failed");
        }
        emit Claimed(id, msg.sender, amount, payout);
    }

    /// @notice Pays a writer its pro-rata share of the remaining collateral and the strike proceeds.
    function claimWriter(uint256 id) external {
        Series storage s = _series[id];
        require(s.settled, "OptionVault: not settled");
        uint256 w = written[id][msg.sender];
        require(w > 0, "OptionVault: nothing written");
        written[id][msg.sender] = 0;
        uint256 underlyingShare = (s.writersPool * w) / s.totalWritten;
        uint256 ethShare = (s.strikeProceeds * w) / s.totalWritten;
        s.poolClaimed += underlyingShare;
        s.ethClaimed += ethShare;
        totalReserved -= underlyingShare;
        totalEthOwed -= ethShare;
        require(underlying.transfer(msg.sender, underlyingShare), "OptionVault: transfer failed");
        (bool ok, ) = payable(msg.sender).call{value: ethShare}("");
        require(ok, "OptionVault: ETH transfer failed");
        emit WriterClaimed(id, msg.sender, underlyingShare, ethShare);
    }

    // ------------------------------------------------------------------ views

    function seriesCount() external view returns (uint256) {
        return _series.length;
    }

    function series(uint256 id) external view returns (Series memory) {
        return _series[id];
    }

    // ------------------------------------------------------------------ internals

    function _live(uint256 id) internal view returns (Series storage s) {
        require(id < _series.length, "OptionVault: unknown series");
        s = _series[id];
        require(block.timestamp < s.expiry, "OptionVault: expired");
    }

    function _buy(uint256 id, address writer, uint256 amount) internal returns (uint256 cost) {
        _live(id);
        require(amount > 0 && forSale[id][writer] >= amount, "OptionVault: not for sale");
        forSale[id][writer] -= amount;
        optionBalance[id][writer] -= amount;
        optionBalance[id][msg.sender] += amount;
        cost = _mulDivUp(amount, premiumAsk[id][writer], WAD);
        ethOwed[writer] += cost;
        totalEthOwed += cost;
        emit OptionsBought(id, writer, msg.sender, amount, cost);
    }

    function _settle(uint256 id, uint256 price) internal {
        require(id < _series.length, "OptionVault: unknown series");
        Series storage s = _series[id];
        require(block.timestamp >= s.expiry, "OptionVault: not expired");
        require(!s.settled, "OptionVault: already settled");
        s.settled = true;
        s.settlementPrice = price;
        if (price > s.strike) {
            s.payoutPerOption = ((price - s.strike) * WAD) / price;
            s.payoutReserve = (s.outstanding * (price - s.strike)) / price;
        }
        s.writersPool = s.collateralLocked - s.payoutReserve;
        totalLocked -= s.collateralLocked;
        totalReserved += s.collateralLocked;
        s.collateralLocked = 0;
        emit Settled(id, price, s.payoutPerOption);
    }

    function _mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y + d - 1) / d;
    }
}
