"""Variance scaling and its presets: Glorot (Xavier), He and LeCun.

``VarianceScaling`` draws with variance ``scale / n``, where ``n`` is the
tensor's fan-in, fan-out or their average, computed as TensorFlow does from
the full shape (the trailing two axes are the input and output channels of a
convolution kernel; the leading ones its receptive field). Every fan is
guarded with ``max(1, fan)``, so zero-size dimensions never divide by zero.
The presets are the Keras classes, whose config holds only ``seed``.

A partition is the matching slice of the full tensor, so its fans are the
full tensor's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.initializers.base import (
    Initializer,
    check_floating,
    check_real,
    check_seed,
)
from lazyinit.ops import random
from lazyinit.shapes import Shape
from lazyinit.tensor import LazyTensor

__all__ = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "VarianceScaling",
    "compute_fans",
]

#: The standard deviation of a standard normal truncated to [-2, 2].
TRUNCATED_STDDEV = 0.87962566103423978

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(shape: Shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape``, as TensorFlow computes them.

    A scalar has fans ``(1, 1)``, a vector ``(n, n)``, a matrix ``(rows,
    cols)``; a kernel of rank 3 or more ``(..., in, out)`` multiplies its
    channels by the receptive field, the product of the leading dimensions.

    Examples
    --------
    >>> compute_fans((5, 6, 4, 2))
    (120, 60)
    >>> compute_fans((3,)), compute_fans(())
    ((3, 3), (1, 1))
    """
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(Initializer):
    """Initializer that generates tensors with a variance scaled to their fans.

    With ``n`` the fan-in, the fan-out or their average (by ``mode``) and
    ``s = scale / max(1, n)``, values are drawn from

    - ``"truncated_normal"``: a normal truncated to two standard deviations,
      with standard deviation ``sqrt(s) / 0.8796...`` before truncation, so
      about ``sqrt(s)`` after it;
    - ``"untruncated_normal"``: a normal with standard deviation ``sqrt(s)``;
    - ``"uniform"``: a uniform on ``[-limit, limit)``, ``limit =
      sqrt(3 s)``.

    Parameters
    ----------
    scale : float, default 1.0
        Positive.
    mode : {"fan_in", "fan_out", "fan_avg"}, default "fan_in"
    distribution : str, default "truncated_normal"
        One of the three above, case-insensitive; ``"normal"`` is read as
        ``"truncated_normal"``, as TensorFlow does for old configs.
    seed : int or None, default None
        A non-negative int gives the same values on every call; None draws
        new values on every call.

    Raises
    ------
    ValueError
        For a non-positive ``scale``, an unknown ``mode`` or
        ``distribution``, a negative seed, or, when called, a dtype that is
        not floating point.
    TypeError
        For arguments of the wrong kind.

    Examples
    --------
    >>> import lazyinit as li
    >>> init = li.variance_scaling_initializer(scale=2.0, mode="fan_out", seed=1)
    >>> w = init(shape=(300, 400)).numpy()
    >>> round(float(w.std() ** 2 * 400), 1)
    2.0
    >>> li.VarianceScaling(distribution="normal").get_config()["distribution"]
    'truncated_normal'
    >>> li.VarianceScaling(mode="fan_max")
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: VarianceScaling: mode must be one of ...
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        where = type(self).__name__
        scale = check_real(scale, "scale", where=where)
        if scale <= 0:
            raise LazyValueError(
                f"{where}: scale must be a positive float, received scale={scale!r}"
            )
        if mode not in MODES:
            raise LazyValueError(
                f"{where}: mode must be one of {', '.join(map(repr, MODES))}, "
                f"received mode={mode!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = _normalize_distribution(distribution, where)
        self.seed = check_seed(seed, where=where)

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        check_floating(dtype, where=type(self).__name__)
        variance = self.scale / _fan(shape, self.mode)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random.random_uniform(shape, -limit, limit, dtype, self.seed)
        stddev = math.sqrt(variance)
        if self.distribution == "untruncated_normal":
            return random.random_normal(shape, 0.0, stddev, dtype, self.seed)
        stddev /= TRUNCATED_STDDEV
        return random.truncated_normal(shape, 0.0, stddev, dtype, self.seed)

    def get_config(self) -> dict[str, Any]:
        """``scale``, ``mode``, ``distribution`` and the constructor's ``seed``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.VarianceScaling().get_config()
        {'scale': 1.0, 'mode': 'fan_in', 'distribution': 'truncated_normal',
         'seed': None}
        """
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


def _normalize_distribution(distribution: Any, where: str) -> str:
    if not isinstance(distribution, str):
        raise LazyTypeError(
            f"{where}: distribution must be a str, received {distribution!r}"
        )
    name = distribution.lower()
    if name == "normal":
        name = "truncated_normal"
    if name not in DISTRIBUTIONS:
        raise LazyValueError(
            f"{where}: distribution must be one of "
            f"{', '.join(map(repr, DISTRIBUTIONS))} (or 'normal'), received "
            f"distribution={distribution!r}"
        )
    return name


def _fan(shape: Shape, mode: str) -> float:
    """The fan that ``mode`` names, at least 1."""
    fan_in, fan_out = compute_fans(shape)
    if mode == "fan_in":
        return max(1.0, fan_in)
    if mode == "fan_out":
        return max(1.0, fan_out)
    return max(1.0, (fan_in + fan_out) / 2.0)


class _Preset(VarianceScaling):
    """A variance scaling with fixed arguments; its config is only the seed."""

    preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None) -> None:
        scale, mode, distribution = self.preset
        super().__init__(scale, mode, distribution, seed)

    def get_config(self) -> dict[str, Any]:
        """``{"seed": seed}``, as Keras has it.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.GlorotUniform(seed=3).get_config()
        {'seed': 3}
        """
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Initializer that generates tensors with the Glorot (Xavier) uniform distribution.

    Uniform on ``[-limit, limit)`` with ``limit = sqrt(6 / (fan_in +
    fan_out))``: ``VarianceScaling(1.0, "fan_avg", "uniform")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.glorot_uniform_initializer(seed=0)(shape=(20, 30)).numpy()
    >>> bool(abs(w).max() < (6 / 50) ** 0.5)
    True
    """

    preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Initializer that generates tensors with the Glorot (Xavier) normal distribution.

    Truncated normal with standard deviation about ``sqrt(2 / (fan_in +
    fan_out))``: ``VarianceScaling(1.0, "fan_avg", "truncated_normal")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.glorot_normal_initializer(seed=0)(shape=(200, 300)).numpy()
    >>> round(float(w.std() * (500 / 2) ** 0.5), 1)
    1.0
    """

    preset = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_Preset):
    """Initializer that generates tensors with the He uniform distribution.

    Uniform on ``[-limit, limit)`` with ``limit = sqrt(6 / fan_in)``:
    ``VarianceScaling(2.0, "fan_in", "uniform")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.initializers.he_uniform(seed=0)(shape=(3, 3, 8, 16)).numpy()
    >>> bool(abs(w).max() < (6 / 72) ** 0.5)
    True
    """

    preset = (2.0, "fan_in", "uniform")


class HeNormal(_Preset):
    """Initializer that generates tensors with the He normal distribution.

    Truncated normal with standard deviation about ``sqrt(2 / fan_in)``:
    ``VarianceScaling(2.0, "fan_in", "truncated_normal")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.initializers.he_normal(seed=0)(shape=(200, 300)).numpy()
    >>> round(float(w.std() * (200 / 2) ** 0.5), 1)
    1.0
    """

    preset = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Initializer that generates tensors with the LeCun uniform distribution.

    Uniform on ``[-limit, limit)`` with ``limit = sqrt(3 / fan_in)``:
    ``VarianceScaling(1.0, "fan_in", "uniform")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.initializers.lecun_uniform(seed=0)(shape=(12, 5)).numpy()
    >>> bool(abs(w).max() < (3 / 12) ** 0.5)
    True
    """

    preset = (1.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Initializer that generates tensors with the LeCun normal distribution.

    Truncated normal with standard deviation about ``sqrt(1 / fan_in)``:
    ``VarianceScaling(1.0, "fan_in", "truncated_normal")``.

    Parameters
    ----------
    seed : int or None, default None

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.initializers.lecun_normal(seed=0)(shape=(200, 300)).numpy()
    >>> round(float(w.std() * 200**0.5), 1)
    1.0
    """

    preset = (1.0, "fan_in", "truncated_normal")
