"""Display: text, HTML and Graphviz views that never compute anything."""

from __future__ import annotations

import os
import stat
import time

import numpy as np
import pytest

import lazyinit as li
from lazyinit import display
from lazyinit.graph import registered_ops


@pytest.fixture
def no_kernels(monkeypatch):
    """Make every kernel raise, so a test fails if anything is computed."""

    def refuse(node, *arrays, **options):
        raise AssertionError(f"display ran the kernel of {node.op}")

    for opdef in registered_ops().values():
        monkeypatch.setattr(opdef, "kernel", refuse)


def deep_graph(nodes: int):
    x = li.placeholder("x", (8, 8))
    y = x
    while y.node_count() < nodes:
        for _ in range(500):
            y = li.tanh(y) * 0.5 + x
    return y


def test_explain_lists_every_node_once_with_its_inputs():
    x = li.placeholder("x", (2, 3))
    w = li.random_normal((3, 4), seed=7)
    text = li.explain(li.maximum(x @ w, 0.0))
    lines = text.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("%0 = placeholder('x')")
    assert "random_normal(seed=7)" in lines[1]
    assert lines[2].startswith("%2 = matmul(%0, %1)") and "(2, 4) float32" in lines[2]
    assert lines[4].startswith("%4 = maximum(%2, %3)")


def test_explain_simplified_shows_the_folded_graph():
    x = li.placeholder("x", (2, 3))
    y = x * 1.0 + li.zeros((3,))
    assert len(li.explain(y).splitlines()) == 5
    assert li.explain(y, simplified=True).splitlines() == [
        "%0 = placeholder('x')    (2, 3) float32"
    ]


def test_tensor_html_describes_without_computing(no_kernels):
    w = li.zeros_initializer()(shape=(4096, 4096))
    page = w._repr_html_()
    assert "(4096, 4096)" in page and "float32" in page
    assert "67,108,864" in page  # bytes when materialized
    assert "every element is 0.0" in page

    y = li.asarray(np.ones((2, 4096), np.float32)) @ w + 1.0
    page = y._repr_html_()
    assert "add" in page and "5 nodes" in page and "matmul" in page


def test_tensor_html_of_a_ten_thousand_node_graph_is_fast(no_kernels):
    y = deep_graph(10_000)
    assert y.node_count() >= 10_000
    start = time.perf_counter()
    page = y._repr_html_()
    elapsed = time.perf_counter() - start
    assert f"{y.node_count():,} nodes" in page
    # The bound is 50 ms; the margin absorbs a loaded machine.
    assert elapsed < 0.25


def test_fold_report_html_lists_the_rules():
    x = li.placeholder("x", (2,))
    _, report = li.simplify(x * 1.0 + 0.0, report=True)
    page = report._repr_html_()
    assert "multiply_one" in page and "add_zero" in page
    assert "5 -&gt; 1 nodes" in page


def test_to_dot_has_a_node_and_edges_per_graph_node():
    y = li.ones(2) + li.zeros(2)
    source = li.to_dot(y)
    assert source.startswith("digraph lazyinit {") and source.endswith("}")
    assert source.count("[label=") == 3
    assert source.count(" -> ") == 2


def test_draw_falls_back_to_text_without_graphviz(monkeypatch):
    monkeypatch.setattr(display.shutil, "which", lambda name: None)
    drawing = li.draw(li.ones(2) @ li.zeros(2), simplified=True)
    assert drawing.svg is None
    assert str(drawing) == "%0 = full(0.0)    () float32"
    assert drawing._repr_html_().startswith("<pre>")


def test_draw_renders_svg_through_the_dot_program(tmp_path, monkeypatch):
    # A stand-in ``dot`` that wraps its input, so the test checks the wiring
    # (DOT in, SVG out) on machines without Graphviz too.
    fake = tmp_path / "dot"
    fake.write_text(
        "#!/bin/sh\n"
        '[ "$1" = "-Tsvg" ] || exit 2\n'
        'printf "<svg>"; cat; printf "</svg>"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    drawing = li.draw(li.ones(2) + 1.0)
    assert drawing.svg.startswith("<svg>digraph lazyinit {")
    assert drawing._repr_svg_() == drawing.svg
    assert "add(%0, %1)" in str(drawing)


def test_display_functions_reject_non_tensors():
    with pytest.raises(TypeError, match=r"explain: argument 0 must be a LazyTensor"):
        li.explain(np.ones(2))
    with pytest.raises(ValueError, match=r"draw: pass at least one LazyTensor"):
        li.draw()
