// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @title ERC20Mock
/// @notice Plain ERC-20 test token. Anyone may mint (it exists only for tests and fuzzing); burning
///         needs the holder or an allowance, so nobody can destroy the tokens a contract holds.
/// @dev Written to compile unchanged under solc 0.6.12, 0.7.6 and 0.8.19, so every
///      subtraction is guarded by an explicit require (0.6/0.7 do not check overflow).
contract ERC20Mock {
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

    /// @notice Creates `amount` tokens for `to` (unrestricted: test token).
    function mint(address to, uint256 amount) external {
        require(totalSupply + amount >= totalSupply, "ERC20: supply overflow");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Destroys `amount` tokens of `from`: the holder itself, or a spender within its allowance.
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
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        uint256 allowed = allowance[owner][spender];
        if (allowed != MAX_UINT) {
            require(allowed >= amount, "ERC20: insufficient allowance");
            allowance[owner][spender] = allowed - amount;
        }
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(to != address(0), "ERC20: transfer to zero");
        require(balanceOf[from] >= amount, "ERC20: transfer exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
