"""Shared data for the tests: seeded random series with NaN and inf."""

from __future__ import annotations

import numpy as np
import pytest


def make_series(n: int, seed: int, nan_frac: float = 0.05, inf_frac: float = 0.0, dtype=np.float64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 10
    x[rng.random(n) < nan_frac] = np.nan
    if inf_frac:
        m = rng.random(n) < inf_frac
        x[m] = np.where(rng.random(m.sum()) < 0.5, np.inf, -np.inf)
    return x.astype(dtype)


@pytest.fixture
def series() -> np.ndarray:
    return make_series(500, 1)
