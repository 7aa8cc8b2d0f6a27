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



# --- Exercise 2b: closest_pair ----------------------------------------------------------
def _rgb(colours):
    import matplotlib as mpl
    import numpy as np

    return np.array([mpl.colors.to_rgb(c) for c in colours])


def _pairs(rgb, distance):
    from itertools import combinations

    return [(i, j, distance(rgb[i], rgb[j])) for i, j in combinations(range(len(rgb)), 2)]


def _seen(colours, vision):
    from mlskills import colour

    rgb = _rgb(colours)
    return rgb if vision == "normal" else colour.simulate(rgb, vision)


def closest_pair_cielab76(colours, vision="normal"):
    """Euclidean distance in CIELAB (ΔE*ab, 1976) instead of CIEDE2000."""
    import numpy as np

    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    lab = colour.srgb_to_lab(_seen(colours, vision))
    return min(_pairs(lab, lambda a, b: float(np.linalg.norm(a - b))), key=lambda t: t[2])


def closest_pair_rgb_distance(colours, vision="normal"):
    """Distance between the RGB values themselves (times 100), not a perceptual one."""
    import numpy as np

    if len(colours) < 2:
        raise ValueError("need two colours")
    rgb = _seen(colours, vision)
    return min(_pairs(rgb, lambda a, b: float(100 * np.linalg.norm(a - b))), key=lambda t: t[2])


def closest_pair_no_simulation(colours, vision="normal"):
    """Ignores `vision`: measures the colours as a typical viewer sees them."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    return min(_pairs(_rgb(colours), colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_simulates_one_side(colours, vision="normal"):
    """Simulates only the first colour of each pair and compares it with the original second."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    rgb, seen = _rgb(colours), _seen(colours, vision)
    return min(
        _pairs_mixed(seen, rgb, colour.delta_e_2000_srgb), key=lambda t: t[2]
    )


def _pairs_mixed(first, second, distance):
    from itertools import combinations

    return [(i, j, distance(first[i], second[j])) for i, j in combinations(range(len(first)), 2)]


def closest_pair_always_deuteranopia(colours, vision="normal"):
    """Simulates deuteranopia whatever `vision` says, 'normal' included."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    return min(_pairs(colour.simulate(_rgb(colours), "deuteranopia"), colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_any_deficiency_is_deuteranopia(colours, vision="normal"):
    """Right for 'normal', but every other vision is simulated as deuteranopia."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    rgb = _rgb(colours) if vision == "normal" else colour.simulate(_rgb(colours), "deuteranopia")
    return min(_pairs(rgb, colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_neighbours_only(colours, vision="normal"):
    """Compares each colour only with the next one in the list."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    rgb = _seen(colours, vision)
    return min(
        ((i, i + 1, colour.delta_e_2000_srgb(rgb[i], rgb[i + 1])) for i in range(len(rgb) - 1)),
        key=lambda t: t[2],
    )


def closest_pair_farthest(colours, vision="normal"):
    """Keeps the largest distance instead of the smallest."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    return max(_pairs(_seen(colours, vision), colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_sorted_palette(colours, vision="normal"):
    """Sorts the colours first, so the positions refer to the sorted list."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    ordered = sorted(colours)
    return min(_pairs(_seen(ordered, vision), colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_j_before_i(colours, vision="normal"):
    """Returns the later position first."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    i, j, d = min(_pairs(_seen(colours, vision), colour.delta_e_2000_srgb), key=lambda t: t[2])
    return j, i, d


def closest_pair_skips_identical(colours, vision="normal"):
    """Skips pairs at distance 0, as if a repeated colour were not a clash."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    pairs = [t for t in _pairs(_seen(colours, vision), colour.delta_e_2000_srgb) if t[2] > 0]
    return min(pairs, key=lambda t: t[2])


def closest_pair_none_for_one_colour(colours, vision="normal"):
    """Returns None instead of raising when there is no pair."""
    from mlskills import colour

    if len(colours) < 2:
        return None
    return min(_pairs(_seen(colours, vision), colour.delta_e_2000_srgb), key=lambda t: t[2])


def closest_pair_whole_units(colours, vision="normal"):
    """Rounds the distance to whole units for display."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    i, j, d = min(_pairs(_seen(colours, vision), colour.delta_e_2000_srgb), key=lambda t: t[2])
    return i, j, float(round(d))


def closest_pair_bytes_not_fractions(colours, vision="normal"):
    """Passes 0-255 channel values where the functions expect 0-1."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("need two colours")
    rgb = _rgb(colours) * 255
    if vision != "normal":
        rgb = colour.simulate(rgb, vision)
    return min(_pairs(rgb, colour.delta_e_2000_srgb), key=lambda t: t[2])


@never_returns
def closest_pair_inner_loop_stuck(colours, vision="normal"):
    """A hand-written double loop whose inner index is never advanced."""
    best = None
    i = 0
    while i < len(colours):
        j = i + 1
        while j < len(colours):
            best = (i, j, 0.0)
        i += 1
    return best


# --- Exercise 3a: lie_factor ------------------------------------------------------------
def _values(ax):
    labels = [t.get_text() for t in ax.get_xticklabels()]
    return dict(zip(labels, (bar.get_height() for bar in ax.containers[0]), strict=True))


def lie_factor_bars_from_zero(ax, first, second):
    """Measures the bars from zero, whatever the axis: every chart scores 1."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    return (b / a - 1) / (b / a - 1)


def lie_factor_upside_down(ax, first, second):
    """Divides the change in the data by the drawn change."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    drawn = (min(b, top) - bottom) / (min(a, top) - bottom) - 1
    return (b / a - 1) / drawn


def lie_factor_of_differences(ax, first, second):
    """Compares absolute differences (drawn length difference over value difference)."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) - (min(a, top) - bottom)) / (b - a)


def lie_factor_ignores_the_top(ax, first, second):
    """Forgets that a bar taller than the axis is cut off."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, _ = ax.get_ylim()
    return ((b - bottom) / (a - bottom) - 1) / (b / a - 1)


def lie_factor_bottom_at_least_zero(ax, first, second):
    """Treats an axis that starts below zero as if it started at zero."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    bottom = max(bottom, 0)
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_by_position(ax, first, second):
    """Takes the first and the last bar, whatever labels were asked for."""
    heights = [bar.get_height() for bar in ax.containers[0]]
    a, b = heights[0], heights[-1]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_second_as_base(ax, first, second):
    """Uses `second` as the base of both changes."""
    value = _values(ax)
    a, b = value[second], value[first]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_no_guard(ax, first, second):
    """No check for equal values: divides by zero (ZeroDivisionError, not ValueError)."""
    value = _values(ax)
    a, b = value[first], value[second]
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_accepts_negatives(ax, first, second):
    """Guards against equal values only, so a negative value gets a number."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a == b:
        raise ValueError("no change in the data")
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_fixes_the_axis_first(ax, first, second):
    """'Repairs' the axis to zero before measuring, so it measures another chart."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    ax.set_ylim(bottom=0)
    bottom, top = ax.get_ylim()
    return ((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1)


def lie_factor_rounded(ax, first, second):
    """Rounds the result to one decimal, as for a slide."""
    value = _values(ax)
    a, b = value[first], value[second]
    if a <= 0 or b <= 0 or a == b:
        raise ValueError("two different positive values needed")
    bottom, top = ax.get_ylim()
    return round(((min(b, top) - bottom) / (min(a, top) - bottom) - 1) / (b / a - 1), 1)


@never_returns
def lie_factor_searches_labels_forever(ax, first, second):
    """Looks for the label with a while loop that never moves on."""
    labels = [t.get_text() for t in ax.get_xticklabels()]
    k = 0
    while labels[k] != second:
        pass
    return 1.0


# --- Exercise 6: seaborn_plot -------------------------------------------------------------
def _new_ax():
    _, ax = plt.subplots()
    return ax


def seaborn_kde_for_one_column(df, x, y=None):
    """A density curve for a distribution: smooth, but no counts a reader can check."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.kdeplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_density_histogram(df, x, y=None):
    """A histogram of densities: the bars no longer count the observations."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, stat="density", ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_four_bins(df, x, y=None):
    """Four bins: the histogram hides the shape of the distribution."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, bins=4, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_bars_for_categories(df, x, y=None):
    """Bars of the means for a categorical comparison: every bird is summarised away."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.barplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_box_plot_alone(df, x, y=None):
    """A box plot alone: only quartiles and outliers, not the birds."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.boxplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_axes_swapped(df, x, y=None):
    """Puts y on the x axis of the scatter plot."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=y, y=x, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_drops_every_incomplete_row(df, x, y=None):
    """Calls dropna() on the whole table, losing birds whose sex was not recorded."""
    import pandas as pd
    import seaborn as sns

    df = df.dropna()
    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def matplotlib_hist_without_labels(df, x, y=None):
    """Plain matplotlib: right marks, but no axis labels."""
    import pandas as pd

    ax = _new_ax()
    if y is None:
        ax.hist(df[x].dropna(), bins=20)
    elif pd.api.types.is_numeric_dtype(df[x]):
        both = df[[x, y]].dropna()
        ax.scatter(both[x], both[y])
    else:
        import seaborn as sns

        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_line_for_relationship(df, x, y=None):
    """A line plot for two numeric columns: it averages y per x and draws no points."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.lineplot(df, x=x, y=y, errorbar=None, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_returns_the_grid(df, x, y=None):
    """Uses the figure-level relplot/displot/catplot and returns their grid, not an Axes."""
    import pandas as pd
    import seaborn as sns

    if y is None:
        return sns.displot(df, x=x)
    if pd.api.types.is_numeric_dtype(df[x]):
        return sns.relplot(df, x=x, y=y)
    return sns.catplot(df, x=x, y=y)


def seaborn_makes_categories_in_place(df, x, y=None):
    """Converts the column to a category dtype in the caller's DataFrame."""
    import pandas as pd
    import seaborn as sns

    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        df[x] = df[x].astype("category")
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


def seaborn_samples_for_speed(df, x, y=None):
    """Plots a random sample of 200 rows to keep the chart light."""
    import pandas as pd
    import seaborn as sns

    df = df.sample(min(len(df), 200), random_state=0)
    ax = _new_ax()
    if y is None:
        sns.histplot(df, x=x, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.scatterplot(df, x=x, y=y, ax=ax)
    else:
        sns.stripplot(df, x=x, y=y, ax=ax)
    return ax


@never_returns
def seaborn_waits_for_a_figure(df, x, y=None):
    """Waits for the current figure to have an Axes it never gets."""
    fig = plt.figure()
    while not fig.axes:
        pass
    return fig.axes[0]


# --- Exercise 7: tidy_monthly -------------------------------------------------------------
def _melted(wide, value_name):
    return (
        wide.rename_axis(index="month", columns="year")
        .reset_index()
        .melt(id_vars="month", var_name="year", value_name=value_name)
    )


def tidy_fills_zero(wide, value_name):
    """Writes an empty month as 0, an observation that never happened."""
    long = _melted(wide, value_name).fillna(0).astype({"year": int, "month": int})
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_stacked_month_first(wide, value_name):
    """stack() gives one row per value, but ordered by month, then year."""
    long = wide.rename_axis(index="month", columns="year").stack().dropna().reset_index(name=value_name)
    long = long.astype({"year": int, "month": int})
    return long[["year", "month", value_name]]


def tidy_text_years(wide, value_name):
    """Keeps the year as the column label's text ('2021') when the labels are text."""
    long = _melted(wide, value_name).dropna(subset=[value_name])
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_column_named_value(wide, value_name):
    """Leaves melt's default column name 'value'."""
    long = (
        wide.rename_axis(index="month", columns="year")
        .reset_index()
        .melt(id_vars="month", var_name="year")
        .dropna(subset=["value"])
        .astype({"year": int, "month": int})
    )
    return long[["year", "month", "value"]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_month_first(wide, value_name):
    """Puts month before year."""
    long = _melted(wide, value_name).dropna(subset=[value_name]).astype({"year": int, "month": int})
    return long[["month", "year", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_keeps_melt_index(wide, value_name):
    """Sorts, but keeps the old row numbers with gaps where empty cells were dropped."""
    long = _melted(wide, value_name).dropna(subset=[value_name]).astype({"year": int, "month": int})
    return long[["year", "month", value_name]].sort_values(["year", "month"])


def tidy_formatted_values(wide, value_name):
    """Formats the values as text with one decimal, as for a report."""
    long = _melted(wide, value_name).dropna(subset=[value_name]).astype({"year": int, "month": int})
    long[value_name] = long[value_name].map(lambda v: f"{v:,.1f}")
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_renames_in_place(wide, value_name):
    """Names the caller's index and turns its labels into numbers in place."""
    wide.index.name = "month"
    wide.columns = [int(c) for c in wide.columns]
    long = wide.reset_index().melt(id_vars="month", var_name="year", value_name=value_name)
    long = long.dropna(subset=[value_name]).astype({"year": int, "month": int})
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_months_by_position(wide, value_name):
    """Numbers the months 1 to 12 by row position, assuming January comes first."""
    import pandas as pd

    rows = [
        (int(year), position + 1, float(value))
        for year in wide.columns
        for position, value in enumerate(wide[year])
        if pd.notna(value)
    ]
    return pd.DataFrame(rows, columns=["year", "month", value_name]).sort_values(["year", "month"]).reset_index(drop=True)


def tidy_drops_incomplete_months(wide, value_name):
    """Drops every month that is missing in any year, before reshaping."""
    long = _melted(wide.dropna(), value_name).astype({"year": int, "month": int})
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


def tidy_year_as_float(wide, value_name):
    """Turns the year into a float (2021.0)."""
    long = _melted(wide, value_name).dropna(subset=[value_name]).astype({"year": float, "month": int})
    return long[["year", "month", value_name]].sort_values(["year", "month"]).reset_index(drop=True)


@never_returns
def tidy_row_by_row_stuck(wide, value_name):
    """Builds the rows in a while loop whose month counter never advances."""
    rows, month = [], 1
    while month <= 12:
        rows.append(month)
    return rows


# --- Exercise 8: brier_decomposition --------------------------------------------------------
def _binned(y_true, proba, n_bins):
    import numpy as np

    y, p = np.asarray(y_true, dtype=float), np.asarray(proba, dtype=float)
    return y, p, np.minimum((p * n_bins).astype(int), n_bins - 1)


def brier_unweighted(y_true, proba, n_bins=10):
    """Averages the bins' gaps as if every bin held as many predictions."""
    import numpy as np

    y, p, bins = _binned(y_true, proba, n_bins)
    used = np.unique(bins)
    base = y.mean()
    return {
        "reliability": float(np.mean([(p[bins == b].mean() - y[bins == b].mean()) ** 2 for b in used])),
        "resolution": float(np.mean([(y[bins == b].mean() - base) ** 2 for b in used])),
        "uncertainty": float(base * (1 - base)),
    }


def _weighted(y, p, bins, base=None, uncertainty=None):
    import numpy as np

    base = y.mean() if base is None else base
    used = np.unique(bins)
    share = {b: np.mean(bins == b) for b in used}
    return {
        "reliability": float(sum(share[b] * (p[bins == b].mean() - y[bins == b].mean()) ** 2 for b in used)),
        "resolution": float(sum(share[b] * (y[bins == b].mean() - base) ** 2 for b in used)),
        "uncertainty": float(y.mean() * (1 - y.mean()) if uncertainty is None else uncertainty),
    }


def brier_resolution_against_half(y_true, proba, n_bins=10):
    """Measures resolution against 0.5 instead of the observed base rate."""
    y, p, bins = _binned(y_true, proba, n_bins)
    return _weighted(y, p, bins, base=0.5)


def brier_uncertainty_a_quarter(y_true, proba, n_bins=10):
    """Takes the uncertainty as 0.25, the value for a 50/50 outcome."""
    y, p, bins = _binned(y_true, proba, n_bins)
    return _weighted(y, p, bins, uncertainty=0.25)


def brier_always_ten_bins(y_true, proba, n_bins=10):
    """Ignores n_bins and always uses ten bins."""
    y, p, bins = _binned(y_true, proba, 10)
    return _weighted(y, p, bins)


def brier_one_in_a_bin_of_its_own(y_true, proba, n_bins=10):
    """int(p * n_bins) without a cap: p = 1.0 lands in an extra bin."""
    import numpy as np

    y, p = np.asarray(y_true, dtype=float), np.asarray(proba, dtype=float)
    return _weighted(y, p, (p * n_bins).astype(int))


def brier_empty_bins_included(y_true, proba, n_bins=10):
    """Loops over every bin, empty ones too: the mean of nothing is NaN."""
    import warnings

    import numpy as np

    y, p, bins = _binned(y_true, proba, n_bins)
    base = y.mean()
    reliability = resolution = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b in range(n_bins):
            inside = bins == b
            share = inside.mean()
            reliability += share * (np.mean(p[inside]) - np.mean(y[inside])) ** 2
            resolution += share * (np.mean(y[inside]) - base) ** 2
    return {"reliability": float(reliability), "resolution": float(resolution), "uncertainty": float(base * (1 - base))}


def brier_quantile_bins(y_true, proba, n_bins=10):
    """Bins of equal counts (quantiles) instead of equal width."""
    import numpy as np

    y, p = np.asarray(y_true, dtype=float), np.asarray(proba, dtype=float)
    edges = np.quantile(p, np.linspace(0, 1, n_bins + 1))
    bins = np.clip(np.searchsorted(edges[1:-1], p, side="right"), 0, n_bins - 1)
    return _weighted(y, p, bins)


def brier_absolute_gaps(y_true, proba, n_bins=10):
    """Absolute gaps instead of squared ones."""
    import numpy as np

    y, p, bins = _binned(y_true, proba, n_bins)
    base = y.mean()
    used = np.unique(bins)
    return {
        "reliability": float(sum(np.mean(bins == b) * abs(p[bins == b].mean() - y[bins == b].mean()) for b in used)),
        "resolution": float(sum(np.mean(bins == b) * abs(y[bins == b].mean() - base) for b in used)),
        "uncertainty": float(base * (1 - base)),
    }


def brier_terms_swapped(y_true, proba, n_bins=10):
    """Reliability and resolution under each other's names."""
    y, p, bins = _binned(y_true, proba, n_bins)
    parts = _weighted(y, p, bins)
    return {"reliability": parts["resolution"], "resolution": parts["reliability"], "uncertainty": parts["uncertainty"]}


def brier_counts_not_shares(y_true, proba, n_bins=10):
    """Weights each bin by its count instead of its share of the predictions."""
    import numpy as np

    y, p, bins = _binned(y_true, proba, n_bins)
    base = y.mean()
    used = np.unique(bins)
    return {
        "reliability": float(sum(np.sum(bins == b) * (p[bins == b].mean() - y[bins == b].mean()) ** 2 for b in used)),
        "resolution": float(sum(np.sum(bins == b) * (y[bins == b].mean() - base) ** 2 for b in used)),
        "uncertainty": float(base * (1 - base)),
    }


def brier_resolution_from_forecasts(y_true, proba, n_bins=10):
    """Resolution from the bins' mean forecasts instead of their observed frequencies."""
    import numpy as np

    y, p, bins = _binned(y_true, proba, n_bins)
    parts = _weighted(y, p, bins)
    parts["resolution"] = float(sum(np.mean(bins == b) * (p[bins == b].mean() - y.mean()) ** 2 for b in np.unique(bins)))
    return parts


@never_returns
def brier_bins_walked_forever(y_true, proba, n_bins=10):
    """Walks the bins with a while loop that never increments."""
    b, total = 0, 0.0
    while b < n_bins:
        total += 0.0
    return {"reliability": total, "resolution": total, "uncertainty": total}


# --- Correct answers written differently, for the new checks -------------------------------
def closest_pair_sorted_and_parsed(colours, vision="normal"):
    """Parses the hex codes by hand, builds every pair and sorts them by distance."""
    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("Two or more colours are needed to form a pair.")
    rgb = [[int(c.lstrip("#")[k:k + 2], 16) / 255 for k in (0, 2, 4)] for c in colours]
    seen = rgb if vision == "normal" else [list(colour.simulate(c, vision)) for c in rgb]
    ranked = sorted(
        ((colour.delta_e_2000_srgb(seen[i], seen[j]), i, j) for i in range(len(seen)) for j in range(i + 1, len(seen))),
    )
    distance, i, j = ranked[0]
    return (i, j, distance)


def closest_pair_vectorised(colours, vision="normal"):
    """All pairs at once with broadcasting; numpy integers and a numpy float come back."""
    import numpy as np

    from mlskills import colour

    if len(colours) < 2:
        raise ValueError("no pair")
    lab = colour.srgb_to_lab(_seen(colours, vision))
    distances = colour.delta_e_2000(lab[:, None, :], lab[None, :, :])
    distances[np.tril_indices(len(lab))] = np.inf
    i, j = np.unravel_index(np.argmin(distances), distances.shape)
    return (i, j, distances[i, j])


def lie_factor_from_patches(ax, first, second):
    """Finds the bars by tick position in ax.patches and clips with numpy."""
    import numpy as np

    ticks = {t.get_text(): x for x, t in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)}
    bars = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in ax.patches}
    a, b = bars[round(ticks[first])], bars[round(ticks[second])]
    if not (a > 0 and b > 0) or np.isclose(a, b):
        raise ValueError("A lie factor needs two different, positive values.")
    low, high = ax.get_ylim()
    shown_a, shown_b = np.clip([a, b], low, high) - low
    return float(((shown_b - shown_a) / shown_a) / ((b - a) / a))


def lie_factor_in_one_line(ax, first, second):
    """The same ratio written as a product, with a dict built from bar_label-free patches."""
    value = _values(ax)
    a, b = value[first], value[second]
    if min(a, b) <= 0 or a == b:
        raise ValueError(f"values {a} and {b}: undefined")
    lo, hi = ax.get_ylim()
    return (min(b, hi) - min(a, hi)) / (min(a, hi) - lo) * a / (b - a)


def seaborn_plot_with_violins_and_regression(df, x, y=None):
    """Histogram with a KDE line, regplot for relationships, violins under a strip plot."""
    import pandas as pd
    import seaborn as sns

    ax = plt.figure().add_subplot()
    if y is None:
        sns.histplot(data=df, x=x, kde=True, ax=ax)
    elif pd.api.types.is_numeric_dtype(df[x]):
        sns.regplot(data=df, x=x, y=y, ci=None, scatter_kws={"s": 8}, ax=ax)
    else:
        sns.violinplot(data=df, x=x, y=y, inner=None, color="0.9", ax=ax)
        sns.stripplot(data=df, x=x, y=y, hue=x, legend=False, jitter=0.3, size=2, ax=ax)
    return ax


def tidy_with_stack(wide, value_name):
    """stack(), then sort by year and month and rename: another route to the same table."""
    long = (
        wide.rename_axis(index="month", columns="year")
        .stack()
        .dropna()
        .rename(value_name)
        .reset_index()
    )
    long["year"] = long["year"].astype("int64")
    long["month"] = long["month"].astype("int32")
    return long.sort_values(["year", "month"], ignore_index=True)[["year", "month", value_name]]


def tidy_with_a_loop(wide, value_name):
    """Plain loops over the cells, then a DataFrame from records."""
    import pandas as pd

    records = sorted(
        (int(year), int(month), float(value))
        for year in wide.columns
        for month, value in zip(wide.index, wide[year], strict=True)
        if value == value  # NaN is the only value not equal to itself
    )
    return pd.DataFrame.from_records(records, columns=["year", "month", value_name])


def brier_with_bincount(y_true, proba, n_bins=10):
    """np.bincount per bin; empty bins masked out."""
    import numpy as np

    y = np.asarray(y_true, dtype=float)
    p = np.asarray(proba, dtype=float)
    k = np.clip(np.floor(p * n_bins), 0, n_bins - 1).astype(int)
    n = np.bincount(k, minlength=n_bins)
    used = n > 0
    o = np.bincount(k, weights=y, minlength=n_bins)[used] / n[used]
    f = np.bincount(k, weights=p, minlength=n_bins)[used] / n[used]
    w = n[used] / n.sum()
    base = y.mean()
    return {"uncertainty": base - base**2, "resolution": float(w @ (o - base) ** 2), "reliability": float(w @ (f - o) ** 2)}


def brier_with_pandas_cut(y_true, proba, n_bins=10):
    """pd.cut with right-open bins and the top edge nudged so that 1.0 falls inside."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"y": np.asarray(y_true, dtype=float), "p": np.asarray(proba, dtype=float)})
    edges = np.linspace(0, 1, n_bins + 1)
    edges[-1] = np.nextafter(1.0, 2.0)
    frame["bin"] = pd.cut(frame["p"], edges, right=False)
    groups = frame.groupby("bin", observed=True)
    share = groups.size() / len(frame)
    base = frame["y"].mean()
    return {
        "reliability": float((share * (groups["p"].mean() - groups["y"].mean()) ** 2).sum()),
        "resolution": float((share * (groups["y"].mean() - base) ** 2).sum()),
        "uncertainty": float(base * (1 - base)),
    }



# --- Exercise 7b: filter_options -------------------------------------------------------------
def options_with_missing(df, column):
    """unique() without dropping missing values: NaN becomes a choice."""
    return ["All", *sorted(df[column].unique(), key=str)]


def options_in_file_order(df, column):
    """The values in the order they first appear in the file."""
    return ["All", *df[column].dropna().unique()]


def options_without_all(df, column):
    """Forgets the 'All' choice, so the dashboard cannot show everything."""
    return sorted(df[column].dropna().unique())


def options_all_last(df, column):
    """Puts 'All' at the end, where the default selection is not."""
    return [*sorted(df[column].dropna().unique()), "All"]


def options_every_row(df, column):
    """One choice per row: every value repeated as often as it occurs."""
    return ["All", *sorted(df[column].dropna())]


def options_typed_by_hand(df, column):
    """The species typed by hand, whatever the column: next season's data are ignored."""
    return ["All", "Adelie", "Chinstrap", "Gentoo"]


def options_as_text(df, column):
    """Turns every value into text, so a year no longer equals the column's number."""
    return ["All", *sorted(str(v) for v in df[column].dropna().unique())]


def options_numpy_array(df, column):
    """Returns a numpy array instead of a list."""
    import numpy as np

    return np.array(["All", *sorted(df[column].dropna().unique())], dtype=object)


def options_drop_in_place(df, column):
    """Drops the caller's rows with a missing value in place before reading the options."""
    df.dropna(subset=[column], inplace=True)
    return ["All", *sorted(df[column].unique())]


def options_missing_as_unknown(df, column):
    """Offers 'unknown' for missing values, a choice that matches no row."""
    return ["All", *sorted(df[column].fillna("unknown").astype(str).unique())]


@never_returns
def options_collected_forever(df, column):
    """Collects distinct values in a while loop that never moves past the first row."""
    seen, row = [], 0
    while row < len(df):
        if df[column].iloc[row] not in seen:
            seen.append(df[column].iloc[row])
    return ["All", *seen]


# --- Exercise 7c: penguin_figure ---------------------------------------------------------------
_PX_LABELS = {"flipper_length_mm": "Flipper length (mm)", "body_mass_g": "Body mass (g)"}
_PX_COLOURS = {"Adelie": OKABE_ITO[0], "Chinstrap": OKABE_ITO[4], "Gentoo": OKABE_ITO[2]}
_PX_TITLE = "Gentoo penguins are the heaviest"


def _px(penguins, **changes):
    import plotly.express as px

    options = {
        "x": "flipper_length_mm",
        "y": "body_mass_g",
        "color": "species",
        "symbol": "species",
        "color_discrete_map": _PX_COLOURS,
        "hover_data": ["island", "sex"],
        "labels": _PX_LABELS,
        "title": _PX_TITLE,
    }
    options.update(changes)
    options = {k: v for k, v in options.items() if v is not None}
    return px.scatter(penguins, **options)


def figure_default_colours(penguins):
    """Plotly's default colours: distinct, but not the colour-blind-safe palette."""
    return _px(penguins, color_discrete_map=None)


def figure_one_symbol(penguins):
    """Colour is the only cue: every species drawn with the same circle."""
    return _px(penguins, symbol=None)


def figure_without_units(penguins):
    """Axis titles are the raw column names, without units."""
    return _px(penguins, labels=None)


def figure_without_hover_details(penguins):
    """Hover shows only the coordinates: island and sex are missing."""
    return _px(penguins, hover_data=None)


def figure_drops_incomplete_birds(penguins):
    """dropna() on the whole table loses the birds whose sex was not recorded."""
    return _px(penguins.dropna())


def figure_single_trace(penguins):
    """One trace coloured per point: the legend cannot toggle a species."""
    import plotly.graph_objects as go

    birds = penguins.dropna(subset=["flipper_length_mm", "body_mass_g"])
    fig = go.Figure(
        go.Scatter(
            x=birds["flipper_length_mm"],
            y=birds["body_mass_g"],
            mode="markers",
            marker={"color": birds["species"].map(_PX_COLOURS)},
            name="penguins",
        )
    )
    fig.update_layout(title=_PX_TITLE, xaxis_title="Flipper length (mm)", yaxis_title="Body mass (g)")
    return fig


def figure_axes_swapped(penguins):
    """Body mass on x and flipper length on y."""
    return _px(penguins, x="body_mass_g", y="flipper_length_mm")


def figure_without_title(penguins):
    """No title: the finding lives only in the hover."""
    return _px(penguins, title=None)


def figure_title_names_the_variables(penguins):
    """A title that names the axes instead of stating the finding."""
    return _px(penguins, title="Body mass against flipper length by species")


def figure_as_html(penguins):
    """Returns the figure's HTML instead of the figure."""
    return _px(penguins).to_html(include_plotlyjs=False)


@never_returns
def figure_waits_for_traces(penguins):
    """Waits for an empty figure to fill itself with traces."""
    import plotly.graph_objects as go

    fig = go.Figure()
    while not fig.data:
        pass
    return fig


def options_with_pandas_methods(df, column):
    """sort_values and drop_duplicates on the Series, then tolist(): plain Python values."""
    values = df[column].dropna().drop_duplicates().sort_values().tolist()
    return ["All"] + values


def figure_with_graph_objects(penguins):
    """Built trace by trace with graph_objects and a hovertemplate written by hand."""
    import plotly.graph_objects as go

    fig = go.Figure()
    symbols = {"Adelie": "circle", "Chinstrap": "square", "Gentoo": "triangle-up"}
    for species, birds in penguins.groupby("species"):
        fig.add_trace(
            go.Scatter(
                x=birds["flipper_length_mm"],
                y=birds["body_mass_g"],
                mode="markers",
                name=species,
                marker={"color": _PX_COLOURS[species].lower(), "symbol": symbols[species]},
                customdata=birds[["island", "sex"]].fillna("not recorded"),
                hovertemplate="Island: %{customdata[0]}<br>Sex: %{customdata[1]}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        title="Gentoo: the heaviest penguins, with the longest flippers",
        xaxis_title="Flipper length (mm)",
        yaxis_title="Body mass (g)",
    )
    return fig


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
    "check_closest_pair": [
        closest_pair_cielab76,
        closest_pair_rgb_distance,
        closest_pair_no_simulation,
        closest_pair_simulates_one_side,
        closest_pair_always_deuteranopia,
        closest_pair_any_deficiency_is_deuteranopia,
        closest_pair_neighbours_only,
        closest_pair_farthest,
        closest_pair_sorted_palette,
        closest_pair_j_before_i,
        closest_pair_skips_identical,
        closest_pair_none_for_one_colour,
        closest_pair_whole_units,
        closest_pair_bytes_not_fractions,
        closest_pair_inner_loop_stuck,
    ],
    "check_lie_factor": [
        lie_factor_bars_from_zero,
        lie_factor_upside_down,
        lie_factor_of_differences,
        lie_factor_ignores_the_top,
        lie_factor_bottom_at_least_zero,
        lie_factor_by_position,
        lie_factor_second_as_base,
        lie_factor_no_guard,
        lie_factor_accepts_negatives,
        lie_factor_fixes_the_axis_first,
        lie_factor_rounded,
        lie_factor_searches_labels_forever,
    ],
    "check_seaborn_plot": [
        seaborn_kde_for_one_column,
        seaborn_density_histogram,
        seaborn_four_bins,
        seaborn_bars_for_categories,
        seaborn_box_plot_alone,
        seaborn_axes_swapped,
        seaborn_drops_every_incomplete_row,
        matplotlib_hist_without_labels,
        seaborn_line_for_relationship,
        seaborn_returns_the_grid,
        seaborn_makes_categories_in_place,
        seaborn_samples_for_speed,
        seaborn_waits_for_a_figure,
    ],
    "check_tidy_monthly": [
        tidy_fills_zero,
        tidy_stacked_month_first,
        tidy_text_years,
        tidy_column_named_value,
        tidy_month_first,
        tidy_keeps_melt_index,
        tidy_formatted_values,
        tidy_renames_in_place,
        tidy_months_by_position,
        tidy_drops_incomplete_months,
        tidy_year_as_float,
        tidy_row_by_row_stuck,
    ],
    "check_brier_decomposition": [
        brier_unweighted,
        brier_resolution_against_half,
        brier_uncertainty_a_quarter,
        brier_always_ten_bins,
        brier_one_in_a_bin_of_its_own,
        brier_empty_bins_included,
        brier_quantile_bins,
        brier_absolute_gaps,
        brier_terms_swapped,
        brier_counts_not_shares,
        brier_resolution_from_forecasts,
        brier_bins_walked_forever,
    ],
    "check_filter_options": [
        options_with_missing,
        options_in_file_order,
        options_without_all,
        options_all_last,
        options_every_row,
        options_typed_by_hand,
        options_as_text,
        options_numpy_array,
        options_drop_in_place,
        options_missing_as_unknown,
        options_collected_forever,
    ],
    "check_penguin_figure": [
        figure_default_colours,
        figure_one_symbol,
        figure_without_units,
        figure_without_hover_details,
        figure_drops_incomplete_birds,
        figure_single_trace,
        figure_axes_swapped,
        figure_without_title,
        figure_title_names_the_variables,
        figure_as_html,
        figure_waits_for_traces,
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
    "check_closest_pair": [closest_pair_sorted_and_parsed, closest_pair_vectorised],
    "check_lie_factor": [lie_factor_from_patches, lie_factor_in_one_line],
    "check_seaborn_plot": [seaborn_plot_with_violins_and_regression],
    "check_tidy_monthly": [tidy_with_stack, tidy_with_a_loop],
    "check_brier_decomposition": [brier_with_bincount, brier_with_pandas_cut],
    "check_filter_options": [options_with_pandas_methods],
    "check_penguin_figure": [figure_with_graph_objects],
}
