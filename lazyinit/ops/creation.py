"""Leaf ops: fills, NumPy constants, placeholders and seeded random draws."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from lazyinit import random as streams
from lazyinit.dtypes import check_numeric_or_bool, is_floating, normalize_dtype
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, register_op
from lazyinit.shapes import normalize_shape, size_of
from lazyinit.tensor import LazyTensor

__all__ = [
    "asarray",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "placeholder",
    "random_normal",
    "random_uniform",
    "zeros",
    "zeros_like",
]


def fill_scalar(value: Any, dtype: np.dtype, *, op: str = "full") -> np.generic:
    """``value`` held in ``dtype``, as NumPy would store it in an array.

    Python ints out of range and non-finite values for integer dtypes raise
    instead of wrapping silently.
    """
    if isinstance(value, LazyTensor):
        raise LazyTypeError(f"{op}: fill_value must be a scalar, received a LazyTensor")
    array = np.asarray(value)
    if array.ndim != 0:
        raise LazyValueError(
            f"{op}: fill_value must be a scalar, received an array of shape "
            f"{array.shape}"
        )
    if array.dtype.kind not in "biufc":
        raise LazyTypeError(
            f"{op}: fill_value must be a number or bool, received {value!r}"
        )
    if dtype.kind in "iu":
        if array.dtype.kind in "fc" and not np.isfinite(array):
            raise LazyValueError(
                f"{op}: fill_value {value!r} cannot be held in dtype {dtype}"
            )
        if array.dtype.kind in "iu":
            info = np.iinfo(dtype)
            if not info.min <= int(array) <= info.max:
                raise LazyValueError(
                    f"{op}: fill_value {value!r} is out of range for dtype {dtype} "
                    f"[{info.min}, {info.max}]"
                )
    with np.errstate(all="ignore"):
        return array.astype(dtype)[()]


def _fill_kernel(node: Node) -> np.ndarray:
    # A read-only broadcast view costs nothing; the evaluator materializes it
    # into a writable array only when it is an output.
    return np.broadcast_to(node.attrs["value"], node.shape)


register_op("full", _fill_kernel)


def fill_node(shape: tuple[int, ...], value: np.generic) -> Node:
    """A fill node of ``value``'s dtype; shape and value already normalized."""
    return Node("full", (), {"value": value}, shape, value.dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor of ``shape`` filled with ``fill_value``.

    Parameters
    ----------
    shape : int or sequence of ints
    fill_value : scalar
        Held in ``dtype`` as NumPy would store it (``1.0001`` in float16 is 1).
    dtype : dtype-like, optional
        Defaults to the dtype NumPy infers for ``fill_value``.

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import lazyinit as li
    >>> t = li.full((2, 3), 7, dtype="int16")
    >>> t
    LazyTensor(shape=(2, 3), dtype=int16, op=full(7))
    >>> t.numpy()
    array([[7, 7, 7],
           [7, 7, 7]], dtype=int16)
    """
    shape = normalize_shape(shape)
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
    dtype = check_numeric_or_bool(normalize_dtype(dtype), where="full")
    return LazyTensor(fill_node(shape, fill_scalar(fill_value, dtype)))


def zeros(shape: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor of zeros (float32 by default); materializes by calloc.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.zeros((2, 2)).numpy()
    array([[0., 0.],
           [0., 0.]], dtype=float32)
    """
    return full(shape, 0, normalize_dtype(dtype))


def ones(shape: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor of ones (float32 by default).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.ones(3, dtype=bool).numpy()
    array([ True,  True,  True])
    """
    return full(shape, 1, normalize_dtype(dtype))


def _like(tensor: Any, value: Any, dtype: Any) -> LazyTensor:
    from lazyinit.tensor import as_tensor

    tensor = as_tensor(tensor)
    dtype = tensor.dtype if dtype is None else dtype
    return full(tensor.shape, value, dtype)


def zeros_like(tensor: Any, dtype: Any = None) -> LazyTensor:
    """Zeros with the shape (and by default the dtype) of ``tensor``.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.zeros_like(li.ones((2,), dtype="int8"))
    LazyTensor(shape=(2,), dtype=int8, op=full(0))
    """
    return _like(tensor, 0, dtype)


def ones_like(tensor: Any, dtype: Any = None) -> LazyTensor:
    """Ones with the shape (and by default the dtype) of ``tensor``.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.ones_like(li.zeros((2,)))
    LazyTensor(shape=(2,), dtype=float32, op=full(1.0))
    """
    return _like(tensor, 1, dtype)


def full_like(tensor: Any, fill_value: Any, dtype: Any = None) -> LazyTensor:
    """A fill with the shape (and by default the dtype) of ``tensor``.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.full_like(li.zeros((2,)), 0.5).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    return _like(tensor, fill_value, dtype)


# --- NumPy constants -------------------------------------------------------


class ConstantFacts:
    """Facts about a constant's data, computed once on first use."""

    __slots__ = ("_finite",)

    def __init__(self) -> None:
        self._finite: bool | None = None

    def is_finite(self, data: np.ndarray) -> bool:
        if self._finite is None:
            kind = data.dtype.kind
            self._finite = kind in "biu" or bool(np.isfinite(data).all())
        return self._finite


def _constant_kernel(node: Node) -> np.ndarray:
    return node.attrs["data"]


register_op("constant", _constant_kernel)


def asarray(value: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor holding a snapshot of ``value``.

    The data is copied once, so later changes to the caller's array never
    reach the lazy tensor. A ``LazyTensor`` is returned as it is (cast when
    ``dtype`` differs).

    Parameters
    ----------
    value : array_like or LazyTensor
    dtype : dtype-like, optional

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> a = np.arange(3)
    >>> t = li.asarray(a)
    >>> a[0] = 100
    >>> t.numpy()
    array([0, 1, 2])
    """
    if isinstance(value, LazyTensor):
        return value if dtype is None else value.astype(dtype)
    if dtype is not None:
        dtype = normalize_dtype(dtype)
    try:
        data = np.array(value, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise LazyTypeError(
            f"asarray: cannot convert {type(value).__name__} to an array: {exc}"
        ) from exc
    check_numeric_or_bool(data.dtype, where="asarray")
    data.flags.writeable = False
    attrs = {"data": data, "facts": ConstantFacts()}
    return LazyTensor(Node("constant", (), attrs, data.shape, data.dtype))


# --- placeholders ------------------------------------------------------------


def _placeholder_kernel(node: Node) -> np.ndarray:
    raise LazyValueError(
        f"placeholder {node.attrs['name']!r} was not fed: pass "
        f"feed={{{node.attrs['name']!r}: array}} to evaluate"
    )


register_op("placeholder", _placeholder_kernel)


def placeholder(name: str, shape: Any, dtype: Any = None) -> LazyTensor:
    """An input of known shape and dtype, fed when the graph is evaluated.

    Parameters
    ----------
    name : str
        The key under which ``evaluate(..., feed={name: array})`` finds it.
    shape : int or sequence of ints
    dtype : dtype-like, default float32

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> x = li.placeholder("x", (2,))
    >>> li.evaluate(x * 2, feed={"x": np.array([1, 2], np.float32)})
    array([2., 4.], dtype=float32)
    """
    if not isinstance(name, str) or not name:
        raise LazyTypeError(f"placeholder: name must be a non-empty str, got {name!r}")
    shape = normalize_shape(shape)
    dtype = check_numeric_or_bool(normalize_dtype(dtype), where="placeholder")
    return LazyTensor(Node("placeholder", (), {"name": name}, shape, dtype))


# --- seeded random draws -----------------------------------------------------


def _flat_slice(node: Node, draw) -> np.ndarray:
    return draw(node.attrs["seed"], 0, size_of(node.shape)).reshape(node.shape)


def _cast_draw(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    return values.astype(dtype, copy=False)


def _random_normal_kernel(node: Node) -> np.ndarray:
    attrs = node.attrs
    values = _flat_slice(node, streams.standard_normal)
    values *= attrs["stddev"]
    values += attrs["mean"]
    return _cast_draw(values, node.dtype)


def _random_uniform_kernel(node: Node) -> np.ndarray:
    attrs = node.attrs
    values = _flat_slice(node, streams.uniform)
    low, high = attrs["minval"], attrs["maxval"]
    if node.dtype.kind in "iu":
        return _uniform_integers(values, low, high, node.dtype)
    values *= high - low
    values += low
    values = _cast_draw(values, node.dtype)
    if high > low:
        # Rounding (to float64, then to a narrower dtype) can carry a value
        # just below ``maxval`` up to it; the interval is half-open.
        below = np.nextafter(node.dtype.type(high), node.dtype.type(low))
        np.minimum(values, below, out=values)
    return values


def _uniform_integers(
    values: np.ndarray, low: int, high: int, dtype: np.dtype
) -> np.ndarray:
    # ``floor(u * span)`` lies in [0, span) for 53-bit uniforms and spans up to
    # 2**53. Adding ``low`` in the target dtype wraps modulo 2**bits, which
    # lands exactly on ``low + offset`` because that sum is in range.
    offsets = np.floor(values * (high - low)).astype(np.uint64)
    return offsets.astype(dtype) + dtype.type(low)


register_op("random_normal", _random_normal_kernel)
register_op("random_uniform", _random_uniform_kernel)


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


def random_normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: int | None = None,
) -> LazyTensor:
    """A lazy draw from a normal distribution, counter-based and seeded.

    Element ``i`` depends only on ``seed`` and ``i``, so a slice materializes
    the same values as the same slice of the whole. Without a seed, a fresh
    one is drawn now: the tensor's values are fixed when it is built.

    Examples
    --------
    >>> import lazyinit as li
    >>> t = li.random_normal((1000,), stddev=2.0, seed=1)
    >>> bool((t.numpy() == t.numpy()).all())
    True
    >>> float(abs(t.numpy().std() - 2.0)) < 0.2
    True
    """
    shape = normalize_shape(shape)
    dtype = normalize_dtype(dtype)
    attrs = {
        "seed": _seed(seed, "random_normal"),
        "mean": float(mean),
        "stddev": float(stddev),
    }
    return LazyTensor(Node("random_normal", (), attrs, shape, dtype))


def random_uniform(
    shape: Any,
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: int | None = None,
) -> LazyTensor:
    """A lazy uniform draw in ``[minval, maxval)``, counter-based and seeded.

    Floating dtypes draw reals; integer dtypes draw whole numbers, so their
    bounds must be whole numbers with ``minval < maxval``.

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
    attrs = {
        "seed": _seed(seed, "random_uniform"),
        "minval": minval,
        "maxval": maxval,
    }
    return LazyTensor(Node("random_uniform", (), attrs, shape, dtype))
