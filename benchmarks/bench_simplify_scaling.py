"""Scenario 6: simplify plus evaluate on graphs of 10**3, 10**4, 10**5 nodes.

The graph repeats a block on a small float64 constant: ``a = y * 1.0001``,
``b = y * 1.0001`` (merged by common-subexpression elimination),
``y = (a + b) * 0.5 + zeros`` (the zero add folds away). Time per node
should stay flat as the graph grows: a rewrite driver or evaluator that is
linear in the graph size costs the same per node at every size.
"""

from __future__ import annotations

import numpy as np
from harness import Config, Row, ScenarioResult, Target, interleaved_best

import lazyinit as li

NAME = "simplify_scaling"
TITLE = "simplify + evaluate, time per node"

WIDTH = 16


def block(y: li.LazyTensor) -> li.LazyTensor:
    """One repeat of the graph: a duplicated multiply and a zero add."""
    a = y * 1.0001
    b = y * 1.0001
    return (a + b) * 0.5 + li.zeros((WIDTH,), "float64")


def graph(nodes: int) -> tuple[li.LazyTensor, int]:
    """A graph of about ``nodes`` nodes, and its exact node count."""
    x = li.asarray(np.random.default_rng(0).random(WIDTH))
    probe = block(block(x))
    per_block = (li.simplify(probe, report=True)[1].nodes_before - 1) // 2
    y = x
    for _ in range(max(1, (nodes - 1) // per_block)):
        y = block(y)
    return y, li.simplify(y, report=True)[1].nodes_before


def run(config: Config) -> ScenarioResult:
    """Per size: simplify alone, evaluate of the simplified graph, and both."""
    sizes = (10**3, 10**4) if config.quick else (10**3, 10**4, 10**5)
    result = ScenarioResult(NAME, TITLE, reference=f"simplify+evaluate {sizes[0]:.0e}")
    per_node = {}
    for size in sizes:
        y, count = graph(size)
        simplified = li.simplify(y)
        calls = {
            f"simplify {size:.0e}": lambda y=y: li.simplify(y),
            f"evaluate simplified {size:.0e}": lambda s=simplified: li.evaluate(
                s, simplify=False
            ),
            f"simplify+evaluate {size:.0e}": lambda y=y: li.evaluate(y),
        }
        repeat = 2 if size >= 10**5 or config.quick else 3
        best = interleaved_best(calls, repeat, config.min_seconds, per=count)
        for name, seconds in best.items():
            result.rows.append(Row(name, seconds, unit="node", note=f"{count} nodes"))
        per_node[size] = best[f"simplify+evaluate {size:.0e}"]

    small, large = sizes[0], sizes[-1]
    ratio = per_node[large] / per_node[small]
    result.targets.append(
        Target(
            f"per-node time at {large:.0e} nodes <= 2x that at {small:.0e}",
            f"{ratio:.2f}x",
            ratio <= 2,
        )
    )
    return result
