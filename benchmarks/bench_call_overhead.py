"""Scenario 7: the call overhead of a compiled function on a 3-element add.

With three elements the arithmetic is free, so the time is what a call
costs: checking and converting the inputs, running the plan, returning.
NumPy's own ``np.add`` is the floor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from harness import Config, Row, ScenarioResult, Target, interleaved_best

import lazyinit as li

NAME = "call_overhead"
TITLE = "compiled-function call overhead, 3-element float64 add"

LAZYINIT = "lazyinit li.function"


def contenders(config: Config, a: np.ndarray, b: np.ndarray) -> dict:
    x = li.placeholder("x", a.shape, a.dtype)
    y = li.placeholder("y", b.shape, b.dtype)
    compiled = li.function([x, y], x + y)
    result: dict[str, Callable[[], Any]] = {
        "numpy np.add": lambda: np.add(a, b),
        LAZYINIT: lambda: compiled(a, b),
    }
    pytensor = config.peer("pytensor")
    if pytensor is not None:
        pt = pytensor.tensor
        px, py = pt.vector("x", dtype="float64"), pt.vector("y", dtype="float64")
        checked = pytensor.function([px, py], px + py)
        trusted = pytensor.function([px, py], px + py)
        trusted.trust_input = True
        result["pytensor function"] = lambda: checked(a, b)
        result["pytensor trust_input"] = lambda: trusted(a, b)
    jax = config.peer("jax")
    if jax is not None:
        jitted = jax.jit(lambda u, v: u + v)
        ja, jb = jax.numpy.asarray(a), jax.numpy.asarray(b)
        result["jax jit (device arrays)"] = lambda: jitted(ja, jb).block_until_ready()
    torch = config.peer("torch")
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        result["torch eager add"] = lambda: torch.add(ta, tb)
    return result


def run(config: Config) -> ScenarioResult:
    """Time each call, interleaved, best of N."""
    a, b = np.arange(3.0), np.ones(3)
    best = interleaved_best(contenders(config, a, b), config.repeat, config.min_seconds)
    result = ScenarioResult(NAME, TITLE, reference=LAZYINIT)
    result.rows = [Row(name, seconds) for name, seconds in best.items()]
    overhead = best[LAZYINIT]
    result.targets.append(
        Target(
            f"{LAZYINIT} call overhead < 10 us",
            f"{overhead * 1e6:.1f} us",
            overhead < 10e-6,
        )
    )
    return result
