"""Z3 lives here only: term helpers, symbolic state, solver sessions."""
