"""Show a Plotly figure in a notebook so that it also works on the offline, published site.

The book's site serves plotly.js itself, at ``_static/plotly.min.js`` (copied from the
installed ``plotly`` package when the site is built), so a chapter page never asks a CDN
for it and pages without a Plotly figure never load it. :func:`show` returns a display
object with two representations:

- ``text/html`` for the site: a ``<div>`` with a fixed id plus a ``<script src>`` pointing
  at ``../_static/plotly.min.js`` (chapter pages live one folder below the site root).
  The fixed id keeps the HTML identical from run to run, so nbval can compare it.
- ``application/vnd.plotly.v1+json`` for JupyterLab, which renders it with its own copy
  of plotly.js when you run the notebook locally.

Usage in a chapter::

    from mlskills.plotly_page import show
    show(fig, "ch06-penguins")
"""

from __future__ import annotations

import json

#: Where the built site serves plotly.js, relative to a chapter page.
PLOTLY_JS = "../_static/plotly.min.js"
#: Plotly options: no logo link in the toolbar, resize with the page.
CONFIG = {"displaylogo": False, "responsive": True}


class PlotlyFigure:
    """A Plotly figure that Jupyter renders from JSON and the site renders from HTML."""

    def __init__(self, html: str, spec: dict, div_id: str):
        self.html, self.spec, self.div_id = html, spec, div_id

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "application/vnd.plotly.v1+json": self.spec,
            "text/html": self.html,
            "text/plain": f"<Plotly figure '{self.div_id}': {len(self.html):,} bytes of HTML>",
        }


def show(fig, div_id: str) -> PlotlyFigure:
    """Return ``fig`` as a display object (put it last in a cell, or pass it to ``display``).

    ``div_id`` must be unique on the page and stable (e.g. ``"ch06-penguins"``).
    """
    html = fig.to_html(
        full_html=False,
        include_plotlyjs=PLOTLY_JS,
        div_id=div_id,
        config=CONFIG,
    )
    spec = json.loads(fig.to_json())
    spec["config"] = CONFIG
    return PlotlyFigure(html, spec, div_id)
