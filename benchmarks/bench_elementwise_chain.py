"""Scenario 5: ten elementwise operations on 2*10**7 float64, time and memory.

The chain is ``((sqrt((x * 1.5 + 2) * 0.5 - 0.25) ...``: multiply, add,
sqrt, multiply, subtract, absolute, add, square, divide, subtract. Eager
NumPy allocates a new array per operation (two live at a time beyond x);
NumPy with ``out=`` writes every step into one output buffer, the floor.
Peak memory is what was allocated beyond the input at the worst moment,
also given in multiples of the input's size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from harness import (
    Config,
    Row,
    ScenarioResult,
    Target,
    format_bytes,
    interleaved_best,
    peak_bytes,
)

import lazyinit as li

NAME = "elementwise_chain"
TITLE = "10-op elementwise chain, float64"

EAGER = "numpy eager"
FLOOR = "numpy out= in place"
FUNCTION = "lazyinit li.function(x)"
EVALUATE = "lazyinit li.evaluate(const)"


def chain(x: Any, sqrt: Callable, absolute: Callable, square: Callable) -> Any:
    """The ten operations, with the library's own sqrt, absolute and square."""
    y = x * 1.5
    y = y + 2.0
    y = sqrt(y)
    y = y * 0.5
    y = y - 0.25
    y = absolute(y)
    y = y + 1.0
    y = square(y)
    y = y / 3.0
    return y - 1.0


def in_place(x: np.ndarray) -> np.ndarray:
    """The chain with one output buffer, every step written into it."""
    out = np.multiply(x, 1.5)
    np.add(out, 2.0, out=out)
    np.sqrt(out, out=out)
    np.multiply(out, 0.5, out=out)
    np.subtract(out, 0.25, out=out)
    np.absolute(out, out=out)
    np.add(out, 1.0, out=out)
    np.square(out, out=out)
    np.divide(out, 3.0, out=out)
    np.subtract(out, 1.0, out=out)
    return out


def contenders(config: Config, x: np.ndarray) -> dict[str, Callable[[], Any]]:
    """The chain as each contender runs it on ``x``."""
    placeholder = li.placeholder("x", x.shape, x.dtype)
    compiled = li.function(
        [placeholder], chain(placeholder, li.sqrt, li.absolute, li.square)
    )
    constant_graph = chain(li.asarray(x), li.sqrt, li.absolute, li.square)
    result: dict[str, Callable[[], Any]] = {
        EAGER: lambda: chain(x, np.sqrt, np.absolute, np.square),
        FLOOR: lambda: in_place(x),
        FUNCTION: lambda: compiled(x),
        EVALUATE: lambda: li.evaluate(constant_graph),
    }
    dask = config.peer("dask")
    if dask is not None:
        dx = dask.from_array(x)
        lazy = chain(dx, dask.sqrt, dask.absolute, dask.square)
        result["dask compute"] = lambda: lazy.compute()
    pytensor = config.peer("pytensor")
    if pytensor is not None:
        pt = pytensor.tensor
        px = pt.vector("x", dtype="float64", shape=x.shape)
        out = chain(px, pt.sqrt, pt.abs, pt.sqr)
        function = pytensor.function([px], out)
        result["pytensor compiled"] = lambda: function(x)
    return result


def run(config: Config) -> ScenarioResult:
    """Time each contender interleaved, then measure each one's peak alone."""
    size = 2 * 10**6 if config.quick else 2 * 10**7
    rng = np.random.default_rng(0)
    x = rng.random(size) - 0.5
    calls = contenders(config, x)
    reference = calls[EAGER]()

    repeat = 2 if config.quick else 5
    best = interleaved_best(calls, repeat, min_seconds=0.0)
    result = ScenarioResult(
        NAME,
        f"{TITLE}, {size:.0e} elements ({format_bytes(x.nbytes)})",
        reference=FUNCTION,
        baseline=EAGER,
        baseline_bytes=x.nbytes,
    )
    for name, seconds in best.items():
        values = "ok" if np.allclose(calls[name](), reference) else "WRONG"
        peak = peak_bytes(calls[name])
        result.rows.append(Row(name, seconds, peak=peak, note=f"values {values}"))
    result.notes.append(
        "peak: bytes allocated beyond the input at the worst moment of one call "
        "(tracemalloc, which NumPy reports to); 'x in' = multiples of the input"
    )
    result.targets = targets(result)
    return result


def targets(result: ScenarioResult) -> list[Target]:
    """Issue 4's targets: time within 1.1x of the floor, peak no more."""
    floor, floor_row = result.seconds(FLOOR), result.row(FLOOR)
    found = []
    for name in (FUNCTION, EVALUATE):
        seconds, row = result.seconds(name), result.row(name)
        assert seconds and floor and row and floor_row
        assert row.peak is not None and floor_row.peak is not None
        ratio = seconds / floor
        found.append(
            Target(
                f"{name} time within 1.1x of numpy out=",
                f"{ratio:.2f}x",
                ratio <= 1.1,
            )
        )
        found.append(
            Target(
                f"{name} peak <= numpy out= peak",
                f"{format_bytes(row.peak)} vs {format_bytes(floor_row.peak)}",
                row.peak <= floor_row.peak * 1.01,
            )
        )
    return found
