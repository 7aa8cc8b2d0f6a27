"""The table of contents, the intro's map of pillars and the files on disk agree."""

import re

import yaml

from mlskills import ROOT

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PARTS = {part["caption"]: [c["file"] for c in part.get("chapters") or []] for part in TOC["parts"]}
CHAPTERS = PARTS["Part I — The essential pillars"] + PARTS["Part II — The added value"]


def test_parts_are_in_the_documented_order():
    assert list(PARTS) == [
        "Start here",
        "Part I — The essential pillars",
        "Part II — The added value",
        "Exercises",
        "Solutions",
        "Reference",
    ]


def test_every_toc_entry_exists_and_every_notebook_is_listed():
    for files in PARTS.values():
        for entry in files:
            assert list(ROOT.glob(entry + ".*")), f"_toc.yml lists {entry}, which does not exist"
    for folder in ("chapters", "exercises", "solutions"):
        for nb in (ROOT / folder).glob("*.ipynb"):
            assert f"{folder}/{nb.stem}" in [e for files in PARTS.values() for e in files], f"{folder}/{nb.name} is not in _toc.yml"


def test_each_chapter_has_its_exercises_and_solutions_listed():
    for chapter in CHAPTERS:
        stem = chapter.split("/")[1]
        assert f"exercises/{stem}" in PARTS["Exercises"]
        assert f"solutions/{stem}" in PARTS["Solutions"]


def test_chapters_sit_in_the_right_part():
    for entry in PARTS["Part I — The essential pillars"]:
        assert 1 <= int(entry.split("/")[1][:2]) <= 8
    for entry in PARTS["Part II — The added value"]:
        assert 9 <= int(entry.split("/")[1][:2]) <= 14


def test_the_intro_maps_all_fourteen_pillars_and_links_exactly_the_written_chapters():
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|[^|]*\| ([^|]+) \|$", intro, re.MULTILINE)
    assert [int(n) for n, _, _ in rows] == list(range(1, 15))
    for number, pillar, status in rows:
        written = [c for c in CHAPTERS if c.split("/")[1].startswith(f"{int(number):02d}-")]
        if written:
            assert status.strip() == "{doc}`" + written[0] + "`", f"pillar {number} ({pillar.strip()}) should link {written[0]}"
        else:
            assert status.strip() == "planned", f"pillar {number} has no chapter yet: mark it 'planned', not {status.strip()!r}"
