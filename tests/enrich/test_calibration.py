"""Softmax, temperature fitting and ECE behave as defined."""

from __future__ import annotations

import numpy as np

from sounding.enrich.calibration import expected_calibration_error, fit_temperature, softmax


def test_softmax_rows_sum_to_one() -> None:
    p = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[1], 1 / 3)


def test_temperature_undoes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 1.5
    p = softmax(true_logits).astype(np.float64)
    labels = (rng.random(len(p))[:, None] > np.cumsum(p, axis=1)).sum(axis=1).tolist()
    t = fit_temperature(true_logits * 3.0, labels)
    assert 2.4 < t < 3.6


def test_ece_zero_when_confidence_matches() -> None:
    p = np.array([[1.0, 0.0, 0.0]] * 10)
    assert expected_calibration_error(p, [0] * 10) == 0.0
    assert expected_calibration_error(p, [1] * 10) == 1.0
