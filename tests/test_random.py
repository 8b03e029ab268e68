"""Tests of the counter-based streams and of slicing lazy random tensors.

The promise under test (DESIGN.md, "Random initializers"): element ``i`` of a
draw depends only on the seed and ``i``, so any basic slice of a lazy random
tensor materializes bit-identical to the same slice of the whole, drawing
only its own elements, in any process.
"""

import hashlib
import subprocess
import sys
import textwrap

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lazyinit as li
from lazyinit import random as streams
from lazyinit.ops.random import (
    RANDOM_OPS,
    NewAxis,
    Range,
    compose_view,
    full_view,
    view_counters,
)

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
MASK = (1 << 64) - 1

# ---------------------------------------------------------------------------
# the streams


def splitmix64(key: int, index: int) -> int:
    """SplitMix64 output ``index`` from state ``key``, in plain Python ints."""
    z = (key + index * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def test_words_are_splitmix64_of_the_counter():
    key = streams.stream_key(2024)
    counters = [0, 1, 2, 10**12, 2**63 + 5]

    words = streams.words(key, np.array(counters, dtype=np.uint64))

    assert [int(w) for w in words] == [splitmix64(int(key), i) for i in counters]


def test_words_are_pinned():
    # These bytes are the contract across versions and machines: a change
    # of the stream changes every seeded tensor users have.
    words = streams.words(streams.stream_key(2024), np.arange(3, dtype=np.uint64))

    assert [int(w) for w in words] == [
        2830838019843366957,
        5110072120256728127,
        14078454164966956417,
    ]


def test_seeds_and_streams_name_distinct_keys():
    keys = {
        int(streams.stream_key(seed, stream))
        for seed in (0, 1, 2, 2**64, 2**64 + 1, 2**200)
        for stream in (0, 1, 2)
    }

    assert len(keys) == 18


DRAWS = [streams.uniform, streams.normal, streams.truncated_normal]


@pytest.mark.parametrize("draw", DRAWS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", BFLOAT16])
def test_any_counters_give_the_elements_of_the_whole(draw, dtype):
    whole = draw(11, range(500), dtype)
    picks = np.array([499, 0, 7, 7, 250])

    assert draw(11, range(100, 200), dtype).tobytes() == whole[100:200].tobytes()
    assert draw(11, range(499, -1, -3), dtype).tobytes() == whole[::-3].tobytes()
    assert draw(11, picks, dtype).tobytes() == whole[picks].tobytes()


@pytest.mark.parametrize("draw", DRAWS, ids=lambda f: f.__name__)
def test_chunking_does_not_change_values(draw, monkeypatch):
    count = 3 * streams.CHUNK + 17
    threaded = draw(5, range(count), "float32")

    monkeypatch.setattr(streams, "CHUNK", 1000)
    assert draw(5, range(count), "float32").tobytes() == threaded.tobytes()
    monkeypatch.setattr(streams, "CHUNK", 10**9)
    assert draw(5, range(count), "float32").tobytes() == threaded.tobytes()


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", BFLOAT16])
def test_values_depend_on_the_dtype_only_through_rounding(dtype):
    # float16 and bfloat16 are float32 draws rounded; float64 is its own.
    values = streams.normal(3, range(1000), dtype)
    working = "float64" if dtype == "float64" else "float32"

    expected = streams.normal(3, range(1000), working).astype(dtype)
    assert values.tobytes() == expected.tobytes()


# ---------------------------------------------------------------------------
# statistics of the streams (tolerances: 5 standard errors)

SAMPLES = 400_000


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_moments_and_bounds(dtype):
    values = streams.uniform(1, range(SAMPLES), dtype).astype(np.float64)

    assert values.min() >= 0 and values.max() < 1
    assert abs(values.mean() - 0.5) < 5 * np.sqrt(1 / 12 / SAMPLES)
    assert abs(values.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / SAMPLES)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_moments(dtype):
    values = streams.normal(2, range(SAMPLES), dtype).astype(np.float64)

    assert abs(values.mean()) < 5 / np.sqrt(SAMPLES)
    assert abs(values.std() - 1) < 5 / np.sqrt(2 * SAMPLES)
    # The tails: P(|z| > 3) = 0.0027.
    tail = np.mean(np.abs(values) > 3)
    assert abs(tail - 0.0027) < 5 * np.sqrt(0.0027 / SAMPLES)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_truncated_normal_moments_and_bounds(dtype):
    values = streams.truncated_normal(4, range(SAMPLES), dtype).astype(np.float64)

    assert values.min() >= -2 and values.max() <= 2
    assert abs(values.mean()) < 5 / np.sqrt(SAMPLES)
    assert abs(values.std() - 0.8796256610342398) < 5 / np.sqrt(SAMPLES)


@pytest.mark.parametrize("dtype", ["float16", BFLOAT16])
def test_narrow_dtypes_honour_the_bounds(dtype):
    uniform = streams.uniform(1, range(SAMPLES), dtype, -1.0, 1.0)
    truncated = streams.truncated_normal(1, range(SAMPLES), dtype, 0.3, 1.1)

    assert uniform.min() >= -1 and uniform.max() < 1
    assert float(truncated.min()) >= 0.3 - 2.2
    assert float(truncated.max()) <= 0.3 + 2.2


# ---------------------------------------------------------------------------
# views


def test_view_counters_of_a_contiguous_block_is_a_range():
    view = compose_view(full_view((10, 4)), (slice(2, 5, 1), slice(0, 4, 1)))

    assert view_counters((10, 4), view) == range(8, 20)


def test_view_counters_of_a_strided_column_is_a_range():
    view = compose_view(full_view((10, 4)), (slice(9, None, -2), 3))

    assert view_counters((10, 4), view) == range(39, -1, -8)


def test_view_of_new_axes_and_empty_slices():
    view = compose_view(full_view((3,)), (None, slice(0, 3, 1), None))
    assert view == (NewAxis(1), Range(0, 1, 3), NewAxis(1))

    emptied = compose_view(view, (slice(1, 1, 1), slice(0, 3, 1), 0))
    assert emptied == (NewAxis(0), Range(0, 1, 3))
    assert view_counters((3,), emptied) == range(0)


def test_slices_of_random_nodes_have_distinct_keys():
    t = li.random_normal((8, 8), seed=1)

    a, b, c = (li.simplify(t[s]).node for s in (np.s_[:4], np.s_[4:], np.s_[:4]))

    assert a.key != b.key
    assert a.key == c.key  # the same seed and view: the same values


INDEX_ITEMS = {
    "int": lambda n: st.integers(-n, n - 1) if n else st.nothing(),
    "slice": lambda n: st.builds(
        slice,
        st.none() | st.integers(-n - 2, n + 2),
        st.none() | st.integers(-n - 2, n + 2),
        st.none() | st.integers(-3, 3).filter(bool),
    ),
}


@st.composite
def basic_index(draw, shape):
    """A basic index for ``shape``: ints, slices with steps, None, Ellipsis."""
    count = draw(st.integers(0, len(shape)))
    ellipsis = draw(st.sampled_from(["none", "front", "back"]))
    dims = shape[len(shape) - count :] if ellipsis == "front" else shape[:count]
    items = []
    for dim in dims:
        kind = draw(st.sampled_from(["int", "slice", "slice"]))
        if kind == "int" and dim == 0:
            kind = "slice"
        items.append(draw(INDEX_ITEMS[kind](dim)))
        if draw(st.integers(0, 5)) == 0:
            items.append(None)
    if ellipsis == "front":
        items.insert(0, Ellipsis)
    elif ellipsis == "back":
        items.append(Ellipsis)
    return tuple(items)


@st.composite
def random_tensors(draw):
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=0, max_size=3)))
    seed = draw(st.integers(0, 2**70))
    op = draw(st.sampled_from(["normal", "uniform", "truncated", "integers"]))
    if op == "integers":
        return li.random_uniform(shape, -5, 9, dtype="int16", seed=seed)
    dtype = draw(st.sampled_from(["float16", "float32", "float64", BFLOAT16]))
    if op == "normal":
        return li.random_normal(shape, 0.5, 2.0, dtype, seed)
    if op == "uniform":
        return li.random_uniform(shape, -1.0, 3.0, dtype, seed)
    return li.truncated_normal(shape, -1.0, 0.5, dtype, seed)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_slices_of_slices_materialize_the_slices_of_the_whole(data):
    t = data.draw(random_tensors())
    first = data.draw(basic_index(t.shape))
    piece = t[first]
    second = data.draw(basic_index(piece.shape))

    whole = t.numpy()
    expected = whole[first][second]
    sliced = li.evaluate(piece[second])

    assert sliced.shape == expected.shape and sliced.dtype == expected.dtype
    assert sliced.tobytes() == expected.tobytes()
    assert li.simplify(piece[second]).op in RANDOM_OPS
    assert li.evaluate(piece[second], simplify=False).tobytes() == expected.tobytes()


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_reshape_and_transpose_of_slices_stay_correct(data):
    t = data.draw(random_tensors())
    index = data.draw(basic_index(t.shape))
    piece = t[index]

    expected = t.numpy()[index]
    assert li.evaluate(piece.T).tobytes() == expected.T.tobytes()
    assert (
        li.evaluate(piece.reshape(-1)[::2]).tobytes() == expected.ravel()[::2].tobytes()
    )


# ---------------------------------------------------------------------------
# a slice draws only its own elements


@pytest.fixture
def drawn(monkeypatch):
    """The number of words the streams compute, counted as they go."""
    counts = []
    words = streams.words

    def counting(key, counters):
        counts.append(len(counters))
        return words(key, counters)

    monkeypatch.setattr(streams, "words", counting)
    return counts


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (np.s_[10:13], 3 * 1000),
        (np.s_[500, ::-100], 10),
        (np.s_[:, 7], 1000),
        (np.s_[None, 999, 999], 1),
    ],
)
def test_evaluating_a_slice_draws_only_its_elements(drawn, index, expected):
    t = li.random_uniform((1000, 1000), seed=3)

    li.evaluate(t[index])

    assert sum(drawn) == expected


def test_evaluating_a_slice_of_a_slice_draws_only_its_elements(drawn):
    t = li.random_normal((1000, 1000), seed=3, dtype="float32")

    li.evaluate(t[100:900][::-200, 5:10])

    assert sum(drawn) == 4 * 5


def test_initializer_partition_draws_only_the_partition(drawn):
    piece = li.GlorotUniform(seed=1)(
        (4096, 1024), partition_shape=(16, 1024), partition_offset=(2048, 0)
    )

    li.evaluate(piece)

    assert sum(drawn) == 16 * 1024


# ---------------------------------------------------------------------------
# determinism across processes and calls

SCRIPT = textwrap.dedent(
    """
    import hashlib, lazyinit as li
    tensors = [
        li.RandomNormal(seed=7)((300, 200)),
        li.TruncatedNormal(seed=7)((300, 200), "float64"),
        li.GlorotUniform(seed=2**65)((30, 20, 5), "float16"),
        li.Orthogonal(seed=7)((40, 30)),
        li.RandomNormal(seed=7)((300, 200))[::-7, 3:150:4],
    ]
    for t in tensors:
        print(hashlib.sha256(t.numpy().tobytes()).hexdigest())
    """
)


def test_the_same_seed_gives_the_same_bytes_in_a_fresh_process():
    tensors = [
        li.RandomNormal(seed=7)((300, 200)),
        li.TruncatedNormal(seed=7)((300, 200), "float64"),
        li.GlorotUniform(seed=2**65)((30, 20, 5), "float16"),
        li.Orthogonal(seed=7)((40, 30)),
        li.RandomNormal(seed=7)((300, 200))[::-7, 3:150:4],
    ]
    here = [hashlib.sha256(t.numpy().tobytes()).hexdigest() for t in tensors]

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == here


FORKED = li.random_normal((4 * streams.CHUNK,), seed=9)


def _materialize_forked() -> bytes:
    return FORKED.numpy().tobytes()


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX-only")
def test_a_forked_process_draws_the_same_values():
    # Threads do not survive a fork: the child must make its own pool rather
    # than wait on the parent's.
    import multiprocessing

    expected = FORKED.numpy().tobytes()  # runs the parent's pool
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        child = pool.apply_async(_materialize_forked).get(timeout=60)

    assert child == expected


def test_unseeded_draws_differ_and_each_is_fixed_when_built():
    first, second = li.random_normal((50,)), li.random_normal((50,))

    assert first.numpy().tobytes() != second.numpy().tobytes()
    assert first.numpy().tobytes() == first.numpy().tobytes()
    assert first[10:20].numpy().tobytes() == first.numpy()[10:20].tobytes()
