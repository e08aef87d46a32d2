// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

/// @title ReentrantReceiver
/// @notice Attacker/receiver harness for reentrancy tests (bug class B8). It forwards arbitrary
///         calls (`execute`) so it can act as a user of the contract under test, and when it
///         receives ETH (`receive`) or a HookToken callback (`onTokenTransfer`) while armed it
///         re-enters `target` with the configured calldata and value, at most `maxReentries`
///         times per arming. The result of each re-entry is recorded, never bubbled up, so the
///         outer call's outcome shows whether the re-entry was possible. Permissionless on
///         purpose: it is a fuzzing harness, not a wallet.
contract ReentrantReceiver {
    address public target;
    bytes public reentryData;
    uint256 public reentryValue;
    uint256 public maxReentries;
    uint256 public reentries;
    uint256 public successfulReentries;
    bool public lastReentrySuccess;
    bytes public lastReentryReturn;
    bool internal _inReentry;

    event Armed(address indexed target, uint256 value, bytes data, uint256 times);
    event Reentered(address indexed target, bool success, bytes returnData);
    event Executed(address indexed to, uint256 value, bool success);

    constructor() public {}

    /// @notice Configures one re-entry into `target_` with `data_` and `value_` wei.
    function arm(address target_, bytes calldata data_, uint256 value_) external {
        _arm(target_, data_, value_, 1);
    }

    /// @notice Configures up to `times` re-entries.
    function armTimes(address target_, bytes calldata data_, uint256 value_, uint256 times) external {
        _arm(target_, data_, value_, times);
    }

    function disarm() external {
        maxReentries = 0;
    }

    /// @notice Performs an arbitrary call as this contract; reverts with the callee's data on failure.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        emit Executed(to, value, ok);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// @notice ERC20-style approval helper: `token.approve(spender, amount)` as this contract.
    function approveToken(address token, address spender, uint256 amount) external {
        (bool ok, ) = token.call(abi.encodeWithSignature("approve(address,uint256)", spender, amount));
        require(ok, "ReentrantReceiver: approve failed");
    }

    receive() external payable {
        _maybeReenter();
    }

    /// @notice HookToken callback.
    function onTokenTransfer(address, uint256) external {
        _maybeReenter();
    }

    function _arm(address target_, bytes memory data_, uint256 value_, uint256 times) internal {
        target = target_;
        reentryData = data_;
        reentryValue = value_;
        maxReentries = times;
        reentries = 0;
        emit Armed(target_, value_, data_, times);
    }

    function _maybeReenter() internal {
        if (_inReentry || reentries >= maxReentries || target == address(0)) {
            return;
        }
        reentries += 1;
        _inReentry = true;
        (bool ok, bytes memory ret) = target.call{value: reentryValue}(reentryData);
        _inReentry = false;
        lastReentrySuccess = ok;
        lastReentryReturn = ret;
        if (ok) {
            successfulReentries += 1;
        }
        emit Reentered(target, ok, ret);
    }
}
