"""A multinomial logistic regression over penguin measurements, in pure Python.

The weights are trained elsewhere (Chapter 5 trains them with scikit-learn) and shipped
in ``weights.json`` inside the package, so the service needs no third-party library.
"""

import json
import math
from importlib import resources

__version__ = "1.0.0"


def load_weights() -> dict:
    return json.loads(resources.files(__package__).joinpath("weights.json").read_text())


def predict(features: dict, weights: dict | None = None) -> str:
    """The most likely species for one penguin, e.g. {"bill_length_mm": 39.1, ...}."""
    w = weights or load_weights()
    x = [(features[name] - mean) / scale for name, mean, scale in zip(w["features"], w["mean"], w["scale"], strict=True)]
    scores = [b + sum(c * v for c, v in zip(row, x, strict=True)) for row, b in zip(w["coef"], w["intercept"], strict=True)]
    best = max(range(len(scores)), key=scores.__getitem__)
    return w["classes"][best]


def probabilities(features: dict, weights: dict | None = None) -> dict:
    w = weights or load_weights()
    x = [(features[name] - mean) / scale for name, mean, scale in zip(w["features"], w["mean"], w["scale"], strict=True)]
    scores = [b + sum(c * v for c, v in zip(row, x, strict=True)) for row, b in zip(w["coef"], w["intercept"], strict=True)]
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    return {c: e / sum(exp) for c, e in zip(w["classes"], exp, strict=True)}
