"""Plausible wrong answers for the checks of Chapter 6.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each is a mistake a learner would really make.
"""

import matplotlib.pyplot as plt

from tests.checks import never_returns

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


# --- Exercise 1, more wrong answers ------------------------------------------------------------
def _means(df, category, value):
    return df.groupby(category)[value].mean().sort_index()


def bar_chart_without_x_label(df, category, value, unit):
    """Labels the y axis and the title but not the categories."""
    means = _means(df, category, value)
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    return fig


def bar_chart_without_title(df, category, value, unit):
    """Axis labels, but no title."""
    means = _means(df, category, value)
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})")
    return fig


def bar_chart_of_medians(df, category, value, unit):
    """Plots the median instead of the mean."""
    medians = df.groupby(category)[value].median().sort_index()
    fig, ax = plt.subplots()
    ax.bar(medians.index.astype(str), medians.to_numpy())
    ax.set(xlabel=category, ylabel=f"Median {value} ({unit})", title=f"{value} by {category}")
    return fig


def bar_chart_unit_hard_coded(df, category, value, unit):
    """Writes '(g)' into the label whatever unit is passed."""
    means = _means(df, category, value)
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} (g)", title=f"Mean {value} by {category}")
    return fig


def bar_chart_sorted_by_height(df, category, value, unit):
    """Sorts the bars by their mean instead of by category."""
    means = df.groupby(category)[value].mean().sort_values()
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    return fig


def bar_chart_horizontal(df, category, value, unit):
    """Horizontal bars (barh), where the exercise asks for vertical ones."""
    means = _means(df, category, value)
    fig, ax = plt.subplots()
    ax.barh(means.index.astype(str), means.to_numpy())
    ax.set(ylabel=category, xlabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    return fig


def bar_chart_with_a_table_axes(df, category, value, unit):
    """Adds a second Axes with the numbers next to the chart."""
    means = _means(df, category, value)
    fig, (ax, side) = plt.subplots(1, 2)
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    side.axis("off")
    side.table(cellText=[[f"{v:.1f}"] for v in means], rowLabels=list(means.index), loc="center")
    return fig


@never_returns
def bar_chart_waits_for_the_figure(df, category, value, unit):
    """Waits for a figure number that plt.subplots never hands out: never returns."""
    means = _means(df, category, value)
    fig, ax = plt.subplots()
    ax.bar(means.index.astype(str), means.to_numpy())
    ax.set(xlabel=category, ylabel=f"Mean {value} ({unit})", title=f"Mean {value} by {category}")
    while fig.number != 0:
        pass
    return fig


# --- Exercise 2, more wrong answers ------------------------------------------------------------
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def styles_sorted_categories(categories):
    """Sorts the categories first, so the keys no longer follow the order given."""
    if len(categories) > len(OKABE_ITO):
        raise ValueError("more categories than colours: group or facet")
    ordered = sorted(categories)
    return {c: {"color": OKABE_ITO[i], "marker": _MARKERS[i]} for i, c in enumerate(ordered)}


def styles_refuses_eight(categories):
    """Off by one: raises already for eight categories."""
    if len(categories) >= len(OKABE_ITO):
        raise ValueError("too many categories for the palette")
    return {c: {"color": OKABE_ITO[i], "marker": _MARKERS[i]} for i, c in enumerate(categories)}


def styles_bare_value_error(categories):
    """Raises ValueError without a message."""
    if len(categories) > len(OKABE_ITO):
        raise ValueError
    return {c: {"color": OKABE_ITO[i], "marker": _MARKERS[i]} for i, c in enumerate(categories)}


def styles_type_error_for_nine(categories):
    """Raises the wrong exception type for too many categories."""
    if len(categories) > len(OKABE_ITO):
        raise TypeError("too many categories")
    return {c: {"color": OKABE_ITO[i], "marker": _MARKERS[i]} for i, c in enumerate(categories)}


def styles_first_marker_codes(categories):
    """Takes the first marker codes matplotlib lists: '.' and ',' are a dot and a pixel."""
    from matplotlib.markers import MarkerStyle

    if len(categories) > len(OKABE_ITO):
        raise ValueError("too many categories")
    codes = list(MarkerStyle.markers)
    return {c: {"color": OKABE_ITO[i], "marker": codes[i]} for i, c in enumerate(categories)}


def styles_random_palette(categories):
    """Shuffles the palette on every call: not the same output for the same input."""
    import random

    if len(categories) > len(OKABE_ITO):
        raise ValueError("too many categories")
    colours = random.sample(OKABE_ITO, len(categories))
    return {c: {"color": colours[i], "marker": _MARKERS[i]} for i, c in enumerate(categories)}


def styles_pops_the_palette(categories):
    """Takes colours off a shared palette list, so the second call gets other colours."""
    if len(categories) > 8:
        raise ValueError("too many categories")
    return {
        c: {"color": _SHARED.pop(0) if _SHARED else "#000000", "marker": _MARKERS[i]}
        for i, c in enumerate(categories)
    }


_SHARED = list(OKABE_ITO) * 2


@never_returns
def styles_cycle_until_unique(categories):
    """Draws colours until they are all different, but from a palette of one: never returns."""
    palette = OKABE_ITO[:1]
    colours = [palette[0]] * len(categories)
    while len(set(colours)) < len(colours):
        colours = [palette[i % len(palette)] for i in range(len(categories))]
    return {c: {"color": colours[i], "marker": _MARKERS[i]} for i, c in enumerate(categories)}


# --- Exercise 3, more wrong answers ------------------------------------------------------------
def baseline_changes_x_too(ax):
    """Right y limits, but also resets the x axis."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    low, high = min(0.0, *heights), max(0.0, *heights)
    ax.set_ylim(low - 0.05 * (high - low) if low < 0 else 0, high + 0.05 * (high - low))
    ax.set_xlim(-1, len(heights))
    return ax


def baseline_top_from_zero_only(ax):
    """Assumes positive bars: the top stays below zero when every bar is negative."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    top = max(heights)
    bottom = min(0.0, *heights)
    ax.set_ylim(bottom * 1.05, top + 0.05 * (top - bottom))
    return ax


def baseline_generous_headroom(ax):
    """Doubles the range: zero and the bars are in, but half the chart is empty."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    low, high = min(0.0, *heights), max(0.0, *heights)
    ax.set_ylim(low * 2, high * 2)
    return ax


def baseline_relabels(ax):
    """Fixes the limits and 'helpfully' rewrites the y label."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    low, high = min(0.0, *heights), max(0.0, *heights)
    ax.set_ylim(low - 0.05 * (high - low) if low < 0 else 0, high + 0.05 * (high - low))
    ax.set_ylabel(ax.get_ylabel() + " (zero baseline)")
    return ax


def baseline_retitles(ax):
    """Fixes the limits and adds a title: the labels were to stay untouched."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    low, high = min(0.0, *heights), max(0.0, *heights)
    ax.set_ylim(low - 0.05 * (high - low) if low < 0 else 0, high + 0.05 * (high - low))
    ax.set_title("Now with a zero baseline")
    return ax


def baseline_returns_nothing(ax):
    """Sets the limits but forgets to return the Axes."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    ax.set_ylim(min(0.0, *heights), max(0.0, *heights))


@never_returns
def baseline_shrinks_towards_zero(ax):
    """Lowers the bottom by 10 % at a time until it reaches zero, which it never does."""
    bottom, top = ax.get_ylim()
    heights = [bar.get_height() for bar in ax.containers[0]]
    while bottom > min(0.0, *heights):
        bottom -= 0.1 * bottom
    ax.set_ylim(bottom, max(top, *heights))
    return ax


# --- Exercise 4, more wrong answers ------------------------------------------------------------
def _bars_of(ax):
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = [bar.get_height() for bar in ax.containers[0]]
    return labels, heights


def alt_text_without_count(ax, unit):
    """Everything but the number of bars."""
    labels, heights = _bars_of(ax)
    top, low = heights.index(max(heights)), heights.index(min(heights))
    return (
        f"Bar chart of {ax.get_ylabel()}: highest {labels[top]} ({heights[top]:,.1f} {unit}), "
        f"lowest {labels[low]} ({heights[low]:,.1f} {unit})."
    )


def alt_text_without_measure(ax, unit):
    """Forgets to say what is measured (the y label)."""
    labels, heights = _bars_of(ax)
    top, low = heights.index(max(heights)), heights.index(min(heights))
    return (
        f"Bar chart with {len(heights)} bars: highest {labels[top]} ({heights[top]:,.1f} {unit}), "
        f"lowest {labels[low]} ({heights[low]:,.1f} {unit})."
    )


def alt_text_smallest_magnitude_as_lowest(ax, unit):
    """Takes the bar closest to zero as the lowest, which is wrong for negative bars."""
    labels, heights = _bars_of(ax)
    top = heights.index(max(heights))
    low = min(range(len(heights)), key=lambda i: abs(heights[i]))
    return (
        f"Bar chart of {ax.get_ylabel()} for {len(heights)} categories: highest {labels[top]} "
        f"({heights[top]:,.1f} {unit}), lowest {labels[low]} ({heights[low]:,.1f} {unit})."
    )


def alt_text_values_without_labels(ax, unit):
    """Gives the highest and lowest values but not which bars they are."""
    _, heights = _bars_of(ax)
    return (
        f"Bar chart of {ax.get_ylabel()} for {len(heights)} categories, from "
        f"{min(heights):,.1f} {unit} to {max(heights):,.1f} {unit}."
    )


def alt_text_lists_every_bar(ax, unit):
    """Reads out every bar in a long sentence: far over the 250-character limit."""
    labels, heights = _bars_of(ax)
    top, low = heights.index(max(heights)), heights.index(min(heights))
    every = "; ".join(
        f"the bar for {lab} has a height of {h:,.2f} {unit}"
        for lab, h in zip(labels, heights, strict=True)
    )
    return (
        f"This is a bar chart of {ax.get_ylabel()} with {len(heights)} bars. The highest is {labels[top]} "
        f"({heights[top]:,.1f} {unit}) and the lowest is {labels[low]} ({heights[low]:,.1f} {unit}). In detail: {every}."
    )


def alt_text_rounds_to_thousands(ax, unit):
    """Rounds values so far that they no longer say anything ('4 thousand g')."""
    labels, heights = _bars_of(ax)
    top, low = heights.index(max(heights)), heights.index(min(heights))
    return (
        f"Bar chart of {ax.get_ylabel()} for {len(heights)} categories: highest {labels[top]} "
        f"(about {heights[top] / 1000:.0f} thousand {unit}), lowest {labels[low]} (about {heights[low] / 1000:.0f} thousand {unit})."
    )


@never_returns
def alt_text_scans_ticks_forever(ax, unit):
    """Walks the tick labels with a while loop and never moves the index."""
    labels, heights = _bars_of(ax)
    i = 0
    while i < len(labels):
        if not labels[i]:
            i += 1
    return f"Bar chart of {ax.get_ylabel()}."


# --- Correct answers written differently from the solutions --------------------------------------
def bar_chart_with_seaborn(df, category, value, unit):
    """seaborn's barplot with no error bars, bars in sorted order, a suptitle."""
    import seaborn as sns

    fig, ax = plt.subplots()
    order = sorted(df[category].dropna().unique())
    sns.barplot(data=df, x=category, y=value, order=order, errorbar=None, color=OKABE_ITO[4], ax=ax)
    ax.set_xlabel(category.title())
    ax.set_ylabel(f"Average {value.replace('_', ' ')} ({unit})")
    fig.suptitle(f"{value} per {category}")
    return fig


def bar_chart_with_pandas_and_labels(df, category, value, unit):
    """pandas' plot.bar, value labels on the bars and a reference line at zero."""
    means = df.groupby(category)[value].mean()
    fig, ax = plt.subplots()
    means.sort_index().plot.bar(ax=ax, rot=0, color=OKABE_ITO[1], edgecolor="black")
    ax.bar_label(ax.containers[0], fmt="%.0f")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axhspan(0, means.min() * 0.1, color="grey", alpha=0.1)
    ax.set_ylabel(f"MEAN {value.upper()} ({unit})")
    ax.set_title("Group means", loc="right")
    return fig


def styles_with_rgb_tuples_and_other_markers(categories):
    """Colours as RGB tuples, and less common but visible markers, one of them a tuple."""
    from matplotlib.colors import to_rgb

    markers = ["h", "p", "8", (5, 1, 0), "d", ">", "<", "H"]
    if len(categories) > 8:
        raise ValueError(f"{len(categories)} categories: at most 8 can be told apart by colour")
    return {
        c: {"color": to_rgb(OKABE_ITO[i]), "marker": markers[i], "linestyle": "none"}
        for i, c in enumerate(categories)
    }


def styles_upper_case_reversed_palette(categories):
    """The palette read backwards in upper case: any distinct Okabe-Ito colours will do."""
    palette = [c.upper() for c in reversed(OKABE_ITO)]
    if len(categories) > len(palette):
        raise ValueError("Too many categories for a colour-blind-safe palette; facet instead.")
    markers = iter(["s", "o", "^", "v", "D", "P", "X", "*"])
    return {
        category: dict(color=colour, marker=next(markers))
        for category, colour in zip(categories, palette, strict=False)
    }


def baseline_with_autoscale(ax):
    """Let matplotlib autoscale y again: bars stick to zero, 5 % margin elsewhere."""
    ax.set_ylim(auto=True)
    ax.relim()
    ax.autoscale(axis="y")
    return ax


def baseline_quarter_headroom(ax):
    """Headroom of exactly 25 % of the range, the most the exercise allows."""
    heights = [p.get_height() for p in ax.patches]
    low, high = min(0.0, min(heights)), max(0.0, max(heights))
    span = high - low
    ax.set_ybound(low - 0.25 * span if low < 0 else 0.0, high + 0.25 * span)
    return ax


def alt_text_rounded_half_up(ax, unit):
    """Rounds half up with decimal (40.25 becomes 40.3), names the lowest first, counts in words."""
    from decimal import ROUND_HALF_UP, Decimal

    def show(v):
        return f"{Decimal(str(v)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,} {unit}"

    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    labels, heights = _bars_of(ax)
    top, low = heights.index(max(heights)), heights.index(min(heights))
    return (
        f"A bar chart with {words[len(heights)]} bars showing {ax.get_ylabel().lower()}. Lowest: {labels[low]} "
        f"at {show(heights[low])}; highest: {labels[top]} at {show(heights[top])}."
    )


def alt_text_from_patches_whole_numbers(ax, unit):
    """Reads the bars from ax.patches and gives whole numbers without a space before the unit."""
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = [p.get_height() for p in ax.patches]
    order = sorted(range(len(heights)), key=heights.__getitem__)
    return (
        f"Bar chart: {ax.get_ylabel()}, {len(heights)} bars. Highest {labels[order[-1]]} "
        f"{round(heights[order[-1]])}{unit}, lowest {labels[order[0]]} {round(heights[order[0]])}{unit}."
    )


def alt_text_groups_first(ax, unit):
    """Counts 'groups', puts the extremes first and the measure last, values to two decimals."""
    labels, heights = _bars_of(ax)
    ranked = sorted(zip(heights, labels, strict=True))
    (low_value, low), (top_value, top) = ranked[0], ranked[-1]
    return (
        f"{top} is highest ({top_value:.2f} {unit}) and {low} lowest ({low_value:.2f} {unit}) among "
        f"{len(labels)} groups in this bar chart of {ax.get_ylabel()}."
    )


WRONG = {
    "check_mean_bar_chart": [
        bar_chart_of_sums,
        bar_chart_without_unit,
        bar_chart_returns_axes,
        bar_chart_zoomed,
        bar_chart_without_x_label,
        bar_chart_without_title,
        bar_chart_of_medians,
        bar_chart_unit_hard_coded,
        bar_chart_sorted_by_height,
        bar_chart_horizontal,
        bar_chart_with_a_table_axes,
        bar_chart_waits_for_the_figure,
    ],
    "check_category_styles": [
        styles_from_tab10,
        styles_same_marker,
        styles_cycle_instead_of_refusing,
        styles_sorted_categories,
        styles_refuses_eight,
        styles_bare_value_error,
        styles_type_error_for_nine,
        styles_first_marker_codes,
        styles_random_palette,
        styles_pops_the_palette,
        styles_cycle_until_unique,
    ],
    "check_zero_baseline": [
        baseline_bottom_only,
        baseline_zoom_to_data,
        baseline_ignores_negatives,
        baseline_changes_x_too,
        baseline_top_from_zero_only,
        baseline_generous_headroom,
        baseline_relabels,
        baseline_retitles,
        baseline_returns_nothing,
        baseline_shrinks_towards_zero,
    ],
    "check_bar_alt_text": [
        alt_text_generic,
        alt_text_first_and_last,
        alt_text_without_units,
        alt_text_without_count,
        alt_text_without_measure,
        alt_text_smallest_magnitude_as_lowest,
        alt_text_values_without_labels,
        alt_text_lists_every_bar,
        alt_text_rounds_to_thousands,
        alt_text_scans_ticks_forever,
    ],
}

#: Correct answers written differently from the solution: every check must accept them.
RIGHT = {
    "check_mean_bar_chart": [bar_chart_with_seaborn, bar_chart_with_pandas_and_labels],
    "check_category_styles": [
        styles_with_rgb_tuples_and_other_markers,
        styles_upper_case_reversed_palette,
    ],
    "check_zero_baseline": [baseline_with_autoscale, baseline_quarter_headroom],
    "check_bar_alt_text": [
        alt_text_rounded_half_up,
        alt_text_from_patches_whole_numbers,
        alt_text_groups_first,
    ],
}
