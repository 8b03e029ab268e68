"""Materializing lazy random tensors and fills, side by side with NumPy.

Run: ``python benchmarks/bench_random.py``. Each comparison is measured
alternately in one run (best of N) and printed with its ratio:

1. a 1/1000 slice of a 10^8-element RandomNormal against all of it (the
   issue's target: under 1/100), as a block of rows and as a block of
   columns (strided, so drawn through an index array);
2. a whole 4096 x 4096 float32 RandomNormal against
   ``numpy.random.default_rng().standard_normal(size, dtype=np.float32)``
   (target: at least as fast);
3. ``li.zeros`` of 4096 x 4096 materialized against ``np.zeros`` (target:
   within 1.1x), bare and with the first touch of every page.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import lazyinit as li


def best_times(functions, repeat: int) -> list[float]:
    """The fastest of ``repeat`` rounds for each function, run alternately."""
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def show(title: str, names: list[str], times: list[float]) -> None:
    print(title)
    for name, seconds in zip(names, times, strict=True):
        print(f"  {name:<58} {seconds * 1e3:10.3f} ms")
    print(f"  ratio (first / second): {times[0] / times[1]:.4g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, lazyinit {li.__version__}")

    big = li.RandomNormal(stddev=1.0, seed=1)((10_000, 10_000))
    rows, columns = big[:10], big[:, 4000:4010]
    times = best_times([rows.numpy, columns.numpy, big.numpy], max(2, args.repeat // 2))
    show(
        "1/1000 of a 10^8-element RandomNormal vs all of it",
        [
            "li.evaluate(t[:10])  (10^5 elements)",
            "li.evaluate(t)       (10^8 elements)",
        ],
        [times[0], times[2]],
    )
    show(
        "  the same, a block of columns",
        [
            "li.evaluate(t[:, 4000:4010])  (10^5 elements)",
            "li.evaluate(t)",
        ],
        [times[1], times[2]],
    )
    del big, rows, columns

    size = (4096, 4096)
    normal = li.RandomNormal(stddev=1.0, seed=2)(size)
    times = best_times(
        [
            normal.numpy,
            lambda: np.random.default_rng().standard_normal(size, dtype=np.float32),
        ],
        args.repeat,
    )
    show(
        "whole 4096^2 float32 RandomNormal vs NumPy's generator",
        [
            "li.evaluate(RandomNormal()((4096, 4096)))",
            "np.random.default_rng().standard_normal(size, float32)",
        ],
        times,
    )

    zeros = li.zeros(size)
    times = best_times(
        [zeros.numpy, lambda: np.zeros(size, np.float32)], args.repeat * 200
    )
    show(
        "li.zeros 4096^2 materialized vs np.zeros",
        [
            "li.evaluate(li.zeros((4096, 4096)))",
            "np.zeros((4096, 4096), np.float32)",
        ],
        times,
    )
    times = best_times(
        [lambda: zeros.numpy().sum(), lambda: np.zeros(size, np.float32).sum()],
        args.repeat * 4,
    )
    show(
        "  the same, with a first touch of every page (.sum())",
        [
            "li.evaluate(li.zeros((4096, 4096))).sum()",
            "np.zeros((4096, 4096), np.float32).sum()",
        ],
        times,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
