// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @title FeeOnTransferToken
/// @notice ERC-20 test token that burns `feeBps / 10000` of every transfer and transferFrom:
///         the recipient receives `amount - amount * feeBps / 10000`. Mint is free and
///         unrestricted (test token); burn needs the holder or an allowance. Used to break contracts that credit the transfer argument
///         instead of the balance delta (bug class B10).
contract FeeOnTransferToken {
    uint256 internal constant MAX_UINT =
        115792089237316195423570985008687907853269984665640564039457584007913129639935;

    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    /// @notice Fee in basis points burnt on each transfer.
    uint256 public feeBps;

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 feeBps_) public {
        require(feeBps_ <= 10000, "FoT: fee too high");
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        feeBps = feeBps_;
    }

    function mint(address to, uint256 amount) external {
        require(totalSupply + amount >= totalSupply, "ERC20: supply overflow");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function burn(address from, uint256 amount) external {
        if (from != msg.sender) {
            uint256 allowed = allowance[from][msg.sender];
            if (allowed != MAX_UINT) {
                require(allowed >= amount, "ERC20: insufficient allowance");
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        require(balanceOf[from] >= amount, "ERC20: burn exceeds balance");
        balanceOf[from] -= amount;
        totalSupply -= amount;
        emit Transfer(from, address(0), amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != MAX_UINT) {
            require(allowed >= amount, "ERC20: insufficient allowance");
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(to != address(0), "ERC20: transfer to zero");
        require(balanceOf[from] >= amount, "ERC20: transfer exceeds balance");
        uint256 fee = (amount * feeBps) / 10000;
        balanceOf[from] -= amount;
        balanceOf[to] += amount - fee;
        totalSupply -= fee;
        emit Transfer(from, to, amount - fee);
        if (fee > 0) {
            emit Transfer(from, address(0), fee);
        }
    }
}
