"""Checked by mypy --strict in `make test-python`: the public API is typed."""

import numpy as np

import ferroscore as fs

x = np.arange(10.0)
a: np.ndarray = fs.rolling_mean(x, 3)
b: float = fs.power_sum(x, 1.5)
m: fs.Moments = fs.moments(x)
st = fs.EwmMean(alpha=0.5)
c = st.update(x)
r: fs.Report = fs.validate({"x": x}, {"x": [fs.rules.finite()]})
ok: bool = r.ok
