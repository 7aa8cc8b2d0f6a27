"""Colour science for Chapter 6: simulate colour-vision deficiencies, measure colour distance.

Three small, tested pieces (tests/test_ch06_colour.py):

- :func:`simulate` applies the matrices of Machado, Oliveira & Fernandes (2009) for
  protanopia, deuteranopia and tritanopia (severity 1) and for deuteranomaly and
  protanomaly at any severity from their published table, in *linear* RGB;
- :func:`srgb_to_lab` converts sRGB (D65) to CIELAB, and :func:`delta_e_2000` is the
  CIEDE2000 colour difference, checked against the 34 pairs of Sharma, Wu & Dalal (2005);
- :func:`noticeable` is the size-dependent model of Stone, Szafir & Setlur (2014): two
  colours of a mark that subtends ``size_deg`` degrees of visual angle are told apart by
  half of viewers when the scaled CIELAB distance reaches 1.

Colours are sRGB values in [0, 1] with the channels in the last axis, so one colour, a
palette (n, 3) or an image (h, w, 3) all work.
"""

from __future__ import annotations

import math

import numpy as np

# Machado, Oliveira & Fernandes (2009), table of simulation matrices (linear RGB).
_ANOMALY = {
    "protan": {
        0.0: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        0.2: [[0.734766, 0.334872, -0.069637], [0.051840, 0.919198, 0.028963], [-0.004928, -0.004209, 1.009137]],
        0.4: [[0.539009, 0.579343, -0.118352], [0.082546, 0.866121, 0.051332], [-0.007136, -0.011959, 1.019095]],
        0.6: [[0.385450, 0.769005, -0.154455], [0.100526, 0.829802, 0.069673], [-0.007442, -0.022190, 1.029632]],
        0.8: [[0.259411, 0.923008, -0.182420], [0.110296, 0.804340, 0.085364], [-0.006276, -0.034346, 1.040622]],
        1.0: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    },
    "deutan": {
        0.0: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        0.2: [[0.760729, 0.319078, -0.079807], [0.090568, 0.889315, 0.020117], [-0.006027, 0.013325, 0.992702]],
        0.4: [[0.605511, 0.528560, -0.134071], [0.155318, 0.812366, 0.032316], [-0.009376, 0.023176, 0.986200]],
        0.6: [[0.498864, 0.674741, -0.173604], [0.205199, 0.754872, 0.039929], [-0.011131, 0.030969, 0.980162]],
        0.8: [[0.422823, 0.781057, -0.203881], [0.245752, 0.709602, 0.044646], [-0.011843, 0.037423, 0.974421]],
        1.0: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    },
    "tritan": {
        0.0: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        1.0: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    },
}

#: The conditions :func:`simulate` knows, as (kind, severity); severity 1 is dichromacy.
CONDITIONS = {
    "protanopia": ("protan", 1.0),
    "deuteranopia": ("deutan", 1.0),
    "tritanopia": ("tritan", 1.0),
    "protanomaly": ("protan", 0.6),
    "deuteranomaly": ("deutan", 0.6),
}


def machado_matrix(kind: str, severity: float) -> np.ndarray:
    """The 3 × 3 linear-RGB matrix for ``kind`` ('protan', 'deutan', 'tritan') at ``severity``.

    Severities between the tabulated ones are interpolated linearly, as Machado et al. suggest.
    """
    table = _ANOMALY[kind]
    if not 0.0 <= severity <= 1.0:
        raise ValueError(f"severity must be in [0, 1], got {severity}")
    steps = sorted(table)
    upper = next(s for s in steps if s >= severity - 1e-12)
    lower = max(s for s in steps if s <= upper and s <= severity + 1e-12)
    if upper == lower:
        return np.array(table[upper], dtype=float)
    t = (severity - lower) / (upper - lower)
    return (1 - t) * np.array(table[lower], dtype=float) + t * np.array(table[upper], dtype=float)


def srgb_to_linear(rgb) -> np.ndarray:
    """sRGB values in [0, 1] to linear light (IEC 61966-2-1)."""
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear) -> np.ndarray:
    """Linear light back to sRGB in [0, 1] (values outside the gamut are clipped first)."""
    linear = np.clip(np.asarray(linear, dtype=float), 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(rgb, condition: str = "deuteranopia") -> np.ndarray:
    """How a person with ``condition`` (a key of :data:`CONDITIONS`) sees sRGB colours ``rgb``."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; choose one of {sorted(CONDITIONS)}")
    rgb = np.asarray(rgb, dtype=float)
    if rgb.shape[-1] != 3:
        raise ValueError(f"expected RGB values in the last axis (size 3), got shape {rgb.shape}")
    matrix = machado_matrix(*CONDITIONS[condition])
    return linear_to_srgb(srgb_to_linear(rgb) @ matrix.T)


#: sRGB (linear) to CIE XYZ, D65 white (IEC 61966-2-1).
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)


def srgb_to_lab(rgb) -> np.ndarray:
    """sRGB values in [0, 1] to CIELAB (L*, a*, b*) relative to the D65 white of sRGB."""
    xyz = srgb_to_linear(rgb) @ SRGB_TO_XYZ.T / SRGB_TO_XYZ.sum(axis=1)  # white -> (1, 1, 1)
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    )


def delta_e_2000(lab1, lab2, k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0) -> np.ndarray:
    """CIEDE2000 colour difference between CIELAB colours (broadcasts over leading axes).

    Follows the CIE formula as written out by Sharma, Wu & Dalal (2005), including their
    conventions for the mean hue when the two hues are more than 180° apart and when a
    chroma is zero.
    """
    lab1, lab2 = np.asarray(lab1, dtype=float), np.asarray(lab2, dtype=float)
    l1, a1, b1 = np.moveaxis(lab1, -1, 0)
    l2, a2, b2 = np.moveaxis(lab2, -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)

    d_lp = l2 - l1
    d_cp = c2p - c1p
    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_product == 0, 0.0, dh)
    d_hp = 2 * np.sqrt(chroma_product) * np.sin(np.radians(dh) / 2)

    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
    )
    h_mean = np.where(chroma_product == 0, h_sum, h_mean)

    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c

    dl, dc, dhh = d_lp / (k_l * s_l), d_cp / (k_c * s_c), d_hp / (k_h * s_h)
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def delta_e_2000_srgb(colour1, colour2) -> float:
    """CIEDE2000 between two sRGB colours in [0, 1] (a convenience for palettes)."""
    return float(delta_e_2000(srgb_to_lab(colour1), srgb_to_lab(colour2)))


def noticeable_difference(size_deg: float, proportion: float = 0.5) -> np.ndarray:
    """Stone, Szafir & Setlur (2014): the CIELAB step (ΔL*, Δa*, Δb*) that ``proportion`` of
    viewers notice between two marks of ``size_deg`` degrees of visual angle.

    ND(p, s) = p · (A + B / s) per axis, fitted for sizes from 1/3° to 6°; the default
    p = 0.5 gives their published 50 % model (L*: 5.079 + 0.751 / s, a*: 5.339 + 1.541 / s,
    b*: 5.349 + 2.871 / s).
    """
    if size_deg <= 0:
        raise ValueError(f"size must be a positive visual angle in degrees, got {size_deg}")
    a = np.array([5.079, 5.339, 5.349]) / 0.5
    b = np.array([0.751, 1.541, 2.871]) / 0.5
    return proportion * (a + b / size_deg)


def noticeable(colour1, colour2, size_deg: float, proportion: float = 0.5) -> float:
    """Stone et al.'s scaled distance between two sRGB colours at a mark size: ≥ 1 means
    at least ``proportion`` of viewers tell them apart."""
    step = srgb_to_lab(colour2) - srgb_to_lab(colour1)
    return float(np.sqrt(np.sum((step / noticeable_difference(size_deg, proportion)) ** 2)))


def visual_angle_deg(size_mm: float, distance_mm: float = 600.0) -> float:
    """The visual angle (degrees) of a mark ``size_mm`` wide seen from ``distance_mm``."""
    return math.degrees(2 * math.atan(size_mm / (2 * distance_mm)))
