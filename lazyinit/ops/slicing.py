"""Slice pushdown: rules that move a basic slice toward the leaves of a graph.

``y[s]`` of a large graph should cost what the slice needs. Each rule here
rewrites ``getitem(op(...))`` into ``op(getitem(...))`` for one op family, so
that the slice travels down, one node at a time, to the initializers: fills
fold (:func:`lazyinit.ops.movement.move_fill`), random draws compose their
view and draw only the selected elements
(:func:`lazyinit.ops.random.slice_random`), and a constant keeps its
``getitem``, which is a view. Eye and orthogonal keep theirs too.

Every rule is exact: the result is bit-identical to slicing the whole. Two
facts of NumPy's kernels bound where that holds, and the rules check them:

- a transcendental ufunc (``exp``, ``log``, ``sin``, ...) runs a SIMD
  implementation on forward strides and a scalar one on backward strides,
  which differ in the last bit; a slice with a negative step would flip
  the direction, so it is not pushed through them;
- a floating ``matmul`` calls BLAS, whose result for one element depends on
  the operands' layout and size (one row goes to ``gemv``, a strided column
  block to NumPy's own loop, ``a @ a.T`` to ``syrk``); only runs of at least
  two consecutive rows of the left operand and batch indices are pushed.
  Integer and bool matmul is NumPy's own loop, exact for any slice.

An index is the normalized tuple that ``getitem`` stores: ints in range,
slices with resolved start and step, ``None`` for new axes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lazyinit.graph import Node, get_op
from lazyinit.ops import elementwise, linalg, movement
from lazyinit.ops.elementwise import BINARY_UFUNCS, UNARY_UFUNCS
from lazyinit.rewrite import RewriteContext, rule
from lazyinit.tensor import LazyTensor

__all__ = [
    "slice_broadcast",
    "slice_concatenate",
    "slice_elementwise",
    "slice_matmul",
    "slice_reshape",
    "slice_transpose",
]

# Ufuncs whose NumPy loops depend on the direction of the strides.
_DIRECTIONAL = frozenset(
    {"exp", "expm1", "log", "log1p", "tanh", "sin", "cos", "arctan2", "power"}
)

Index = tuple[Any, ...]


# --- index helpers ------------------------------------------------------------


def _is_full(item: Any, length: int) -> bool:
    return isinstance(item, slice) and item == slice(0, length, 1)


def _axis_items(index: Index) -> list[Any]:
    """The ints and slices of ``index``, one per axis of the sliced node."""
    return [item for item in index if item is not None]


def _has_backward_step(index: Index) -> bool:
    return any(isinstance(item, slice) and item.step < 0 for item in index)


def _is_pass_through(index: Index, shape: tuple[int, ...]) -> bool:
    """True when ``index`` only adds new axes: nothing to push."""
    items = _axis_items(index)
    return all(_is_full(item, dim) for item, dim in zip(items, shape, strict=True))


def _slice(node: Node, items: list[Any]) -> Node:
    """``node[items]``, the identity when ``items`` selects everything."""
    return movement.getitem(LazyTensor(node), tuple(items)).node


def _with_new_axes(inner: Node, index: Index, like: Node) -> Node:
    """``inner`` (sliced without new axes) with ``index``'s ``None`` axes added."""
    if all(item is not None for item in index):
        return inner
    outer = [None if item is None else slice(None) for item in index]
    outer = [item for item, kept in zip(outer, index, strict=True) if _keeps(kept)]
    result = movement.getitem(LazyTensor(inner), tuple(outer)).node
    assert result.shape == like.shape
    return result


def _keeps(item: Any) -> bool:
    """True when ``item`` leaves an axis in the result (a slice or None)."""
    return item is None or isinstance(item, slice)


def _operand_items(
    items: list[Any], shape: tuple[int, ...], operand_shape: tuple[int, ...]
) -> list:
    """The items that slice an operand of ``operand_shape`` broadcast to ``shape``.

    Broadcasting aligns trailing axes; an operand of length 1 where the
    result is longer keeps its one element.
    """
    offset = len(shape) - len(operand_shape)
    mapped = []
    for axis, dim in enumerate(operand_shape):
        item = items[offset + axis]
        if dim != shape[offset + axis]:
            item = 0 if isinstance(item, int) else slice(0, 1, 1)
        mapped.append(item)
    return mapped


def _sliced_operands(node: Node, items: list[Any]) -> tuple[Node, ...]:
    return tuple(
        _slice(child, _operand_items(items, node.shape, child.shape))
        for child in node.inputs
    )


# --- rules --------------------------------------------------------------------


def _source(node: Node, *ops: str) -> Node | None:
    """The input of a getitem ``node`` when it is one of ``ops`` and there is
    something to push, else None."""
    (source,) = node.inputs
    if source.op not in ops or _is_pass_through(node.attrs["index"], source.shape):
        return None
    return source


_ELEMENTWISE = (*UNARY_UFUNCS, *BINARY_UFUNCS, "where", "astype")


@rule("getitem")
def slice_elementwise(node: Node, ctx: RewriteContext) -> Node | None:
    """op(a, b)[s] -> op(a[s'], b[s']), s' the part of s each operand is
    broadcast along; exact (backward steps stay above stride-sensitive ufuncs)."""
    source = _source(node, *_ELEMENTWISE)
    if source is None:
        return None
    index = node.attrs["index"]
    if source.op in _DIRECTIONAL and _has_backward_step(index):
        return None
    operands = _sliced_operands(source, _axis_items(index))
    lengths = tuple(
        len(range(*item.indices(dim))) if isinstance(item, slice) else None
        for item, dim in zip(_axis_items(index), source.shape, strict=True)
    )
    shape = tuple(dim for dim in lengths if dim is not None)
    inner = Node(source.op, operands, source.attrs, shape, source.dtype)
    return _with_new_axes(inner, index, node)


@rule("getitem")
def slice_broadcast(node: Node, ctx: RewriteContext) -> Node | None:
    """broadcast_to(x, shape)[s] -> broadcast_to(x[s'], shape[s]); always exact."""
    source = _source(node, "broadcast_to")
    if source is None:
        return None
    index = node.attrs["index"]
    items = _axis_items(index)
    (x,) = source.inputs
    inner = _slice(source, items)
    sliced = _slice(x, _operand_items(items, source.shape, x.shape))
    spread = movement.broadcast_to(LazyTensor(sliced), inner.shape).node
    return _with_new_axes(spread, index, node)


@rule("getitem")
def slice_transpose(node: Node, ctx: RewriteContext) -> Node | None:
    """transpose(x, p)[s] -> transpose(x[s permuted by p], p'); always exact."""
    source = _source(node, "transpose")
    if source is None:
        return None
    index = node.attrs["index"]
    items = _axis_items(index)
    perm = source.attrs["axes"]
    (x,) = source.inputs
    inner_items: list[Any] = [None] * len(perm)
    for out_axis, in_axis in enumerate(perm):
        inner_items[in_axis] = items[out_axis]
    sliced = _slice(x, inner_items)
    # The axes that survive keep their order relative to each other.
    kept = [in_axis for in_axis, item in zip(perm, items, strict=True) if _keeps(item)]
    rank = {in_axis: position for position, in_axis in enumerate(sorted(kept))}
    moved = movement.transpose(LazyTensor(sliced), [rank[a] for a in kept]).node
    return _with_new_axes(moved, index, node)


@rule("getitem")
def slice_reshape(node: Node, ctx: RewriteContext) -> Node | None:
    """reshape(x)[s] -> reshape(x[s']) when s selects whole rows of the
    shared leading axes, or one run of x's rows; always exact."""
    source = _source(node, "reshape")
    if source is None:
        return None
    index = node.attrs["index"]
    items = _axis_items(index)
    (x,) = source.inputs
    inner_items = _leading_items(items, source.shape, x.shape)
    if inner_items is None:
        return None
    sliced = _slice(x, inner_items)
    shape = tuple(
        len(range(*item.indices(dim)))
        for item, dim in zip(items, source.shape, strict=True)
        if isinstance(item, slice)
    )
    reshaped = movement.reshape(LazyTensor(sliced), shape).node
    return _with_new_axes(reshaped, index, node)


def _leading_items(
    items: list[Any], out_shape: tuple[int, ...], in_shape: tuple[int, ...]
) -> list[Any] | None:
    """Items slicing the reshape's input to the same elements, or None.

    Two cases keep a row-major reshape contiguous: the sliced axes are
    leading axes both shapes share, or only axis 0 of the output is sliced,
    by a run that starts and ends on rows of the input.
    """
    sliced = [i for i, item in enumerate(items) if not _is_full(item, out_shape[i])]
    last = sliced[-1]
    shared = 0
    while (
        shared < min(len(out_shape), len(in_shape))
        and out_shape[shared] == in_shape[shared]
    ):
        shared += 1
    if last < shared:
        return items[:shared] + [slice(None)] * (len(in_shape) - shared)
    if last != 0 or not in_shape:
        return None
    item = items[0]
    if isinstance(item, int):
        start, stop = item, item + 1
    elif item.step != 1:
        return None
    else:
        start, stop = item.start, item.stop
    block, row = math.prod(out_shape[1:]), math.prod(in_shape[1:])
    first, end = start * block, stop * block
    if not row or first % row or end % row:
        return None
    return [slice(first // row, end // row, 1)] + [slice(None)] * (len(in_shape) - 1)


@rule("getitem")
def slice_concatenate(node: Node, ctx: RewriteContext) -> Node | None:
    """concatenate(parts)[s] -> concatenate(the parts s reaches, each sliced);
    always exact (casts to the result dtype as concatenate does)."""
    source = _source(node, "concatenate")
    if source is None:
        return None
    index = node.attrs["index"]
    items = _axis_items(index)
    axis = source.attrs["axis"]
    pieces = _concat_pieces(source, items, axis)
    if len(pieces) == 1:
        joined = elementwise.astype(LazyTensor(pieces[0]), source.dtype).node
    else:
        out_axis = sum(1 for item in items[:axis] if isinstance(item, slice))
        shape = list(pieces[0].shape)
        shape[out_axis] = sum(piece.shape[out_axis] for piece in pieces)
        joined = Node(
            "concatenate",
            tuple(pieces),
            {"axis": out_axis},
            tuple(shape),
            source.dtype,
        )
    return _with_new_axes(joined, index, node)


def _concat_pieces(source: Node, items: list[Any], axis: int) -> list[Node]:
    """Each part the concat-axis item reaches, sliced to the elements it selects."""
    item = items[axis]
    offsets = np.cumsum([0] + [part.shape[axis] for part in source.inputs])
    if isinstance(item, int):
        part = int(np.searchsorted(offsets, item, side="right")) - 1
        local = [*items[:axis], item - int(offsets[part]), *items[axis + 1 :]]
        return [_slice(source.inputs[part], local)]
    positions = range(*item.indices(source.shape[axis]))
    order = range(len(source.inputs))
    pieces = []
    for part in reversed(order) if item.step < 0 else order:
        low, high = int(offsets[part]), int(offsets[part + 1])
        inside = _within(positions, low, high)
        if not inside:
            continue
        stop = inside[-1] + inside.step - low
        local_slice = slice(inside[0] - low, None if stop < 0 else stop, inside.step)
        local = [*items[:axis], local_slice, *items[axis + 1 :]]
        pieces.append(_slice(source.inputs[part], local))
    if not pieces:
        empty = [*items[:axis], slice(0, 0, 1), *items[axis + 1 :]]
        pieces.append(_slice(source.inputs[0], empty))
    return pieces


def _within(positions: range, low: int, high: int) -> range:
    """The positions of an arithmetic run that lie in ``[low, high)``."""
    start, step = positions.start, positions.step
    if step > 0:
        first, end = -(-(low - start) // step), -(-(high - start) // step)
    else:
        first = (start - high) // -step + 1
        end = (start - low) // -step + 1
    count = len(positions)
    return positions[min(max(first, 0), count) : min(max(end, 0), count)]


@rule("getitem")
def slice_matmul(node: Node, ctx: RewriteContext) -> Node | None:
    """(a @ b)[batch, rows, cols] -> a[batch', rows] @ b[batch', :, cols]; exact
    for integer dtypes, for floats when cols is whole and rows a run of >= 2."""
    source = _source(node, "matmul")
    if source is None:
        return None
    a, b = source.inputs
    if len(a.shape) < 2 or len(b.shape) < 2:
        return None
    index = node.attrs["index"]
    items = _axis_items(index)
    rows, cols = items[-2], items[-1]
    if source.dtype.kind not in "biu" and not _is_blas_exact(source, rows, cols):
        return None
    # An int row (column) turns a 2-D operand into a vector, which matmul
    # treats as the same row (column); a batched operand would lose its matrix
    # axis instead, so there take a length-1 slice and drop it afterwards.
    row_run = _as_run(rows) if len(a.shape) > 2 else rows
    col_run = _as_run(cols) if len(b.shape) > 2 else cols
    batch = source.shape[:-2]
    a_items = [*_operand_items(items[:-2], batch, a.shape[:-2]), row_run, slice(None)]
    b_items = [*_operand_items(items[:-2], batch, b.shape[:-2]), slice(None), col_run]
    a_sliced, b_sliced = _slice(a, a_items), _slice(b, b_items)
    inner = linalg.matmul(LazyTensor(a_sliced), LazyTensor(b_sliced)).node
    if row_run is not rows or col_run is not cols:
        # The result's matrix axes: a row (column) index on a 2-D operand
        # already removed its axis; a length-1 run left one to drop here.
        tail = []
        if not (isinstance(rows, int) and row_run is rows):
            tail.append(0 if row_run is not rows else slice(None))
        if not (isinstance(cols, int) and col_run is cols):
            tail.append(0 if col_run is not cols else slice(None))
        drop = [slice(None)] * (len(inner.shape) - len(tail)) + tail
        inner = _slice(inner, drop)
    return _with_new_axes(inner, index, node)


def _as_run(item: Any) -> Any:
    """An int index as the length-1 slice at it; slices unchanged."""
    return slice(item, item + 1, 1) if isinstance(item, int) else item


def _is_blas_exact(source: Node, rows: Any, cols: Any) -> bool:
    a, b = source.inputs
    rows_dim, cols_dim = source.shape[-2], source.shape[-1]
    if not _is_full(cols, cols_dim) or _view_root(a) is _view_root(b):
        return False
    if _is_full(rows, rows_dim):
        return True
    return isinstance(rows, slice) and rows.step == 1 and rows.stop - rows.start >= 2


def _view_root(node: Node) -> Node:
    """The node whose buffer ``node`` views (itself when it is no view)."""
    while get_op(node.op).is_view and node.inputs:
        node = node.inputs[0]
    return node
