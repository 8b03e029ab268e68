"""Leaf ops: fills, NumPy constants, placeholders and seeded random draws."""

from __future__ import annotations

from typing import Any

import numpy as np

from lazyinit.dtypes import check_numeric_or_bool, normalize_dtype, scalar_of
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, register_op
from lazyinit.shapes import normalize_shape
from lazyinit.tensor import LazyTensor

__all__ = [
    "asarray",
    "eye",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "placeholder",
    "zeros",
    "zeros_like",
]


_HELD: dict[tuple[type, str, np.dtype], np.generic] = {}
_HELD_LIMIT = 4096


def fill_scalar(value: Any, dtype: np.dtype, *, op: str = "full") -> np.generic:
    """``value`` held in ``dtype``, as NumPy would store it in an array.

    Python ints out of range and non-finite values for integer dtypes raise
    instead of wrapping silently. Python scalars are remembered per dtype:
    building a node is on the hot path of every initializer call.
    """
    if type(value) not in (int, float, bool):
        return _hold(value, dtype, op)
    key = (type(value), repr(value), dtype)  # repr keeps -0.0 and 0.0 apart
    held = _HELD.get(key)
    if held is None:
        held = _hold(value, dtype, op)
        if len(_HELD) >= _HELD_LIMIT:
            _HELD.clear()
        _HELD[key] = held
    return held


def _hold(value: Any, dtype: np.dtype, op: str) -> np.generic:
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
        return scalar_of(array.astype(dtype))


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
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
    return _fill(shape, fill_value, dtype, op="full")


def _fill(shape: Any, value: Any, dtype: Any, *, op: str) -> LazyTensor:
    """The fill behind full, zeros and ones; errors name ``op``."""
    shape = normalize_shape(shape, argument=f"{op}: shape")
    dtype = check_numeric_or_bool(normalize_dtype(dtype), where=op)
    return LazyTensor(fill_node(shape, fill_scalar(value, dtype, op=op)))


def zeros(shape: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor of zeros (float32 by default); materializes by calloc.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.zeros((2, 2)).numpy()
    array([[0., 0.],
           [0., 0.]], dtype=float32)
    """
    return _fill(shape, 0, normalize_dtype(dtype), op="zeros")


def ones(shape: Any, dtype: Any = None) -> LazyTensor:
    """A lazy tensor of ones (float32 by default).

    Examples
    --------
    >>> import lazyinit as li
    >>> li.ones(3, dtype=bool).numpy()
    array([ True,  True,  True])
    """
    return _fill(shape, 1, normalize_dtype(dtype), op="ones")


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


# --- identity matrices -------------------------------------------------------


def _eye_kernel(node: Node) -> np.ndarray:
    rows, cols = node.shape
    out = np.zeros(node.shape, node.dtype)
    out.ravel()[:: cols + 1][: min(rows, cols)] = node.attrs["value"]
    return out


register_op("eye", _eye_kernel)


def eye_node(shape: tuple[int, int], value: np.generic) -> Node:
    """A matrix of zeros with ``value`` on its main diagonal, in ``value``'s dtype."""
    return Node("eye", (), {"value": value}, shape, value.dtype)


def eye(rows: Any, cols: Any = None, dtype: Any = None) -> LazyTensor:
    """A lazy 2-D array with ones on the main diagonal, like ``np.eye``.

    Parameters
    ----------
    rows : int
    cols : int, optional
        Defaults to ``rows``.
    dtype : dtype-like, default float32

    Returns
    -------
    LazyTensor

    Examples
    --------
    >>> import lazyinit as li
    >>> li.eye(2, 3, dtype="int8").numpy()
    array([[1, 0, 0],
           [0, 1, 0]], dtype=int8)
    """
    n, m = normalize_shape((rows, rows if cols is None else cols), argument="eye")
    dtype = check_numeric_or_bool(normalize_dtype(dtype), where="eye")
    return LazyTensor(eye_node((n, m), fill_scalar(1, dtype, op="eye")))
