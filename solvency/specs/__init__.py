"""The spec language: grammar, parser, type checker, lowerings, standard library."""
