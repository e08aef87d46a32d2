"""Counterexamples: plain values both the prover and the fuzzer produce and replay."""

from __future__ import annotations

from dataclasses import dataclass

# ABI values as plain Python: int, bool, str (addresses as 0x-hex), bytes, or tuples of them.
AbiValue = int | bool | str | bytes | tuple["AbiValue", ...]


@dataclass(frozen=True, slots=True)
class Call:
    """One transaction: `function` is the ABI signature, e.g. `withdraw(uint256)`."""

    contract: str
    function: str
    args: tuple[AbiValue, ...] = ()
    sender: str = "0x0000000000000000000000000000000000000000"
    value: int = 0
    timestamp: int | None = None
    block_number: int | None = None
    # Functions of the audited contracts this call reaches through a helper contract (a
    # re-entering receiver's `execute`), as `Contract.signature`, e.g. `Vault.withdraw(uint256)`.
    reaches: tuple[str, ...] = ()

    def render(self) -> str:
        """`Vault.withdraw(5) from 0xab…cd value 1` — the form every renderer shows."""
        args = ", ".join(_render_value(a) for a in self.args)
        name = self.function.split("(", 1)[0]
        text = f"{self.contract}.{name}({args}) from {self.sender}"
        if self.value:
            text += f" value {self.value}"
        if self.timestamp is not None:
            text += f" at t={self.timestamp}"
        if self.reaches:
            text += " → " + ", ".join(self.reaches)
        return text


@dataclass(frozen=True, slots=True)
class StorageAssumption:
    """A pre-state value: `variable` is a spec-level path such as `balances[0xab…]`."""

    variable: str
    value: AbiValue
    slot: int | None = None


@dataclass(frozen=True, slots=True)
class Counterexample:
    """Initial-state assumptions, then a call sequence that breaks `property_name`."""

    property_name: str
    calls: tuple[Call, ...]
    initial_state: tuple[StorageAssumption, ...] = ()
    confirmed: bool = False
    replay_note: str = ""

    def render(self) -> list[str]:
        lines = [f"{a.variable} = {_render_value(a.value)}" for a in self.initial_state]
        lines.extend(f"{i + 1}. {c.render()}" for i, c in enumerate(self.calls))
        return lines


def _render_value(value: AbiValue) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple):
        return "(" + ", ".join(_render_value(v) for v in value) + ")"
    return str(value)
