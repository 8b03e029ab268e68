"""Scenario 1: build one lazy 4096x4096 float32 zeros tensor.

Nothing is allocated on either side: lazyinit records a fill node, PyTorch
makes a meta tensor, JAX traces a function to its output's shape, Dask
builds a one-layer graph, and the floor is a plain Python object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Config, PlainNode, Row, ScenarioResult, Target, interleaved_best

import lazyinit as li

NAME = "build_node"
TITLE = "build a lazy zeros((4096, 4096)) float32 node"

SHAPE = (4096, 4096)
INITIALIZER = "lazyinit zeros_initializer()(shape)"
ZEROS = "lazyinit li.zeros(shape)"
TORCH = "torch zeros(device='meta')"


def contenders(config: Config) -> dict[str, Callable[[], Any]]:
    """The node builders of lazyinit and of each installed peer."""
    result: dict[str, Callable[[], Any]] = {
        INITIALIZER: lambda: li.zeros_initializer()(shape=SHAPE),
        ZEROS: lambda: li.zeros(SHAPE),
        "plain Python object": lambda: PlainNode("zeros", (), SHAPE, "float32"),
    }
    torch = config.peer("torch")
    if torch is not None:
        result[TORCH] = lambda: torch.zeros(SHAPE, device="meta")
    jax = config.peer("jax")
    if jax is not None:
        jnp = jax.numpy
        # A fresh function each call: the same one would hit JAX's trace cache.
        result["jax eval_shape(zeros)"] = lambda: jax.eval_shape(
            lambda: jnp.zeros(SHAPE, jnp.float32)
        )
        result["jax ShapeDtypeStruct"] = lambda: jax.ShapeDtypeStruct(
            SHAPE, jnp.float32
        )
    dask = config.peer("dask")
    if dask is not None:
        result["dask da.zeros"] = lambda: dask.zeros(SHAPE, dtype="float32")
    return result


def run(config: Config) -> ScenarioResult:
    """Time every builder, interleaved, best of N."""
    best = interleaved_best(contenders(config), config.repeat, config.min_seconds)
    result = ScenarioResult(NAME, TITLE, reference=INITIALIZER)
    result.rows = [Row(name, seconds) for name, seconds in best.items()]

    torch_time = best.get(TORCH)
    for name in (INITIALIZER, ZEROS):
        if torch_time is None:
            measured, met = "torch not installed", None
        else:
            ratio = torch_time / best[name]
            measured, met = f"{ratio:.2f}x faster than torch meta", ratio >= 2
        result.targets.append(
            Target(f"{name} >= 2x faster than torch meta", measured, met)
        )
    return result
