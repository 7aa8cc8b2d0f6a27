"""The chapter's model as data: standardise four measurements, then a softmax over species.

A scikit-learn pipeline (``StandardScaler`` + ``LogisticRegression``) is exported as
numbers in a small JSON document, not pickled: the service loads it without running any
code from the file, and a client in another language can compute the same prediction
(the chapter does it in JavaScript). Parameters are rounded to 7 significant digits,
which moves a probability by far less than the 3 decimals the service reports.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

#: The model's inputs, in order, with their units in the names.
FEATURES = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def _round(values, digits: int = 7) -> list:
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=float).ravel()]


@dataclass(frozen=True)
class PenguinModel:
    """Multinomial logistic regression on standardised inputs.

    ``coef`` is classes × features, row-major, flattened.
    """

    version: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: tuple[float, ...]

    @classmethod
    def from_pipeline(cls, pipeline, version: str) -> PenguinModel:
        """Read the numbers out of a fitted ``make_pipeline(StandardScaler(), LogisticRegression())``."""
        scaler, classifier = pipeline[0], pipeline[-1]
        return cls(
            version=version,
            features=tuple(FEATURES),
            classes=tuple(str(c) for c in classifier.classes_),
            mean=tuple(_round(scaler.mean_)),
            scale=tuple(_round(scaler.scale_)),
            coef=tuple(_round(classifier.coef_)),
            intercept=tuple(_round(classifier.intercept_)),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, allow_nan=False)

    def save(self, path: str | Path) -> Path:
        Path(path).write_text(self.to_json(), encoding="utf-8")
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> PenguinModel:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (rows, classes), for X of shape (rows, 4)."""
        X = np.asarray(X, dtype=np.float64).reshape(-1, len(self.features))
        z = (X - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coef).reshape(len(self.classes), -1).T + np.asarray(
            self.intercept
        )
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X) -> list[tuple[str, float]]:
        """(species, probability of that species) per row."""
        p = self.predict_proba(X)
        best = p.argmax(axis=1)
        return [(self.classes[i], float(p[row, i])) for row, i in enumerate(best)]


#: The same prediction in JavaScript, for a client that is not written in Python.
JAVASCRIPT = """
function predictProba(model, x) {
  const k = model.classes.length, d = model.features.length;
  const z = x.map((v, j) => (v - model.mean[j]) / model.scale[j]);
  const logits = [];
  for (let c = 0; c < k; c++) {
    let s = model.intercept[c];
    for (let j = 0; j < d; j++) s += model.coef[c * d + j] * z[j];
    logits.push(s);
  }
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
"""
