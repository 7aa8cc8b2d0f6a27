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


# ----------------------------------------------------------------------------- exercise 2b
def _reference_pairs(colours, vision):
    """Every pair (i, j), i < j, with its CIEDE2000 distance after simulating ``vision``."""
    from matplotlib.colors import to_rgb

    from mlskills import colour

    rgb = np.array([to_rgb(c) for c in colours])
    if vision != "normal":
        rgb = colour.simulate(rgb, vision)
    return {
        (i, j): colour.delta_e_2000_srgb(rgb[i], rgb[j])
        for i in range(len(rgb))
        for j in range(i + 1, len(rgb))
    }


_PALETTES = {
    "tab10 red, green, blue": ["#d62728", "#2ca02c", "#1f77b4"],
    "Okabe-Ito orange, blue, bluish green": ["#E69F00", "#0072B2", "#009E73"],
    "five Okabe-Ito colours": ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00"],
    "a palette with a repeated colour": ["#CC79A7", "#000000", "#56B4E9", "#000000"],
    "red, yellow, green, blue, purple": ["#ff0000", "#f0e442", "#00a000", "#2040ff", "#9467bd"],
}


@check(budget_s=10)
def check_closest_pair(fn):
    cases = [
        ("tab10 red, green, blue", "normal"),
        ("tab10 red, green, blue", "deuteranopia"),
        ("Okabe-Ito orange, blue, bluish green", "tritanopia"),
        ("five Okabe-Ito colours", "protanopia"),
        ("red, yellow, green, blue, purple", "deuteranomaly"),
        ("red, yellow, green, blue, purple", "normal"),
        ("a palette with a repeated colour", "normal"),
    ]
    for name, vision in cases:
        colours = _PALETTES[name]
        pairs = _reference_pairs(colours, vision)
        best = min(pairs.values())
        where = f"closest_pair({name} {colours}, {vision!r})"
        got = call_on(fn, f"{name}, {vision!r}", list(colours), vision)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Fail(f"{where} should return a tuple (i, j, distance), got {short(got)}")
        i, j, distance = got
        if not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in (i, j)):
            raise Fail(f"{where}: i and j should be integer positions in the list, got {short((i, j))}")
        if not i < j:
            raise Fail(f"{where}: give the pair as (i, j) with i < j, positions in the list as given; got ({i}, {j})")
        if not isinstance(distance, (float, np.floating)) or not np.isfinite(distance):
            raise Fail(f"{where}: the distance should be a finite float, got {short(distance)}")
        if (i, j) not in pairs:
            raise Fail(f"{where}: ({i}, {j}) is not a pair of positions in a list of {len(colours)} colours")
        if abs(distance - pairs[(i, j)]) > 0.05:
            raise Fail(
                f"{where}: the CIEDE2000 distance of colours {i} and {j} as seen with {vision} vision is "
                f"{pairs[(i, j)]:.1f}, your answer says {float(distance):.1f}; check the colour space, the formula "
                "and that the simulation is applied to both colours (and only when vision is not 'normal')"
            )
        if pairs[(i, j)] > best + 1e-6:
            raise Fail(
                f"{where}: ({i}, {j}) are {pairs[(i, j)]:.1f} apart, but another pair is closer ({best:.1f}); "
                "compare every pair, not only neighbours, and keep the smallest"
            )
    for colours in ([], ["#E69F00"]):
        try:
            got = call(fn, colours, "normal")
        except Fail as failure:
            if isinstance(failure.__cause__, ValueError):
                continue
            raise Fail(
                f"closest_pair({colours}, 'normal') should raise ValueError (a pair needs two colours); {failure}"
            ) from None
        raise Fail(f"closest_pair({colours}, 'normal') should raise ValueError (a pair needs two colours), returned {short(got)}")
    return (
        "the closest pair by CIEDE2000 under normal vision, deuteranopia, protanopia, tritanopia and deuteranomaly, "
        "every pair compared, positions as given with i < j, a repeated colour at distance 0, ValueError for fewer than two"
    )


# ----------------------------------------------------------------------------- exercise 3b
def _bar_chart(labels, heights, ylim):
    fig, ax = plt.subplots()
    ax.bar(labels, heights)
    ax.set_ylim(*ylim)
    ax.set_ylabel("Value")
    return fig, ax


def _reference_lie_factor(labels, heights, ylim, first, second):
    bottom, top = ylim
    value = dict(zip(labels, heights, strict=True))

    def drawn(h):
        return min(h, top) - bottom

    return (drawn(value[second]) / drawn(value[first]) - 1) / (value[second] / value[first] - 1)


@check(budget_s=10)
def check_lie_factor(fn):
    years = ["2012", "2013", "2014", "2015"]
    warm = [36, 69, 62, 74]
    cases = [
        (years, warm, (30, 80), "2012", "2015"),
        (years, warm, (0, 80), "2012", "2015"),
        (years, warm, (30, 80), "2015", "2012"),
        (years, warm, (30, 80), "2013", "2014"),
        (["north", "south", "east"], [120.0, 150.0, 90.0], (80, 160), "east", "south"),
        (["north", "south", "east"], [120.0, 150.0, 90.0], (-60, 160), "north", "south"),
        (["A", "B", "C"], [40.0, 95.0, 60.0], (20, 70), "A", "B"),
    ]
    for labels, heights, ylim, first, second in cases:
        fig, ax = _bar_chart(labels, heights, ylim)
        where = (
            f"lie_factor(ax, {first!r}, {second!r}) for bars {dict(zip(labels, heights, strict=True))} "
            f"on a y axis from {ylim[0]:g} to {ylim[1]:g}"
        )
        try:
            got = call_on(fn, f"ax, {first!r}, {second!r}", ax, first, second)
            if ax.get_ylim() != tuple(float(v) for v in ylim):
                now = ", ".join(f"{float(v):g}" for v in ax.get_ylim())
                raise Fail(f"{where}: the y limits changed to ({now}); measure the chart as it is drawn")
        finally:
            _close(fig)
        expected = _reference_lie_factor(labels, heights, ylim, first, second)
        if not isinstance(got, (int, float, np.floating, np.integer)) or isinstance(got, bool):
            raise Fail(f"{where} should return a number, got {short(got)}")
        if not np.isfinite(got) or abs(got - expected) > 1e-6 * max(1.0, abs(expected)):
            swapped = _reference_lie_factor(labels, heights, ylim, second, first)
            if np.isfinite(got) and abs(got * expected - 1) < 1e-6:
                hint = "which change goes on top: the one drawn or the one in the data?"
            elif np.isfinite(got) and abs(got - swapped) < 1e-6 * max(1.0, abs(swapped)):
                hint = f"which bar is the base of both changes, {first!r} or {second!r}?"
            else:
                hint = (
                    "read the two bars asked for by their labels, and measure each one's visible length, from "
                    "where the y axis starts to where the bar ends on screen (a bar taller than the axis is cut off)"
                )
            raise Fail(f"{where} should be {expected:.3f}, got {float(got):.3f}; {hint}")
    for labels, heights, what in (
        (["a", "b"], [50.0, 50.0], "equal values: the data show no change, so the ratio is undefined"),
        (["a", "b"], [-5.0, 10.0], "a negative value: a ratio-scale quantity cannot be below zero"),
        (["a", "b"], [0.0, 10.0], "a zero value: no change relative to zero can be computed"),
    ):
        fig, ax = _bar_chart(labels, heights, (-10, 60))
        try:
            try:
                got = call(fn, ax, "a", "b")
            except Fail as failure:
                if isinstance(failure.__cause__, ValueError):
                    continue
                raise Fail(f"lie_factor for bars {heights} should raise ValueError ({what}); {failure}") from None
        finally:
            _close(fig)
        raise Fail(f"lie_factor for bars {heights} should raise ValueError ({what}), returned {short(got)}")
    return (
        "Tufte's lie factor from the bars and the axis as drawn (cut axes, an axis below zero, a bar cut off at the top, "
        "either order, bars found by label), ValueError for equal, zero or negative values"
    )


# ----------------------------------------------------------------------------- exercise 6
def _points(ax) -> np.ndarray:
    from matplotlib.collections import PathCollection

    offsets = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    offsets = [np.asarray(o, dtype=float) for o in offsets if len(o)]
    return np.vstack(offsets) if offsets else np.empty((0, 2))


def _check_seaborn_plot(ax, df, x, y, where):
    from matplotlib.axes import Axes as _Axes

    if not isinstance(ax, _Axes):
        raise Fail(f"{where} should return the matplotlib Axes the plot is drawn on, got {type(ax).__name__}")
    numeric_x = pd.api.types.is_numeric_dtype(df[x])
    if y is None:
        values = df[x].dropna()
        bars = _bars(ax)
        if len(_points(ax)) or not bars:
            raise Fail(
                f"{where}: one numeric column asks for a distribution plot with bars (a histogram of counts), "
                f"got {len(bars)} bars and {len(_points(ax))} points"
            )
        if len(bars) < 5:
            raise Fail(f"{where}: a histogram with {len(bars)} bars hides the shape; let the plot choose the bins")
        total = sum(bar.get_height() for bar in bars)
        if abs(total - len(values)) > 1e-6:
            raise Fail(
                f"{where}: the bars should count the {len(values)} non-missing values of {x!r} "
                f"(counts, not densities), but they add up to {total:g}"
            )
        if ax.get_xlabel() != x:
            raise Fail(f"{where}: the x axis should be labelled with the column's name {x!r}, got {ax.get_xlabel()!r}")
        return
    pairs = df[[x, y]].dropna()
    points = _points(ax)
    if numeric_x:
        if len(points) != len(pairs):
            raise Fail(
                f"{where}: two numeric columns ask for a scatter plot with one point per row where both are "
                f"known ({len(pairs)}), got {len(points)} points"
            )
        drawn = np.array(sorted(map(tuple, points)))
        data_ = np.array(sorted(map(tuple, pairs.to_numpy(dtype=float))))
        if not np.allclose(drawn, data_):
            raise Fail(f"{where}: the points are not at ({x}, {y}) of each row; is x on the x axis?")
    else:
        categories = sorted(map(str, pairs[x].unique()))
        ax.figure.canvas.draw()  # categorical tick labels
        ticks = sorted(t.get_text() for t in ax.get_xticklabels())
        if ticks != categories:
            raise Fail(f"{where}: the categories of {x!r} {categories} should be the x ticks, got {ticks}")
        if len(points) != len(pairs):
            raise Fail(
                f"{where}: a categorical comparison should show every bird, one point per row where both are "
                f"known ({len(pairs)}); your plot draws {len(points)} points (a bar or box alone hides them)"
            )
        if not np.allclose(np.sort(points[:, 1]), np.sort(pairs[y].to_numpy(dtype=float))):
            raise Fail(f"{where}: the points' heights are not the values of {y!r}")
    if ax.get_xlabel() != x or ax.get_ylabel() != y:
        raise Fail(
            f"{where}: the axes should be labelled with the columns' names ({x!r}, {y!r}), "
            f"got ({ax.get_xlabel()!r}, {ax.get_ylabel()!r})"
        )


@check(budget_s=20)
def check_seaborn_plot(fn):
    penguins = data.load("penguins.csv")
    weather = data.load("seattle-weather.csv")
    cases = [
        (penguins, "penguins", "body_mass_g", None),
        (penguins, "penguins", "bill_length_mm", "bill_depth_mm"),
        (penguins, "penguins", "species", "body_mass_g"),
        (penguins, "penguins", "island", "flipper_length_mm"),
        (weather, "weather", "wind", None),
        (weather, "weather", "temp_min", "temp_max"),
        (weather, "weather", "weather", "wind"),
    ]
    for df, name, x, y in cases:
        where = f"seaborn_plot({name}, {x!r}" + (f", {y!r})" if y else ")")
        before = df.copy()
        plt.close("all")
        try:
            args = (df, x) if y is None else (df, x, y)
            ax = call_on(fn, f"{name}, {x!r}" + (f", {y!r}" if y else ""), *args)
            if not df.equals(before):
                raise Fail(f"{where} changed the DataFrame it was given; plot from it, do not modify it")
            _check_seaborn_plot(ax, df, x, y, where)
        finally:
            plt.close("all")
    return (
        "a histogram of counts for one numeric column, a scatter of every row for two, every point over the "
        "categories for a categorical comparison, columns' names on the axes, penguins and weather, input untouched"
    )


# ----------------------------------------------------------------------------- exercise 7
def _wide(years, text_labels=False, name="month"):
    rng = np.random.default_rng(6)
    table = pd.DataFrame(
        rng.normal(15, 5, size=(12, len(years))).round(2),
        index=pd.Index(range(1, 13), name=name),
        columns=[str(y) if text_labels else y for y in years],
    )
    return table


@check(budget_s=10)
def check_tidy_monthly(fn):
    first = _wide([2012, 2013, 2014, 2015])
    second = _wide([2021, 2022], text_labels=True, name=None)
    second.iloc[3:12, 1] = np.nan  # the current year is not over yet
    second.iloc[0, 0] = 0.0  # a real zero stays
    third = _wide([2019]).iloc[::-1]  # months in reverse order
    cases = [
        (first, "temp_max_c", "four years, months 1-12"),
        (second, "rain_mm", "two years with text column labels, the second only to March"),
        (third, "wind_m_s", "one year, months listed December first"),
    ]
    for wide, value_name, described in cases:
        before = wide.copy()
        where = f"tidy_monthly({described}, {value_name!r})"
        got = call_on(fn, f"{described}, {value_name!r}", wide, value_name)
        if not before.equals(wide):
            raise Fail(f"{where} changed the table it was given; build a new one")
        if not isinstance(got, pd.DataFrame):
            raise Fail(f"{where} should return a DataFrame, got {type(got).__name__}")
        if list(got.columns) != ["year", "month", value_name]:
            raise Fail(f"{where}: the columns should be ['year', 'month', {value_name!r}] in that order, got {list(got.columns)}")
        expected = [
            (int(year), int(month), float(value))
            for year in wide.columns
            for month, value in wide[year].items()
            if pd.notna(value)
        ]
        expected.sort()
        if len(got) != len(expected):
            raise Fail(
                f"{where}: expected one row per known (year, month) value, {len(expected)} rows, got {len(got)}; "
                "a missing value is not an observation (and not a zero)"
            )
        for column in ("year", "month"):
            if not pd.api.types.is_integer_dtype(got[column]):
                raise Fail(f"{where}: {column!r} should be whole numbers a BI tool can filter, got dtype {got[column].dtype}")
        if not pd.api.types.is_float_dtype(got[value_name]):
            raise Fail(f"{where}: {value_name!r} should hold numbers, got dtype {got[value_name].dtype}")
        if not got.index.equals(pd.RangeIndex(len(got))):
            raise Fail(f"{where}: the rows should be numbered 0 to {len(got) - 1} (a fresh index), got {short(list(got.index))}")
        rows = list(zip(got["year"], got["month"], got[value_name], strict=True))
        if [(int(a), int(b)) for a, b, _ in rows] != [(a, b) for a, b, _ in expected]:
            raise Fail(f"{where}: sort the rows by year, then month; the first rows are {short(rows[:4])}")
        if not np.allclose([v for *_, v in rows], [v for *_, v in expected]):
            raise Fail(f"{where}: the values do not match the table's cells for their year and month")
    return (
        "one row per known (year, month) value with integer year and month, numeric values under the name given, "
        "sorted, a fresh index; text column labels, missing months and the input left untouched handled"
    )


# ----------------------------------------------------------------------------- exercise 8
def _reference_brier(y, p, n_bins):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    bins = np.minimum(np.floor(p * n_bins).astype(int), n_bins - 1)
    base = y.mean()
    reliability = resolution = 0.0
    for b in np.unique(bins):
        inside = bins == b
        weight = inside.mean()
        reliability += weight * (p[inside].mean() - y[inside].mean()) ** 2
        resolution += weight * (y[inside].mean() - base) ** 2
    return {"reliability": reliability, "resolution": resolution, "uncertainty": base * (1 - base)}


@check(budget_s=10)
def check_brier_decomposition(fn):
    rng = np.random.default_rng(8)
    # forecasts at bin centres: then reliability - resolution + uncertainty is the Brier score exactly
    centres = (np.arange(10) + 0.5) / 10
    p_centre = rng.choice(centres, size=400)
    y_centre = (rng.random(400) < np.clip(p_centre + 0.1, 0, 1)).astype(int)
    p_any = rng.beta(2, 2, size=300)
    y_any = rng.random(300) < p_any
    p_edge = np.array([1.0, 1.0, 0.95, 0.92, 0.0, 0.03, 0.5 + 1e-9, 0.47])
    y_edge = np.array([1, 1, 0, 1, 0, 0, 1, 0])
    cases = [
        ("400 forecasts at the centres of 10 bins", y_centre, p_centre, 10),
        ("300 forecasts spread over [0, 1]", y_any.astype(bool), p_any, 10),
        ("the same 300 forecasts", pd.Series(y_any.astype(int)), pd.Series(p_any), 4),
        ("8 forecasts, two of them exactly 1.0", list(y_edge), list(p_edge), 10),
        ("6 forecasts, every bird male", [1] * 6, [0.9, 0.85, 0.95, 0.65, 0.99, 0.75], 5),
    ]
    for described, y, p, n_bins in cases:
        where = f"brier_decomposition({described}, n_bins={n_bins})"
        got = call_on(fn, f"{described}, n_bins={n_bins}", y, p, n_bins=n_bins)
        if not isinstance(got, dict) or set(got) != {"reliability", "resolution", "uncertainty"}:
            raise Fail(f"{where} should return a dict with keys 'reliability', 'resolution', 'uncertainty', got {short(got)}")
        expected = _reference_brier(y, p, n_bins)
        for key in ("uncertainty", "resolution", "reliability"):
            value = got[key]
            if not isinstance(value, (int, float, np.floating)) or not np.isfinite(value):
                raise Fail(f"{where}: {key} should be a finite number, got {short(value)} (an empty bin?)")
            if abs(value - expected[key]) > 1e-9:
                hint = {
                    "uncertainty": "it depends only on how often the outcome happens",
                    "resolution": "compare each bin's observed frequency with the overall one, weighted by the bin's share",
                    "reliability": "compare each bin's mean forecast with its observed frequency, weighted by the bin's share",
                }[key]
                raise Fail(
                    f"{where}: {key} should be {expected[key]:.5f}, got {float(value):.5f}; {hint} "
                    f"(bins: {n_bins} of equal width on [0, 1], a forecast of 1.0 in the last one)"
                )
    brier = float(np.mean((p_centre - y_centre) ** 2))
    parts = _reference_brier(y_centre, p_centre, 10)
    assert abs(parts["reliability"] - parts["resolution"] + parts["uncertainty"] - brier) < 1e-9
    return (
        "reliability, resolution and uncertainty over n_bins equal-width bins (weighted by bin counts, empty bins "
        "skipped, 1.0 in the last bin), booleans, lists and Series; at bin centres they add up to the Brier score"
    )


# ----------------------------------------------------------------------------- exercise 7b
@check(budget_s=10)
def check_filter_options(fn):
    penguins = data.load("penguins.csv")
    weather = data.load("seattle-weather.csv")
    cases = [
        (penguins, "penguins", "species"),
        (penguins, "penguins", "sex"),
        (penguins, "penguins", "year"),
        (weather, "weather", "weather"),
        (penguins.iloc[::-1].reset_index(drop=True), "penguins in reverse order", "island"),
        (penguins.iloc[:0], "an empty table", "species"),
    ]
    for df, name, column in cases:
        before = df.copy()
        where = f"filter_options({name}, {column!r})"
        got = call_on(fn, f"{name}, {column!r}", df, column)
        if not df.equals(before):
            raise Fail(f"{where} changed the DataFrame it was given; read the options, do not modify the data")
        if not isinstance(got, list):
            raise Fail(f"{where} should return a list (what st.selectbox shows), got {type(got).__name__}")
        values = df[column].dropna().unique()
        expected = ["All", *sorted(values)]
        if not got or got[0] != "All":
            raise Fail(f"{where}: the first choice should be 'All' (no filter), got {short(got[:3])}")
        rest = got[1:]
        if any(isinstance(v, float) and v != v for v in rest):
            raise Fail(f"{where}: a missing value is not a choice a reader can pick; got {short(rest)}")
        if len(rest) != len(set(rest)):
            raise Fail(f"{where}: each value should appear once, got {short(rest)}")
        if len(rest) == len(values) and any(
            isinstance(a, str) != isinstance(b, str) for a, b in zip(sorted(rest, key=str), sorted(values, key=str), strict=True)
        ):
            raise Fail(
                f"{where}: keep the values as they are in the data (the filter compares them with the column), "
                f"got {short(rest[:3])}"
            )
        if set(rest) != set(values):
            raise Fail(
                f"{where}: the choices should be the values found in the column {short(sorted(values))}, got {short(rest)}"
            )
        if rest != expected[1:]:
            raise Fail(f"{where}: sort the choices so a reader finds them, got {short(rest)}")
    return (
        "'All' first, then every value found in the column once, sorted, without missing values and in the data's "
        "own type; text, numbers, an empty table, input untouched"
    )


# ----------------------------------------------------------------------------- exercise 7c
@check(budget_s=15)
def check_penguin_figure(fn):
    import plotly.graph_objects as go

    penguins = data.load("penguins.csv")
    before = penguins.copy()
    fig = call_on(fn, "penguins", penguins)
    where = "penguin_figure(penguins)"
    if not penguins.equals(before):
        raise Fail(f"{where} changed the DataFrame it was given")
    if not isinstance(fig, go.Figure):
        raise Fail(f"{where} should return a plotly Figure (e.g. from plotly.express), got {type(fig).__name__}")
    traces = [t for t in fig.data if getattr(t, "type", None) in ("scatter", "scattergl")]
    names = sorted(str(t.name) for t in traces)
    species = sorted(penguins["species"].dropna().unique())
    if names != species:
        raise Fail(f"{where}: expected one scatter trace per species {species} (so the legend can toggle them), got {names}")
    measured = penguins.dropna(subset=["flipper_length_mm", "body_mass_g"])
    for trace in traces:
        birds = measured[measured["species"] == trace.name]
        x = np.asarray(trace.x, dtype=float)
        y = np.asarray(trace.y, dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        if keep.sum() != len(birds):
            raise Fail(
                f"{where}: the {trace.name} trace should hold its {len(birds)} measured birds, got {int(keep.sum())}; "
                "keep a bird whose sex was not recorded"
            )
        pairs = sorted(zip(x[keep], y[keep], strict=True))
        if not np.allclose(pairs, sorted(zip(birds["flipper_length_mm"], birds["body_mass_g"], strict=True))):
            raise Fail(f"{where}: the {trace.name} points are not (flipper length, body mass); which column is on x?")
    colours = [str(t.marker.color).lower() for t in traces]
    if not all(c in OKABE_ITO for c in colours) or len(set(colours)) != len(colours):
        raise Fail(f"{where}: give each species its own Okabe-Ito colour (as in the chapter), got {colours}")
    symbols = [str(t.marker.symbol) for t in traces]
    if len(set(symbols)) != len(symbols):
        raise Fail(f"{where}: give each species its own marker symbol, so colour is not the only cue; got {symbols}")
    for axis, unit in (("xaxis", "(mm)"), ("yaxis", "(g)")):
        title = fig.layout[axis].title.text or ""
        if unit not in title:
            raise Fail(f"{where}: the {axis[0]} axis title should say what is measured and its unit {unit}, got {title!r}")
    for trace in traces:
        hover = (trace.hovertemplate or "").lower()
        if "island" not in hover or "sex" not in hover:
            raise Fail(f"{where}: hovering over a {trace.name} penguin should show its island and sex; its hover shows {short(hover)}")
    title = fig.layout.title.text or ""
    if not any(name in title for name in species):
        raise Fail(
            f"{where}: the title should state the finding, which species stands out (hovering is not reading); "
            f"got {title!r}"
        )
    return (
        "one trace per species with every measured bird, distinct Okabe-Ito colours and symbols, axis titles with "
        "units, island and sex on hover, and a title that names the species that stands out"
    )
