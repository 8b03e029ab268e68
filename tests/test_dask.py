"""li.to_dask: one task per chunk, each chunk lazyinit's evaluation of its
slice, the whole bit-identical to the eager evaluation."""

import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lazyinit as li

da = pytest.importorskip("dask.array")
from tests.test_slicing import graphs, shapes  # noqa: E402


@st.composite
def chunkings(draw, shape):
    """A chunking of ``shape``: every axis cut at random places."""
    chunks = []
    for dim in shape:
        cuts = sorted(draw(st.sets(st.integers(1, max(dim - 1, 1)), max_size=3)))
        bounds = [0, *(c for c in cuts if c < dim), dim]
        chunks.append(tuple(b - a for a, b in itertools.pairwise(bounds)))
    return tuple(chunks)


@st.composite
def chunked_graphs(draw):
    shape = draw(shapes)
    return draw(graphs(shape)), draw(chunkings(shape))


@settings(max_examples=60)
@given(chunked_graphs())
def test_every_chunk_and_the_whole_equal_the_eager_evaluation(case):
    graph, chunks = case
    with np.errstate(all="ignore"):
        eager = graph.numpy()
        array = li.to_dask(graph, chunks=chunks)
        assert array.chunks == chunks
        assert array.compute(scheduler="sync").tobytes() == eager.tobytes()
        for position in np.ndindex(*array.numblocks):
            block = array.blocks[position].compute(scheduler="sync")
            index = tuple(
                slice(sum(c[:k]), sum(c[: k + 1]))
                for c, k in zip(chunks, position, strict=True)
            )
            assert block.tobytes() == np.ascontiguousarray(eager[index]).tobytes()


def test_the_task_graph_has_one_task_per_chunk():
    y = li.tanh(li.random_normal((100, 80), seed=1) @ li.ones((80, 30))) * 2.0
    array = li.to_dask(y, chunks=(25, 10))
    assert array.numblocks == (4, 3)
    assert len(dict(array.__dask_graph__())) == 4 * 3 + 1  # chunks + the graph


def test_auto_chunks_and_a_0d_tensor():
    assert li.to_dask(li.random_normal((10,), seed=1)).compute().shape == (10,)
    assert li.to_dask(li.full((), 2.0)).compute() == 2.0


def test_a_graph_pickles_to_another_process_with_fresh_ids():
    data = np.arange(6.0).reshape(2, 3)
    y = li.exp(li.asarray(data)[:, ::2]) + li.random_normal((2, 2), seed=1)
    copy = pickle.loads(pickle.dumps(y.node))
    assert copy.id != y.node.id
    assert li.evaluate(li.LazyTensor(copy)).tobytes() == y.numpy().tobytes()


def test_to_dask_refuses_what_is_not_lazy():
    with pytest.raises(TypeError, match="to_dask: expected a LazyTensor"):
        li.to_dask(np.ones(3))
