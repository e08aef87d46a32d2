"""The fuzzer: contracts on revm (pyrevm), Hypothesis call sequences, the spec after each call."""
