"""Initializers whose values are known when they are built: zeros, ones, constants.

Zeros and Ones return fills; so does Constant for a scalar value. Nothing is
allocated, and the rewrites fold these fills into the operations that use
them.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from lazyinit.dtypes import check_numeric_or_bool
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.initializers.base import Initializer
from lazyinit.ops import creation, movement
from lazyinit.shapes import Shape, size_of
from lazyinit.tensor import LazyTensor

__all__ = ["Constant", "Ones", "Zeros"]


class _Fill(Initializer):
    """An initializer whose every element is ``fill_value``."""

    fill_value: ClassVar[int] = 0

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        # Shape and dtype are normalized by __call__: build the node directly.
        check_numeric_or_bool(dtype, where=type(self).__name__)
        value = creation.fill_scalar(self.fill_value, dtype, op=type(self).__name__)
        return LazyTensor(creation.fill_node(shape, value))

    def generate_partition(
        self,
        shape: Shape,
        dtype: np.dtype,
        partition_shape: Shape,
        partition_offset: Shape,
    ) -> LazyTensor:
        # Every piece of a fill is the fill of the piece's shape.
        return self.generate(partition_shape, dtype)


class Zeros(_Fill):
    """Initializer that generates tensors filled with zeros.

    Also available as ``li.zeros_initializer`` (TensorFlow) and
    ``li.initializers.zeros`` (Keras). The result is a fill node: nothing is
    allocated until it is evaluated, and then by ``np.zeros``.

    Raises
    ------
    ValueError
        When called with a dtype that is not numeric or bool (strings,
        objects, void, datetimes).

    Examples
    --------
    >>> import lazyinit as li
    >>> init = li.zeros_initializer()
    >>> init(shape=[3])
    LazyTensor(shape=(3,), dtype=float32, op=full(0.0))
    >>> init(shape=[2, 2], dtype="int32").numpy()
    array([[0, 0],
           [0, 0]], dtype=int32)
    >>> init(shape=[3], dtype=str)
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: Zeros: dtype expected to be numeric or boolean, ...
    """

    fill_value = 0


class Ones(_Fill):
    """Initializer that generates tensors filled with ones.

    Also available as ``li.ones_initializer`` (TensorFlow) and
    ``li.initializers.ones`` (Keras). The result is a fill node.

    Raises
    ------
    ValueError
        When called with a dtype that is not numeric or bool.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.ones_initializer()(shape=[2, 3]).numpy()
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    >>> li.Ones()(shape=[2], dtype=bool).numpy()
    array([ True,  True])
    """

    fill_value = 1


class Constant(Initializer):
    """Initializer that generates tensors filled with a constant value.

    A scalar ``value`` gives a fill. An array ``value`` is broadcast to the
    requested shape when NumPy can broadcast it; otherwise, as in
    TensorFlow 2, a value with exactly as many elements as the shape is
    reshaped to it in row-major order. Nothing is padded or repeated.

    Parameters
    ----------
    value : scalar, list, tuple or numpy.ndarray, default 0
        Numbers or bools. The value is copied: later changes to the caller's
        array do not reach the initializer.

    Raises
    ------
    TypeError
        If ``value`` is of another kind (a ``LazyTensor``, a dict, a
        string), or, when called, if it can neither be broadcast nor
        reshaped to the shape, or is complex and the dtype real.
    ValueError
        If ``value`` holds an integer beyond 64 bits; when called with a
        dtype that is not numeric or bool, or with partition arguments.

    Notes
    -----
    The default dtype is float32, as for every initializer here; TensorFlow's
    core ``constant_initializer`` infers it from ``value`` instead.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.constant_initializer(2)(shape=(2, 2))
    LazyTensor(shape=(2, 2), dtype=float32, op=full(2.0))
    >>> li.Constant([1, 2, 3])(shape=(2, 3), dtype="int32").numpy()
    array([[1, 2, 3],
           [1, 2, 3]], dtype=int32)
    >>> li.Constant([0, 1, 2, 3, 4, 5])(shape=(2, 3)).numpy()
    array([[0., 1., 2.],
           [3., 4., 5.]], dtype=float32)
    >>> li.Constant([1, 2, 3, 4])(shape=(3,))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyTypeError: Constant: value of shape (4,) (4 elements) ...
    """

    supports_partition = False

    def __init__(self, value: Any = 0) -> None:
        is_accepted = np.isscalar(value) or isinstance(value, list | tuple | np.ndarray)
        if not is_accepted:
            raise LazyTypeError(
                f"Constant: invalid type for value: {type(value).__name__}; expected "
                f"a Python or NumPy scalar, a list, a tuple or a numpy.ndarray"
            )
        try:
            array = np.array(value)
        except ValueError as exc:
            raise LazyTypeError(
                f"Constant: value cannot be read as an array: {exc}"
            ) from exc
        if array.dtype == object and _holds_only_ints(array):
            # NumPy keeps Python ints beyond 64 bits as objects.
            raise LazyValueError(
                f"Constant: value {value!r} holds an integer too large for any "
                f"integer dtype; the representable range is "
                f"[{np.iinfo(np.int64).min}, {np.iinfo(np.uint64).max}]"
            )
        if array.dtype.kind not in "biufc":
            raise LazyTypeError(
                f"Constant: value must hold numbers or bools, received {value!r} "
                f"(NumPy reads it as dtype {array.dtype})"
            )

        array.flags.writeable = False
        self._array = array
        self.value = array.tolist() if array.ndim else array.item()

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        check_numeric_or_bool(dtype, where="Constant")
        array = self._array
        if array.dtype.kind == "c" and dtype.kind != "c":
            # Casting would drop the imaginary part; TensorFlow refuses too.
            raise LazyTypeError(
                f"Constant: value {self.value!r} is complex and cannot be held in "
                f"dtype {dtype}; pass a complex dtype or a real value"
            )
        if array.ndim == 0:
            return creation.full(shape, array[()], dtype)

        constant = creation.asarray(array, dtype)
        if _is_broadcastable(array.shape, shape):
            return movement.broadcast_to(constant, shape)
        if array.size == size_of(shape):
            return movement.reshape(constant, shape)
        raise LazyTypeError(
            f"Constant: value of shape {array.shape} ({array.size} elements) can "
            f"neither be broadcast nor reshaped to shape {shape} "
            f"({size_of(shape)} elements)"
        )

    def get_config(self) -> dict[str, Any]:
        """``{"value": value}``, an array value as nested lists (JSON-ready).

        Examples
        --------
        >>> import numpy as np, lazyinit as li
        >>> li.Constant(np.eye(2)).get_config()
        {'value': [[1.0, 0.0], [0.0, 1.0]]}
        """
        return {"value": self.value}


def _holds_only_ints(array: np.ndarray) -> bool:
    return array.size > 0 and all(
        isinstance(item, int) and not isinstance(item, bool) for item in array.flat
    )


def _is_broadcastable(source: Shape, target: Shape) -> bool:
    """True when NumPy broadcasts ``source`` to exactly ``target``."""
    try:
        return np.broadcast_shapes(source, target) == target
    except ValueError:
        return False
