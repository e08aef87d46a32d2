// SPDX-License-Identifier: MIT
pragma solidity 0.6.12;

import "../common/IERC20.sol";
import "../common/AggregatorV3Interface.sol";

/// @title CdpEngine
/// @notice Collateralised debt positions for one collateral token (`gem`). Each user's urn holds
///         locked collateral `ink` (wad) and normalised debt `art` (wad); the debt in stablecoin
///         is `art * rate`, where the `rate` accumulator (ray) grows by the stability fee
///         through `drip()`. The stablecoin is an internal ledger `dai` (rad = wad * ray); the
///         system keeps `debt == vice + Art * rate`, with `vice` the unbacked (bad) debt.
///         The collateral price comes from a Chainlink-style feed checked for positivity and
///         freshness. Unsafe urns (ink * price / mat < art * rate) are liquidated by a keeper who
///         repays debt and receives collateral worth the repaid debt times the penalty `chop`.
/// @dev Written for solc 0.6.12, whose arithmetic wraps silently: every operation that can
///      overflow or underflow goes through the checked `_add`, `_sub` and `_mul` helpers.
contract CdpEngine {
    struct Urn {
        uint256 ink; // locked collateral [wad]
        uint256 art; // normalised debt [wad]
    }

    uint256 internal constant WAD = 1e18;
    uint256 internal constant RAY = 1e27;
    uint256 public constant MAX_FEE = 31709791983764586504; // 100% per year, ray per second

    IERC20 public immutable gem;
    AggregatorV3Interface public feed;
    address public owner;
    address public vow; // receives stability fees

    mapping(address => Urn) public urns;
    mapping(address => uint256) public dai; // [rad]

    uint256 public Art; // total normalised debt [wad]
    uint256 public rate; // debt accumulator [ray]
    uint256 public rho; // time of the last drip
    uint256 public fee; // stability fee, added to rate per second [ray]
    uint256 public debt; // total dai issued [rad]
    uint256 public vice; // unbacked dai [rad]
    uint256 public mat; // liquidation ratio [ray]
    uint256 public chop; // liquidation penalty [wad]
    uint256 public line; // debt ceiling [wad]
    uint256 public maxDelay; // oracle staleness bound [seconds]

    event Lock(address indexed usr, uint256 wad);
    event Free(address indexed usr, uint256 wad);
    event Draw(address indexed usr, uint256 dart, uint256 rad);
    event Wipe(address indexed payer, address indexed usr, uint256 dart, uint256 rad);
    event Move(address indexed src, address indexed dst, uint256 rad);
    event Drip(uint256 rate, uint256 rad);
    event Liquidate(address indexed keeper, address indexed usr, uint256 dart, uint256 owe, uint256 seized, uint256 bad);
    event Heal(address indexed usr, uint256 rad);
    event ParamSet(bytes32 indexed what, uint256 data);

    modifier onlyOwner() {
        require(msg.sender == owner, "CdpEngine: not owner");
        _;
    }

    constructor(IERC20 gem_, AggregatorV3Interface feed_, uint256 mat_, uint256 chop_, uint256 fee_, uint256 line_, uint256 maxDelay_) public {
        require(mat_ >= RAY && chop_ >= WAD && chop_ <= 2 * WAD && fee_ <= MAX_FEE, "CdpEngine: bad params");
        gem = gem_;
        feed = feed_;
        owner = msg.sender;
        vow = msg.sender;
        mat = mat_;
        chop = chop_;
        fee = fee_;
        line = line_;
        maxDelay = maxDelay_;
        rate = RAY;
        rho = block.timestamp;
    }

    // --- governance -------------------------------------------------------------------------

    function setLiquidationRatio(uint256 mat_) external onlyOwner {
        require(mat_ >= RAY, "CdpEngine: mat below 1");
        mat = mat_;
        emit ParamSet("mat", mat_);
    }

    function setPenalty(uint256 chop_) external onlyOwner {
        require(chop_ >= WAD && chop_ <= 2 * WAD, "CdpEngine: bad chop");
        chop = chop_;
        emit ParamSet("chop", chop_);
    }

    function setStabilityFee(uint256 fee_) external onlyOwner {
        require(fee_ <= MAX_FEE, "CdpEngine: fee too high");
        drip();
        fee = fee_;
        emit ParamSet("fee", fee_);
    }

    function setDebtCeiling(uint256 line_) external onlyOwner {
        line = line_;
        emit ParamSet("line", line_);
    }

    function setFeed(AggregatorV3Interface feed_, uint256 maxDelay_) external onlyOwner {
        feed = feed_;
        maxDelay = maxDelay_;
        emit ParamSet("maxDelay", maxDelay_);
    }

    // --- rates and prices -------------------------------------------------------------------

    /// @notice Raises `rate` by the stability fee accrued since `rho`; the new debt is minted to `vow`.
    function drip() public {
        uint256 elapsed = _sub(block.timestamp, rho);
        if (elapsed == 0) return;
        rho = block.timestamp;
        uint256 dRate = _mul(_mul(rate, fee), elapsed) / RAY;
        rate = _add(rate, dRate);
        uint256 rad = _mul(Art, dRate);
        dai[vow] = _add(dai[vow], rad);
        debt = _add(debt, rad);
        emit Drip(rate, rad);
    }

    /// @notice Collateral price in dai per gem [wad], from a positive and fresh feed round.
    function price() public view returns (uint256) {
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
        require(answer > 0, "CdpEngine: non-positive price");
        require(updatedAt != 0 && updatedAt <= block.timestamp && block.timestamp - updatedAt <= maxDelay, "CdpEngine: stale price");
        require(answeredInRound >= roundId, "CdpEngine: stale round");
        return _mul(uint256(answer), WAD) / (10**uint256(feed.decimals()));
    }

    // --- urn management ---------------------------------------------------------------------

    /// @notice Locks `wad` collateral into the caller's urn.
    function lock(uint256 wad) external {
        require(wad > 0, "CdpEngine: zero amount");
        urns[msg.sender].ink = _add(urns[msg.sender].ink, wad);
        require(gem.transferFrom(msg.sender, address(this), wad), "CdpEngine: transferFrom failed");
        emit Lock(msg.sender, wad);
    }

    /// @notice Frees `wad` collateral from the caller's urn; the urn must stay safe.
    function free(uint256 wad) external {
        drip();
        Urn storage u = urns[msg.sender];
        u.ink = _sub(u.ink, wad);
        if (u.art > 0) require(_safe(u, price()), "CdpEngine: urn unsafe");
        require(gem.transfer(msg.sender, wad), "CdpEngine: transfer failed");
        emit Free(msg.sender, wad);
    }

    /// @notice Adds `dart` normalised debt to the caller's urn and credits `dart * rate` dai.
    function draw(uint256 dart) external {
        require(dart > 0, "CdpEngine: zero amount");
        drip();
        Urn storage u = urns[msg.sender];
        u.art = _add(u.art, dart);
        Art = _add(Art, dart);
        require(_mul(Art, rate) <= _mul(line, RAY), "CdpEngine: ceiling exceeded");
        uint256 rad = _mul(dart, rate);
        dai[msg.sender] = _add(dai[msg.sender], rad);
        debt = _add(debt, rad);
        require(_safe(u, price()), "CdpEngine: urn unsafe");
        emit Draw(msg.sender, dart, rad);
    }

    /// @notice Burns `dart * rate` of the caller's dai to remove `dart` normalised debt from `usr`.
    function wipe(address usr, uint256 dart) external {
        drip();
        uint256 rad = _mul(dart, rate);
        dai[msg.sender] = _sub(dai[msg.sender], rad);
        debt = _sub(debt, rad);
        urns[usr].art = _sub(urns[usr].art, dart);
        Art = _sub(Art, dart);
        emit Wipe(msg.sender, usr, dart, rad);
    }

    /// @notice Transfers `rad` internal dai to `dst`.
    function move(address dst, uint256 rad) external {
        dai[msg.sender] = _sub(dai[msg.sender], rad);
        dai[dst] = _add(dai[dst], rad);
        emit Move(msg.sender, dst, rad);
    }

    /// @notice Burns `rad` of the caller's dai against the system's bad debt.
    function heal(uint256 rad) external {
        dai[msg.sender] = _sub(dai[msg.sender], rad);
        vice = _sub(vice, rad);
        debt = _sub(debt, rad);
        emit Heal(msg.sender, rad);
    }

    // --- liquidation ------------------------------------------------------------------------

    /// @notice Repays `dart` normalised debt of the unsafe urn `usr` with the keeper's dai and
    ///         transfers collateral worth the repaid debt times `chop` to the keeper. If the urn's
    ///         collateral cannot cover that, all of it is seized for its value divided by `chop`,
    ///         and any debt left on the emptied urn becomes bad debt (`vice`).
    function liquidate(address usr, uint256 dart) external returns (uint256 seized, uint256 owe) {
        drip();
        uint256 p = price();
        Urn storage u = urns[usr];
        require(!_safe(u, p), "CdpEngine: urn is safe");
        require(dart > 0 && dart <= u.art, "CdpEngine: bad dart");
        owe = _mul(dart, rate);
        seized = _mul(owe, chop) / _mul(RAY, p);
        if (seized > u.ink) {
            seized = u.ink;
            dart = _divUp(_mul(_mul(seized, p), RAY) / chop, rate);
            owe = _mul(dart, rate);
        }
        u.ink = _sub(u.ink, seized);
        u.art = _sub(u.art, dart);
        Art = _sub(Art, dart);
        dai[msg.sender] = _sub(dai[msg.sender], owe);
        debt = _sub(debt, owe);
        uint256 bad;
        if (u.ink == 0 && u.art > 0) {
            bad = _mul(u.art, rate);
            vice = _add(vice, bad);
            Art = _sub(Art, u.art);
            u.art = 0;
        }
        require(gem.transfer(msg.sender, seized), "CdpEngine: transfer failed");
        emit Liquidate(msg.sender, usr, dart, owe, seized, bad);
    }

    /// @notice Whether `usr` is safe at the current (checked) price and the stored rate.
    function isSafe(address usr) external view returns (bool) {
        return _safe(urns[usr], price());
    }

    function _safe(Urn storage u, uint256 p) internal view returns (bool) {
        uint256 spot = _mul(_mul(p, 1e9), RAY) / mat; // [ray]
        return _mul(u.ink, spot) >= _mul(u.art, rate);
    }

    function _divUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return _add(x, y - 1) / y;
    }

    function _add(uint256 x, uint256 y) internal pure returns (uint256 z) {
        z = x + y;
        require(z >= x, "CdpEngine: add overflow");
    }

    function _sub(uint256 x, uint256 y) internal pure returns (uint256) {
        require(y <= x, "CdpEngine: sub underflow");
        return x - y;
    }

    function _mul(uint256 x, uint256 y) internal pure returns (uint256 z) {
        if (x == 0) return 0;
        z = x * y;
        require(z / x == y, "CdpEngine: mul overflow");
    }
}
