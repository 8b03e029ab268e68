"""Smoke test of the benchmark suite: it runs and prints every scenario.

Timing is not asserted here: tests run on shared, noisy machines, and the
suite reports issue 4's targets itself. Peers are optional: the quick run
passes whether or not Dask, PyTensor, PyTorch and JAX are installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
SCENARIOS = (
    "build_node",
    "build_chain",
    "build_llama",
    "relu_zero_matmul",
    "elementwise_chain",
    "simplify_scaling",
    "call_overhead",
)
HEADER = ("scenario", "contender", "time", "/NumPy", "/lazyinit")


def run_benchmarks(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def quick_run() -> subprocess.CompletedProcess[str]:
    return run_benchmarks("--quick")


def test_quick_run_exits_zero(quick_run: subprocess.CompletedProcess[str]) -> None:
    assert quick_run.returncode == 0, quick_run.stderr


def test_quick_run_prints_the_table_header(
    quick_run: subprocess.CompletedProcess[str],
) -> None:
    header = next(
        line for line in quick_run.stdout.splitlines() if line.startswith("scenario")
    )
    assert header.split()[: len(HEADER) - 2] == list(HEADER[:-2])
    for column in HEADER:
        assert column in header


@pytest.mark.parametrize("name", SCENARIOS)
def test_quick_run_prints_every_scenario(
    quick_run: subprocess.CompletedProcess[str], name: str
) -> None:
    rows = [line for line in quick_run.stdout.splitlines() if line.startswith(name)]
    assert rows, f"no table row for scenario {name}"
    assert not any("ERROR" in row for row in rows)


def test_missing_peers_are_skipped_with_a_note() -> None:
    result = run_benchmarks("--quick", "--only", "call_overhead", "--peers", "none")
    assert result.returncode == 0, result.stderr
    assert "Skipped peers:" in result.stdout
    assert "pytensor: left out by --peers" in result.stdout


def test_unknown_scenario_is_refused() -> None:
    result = run_benchmarks("--only", "no_such_scenario")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
