"""Seeded random draws: uniform, normal, truncated normal and orthogonal.

A random node records its seed, its distribution's parameters and a *view*:
the full logical shape it was drawn with (``base_shape``) and which of its
elements the node holds (``view``, one entry per base axis plus new axes).
The kernel computes the flat indices of the held elements arithmetically
and draws only those from the counter-based streams of
:mod:`lazyinit.random`, so a slice costs time proportional to its size. The
rule :func:`slice_random` turns ``random[index]`` into a random node with
the composed view; reshape and transpose of a random node run on its
materialized values.

Orthogonal matrices need the whole draw (a QR decomposition mixes every
element), so slicing one is correct, not fast.
"""

from __future__ import annotations

import math
import operator
from typing import Any, NamedTuple

import numpy as np

from lazyinit import random as streams
from lazyinit.dtypes import is_floating, normalize_dtype
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, register_op
from lazyinit.shapes import Shape, normalize_shape
from lazyinit.tensor import LazyTensor

__all__ = [
    "RANDOM_OPS",
    "NewAxis",
    "Range",
    "check_integer_bounds",
    "compose_view",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "value_bound",
    "view_counters",
]

#: The element-wise random ops, whose slices draw only their own elements.
RANDOM_OPS = ("random_uniform", "random_normal", "truncated_normal")


# --- views --------------------------------------------------------------------


class Range(NamedTuple):
    """A base axis read at ``start + k * step`` for ``k < length``."""

    start: int
    step: int
    length: int


class NewAxis(NamedTuple):
    """An axis that is not in the base shape (from ``None``); length 0 or 1."""

    length: int


# A view entry is an int (a base axis held at one position), a Range or a
# NewAxis. Base axes appear in order, each exactly once.
View = tuple[int | Range | NewAxis, ...]


def full_view(shape: Shape) -> View:
    """The view holding every element of ``shape``."""
    return tuple(Range(0, 1, dim) for dim in shape)


def _slice_length(item: slice) -> int:
    """The length of a slice normalized by getitem (stop None runs through 0)."""
    stop = -1 if item.stop is None else item.stop
    return len(range(item.start, stop, item.step))


def _apply(entry: Range | NewAxis, item: int | slice) -> int | Range | NewAxis | None:
    """One axis of a view indexed by one normalized item; None drops the axis."""
    if isinstance(entry, NewAxis):
        if isinstance(item, slice):
            return NewAxis(_slice_length(item))
        return None
    if isinstance(item, slice):
        length = _slice_length(item)
        return Range(
            entry.start + item.start * entry.step, entry.step * item.step, length
        )
    return entry.start + item * entry.step


def compose_view(view: View, index: tuple[Any, ...]) -> View:
    """``view`` indexed by ``index``, normalized against the view's shape.

    ``index`` is what getitem stores: ints in range, slices with resolved
    start and step (stop None for a reversed run through 0), None for new
    axes, one non-None item per axis of the view.

    Examples
    --------
    >>> compose_view(full_view((4, 6)), (1, slice(5, None, -2)))
    (1, Range(start=5, step=-2, length=3))
    >>> compose_view((Range(1, 3, 3),), (None, slice(0, 3, 2)))
    (NewAxis(length=1), Range(start=1, step=6, length=2))
    """
    items = iter(index)
    composed: list[int | Range | NewAxis] = []

    def next_item() -> int | slice:
        item = next(items)
        while item is None:
            composed.append(NewAxis(1))
            item = next(items)
        return item

    for entry in view:
        if isinstance(entry, int):
            composed.append(entry)
            continue
        applied = _apply(entry, next_item())
        if applied is not None:
            composed.append(applied)
    composed.extend(NewAxis(1) for item in items if item is None)
    return tuple(composed)


def view_shape(view: View) -> Shape:
    """The shape of the elements a view holds."""
    return tuple(entry.length for entry in view if not isinstance(entry, int))


def view_counters(base_shape: Shape, view: View) -> range | np.ndarray:
    """The flat indices (C order) of the elements ``view`` holds, in its order.

    An arithmetic run (a whole tensor, a block of rows, a strided line) is a
    ``range``; anything else an int64 array, the broadcast sum of one index
    column per axis.

    Examples
    --------
    >>> view_counters((4, 6), full_view((4, 6)))
    range(0, 24)
    >>> view_counters((4, 6), (Range(1, 1, 2), Range(0, 1, 6)))
    range(6, 18)
    >>> view_counters((4, 6), (Range(0, 2, 2), Range(5, -2, 3)))
    array([ 5,  3,  1, 17, 15, 13])
    """
    strides = [1] * len(base_shape)
    for axis in range(len(base_shape) - 2, -1, -1):
        strides[axis] = strides[axis + 1] * base_shape[axis + 1]

    offset = 0
    axes: list[tuple[int, int]] = []
    base_axes = iter(strides)
    for entry in view:
        if isinstance(entry, NewAxis):
            axes.append((entry.length, 0))
            continue
        stride = next(base_axes)
        if isinstance(entry, int):
            offset += entry * stride
        else:
            offset += entry.start * stride
            axes.append((entry.length, entry.step * stride))

    count = math.prod(length for length, _ in axes)
    if count == 0:
        return range(0)
    moving = [(length, step) for length, step in axes if length > 1]
    step = moving[-1][1] if moving else 1
    expected = step
    for length, axis_step in reversed(moving):
        if axis_step != expected:
            break
        expected *= length
    else:
        return range(offset, offset + count * step, step)

    flat = np.full((1,) * len(axes), offset, dtype=np.int64)
    for axis, (length, axis_step) in enumerate(axes):
        column = np.arange(length, dtype=np.int64) * axis_step
        flat = flat + column.reshape(
            (1,) * axis + (length,) + (1,) * (len(axes) - axis - 1)
        )
    return flat.ravel()


# --- element-wise draws -------------------------------------------------------


def _draw(node: Node, function: Any, *parameters: float) -> np.ndarray:
    attrs = node.attrs
    counters = view_counters(attrs["base_shape"], attrs["view"])
    values = function(attrs["seed"], counters, node.dtype, *parameters)
    return values.reshape(node.shape)


def _random_uniform_kernel(node: Node) -> np.ndarray:
    attrs = node.attrs
    return _draw(node, streams.uniform, attrs["minval"], attrs["maxval"])


def _random_normal_kernel(node: Node) -> np.ndarray:
    attrs = node.attrs
    return _draw(node, streams.normal, attrs["mean"], attrs["stddev"])


def _truncated_normal_kernel(node: Node) -> np.ndarray:
    attrs = node.attrs
    return _draw(node, streams.truncated_normal, attrs["mean"], attrs["stddev"])


register_op("random_uniform", _random_uniform_kernel)
register_op("random_normal", _random_normal_kernel)
register_op("truncated_normal", _truncated_normal_kernel)


def _random_node(op: str, shape: Shape, dtype: np.dtype, **attrs: Any) -> Node:
    attrs.update(base_shape=shape, view=full_view(shape))
    return Node(op, (), attrs, shape, dtype)


def _seed(seed: Any, op: str) -> int:
    if seed is None:
        return streams.fresh_seed()
    if isinstance(seed, bool | np.bool_):
        raise LazyTypeError(f"{op}: seed must be an int or None, received {seed!r}")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise LazyTypeError(
            f"{op}: seed must be an int or None, received {seed!r}"
        ) from None
    if seed < 0:
        raise LazyValueError(f"{op}: seed must be non-negative, received {seed}")
    return seed


def _check_floating(dtype: np.dtype, op: str) -> np.dtype:
    if not is_floating(dtype):
        raise LazyValueError(
            f"{op}: dtype expected to be floating point, received {dtype!r}"
        )
    return dtype


def random_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: int | None = None,
) -> LazyTensor:
    """A lazy draw from a normal distribution, counter-based and seeded.

    Element ``i`` depends only on ``seed`` and ``i``, so a slice materializes
    the same values as the same slice of the whole, drawing only its own
    elements. Without a seed, a fresh one is drawn now: the tensor's values
    are fixed when it is built.

    Parameters
    ----------
    shape : int or sequence of ints
    mean, stddev : float
    dtype : floating dtype-like, default float32
    seed : int, optional

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import lazyinit as li
    >>> t = li.random_normal((1000,), stddev=2.0, seed=1)
    >>> bool((t.numpy() == t.numpy()).all())
    True
    >>> float(abs(t.numpy().std() - 2.0)) < 0.2
    True
    >>> bool((t[10:20].numpy() == t.numpy()[10:20]).all())
    True
    """
    return _normal_family("random_normal", shape, mean, stddev, dtype, seed)


def truncated_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: int | None = None,
) -> LazyTensor:
    """A lazy normal draw truncated to ``mean ± 2 stddev``, counter-based.

    As in TensorFlow, values farther than two standard deviations from the
    mean are redrawn (not clipped); the result's standard deviation is about
    ``0.8796 * stddev``.

    Parameters
    ----------
    shape : int or sequence of ints
    mean, stddev : float
        Of the normal distribution before truncation.
    dtype : floating dtype-like, default float32
    seed : int, optional

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import lazyinit as li
    >>> t = li.truncated_normal((10_000,), mean=1.0, stddev=0.5, seed=3).numpy()
    >>> float(t.min()) >= 0.0 and float(t.max()) <= 2.0
    True
    """
    return _normal_family("truncated_normal", shape, mean, stddev, dtype, seed)


def _normal_family(
    op: str, shape: Any, mean: float, stddev: float, dtype: Any, seed: Any
) -> LazyTensor:
    """A lazy draw of ``op``, a normal-family op with ``mean`` and ``stddev``."""
    shape = normalize_shape(shape)
    dtype = _check_floating(normalize_dtype(dtype), op)
    attrs = {"seed": _seed(seed, op), "mean": float(mean), "stddev": float(stddev)}
    return LazyTensor(_random_node(op, shape, dtype, **attrs))


# NOTE: integer draws scale a 53-bit uniform, so spans above 2**53 would
# leave values unreachable; they raise until the streams expose raw 64-bit
# words for an unbiased integer draw over the full int64/uint64 range.
_MAX_INTEGER_SPAN = 2**53


def _integer_bound(value: Any, argument: str, dtype: np.dtype, where: str) -> int:
    is_whole = isinstance(value, int | np.integer) or (
        isinstance(value, float | np.floating) and float(value).is_integer()
    )
    if isinstance(value, bool | np.bool_) or not is_whole:
        raise LazyValueError(
            f"{where}: {argument} must be a whole number for integer dtype "
            f"{dtype}, received {argument}={value!r}"
        )
    return int(value)


def check_integer_bounds(
    minval: Any, maxval: Any, dtype: np.dtype, *, where: str
) -> tuple[int, int]:
    """Integer bounds of a uniform draw in ``[minval, maxval)`` of ``dtype``.

    Raises ValueError for fractional bounds, an empty range, bounds outside
    the dtype, or a span the integer kernel cannot draw uniformly.
    """
    low = _integer_bound(minval, "minval", dtype, where)
    high = _integer_bound(maxval, "maxval", dtype, where)
    info = np.iinfo(dtype)
    if low >= high:
        raise LazyValueError(
            f"{where}: integer draws need minval < maxval, received "
            f"minval={minval!r}, maxval={maxval!r}"
        )
    if low < info.min or high > info.max + 1:
        raise LazyValueError(
            f"{where}: bounds [{low}, {high}) do not fit dtype {dtype} "
            f"[{info.min}, {info.max}]"
        )
    if high - low > _MAX_INTEGER_SPAN:
        raise LazyValueError(
            f"{where}: integer span maxval - minval = {high - low} exceeds "
            f"2**53, which integer draws do not support yet"
        )
    return low, high


def random_uniform(
    shape: Any,
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: int | None = None,
) -> LazyTensor:
    """A lazy uniform draw in ``[minval, maxval)``, counter-based and seeded.

    Floating dtypes draw reals (rounding never reaches ``maxval``); integer
    dtypes draw whole numbers, so their bounds must be whole numbers with
    ``minval < maxval``.

    Parameters
    ----------
    shape : int or sequence of ints
    minval, maxval : float or int
    dtype : floating or integer dtype-like, default float32
    seed : int, optional

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import lazyinit as li
    >>> u = li.random_uniform((100,), -1.0, 1.0, seed=0).numpy()
    >>> bool((u >= -1).all() and (u < 1).all())
    True
    >>> li.random_uniform((8,), 0, 3, dtype="int8", seed=0).numpy()
    array([...], dtype=int8)
    """
    shape = normalize_shape(shape)
    dtype = normalize_dtype(dtype)
    if dtype.kind in "iu":
        minval, maxval = check_integer_bounds(
            minval, maxval, dtype, where="random_uniform"
        )
    elif is_floating(dtype):
        minval, maxval = float(minval), float(maxval)
    else:
        raise LazyValueError(
            f"random_uniform: dtype expected to be floating point or integer, "
            f"received {dtype!r}"
        )
    return LazyTensor(
        _random_node(
            "random_uniform",
            shape,
            dtype,
            seed=_seed(seed, "random_uniform"),
            minval=minval,
            maxval=maxval,
        )
    )


# --- orthogonal matrices ------------------------------------------------------


def _orthogonal_kernel(node: Node) -> np.ndarray:
    shape = node.shape
    rows, cols = math.prod(shape[:-1]), shape[-1]
    working = np.float32 if node.dtype.itemsize <= 4 else np.float64
    if rows == 0 or cols == 0:
        return np.zeros(shape, node.dtype)
    tall, short = max(rows, cols), min(rows, cols)
    draw = streams.normal(node.attrs["seed"], range(tall * short), working)
    q, r = np.linalg.qr(draw.reshape(tall, short))
    # Scaling each column by the sign of R's diagonal makes Q Haar-distributed.
    q *= np.where(np.diagonal(r) < 0, -1, 1).astype(working)
    if rows < cols:
        q = q.T
    q = q * working(node.attrs["gain"])
    return q.reshape(shape).astype(node.dtype)


register_op("orthogonal", _orthogonal_kernel)


def orthogonal(
    shape: Any, gain: float = 1.0, dtype: Any = None, seed: int | None = None
) -> LazyTensor:
    """A lazy random matrix with orthonormal rows or columns, times ``gain``.

    The shape is read as a ``(prod(shape[:-1]), shape[-1])`` matrix: its
    columns are orthonormal when it is tall, its rows when it is wide. The
    matrix is the Q of a QR decomposition of a seeded normal draw, sign-fixed
    so that it is uniformly (Haar) distributed, computed in float32 (float64
    for float64 outputs) and cast. Materializing any slice computes the
    whole matrix.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> q = li.ops.random.orthogonal((3, 5), gain=2.0, seed=0).numpy()
    >>> bool(np.allclose(q @ q.T, 4 * np.eye(3), atol=1e-5))
    True
    """
    shape = normalize_shape(shape)
    dtype = _check_floating(normalize_dtype(dtype), "orthogonal")
    if len(shape) < 2:
        raise LazyValueError(
            f"orthogonal: shape must have at least 2 dimensions, received {shape}"
        )
    attrs = {"seed": _seed(seed, "orthogonal"), "gain": float(gain)}
    return LazyTensor(Node("orthogonal", (), attrs, shape, dtype))


# --- facts for the rewrites ---------------------------------------------------

# Box-Muller's radius sqrt(-2 log u) with u >= 2**-54 stays below 8.7.
_NORMAL_REACH = 8.7


def value_bound(node: Node) -> float:
    """A bound on ``|value|`` of every element of a random node.

    Examples
    --------
    >>> import lazyinit as li
    >>> value_bound(li.truncated_normal((2,), 1.0, 0.5).node)
    2.0
    """
    attrs = node.attrs
    if node.op == "random_uniform":
        return max(abs(float(attrs["minval"])), abs(float(attrs["maxval"])))
    if node.op == "orthogonal":
        # Entries of an orthonormal matrix lie in [-1, 1], up to rounding.
        return abs(attrs["gain"]) * (1.0 + 1e-3)
    reach = 2.0 if node.op == "truncated_normal" else _NORMAL_REACH
    return abs(attrs["mean"]) + reach * abs(attrs["stddev"])


def largest_finite(dtype: np.dtype) -> float:
    """The largest finite value of a floating ``dtype`` (bfloat16 included)."""
    if dtype.kind == "f":
        return float(np.finfo(dtype).max)
    import ml_dtypes

    return float(ml_dtypes.finfo(dtype).max)


def is_finite_draw(node: Node) -> bool:
    """True when every element of a random node is finite in its dtype."""
    if not is_floating(node.dtype):
        return node.dtype.kind in "biu"
    bound = value_bound(node)
    return math.isfinite(bound) and bound < largest_finite(node.dtype)


# --- rewrites -----------------------------------------------------------------

from lazyinit.rewrite import RewriteContext, rule  # noqa: E402


@rule("getitem")
def slice_random(node: Node, ctx: RewriteContext) -> Node | None:
    """random[index] -> random drawing only the indexed elements; always exact."""
    (source,) = node.inputs
    if source.op not in RANDOM_OPS:
        return None
    view = compose_view(source.attrs["view"], node.attrs["index"])
    attrs = {**source.attrs, "view": view}
    return Node(source.op, (), attrs, node.shape, node.dtype)
