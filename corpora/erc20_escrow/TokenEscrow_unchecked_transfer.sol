// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import "../common/IERC20.sol";

/// @title TokenEscrow
/// @notice Escrow of ERC-20 collateral for several owner-approved tokens. Users deposit tokens,
///         move escrowed balances between each other, and leave through a two-step withdrawal:
///         `requestWithdrawal` moves an amount from the free balance into a pending withdrawal
///         that can be executed once `withdrawalDelay` has passed (or cancelled back).
///         Deposits are credited with the balance delta actually received, so tokens that take
///         a fee on transfer are accounted for correctly. Every entry point that moves tokens is
///         non-reentrant, because the balance-delta measurement must wrap the token call.
contract TokenEscrow {
    struct PendingWithdrawal {
        uint256 amount;
        uint64 unlockTime;
    }

    uint256 public constant MAX_DELAY = 30 days;

    address public owner;
    uint256 public withdrawalDelay;
    mapping(address => bool) public isAllowedToken;
    /// @notice token => user => free escrowed balance
    mapping(address => mapping(address => uint256)) public balances;
    /// @notice token => user => pending withdrawal
    mapping(address => mapping(address => PendingWithdrawal)) public pending;
    /// @notice token => sum of `balances[token][*]`
    mapping(address => uint256) public totalBalances;
    /// @notice token => sum of `pending[token][*].amount`
    mapping(address => uint256) public totalPending;
    uint256 private _locked = 1;

    event TokenAllowed(address indexed token, bool allowed);
    event DelayChanged(uint256 oldDelay, uint256 newDelay);
    event Deposited(address indexed token, address indexed user, uint256 amount, uint256 received);
    event InternalTransfer(address indexed token, address indexed from, address indexed to, uint256 amount);
    event WithdrawalRequested(address indexed token, address indexed user, uint256 amount, uint256 unlockTime);
    event WithdrawalCancelled(address indexed token, address indexed user, uint256 amount);
    event WithdrawalExecuted(address indexed token, address indexed user, address receiver, uint256 amount);
    event Swept(address indexed token, address indexed to, uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner, "TokenEscrow: not owner");
        _;
    }

    modifier nonReentrant() {
        require(_locked == 1, "TokenEscrow: reentrant call");
        _locked = 2;
        _;
        _locked = 1;
    }

    constructor(uint256 withdrawalDelay_) {
        require(withdrawalDelay_ <= MAX_DELAY, "TokenEscrow: delay too long");
        owner = msg.sender;
        withdrawalDelay = withdrawalDelay_;
    }

    /// @notice Adds or removes a token from the collateral list (owner only).
    function setTokenAllowed(address token, bool allowed) external onlyOwner {
        require(token.code.length > 0, "TokenEscrow: not a contract");
        isAllowedToken[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @notice Changes the delay applied to future withdrawal requests (owner only).
    function setWithdrawalDelay(uint256 newDelay) external onlyOwner {
        require(newDelay <= MAX_DELAY, "TokenEscrow: delay too long");
        emit DelayChanged(withdrawalDelay, newDelay);
        withdrawalDelay = newDelay;
    }

    /// @notice Pulls `amount` of `token` from the caller and credits what the escrow received.
    /// @return received the increase of the escrow's token balance, credited to the caller
    function deposit(address token, uint256 amount) external nonReentrant returns (uint256 received) {
        require(isAllowedToken[token], "TokenEscrow: token not allowed");
        require(amount > 0, "TokenEscrow: zero amount");
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        _safeTransferFrom(token, msg.sender, address(this), amount);
        received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        require(received > 0, "TokenEscrow: nothing received");
        balances[token][msg.sender] += received;
        totalBalances[token] += received;
        emit Deposited(token, msg.sender, amount, received);
    }

    /// @notice Moves `amount` of the caller's free balance of `token` to `to` inside the escrow.
    function transferInternal(address token, address to, uint256 amount) external nonReentrant {
        require(to != address(0), "TokenEscrow: zero recipient");
        require(balances[token][msg.sender] >= amount, "TokenEscrow: insufficient balance");
        balances[token][msg.sender] -= amount;
        balances[token][to] += amount;
        emit InternalTransfer(token, msg.sender, to, amount);
    }

    /// @notice Locks `amount` of the free balance into the caller's pending withdrawal and
    ///         (re)starts its delay.
    function requestWithdrawal(address token, uint256 amount) external nonReentrant {
        require(amount > 0, "TokenEscrow: zero amount");
        require(balances[token][msg.sender] >= amount, "TokenEscrow: insufficient balance");
        balances[token][msg.sender] -= amount;
        totalBalances[token] -= amount;
        PendingWithdrawal storage p = pending[token][msg.sender];
        p.amount += amount;
        p.unlockTime = uint64(block.timestamp + withdrawalDelay);
        totalPending[token] += amount;
        emit WithdrawalRequested(token, msg.sender, amount, p.unlockTime);
    }

    /// @notice Returns the caller's whole pending withdrawal to its free balance.
    function cancelWithdrawal(address token) external nonReentrant {
        uint256 amount = pending[token][msg.sender].amount;
        require(amount > 0, "TokenEscrow: nothing pending");
        delete pending[token][msg.sender];
        totalPending[token] -= amount;
        balances[token][msg.sender] += amount;
        totalBalances[token] += amount;
        emit WithdrawalCancelled(token, msg.sender, amount);
    }

    /// @notice Pays the caller's matured pending withdrawal to `receiver`.
    /// @return amount the amount sent out of the escrow
    function executeWithdrawal(address token, address receiver) external nonReentrant returns (uint256 amount) {
        PendingWithdrawal memory p = pending[token][msg.sender];
        require(p.amount > 0, "TokenEscrow: nothing pending");
        require(block.timestamp >= p.unlockTime, "TokenEscrow: still locked");
        amount = p.amount;
        delete pending[token][msg.sender];
        totalPending[token] -= amount;
        IERC20(token).transfer(receiver, amount);
        emit WithdrawalExecuted(token, msg.sender, receiver, amount);
    }

    /// @notice Sends tokens held beyond all user claims (donations) to `to` (owner only).
    function sweepExcess(address token, address to) external onlyOwner nonReentrant returns (uint256 excess) {
        uint256 held = IERC20(token).balanceOf(address(this));
        uint256 owed = totalBalances[token] + totalPending[token];
        require(held > owed, "TokenEscrow: no excess");
        excess = held - owed;
        _safeTransfer(token, to, excess);
        emit Swept(token, to, excess);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "TokenEscrow: zero owner");
        owner = newOwner;
    }

    /// @dev ERC-20 transfer that accepts tokens returning nothing, and reverts on a false
    ///      return value, a failed call, or a token address without code.
    function _safeTransfer(address token, address to, uint256 amount) internal {
        require(token.code.length > 0, "TokenEscrow: token has no code");
        (bool ok, bytes memory data) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, amount));
        require(ok && (data.length == 0 || abi.decode(data, (bool))), "TokenEscrow: transfer failed");
    }

    function _safeTransferFrom(address token, address from, address to, uint256 amount) internal {
        require(token.code.length > 0, "TokenEscrow: token has no code");
        (bool ok, bytes memory data) =
            token.call(abi.encodeWithSelector(IERC20.transferFrom.selector, from, to, amount));
        require(ok && (data.length == 0 || abi.decode(data, (bool))), "TokenEscrow: transferFrom failed");
    }
}
