"""Scenario 2: build a chain of elementwise operations, time per operation.

Each contender builds ``y = x; y = y * 1.0001; y = y + 0.5; y = y - 0.25;
y = y / 1.5; ...`` on a (1024, 1024) float32 input without computing
anything: lazyinit's graph, Dask's graph, PyTensor's symbolic graph, PyTorch
meta tensors, a JAX trace (``jax.make_jaxpr``) and plain Python objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Config, PlainNode, Row, ScenarioResult, Target, interleaved_best

import lazyinit as li

NAME = "build_chain"
TITLE = "build an elementwise chain, time per op"

SHAPE = (1024, 1024)
LAZYINIT = "lazyinit"
PEER_TARGETS = {"dask": 50.0, "pytensor": 50.0, "torch meta": 10.0}


def chain(x: Any, length: int) -> Any:
    """``length`` elementwise operations on ``x``, cycling over four."""
    y = x
    for index in range(length):
        step = index % 4
        if step == 0:
            y = y * 1.0001
        elif step == 1:
            y = y + 0.5
        elif step == 2:
            y = y - 0.25
        else:
            y = y / 1.5
    return y


def contenders(config: Config, length: int) -> dict[str, Callable[[], Any]]:
    """Chain builders of lazyinit and of each installed peer."""
    x = li.placeholder("x", SHAPE, "float32")
    plain = PlainNode("placeholder", (), SHAPE, "float32")
    result: dict[str, Callable[[], Any]] = {
        LAZYINIT: lambda: chain(x, length),
        "plain Python object": lambda: chain(plain, length),
    }
    dask = config.peer("dask")
    if dask is not None:
        dx = dask.zeros(SHAPE, dtype="float32")
        result["dask"] = lambda: chain(dx, length)
    pytensor = config.peer("pytensor")
    if pytensor is not None:
        px = pytensor.tensor.matrix("x", dtype="float32", shape=SHAPE)
        result["pytensor"] = lambda: chain(px, length)
    torch = config.peer("torch")
    if torch is not None:
        tx = torch.empty(SHAPE, dtype=torch.float32, device="meta")
        result["torch meta"] = lambda: chain(tx, length)
    jax = config.peer("jax")
    if jax is not None:
        spec = jax.ShapeDtypeStruct(SHAPE, jax.numpy.float32)
        result["jax make_jaxpr"] = lambda: jax.make_jaxpr(
            lambda value: chain(value, length)
        )(spec)
    return result


def run(config: Config) -> ScenarioResult:
    """Time building the whole chain, interleaved, and divide by its length."""
    length = 200 if config.quick else 1000
    repeat = 2 if config.quick else 5
    builders = contenders(config, length)
    best = interleaved_best(builders, repeat, min_seconds=0.0, per=length)

    result = ScenarioResult(NAME, f"{TITLE} ({length} ops)", reference=LAZYINIT)
    result.rows = [Row(name, seconds, unit="op") for name, seconds in best.items()]
    for peer, wanted in PEER_TARGETS.items():
        text = f"per-op build >= {wanted:g}x faster than {peer}"
        if peer not in best:
            result.targets.append(Target(text, f"{peer} not installed", None))
            continue
        ratio = best[peer] / best[LAZYINIT]
        result.targets.append(Target(text, f"{ratio:.1f}x", ratio >= wanted))
    return result
