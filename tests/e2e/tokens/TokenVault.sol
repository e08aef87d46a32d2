// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

// Fixtures of tests/e2e/test_prover_tokens.py: an escrow of ERC-20 tokens whose balances the
// spec reads through a summarized input. Each function exercises one part of the summary.

interface IToken {
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
}

contract TokenVault {
    mapping(address => mapping(address => uint256)) public credit;
    mapping(address => uint256) public total;

    function deposit(address token, uint256 amount) external {
        require(IToken(token).transferFrom(msg.sender, address(this), amount), "pull failed");
        credit[token][msg.sender] += amount;
        total[token] += amount;
    }

    function withdraw(address token, uint256 amount) external {
        credit[token][msg.sender] -= amount;
        total[token] -= amount;
        require(IToken(token).transfer(msg.sender, amount), "push failed");
    }

    // the return value is ignored: a token that returns false keeps the tokens
    function withdrawUnchecked(address token, uint256 amount) external {
        credit[token][msg.sender] -= amount;
        total[token] -= amount;
        IToken(token).transfer(msg.sender, amount);
    }

    // the low-level form of withdraw, as SafeERC20 writes it
    function withdrawLowLevel(address token, uint256 amount) external {
        credit[token][msg.sender] -= amount;
        total[token] -= amount;
        (bool ok, bytes memory data) =
            token.call(abi.encodeWithSelector(IToken.transfer.selector, msg.sender, amount));
        require(ok && (data.length == 0 || abi.decode(data, (bool))), "push failed");
    }

    // the balance delta, as fee-aware vaults measure deposits
    function depositMeasured(address token, uint256 amount) external returns (uint256 got) {
        uint256 before = IToken(token).balanceOf(address(this));
        require(IToken(token).transferFrom(msg.sender, address(this), amount), "pull failed");
        got = IToken(token).balanceOf(address(this)) - before;
        credit[token][msg.sender] += got;
        total[token] += got;
    }

    function send(address token, address to, uint256 amount) external {
        require(IToken(token).transfer(to, amount), "push failed");
    }

    function reserve(address token) external view returns (uint256) {
        return IToken(token).balanceOf(address(this));
    }

    // code the vault does not know runs here
    function poke(address target) external {
        (bool ok, ) = target.call("");
        require(ok, "poke failed");
    }
}

// A vault that lets anyone grant an allowance over its tokens: they can be pulled out between
// its calls, so no solvency invariant holds, though every one of its functions keeps it.
contract Approver {
    mapping(address => uint256) public total;

    function deposit(address token, uint256 amount) external {
        require(IToken(token).transferFrom(msg.sender, address(this), amount), "pull failed");
        total[token] += amount;
    }

    function allow(address token, address spender) external {
        IToken(token).approve(spender, type(uint256).max);
    }
}
