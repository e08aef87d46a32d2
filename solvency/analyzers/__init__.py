"""Engines: static (Slither detectors + rules/), symbolic (Z3), fuzz (Hypothesis + revm)."""
