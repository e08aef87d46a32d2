"""Reading spec files with their imports: `std/…` from the packaged library, else relative."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from solvency.core.errors import UserError
from solvency.specs import ast
from solvency.specs.diagnostics import Diagnostic, SpecError
from solvency.specs.parser import parse

STD_PREFIX = "std/"


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """A spec file and everything it imports, with each file's source for error carets."""

    main: ast.SpecFile
    defs: tuple[ast.Def, ...]  # top-level defs of all files, imports first
    groups: tuple[ast.SpecBlock, ...]  # `properties` groups of all files
    specs: tuple[ast.SpecBlock, ...]  # the main file's `spec` blocks
    sources: dict[str, str]


def library_text(name: str) -> str | None:
    """The text of `std/<name>`, or None if the library has no such file."""
    node = resources.files("solvency.specs").joinpath("library").joinpath(name)
    try:
        return node.read_text()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def library_files() -> list[str]:
    root = resources.files("solvency.specs").joinpath("library")
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".spec"))


def load_file(path: str | Path) -> LoadedSpec:
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as exc:
        raise UserError(
            f"cannot read spec file {p}: {exc.strerror or exc}",
            hint="check the path; spec files usually end in .spec",
        ) from None
    return load_text(text, str(p))


def load_text(text: str, path: str) -> LoadedSpec:
    """Parse `text` and its imports; all import problems are reported together."""
    sources: dict[str, str] = {path: text}
    files: list[ast.SpecFile] = []
    problems: list[Diagnostic] = []
    main = parse(text, path)
    _follow(main, sources, files, problems, seen={_key(path)})
    if problems:
        raise SpecError(problems, sources)
    defs: list[ast.Def] = []
    groups: list[ast.SpecBlock] = []
    for f in [*files, main]:
        for item in f.items:
            if isinstance(item, ast.Def):
                defs.append(item)
            elif isinstance(item, ast.SpecBlock) and item.group:
                groups.append(item)
    specs = tuple(i for i in main.items if isinstance(i, ast.SpecBlock) and not i.group)
    return LoadedSpec(main, tuple(defs), tuple(groups), specs, sources)


def _key(path: str) -> str:
    return (
        path if path.startswith("<") or path.startswith(STD_PREFIX) else str(Path(path).resolve())
    )


def _follow(
    f: ast.SpecFile,
    sources: dict[str, str],
    files: list[ast.SpecFile],
    problems: list[Diagnostic],
    seen: set[str],
) -> None:
    """Depth first, so a file's imports come before it; each file is read once."""
    for item in f.items:
        if not isinstance(item, ast.Import):
            continue
        target, text = _resolve(item.path, f.path)
        if text is None:
            hint = None
            if item.path.startswith(STD_PREFIX):
                hint = "the standard library has: " + ", ".join(
                    STD_PREFIX + n for n in library_files()
                )
            problems.append(Diagnostic(f'cannot find import "{item.path}"', item.span, hint))
            continue
        key = _key(target)
        if key in seen:
            continue  # cycles and diamonds: the first load wins
        seen.add(key)
        sources[target] = text
        try:
            sub = _parse_std(target, text) if target.startswith(STD_PREFIX) else parse(text, target)
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        for it in sub.items:
            if isinstance(it, ast.SpecBlock) and not it.group:
                problems.append(
                    Diagnostic(
                        f"imported file {target} declares `spec {it.name}`",
                        it.span,
                        "an imported file may only hold `def`s and `properties` groups",
                    )
                )
        _follow(sub, sources, files, problems, seen)
        files.append(sub)


@cache
def _parse_std(path: str, text: str) -> ast.SpecFile:
    """Library files are package data: parse each once per process (the AST is immutable)."""
    return parse(text, path)


def _resolve(path: str, importer: str) -> tuple[str, str | None]:
    if path.startswith(STD_PREFIX):
        return path, library_text(path[len(STD_PREFIX) :])
    base = Path(importer).parent if not importer.startswith("<") else Path(".")
    target = base / path
    try:
        return str(target), target.read_text()
    except OSError:
        return str(target), None
