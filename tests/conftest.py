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
    "dev",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI replays the same examples every run, so a red build always means a
# change broke something; new examples are hunted locally (the "dev" profile
# draws fresh ones each run, ORACLE_EXAMPLES=10000 hunts longer).
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
