"""The :class:`Initializer` base class and the checks its subclasses share.

An initializer is a callable ``init(shape, dtype=None)`` that returns a lazy
tensor; calling it allocates nothing. The base class normalizes the shape and
the dtype (float32 by default) once, validates TensorFlow's partition keyword
arguments, and leaves the graph to :meth:`Initializer.generate`.
"""

from __future__ import annotations

import inspect
import math
import numbers
import operator
import reprlib
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from lazyinit.dtypes import is_floating, normalize_dtype
from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.shapes import Shape, normalize_shape
from lazyinit.tensor import LazyTensor

__all__ = ["Initializer"]

_PARTITION_KEYWORDS = ("partition_shape", "partition_offset")


class Initializer:
    """Base class of initializers: callables that build lazy tensors.

    ``init(shape, dtype=None)`` normalizes ``shape`` and ``dtype`` (float32
    when omitted) and returns :meth:`generate` of them. Subclasses implement
    :meth:`generate` and, when their constructor takes arguments,
    :meth:`get_config`; :meth:`from_config` then rebuilds them.

    TensorFlow's partition keyword arguments are accepted: with
    ``partition_shape`` (and optionally ``partition_offset``, zeros by
    default) the result is the piece of that shape at that offset of the
    tensor of the full ``shape``, equal to the same slice of it.

    Examples
    --------
    >>> import lazyinit as li
    >>> class Twos(li.Initializer):
    ...     def generate(self, shape, dtype):
    ...         return li.full(shape, 2, dtype)
    >>> Twos()((2, 3))
    LazyTensor(shape=(2, 3), dtype=float32, op=full(2.0))
    >>> Twos()((2, 3), partition_shape=(1, 3), partition_offset=(1, 0)).shape
    (1, 3)
    """

    #: Whether ``partition_shape``/``partition_offset`` are accepted.
    supports_partition: ClassVar[bool] = True

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> LazyTensor:
        """Return a lazy tensor of ``shape`` and ``dtype`` (float32 by default).

        Parameters
        ----------
        shape : int, sequence of ints, or ``TensorShape``
            Every dimension known and non-negative; zero-size dims are valid.
        dtype : dtype-like, optional
            Defaults to float32.
        partition_shape : sequence of ints, optional
            Return only the piece of this shape of the full tensor.
        partition_offset : sequence of ints, optional
            Where the piece starts along each axis; zeros by default.

        Returns
        -------
        LazyTensor

        Raises
        ------
        TypeError
            For a keyword argument other than the partition ones, or a shape
            or dtype of the wrong kind.
        ValueError
            For a dtype the initializer does not support, a negative or
            unknown dimension, or a partition outside ``shape``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.Ones()(3, "int8", partition_shape=(2,), partition_offset=(1,))
        LazyTensor(shape=(2,), dtype=int8, op=full(1))
        """
        where = type(self).__name__
        partition_shape, partition_offset = _partition_arguments(kwargs, where)
        shape = normalize_shape(shape, argument=f"{where}: shape")
        dtype = normalize_dtype(dtype, argument=f"{where}: dtype")

        if partition_shape is None and partition_offset is None:
            return self.generate(shape, dtype)
        if not self.supports_partition:
            raise LazyValueError(
                f"{where} initializer doesn't support partition-related arguments "
                f"(received partition_shape={partition_shape!r}, "
                f"partition_offset={partition_offset!r})"
            )
        partition_shape, partition_offset = _check_partition(
            shape, partition_shape, partition_offset, where
        )
        return self.generate_partition(shape, dtype, partition_shape, partition_offset)

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        """Build the lazy tensor; ``shape`` and ``dtype`` are already normalized.

        Subclasses implement this and reject the dtypes they do not support.

        Examples
        --------
        >>> import numpy as np, lazyinit as li
        >>> li.Zeros().generate((2,), np.dtype("int32"))
        LazyTensor(shape=(2,), dtype=int32, op=full(0))
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement generate(shape, dtype)"
        )

    def generate_partition(
        self,
        shape: Shape,
        dtype: np.dtype,
        partition_shape: Shape,
        partition_offset: Shape,
    ) -> LazyTensor:
        """The piece of the full tensor at ``partition_offset``, a basic slice.

        The default builds the full lazy tensor and slices it, so the piece
        equals the same slice of the whole. Subclasses whose values do not
        depend on the position (fills) may build the piece directly.

        Examples
        --------
        >>> import numpy as np, lazyinit as li
        >>> init, float32 = li.RandomNormal(seed=0), np.dtype("float32")
        >>> piece = init.generate_partition((4, 2), float32, (2, 2), (2, 0))
        >>> piece
        LazyTensor(shape=(2, 2), dtype=float32, op=getitem)
        >>> bool((piece.numpy() == init((4, 2)).numpy()[2:]).all())
        True
        """
        whole = self.generate(shape, dtype)
        index = tuple(
            slice(start, start + length)
            for start, length in zip(partition_offset, partition_shape, strict=True)
        )
        return whole[index]

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-compatible; ``{}`` for the base class.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.RandomUniform(seed=3).get_config()
        {'minval': -0.05, 'maxval': 0.05, 'seed': 3}
        """
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuild an initializer from :meth:`get_config`'s output.

        As in TensorFlow 2, a ``"dtype"`` key (written by TensorFlow 1) is
        dropped. The caller's mapping is not modified.

        Parameters
        ----------
        config : mapping
            Constructor arguments by name.

        Returns
        -------
        Initializer

        Raises
        ------
        TypeError
            If ``config`` is not a mapping.
        ValueError
            If ``config`` has a key the constructor does not accept.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.RandomNormal.from_config({"mean": 1.0, "stddev": 2.0, "seed": 7})
        RandomNormal(mean=1.0, stddev=2.0, seed=7)
        >>> li.Zeros.from_config({"dtype": "float32"})
        Zeros()
        >>> li.Zeros.from_config({"value": 1})
        Traceback (most recent call last):
        ...
        lazyinit.errors.LazyValueError: Zeros.from_config: unknown key 'value'; ...
        """
        if not isinstance(config, Mapping):
            raise LazyTypeError(
                f"{cls.__name__}.from_config: config must be a mapping, received "
                f"{type(config).__name__}"
            )
        config = dict(config)
        config.pop("dtype", None)

        accepted = _constructor_arguments(cls)
        if accepted is not None:
            unknown = [key for key in config if key not in accepted]
            if unknown:
                listed = ", ".join(repr(key) for key in unknown)
                allowed = ", ".join(repr(key) for key in accepted) or "none"
                plural = "s" if len(unknown) > 1 else ""
                raise LazyValueError(
                    f"{cls.__name__}.from_config: unknown key{plural} {listed}; "
                    f"accepted keys: {allowed}"
                )
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(
            f"{key}={reprlib.repr(value)}" for key, value in self.get_config().items()
        )
        return f"{type(self).__name__}({arguments})"


def _constructor_arguments(cls: type) -> tuple[str, ...] | None:
    """The keyword names ``cls()`` accepts, or None if it takes ``**kwargs``."""
    parameters = list(inspect.signature(cls).parameters.values())
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    keyword_kinds = (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return tuple(p.name for p in parameters if p.kind in keyword_kinds)


def _partition_arguments(kwargs: Mapping[str, Any], where: str) -> tuple[Any, Any]:
    """``(partition_shape, partition_offset)`` from ``kwargs``; others raise."""
    if not kwargs:
        return None, None
    unknown = [key for key in kwargs if key not in _PARTITION_KEYWORDS]
    if unknown:
        listed = ", ".join(repr(key) for key in unknown)
        raise LazyTypeError(
            f"{where}.__call__: unexpected keyword argument {listed}; the keyword "
            f"arguments accepted besides shape and dtype are 'partition_shape' "
            f"and 'partition_offset'"
        )
    return kwargs.get("partition_shape"), kwargs.get("partition_offset")


def _check_partition(
    shape: Shape, partition_shape: Any, partition_offset: Any, where: str
) -> tuple[Shape, Shape]:
    """Normalized partition arguments, checked to lie inside ``shape``."""
    if partition_shape is None:
        raise LazyValueError(
            f"{where}: partition_offset={partition_offset!r} was given without "
            f"partition_shape"
        )
    partition_shape = normalize_shape(
        partition_shape, argument=f"{where}: partition_shape"
    )
    if partition_offset is None:
        partition_offset = (0,) * len(shape)
    partition_offset = normalize_shape(
        partition_offset, argument=f"{where}: partition_offset"
    )

    for argument, value in (
        ("partition_shape", partition_shape),
        ("partition_offset", partition_offset),
    ):
        if len(value) != len(shape):
            raise LazyValueError(
                f"{where}: {argument} {value} has {len(value)} dimensions but "
                f"shape {shape} has {len(shape)}"
            )
    for axis, (dim, length, start) in enumerate(
        zip(shape, partition_shape, partition_offset, strict=True)
    ):
        if start + length > dim:
            raise LazyValueError(
                f"{where}: partition of shape {partition_shape} at offset "
                f"{partition_offset} does not fit shape {shape}: on axis {axis}, "
                f"{start} + {length} > {dim}"
            )
    return partition_shape, partition_offset


def check_floating(dtype: np.dtype, *, where: str) -> np.dtype:
    """Raise ValueError unless ``dtype`` is a real floating dtype."""
    if not is_floating(dtype):
        raise LazyValueError(
            f"{where}: dtype expected to be floating point (float16, bfloat16, "
            f"float32 or float64), received {dtype!r}"
        )
    return dtype


def check_real(value: Any, argument: str, *, where: str) -> int | float:
    """``value`` as a finite Python int or float; NumPy scalars are unwrapped."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise LazyTypeError(
            f"{where}: {argument} must be a real number, received {value!r} of "
            f"type {type(value).__name__}"
        )
    if not isinstance(value, int):
        value = float(value)
        if not math.isfinite(value):
            raise LazyValueError(
                f"{where}: {argument} must be finite, received {argument}={value!r}"
            )
    return value


def check_seed(seed: Any, *, where: str) -> int | None:
    """``seed`` as a non-negative Python int, or None for an unseeded draw."""
    if seed is None:
        return None
    if isinstance(seed, bool | np.bool_):
        raise LazyTypeError(f"{where}: seed must be an int or None, received {seed!r}")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise LazyTypeError(
            f"{where}: seed must be an int or None, received {seed!r}"
        ) from None
    if seed < 0:
        raise LazyValueError(f"{where}: seed must be non-negative, received {seed}")
    return seed
