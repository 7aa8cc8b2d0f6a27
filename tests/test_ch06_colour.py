"""mlskills.colour, the colour science behind Chapter 6's accessibility section.

CIEDE2000 is checked against all 34 test pairs of Sharma, Wu & Dalal (2005), which
exercise the formula's corner cases (hues 180° apart, zero chroma, the blue region); the
colour-vision simulation and the size model against properties that any correct
implementation must have.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlskills import colour

# Sharma, Wu & Dalal (2005), Table 1: L1, a1, b1, L2, a2, b2, ΔE00 (4 decimals).
SHARMA_2005 = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA_2005, ids=[f"pair{i + 1}" for i in range(len(SHARMA_2005))])
def test_delta_e_2000_matches_sharma_wu_dalal(row):
    lab1, lab2, expected = np.array(row[:3]), np.array(row[3:6]), row[6]
    assert colour.delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=5e-5)
    assert colour.delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=5e-5)  # symmetric


def test_delta_e_2000_broadcasts_over_a_palette():
    table = np.array(SHARMA_2005)
    got = colour.delta_e_2000(table[:, :3], table[:, 3:6])
    assert got.shape == (len(SHARMA_2005),)
    np.testing.assert_allclose(got, table[:, 6], atol=5e-5)


def test_srgb_white_and_black_in_lab():
    np.testing.assert_allclose(colour.srgb_to_lab([1.0, 1.0, 1.0]), [100.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(colour.srgb_to_lab([0.0, 0.0, 0.0]), [0.0, 0.0, 0.0], atol=1e-6)
    # sRGB red is L* ≈ 53.2, a* ≈ 80.1, b* ≈ 67.2 (D65)
    np.testing.assert_allclose(colour.srgb_to_lab([1.0, 0.0, 0.0]), [53.24, 80.09, 67.20], atol=0.05)


@pytest.mark.parametrize("condition", sorted(colour.CONDITIONS))
def test_every_simulation_keeps_white_and_greys(condition):
    greys = np.linspace(0, 1, 5)[:, None].repeat(3, axis=1)
    np.testing.assert_allclose(colour.simulate(greys, condition), greys, atol=2e-3)


def test_dichromacy_confuses_its_own_axis():
    red, green, blue, yellow = [1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [1.0, 1.0, 0]

    def distance(a, b, condition):
        return colour.delta_e_2000_srgb(colour.simulate(a, condition), colour.simulate(b, condition))

    normal = colour.delta_e_2000_srgb(red, green)
    assert distance(red, green, "deuteranopia") < normal / 2
    assert distance(red, green, "protanopia") < normal / 2
    # tritanopia keeps red and green apart but loses blue against green
    assert distance(red, green, "tritanopia") > distance(blue, green, "tritanopia")
    # anomalous trichromacy is milder than the dichromacy of the same cone
    assert distance(red, green, "deuteranopia") < distance(red, green, "deuteranomaly") < normal
    assert distance(yellow, blue, "deuteranopia") > 50


def test_machado_matrix_interpolates_between_table_rows():
    halfway = colour.machado_matrix("deutan", 0.5)
    np.testing.assert_allclose(
        halfway, (colour.machado_matrix("deutan", 0.4) + colour.machado_matrix("deutan", 0.6)) / 2
    )
    with pytest.raises(ValueError):
        colour.machado_matrix("deutan", 1.5)
    with pytest.raises(ValueError, match="unknown condition"):
        colour.simulate([0.5, 0.5, 0.5], "colour blind")


def test_stone_szafir_setlur_thresholds_grow_as_marks_shrink():
    # the published 50 % model at 1 degree: L 5.83, a 6.88, b 8.22
    np.testing.assert_allclose(colour.noticeable_difference(1.0), [5.830, 6.880, 8.220], atol=1e-3)
    small, large = colour.noticeable_difference(1 / 3), colour.noticeable_difference(6)
    assert np.all(small > large)
    assert np.all(colour.noticeable_difference(2, proportion=0.8) > colour.noticeable_difference(2))
    grey, lighter = [0.5, 0.5, 0.5], [0.56, 0.56, 0.56]
    assert colour.noticeable(grey, lighter, 6) > 1 > colour.noticeable(grey, lighter, 1 / 3)
    with pytest.raises(ValueError):
        colour.noticeable_difference(0)


def test_visual_angle():
    assert colour.visual_angle_deg(10.47, 600) == pytest.approx(1.0, abs=1e-3)
