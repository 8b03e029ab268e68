"""Random initializers: lazy, counter-based draws from a distribution.

Any slice of their tensors (and so any partition) materializes bit-identical
to the same slice of the whole, drawing only its own elements.

Seeds follow TensorFlow's core initializers. A seeded initializer gives the
same values on every call and from every instance with that seed; an
unseeded one draws a fresh seed on every call, so one instance reused for
ten weights gives ten different tensors. Either way a lazy tensor's values
are fixed when it is built: evaluating or slicing it never draws again.
``get_config()`` reports the constructor's seed (None when unseeded).

A partition (``partition_shape``, ``partition_offset``) is the matching slice
of the full tensor. Pieces of one tensor built by separate calls therefore
need a seed: unseeded, each call slices a different draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lazyinit.dtypes import is_floating, is_integer
from lazyinit.errors import LazyValueError
from lazyinit.initializers.base import (
    Initializer,
    check_floating,
    check_real,
    check_seed,
)
from lazyinit.ops import random
from lazyinit.shapes import Shape
from lazyinit.tensor import LazyTensor

__all__ = ["RandomNormal", "RandomUniform", "TruncatedNormal"]


class _Normal(Initializer):
    """A normal-family draw with ``mean``, ``stddev`` and ``seed``."""

    draw = staticmethod(random.random_normal)

    def __init__(
        self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None
    ) -> None:
        where = type(self).__name__
        self.mean = check_real(mean, "mean", where=where)
        self.stddev = check_real(stddev, "stddev", where=where)
        if self.stddev < 0:
            raise LazyValueError(
                f"{where}: stddev must be non-negative, received stddev={stddev!r}"
            )
        self.seed = check_seed(seed, where=where)

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        check_floating(dtype, where=type(self).__name__)
        return self.draw(shape, self.mean, self.stddev, dtype, self.seed)

    def get_config(self) -> dict[str, Any]:
        """``mean``, ``stddev`` and the constructor's ``seed``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.RandomNormal().get_config()
        {'mean': 0.0, 'stddev': 0.05, 'seed': None}
        """
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomNormal(_Normal):
    """Initializer that generates tensors with a normal distribution.

    Parameters
    ----------
    mean : float, default 0.0
        Mean of the distribution.
    stddev : float, default 0.05
        Standard deviation of the distribution; non-negative.
    seed : int or None, default None
        A non-negative int gives the same values on every call; None draws
        new values on every call.

    Raises
    ------
    ValueError
        For a negative ``stddev``, non-finite parameters, a negative seed,
        or, when called, a dtype that is not floating point.
    TypeError
        For parameters or a seed that are not numbers.

    Examples
    --------
    >>> import lazyinit as li
    >>> init = li.random_normal_initializer(mean=1.0, stddev=2.0, seed=7)
    >>> w = init(shape=(1000,))
    >>> w
    LazyTensor(shape=(1000,), dtype=float32, op=random_normal(seed=7))
    >>> bool((w.numpy() == init(shape=(1000,)).numpy()).all())
    True
    >>> li.RandomNormal(stddev=-1.0)
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: RandomNormal: stddev must be non-negative, ...
    """

    draw = staticmethod(random.random_normal)


class RandomUniform(Initializer):
    """Initializer that generates tensors with a uniform distribution.

    Values lie in ``[minval, maxval)``. Floating dtypes draw reals; integer
    dtypes draw whole numbers and need whole-number bounds with
    ``minval < maxval`` (the default bounds do not qualify).

    Parameters
    ----------
    minval : float or int, default -0.05
        Lower bound, included.
    maxval : float or int, default 0.05
        Upper bound, excluded; not below ``minval``.
    seed : int or None, default None
        A non-negative int gives the same values on every call; None draws
        new values on every call.

    Raises
    ------
    ValueError
        If ``minval > maxval``, for non-finite bounds or a negative seed,
        or, when called, for a dtype that is neither floating nor integer or
        integer bounds that do not fit it.
    TypeError
        For bounds or a seed that are not numbers.

    Examples
    --------
    >>> import lazyinit as li
    >>> u = li.random_uniform_initializer(-1.0, 1.0, seed=0)(shape=(100,)).numpy()
    >>> bool((u >= -1).all() and (u < 1).all())
    True
    >>> li.RandomUniform(0, 6, seed=0)(shape=(6,), dtype="int32").numpy()
    array([...], dtype=int32)
    >>> li.RandomUniform(minval=1.0, maxval=0.0)
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: RandomUniform: minval must not exceed maxval, ...
    """

    def __init__(
        self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None
    ) -> None:
        self.minval = check_real(minval, "minval", where="RandomUniform")
        self.maxval = check_real(maxval, "maxval", where="RandomUniform")
        if self.minval > self.maxval:
            raise LazyValueError(
                f"RandomUniform: minval must not exceed maxval, received "
                f"minval={minval!r}, maxval={maxval!r}"
            )
        self.seed = check_seed(seed, where="RandomUniform")

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        if is_integer(dtype):
            random.check_integer_bounds(
                self.minval, self.maxval, dtype, where="RandomUniform"
            )
        elif not is_floating(dtype):
            raise LazyValueError(
                f"RandomUniform: dtype expected to be floating point or integer, "
                f"received {dtype!r}"
            )
        return random.random_uniform(shape, self.minval, self.maxval, dtype, self.seed)

    def get_config(self) -> dict[str, Any]:
        """``minval``, ``maxval`` and the constructor's ``seed``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.RandomUniform().get_config()
        {'minval': -0.05, 'maxval': 0.05, 'seed': None}
        """
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Normal):
    """Initializer that generates tensors with a truncated normal distribution.

    Values farther than two standard deviations from the mean are redrawn,
    as in TensorFlow, so every value lies in ``[mean - 2 stddev, mean + 2
    stddev]`` (bounds held in the dtype, rounded inward). The standard
    deviation of the result is about ``0.8796 * stddev``; no correction is
    applied here (:class:`VarianceScaling` applies one).

    Parameters
    ----------
    mean : float, default 0.0
        Mean of the distribution before truncation.
    stddev : float, default 0.05
        Standard deviation before truncation; non-negative.
    seed : int or None, default None
        A non-negative int gives the same values on every call; None draws
        new values on every call.

    Raises
    ------
    ValueError
        For a negative ``stddev``, non-finite parameters, a negative seed,
        or, when called, a dtype that is not floating point.
    TypeError
        For parameters or a seed that are not numbers.

    Examples
    --------
    >>> import lazyinit as li
    >>> init = li.truncated_normal_initializer(mean=1.0, stddev=0.5, seed=7)
    >>> w = init(shape=(1000,))
    >>> w
    LazyTensor(shape=(1000,), dtype=float32, op=truncated_normal(seed=7))
    >>> values = w.numpy()
    >>> bool(values.min() >= 0.0 and values.max() <= 2.0)
    True
    """

    draw = staticmethod(random.truncated_normal)
