"""Start a new chapter from the templates.

    python -m mlskills.scaffold 7 "Advanced machine learning" [--slug advanced-ml]

creates ``chapters/07-advanced-ml.ipynb`` and ``solutions/07-advanced-ml.ipynb`` from
``templates/``, ``mlskills/checks/ch07.py``, ``tests/checks/ch07_wrong_answers.py``,
``references/ch07.bib``, and adds the chapter, its exercises and its solutions to
``_toc.yml``. The templates contain placeholder text on purpose: the linter rejects the
chapter until every placeholder is replaced by real content.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from mlskills import ROOT

PART_OF = {n: "Part I — The essential pillars" if n <= 8 else "Part II — The added value" for n in range(1, 15)}


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].rstrip("-")


def _fill(text: str, number: int, title: str, stem: str) -> str:
    return text.replace("{{NUMBER}}", str(number)).replace("{{NN}}", f"{number:02d}").replace("{{TITLE}}", title).replace("{{STEM}}", stem)


def add_to_toc(toc_text: str, caption: str, entry: str) -> str:
    """Insert ``- file: entry`` into the part with ``caption``, keeping entries sorted."""
    lines = toc_text.splitlines()
    if any(line.strip() == f"- file: {entry}" for line in lines):
        return toc_text
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == f"- caption: {caption}")
    except StopIteration as exc:
        raise SystemExit(f"_toc.yml has no part '{caption}'; add it (see CONTRIBUTING.md).") from exc
    chapters_line = next(i for i in range(start, len(lines)) if lines[i].strip() == "chapters:")
    indent = lines[chapters_line][: len(lines[chapters_line]) - len(lines[chapters_line].lstrip())] + "  - "
    end = chapters_line + 1
    while end < len(lines) and lines[end].startswith(indent):
        end += 1
    existing = lines[chapters_line + 1 : end]
    new = sorted(existing + [f"{indent}file: {entry}"])
    return "\n".join(lines[: chapters_line + 1] + new + lines[end:]) + "\n"


def scaffold(number: int, title: str, slug: str | None = None, root: Path = ROOT) -> list[Path]:
    stem = f"{number:02d}-{slug or slugify(title)}"
    created = []
    plan = {
        root / "templates" / "chapter.ipynb": root / "chapters" / f"{stem}.ipynb",
        root / "templates" / "solutions.ipynb": root / "solutions" / f"{stem}.ipynb",
        root / "templates" / "checks.py.txt": root / "mlskills" / "checks" / f"ch{number:02d}.py",
        root / "templates" / "wrong_answers.py.txt": root / "tests" / "checks" / f"ch{number:02d}_wrong_answers.py",
        root / "templates" / "chapter.bib": root / "references" / f"ch{number:02d}.bib",
    }
    for template, target in plan.items():
        if target.exists():
            print(f"kept existing {target.relative_to(root)}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(template.read_text(encoding="utf-8"), number, title, stem), encoding="utf-8")
        created.append(target)
    toc = root / "_toc.yml"
    text = toc.read_text(encoding="utf-8")
    text = add_to_toc(text, PART_OF[number], f"chapters/{stem}")
    text = add_to_toc(text, "Exercises", f"exercises/{stem}")
    text = add_to_toc(text, "Solutions", f"solutions/{stem}")
    toc.write_text(text, encoding="utf-8")
    add_bibfile(root / "_config.yml", f"references/ch{number:02d}.bib")
    link_from_intro(root / "intro.md", number, f"chapters/{stem}")
    return created


def link_from_intro(intro: Path, number: int, doc: str) -> None:
    """Turn pillar ``number``'s 'planned' in the intro's map into a link to the chapter."""
    if not intro.exists():
        return
    text = intro.read_text(encoding="utf-8")
    row = re.compile(rf"^(\| {number} \|[^\n]*\| )planned( \|)$", re.MULTILINE)
    intro.write_text(row.sub(rf"\g<1>{{doc}}`{doc}`\g<2>", text), encoding="utf-8")


def add_bibfile(config: Path, bibfile: str) -> None:
    """List ``bibfile`` under ``bibtex_bibfiles`` in _config.yml (sphinxcontrib-bibtex needs each file named)."""
    lines = config.read_text(encoding="utf-8").splitlines()
    if any(line.strip() == f"- {bibfile}" for line in lines):
        return
    start = lines.index("bibtex_bibfiles:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    entries = sorted(lines[start + 1 : end] + [f"  - {bibfile}"])
    config.write_text("\n".join(lines[: start + 1] + entries + lines[end:]) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("number", type=int, help="pillar number, 1 to 14 (see intro.md)")
    parser.add_argument("title", help="chapter title, e.g. 'Advanced machine learning'")
    parser.add_argument("--slug", help="short file-name slug (default: from the title)")
    args = parser.parse_args(argv)
    if not 1 <= args.number <= 14:
        parser.error("the book has fourteen pillars: number must be 1 to 14")
    for path in scaffold(args.number, args.title, args.slug):
        print(f"created {path.relative_to(ROOT)}")
    print("added the chapter, its exercises and its solutions to _toc.yml")
    print("next: write the chapter, `make execute NB=...`, `make exercises`, `make test` (see CONTRIBUTING.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
