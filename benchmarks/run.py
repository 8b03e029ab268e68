"""Run lazyinit's benchmark scenarios and print one table of results.

Usage::

    python benchmarks/run.py              # every scenario, full size
    python benchmarks/run.py --quick      # every scenario, small and fast
    python benchmarks/run.py --only build_chain --only call_overhead
    python benchmarks/run.py --peers none # lazyinit and NumPy only

Peers (Dask, PyTensor, PyTorch, JAX) are used when installed and skipped
with a note otherwise; ``pip install -e ".[bench]"`` installs them. In the
table, ``/NumPy`` is a contender's time over eager NumPy's in the same
scenario, and ``/lazyinit`` its time over the scenario's lazyinit reference
row: above 1, lazyinit is that many times faster. Contenders are measured
side by side, interleaved, best of N (see ``harness.py``). Issue 4's targets
follow the table, each marked met or not.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from importlib.metadata import PackageNotFoundError, version

import bench_build_chain
import bench_build_llama
import bench_build_node
import bench_call_overhead
import bench_elementwise_chain
import bench_relu_zero_matmul
import bench_simplify_scaling
import numpy as np
from harness import PEERS, Config, Row, ScenarioResult, format_bytes, format_time

SCENARIOS = {
    module.NAME: module
    for module in (
        bench_build_node,
        bench_build_chain,
        bench_build_llama,
        bench_relu_zero_matmul,
        bench_elementwise_chain,
        bench_simplify_scaling,
        bench_call_overhead,
    )
}
HEADER = ("scenario", "contender", "time", "per", "peak", "/NumPy", "/lazyinit", "note")
PEER_PACKAGES = {"dask": "dask", "pytensor": "pytensor", "torch": "torch", "jax": "jax"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark lazyinit against eager NumPy and its peers."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few repeats (smoke)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SCENARIOS),
        metavar="NAME",
        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--peers",
        default="all",
        help="comma-separated peers to use, 'all' (default) or 'none': "
        + ", ".join(PEERS),
    )
    args = parser.parse_args(argv)
    if args.peers == "all":
        args.peers = frozenset(PEERS)
    elif args.peers == "none":
        args.peers = frozenset()
    else:
        args.peers = frozenset(p.strip() for p in args.peers.split(",") if p.strip())
        unknown = args.peers - set(PEERS)
        if unknown:
            parser.error(f"--peers: unknown {sorted(unknown)}; known: {list(PEERS)}")
    return args


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def describe_machine() -> str:
    """One line: Python, NumPy, lazyinit and peer versions, and the cores."""
    parts = [
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
        f"lazyinit {package_version('lazyinit')}",
    ]
    parts += [f"{name} {package_version(p)}" for name, p in PEER_PACKAGES.items()]
    parts.append(f"{os.cpu_count()} cores")
    return ", ".join(parts)


def ratio(seconds: float | None, reference: float | None) -> str:
    if seconds is None or not reference:
        return "-"
    return f"{seconds / reference:.3g}x"


def peak_cell(row: Row, result: ScenarioResult) -> str:
    if row.peak is None:
        return "-"
    if result.baseline_bytes:
        return f"{format_bytes(row.peak)} ({row.peak / result.baseline_bytes:.2f}x in)"
    return format_bytes(row.peak)


def table_rows(results: list[ScenarioResult]) -> list[tuple[str, ...]]:
    """The cells of the table: one row per contender, a blank line between."""
    cells: list[tuple[str, ...]] = []
    for result in results:
        numpy_time = result.seconds(result.baseline) if result.baseline else None
        lazy_time = result.seconds(result.reference) if result.reference else None
        for row in result.rows:
            cells.append(
                (
                    result.name,
                    row.contender,
                    format_time(row.seconds),
                    row.unit,
                    peak_cell(row, result),
                    ratio(row.seconds, numpy_time),
                    ratio(row.seconds, lazy_time),
                    row.note,
                )
            )
        cells.append(("",) * len(HEADER))
    return cells[:-1]


def print_table(results: list[ScenarioResult]) -> None:
    cells = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER) - 1)]
    right = {2, 5, 6}
    for index, row in enumerate(cells):
        line = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        print("  ".join([*line, row[-1]]).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths) + "  ----")


def print_details(results: list[ScenarioResult], config: Config) -> None:
    print("\nScenarios:")
    for result in results:
        print(f"  {result.name}: {result.title}")
        for note in result.notes:
            print(f"    {note}")
    print("\nTargets (issue 4):")
    marks = {True: "MET    ", False: "NOT MET", None: "n/a    "}
    for result in results:
        for target in result.targets:
            print(f"  {marks[target.met]}  {target.text}: {target.measured}")
    if config.skipped:
        print("\nSkipped peers:")
        for name, reason in sorted(config.skipped.items()):
            print(f"  {name}: {reason}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = Config(quick=args.quick, peers=args.peers)
    names = args.only or list(SCENARIOS)
    mode = "quick" if args.quick else "full"
    print(f"lazyinit benchmarks ({mode}): {describe_machine()}")
    print(
        "time: best of interleaved repeats; /NumPy, /lazyinit: time over eager "
        "NumPy's and over the scenario's lazyinit reference (above 1: it is faster)\n"
    )

    results, failed = [], []
    start = time.perf_counter()
    for name in names:
        scenario_start = time.perf_counter()
        try:
            result = SCENARIOS[name].run(config)
        except Exception:
            failed.append(name)
            result = ScenarioResult(name, SCENARIOS[name].TITLE)
            result.rows.append(Row("ERROR", None, note="see the traceback below"))
            traceback.print_exc()
        elapsed = time.perf_counter() - scenario_start
        result.notes.append(f"ran in {elapsed:.1f} s")
        results.append(result)

    print_table(results)
    print_details(results, config)
    print(f"\nTotal {time.perf_counter() - start:.1f} s.")
    if failed:
        print(f"Failed scenarios: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
