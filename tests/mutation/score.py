"""Print the mutation score of each tooling module after `make mutation` (mutmut 3).

    python tests/mutation/score.py _build/mutation [--min 85]

A mutant counts as caught when a test failed, timed out or crashed with it (a process killed by a
signal, e.g. SIGALRM once the check protocol no longer installs its handler). Mutants listed in
tests/mutation/equivalent.toml change no behaviour, so no test can catch them: they are left
out, but only while the listed change still matches the mutant mutmut made (if the code was
edited and the numbering moved, the entry is reported as stale and the mutant counts again).
Every surviving mutant is listed with its change, so that you can write the test that
catches it (`mutmut show NAME` in the work folder shows it in full). Exit status 1 when a
module scores below --min percent.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAUGHT = {1, 3, 36, 24, 152, 255}  # killed, pytest error, timeouts; any negative code: killed by a signal
SURVIVED, NO_TESTS = {0}, {5, 33}


def modules(config: Path) -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    return [line.strip() for line in parser.get("mutmut", "only_mutate").splitlines() if line.strip()]


def equivalents(path: Path = HERE / "equivalent.toml") -> dict[str, dict]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    for entry in entries:
        missing = {"mutant", "before", "after", "reason"} - set(entry)
        if missing:
            raise SystemExit(f"{path}: entry {entry.get('mutant', entry)} lacks {sorted(missing)}")
    return {entry["mutant"]: entry for entry in entries}


def change(mutant: str, module: str) -> tuple[str, str]:
    """The lines a mutant removes and adds (stripped, joined with ' / ')."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(mutant, path=Path(module)).splitlines()
    removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(removed), " / ".join(added)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--min", type=float, default=85.0, help="lowest acceptable score per module, in percent")
    args = parser.parse_args(argv)
    os.chdir(args.workdir)
    sys.path.insert(0, ".")
    known = equivalents()
    rows, survivors, stale, used = [], [], [], set()
    for module in modules(Path("setup.cfg")):
        meta = Path("mutants") / f"{module}.meta"
        if not meta.exists():
            raise SystemExit(f"no results for {module}: run `make mutation` first")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        caught = excluded = 0
        for mutant, code in sorted(codes.items()):
            if code in CAUGHT or (code is not None and code < 0):  # a crash (e.g. SIGALRM with no handler) is noticed
                caught += 1
                continue
            if mutant in known:
                before, after = change(mutant, module)
                entry = known[mutant]
                if (before, after) == (entry["before"], entry["after"]):
                    excluded += 1
                    used.add(mutant)
                    continue
                stale.append(f"{mutant}: listed as `{entry['before']}` → `{entry['after']}`, now `{before}` → `{after}`")
            if code is None:
                survivors.append(f"{mutant} (not run: was the run interrupted?)")
            elif code in SURVIVED | NO_TESTS:
                before, after = change(mutant, module)
                why = "no test runs it" if code in NO_TESTS else "survived"
                survivors.append(f"{mutant} ({why}): `{before}` → `{after}`")
            else:
                survivors.append(f"{mutant} ({code}: suspicious, skipped or interrupted)")
        counted = len(codes) - excluded
        rows.append((module, len(codes), excluded, caught, counted, 100.0 * caught / counted if counted else 100.0))

    if survivors:
        print(f"Surviving mutants ({len(survivors)}): write a test of the behaviour each one breaks, or, if it")
        print("changes no behaviour, list it with the reason in tests/mutation/equivalent.toml.")
        for line in survivors:
            print(f"  {line}")
        print()
    for line in stale:
        print(f"stale entry in tests/mutation/equivalent.toml (counted again): {line}")
    for mutant in sorted(set(known) - used):
        print(f"note: {mutant} in tests/mutation/equivalent.toml was caught or not generated; remove the entry")
    width = max(len(row[0]) for row in rows)
    print(f"{'module':<{width}}  mutants  equivalent  caught  score")
    for module, total, excluded, caught, _counted, score in rows:
        print(f"{module:<{width}}  {total:7d}  {excluded:10d}  {caught:6d}  {score:5.1f} %")
    total_caught, total_counted = sum(r[3] for r in rows), sum(r[4] for r in rows)
    print(f"{'all':<{width}}  {sum(r[1] for r in rows):7d}  {sum(r[2] for r in rows):10d}  {total_caught:6d}  {100.0 * total_caught / total_counted:5.1f} %")
    low = [row[0] for row in rows if row[5] < args.min]
    if low:
        print(f"✗ below {args.min:g} %: {', '.join(low)}")
        return 1
    print(f"✓ every module scores at least {args.min:g} % (behaviour-changing mutants only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
