// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// @title EthEscrow
/// @notice Holds ETH for users. Each user has a free balance (`deposits`) that can be withdrawn
///         at any time, and can lock part of it, or fresh ETH, into an escrow deal towards a
///         beneficiary. A deal's arbiter (or the depositor) releases it to the beneficiary; the
///         arbiter, or the depositor after the deadline, refunds it. Released and refunded
///         amounts are credited to free balances (pull payments). The owner may only sweep ETH
///         that no user can claim (forced sends), i.e. balance - totalDeposits - totalEscrowed.
contract EthEscrow {
    enum Status {
        None,
        Active,
        Released,
        Refunded
    }

    struct Deal {
        address depositor;
        address beneficiary;
        address arbiter;
        uint256 amount;
        uint64 deadline;
        Status status;
    }

    uint256 public constant MAX_BATCH = 50;

    address public owner;
    /// @notice Free (withdrawable) ETH per user.
    mapping(address => uint256) public deposits;
    /// @notice Sum of all `deposits`.
    uint256 public totalDeposits;
    /// @notice Sum of the amounts of all Active deals.
    uint256 public totalEscrowed;
    mapping(uint256 => Deal) public deals;
    uint256 public nextDealId = 1;

    event Deposited(address indexed user, uint256 amount);
    event Withdrawn(address indexed user, uint256 amount);
    event DealOpened(uint256 indexed id, address indexed depositor, address indexed beneficiary, address arbiter, uint256 amount);
    event DealReleased(uint256 indexed id, address indexed beneficiary, uint256 amount);
    event DealRefunded(uint256 indexed id, address indexed depositor, uint256 amount);
    event Swept(address indexed to, uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner, "EthEscrow: not owner");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    /// @notice Credits msg.value to the caller's free balance.
    function deposit() external payable {
        require(msg.value > 0, "EthEscrow: zero deposit");
        deposits[msg.sender] += msg.value;
        totalDeposits += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    /// @notice Credits several users at once; each amount must be covered by msg.value.
    /// @param beneficiaries users to credit
    /// @param amounts wei credited to each user
    function batchDeposit(address[] calldata beneficiaries, uint256[] calldata amounts) external payable {
        require(beneficiaries.length == amounts.length, "EthEscrow: length mismatch");
        require(beneficiaries.length <= MAX_BATCH, "EthEscrow: batch too large");
        uint256 credited;
        for (uint256 i = 0; i < beneficiaries.length; i++) {
            address user = beneficiaries[i];
            require(user != address(0), "EthEscrow: zero user");
            require(amounts[i] <= msg.value, "EthEscrow: amount exceeds value");
            deposits[user] += amounts[i];
            credited += amounts[i];
            emit Deposited(user, amounts[i]);
        }
        totalDeposits += credited;
    }

    /// @notice Sends `amount` wei of the caller's free balance to the caller.
    /// @dev Checks-effects-interactions: the balance is debited before the ETH call.
    function withdraw(uint256 amount) external {
        uint256 balance = deposits[msg.sender];
        require(amount > 0 && balance >= amount, "EthEscrow: insufficient balance");
        deposits[msg.sender] = balance - amount;
        totalDeposits -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "EthEscrow: ETH transfer failed");
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Opens a deal funded with msg.value.
    function openDeal(address beneficiary, address arbiter, uint64 deadline) external payable returns (uint256 id) {
        require(msg.value > 0, "EthEscrow: zero amount");
        id = _open(beneficiary, arbiter, deadline, msg.value);
        totalEscrowed += msg.value;
    }

    /// @notice Opens a deal funded from the caller's free balance.
    function openDealFromBalance(address beneficiary, address arbiter, uint64 deadline, uint256 amount)
        external
        returns (uint256 id)
    {
        require(amount > 0 && deposits[msg.sender] >= amount, "EthEscrow: insufficient balance");
        deposits[msg.sender] -= amount;
        totalDeposits -= amount;
        id = _open(beneficiary, arbiter, deadline, amount);
        totalEscrowed += amount;
    }

    /// @notice Releases an active deal to its beneficiary (arbiter or depositor only).
    function release(uint256 id) external {
        Deal storage d = deals[id];
        require(d.status == Status.Active, "EthEscrow: not active");
        require(msg.sender == d.arbiter || msg.sender == d.depositor, "EthEscrow: not allowed");
        d.status = Status.Released;
        totalEscrowed -= d.amount;
        deposits[d.beneficiary] += d.amount;
        totalDeposits += d.amount;
        emit DealReleased(id, d.beneficiary, d.amount);
    }

    /// @notice Refunds an active deal to its depositor (arbiter any time, depositor after the deadline).
    function refund(uint256 id) external {
        Deal storage d = deals[id];
        require(d.status == Status.Active, "EthEscrow: not active");
        require(
            msg.sender == d.arbiter || (msg.sender == d.depositor && block.timestamp > d.deadline),
            "EthEscrow: not allowed"
        );
        d.status = Status.Refunded;
        totalEscrowed -= d.amount;
        deposits[d.depositor] += d.amount;
        totalDeposits += d.amount;
        emit DealRefunded(id, d.depositor, d.amount);
    }

    /// @notice Sends ETH held beyond all user claims (e.g. forced sends) to `to`.
    function sweepExcess(address to) external onlyOwner returns (uint256 excess) {
        uint256 claims = totalDeposits + totalEscrowed;
        require(address(this).balance > claims, "EthEscrow: no excess");
        excess = address(this).balance - claims;
        (bool ok, ) = to.call{value: excess}("");
        require(ok, "EthEscrow: ETH transfer failed");
        emit Swept(to, excess);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "EthEscrow: zero owner");
        owner = newOwner;
    }

    function _open(address beneficiary, address arbiter, uint64 deadline, uint256 amount) internal returns (uint256 id) {
        require(beneficiary != address(0) && arbiter != address(0), "EthEscrow: zero address");
        require(deadline > block.timestamp, "EthEscrow: deadline passed");
        id = nextDealId++;
        deals[id] = Deal(msg.sender, beneficiary, arbiter, amount, deadline, Status.Active);
        emit DealOpened(id, msg.sender, beneficiary, arbiter, amount);
    }
}
