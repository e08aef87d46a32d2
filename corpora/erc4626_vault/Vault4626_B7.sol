// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";

/// @title Vault4626
/// @notice ERC-4626 tokenised vault over one ERC-20 asset. Shares are an ERC-20 held by this
///         contract and are minted 1:1 while the vault is empty, then at the ratio
///         totalSupply / totalAssets(). Rounding always favours the vault: deposit/redeem round
///         down, mint/withdraw round up.
contract Vault4626 {
    IERC20 public immutable asset;
    uint8 public immutable decimals;
    string public name;
    string public symbol;
    address public owner;
    /// @notice Maximum totalAssets() accepted by deposit/mint.
    uint256 public depositLimit;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    event Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares);
    event DepositLimitSet(uint256 limit);

    modifier onlyOwner() {
        require(msg.sender == owner, "Vault4626: not owner");
        _;
    }

    constructor(IERC20 asset_, uint8 assetDecimals, string memory name_, string memory symbol_, uint256 depositLimit_) {
        asset = asset_;
        decimals = assetDecimals;
        name = name_;
        symbol = symbol_;
        depositLimit = depositLimit_;
        owner = msg.sender;
    }

    // ------------------------------------------------------------------ ERC-4626 accounting

    /// @notice Assets under management: the vault's asset balance (donations included).
    function totalAssets() public view returns (uint256) {
        return asset.balanceOf(address(this));
    }

    function convertToShares(uint256 assets) public view returns (uint256) {
        return _convertToShares(assets, false);
    }

    function convertToAssets(uint256 shares) public view returns (uint256) {
        return _convertToAssets(shares, false);
    }

    /// @notice Shares minted by deposit(assets), rounded down.
    function previewDeposit(uint256 assets) public view returns (uint256) {
        return _convertToShares(assets, false);
    }

    /// @notice Assets pulled by mint(shares), rounded up.
    function previewMint(uint256 shares) public view returns (uint256) {
        return _convertToAssets(shares, true);
    }

    /// @notice Shares burnt by withdraw(assets), rounded up.
    function previewWithdraw(uint256 assets) public view returns (uint256) {
        return _convertToShares(assets, true);
    }

    /// @notice Assets paid by redeem(shares), rounded down.
    function previewRedeem(uint256 shares) public view returns (uint256) {
        return _convertToAssets(shares, false);
    }

    function maxDeposit(address) public view returns (uint256) {
        uint256 managed = totalAssets();
        return managed >= depositLimit ? 0 : depositLimit - managed;
    }

    function maxMint(address receiver) public view returns (uint256) {
        return _convertToShares(maxDeposit(receiver), false);
    }

    function maxWithdraw(address holder) public view returns (uint256) {
        return _convertToAssets(balanceOf[holder], false);
    }

    function maxRedeem(address holder) public view returns (uint256) {
        return balanceOf[holder];
    }

    // ------------------------------------------------------------------ ERC-4626 entry points

    /// @notice Deposits `assets` and mints the corresponding shares (rounded down) to `receiver`.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        require(assets <= maxDeposit(receiver), "Vault4626: deposit over limit");
        shares = previewDeposit(assets);
        require(shares != 0, "Vault4626: zero shares");
        _deposit(msg.sender, receiver, assets, shares);
    }

    /// @notice Mints exactly `shares` to `receiver`, pulling the assets needed (rounded up).
    function mint(uint256 shares, address receiver) external returns (uint256 assets) {
        require(shares <= maxMint(receiver), "Vault4626: mint over limit");
        assets = previewMint(shares);
        _deposit(msg.sender, receiver, assets, shares);
    }

    /// @notice Sends exactly `assets` to `receiver`, burning the shares needed (rounded up) from `holder`.
    function withdraw(uint256 assets, address receiver, address holder) external returns (uint256 shares) {
        require(assets <= maxWithdraw(holder), "Vault4626: withdraw over max");
        shares = previewWithdraw(assets);
        _withdraw(msg.sender, receiver, holder, assets, shares);
    }

    /// @notice Burns exactly `shares` from `holder` and sends the assets (rounded down) to `receiver`.
    function redeem(uint256 shares, address receiver, address holder) external returns (uint256 assets) {
        require(shares <= maxRedeem(holder), "Vault4626: redeem over max");
        assets = previewRedeem(shares);
        require(assets != 0, "Vault4626: zero assets");
        _withdraw(msg.sender, receiver, holder, assets, shares);
    }

    // ------------------------------------------------------------------ share token

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    // ------------------------------------------------------------------ admin

    function setDepositLimit(uint256 limit) external onlyOwner {
        depositLimit = limit;
        emit DepositLimitSet(limit);
    }

    // ------------------------------------------------------------------ internals

    function _convertToShares(uint256 assets, bool roundUp) internal view returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? assets : _mulDiv(assets, supply, totalAssets(), roundUp);
    }

    function _convertToAssets(uint256 shares, bool roundUp) internal view returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? shares : _mulDiv(shares, totalAssets(), supply, roundUp);
    }

    /// @dev Mints, then pulls the assets (checks-effects-interactions); the amounts were fixed
    ///      from the pre-call state. The asset must not call back the payer before moving tokens.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal {
        _mint(receiver, shares);
        require(asset.transferFrom(caller, address(this), assets), "Vault4626: transferFrom failed");
        emit Deposit(caller, receiver, assets, shares);
    }

    /// @dev Burns before paying out: the asset transfer is the last step (checks-effects-interactions).
    function _withdraw(address caller, address receiver, address holder, uint256 assets, uint256 shares) internal {
        if (caller != holder) {
            _spendAllowance(holder, caller, shares);
        }
        _burn(holder, shares);
        require(asset.transfer(receiver, assets), "Vault4626: transfer failed");
        emit Withdraw(caller, receiver, holder, assets, shares);
    }

    function _mint(address to, uint256 shares) internal {
        require(to != address(0), "Vault4626: mint to zero");
        totalSupply += shares;
        balanceOf[to] += shares;
        emit Transfer(address(0), to, shares);
    }

    function _burn(address from, uint256 shares) internal {
        require(balanceOf[from] >= shares, "Vault4626: burn exceeds balance");
        balanceOf[from] -= shares;
        totalSupply -= shares;
        emit Transfer(from, address(0), shares);
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(to != address(0), "Vault4626: transfer to zero");
        require(balanceOf[from] >= amount, "Vault4626: transfer exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _spendAllowance(address holder, address spender, uint256 amount) internal {
        uint256 allowed = allowance[holder][spender];
        if (allowed != type(uint256).max) {
            require(allowed >= amount, "Vault4626: insufficient allowance");
            allowance[holder][spender] = allowed - amount;
        }
    }

    function _mulDiv(uint256 x, uint256 y, uint256 d, bool roundUp) internal pure returns (uint256 z) {
        z = (x * y) / d;
        if (roundUp && mulmod(x, y, d) != 0) {
            z += 1;
        }
    }
}
