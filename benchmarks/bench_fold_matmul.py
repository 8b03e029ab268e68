"""Folding a zero-initialized matmul: ``x @ zeros + 1`` against eager NumPy.

Run: ``python benchmarks/bench_fold_matmul.py``. Prints the best-of-N time of
each side, measured alternately in one run, and their ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import lazyinit as li


def best_time(function, repeat: int) -> float:
    """The fastest of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=512)
    parser.add_argument("--width", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.rows, args.width), dtype=np.float32)
    shape = (args.width, args.width)

    def eager() -> np.ndarray:
        return x @ np.zeros(shape, np.float32) + 1

    def lazy() -> np.ndarray:
        w = li.zeros_initializer()(shape=shape)
        return li.evaluate(li.asarray(x) @ w + 1)

    if not np.array_equal(eager(), lazy()):
        raise SystemExit("lazyinit and NumPy disagree")
    numpy_time = best_time(eager, args.repeat)
    lazy_time = best_time(lazy, args.repeat)
    print(f"x @ zeros + 1, x {x.shape} float32, zeros {shape}")
    print(f"  eager NumPy   {numpy_time * 1e3:9.2f} ms")
    print(f"  lazyinit      {lazy_time * 1e3:9.2f} ms")
    print(f"  speed-up      {numpy_time / lazy_time:9.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
