"""The execution plan: in-place reuse, memory estimates, max_bytes, li.function."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import lazyinit as li
from lazyinit.graph import get_op
from lazyinit.plan import Plan

N = 1_000_000


def chain(x, length=10):
    for step in range(length):
        x = li.exp(x * 0.5) - 1.0 if step % 2 else li.tanh(x) + 0.25
    return x


def numpy_chain(a, length=10):
    for step in range(length):
        a = np.exp(a * 0.5) - 1.0 if step % 2 else np.tanh(a) + 0.25
    return a


def measured_peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_elementwise_chain_runs_in_one_buffer():
    x = li.placeholder("x", (N,), "float64")
    a = np.linspace(-2, 2, N)
    plan = Plan([chain(x).node])
    peak = measured_peak(lambda: plan.run({"x": a}))
    # One buffer of the output's size beyond the input; NumPy's eager chain
    # holds two at once.
    assert peak < 1.1 * a.nbytes
    assert measured_peak(lambda: numpy_chain(a)) > 1.9 * a.nbytes
    np.testing.assert_array_equal(plan.run({"x": a})[0], numpy_chain(a))


def test_estimate_matches_the_measured_peak():
    x = li.placeholder("x", (N,), "float64")
    y = chain(x)
    a = np.linspace(-2, 2, N)
    cost = li.estimate(y)
    peak = measured_peak(lambda: li.evaluate(y, feed={"x": a}))
    assert cost.output_bytes == a.nbytes
    assert abs(cost.peak_bytes - peak) <= 0.1 * peak


def test_in_place_never_overwrites_a_buffer_a_view_still_needs():
    x = li.placeholder("x", (4, 6), "float64")
    a = li.exp(x)
    view = a.T  # shares a's buffer
    b = a + 1.0  # a's last direct use: the buffer must not be reused here
    y = b.T * view
    feed = {"x": np.arange(24.0).reshape(4, 6) / 10}
    np.testing.assert_array_equal(
        li.evaluate(y, feed=feed), li.evaluate(y, feed=feed, simplify=False)
    )
    expected = (np.exp(feed["x"]) + 1.0).T * np.exp(feed["x"]).T
    np.testing.assert_array_equal(li.evaluate(y, feed=feed), expected)


def test_outputs_are_never_written_in_place():
    x = li.placeholder("x", (5,), "float64")
    a = x * 2.0
    b = a + 1.0
    first, second = li.evaluate(a, b, feed={"x": np.ones(5)})
    np.testing.assert_array_equal(first, np.full(5, 2.0))
    np.testing.assert_array_equal(second, np.full(5, 3.0))


def test_estimate_counts_outputs_intermediates_and_folding():
    w = li.zeros((64, 32))
    x = li.random_normal((16, 64), seed=1)
    cost = li.estimate(x @ w + 1.0)
    assert (cost.nodes_before, cost.nodes_after) == (5, 1)
    assert cost.output_bytes == cost.peak_bytes == 16 * 32 * 4

    unfolded = li.estimate(x @ w + 1.0, simplify=False)
    assert unfolded.nodes_after == unfolded.nodes_before == 5
    # The draw (16x64) and the product (16x32) are alive together; the add
    # writes into the product's buffer.
    assert unfolded.peak_bytes == 16 * 64 * 4 + 16 * 32 * 4


def test_max_bytes_refuses_before_any_kernel_runs(monkeypatch):
    calls = []
    opdef = get_op("exp")
    original = opdef.kernel
    monkeypatch.setattr(
        opdef,
        "kernel",
        lambda node, *a, **k: calls.append(node) or original(node, *a, **k),
    )
    x = li.random_normal((1000, 1000), seed=0, dtype="float64")
    y = li.exp(x)  # written into the draw's buffer: one 8 MB buffer in all
    with pytest.raises(
        li.MemoryLimitError,
        match=r"needs 7\.6 MiB at its peak \(8,000,000 bytes\).*max_bytes=1,000,000",
    ):
        li.evaluate(y, max_bytes=1_000_000)
    with pytest.raises(MemoryError):
        li.evaluate(y, max_bytes=1_000_000)
    assert calls == []
    assert li.evaluate(y, max_bytes=20_000_000).shape == (1000, 1000)


# --- li.function ----------------------------------------------------------------


def test_function_runs_by_position_and_by_name():
    x = li.placeholder("x", (2, 3))
    b = li.placeholder("b", (3,))
    f = li.function([x, b], li.maximum(x + b, 0.0))
    a = np.array([[1, -2, 3], [-4, 5, -6]], np.float32)
    bias = np.array([0.5, 0.5, 0.5], np.float32)
    expected = np.maximum(a + bias, 0)
    np.testing.assert_array_equal(f(a, bias), expected)
    np.testing.assert_array_equal(f(b=bias, x=a), expected)
    np.testing.assert_array_equal(f(a, b=bias), expected)


def test_function_returns_a_tuple_for_several_outputs():
    x = li.placeholder("x", (3,), "int64")
    f = li.function([x], [x + 1, x * 2])
    first, second = f(np.arange(3))
    np.testing.assert_array_equal(first, [1, 2, 3])
    np.testing.assert_array_equal(second, [0, 2, 4])


def test_function_folds_once_and_reports_it():
    x = li.placeholder("x", (2, 2))
    f = li.function([x], x * 1.0 + 0.0)
    assert f.report.fired["multiply_one"] == 1 and f.report.fired["add_zero"] == 1
    a = np.array([[1.0, np.nan], [-0.0, np.inf]], np.float32)
    np.testing.assert_array_equal(f(a), a)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (
            lambda x: li.function([x * 2], x),
            TypeError,
            r"inputs\[0\] must be a placeholder",
        ),
        (lambda x: li.function([x, x], x), ValueError, r"input names repeat"),
        (
            lambda x: li.function([x], x + li.placeholder("y", (2,))),
            ValueError,
            r"placeholders \['y'\] that are not among the inputs",
        ),
        (
            lambda x: li.function([x], [x, 3]),
            TypeError,
            r"outputs\[1\] must be a LazyTensor",
        ),
    ],
)
def test_function_rejects_bad_definitions(build, error, message):
    x = li.placeholder("x", (2,))
    with pytest.raises(error, match=message):
        build(x)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda f: f(np.ones(2), np.ones(2)),
            TypeError,
            r"takes 1 inputs \['x'\], received 2",
        ),
        (lambda f: f(z=np.ones(2)), TypeError, r"unknown input 'z'"),
        (lambda f: f(np.ones(2), x=np.ones(2)), TypeError, r"input 'x' given twice"),
        (
            lambda f: f(np.ones(3)),
            ValueError,
            r"'x' has shape \(2,\), received .* \(3,\)",
        ),
        (lambda f: f(), ValueError, r"placeholder 'x' was not fed"),
        (
            lambda f: f(np.array([1 + 1j, 2])),
            TypeError,
            r"'x' has dtype float32, received dtype complex128",
        ),
    ],
)
def test_function_rejects_bad_calls(call, error, message):
    x = li.placeholder("x", (2,))
    f = li.function([x], x + 1.0)
    with pytest.raises(error, match=message):
        call(f)


# --- verify ---------------------------------------------------------------------


def test_verify_accepts_a_folded_model_graph():
    from lazyinit.models import build_parameters, load_config

    config = {**load_config("gpt2"), "n_layer": 1, "n_embd": 16, "n_head": 2}
    config["vocab_size"] = 40
    params = build_parameters(config)
    tensors = [p.tensor for p in params.values()]
    assert li.verify(*tensors) == len(tensors)


def test_verify_catches_a_node_whose_shape_its_op_does_not_give():
    from lazyinit.graph import Node

    x = li.ones((2, 3))
    bad = Node("add", (x.node, x.node), {}, (3, 2), x.dtype)
    with pytest.raises(
        li.GraphVerificationError, match=r"holds shape \(3, 2\).*gives shape \(2, 3\)"
    ):
        li.verify(li.LazyTensor(bad))
    wrong_dtype = Node(
        "transpose", (x.node,), {"axes": (1, 0)}, (3, 2), np.dtype("int8")
    )
    with pytest.raises(AssertionError, match=r"dtype int8.*dtype float32"):
        li.verify(li.LazyTensor(wrong_dtype))
