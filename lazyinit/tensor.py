"""``LazyTensor``: the public handle on a graph node.

A lazy tensor is immutable. Its shape and dtype are known when it is built;
its values are computed only by :func:`lazyinit.evaluate` (or ``numpy()``,
``np.asarray``). Operators build new lazy tensors.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, topological_order

__all__ = ["LazyTensor", "as_tensor"]


class LazyTensor:
    """A lazy n-dimensional array: a node of a graph, not yet computed.

    Build one with an initializer (``li.zeros_initializer()(shape)``),
    ``li.asarray``, ``li.zeros``/``ones``/``full`` or ``li.placeholder``, and
    combine them with NumPy-like operators and functions.

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.zeros((3, 4))
    >>> w.shape, w.dtype, w.nbytes
    ((3, 4), dtype('float32'), 48)
    >>> (w + 1).numpy().sum()
    np.float32(12.0)
    """

    __slots__ = ("node",)

    node: Node

    def __init__(self, node: Node) -> None:
        object.__setattr__(self, "node", node)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"LazyTensor is immutable; cannot set {name!r}")

    # --- metadata ------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, known without computing anything."""
        return self.node.shape

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the values."""
        return self.node.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return len(self.node.shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        size = 1
        for dim in self.node.shape:
            size *= dim
        return size

    @property
    def nbytes(self) -> int:
        """The bytes the values take once materialized."""
        return self.size * self.node.dtype.itemsize

    @property
    def op(self) -> str:
        """The name of the operation that makes this tensor."""
        return self.node.op

    @property
    def inputs(self) -> tuple[LazyTensor, ...]:
        """The lazy tensors this one is computed from."""
        return tuple(LazyTensor(node) for node in self.node.inputs)

    @property
    def fill_value(self) -> np.generic | None:
        """The value of every element if this is a fill, else None."""
        if self.node.op == "full":
            return self.node.attrs["value"]
        return None

    def __len__(self) -> int:
        if not self.node.shape:
            raise LazyTypeError("len() of a 0-d lazy tensor")
        return self.node.shape[0]

    def __iter__(self) -> Iterator[LazyTensor]:
        # Raise here, not on the first next(): NumPy's iter() of a 0-d array does.
        if not self.node.shape:
            raise LazyTypeError("iteration over a 0-d lazy tensor")
        return (self[i] for i in range(self.node.shape[0]))

    def __repr__(self) -> str:
        return (
            f"LazyTensor(shape={self.node.shape}, dtype={self.node.dtype}, "
            f"op={_describe_op(self.node)})"
        )

    def __bool__(self) -> bool:
        raise LazyTypeError(
            "the truth value of a LazyTensor is not known until it is evaluated; "
            "use li.evaluate(t) or bool(t.numpy())"
        )

    def __index__(self) -> int:
        raise LazyTypeError(
            "a LazyTensor cannot be used as an index or an int: its value is not "
            "known until it is evaluated; use int(t.numpy())"
        )

    __hash__ = None  # type: ignore[assignment]  # == builds a lazy tensor

    def _repr_html_(self) -> str:
        from lazyinit.display import tensor_html

        return tensor_html(self)

    def node_count(self) -> int:
        """The number of nodes in this tensor's graph."""
        return len(topological_order([self.node]))

    # --- materialization -------------------------------------------------------

    def numpy(self, **options: Any) -> np.ndarray:
        """Evaluate to a new, writable NumPy array (see ``li.evaluate``).

        Examples
        --------
        >>> import lazyinit as li
        >>> li.ones((2,), dtype="int32").numpy()
        array([1, 1], dtype=int32)
        """
        from lazyinit.evaluate import evaluate

        return evaluate(self, **options)

    # --- NumPy and array API protocols (the tables are in lazyinit.interop) ---

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        from lazyinit import interop

        interop.refuse_masked_caller(sys._getframe(1).f_code)
        return interop.to_array(self, dtype, copy)

    def __array_ufunc__(
        self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any
    ) -> Any:
        from lazyinit import interop

        return interop.apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(
        self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        from lazyinit import interop

        return interop.apply_function(func, types, args, kwargs)

    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The array API standard namespace, :mod:`lazyinit.array_api`.

        Examples
        --------
        >>> import lazyinit as li
        >>> xp = li.ones((2, 3)).__array_namespace__()
        >>> xp.sum(xp.ones((2, 3)), axis=0).shape
        (3,)
        """
        from lazyinit.array_api import namespace

        return namespace(api_version)

    @property
    def device(self) -> str:
        """Where the values are computed: always ``"cpu"`` (NumPy)."""
        return "cpu"

    def to_device(self, device: Any, /, *, stream: Any = None) -> LazyTensor:
        """This tensor on ``device``; only ``"cpu"`` exists."""
        if device != "cpu":
            raise LazyValueError(
                f"to_device: the only device is 'cpu', received {device!r}"
            )
        return self

    # --- operators ---------------------------------------------------------------

    def __add__(self, other: Any) -> LazyTensor:
        return elementwise.add(self, other)

    def __radd__(self, other: Any) -> LazyTensor:
        return elementwise.add(other, self)

    def __sub__(self, other: Any) -> LazyTensor:
        return elementwise.subtract(self, other)

    def __rsub__(self, other: Any) -> LazyTensor:
        return elementwise.subtract(other, self)

    def __mul__(self, other: Any) -> LazyTensor:
        return elementwise.multiply(self, other)

    def __rmul__(self, other: Any) -> LazyTensor:
        return elementwise.multiply(other, self)

    def __truediv__(self, other: Any) -> LazyTensor:
        return elementwise.divide(self, other)

    def __rtruediv__(self, other: Any) -> LazyTensor:
        return elementwise.divide(other, self)

    def __floordiv__(self, other: Any) -> LazyTensor:
        return elementwise.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> LazyTensor:
        return elementwise.floor_divide(other, self)

    def __mod__(self, other: Any) -> LazyTensor:
        return elementwise.remainder(self, other)

    def __rmod__(self, other: Any) -> LazyTensor:
        return elementwise.remainder(other, self)

    def __pow__(self, other: Any) -> LazyTensor:
        return elementwise.power(self, other)

    def __rpow__(self, other: Any) -> LazyTensor:
        return elementwise.power(other, self)

    def __matmul__(self, other: Any) -> LazyTensor:
        return linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> LazyTensor:
        return linalg.matmul(other, self)

    def __and__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_and(self, other)

    def __rand__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_and(other, self)

    def __or__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_or(self, other)

    def __ror__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_or(other, self)

    def __xor__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_xor(self, other)

    def __rxor__(self, other: Any) -> LazyTensor:
        return elementwise.bitwise_xor(other, self)

    def __neg__(self) -> LazyTensor:
        return elementwise.negative(self)

    def __pos__(self) -> LazyTensor:
        return elementwise.positive(self)

    def __abs__(self) -> LazyTensor:
        return elementwise.absolute(self)

    def __invert__(self) -> LazyTensor:
        return elementwise.invert(self)

    def __eq__(self, other: Any) -> LazyTensor:  # type: ignore[override]
        return elementwise.equal(self, other)

    def __ne__(self, other: Any) -> LazyTensor:  # type: ignore[override]
        return elementwise.not_equal(self, other)

    def __lt__(self, other: Any) -> LazyTensor:
        return elementwise.less(self, other)

    def __le__(self, other: Any) -> LazyTensor:
        return elementwise.less_equal(self, other)

    def __gt__(self, other: Any) -> LazyTensor:
        return elementwise.greater(self, other)

    def __ge__(self, other: Any) -> LazyTensor:
        return elementwise.greater_equal(self, other)

    def __getitem__(self, index: Any) -> LazyTensor:
        return movement.getitem(self, index)

    # --- methods -------------------------------------------------------------------

    def astype(self, dtype: Any) -> LazyTensor:
        """Cast to ``dtype`` (NumPy's ``astype`` with ``casting="unsafe"``)."""
        return elementwise.astype(self, dtype)

    def reshape(self, *shape: Any) -> LazyTensor:
        """Reshape; accepts ``t.reshape(2, 3)`` and ``t.reshape((2, 3))``."""
        return movement.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> LazyTensor:
        """Permute axes; no argument reverses them."""
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
            return movement.transpose(self, axes[0] or None)
        return movement.transpose(self, axes or None)

    @property
    def T(self) -> LazyTensor:
        """The transpose (axes reversed)."""
        return movement.transpose(self)

    @property
    def mT(self) -> LazyTensor:
        """The matrix transpose of the last two axes."""
        return movement.matrix_transpose(self)

    def sum(
        self,
        axis: Any = None,
        dtype: Any = None,
        out: None = None,
        keepdims: bool = False,
    ) -> LazyTensor:
        """Sum over ``axis`` as ``np.sum`` does."""
        _refuse_out("sum", out)
        return reduction.sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(
        self,
        axis: Any = None,
        dtype: Any = None,
        out: None = None,
        keepdims: bool = False,
    ) -> LazyTensor:
        """Mean over ``axis`` as ``np.mean`` does."""
        _refuse_out("mean", out)
        return reduction.mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(
        self,
        axis: Any = None,
        dtype: Any = None,
        out: None = None,
        keepdims: bool = False,
    ) -> LazyTensor:
        """Product over ``axis`` as ``np.prod`` does."""
        _refuse_out("prod", out)
        return reduction.prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(
        self, axis: Any = None, out: None = None, keepdims: bool = False
    ) -> LazyTensor:
        """Maximum over ``axis`` as ``np.max`` does."""
        _refuse_out("max", out)
        return reduction.max(self, axis=axis, keepdims=keepdims)

    def min(
        self, axis: Any = None, out: None = None, keepdims: bool = False
    ) -> LazyTensor:
        """Minimum over ``axis`` as ``np.min`` does."""
        _refuse_out("min", out)
        return reduction.min(self, axis=axis, keepdims=keepdims)

    def squeeze(self, axis: Any = None) -> LazyTensor:
        """Remove axes of length one."""
        return movement.squeeze(self, axis)

    def take(self, indices: Any, axis: int | None = None) -> LazyTensor:
        """Take elements along an axis (``np.take``)."""
        return movement.take(self, indices, axis=axis)


def _refuse_out(op: str, out: Any) -> None:
    """Refuse an ``out=`` array: a lazy tensor's result is a new node."""
    # np.sum(t), np.mean(t), np.max(t) call these methods with out=None, so
    # the keyword is accepted; only a real output array is refused.
    if out is not None:
        raise LazyTypeError(
            f"{op}: out= is not supported by lazy tensors, received "
            f"{type(out).__name__}; expected None (evaluate, then write the result)"
        )


def _describe_op(node: Node) -> str:
    if node.op == "full":
        return f"full({node.attrs['value'].item()!r})"
    if node.op == "placeholder":
        return f"placeholder({node.attrs['name']!r})"
    if "seed" in node.attrs:
        return f"{node.op}(seed={node.attrs['seed']})"
    return node.op


def as_tensor(value: Any) -> LazyTensor:
    """``value`` as a lazy tensor (a snapshot for NumPy data).

    ``np.matrix`` and masked arrays are refused as operands: ``*`` is a matrix
    product for the one and the other carries a mask, and a plain lazy array
    would silently keep neither.
    """
    if isinstance(value, LazyTensor):
        return value
    if isinstance(value, np.matrix):
        raise LazyTypeError(
            "lazy tensors cannot combine with an np.matrix, whose * is a matrix "
            "product; convert it with np.asarray(m) and use @ for the product"
        )
    if isinstance(value, np.ma.MaskedArray):
        raise LazyTypeError(
            "lazy tensors cannot combine with a masked array: a lazy tensor "
            "holds no mask, so the mask would be lost; evaluate the tensor "
            "first with np.asarray(t), or pass np.ma.getdata(masked)"
        )
    return creation.asarray(value)


# Imported last: the op modules build LazyTensor objects themselves.
from lazyinit.ops import (  # noqa: E402
    creation,
    elementwise,
    linalg,
    movement,
    reduction,
)
