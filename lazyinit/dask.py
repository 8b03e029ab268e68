"""Dask arrays whose chunks lazyinit evaluates, one task per chunk.

:func:`to_dask` turns a lazy tensor into a ``dask.array.Array`` without
translating the lazy graph into Dask's: the task graph holds the lazy graph
once, as a value, and one task per chunk that evaluates that chunk's slice
of it. Slice pushdown (:mod:`lazyinit.ops.slicing`) makes each task compute
only what its chunk needs, and counter-based random draws make a chunk's
values independent of where and in which process it is computed.

Dask is an optional dependency (``pip install lazyinit[dask]``), imported
when a function here is called.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.evaluate import evaluate
from lazyinit.graph import Node
from lazyinit.plan import check_fed
from lazyinit.tensor import LazyTensor

__all__ = ["evaluate_block", "to_dask"]


def evaluate_block(
    node: Node, index: tuple[slice, ...], exact: bool, assume_finite: bool
) -> np.ndarray:
    """Evaluate ``node[index]``: the function every chunk task runs."""
    from lazyinit.ops.movement import getitem

    return evaluate(
        getitem(LazyTensor(node), index), exact=exact, assume_finite=assume_finite
    )


def block_slices(chunks: tuple[tuple[int, ...], ...]):
    """``(block position, index)`` of every block of a Dask chunking, in order.

    Examples
    --------
    >>> for position, index in block_slices(((2, 1), (3,))):
    ...     print(position, index)
    (0, 0) (slice(0, 2, None), slice(0, 3, None))
    (1, 0) (slice(2, 3, None), slice(0, 3, None))
    """
    starts = [np.cumsum((0, *sizes)).tolist() for sizes in chunks]
    for position in itertools.product(*(range(len(sizes)) for sizes in chunks)):
        index = tuple(
            slice(starts[axis][k], starts[axis][k + 1])
            for axis, k in enumerate(position)
        )
        yield position, index


def to_dask(
    tensor: LazyTensor,
    chunks: Any = "auto",
    *,
    exact: bool = False,
    assume_finite: bool = False,
    name: str | None = None,
) -> Any:
    """A ``dask.array.Array`` whose chunks lazyinit evaluates, one task each.

    Parameters
    ----------
    tensor : LazyTensor
    chunks : int, tuple, "auto" or dict
        Any chunk specification ``dask.array`` accepts.
    exact, assume_finite : bool
        As for :func:`lazyinit.evaluate`, applied to every chunk.
    name : str, optional
        The key prefix of the Dask graph; a unique one by default.

    Returns
    -------
    dask.array.Array
        Bit-identical to ``tensor.numpy()`` for any chunking. Its graph holds
        the lazy graph once and one task per chunk, so it pickles to
        ``dask.distributed`` workers in other processes.

    Raises
    ------
    TypeError
        If ``tensor`` is not a LazyTensor or ``name`` is not a str.
    ValueError
        If ``chunks`` does not fit the tensor's shape (a zero or negative
        size, the wrong number of axes), or the graph holds a placeholder,
        which no chunk task could feed.
    ImportError
        If Dask is not installed.

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.random_normal((1000, 64), seed=0)
    >>> array = li.to_dask(w * 2.0, chunks=(250, 64))  # doctest: +SKIP
    >>> array.numblocks, (array.compute() == (w * 2.0).numpy()).all()  # doctest: +SKIP
    ((4, 1), True)
    """
    if not isinstance(tensor, LazyTensor):
        raise LazyTypeError(
            f"to_dask: expected a LazyTensor, received {type(tensor).__name__}"
        )
    import dask.array as da
    from dask.highlevelgraph import HighLevelGraph

    if name is not None and not isinstance(name, str):
        raise LazyTypeError(
            f"to_dask: name must be a str key prefix, received {name!r} of type "
            f"{type(name).__name__}"
        )
    node = tensor.node
    check_fed([node], "to_dask")
    chunks = _normalize_chunks(chunks, node)
    name = name or f"lazyinit-{uuid.uuid4().hex}"
    graph_key = f"{name}-graph"
    layer: dict[Any, Any] = {graph_key: node}
    for position, index in block_slices(chunks):
        layer[(name, *position)] = (
            evaluate_block,
            graph_key,
            index,
            exact,
            assume_finite,
        )
    graph = HighLevelGraph.from_collections(name, layer, dependencies=())
    return da.Array(graph, name, chunks, dtype=node.dtype)


def _normalize_chunks(chunks: Any, node: Node) -> tuple[tuple[int, ...], ...]:
    """Dask's chunks for ``node``, refusing specifications that do not fit it."""
    import dask.array as da

    shape = node.shape
    if isinstance(chunks, tuple | list) and len(chunks) != len(shape):
        raise LazyValueError(
            f"to_dask: chunks {chunks!r} has {len(chunks)} entries, but the "
            f"tensor of shape {shape} has {len(shape)} axes"
        )
    if isinstance(chunks, Mapping):
        entries = list(chunks.values())
    elif isinstance(chunks, tuple | list):
        entries = list(chunks)
    else:
        entries = [chunks]
    for entry in entries:
        is_int = isinstance(entry, int | np.integer) and not isinstance(entry, bool)
        if is_int and entry <= 0 and entry != -1:
            raise LazyValueError(
                f"to_dask: chunks {chunks!r} for the tensor of shape {shape}: a "
                f"chunk size must be positive (or -1 for a whole axis), "
                f"received {entry}"
            )
    try:
        return da.core.normalize_chunks(chunks, shape, dtype=node.dtype)
    except (TypeError, ValueError, ZeroDivisionError) as error:
        raise LazyValueError(
            f"to_dask: chunks {chunks!r} do not fit the tensor of shape "
            f"{shape}: {error}"
        ) from error
