"""Terminal, Markdown and HTML: the same content, and contract text that stays text."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from solvency.core import Status, UserError
from solvency.core.report import Report, Stats
from solvency.reports import FORMATS, merge, render
from solvency.reports.markdown import md_cell, md_code
from solvency.reports.terminal import render_terminal
from tests.unit.reports.factory import ODD, XSS, finding, full_report, prop, write_vault

EMPTY = Report(tool_version="0.1.0", targets=("a.sol",))


@pytest.fixture
def report(tmp_path: Path) -> Report:
    write_vault(tmp_path)
    return full_report(tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_dispatches_every_format_and_handles_an_empty_report(
    fmt: str, report: Report
) -> None:
    assert render(report, fmt).strip()
    assert render(EMPTY, fmt).strip()


def test_unknown_format_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown report format 'pdf'"):
        render(EMPTY, "pdf")


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_every_text_format_shows_the_whole_audit(fmt: str, report: Report) -> None:
    # a wide terminal, so rich does not wrap cells mid-phrase
    out = render_terminal(report, width=400) if fmt == "terminal" else render(report, fmt)
    text = out.replace("\\", "")  # markdown escapes punctuation
    for expected in [
        "solvent",
        "VIOLATED (confirmed)",
        "PROVED (bounded, k=3) under 1 open assumption",
        "HELD (fuzzing, not a proof)",
        "UNKNOWN",
        "VACUOUS",
        "Vault.deposit() from 0x" + "ab" * 20 + " value 1000000000000000000",
        "Vault.withdraw(" + str(2**256 - 1) + ", 0x00ff, (0x01, True))",
        "deposits[0xab…] = 5",
        "OPEN",
        "discharged:",
        "other/Broken.sol",
        "compile",
        "reentrancy",
        "confirmed by solvent",
        "fuzz",
        "prover",
    ]:
        assert expected in text or expected.replace("…", "&hellip;") in text, (fmt, expected)


def test_terminal_never_reads_contract_text_as_rich_markup() -> None:
    odd = dataclasses.replace(finding(), title="[bold red]x[/bold red] [link=y]z")
    report = merge(["a"], [odd], [prop("[i]p[/i]", "prover", Status.PROVED)], [], Stats(), "0")
    out = render(report, "terminal")
    assert "[bold red]x[/bold red]" in out and "[link=y]z" in out and "[i]p[/i]" in out


def test_terminal_color_adds_styles_only_when_asked(report: Report) -> None:
    assert "\x1b[" not in render(report, "terminal")
    assert "\x1b[" in render(report, "terminal", color=True)


def test_markdown_and_html_show_code_excerpts_from_the_source(report: Report) -> None:
    md = render(report, "markdown")
    assert ">     6 |     function withdraw(uint256 amount) external {" in md
    html = render(report, "html")
    assert "<mark>    6 |     function withdraw(uint256 amount) external {</mark>" in html


def test_a_missing_source_file_gives_no_excerpt_and_no_error(tmp_path: Path) -> None:
    md = render(full_report(tmp_path / "absent"), "markdown")
    assert "function withdraw" not in md


# --- escaping -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "h3",
    "p",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "small",
    "section",
    "pre",
    "code",
    "mark",
    "details",
    "summary",
    "ol",
    "ul",
    "li",
    "span",
}


def test_html_escapes_every_piece_of_contract_text(report: Report) -> None:
    html = render(report, "html")
    assert XSS not in html and "<script" not in html.lower()
    assert ODD not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    parser = _Tags()
    parser.feed(html)
    assert parser.tags <= ALLOWED_TAGS, parser.tags - ALLOWED_TAGS
    assert not {a for a in parser.attrs if a.startswith("on")}
    assert "Content-Security-Policy" in html and "default-src &#x27;none&#x27;" in html


def test_html_escaping_test_can_fail() -> None:
    parser = _Tags()
    parser.feed(f"<p>{XSS}</p>")
    assert "script" in parser.tags


def _outside_code(md: str) -> tuple[str, list[str]]:
    """CommonMark fences: text outside them (rendered as Markdown), and the blocks inside."""
    outside: list[str] = []
    blocks: list[str] = []
    fence = ""
    for line in md.splitlines():
        opening = re.match(r"^(`{3,})", line)
        if not fence and opening:
            fence, current = opening.group(1), []
        elif fence and re.fullmatch("`{" + str(len(fence)) + r",}\s*", line):
            blocks.append("\n".join(current))
            fence = ""
        elif fence:
            current.append(line)
        else:
            outside.append(line)
    assert not fence, "a fence was never closed"
    return "\n".join(outside), blocks


def test_markdown_keeps_contract_text_out_of_markup(report: Report) -> None:
    md = render(report, "markdown")
    text, blocks = _outside_code(md)
    assert "<" not in text and ">" not in text.replace("&gt;", "")  # no raw HTML outside code
    # inside a fence it is literal text, and the ``` in the comment did not close the fence
    excerpt = next(b for b in blocks if "function withdraw" in b)
    assert XSS in excerpt and "``` fence" in excerpt and "deposits[msg.sender] = bal" in excerpt
    table = [line for line in md.splitlines() if line.startswith("| ")]
    header_cells = table[0].count(" | ")
    for row in table:
        # escaped pipes never split a cell
        assert len(re.findall(r"(?<!\\)\|", row)) == header_cells + 2, row
    odd_row = next(r for r in table if "odd" in r)
    assert "\\`x\\`" in odd_row and "\\|" in odd_row


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("a|b", "a\\|b"),
        ("`code`", "\\`code\\`"),
        ("two\nlines", "two lines"),
        ("a\n# heading\n- item", "a # heading - item"),
        ("<b>&", "&lt;b&gt;&amp;"),
        ("*x* _y_ [l](u) ~~s~~ a\\b", "\\*x\\* \\_y\\_ \\[l\\](u) \\~\\~s\\~\\~ a\\\\b"),
    ],
)
def test_markdown_cell_escapes(text: str, cell: str) -> None:
    assert md_cell(text) == cell


def test_markdown_fence_outgrows_backticks_inside() -> None:
    block = md_code("a ```` b", "text")
    assert block.startswith("`````text\n") and block.endswith("\n`````")
