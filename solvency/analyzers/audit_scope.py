"""What an audit looks at: the specs next to a target, and a change's dependents.

The pre-commit hook gets the changed .sol files; a change can break every contract that
imports the changed file (a base contract, a library), so the fast mode audits the changed
files and, transitively, the files that import them. Import lines are read with a regular
expression, not the compiler: the hook must decide what to compile before compiling.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

SPEC_SUFFIXES = (".spec", ".sol.spec")
# import "a.sol";  import {X} from "a.sol";  import * as X from 'a.sol';  import "a.sol" as X;
_IMPORT = re.compile(r"""\bimport\s+(?:[^;'"]*?\bfrom\s+)?["']([^"']+)["']""")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_SKIP_DIRS = {"node_modules", ".git", "out", "cache", "artifacts", ".solvency", "__pycache__"}


def sibling_specs(target: Path, exclude: Sequence[str] = ()) -> tuple[Path, ...]:
    """`X.spec` or `X.sol.spec` beside each contract file `X.sol` of a file or folder target."""
    files = [target] if target.is_file() else sorted(sol_files(target, exclude))
    found: list[Path] = []
    for sol in files:
        for candidate in (sol.with_suffix(".spec"), sol.with_name(sol.name + ".spec")):
            if candidate.is_file() and candidate not in found:
                found.append(candidate)
    return tuple(found)


def with_dependents(
    changed: Sequence[Path],
    root: Path,
    remappings: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> tuple[Path, ...]:
    """The changed .sol files plus every .sol file under `root` that imports one, transitively.

    Non-Solidity, deleted and excluded files are dropped; the result is sorted so runs repeat.
    """
    root = root.resolve()
    start = {
        p.resolve()
        for p in changed
        if p.suffix == ".sol" and p.is_file() and not _excluded(p.resolve(), root, exclude)
    }
    importers: dict[Path, set[Path]] = {}
    for sol in sol_files(root, exclude):
        for imported in imports_of(sol, root, remappings):
            importers.setdefault(imported, set()).add(sol)
    seen = set(start)
    todo = list(start)
    while todo:
        for importer in importers.get(todo.pop(), ()):
            if importer not in seen:
                seen.add(importer)
                todo.append(importer)
    return tuple(sorted(seen))


def imports_of(sol: Path, root: Path, remappings: Sequence[str] = ()) -> tuple[Path, ...]:
    """The files `sol` imports, resolved like solc: relative, remapped, or from `root`."""
    try:
        text = _COMMENT.sub("", sol.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ()
    out: list[Path] = []
    for name in _IMPORT.findall(text):
        resolved = _resolve(name, sol, root, remappings)
        if resolved is not None:
            out.append(resolved)
    return tuple(out)


def _resolve(name: str, importer: Path, root: Path, remappings: Sequence[str]) -> Path | None:
    if name.startswith(("./", "../")):
        candidate = importer.parent / name
    else:
        candidate = root / name
        for mapping in sorted(remappings, key=len, reverse=True):
            prefix, _, target = mapping.partition("=")
            if prefix and name.startswith(prefix):
                candidate = root / (target + name[len(prefix) :])
                break
    candidate = candidate.resolve()
    return candidate if candidate.is_file() else None


def sol_files(folder: Path, exclude: Sequence[str] = ()) -> Iterable[Path]:
    """Every .sol file under `folder`, resolved, without dependency and build folders."""
    for path in folder.rglob("*.sol"):
        parts = set(path.relative_to(folder).parts[:-1])
        if parts & _SKIP_DIRS or any(p.startswith(".") for p in parts):
            continue
        if _excluded(path, folder, exclude):
            continue
        yield path.resolve()


def _excluded(path: Path, folder: Path, exclude: Sequence[str]) -> bool:
    """`exclude` globs match the path relative to the folder, or the file name."""
    rel = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.as_posix()
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(path.name, g) for g in exclude)
