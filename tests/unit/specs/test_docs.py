"""The reference page's examples are real: every spec snippet in docs/spec-language.md parses."""

from __future__ import annotations

import re

import pytest

from solvency.specs.diagnostics import SpecError
from solvency.specs.parser import parse
from tests.conftest import ROOT

DOC = ROOT / "docs" / "spec-language.md"


def snippets() -> list[str]:
    """Untagged fenced blocks (tagged ones are shell or output)."""
    out: list[str] = []
    current: list[str] | None = None
    for line in DOC.read_text().split("\n"):
        if line.startswith("```"):
            if current is None:
                current = [] if line == "```" else None
                if current is None:
                    current = ["<tagged>"]
            else:
                if current[:1] != ["<tagged>"]:
                    out.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return out


def _parses(text: str) -> bool:
    try:
        parse(text, "doc")
    except SpecError:
        return False
    return True


@pytest.mark.parametrize("snippet", snippets(), ids=lambda s: s.split("\n")[0][:40])
def test_doc_snippet_parses(snippet: str) -> None:
    text = snippet.replace("…", "")
    if text.startswith("spec C {"):
        pytest.skip("a placeholder block")
    if _parses(text) or _parses("spec S {\n" + text + "\n}"):
        return
    # A list of expressions, one per line (comments after them).
    for line in text.split("\n"):
        code = re.sub(r"//.*", "", line).strip()
        for e in filter(None, (p.strip() for p in code.split(", "))):
            assert _parses(f"spec S {{ invariant i: {e}; }}"), e


def test_the_doc_has_snippets_for_every_declaration() -> None:
    text = "\n".join(snippets())
    for word in (
        "import",
        "def",
        "invariant",
        "preserved",
        "rule",
        "satisfy",
        "ghost",
        "hook",
        "input",
        "harness",
        "properties",
        "use",
        "sum(",
        "forall",
        "old(",
        "let",
    ):
        assert word in text, word
