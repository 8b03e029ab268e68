"""The hypothesis profile of the suite: no deadline (the first example of a
test pays NumPy's and the op registry's warm-up), no slowness health check.
Each property sets its own ``max_examples`` so that tests/ stays under two
minutes on two cores."""

import os

from hypothesis import HealthCheck, settings

# No progress bars in test output, whatever the terminal (tests of the bars
# themselves undo this with monkeypatch). Notebook kernels inherit it.
os.environ["LAZYINIT_PROGRESS"] = "0"

settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci")
