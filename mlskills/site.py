"""Site helpers for the build.

    python -m mlskills.site toc-without-solutions OUT.yml

writes a copy of _toc.yml without the *Solutions* part, for `make book SOLUTIONS=0`
(a fork that publishes the site without worked solutions).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from mlskills import ROOT

SOLUTIONS_CAPTION = "Solutions"


def toc_without_solutions(toc_path: Path = ROOT / "_toc.yml") -> dict:
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    toc["parts"] = [part for part in toc["parts"] if part.get("caption") != SOLUTIONS_CAPTION]
    return toc


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "toc-without-solutions":
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc_without_solutions(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
