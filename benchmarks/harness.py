"""What every benchmark scenario shares: timing, memory, peers and results.

Timing is interleaved: each repeat runs every contender once, in an order
that rotates from repeat to repeat, and a contender's time is the best of its
repeats. On a shared, noisy machine this keeps a slow stretch from landing on
one contender only, and the best of N is the run least disturbed by others.
As in ``timeit``, the cyclic garbage collector is off inside a timed block
(and run before it): with PyTorch, JAX and PyTensor imported, a full
collection scans millions of objects and lands on whoever triggers it.

Peak memory is what ``tracemalloc`` saw beyond what was live before the call.
NumPy reports its data buffers to ``tracemalloc``, so this counts every array
that NumPy, Dask (NumPy chunks) and PyTensor (NumPy outputs) allocate, in any
thread; it does not see memory that a library allocates on its own.
"""

from __future__ import annotations

import gc
import importlib
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "PEERS",
    "Config",
    "PlainNode",
    "Row",
    "ScenarioResult",
    "Target",
    "calibrate",
    "format_bytes",
    "format_time",
    "interleaved_best",
    "peak_bytes",
    "time_block",
]

# Each peer: the module to import and the pip line that installs it here.
PEERS: dict[str, tuple[str, str]] = {
    "dask": ("dask.array", 'pip install "dask[array]"'),
    "pytensor": ("pytensor", "pip install pytensor"),
    "torch": ("torch", "pip install torch==2.13.0"),
    "jax": ("jax", "pip install jax jaxlib"),
}


@dataclass
class Config:
    """How a run is sized and which peers it may use."""

    quick: bool = False
    peers: frozenset[str] = frozenset(PEERS)
    _modules: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def repeat(self) -> int:
        """Interleaved repeats of a fast contender."""
        return 3 if self.quick else 7

    @property
    def min_seconds(self) -> float:
        """The least time one timed block runs, so that clocks resolve it."""
        return 0.005 if self.quick else 0.05

    def peer(self, name: str) -> Any | None:
        """The peer's module, or None (with a note kept) when it is not there."""
        if name in self._modules:
            return self._modules[name]
        module_name, install = PEERS[name]
        module = None
        if name not in self.peers:
            self.skipped[name] = "left out by --peers"
        else:
            try:
                module = importlib.import_module(module_name)
            except ImportError as error:
                self.skipped[name] = f"not installed ({error}); {install}"
        self._modules[name] = module
        return module


@dataclass
class Row:
    """One contender's result in one scenario."""

    contender: str
    seconds: float | None
    unit: str = "call"
    peak: int | None = None
    note: str = ""


@dataclass
class Target:
    """One of issue 4's targets: what it asks, what was measured, met or not."""

    text: str
    measured: str
    met: bool | None


@dataclass
class ScenarioResult:
    """A scenario's rows, its references for the ratio columns, and targets.

    ``reference`` names the lazyinit row the ``/lazyinit`` column divides by;
    ``baseline`` the eager NumPy row of the ``/NumPy`` column (if any). A
    ``baseline_bytes`` turns peak memory into multiples of the input size.
    """

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    reference: str | None = None
    baseline: str | None = None
    baseline_bytes: int | None = None
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, contender: str) -> Row | None:
        """The row of ``contender``, if it ran."""
        return next((r for r in self.rows if r.contender == contender), None)

    def seconds(self, contender: str) -> float | None:
        """The time of ``contender``, if it ran."""
        row = self.row(contender)
        return None if row is None else row.seconds


def calibrate(function: Callable[[], Any], min_seconds: float) -> int:
    """Calls per timed block so that a block lasts at least ``min_seconds``.

    The first call is a warm-up and is not counted: compiled peers compile
    on it (PyTensor's Numba backend, JAX's jit).
    """
    function()
    if min_seconds <= 0:
        return 1
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or number >= 1 << 20:
            return number
        number = max(number * 2, int(number * min_seconds / max(elapsed, 1e-9)))


def interleaved_best(
    contenders: dict[str, Callable[[], Any]],
    repeat: int,
    min_seconds: float,
    per: int = 1,
) -> dict[str, float]:
    """The best time per call (divided by ``per``) of each contender.

    Every contender is run first for at least ``min_seconds`` (a warm-up that
    also calibrates the number of calls per timed block), then ``repeat``
    rounds each time every contender in a rotating order.
    """
    numbers = {name: calibrate(f, min_seconds) for name, f in contenders.items()}
    best = dict.fromkeys(contenders, float("inf"))
    names = list(contenders)

    # Objects alive now (the peers' modules above all) are left out of every
    # later collection, so the one before each block takes microseconds.
    gc.collect()
    gc.freeze()
    try:
        for round_index in range(repeat):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                elapsed = time_block(contenders[name], numbers[name])
                best[name] = min(best[name], elapsed / per)
    finally:
        gc.unfreeze()
    return best


def time_block(function: Callable[[], Any], number: int) -> float:
    """Seconds per call over ``number`` calls, the cyclic collector off."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            function()
        return (time.perf_counter() - start) / number
    finally:
        gc.enable()


def peak_bytes(function: Callable[[], Any]) -> int:
    """Bytes allocated at the peak of one call beyond what was live before it.

    The call's result is dropped inside the measurement, after the peak.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = function()
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        tracemalloc.stop()
    return peak - before


def format_time(seconds: float | None) -> str:
    """``seconds`` in the unit that keeps three to four significant digits."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(count: int | None) -> str:
    """``count`` bytes in MiB (or KiB when small)."""
    if count is None:
        return "-"
    if abs(count) >= 1 << 20:
        return f"{count / (1 << 20):.1f} MiB"
    return f"{count / 1024:.1f} KiB"


class PlainNode:
    """The floor of graph building: a plain Python object per node.

    It records an op, its inputs, a shape and a dtype, and checks nothing:
    no broadcasting, no dtype promotion, no validation.
    """

    __slots__ = ("dtype", "inputs", "op", "shape")

    def __init__(self, op: str, inputs: tuple, shape: tuple, dtype: str) -> None:
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.dtype = dtype

    def _binary(self, op: str, other: Any) -> PlainNode:
        return PlainNode(op, (self, other), self.shape, self.dtype)

    def __add__(self, other: Any) -> PlainNode:
        return self._binary("add", other)

    def __sub__(self, other: Any) -> PlainNode:
        return self._binary("subtract", other)

    def __mul__(self, other: Any) -> PlainNode:
        return self._binary("multiply", other)

    def __truediv__(self, other: Any) -> PlainNode:
        return self._binary("divide", other)
