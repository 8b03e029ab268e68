"""Reductions: ``sum``, ``mean``, ``prod``, ``max`` and ``min`` over axes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from lazyinit.dtypes import normalize_dtype, scalar_of
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, register_op
from lazyinit.shapes import normalize_axes
from lazyinit.tensor import LazyTensor, as_tensor

__all__ = ["max", "mean", "min", "prod", "sum"]

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sum": np.sum,
    "mean": np.mean,
    "prod": np.prod,
    "max": np.max,
    "min": np.min,
}


def _reduction_kernel(function):
    def kernel(node: Node, x: np.ndarray) -> np.ndarray:
        attrs = node.attrs
        options = {"axis": attrs["axis"], "keepdims": attrs["keepdims"]}
        if attrs.get("dtype") is not None:
            options["dtype"] = attrs["dtype"]
        return np.asarray(function(x, **options))

    return kernel


for _name, _function in _FUNCTIONS.items():
    register_op(_name, _reduction_kernel(_function))


@functools.lru_cache(maxsize=1024)
def _reduced_dtype(name: str, dtype: np.dtype, out: np.dtype | None) -> np.dtype:
    options = {} if out is None else {"dtype": out}
    try:
        return np.asarray(_FUNCTIONS[name](np.ones(1, dtype), **options)).dtype
    except TypeError:
        raise LazyTypeError(f"{name}: not supported for dtype {dtype}") from None


def _reduce(name: str, x: Any, axis: Any, keepdims: bool, dtype: Any = None):
    node = as_tensor(x).node
    axes = normalize_axes(axis, len(node.shape), op=name)
    if name in ("max", "min") and any(node.shape[a] == 0 for a in axes):
        raise LazyValueError(
            f"{name}: zero-size array (shape {node.shape}) reduced over axis "
            f"{axis!r}: the operation has no identity"
        )
    if not isinstance(keepdims, bool | np.bool_):
        raise LazyTypeError(f"{name}: keepdims must be a bool, received {keepdims!r}")
    out = None if dtype is None else normalize_dtype(dtype)
    result_dtype = _reduced_dtype(name, node.dtype, out)
    if keepdims:
        shape = tuple(1 if i in axes else d for i, d in enumerate(node.shape))
    else:
        shape = tuple(d for i, d in enumerate(node.shape) if i not in axes)
    attrs = {"axis": axes, "keepdims": bool(keepdims), "dtype": out}
    return LazyTensor(Node(name, (node,), attrs, shape, result_dtype))


def sum(x: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False):
    """Lazy ``np.sum`` over ``axis`` (all axes by default).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.sum(li.ones((2, 3), dtype="int8"), axis=1)
    LazyTensor(shape=(2,), dtype=int64, op=sum)
    """
    return _reduce("sum", x, axis, keepdims, dtype)


def mean(x: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False):
    """Lazy ``np.mean`` over ``axis`` (integers give float64, as in NumPy).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.mean(li.ones((2, 3), dtype="int32"), axis=0, keepdims=True)
    LazyTensor(shape=(1, 3), dtype=float64, op=mean)
    """
    return _reduce("mean", x, axis, keepdims, dtype)


def prod(x: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False):
    """Lazy ``np.prod`` over ``axis``.

    Examples
    --------
    >>> import lazyinit as li
    >>> float(li.prod(li.full((3,), 2.0)).numpy())
    8.0
    """
    return _reduce("prod", x, axis, keepdims, dtype)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> LazyTensor:
    """Lazy ``np.max``; a zero-size reduction raises when the node is built.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.max(li.zeros((3, 0)), axis=0).shape
    (0,)
    """
    return _reduce("max", x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> LazyTensor:
    """Lazy ``np.min``; a zero-size reduction raises when the node is built.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.min(li.ones((2, 2)), keepdims=True).shape
    (1, 1)
    """
    return _reduce("min", x, axis, keepdims)


# --- rewrites -----------------------------------------------------------------

from lazyinit.rewrite import (  # noqa: E402
    RewriteContext,
    exact_sum,
    fill_value,
    has_sign_bit,
    make_fill,
    rule,
)
from lazyinit.shapes import size_of  # noqa: E402


def _reduced_count(node: Node) -> int:
    source = node.inputs[0].shape
    return size_of(tuple(source[a] for a in node.attrs["axis"]))


@rule("max", "min")
def extremum_of_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """max(fill c) -> c, min(fill c) -> c; always exact (NaN stays NaN)."""
    value = fill_value(node.inputs[0])
    return None if value is None else make_fill(node, value)


def _held(value: np.generic, dtype: np.dtype) -> np.generic:
    return scalar_of(np.asarray(value).astype(dtype))


@rule("sum")
def sum_of_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """sum(fill c over n) -> n * c when every partial sum is exact (integers
    wrap as NumPy's do); always exact then."""
    value = fill_value(node.inputs[0])
    if value is None:
        return None
    total = exact_sum(_held(value, node.dtype), _reduced_count(node))
    if total is None or (ctx.exact and node.dtype.kind in "fc" and has_sign_bit(total)):
        return None
    return make_fill(node, total)


def _mean_accumulator(node: Node) -> np.dtype:
    if node.attrs["dtype"] is not None:
        return node.attrs["dtype"]
    source = node.inputs[0].dtype
    if source.kind in "biu":
        return np.dtype(np.float64)
    if source == np.float16:
        return np.dtype(np.float32)
    return node.dtype


@rule("mean")
def mean_of_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """mean(fill c over n) -> c when NumPy's sum of the n copies is exact, so
    dividing it by n gives c back; n = 0 gives NaN as NumPy does."""
    value = fill_value(node.inputs[0])
    if value is None or node.dtype.kind not in "fc":
        return None
    count = _reduced_count(node)
    accumulator = _mean_accumulator(node)
    if accumulator.kind not in "fc":
        return None
    if count == 0:
        # NumPy divides an empty sum by the count 0: the same division gives
        # the same NaN, sign bit included.
        return make_fill(node, np.asarray(0, accumulator) / np.intp(0))
    held = _held(value, accumulator)
    total = exact_sum(held, count)
    if total is None or (ctx.exact and held == 0 and has_sign_bit(held)):
        return None
    # np.mean divides by the count as an intp, so a complex64 sum is divided in
    # complex128, whose rounding differs from complex64's; divide the same way.
    return make_fill(node, (np.asarray(total) / np.intp(count))[()])


@rule("prod")
def prod_of_fill(node: Node, ctx: RewriteContext) -> Node | None:
    """prod(fill c over n) -> c ** n for integers (wrapping), and for c in
    {1, -1, +0, NaN} in floats, where every order gives the same; exact."""
    value = fill_value(node.inputs[0])
    if value is None:
        return None
    count = _reduced_count(node)
    held = _held(value, node.dtype)
    if count == 0:
        return make_fill(node, 1)
    kind = node.dtype.kind
    if kind == "b":
        return make_fill(node, held)
    if kind in "iu":
        bits = 8 * node.dtype.itemsize
        wrapped = pow(int(held), count, 2**bits)
        if kind == "i" and wrapped >= 2 ** (bits - 1):
            wrapped -= 2**bits
        return make_fill(node, wrapped)
    if kind == "f":
        if np.isnan(held):
            return make_fill(node, held)
        if held == 1:
            return make_fill(node, 1)
        if held == -1:
            return make_fill(node, 1 if count % 2 == 0 else -1)
        if held == 0 and not np.signbit(held):
            return make_fill(node, 0)
    return None
