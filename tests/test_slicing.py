"""Slice pushdown: a slice of a graph evaluates to the slice of its value,
bit for bit, and computes only what the slice needs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import basic_indices

import lazyinit as li
from lazyinit import random as streams

# --- random graphs of a given shape -------------------------------------------


def _leaf(draw, shape, dtype):
    kind = draw(st.sampled_from(["normal", "uniform", "constant", "fill"]))
    seed = draw(st.integers(0, 2**16))
    if kind == "normal":
        return li.random_normal(shape, dtype=dtype, seed=seed)
    if kind == "uniform":
        return li.random_uniform(shape, -2.0, 2.0, dtype=dtype, seed=seed)
    if kind == "constant":
        data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
        return li.asarray(data)
    return li.full(shape, draw(st.sampled_from([0.0, 1.0, -0.5])), dtype=dtype)


def _broadcastable(draw, shape):
    """A shape that broadcasts to ``shape``: leading axes dropped, some 1s."""
    drop = draw(st.integers(0, len(shape)))
    return tuple(1 if dim > 1 and draw(st.booleans()) else dim for dim in shape[drop:])


KINDS = ["unary", "binary", "broadcast", "transpose", "reshape", "concatenate"]
KINDS += ["matmul", "astype", "where"]


@st.composite
def graphs(draw, shape, depth=3, dtype="float32"):
    """A random lazy graph of ``shape`` mixing every op slices move through."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return _leaf(draw, shape, dtype)
    kind = draw(st.sampled_from(KINDS))
    sub = depth - 1
    if kind == "unary":
        op = draw(st.sampled_from([li.exp, li.tanh, li.negative, li.sin, li.square]))
        return op(draw(graphs(shape, sub, dtype)))
    if kind == "binary":
        op = draw(st.sampled_from([li.add, li.multiply, li.maximum, li.arctan2]))
        other = draw(graphs(_broadcastable(draw, shape), sub, dtype))
        pair = (draw(graphs(shape, sub, dtype)), other)
        return op(*pair) if draw(st.booleans()) else op(*pair[::-1])
    if kind == "broadcast":
        return li.broadcast_to(draw(graphs(_broadcastable(draw, shape), sub)), shape)
    if kind == "transpose" and len(shape) > 1:
        perm = draw(st.permutations(range(len(shape))))
        inverse = tuple(np.argsort(perm))
        source = draw(graphs(tuple(shape[a] for a in inverse), sub, dtype))
        return li.transpose(source, perm)
    if kind == "reshape" and len(shape) > 1:
        merged = (shape[0] * shape[1], *shape[2:])
        if draw(st.booleans()):
            return li.reshape(draw(graphs(merged, sub, dtype)), shape)
        split = (shape[0], 1, *shape[1:])
        return li.reshape(draw(graphs(split, sub, dtype)), shape)
    if kind == "concatenate" and shape:
        axis = draw(st.integers(0, len(shape) - 1))
        cut = draw(st.integers(0, shape[axis]))
        first = (*shape[:axis], cut, *shape[axis + 1 :])
        second = (*shape[:axis], shape[axis] - cut, *shape[axis + 1 :])
        parts = [draw(graphs(first, sub, dtype)), draw(graphs(second, sub, dtype))]
        return li.concatenate(parts, axis=axis)
    if kind == "matmul" and len(shape) >= 2:
        inner = draw(st.integers(1, 5))
        a = draw(graphs((*shape[:-1], inner), sub, dtype))
        b = draw(graphs((inner, shape[-1]), sub, dtype))
        return a @ b
    if kind == "astype":
        return li.astype(draw(graphs(shape, sub, "float64")), dtype)
    if kind == "where":
        condition = draw(graphs(_broadcastable(draw, shape), sub, dtype)) > 0
        x, y = draw(graphs(shape, sub, dtype)), draw(graphs(shape, sub, dtype))
        return li.where(condition, x, y)
    return _leaf(draw, shape, dtype)


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple)


@st.composite
def sliced_graphs(draw):
    shape = draw(shapes)
    graph = draw(graphs(shape))
    index = draw(basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    return graph, index


@settings(max_examples=150)
@given(sliced_graphs(), st.booleans())
def test_a_slice_evaluates_to_the_slice_of_the_whole(case, exact):
    graph, index = case
    with np.errstate(all="ignore"):
        whole = li.evaluate(graph, exact=exact)[index]
        part = li.evaluate(graph[index], exact=exact)
    assert part.shape == whole.shape
    assert part.dtype == whole.dtype
    assert part.tobytes() == whole.tobytes()


@settings(max_examples=50)
@given(sliced_graphs())
def test_a_slice_matches_the_oracle_in_exact_mode(case):
    graph, index = case
    with np.errstate(all="ignore"):
        oracle = li.evaluate(graph, simplify=False)[index]
        part = li.evaluate(graph[index], exact=True)
    assert part.tobytes() == oracle.tobytes()


# --- what each rule does --------------------------------------------------------


def _ops(tensor):
    return {node.op for node in li.to_networkx(tensor).nodes.values()}


def _ops_of(tensor):
    graph = li.to_networkx(li.simplify(tensor))
    return sorted(data["op"] for _, data in graph.nodes(data=True))


@pytest.mark.parametrize(
    ("build", "index"),
    [
        (lambda x, w: li.exp(x) + 1.0, np.s_[2:5]),
        (lambda x, w: li.transpose(x, (1, 0))[::2], np.s_[1]),
        (lambda x, w: li.broadcast_to(x[0], (7, 8)), np.s_[3:5, 1]),
        (lambda x, w: li.reshape(x, (2, 4, 8)), np.s_[1]),
        (lambda x, w: li.concatenate([x, x * 2.0]), np.s_[6:9]),
        (lambda x, w: x @ w, np.s_[2:4]),
        (lambda x, w: li.astype(x, "float64"), np.s_[..., 3]),
        (lambda x, w: li.where(x > 0, x, w[0, 0]), np.s_[:, 1:3]),
    ],
)
def test_the_slice_reaches_the_random_leaves(build, index):
    x = li.random_normal((8, 8), seed=1)
    w = li.random_normal((8, 8), seed=2)
    y = build(x, w)[index]

    ops = _ops_of(y)
    assert "getitem" not in ops
    assert li.evaluate(y).tobytes() == li.evaluate(build(x, w))[index].tobytes()


def test_a_slice_of_a_constant_stays_a_view():
    data = np.arange(12.0).reshape(3, 4)
    y = (li.asarray(data) * 2.0)[1:]
    assert _ops_of(y) == ["constant", "full", "getitem", "multiply"]


@pytest.mark.parametrize(
    "index",
    [np.s_[3], np.s_[:, 2:4], np.s_[1:9:2]],
    ids=["one row", "columns", "strided rows"],
)
def test_float_matmul_keeps_slices_blas_would_compute_differently(index):
    # One row goes to gemv, a column block or strided rows to other loops.
    y = li.random_normal((16, 8), seed=1) @ li.random_normal((8, 6), seed=2)
    assert _ops_of(y[index])[-1] == "random_normal"
    assert "matmul" in _ops_of(y[index])
    assert li.evaluate(y[index]).tobytes() == li.evaluate(y)[index].tobytes()
    assert li.simplify(y[index]).op == "getitem"


def test_integer_matmul_pushes_any_slice():
    a = li.random_uniform((6, 5), 0, 9, dtype="int64", seed=1)
    b = li.random_uniform((5, 4), 0, 9, dtype="int64", seed=2)
    y = (a @ b)[3, ::-2]
    assert li.simplify(y).op == "matmul"
    assert (li.evaluate(y) == li.evaluate(a @ b)[3, ::-2]).all()


def test_a_backward_step_stays_above_a_transcendental_ufunc():
    # NumPy's exp runs SIMD code forward and scalar code backward.
    y = li.exp(li.random_normal((64,), dtype="float64", seed=1))
    assert li.simplify(y[::-1]).op == "getitem"
    assert li.simplify(y[::2]).op == "exp"


def test_reshape_keeps_slices_that_are_not_contiguous_in_the_source():
    y = li.reshape(li.random_normal((4, 6), seed=1), (6, 4))
    assert li.simplify(y[1:3]).op == "getitem"
    assert li.simplify(y[:, 1]).op == "getitem"
    assert li.simplify(y[3:6]).op == "reshape"  # rows 2 and 3 of the source


@pytest.fixture
def drawn(monkeypatch):
    """The number of random words drawn, counted as they go."""
    counts = []
    words = streams.words

    def counting(key, counters):
        counts.append(len(counters))
        return words(key, counters)

    monkeypatch.setattr(streams, "words", counting)
    return counts


def test_rows_of_a_product_draw_only_their_rows(drawn):
    x = li.random_normal((10_000, 64), seed=1)
    w = li.random_normal((64, 32), seed=2)

    rows = li.evaluate((x @ w)[100:110])

    assert sum(drawn) <= 2 * (10 * 64 + 64 * 32)
    assert rows.tobytes() == (li.evaluate(x)[100:110] @ li.evaluate(w)).tobytes()


def test_a_slice_of_a_deep_chain_draws_only_the_slice(drawn):
    x = li.random_normal((1000, 1000), seed=3)
    y = li.tanh(li.transpose(x * 2.0 + 1.0)) - li.ones(1000)
    part = li.evaluate(y[5:7, ::100])
    assert sum(drawn) <= 2 * math.prod(part.shape) * 4


def test_int_columns_of_a_batched_matmul_keep_the_batch():
    """Regression: an int column index dropped b's matrix axis, so b's batch
    axis was taken for its K axis."""
    a = li.asarray(np.array([[1], [2]], np.int64))
    b = li.asarray(np.arange(6, dtype=np.int64).reshape(2, 1, 3))
    whole = li.evaluate(a @ b, simplify=False)
    for index in [(slice(0, 2, 2), slice(0, 2), 0), (1, 0, slice(None)), (0, 1, 2)]:
        y = (a @ b)[index]
        np.testing.assert_array_equal(li.evaluate(y), whole[index])
        li.verify(li.simplify(y))
