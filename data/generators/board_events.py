"""Make data/board_events.csv: the status history of a team's board, as a tracker exports it.

Chapter 14 computes cycle time, throughput, work in progress and a sprint burn-down from
the event log of a board. Real exports from JIRA or Trello hold people's names and a
company's plans, so none can be shipped; this script simulates eight weeks (four two-week
sprints) of a small team building a churn model, with a fixed seed, and writes one row per
status change, the shape of JIRA's issue changelog flattened to CSV (Trello's card actions
flatten to the same rows). Durations are drawn from stated distributions; model
experiments are given a wider spread than engineering stories on purpose, to illustrate
what the chapter discusses, and the datasheet ``data/datasheets/board_events.md`` says so.

Run from the repository root::

    python data/generators/board_events.py      # rewrites data/board_events.csv
    python -m mlskills.data manifest            # then refresh the checksums

The output is byte-for-byte reproducible: same seed, same file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2037
OUT = Path(__file__).resolve().parent.parent / "board_events.csv"
PROJECT = "CHURN"
FIRST_SPRINT = pd.Timestamp("2026-03-02 09:00")  # a Monday
SPRINT_DAYS = 14
N_SPRINTS = 4
EXPORTED_AT = FIRST_SPRINT + pd.Timedelta(days=SPRINT_DAYS * N_SPRINTS - 1, hours=8)

# (issue type, label, share of issues, story points to draw from, days of work per story
#  point or None, median days of work when not sized by points, spread of the log-normal)
# Engineering stories and bugs take time in proportion to their points; spikes are
# time-boxed; model experiments take a time unrelated to their points, with a wide spread.
KINDS = [
    ("Story", "", 0.40, [2, 3, 5], 0.8, None, 0.35),
    ("Story", "ml-experiment", 0.22, [3, 5, 8], None, 4.0, 1.0),
    ("Bug", "", 0.23, [1, 2], 0.7, None, 0.5),
    ("Spike", "", 0.15, [2, 3], None, 3.0, 0.3),  # time-boxed to 3 days
]
SUMMARIES = {
    ("Story", ""): [
        "Score customers nightly in the warehouse",
        "Expose churn scores to the CRM",
        "Add schema checks to the feature job",
        "Log model version with every score",
        "Weekly call list export for the retention team",
        "Backfill features for last quarter",
        "Alert when the score distribution drifts",
        "Document the scoring API",
        "Add retries to the feature extraction",
        "Dashboard of call outcomes",
    ],
    ("Story", "ml-experiment"): [
        "Try gradient boosting against the logistic baseline",
        "Calibrate scores with isotonic regression",
        "Test support-ticket text features",
        "Tune the class weights",
        "Try a survival model for time to churn",
        "Add tenure interactions",
        "Evaluate on the new-customer segment",
    ],
    ("Bug", ""): [
        "Scores missing for customers with no calls",
        "Timezone shift in the event timestamps",
        "Duplicate rows in the call list",
        "Feature job fails on empty partitions",
        "Wrong currency in the revenue column",
        "Stale model loaded after deploy",
    ],
    ("Spike", ""): [
        "Spike: can we get contract end dates?",
        "Spike: which CRM fields are reliable?",
        "Spike: is the call-centre capacity fixed?",
        "Spike: feasibility of real-time scoring",
        "Spike: privacy review of usage features",
    ],
}


def _time(day: float) -> pd.Timestamp:
    """A timestamp ``day`` days after the first sprint started, rounded to the minute."""
    return (FIRST_SPRINT + pd.Timedelta(days=float(day))).round("min")


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows, number = [], 0
    used = {key: 0 for key in SUMMARIES}
    for sprint in range(N_SPRINTS):
        start = sprint * SPRINT_DAYS
        n_planned, n_added = int(rng.integers(9, 12)), int(rng.integers(1, 3))
        for planned in [True] * n_planned + [False] * n_added:
            number += 1
            kind = rng.choice(len(KINDS), p=[k[2] for k in KINDS])
            issue_type, label, _, points, per_point, median, spread = KINDS[kind]
            titles = SUMMARIES[(issue_type, label)]
            summary = titles[used[(issue_type, label)] % len(titles)]
            used[(issue_type, label)] += 1
            created = start - rng.uniform(0.5, 5) if planned else start + rng.uniform(2, 8)
            issue = {
                "issue_key": f"{PROJECT}-{number}",
                "issue_type": issue_type,
                "summary": summary,
                "story_points": int(rng.choice(points)),
                "sprint": f"{PROJECT} Sprint {sprint + 1}",
                "labels": label,
                "created": _time(created),
            }
            events = [(created, "", "To Do")]
            begin = max(created, start) + rng.uniform(0, 9)
            if rng.random() < 0.1:  # never started: stays in To Do
                begin = np.inf
            size = per_point * issue["story_points"] if per_point else median
            work = size * float(np.exp(rng.normal(0, spread)))
            if begin < np.inf:
                events.append((begin, "To Do", "In Progress"))
                if rng.random() < 0.15:  # straight to Done without review
                    events.append((begin + work, "In Progress", "Done"))
                else:
                    in_review = begin + 0.75 * work
                    events.append((in_review, "In Progress", "In Review"))
                    if rng.random() < 0.2:  # review asks for changes
                        back = in_review + rng.uniform(0.2, 1.0)
                        events.append((back, "In Review", "In Progress"))
                        in_review = back + rng.uniform(0.3, 1.5)
                        events.append((in_review, "In Progress", "In Review"))
                    done = in_review + 0.25 * work + rng.uniform(0.05, 0.5)
                    events.append((done, "In Review", "Done"))
                    if rng.random() < 0.1:  # reopened after release
                        reopened = done + rng.uniform(1, 3)
                        events.append((reopened, "Done", "In Progress"))
                        events.append((reopened + rng.uniform(0.5, 2), "In Progress", "Done"))
            for day, before, after in events:
                if _time(day) > EXPORTED_AT:
                    break  # not happened yet when the board was exported
                rows.append(
                    {**issue, "changed_at": _time(day), "from_status": before, "to_status": after}
                )
    frame = pd.DataFrame(rows).sort_values(["changed_at", "issue_key"], kind="stable")
    return frame.reset_index(drop=True)


if __name__ == "__main__":
    frame = make()
    frame.to_csv(OUT, index=False, date_format="%Y-%m-%dT%H:%M", lineterminator="\n")
    print(f"wrote {OUT.name}: {len(frame)} status changes of {frame['issue_key'].nunique()} issues")
