// SPDX-License-Identifier: MIT
pragma solidity >=0.6.12 <0.9.0;

import "./AggregatorV3Interface.sol";

/// @title ChainlinkAggregatorMock
/// @notice Settable price feed with the AggregatorV3Interface ABI. Unrestricted setters: it is
///         a test mock the fuzzer drives through `[[environment]]` calls. `setAnswer` opens a
///         new round stamped with `block.timestamp`; `setUpdatedAt` back-dates (or forwards) the
///         latest round so staleness checks can be exercised; the answer may be zero or negative.
contract ChainlinkAggregatorMock is AggregatorV3Interface {
    uint8 internal _decimals;
    uint80 internal _roundId;
    int256 internal _answer;
    uint256 internal _startedAt;
    uint256 internal _updatedAt;
    uint80 internal _answeredInRound;
    string internal _description = "Solvency mock feed";
    uint256 internal _version = 4;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    constructor(uint8 decimals_, int256 initialAnswer) public {
        _decimals = decimals_;
        _setAnswer(initialAnswer);
    }

    function decimals() external view override returns (uint8) {
        return _decimals;
    }

    function description() external view override returns (string memory) {
        return _description;
    }

    function version() external view override returns (uint256) {
        return _version;
    }

    /// @notice Publishes `answer` as a new round updated now.
    function setAnswer(int256 answer) external {
        _setAnswer(answer);
    }

    /// @notice Overrides the latest round's `updatedAt` (and `startedAt`).
    function setUpdatedAt(uint256 updatedAt) external {
        _updatedAt = updatedAt;
        _startedAt = updatedAt;
    }

    /// @notice Overrides `answeredInRound` of the latest round (to model carried-over answers).
    function setAnsweredInRound(uint80 answeredInRound) external {
        _answeredInRound = answeredInRound;
    }

    function getRoundData(uint80 roundId)
        external
        view
        override
        returns (uint80, int256, uint256, uint256, uint80)
    {
        require(roundId == _roundId, "Mock: only latest round kept");
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }

    function latestRoundData()
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }

    function latestAnswer() external view returns (int256) {
        return _answer;
    }

    function _setAnswer(int256 answer) internal {
        _roundId = _roundId + 1;
        _answer = answer;
        _startedAt = block.timestamp;
        _updatedAt = block.timestamp;
        _answeredInRound = _roundId;
        emit AnswerUpdated(answer, _roundId, block.timestamp);
    }
}
