"""Linear algebra: ``matmul`` with NumPy's 1-D and batched rules."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from lazyinit.dtypes import scalar_of
from lazyinit.errors import LazyShapeError, LazyTypeError
from lazyinit.graph import Node, register_op
from lazyinit.shapes import broadcast_shapes
from lazyinit.tensor import LazyTensor, as_tensor

__all__ = ["matmul"]


def _blas_ready(array: np.ndarray) -> np.ndarray:
    # Broadcast fills have zero strides, which send NumPy's matmul to its slow
    # generic loop; a contiguous copy lets it call BLAS.
    if array.ndim and 0 in array.strides and array.size > 1:
        return np.ascontiguousarray(array)
    return array


def _matmul_kernel(node: Node, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(_blas_ready(a), _blas_ready(b))


register_op("matmul", _matmul_kernel)


@functools.lru_cache(maxsize=1024)
def _matmul_dtype(a: np.dtype, b: np.dtype) -> np.dtype:
    try:
        return np.matmul(np.ones((1, 1), a), np.ones((1, 1), b)).dtype
    except TypeError:
        raise LazyTypeError(f"matmul: not supported for dtypes {a} and {b}") from None


def matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of ``a @ b`` by NumPy's rules, or a ValueError naming both.

    Examples
    --------
    >>> matmul_shape((2, 3, 4), (4,))
    (2, 3)
    >>> matmul_shape((3, 4), (5, 6))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyShapeError: matmul: shapes (3, 4) and (5, 6) do not align: ...
    """
    if not a or not b:
        which = "first" if not a else "second"
        raise LazyShapeError(
            f"matmul: the {which} operand is 0-d (shapes {a} and {b}); matmul needs "
            "at least 1 dimension (use * for scalars)"
        )
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise LazyShapeError(
            f"matmul: shapes {a} and {b} do not align: {a2[-1]} (dim {len(a) - 1}) "
            f"!= {b2[-2]} (dim {max(len(b) - 2, 0)})"
        )
    batch = broadcast_shapes(a2[:-2], b2[:-2], op="matmul")
    shape = [*batch]
    if len(a) > 1:
        shape.append(a2[-2])
    if len(b) > 1:
        shape.append(b2[-1])
    return tuple(shape)


def matmul(a: Any, b: Any) -> LazyTensor:
    """Lazy ``np.matmul`` (the ``@`` operator).

    Examples
    --------
    >>> import lazyinit as li
    >>> (li.ones((8, 3)) @ li.ones((3, 5))).shape
    (8, 5)
    >>> (li.ones((4, 2, 3)) @ li.ones(3)).shape
    (4, 2)
    """
    a_node, b_node = as_tensor(a).node, as_tensor(b).node
    shape = matmul_shape(a_node.shape, b_node.shape)
    dtype = _matmul_dtype(a_node.dtype, b_node.dtype)
    return LazyTensor(Node("matmul", (a_node, b_node), {}, shape, dtype))


# --- rewrites -----------------------------------------------------------------

from lazyinit.rewrite import (  # noqa: E402
    RewriteContext,
    conform,
    exact_sum,
    fill_value,
    has_sign_bit,
    make_fill,
    rule,
)


def _inner_length(node: Node) -> int:
    return node.inputs[0].shape[-1]


@rule("matmul")
def matmul_fills(node: Node, ctx: RewriteContext) -> Node | None:
    """fill a @ fill b -> fill (K * a * b) when the product and every partial
    sum are exact, so any summation order agrees; always exact then."""
    a, b = (fill_value(child) for child in node.inputs)
    if a is None or b is None:
        return None
    if node.dtype == np.bool_:
        return make_fill(node, bool(a) and bool(b) and _inner_length(node) > 0)
    a_held, b_held = (np.asarray(v).astype(node.dtype) for v in (a, b))
    product = scalar_of(a_held * b_held)
    if ctx.exact and node.dtype.kind == "f" and np.isnan(product):
        # Which operand's NaN (sign, payload) a product keeps depends on the
        # order BLAS multiplies and accumulates in: not bit-predictable.
        return None
    if node.dtype.kind == "f" and np.isfinite(product):
        exact_product = Fraction(float(a_held)) * Fraction(float(b_held))
        if exact_product != Fraction(float(product)):
            return None
    if node.dtype.kind == "c" and not _is_exact_complex_product(
        scalar_of(a_held), scalar_of(b_held)
    ):
        return None
    total = exact_sum(product, _inner_length(node))
    if total is None or (ctx.exact and node.dtype.kind in "fc" and has_sign_bit(total)):
        return None
    return make_fill(node, total)


def _is_exact_complex_product(a: np.complexfloating, b: np.complexfloating) -> bool:
    """True when the four real products of ``a * b`` and their sums are exact."""
    # BLAS may order or fuse the parts of a complex product differently from
    # NumPy's scalar multiply; with every step exact, all orders agree. A
    # non-finite part gives NaNs that depend on the order, so it never folds.
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    part = a.real.dtype
    terms = [(a.real, b.real), (a.imag, b.imag), (a.real, b.imag), (a.imag, b.real)]
    exact = [Fraction(float(x)) * Fraction(float(y)) for x, y in terms]
    sums = [exact[0] - exact[1], exact[2] + exact[3]]
    return all(_is_representable(v, part) for v in exact + sums)


def _is_representable(value: Fraction, dtype: np.dtype) -> bool:
    """True when ``value`` is a finite number of the float ``dtype`` exactly."""
    try:
        rounded = np.float64(float(value)).astype(dtype)
    except OverflowError:
        return False
    return bool(np.isfinite(rounded)) and Fraction(float(rounded)) == value


@rule("matmul")
def matmul_absorbs_zeros(node: Node, ctx: RewriteContext) -> Node | None:
    """zeros @ w -> zeros and x @ zeros -> zeros when the other operand is
    finite; exact for integers, else up to a zero's sign."""
    if ctx.exact and node.dtype.kind in "fc":
        return None
    for position, child in enumerate(node.inputs):
        value = fill_value(child)
        other = node.inputs[1 - position]
        if value is not None and value == 0 and ctx.is_finite(other):
            return make_fill(node, 0)
    return None


@rule("matmul")
def matmul_zeros_keeps_nan(node: Node, ctx: RewriteContext) -> Node | None:
    """x @ zeros -> (max(x)*0 + min(x)*0) over K, broadcast, and likewise for
    zeros @ w, when the other operand may hold NaN or inf: a row (column) with
    one is NaN, as in the product, in O(M*K) instead of O(M*K*N); exact up to
    a zero's sign. An empty K gives zeros, exactly."""
    if node.dtype.kind != "f":
        return None
    for position, child in enumerate(node.inputs):
        value = fill_value(child)
        if value is None or value != 0:
            continue
        if _inner_length(node) == 0:
            return make_fill(node, 0)
        other = node.inputs[1 - position]
        if ctx.exact or other.dtype.kind != "f":
            return None
        return _nan_rows(node, other, position)
    return None


def _nan_rows(node: Node, other: Node, zeros_position: int) -> Node:
    from lazyinit.ops import reduction

    zeros = node.inputs[zeros_position]
    if zeros_position == 1:
        # x @ zeros: reduce x over its last axis (K).
        axis, keepdims = -1, len(other.shape) > 1 and len(zeros.shape) > 1
    else:
        # zeros @ w: reduce w over its K axis.
        axis = -2 if len(other.shape) > 1 else -1
        keepdims = len(other.shape) > 1 and len(zeros.shape) > 1
    tensor = LazyTensor(other)
    largest = reduction.max(tensor, axis=axis, keepdims=keepdims) * 0
    smallest = reduction.min(tensor, axis=axis, keepdims=keepdims) * 0
    return conform((largest + smallest).node, node)
