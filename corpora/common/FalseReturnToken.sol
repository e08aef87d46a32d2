// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @title FalseReturnToken
/// @notice ERC-20 test token whose transfer/transferFrom return `false` (and move nothing)
///         instead of reverting when the balance or allowance is insufficient. A caller that
///         ignores the returned bool (bug class B11) credits or debits funds that never moved.
///         Mint is unrestricted (test token); burn needs the holder or an allowance.
contract FalseReturnToken {
    uint256 internal constant MAX_UINT =
        115792089237316195423570985008687907853269984665640564039457584007913129639935;

    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) public {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
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

    /// @notice Returns false (without reverting) if `msg.sender` lacks `amount`.
    function transfer(address to, uint256 amount) external returns (bool) {
        if (to == address(0) || balanceOf[msg.sender] < amount) {
            return false;
        }
        _move(msg.sender, to, amount);
        return true;
    }

    /// @notice Returns false (without reverting) on insufficient balance or allowance.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (to == address(0) || balanceOf[from] < amount || allowed < amount) {
            return false;
        }
        if (allowed != MAX_UINT) {
            allowance[from][msg.sender] = allowed - amount;
        }
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) internal {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
