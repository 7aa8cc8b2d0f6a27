"""Checks for the exercises of Chapter 6: Data visualization and storytelling.

Figures are checked through their objects — axis labels, limits, bar heights, colours,
markers — never by comparing pixels. Every figure a check creates (or receives from the
learner's function) is closed before the check returns, so no image appears under a check
cell. Prove each check honest in tests/checks/ch06_wrong_answers.py.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Rectangle

from mlskills import data
from mlskills.checks import Fail, call, call_on, check, short

#: The eight colours of Okabe & Ito (2008), as lowercase hex.
OKABE_ITO = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000"]
#: Marker codes that draw nothing or almost nothing.
INVISIBLE_MARKERS = {"None", "none", " ", "", ",", "."}


def _bars(ax: Axes) -> list[Rectangle]:
    """The bars of a bar chart: the patches of its bar containers.

    Other rectangles (an ``axhspan`` band, a highlighted region) are not bars. A chart
    drawn without a bar container (rectangles added by hand) falls back to its rectangles.
    """
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    if containers:
        return [bar for c in containers for bar in c.patches]
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _horizontal(ax: Axes) -> bool:
    return any(
        getattr(c, "orientation", None) == "horizontal"
        for c in ax.containers
        if isinstance(c, BarContainer)
    )


def _close(*figures) -> None:
    for figure in figures:
        if isinstance(figure, Figure):
            plt.close(figure)


def _penguins() -> pd.DataFrame:
    return data.load("penguins.csv").dropna(subset=["body_mass_g"])


# ----------------------------------------------------------------------------- exercise 1
def _check_mean_bar_chart(fig, df, category, value, unit):
    where = f"mean_bar_chart(df, {category!r}, {value!r}, {unit!r})"
    if not isinstance(fig, Figure):
        raise Fail(
            f"{where} should return a matplotlib Figure (e.g. from plt.subplots), got {type(fig).__name__}"
        )
    if len(fig.axes) != 1:
        raise Fail(f"{where} should draw on exactly one Axes, the figure has {len(fig.axes)}")
    ax = fig.axes[0]
    fig.canvas.draw()  # makes categorical tick labels available
    expected = df.groupby(category)[value].mean().sort_index()
    bars = _bars(ax)
    if _horizontal(ax):
        raise Fail(
            f"{where}: draw vertical bars (one per {category} along the x axis), not horizontal ones"
        )
    if len(bars) != len(expected):
        raise Fail(
            f"{where}: expected one bar per {category} ({len(expected)}), found {len(bars)} bars"
        )
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    if ticks != [str(c) for c in expected.index]:
        raise Fail(
            f"{where}: the x tick labels should be the {category} values in sorted order "
            f"{list(map(str, expected.index))}, got {ticks}"
        )
    heights = np.array([bar.get_height() for bar in sorted(bars, key=lambda b: b.get_x())])
    if not np.allclose(heights, expected.to_numpy(), rtol=1e-6):
        raise Fail(
            f"{where}: bar heights should be the mean {value} per {category} "
            f"{short([round(h, 1) for h in expected])}, got {short([round(float(h), 1) for h in heights])}"
        )
    ylabel = ax.get_ylabel()
    if f"({unit})" not in ylabel:
        raise Fail(
            f"{where}: the y label should name the unit in parentheses, e.g. 'Mean {value} ({unit})'; got {ylabel!r}"
        )
    if not ax.get_xlabel().strip():
        raise Fail(
            f"{where}: the x axis has no label; say what the categories are (e.g. {category!r})"
        )
    titles = [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
    titles.append(fig.get_suptitle())
    if not any(title.strip() for title in titles):
        raise Fail(f"{where}: the chart has no title; state what it shows (ax.set_title)")
    bottom = ax.get_ylim()[0]
    if bottom != 0:
        raise Fail(f"{where}: bar lengths must start at zero, but the y axis starts at {bottom:g}")


@check(budget_s=10)
def check_mean_bar_chart(fn):
    penguins = _penguins()
    cases = [
        (penguins, "species", "body_mass_g", "g"),
        (penguins, "island", "flipper_length_mm", "mm"),
    ]
    for df, category, value, unit in cases:
        fig = call_on(
            fn, f"penguins, {category!r}, {value!r}, {unit!r}", df.copy(), category, value, unit
        )
        try:
            _check_mean_bar_chart(fig, df, category, value, unit)
        finally:
            _close(fig)
            plt.close("all")
    return (
        "one bar per category at the group mean (species mass in g, island flipper length in mm), "
        "sorted ticks, unit in the y label, a title and a zero baseline"
    )


# ----------------------------------------------------------------------------- exercise 2
def _visible_marker(marker) -> bool:
    """Anything matplotlib accepts as a marker that draws a visible shape (not '.', ',' or none)."""
    if isinstance(marker, str) and marker in INVISIBLE_MARKERS:
        return False
    if isinstance(marker, (bool, float)):
        return False
    try:
        style = MarkerStyle(marker)
    except (ValueError, TypeError):
        return False
    path = style.get_path()
    return path is not None and len(path.vertices) > 0


def _check_styles(styles, categories):
    where = f"category_styles({short(categories)})"
    if not isinstance(styles, dict):
        raise Fail(
            f"{where} should return a dict {{category: {{'color': ..., 'marker': ...}}}}, got {type(styles).__name__}"
        )
    if list(styles) != list(categories):
        raise Fail(
            f"{where}: the keys should be the categories in the order given, got {short(list(styles))}"
        )
    colours, markers = [], []
    for category, style in styles.items():
        if not isinstance(style, dict) or not {"color", "marker"} <= set(style):
            raise Fail(
                f"{where}: styles[{category!r}] should be a dict with 'color' and 'marker', got {short(style)}"
            )
        try:
            colour = to_hex(style["color"]).lower()
        except ValueError:
            raise Fail(
                f"{where}: styles[{category!r}]['color'] = {short(style['color'])} is not a colour"
            ) from None
        if colour not in OKABE_ITO:
            raise Fail(
                f"{where}: styles[{category!r}]['color'] = {colour} is not one of the Okabe-Ito colours {OKABE_ITO}"
            )
        marker = style["marker"]
        if not _visible_marker(marker):
            raise Fail(
                f"{where}: styles[{category!r}]['marker'] = {short(marker)} is not a visible matplotlib marker "
                "such as 'o', 's', '^', 'D'"
            )
        colours.append(colour)
        markers.append(marker if isinstance(marker, str) else repr(marker))
    if len(set(colours)) != len(colours):
        raise Fail(f"{where}: two categories share a colour ({colours}); each needs its own")
    if len(set(markers)) != len(markers):
        raise Fail(
            f"{where}: two categories share a marker ({markers}); colour must never be the only cue"
        )


@check(budget_s=5)
def check_category_styles(fn):
    for categories in (
        ["Adelie", "Chinstrap", "Gentoo"],
        ["Gentoo", "Adelie", "Chinstrap"],
        ["a", "b", "c", "d", "e", "f", "g", "h"],
    ):
        try:
            styles = call(fn, list(categories))
        except Fail as failure:
            if isinstance(failure.__cause__, ValueError) and len(categories) <= len(OKABE_ITO):
                raise Fail(
                    f"category_styles({short(categories)}) raised ValueError, but {len(categories)} categories "
                    f"fit the {len(OKABE_ITO)} colours; raise only when there are more"
                ) from None
            raise
        _check_styles(styles, categories)
        if call(fn, list(categories)) != styles:
            raise Fail(
                f"category_styles({short(categories)}) gave different styles on a second call; make it deterministic"
            )
    nine = [f"group {i}" for i in range(9)]
    try:
        got = call(fn, nine)
    except Fail as failure:
        error = failure.__cause__
        if not isinstance(error, Exception):
            raise
        if not isinstance(error, ValueError):
            raise Fail(
                f"category_styles(9 categories) should raise ValueError, but raised {type(error).__name__}: {error}"
            ) from None
        if not str(error).strip():
            raise Fail(
                "category_styles(9 categories) raised ValueError without a message; tell the reader what to "
                "do instead (past eight categories colour stops working as a cue)"
            ) from None
        return (
            "distinct Okabe-Ito colours and distinct visible markers for 3 and 8 categories, keys in the order "
            "given, deterministic, and a ValueError with a message for 9"
        )
    raise Fail(
        f"category_styles(9 categories) should raise ValueError (only 8 Okabe-Ito colours), returned {short(got)}"
    )


# ----------------------------------------------------------------------------- exercise 3
def _truncated_bar_chart(labels, heights, ylim, ylabel):
    fig, ax = plt.subplots()
    ax.bar(labels, heights)
    ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    return fig, ax


@check(budget_s=5)
def check_zero_baseline(fn):
    cases = [
        (
            ["Adelie", "Chinstrap", "Gentoo"],
            [3700.7, 3733.1, 5076.0],
            (3650, 5200),
            "Body mass (g)",
        ),
        (
            ["2012", "2013", "2014", "2015"],
            [-0.83, -0.05, 0.89, 1.32],
            (-0.3, 1.5),
            "Difference (°C)",
        ),
        (["north", "south"], [12.0, 30.0], (10, 25), "Rainfall (mm)"),
        (["Q1", "Q2", "Q3"], [-4.0, -9.5, -2.5], (-9.8, -2.0), "Change in users (%)"),
    ]
    for labels, heights, ylim, ylabel in cases:
        fig, ax = _truncated_bar_chart(labels, heights, ylim, ylabel)
        ax.set_xlabel("Group")
        ax.set_title("As handed over")
        xlim = ax.get_xlim()
        try:
            where = f"zero_baseline(ax) for bars {heights} drawn with ylim {ylim}"
            got = call(fn, ax)
            if got is not ax:
                raise Fail(f"{where} should return the same Axes it was given, got {short(got)}")
            now = [bar.get_height() for bar in _bars(ax)]
            if now != heights:
                raise Fail(
                    f"{where}: the bars changed to {short(now)}; change the axis, not the data"
                )
            bottom, top = ax.get_ylim()
            low, high = min(0.0, min(heights)), max(0.0, max(heights))
            span = high - low
            slack = 1e-9 * span  # "at most 25 %" includes exactly 25 %, whatever the rounding
            if min(heights) >= 0 and bottom != 0:
                raise Fail(
                    f"{where}: all bars are positive, so the axis must start exactly at 0, got {bottom:g}"
                )
            if bottom > low + slack or top < high - slack:
                raise Fail(
                    f"{where}: the axis ({bottom:g}, {top:g}) must include zero and every bar "
                    f"entirely, i.e. ({low:g}, {high:g})"
                )
            if low - bottom > 0.25 * span + slack or top - high > 0.25 * span + slack:
                raise Fail(
                    f"{where}: the axis ({bottom:g}, {top:g}) leaves more than 25% empty space "
                    f"beyond zero and the bars ({low:g}, {high:g})"
                )
            if ax.get_xlim() != xlim:
                raise Fail(
                    f"{where}: the x limits changed from ({xlim[0]:g}, {xlim[1]:g}) to "
                    f"({ax.get_xlim()[0]:g}, {ax.get_xlim()[1]:g}); change only the y limits"
                )
            for what, before, after in (
                ("y label", ylabel, ax.get_ylabel()),
                ("x label", "Group", ax.get_xlabel()),
                ("title", "As handed over", ax.get_title()),
            ):
                if after != before:
                    raise Fail(f"{where}: the {what} changed to {after!r}; leave it as {before!r}")
        finally:
            _close(fig)
    return (
        "zero and every bar visible (positive, mixed-sign, all-negative and cut-off bars), little headroom, "
        "only the y limits changed"
    )


# ----------------------------------------------------------------------------- exercise 4
_NUMBER = r"[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


def _numbers_with_unit(text: str, unit: str) -> list[tuple[str, float]]:
    """Every number written right before ``unit`` (one optional space), as (text, value)."""
    found = []
    for match in re.finditer(rf"(?<![\w.])({_NUMBER})\s?{re.escape(unit)}", text):
        shown = match.group(1)
        found.append((shown, float(shown.replace(",", "").replace("\u2212", "-"))))
    return found


def _value_mentioned(text: str, value: float, unit: str) -> bool:
    """The value appears with its unit, correctly rounded to however many decimals are shown.

    Either way of rounding a half counts (40.25 may be 40.2 or 40.3).
    """
    for shown, number in _numbers_with_unit(text, unit):
        decimals = len(shown.split(".")[1]) if "." in shown else 0
        if abs(number - value) <= 0.5 * 10**-decimals + 1e-9:
            return True
    return False


def _says_count(text: str, n: int, ylabel: str) -> bool:
    """The bar count as a word or a number of its own (not a digit of 3,700.7 or of the y label)."""
    text = re.sub(re.escape(ylabel), " ", text, flags=re.IGNORECASE)
    number = rf"(?<![\d.,]){n}(?![.,]?\d)"
    return bool(re.search(rf"{number}|\b{_WORDS[n]}\b", text, re.IGNORECASE))


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@check(budget_s=5)
def check_bar_alt_text(fn):
    cases = [
        (
            ["north", "south", "east", "west"],
            [12.5, 40.25, 7.75, 19.0],
            "Rainfall in May (mm)",
            "mm",
        ),
        (["Adelie", "Chinstrap", "Gentoo"], [3700.66, 3733.09, 5076.02], "Mean body mass (g)", "g"),
        (
            ["spring", "summer", "autumn", "winter"],
            [-1.25, 0.5, 2.0, -0.25],
            "Temperature difference from average (°C)",
            "°C",
        ),
        (["red", "green", "blue"], [9.0, 4.5, 9.0], "Votes (thousands)", "thousand"),
    ]
    for labels, heights, ylabel, unit in cases:
        fig, ax = plt.subplots()
        ax.bar(labels, heights)
        ax.set_ylabel(ylabel)
        try:
            got = call(fn, ax, unit)
        finally:
            _close(fig)
        where = f"bar_alt_text(ax, {unit!r}) for bars {dict(zip(labels, heights, strict=True))}"
        if not isinstance(got, str):
            raise Fail(f"{where} should return a str, got {type(got).__name__}")
        if "bar chart" not in got.lower():
            raise Fail(f"{where}: say what kind of chart it is ('bar chart'); got {got!r}")
        if ylabel.lower() not in got.lower():
            raise Fail(f"{where}: name what is measured, i.e. the y label {ylabel!r}; got {got!r}")
        if not _says_count(got, len(labels), ylabel):
            raise Fail(f"{where}: say how many bars there are ({len(labels)}); got {got!r}")
        for role, extreme in (("highest", max(heights)), ("lowest", min(heights))):
            candidates = [label for label, h in zip(labels, heights, strict=True) if h == extreme]
            if not any(label in got for label in candidates):
                tie = " (a tie: either one will do)" if len(candidates) > 1 else ""
                raise Fail(
                    f"{where}: name the {role} bar, {' or '.join(map(repr, candidates))}{tie}; got {got!r}"
                )
            if not _value_mentioned(got, extreme, unit):
                raise Fail(
                    f"{where}: give the {role} value, {extreme:g}, with its unit {unit!r} (rounding is fine); got {got!r}"
                )
        if len(got) > 250:
            raise Fail(
                f"{where}: alt text should be short (at most 250 characters), yours has {len(got)}"
            )
    return (
        "alt text names the chart type, the measure, the bar count and the highest and lowest bars with values "
        "and units (negative bars and ties included)"
    )
