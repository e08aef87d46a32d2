"""The corpus ground truth: corpora/<family>/expected.toml, checked against corpora/schema.json."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


@dataclass(frozen=True, slots=True)
class Expected:
    static: tuple[str, ...] = ()
    prover: tuple[str, ...] = ()
    fuzz: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Variant:
    family: str
    id: str
    file: Path
    correct: bool
    description: str
    style: str
    bug_class: str | None
    lines: tuple[int, ...]
    properties: tuple[str, ...]
    expected: Expected

    @property
    def key(self) -> str:
        return f"{self.family}/{self.id}"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    title: str
    contract: str
    folder: Path
    variants: tuple[Variant, ...]
    property_docs: tuple[tuple[str, str], ...]

    @property
    def recipe(self) -> Path:
        return self.folder / "deploy.toml"


def schema() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((CORPORA / "schema.json").read_text())
    return loaded


def manifest_paths() -> list[Path]:
    return sorted(CORPORA.glob("*/expected.toml"))


def load_family(path: Path) -> Family:
    data = tomllib.loads(path.read_text())
    jsonschema.validate(data, schema())
    folder = path.parent
    variants = tuple(
        Variant(
            family=data["family"],
            id=v["id"],
            file=folder / v["file"],
            correct=v["correct"],
            description=v["description"],
            style=v.get("style", "0.8"),
            bug_class=v.get("bug_class"),
            lines=tuple(v.get("lines", ())),
            properties=tuple(v.get("properties", ())),
            expected=Expected(**{k: tuple(x) for k, x in v.get("expected", {}).items()}),
        )
        for v in data["variant"]
    )
    return Family(
        name=data["family"],
        title=data["title"],
        contract=data["contract"],
        folder=folder,
        variants=variants,
        property_docs=tuple(sorted(data.get("property_docs", {}).items())),
    )


def families() -> list[Family]:
    return [load_family(p) for p in manifest_paths()]


def specced_families(names: Sequence[str] = ()) -> Iterator[Family]:
    """The families named (all when none) that have a spec; the others are said to lack one."""
    for family in families():
        if names and family.name not in names:
            continue
        if not (family.folder / f"{family.contract}.spec").is_file():
            print(f"{family.name}: no spec yet")
            continue
        yield family


def all_variants() -> list[Variant]:
    return [v for f in families() for v in f.variants]


def readme_table() -> str:
    """The table of corpora/README.md, generated from the manifests."""
    lines = [
        "| family | contract | variant | file | style | class | bug lines | static "
        "| prover / fuzz properties |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for family in families():
        for v in family.variants:
            props = (
                v.properties
                if v.correct
                else tuple(dict.fromkeys(v.expected.prover + v.expected.fuzz))
            )
            lines.append(
                f"| {family.name} | {family.contract} | {v.id} | {v.file.name} | {v.style} | "
                f"{'correct' if v.correct else v.bug_class} | "
                f"{', '.join(map(str, v.lines)) or '-'} | {', '.join(v.expected.static) or '-'} | "
                f"{', '.join(props) or '-'} |"
            )
    return "\n".join(lines) + "\n"


def class_table() -> str:
    """Bug class → the variants that seed it."""
    by_class: dict[str, list[str]] = {}
    for v in all_variants():
        if v.bug_class:
            by_class.setdefault(v.bug_class, []).append(f"{v.family}/{v.id}")
    lines = ["| class | variants |", "|---|---|"]
    for name in sorted(by_class, key=lambda c: int(c[1:])):
        lines.append(f"| {name} | {', '.join(by_class[name])} |")
    return "\n".join(lines) + "\n"


BEGIN, END = (
    "<!-- BEGIN GENERATED (python3 benchmarks/groundtruth.py) -->",
    "<!-- END GENERATED -->",
)


def render_readme(text: str) -> str:
    """`text` with the part between the markers replaced by the tables of the manifests."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    variants = all_variants()
    summary = (
        f"{len(families())} families, {len(variants)} variants "
        f"({sum(v.correct for v in variants)} correct, {sum(not v.correct for v in variants)} "
        "bugged).\n"
    )
    body = f"{summary}\n{readme_table()}\n### Classes\n\n{class_table()}"
    return f"{head}{BEGIN}\n{body}{END}{tail}"


if __name__ == "__main__":
    readme = CORPORA / "README.md"
    readme.write_text(render_readme(readme.read_text()))
    print(f"wrote {readme}")
