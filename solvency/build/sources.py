"""What to compile: the target's files, their import closure, remappings and the root."""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from solvency.build.pragma import strip_comments
from solvency.core.errors import UserError

_IMPORT = re.compile(r"""\bimport\s+(?:[^"';]*?\bfrom\s+)?["']([^"']+)["']""")
_ROOT_MARKERS = ("foundry.toml", "remappings.txt", "package.json", ".git")
_SKIP_DIRS = {"node_modules", "lib", "out", "cache", "artifacts", "build", ".git", "test"}


@dataclass(frozen=True, slots=True)
class Remapping:
    context: str
    prefix: str
    target: str

    @staticmethod
    def parse(text: str) -> Remapping:
        """`[context:]prefix=target`, as solc reads it."""
        if "=" not in text:
            raise UserError(
                f"remapping `{text}` has no `=`",
                hint="write it as solc does: `@openzeppelin/=node_modules/@openzeppelin/`",
            )
        left, target = text.split("=", 1)
        context, _, prefix = left.rpartition(":")
        return Remapping(context, prefix, target)

    def __str__(self) -> str:
        head = f"{self.context}:" if self.context else ""
        return f"{head}{self.prefix}={self.target}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    unit_name: str  # the source unit name solc sees: a posix path relative to the root
    path: Path  # absolute
    content: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SourceSet:
    root: Path
    targets: tuple[str, ...]  # unit names the user asked for
    files: tuple[SourceFile, ...]  # targets plus every import we could find
    remappings: tuple[Remapping, ...]

    def file(self, unit_name: str) -> SourceFile | None:
        return next((f for f in self.files if f.unit_name == unit_name), None)


def collect_sources(
    target: Path, remappings: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> SourceSet:
    """The target (a file or a folder of .sol files) and everything it imports."""
    target = target.resolve()
    if not target.exists():
        raise UserError(
            f"target {target} does not exist", hint="give a .sol file or a folder of them"
        )
    if target.is_file():
        if target.suffix != ".sol":
            raise UserError(
                f"target {target.name} is not a Solidity file",
                hint="give a .sol file, a folder of them, or a Foundry/Hardhat project",
            )
        entry = [target]
    else:
        entry = sorted(
            p
            for p in target.rglob("*.sol")
            if not _SKIP_DIRS.intersection(p.relative_to(target).parts[:-1])
            and not any(p.match(pattern) for pattern in exclude)
        )
        if not entry:
            raise UserError(f"no .sol files under {target}", hint="is this the right folder?")
    root = _find_root(target)
    remaps = tuple(Remapping.parse(r) for r in (*_read_remappings_file(root), *remappings))
    closure = _import_closure(entry, root, remaps)
    # An import that escapes the project root widens it, so every unit name stays relative.
    root = Path(_common_root([root, *closure]))
    files = tuple(
        SourceFile(_unit_name(p, root), p, p.read_text(encoding="utf-8", errors="replace"))
        for p in closure
    )
    targets = tuple(_unit_name(p, root) for p in entry)
    return SourceSet(root, targets, files, remaps)


def _find_root(target: Path) -> Path:
    start = target if target.is_dir() else target.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in _ROOT_MARKERS):
            return folder
    return start


def _read_remappings_file(root: Path) -> list[str]:
    path = root / "remappings.txt"
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _unit_name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _common_root(paths: list[Path]) -> str:
    return posixpath.commonpath(
        [p.as_posix() if p.is_dir() else p.parent.as_posix() for p in paths]
    )


def apply_remappings(import_path: str, importer_unit: str, remaps: tuple[Remapping, ...]) -> str:
    """solc's rule: the longest matching context, then the longest matching prefix wins."""
    best: Remapping | None = None
    for r in remaps:
        if not import_path.startswith(r.prefix) or not importer_unit.startswith(r.context):
            continue
        if best is None or (len(r.context), len(r.prefix)) > (len(best.context), len(best.prefix)):
            best = r
    if best is None:
        return import_path
    return best.target + import_path[len(best.prefix) :]


def _import_closure(entry: list[Path], root: Path, remaps: tuple[Remapping, ...]) -> list[Path]:
    seen: dict[Path, None] = {}
    stack = list(reversed(entry))
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen[path] = None
        text = strip_comments(path.read_text(encoding="utf-8", errors="replace"))
        for match in _IMPORT.finditer(text):
            resolved = _resolve_import(match.group(1), path, root, remaps)
            if resolved is not None and resolved not in seen:
                stack.append(resolved)
    return list(seen)


def _resolve_import(
    name: str, importer: Path, root: Path, remaps: tuple[Remapping, ...]
) -> Path | None:
    """The file an import names, or None when we cannot find it (solc will report it)."""
    if name.startswith(("./", "../")):
        candidate = (importer.parent / name).resolve()
    else:
        unit = importer.relative_to(root).as_posix() if importer.is_relative_to(root) else ""
        candidate = (root / apply_remappings(name, unit, remaps)).resolve()
    return candidate if candidate.is_file() else None
