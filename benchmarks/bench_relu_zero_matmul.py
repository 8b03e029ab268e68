"""Scenario 4: ``relu(x @ W + b)`` with W all zeros, evaluated.

x is (1024, 4096) float32 random, W (4096, 4096) zeros, b a random (4096,)
vector. With W zero the answer is ``relu(b)`` in every row, unless a row of
x holds a NaN or an infinity: then NumPy's row is NaN, and a fold that keeps
results must keep that. Contenders: eager NumPy; NumPy computing the folded
answer directly (the floor); lazyinit's ``li.function`` with x a placeholder
fed per call, and ``li.evaluate`` with x a constant; PyTensor and JAX
compiled; PyTorch eager. Each output is compared with NumPy's, and again
with a NaN put into x.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from harness import Config, Row, ScenarioResult, Target, format_time, interleaved_best

import lazyinit as li

NAME = "relu_zero_matmul"
TITLE = "relu(x @ W + b), W zeros, float32"

EAGER = "numpy eager"
FLOOR = "numpy folded answer"
FUNCTION = "lazyinit li.function(x)"
FINITE = "lazyinit li.function(x, assume_finite)"
EVALUATE = "lazyinit li.evaluate(const)"
PYTENSOR = "pytensor compiled"

# A contender is set up once (graphs built, functions compiled) into a
# ``prepare``; ``prepare(x)`` returns a zero-argument call computing the
# output for that x, so the NaN check reuses what was compiled.
Prepare = Callable[[np.ndarray], Callable[[], Any]]
Setup = Callable[[], Prepare]


def numpy_setups(b: np.ndarray, w: np.ndarray) -> dict[str, Setup]:
    def eager() -> Prepare:
        return lambda x: lambda: np.maximum(x @ w + b, 0)

    def floor() -> Prepare:
        def prepare(x: np.ndarray) -> Callable[[], np.ndarray]:
            def folded() -> np.ndarray:
                out = np.empty((x.shape[0], b.shape[0]), np.float32)
                out[...] = np.maximum(b, 0)
                return out

            return folded

        return prepare

    return {EAGER: eager, FLOOR: floor}


def lazyinit_setups(b: np.ndarray, x_shape: tuple[int, int]) -> dict[str, Setup]:
    def graph(x: li.LazyTensor) -> li.LazyTensor:
        w = li.zeros_initializer()(shape=(b.shape[0], b.shape[0]))
        return li.maximum(x @ w + li.asarray(b), 0.0)

    def function(assume_finite: bool) -> Prepare:
        placeholder = li.placeholder("x", x_shape, "float32")
        out = graph(placeholder)
        compiled = li.function([placeholder], out, assume_finite=assume_finite)
        return lambda x: lambda: compiled(x)

    def evaluate() -> Prepare:
        def prepare(x: np.ndarray) -> Callable[[], np.ndarray]:
            out = graph(li.asarray(x))
            return lambda: li.evaluate(out)

        return prepare

    return {
        FUNCTION: lambda: function(assume_finite=False),
        FINITE: lambda: function(assume_finite=True),
        EVALUATE: evaluate,
    }


def peer_setups(config: Config, b: np.ndarray, x_shape: tuple[int, int]) -> dict:
    setups: dict[str, Setup] = {}
    w_shape = (b.shape[0], b.shape[0])
    pytensor = config.peer("pytensor")
    if pytensor is not None:
        pt = pytensor.tensor

        def pytensor_setup() -> Prepare:
            px = pt.matrix("x", dtype="float32", shape=x_shape)
            w = pt.zeros(w_shape, dtype="float32")
            out = pt.maximum(px @ w + pt.constant(b), 0)
            compiled = pytensor.function([px], out)
            return lambda x: lambda: compiled(x)

        setups[PYTENSOR] = pytensor_setup
    jax = config.peer("jax")
    if jax is not None:
        jnp = jax.numpy

        def jax_setup() -> Prepare:
            jb = jnp.asarray(b)
            compiled = jax.jit(
                lambda v: jnp.maximum(v @ jnp.zeros(w_shape, jnp.float32) + jb, 0)
            )

            def prepare(x: np.ndarray) -> Callable[[], Any]:
                jx = jnp.asarray(x)
                return lambda: compiled(jx).block_until_ready()

            return prepare

        setups["jax jit"] = jax_setup
    torch = config.peer("torch")
    if torch is not None:

        def torch_setup() -> Prepare:
            tw = torch.zeros(w_shape, dtype=torch.float32)
            tb = torch.from_numpy(b)

            def prepare(x: np.ndarray) -> Callable[[], Any]:
                tx = torch.from_numpy(x)
                return lambda: torch.relu(tx @ tw + tb)

            return prepare

        setups["torch eager"] = torch_setup
    return setups


def same_nan(out: Any, reference: np.ndarray) -> bool:
    """True when ``out`` is NaN exactly where ``reference`` is."""
    return bool(np.array_equal(np.isnan(np.asarray(out)), np.isnan(reference)))


def run(config: Config) -> ScenarioResult:
    """Build each contender, time it, then check values and the NaN case."""
    rows, width = (256, 1024) if config.quick else (1024, 4096)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, width), dtype=np.float32)
    w = np.zeros((width, width), np.float32)
    b = rng.standard_normal(width, dtype=np.float32)
    x_nan = x.copy()
    x_nan[rows // 2, width // 3] = np.nan

    setups = numpy_setups(b, w)
    setups.update(lazyinit_setups(b, x.shape))
    setups.update(peer_setups(config, b, x.shape))
    prepares, calls, setup = {}, {}, {}
    for name, make in setups.items():
        start = time.perf_counter()
        prepares[name] = make()
        calls[name] = prepares[name](x)
        calls[name]()
        setup[name] = time.perf_counter() - start

    repeat = 3 if config.quick else 5
    best = interleaved_best(calls, repeat, config.min_seconds)
    reference = calls[EAGER]()
    reference_nan = prepares[EAGER](x_nan)()
    result = ScenarioResult(
        NAME,
        f"{TITLE}, x {x.shape} @ W {w.shape}",
        reference=FUNCTION,
        baseline=EAGER,
    )
    for name, seconds in best.items():
        values = "ok" if np.allclose(calls[name](), reference) else "WRONG"
        nan = "kept" if same_nan(prepares[name](x_nan)(), reference_nan) else "LOST"
        note = f"values {values}, NaN {nan}, setup+1st call {format_time(setup[name])}"
        result.rows.append(Row(name, seconds, note=note))
    result.notes.append(
        "NaN: one NaN in x makes its row NaN in NumPy; 'kept' means the "
        "contender's output is NaN exactly there (the folded-answer floor "
        "ignores x, so it loses it by design)"
    )
    result.notes.append(
        "x is a placeholder for li.function, so x @ zeros folds only with "
        "assume_finite=True (which gives up the NaN); li.evaluate's constant x "
        "is checked finite once and folds"
    )
    result.targets = targets(result)
    return result


def targets(result: ScenarioResult) -> list[Target]:
    """Issue 4's targets, for the compiled function and for ``li.evaluate``."""
    found = []
    eager, floor = result.seconds(EAGER), result.seconds(FLOOR)
    pytensor = result.seconds(PYTENSOR)
    assert eager is not None and floor is not None
    for name in (FUNCTION, EVALUATE):
        lazy, row = result.seconds(name), result.row(name)
        assert lazy is not None and row is not None
        found.append(
            Target(
                f"{name} >= 100x faster than eager NumPy",
                f"{eager / lazy:.3g}x",
                eager / lazy >= 100,
            )
        )
        found.append(
            Target(
                f"{name} within 1.25x of the folded answer",
                f"{lazy / floor:.3g}x its time",
                lazy / floor <= 1.25,
            )
        )
        text = f"{name} faster per call than pytensor"
        if pytensor is None:
            found.append(Target(text, "pytensor not installed", None))
        else:
            measured = f"{format_time(lazy)} vs {format_time(pytensor)}"
            found.append(Target(text, measured, lazy < pytensor))
        kept = "NaN kept" in row.note
        found.append(
            Target(
                f"{name} keeps NaN where NumPy has it",
                "kept" if kept else "LOST",
                kept,
            )
        )
    return found
