"""Plausible wrong answers for the checks of Chapter 6.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each is a mistake a learner would really make.
"""

import matplotlib.pyplot as plt

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]


# --- Exercise 1: mean_bar_chart ------------------------------------------------------
def bar_chart_of_sums(df, category, value, unit):
    """Uses sum() where the exercise asks for the mean."""
    totals = df.groupby(category)[value].sum().sort_index()
    fig, ax = plt.subplots()
    ax.bar(totals.index.astype(str), totals.to_numpy())
    ax.set(xlabel=category, ylabel=f"Total {value} ({unit})", title=f"{value} by {category}")
    return fig


def bar_chart_without_unit(df, category, value, unit):
    """Right bars, but the y label is just the column name."""
    means = df.groupby(category)[value].mean().sort_index()
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=value, title=f"Mean {value} by {category}")
    return fig


def bar_chart_returns_axes(df, category, value, unit):
    """Returns the Axes instead of the Figure."""
    means = df.groupby(category)[value].mean().sort_index()
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    return ax


def bar_chart_zoomed(df, category, value, unit):
    """Zooms the y axis to the data, so bar lengths no longer encode values."""
    means = df.groupby(category)[value].mean().sort_index()
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set_ylim(means.min() * 0.95, means.max() * 1.02)
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    return fig


# --- Exercise 2: category_styles ------------------------------------------------------
def styles_from_tab10(categories):
    """Matplotlib's default colours: distinct, but not the colour-blind-safe palette."""
    tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    if len(categories) > len(tab10):
        raise ValueError("too many categories")
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    return {
        c: {"color": col, "marker": m}
        for c, col, m in zip(categories, tab10, markers, strict=False)
    }


def styles_same_marker(categories):
    """Safe colours, but colour is the only cue."""
    if len(categories) > len(OKABE_ITO):
        raise ValueError("too many categories")
    return {c: {"color": col, "marker": "o"} for c, col in zip(categories, OKABE_ITO, strict=False)}


def styles_cycle_instead_of_refusing(categories):
    """Wraps around the palette for a ninth category instead of raising."""
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    return {
        c: {"color": OKABE_ITO[i % 8], "marker": markers[i % 8]} for i, c in enumerate(categories)
    }


# --- Exercise 3: zero_baseline ---------------------------------------------------------
def baseline_bottom_only(ax):
    """Sets the bottom to zero and forgets negative bars and cut-off tops."""
    ax.set_ylim(bottom=0)
    return ax


def baseline_zoom_to_data(ax):
    """Fits the axis tightly around the bars: the truncation the exercise removes."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    ax.set_ylim(min(heights), max(heights))
    return ax


def baseline_ignores_negatives(ax):
    """Zero to the top with headroom, but negative bars fall off the chart."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    ax.set_ylim(0, max(heights) * 1.1)
    return ax


# --- Exercise 4: bar_alt_text ----------------------------------------------------------
def alt_text_generic(ax, unit):
    """Says only what kind of picture it is."""
    return "A bar chart."


def alt_text_first_and_last(ax, unit):
    """Reports the first and last bar instead of the highest and lowest."""
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = [bar.get_height() for bar in ax.containers[0]]
    return (
        f"Bar chart of {ax.get_ylabel()} for {len(heights)} categories, from {labels[0]} "
        f"({heights[0]:,.1f} {unit}) to {labels[-1]} ({heights[-1]:,.1f} {unit})."
    )


def alt_text_without_units(ax, unit):
    """Right bars, but the values have no unit."""
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = [bar.get_height() for bar in ax.containers[0]]
    top, low = heights.index(max(heights)), heights.index(min(heights))
    return (
        f"Bar chart of {ax.get_ylabel()} for {len(heights)} categories: highest {labels[top]} "
        f"({heights[top]:,.1f}), lowest {labels[low]} ({heights[low]:,.1f})."
    )


WRONG = {
    "check_mean_bar_chart": [
        bar_chart_of_sums,
        bar_chart_without_unit,
        bar_chart_returns_axes,
        bar_chart_zoomed,
    ],
    "check_category_styles": [
        styles_from_tab10,
        styles_same_marker,
        styles_cycle_instead_of_refusing,
    ],
    "check_zero_baseline": [
        baseline_bottom_only,
        baseline_zoom_to_data,
        baseline_ignores_negatives,
    ],
    "check_bar_alt_text": [alt_text_generic, alt_text_first_and_last, alt_text_without_units],
}
