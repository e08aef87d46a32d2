// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @notice Callback a HookToken recipient contract may implement.
interface ITokenReceiver {
    function onTokenTransfer(address from, uint256 amount) external;
}

/// @title HookToken
/// @notice ERC-20 test token with an ERC777-like receive hook: after balances are updated by
///         transfer/transferFrom, if the recipient has code the token calls
///         `ITokenReceiver(to).onTokenTransfer(from, amount)`. The hook is invoked with a
///         low-level call whose failure is ignored (a recipient without the hook, such as the
///         contract under test, still receives tokens), which lets a receiver re-enter the sender
///         of the tokens (bug class B8). Mint is unrestricted (test token), burn needs the
///         holder or an allowance, and neither calls the hook.
contract HookToken {
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
    event HookCalled(address indexed to, address indexed from, uint256 amount, bool success);

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

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        _callHook(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != MAX_UINT) {
            require(allowed >= amount, "ERC20: insufficient allowance");
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        _callHook(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(to != address(0), "ERC20: transfer to zero");
        require(balanceOf[from] >= amount, "ERC20: transfer exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _callHook(address from, address to, uint256 amount) internal {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(to)
        }
        if (size == 0) {
            return;
        }
        (bool ok, ) = to.call(abi.encodeWithSelector(ITokenReceiver.onTokenTransfer.selector, from, amount));
        emit HookCalled(to, from, amount, ok);
    }
}
