"""Ops that move data without arithmetic: reshape, transpose, indexing, joins."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from lazyinit.errors import (
    LazyIndexError,
    LazyShapeError,
    LazyTypeError,
    LazyValueError,
)
from lazyinit.graph import Node, register_op
from lazyinit.shapes import (
    broadcast_shapes,
    normalize_axes,
    normalize_axis,
    normalize_shape,
    size_of,
)
from lazyinit.tensor import LazyTensor, as_tensor

__all__ = [
    "broadcast_to",
    "concatenate",
    "expand_dims",
    "getitem",
    "matrix_transpose",
    "reshape",
    "squeeze",
    "stack",
    "take",
    "transpose",
]


def _node(value: Any) -> Node:
    return as_tensor(value).node


# --- reshape --------------------------------------------------------------------


def _reshape_kernel(node: Node, x: np.ndarray) -> np.ndarray:
    return x.reshape(node.shape)


register_op("reshape", _reshape_kernel, is_view=True)


def reshape(x: Any, shape: Any) -> LazyTensor:
    """Lazy ``np.reshape``; one dimension may be -1.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.reshape(li.zeros(6), (2, -1)).shape
    (2, 3)
    >>> li.reshape(li.zeros(6), (4,))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyShapeError: reshape: cannot reshape an array of size 6 ...
    """
    node = _node(x)
    if isinstance(shape, int | np.integer):
        shape = (shape,)
    dims = list(shape)
    unknown = [
        i for i, d in enumerate(dims) if isinstance(d, int | np.integer) and d == -1
    ]
    if len(unknown) > 1:
        raise LazyValueError(
            f"reshape: can only specify one unknown dimension, got {shape!r}"
        )
    if unknown:
        known = normalize_shape(
            [d for i, d in enumerate(dims) if i != unknown[0]],
            argument="reshape: shape",
        )
        rest = size_of(known)
        size = size_of(node.shape)
        if rest == 0 or size % rest:
            raise LazyShapeError(
                f"reshape: cannot reshape an array of size {size} (shape "
                f"{node.shape}) into shape {tuple(dims)}"
            )
        dims[unknown[0]] = size // rest
    new_shape = normalize_shape(dims, argument="reshape: shape")
    if size_of(new_shape) != size_of(node.shape):
        raise LazyShapeError(
            f"reshape: cannot reshape an array of size {size_of(node.shape)} (shape "
            f"{node.shape}) into shape {new_shape}"
        )
    if new_shape == node.shape:
        return LazyTensor(node)
    return LazyTensor(Node("reshape", (node,), {}, new_shape, node.dtype))


# --- transpose --------------------------------------------------------------------


def _transpose_kernel(node: Node, x: np.ndarray) -> np.ndarray:
    return x.transpose(node.attrs["axes"])


register_op("transpose", _transpose_kernel, is_view=True)


def transpose(x: Any, axes: Sequence[int] | None = None) -> LazyTensor:
    """Lazy ``np.transpose``: permute axes (reverse them by default).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.transpose(li.zeros((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    node = _node(x)
    ndim = len(node.shape)
    if axes is None:
        perm = tuple(reversed(range(ndim)))
    else:
        perm = tuple(
            normalize_axis(a, ndim, op="transpose", argument="axes") for a in axes
        )
        if sorted(perm) != list(range(ndim)):
            raise LazyValueError(
                f"transpose: axes {tuple(axes)!r} is not a permutation of the "
                f"{ndim} axes of shape {node.shape}"
            )
    if perm == tuple(range(ndim)):
        return LazyTensor(node)
    shape = tuple(node.shape[a] for a in perm)
    return LazyTensor(Node("transpose", (node,), {"axes": perm}, shape, node.dtype))


def matrix_transpose(x: Any) -> LazyTensor:
    """Swap the last two axes (``x.mT``).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.matrix_transpose(li.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    node = _node(x)
    ndim = len(node.shape)
    if ndim < 2:
        raise LazyValueError(
            "matrix_transpose: needs at least 2 dimensions, received shape "
            f"{node.shape}"
        )
    axes = list(range(ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return transpose(LazyTensor(node), axes)


# --- expand_dims / squeeze ------------------------------------------------------------


def expand_dims(x: Any, axis: Any) -> LazyTensor:
    """Lazy ``np.expand_dims``: insert axes of length one.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.expand_dims(li.zeros((2, 3)), (0, -1)).shape
    (1, 2, 3, 1)
    """
    node = _node(x)
    out_ndim = len(node.shape) + (len(axis) if isinstance(axis, Sequence) else 1)
    axes = normalize_axes(axis, out_ndim, op="expand_dims")
    dims = iter(node.shape)
    shape = tuple(1 if i in axes else next(dims) for i in range(out_ndim))
    return reshape(LazyTensor(node), shape)


def squeeze(x: Any, axis: Any = None) -> LazyTensor:
    """Lazy ``np.squeeze``: remove axes of length one.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.squeeze(li.zeros((1, 2, 1))).shape
    (2,)
    >>> li.squeeze(li.zeros((1, 2)), axis=1)
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: squeeze: cannot select axis 1 of shape (1, 2): ...
    """
    node = _node(x)
    if axis is None:
        axes = tuple(i for i, d in enumerate(node.shape) if d == 1)
    else:
        axes = normalize_axes(axis, len(node.shape), op="squeeze")
        for a in axes:
            if node.shape[a] != 1:
                raise LazyValueError(
                    f"squeeze: cannot select axis {a} of shape {node.shape}: its "
                    f"length is {node.shape[a]}, not 1"
                )
    shape = tuple(d for i, d in enumerate(node.shape) if i not in axes)
    return reshape(LazyTensor(node), shape)


# --- broadcast_to ---------------------------------------------------------------------


def _broadcast_kernel(node: Node, x: np.ndarray) -> np.ndarray:
    return np.broadcast_to(x, node.shape)


register_op("broadcast_to", _broadcast_kernel, is_view=True)


def broadcast_to(x: Any, shape: Any) -> LazyTensor:
    """Lazy ``np.broadcast_to``.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.broadcast_to(li.ones(3), (2, 3)).shape
    (2, 3)
    """
    node = _node(x)
    shape = normalize_shape(shape)
    if (
        len(shape) < len(node.shape)
        or broadcast_shapes(node.shape, shape, op="broadcast_to") != shape
    ):
        raise LazyShapeError(
            f"broadcast_to: cannot broadcast shape {node.shape} to shape {shape}"
        )
    if shape == node.shape:
        return LazyTensor(node)
    return LazyTensor(Node("broadcast_to", (node,), {}, shape, node.dtype))


# --- basic indexing -----------------------------------------------------------------


def _getitem_kernel(node: Node, x: np.ndarray) -> np.ndarray:
    return x[node.attrs["index"]]


register_op("getitem", _getitem_kernel, is_view=True)


def _normalize_index(index: Any, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """Expand Ellipsis and normalize ints and slices against ``shape``."""
    if not isinstance(index, tuple):
        index = (index,)
    consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
    if sum(1 for item in index if item is Ellipsis) > 1:
        raise LazyValueError(
            "getitem: an index can only have a single ellipsis ('...')"
        )
    if consumed > len(shape):
        raise LazyValueError(
            f"getitem: too many indices for shape {shape}: {consumed} were indexed"
        )
    normalized: list[Any] = []
    axis = 0
    for item in index:
        if item is Ellipsis:
            for _ in range(len(shape) - consumed):
                normalized.append(slice(0, shape[axis], 1))
                axis += 1
        elif item is None:
            normalized.append(None)
        elif isinstance(item, slice):
            normalized.append(_normalize_slice(item, shape[axis]))
            axis += 1
        elif isinstance(item, bool | np.bool_):
            raise LazyTypeError(f"getitem: boolean index {item!r} is not supported")
        else:
            try:
                position = operator.index(item)
            except TypeError:
                raise LazyTypeError(
                    f"getitem: only integers, slices, None and ... are basic "
                    f"indices (use li.take for index arrays), received {item!r}"
                ) from None
            if not -shape[axis] <= position < shape[axis]:
                raise LazyIndexError(
                    f"getitem: index {position} is out of bounds for axis {axis} "
                    f"with size {shape[axis]}"
                )
            normalized.append(position % shape[axis])
            axis += 1
    for _ in range(axis, len(shape)):
        normalized.append(slice(0, shape[axis], 1))
        axis += 1
    return tuple(normalized)


def _normalize_slice(item: slice, length: int) -> slice:
    """``item`` with bounds in range; NumPy reads it as Python's range does."""
    try:
        start, stop, step = item.indices(length)
    except ValueError as error:  # the one bad value Python checks: a zero step
        raise LazyValueError(
            f"getitem: slice step cannot be zero, received {item!r}"
        ) from error
    except TypeError as error:
        raise LazyTypeError(
            f"getitem: slice bounds must be integers or None, received {item!r}"
        ) from error
    if not range(start, stop, step):
        return slice(0, 0, 1)
    # indices() gives -1 for a reversed slice that runs through index 0, and
    # NumPy would read -1 from the end: running through 0 is stop None.
    return slice(start, None if stop < 0 else stop, step)


def _slice_length(item: slice) -> int:
    stop = -1 if item.stop is None else item.stop
    return len(range(item.start, stop, item.step))


def getitem(x: Any, index: Any) -> LazyTensor:
    """Basic indexing: ints, slices, None and Ellipsis, as NumPy does.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.zeros((4, 5, 6))[1, ::2, None, ..., -1].shape
    (3, 1)
    """
    node = _node(x)
    index = _normalize_index(index, node.shape)
    shape: list[int] = []
    axis = 0
    for item in index:
        if item is None:
            shape.append(1)
        elif isinstance(item, slice):
            shape.append(_slice_length(item))
            axis += 1
        else:
            axis += 1
    full = all(
        isinstance(item, slice) and item == slice(0, dim, 1)
        for item, dim in zip(index, node.shape, strict=False)
    ) and len(index) == len(node.shape)
    if full:
        return LazyTensor(node)
    return LazyTensor(
        Node("getitem", (node,), {"index": index}, tuple(shape), node.dtype)
    )


# --- take -------------------------------------------------------------------------


def _take_kernel(node: Node, x: np.ndarray, indices: np.ndarray) -> np.ndarray:
    return np.take(x, indices, axis=node.attrs["axis"])


register_op("take", _take_kernel)


def take(x: Any, indices: Any, axis: int | None = None) -> LazyTensor:
    """Lazy ``np.take``: gather along ``axis`` (an embedding lookup).

    Constant indices are checked against the axis length when the node is
    built; indices fed at evaluation are checked by NumPy then.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> table = li.asarray(np.arange(12.0).reshape(4, 3))
    >>> li.take(table, np.array([[3, 0]]), axis=0).numpy()
    array([[[ 9., 10., 11.],
            [ 0.,  1.,  2.]]])
    """
    node = _node(x)
    idx = _node(indices)
    if idx.dtype.kind not in "iu":
        raise LazyTypeError(
            f"take: indices must be integers, received dtype {idx.dtype}"
        )
    if axis is None:
        node = reshape(LazyTensor(node), (size_of(node.shape),)).node
        axis = 0
    axis = normalize_axis(axis, len(node.shape), op="take")
    length = node.shape[axis]
    # NumPy checks the indices once per position of the leading axes: never
    # when a leading axis has length 0.
    leading = size_of(node.shape[:axis])
    if idx.op == "constant" and idx.attrs["data"].size and leading:
        data = idx.attrs["data"]
        low, high = int(data.min()), int(data.max())
        if low < -length or high >= length:
            bad = high if high >= length else low
            raise LazyIndexError(
                f"take: index {bad} is out of bounds for axis {axis} with size {length}"
            )
    shape = node.shape[:axis] + idx.shape + node.shape[axis + 1 :]
    return LazyTensor(Node("take", (node, idx), {"axis": axis}, shape, node.dtype))


# --- concatenate / stack --------------------------------------------------------------


def _concatenate_kernel(node: Node, *arrays: np.ndarray) -> np.ndarray:
    return np.concatenate(arrays, axis=node.attrs["axis"], dtype=node.dtype)


register_op("concatenate", _concatenate_kernel)


def _as_sequence(tensors: Any, op: str) -> Sequence[Any]:
    """``tensors`` as a sequence; a lazy tensor is the sequence of its rows."""
    # NumPy iterates an array passed where a sequence of arrays is expected,
    # so np.concatenate of a 2-D array joins its rows.
    if isinstance(tensors, LazyTensor):
        if not tensors.shape:
            raise LazyTypeError(
                f"{op}: need a sequence of arrays, received a 0-d lazy tensor"
            )
        return list(tensors)
    if not isinstance(tensors, Sequence):
        raise LazyValueError(
            f"{op}: need a non-empty sequence of arrays, received "
            f"{type(tensors).__name__}"
        )
    return tensors


def concatenate(tensors: Sequence[Any], axis: int = 0) -> LazyTensor:
    """Lazy ``np.concatenate`` along an existing axis.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.concatenate([li.zeros((2, 3)), li.ones((1, 3))]).shape
    (3, 3)
    """
    tensors = _as_sequence(tensors, op="concatenate")
    if not tensors:
        raise LazyValueError("concatenate: need a non-empty sequence of arrays")
    nodes = [_node(t) for t in tensors]
    first = nodes[0]
    if not first.shape:
        raise LazyValueError(
            "concatenate: zero-dimensional arrays cannot be concatenated"
        )
    axis = normalize_axis(axis, len(first.shape), op="concatenate")
    for i, other in enumerate(nodes[1:], start=1):
        if len(other.shape) != len(first.shape) or any(
            a != b
            for k, (a, b) in enumerate(zip(first.shape, other.shape, strict=True))
            if k != axis
        ):
            raise LazyShapeError(
                f"concatenate: array 0 has shape {first.shape} and array {i} has "
                f"shape {other.shape}; all dimensions but axis {axis} must match"
            )
    shape = list(first.shape)
    shape[axis] = sum(n.shape[axis] for n in nodes)
    dtype = np.result_type(*(n.dtype for n in nodes))
    return LazyTensor(
        Node("concatenate", tuple(nodes), {"axis": axis}, tuple(shape), dtype)
    )


def stack(tensors: Sequence[Any], axis: int = 0) -> LazyTensor:
    """Lazy ``np.stack`` along a new axis.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.stack([li.zeros(3), li.ones(3)], axis=1).shape
    (3, 2)
    """
    tensors = _as_sequence(tensors, op="stack")
    if not tensors:
        raise LazyValueError("stack: need a non-empty sequence of arrays")
    nodes = [_node(t) for t in tensors]
    for i, other in enumerate(nodes[1:], start=1):
        if other.shape != nodes[0].shape:
            raise LazyShapeError(
                f"stack: array 0 has shape {nodes[0].shape} and array {i} has shape "
                f"{other.shape}; all must match"
            )
    axis = normalize_axis(axis, len(nodes[0].shape) + 1, op="stack")
    expanded = [expand_dims(LazyTensor(n), axis) for n in nodes]
    return concatenate(expanded, axis=axis)


# --- rewrites -----------------------------------------------------------------

from lazyinit.rewrite import RewriteContext, fill_value, make_fill, rule  # noqa: E402


@rule("reshape", "transpose", "broadcast_to", "getitem")
def move_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """reshape/transpose/broadcast/slice of a fill -> a fill; always exact."""
    value = fill_value(node.inputs[0])
    return None if value is None else make_fill(node, value)


@rule("take")
def take_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """take(fill, indices) -> fill, when the indices are known to be in bounds
    (a checked constant or a fill); always exact."""
    table, indices = node.inputs
    value = fill_value(table)
    if value is None:
        return None
    if indices.op == "constant" or (
        indices.op == "full"
        and -table.shape[node.attrs["axis"]]
        <= int(indices.attrs["value"])
        < table.shape[node.attrs["axis"]]
    ):
        return make_fill(node, value)
    return None


@rule("concatenate")
def concatenate_fills(node: Node, ctx: RewriteContext) -> Node | None:
    """concatenate(fill a, fill a, ...) -> fill a; exact (values compared bitwise
    in the result dtype)."""
    values = [fill_value(child) for child in node.inputs]
    if any(value is None for value in values):
        return None
    held = {np.asarray(v).astype(node.dtype).tobytes() for v in values}
    return make_fill(node, values[0]) if len(held) == 1 else None


@rule("reshape")
def reshape_reshape(node: Node, ctx: RewriteContext) -> Node | None:
    """reshape(reshape(x)) -> reshape(x); always exact."""
    (x,) = node.inputs
    if x.op != "reshape":
        return None
    source = x.inputs[0]
    if source.shape == node.shape:
        return source
    return Node("reshape", (source,), {}, node.shape, node.dtype)


@rule("transpose")
def transpose_transpose(node: Node, ctx: RewriteContext) -> Node | None:
    """transpose(transpose(x, p), q) -> transpose(x, p[q]); always exact."""
    (x,) = node.inputs
    if x.op != "transpose":
        return None
    inner, outer = x.attrs["axes"], node.attrs["axes"]
    axes = tuple(inner[a] for a in outer)
    source = x.inputs[0]
    if axes == tuple(range(len(axes))):
        return source
    return Node("transpose", (source,), {"axes": axes}, node.shape, node.dtype)
