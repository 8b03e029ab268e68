"""Shape normalization, broadcasting and axis checks, with clear errors."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence, Set
from typing import Any

import numpy as np

from lazyinit.errors import LazyShapeError, LazyTypeError, LazyValueError

__all__ = [
    "MAX_DIMS",
    "Shape",
    "broadcast_shapes",
    "check_ndim",
    "normalize_axes",
    "normalize_axis",
    "normalize_shape",
    "size_of",
]

Shape = tuple[int, ...]

# NumPy's compile-time limit (NPY_MAXDIMS); it is not public in NumPy 2, and
# an array with more dimensions cannot be made, so the graph refuses them.
MAX_DIMS = 64


def _normalize_dim(dim: Any, position: int, argument: str, shape: Any) -> int:
    if dim is None:
        raise LazyValueError(
            f"{argument}: dimension {position} of {shape!r} is unknown (None); "
            "lazy tensors need every dimension known"
        )
    if isinstance(dim, bool | np.bool_):
        raise LazyTypeError(
            f"{argument}: dimension {position} of {shape!r} is a bool ({dim!r}); "
            "expected a non-negative integer"
        )
    value = getattr(dim, "value", dim)  # TensorFlow 1 ``Dimension`` objects
    try:
        value = operator.index(value)
    except TypeError:
        raise LazyTypeError(
            f"{argument}: dimension {position} of {shape!r} is {dim!r} of type "
            f"{type(dim).__name__}; expected a non-negative integer"
        ) from None
    if value < 0:
        raise LazyValueError(
            f"{argument}: dimension {position} of {shape!r} is {value}; "
            "expected a non-negative integer"
        )
    return value


def normalize_shape(shape: Any, *, argument: str = "shape") -> Shape:
    """Return ``shape`` as a tuple of non-negative Python ints.

    Parameters
    ----------
    shape : int, sequence of ints, NumPy integer array, or ``TensorShape``
        Objects with ``as_list()`` (TensorFlow shapes) are accepted.
    argument : str
        The argument name used in error messages.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        For negative or unknown (None) dimensions, or more than 64 of them.
    TypeError
        For dimensions that are not integers (floats, bools, strings), and for
        sets, which have no order.

    Examples
    --------
    >>> normalize_shape([2, 3])
    (2, 3)
    >>> normalize_shape(5)
    (5,)
    >>> normalize_shape(np.array([4, 0]))
    (4, 0)
    >>> normalize_shape((2, -1))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: shape: dimension 1 of (2, -1) is -1; ...
    """
    if (
        isinstance(shape, tuple)
        and len(shape) <= MAX_DIMS
        and all(type(d) is int and d >= 0 for d in shape)
    ):
        return shape
    as_list = getattr(shape, "as_list", None)
    if callable(as_list):
        try:
            shape = as_list()
        except ValueError as exc:
            raise LazyValueError(
                f"{argument}: {shape!r} is not fully defined; lazy tensors need "
                "every dimension known"
            ) from exc
    if isinstance(shape, np.ndarray):
        if shape.ndim > 1:
            raise LazyValueError(
                f"{argument}: expected a 1-D array of dimensions, received an "
                f"array of shape {shape.shape}"
            )
        shape = shape.tolist()
    if isinstance(shape, str | bytes) or not isinstance(shape, Iterable):
        if isinstance(shape, str | bytes):
            raise LazyTypeError(
                f"{argument}: expected an int or a sequence of ints, received {shape!r}"
            )
        return (_normalize_dim(shape, 0, argument, shape),)
    if isinstance(shape, Set):
        raise LazyTypeError(
            f"{argument}: expected an int or a sequence of ints, received the "
            f"{type(shape).__name__} {shape!r}, which has no order"
        )
    dims = tuple(_normalize_dim(d, i, argument, shape) for i, d in enumerate(shape))
    check_ndim(dims, op=argument)
    return dims


def check_ndim(shape: Shape, *, op: str) -> None:
    """Refuse a shape with more dimensions than NumPy arrays can have."""
    if len(shape) > MAX_DIMS:
        raise LazyValueError(
            f"{op}: {len(shape)} dimensions requested; NumPy arrays have at most "
            f"{MAX_DIMS}"
        )


def size_of(shape: Shape) -> int:
    """The number of elements of ``shape`` (1 for a 0-d shape)."""
    size = 1
    for dim in shape:
        size *= dim
    return size


def broadcast_shapes(*shapes: Shape, op: str = "broadcast") -> Shape:
    """Broadcast shapes as NumPy does, or raise naming every shape.

    Examples
    --------
    >>> broadcast_shapes((3, 1), (4,))
    (3, 4)
    >>> broadcast_shapes((2, 3), (4,), op="add")
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyShapeError: add: shapes (2, 3) and (4,) cannot be broadcast ...
    """
    if len(shapes) == 2 and shapes[0] == shapes[1]:
        return shapes[0]
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, dim in enumerate(shape):
            current = result[offset + i]
            if dim == current or dim == 1:
                continue
            if current == 1:
                result[offset + i] = dim
                continue
            listed = " and ".join(str(s) for s in shapes)
            raise LazyShapeError(
                f"{op}: shapes {listed} cannot be broadcast together: "
                f"dimension {current} != {dim}"
            )
    return tuple(result)


def normalize_axis(axis: Any, ndim: int, *, op: str, argument: str = "axis") -> int:
    """Return ``axis`` in ``range(ndim)``, accepting negative axes.

    Examples
    --------
    >>> normalize_axis(-1, 3, op="sum")
    2
    >>> normalize_axis(3, 3, op="sum")
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: sum: axis 3 is out of range for ...
    """
    if isinstance(axis, bool | np.bool_):
        raise LazyTypeError(f"{op}: {argument} must be an integer, received {axis!r}")
    try:
        axis = operator.index(axis)
    except TypeError:
        raise LazyTypeError(
            f"{op}: {argument} must be an integer, received {axis!r}"
        ) from None
    if not -ndim <= axis < ndim:
        raise LazyValueError(
            f"{op}: {argument} {axis} is out of range for an array of dimension {ndim}"
        )
    return axis % ndim if ndim else 0


def normalize_axes(
    axis: Any, ndim: int, *, op: str, argument: str = "axis"
) -> tuple[int, ...]:
    """Normalize ``None``, an int or a sequence of ints to sorted unique axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, Sequence | np.ndarray) and not isinstance(axis, str):
        axes = [normalize_axis(a, ndim, op=op, argument=argument) for a in axis]
    else:
        axes = [normalize_axis(axis, ndim, op=op, argument=argument)]
    if len(set(axes)) != len(axes):
        raise LazyValueError(f"{op}: {argument} {axis!r} repeats an axis")
    return tuple(sorted(axes))
