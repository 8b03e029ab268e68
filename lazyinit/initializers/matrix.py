"""Initializers of matrices: ``Orthogonal`` and ``Identity``.

Neither supports TensorFlow's partition arguments (as in TensorFlow): an
orthogonal matrix is a property of the whole, and an identity's pieces are
not identities.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lazyinit.dtypes import scalar_of
from lazyinit.errors import LazyValueError
from lazyinit.initializers.base import (
    Initializer,
    check_floating,
    check_real,
    check_seed,
)
from lazyinit.ops import creation, random
from lazyinit.shapes import Shape
from lazyinit.tensor import LazyTensor

__all__ = ["Identity", "Orthogonal"]


class Orthogonal(Initializer):
    """Initializer that generates tensors with orthonormal rows or columns.

    The shape is read as a matrix of ``prod(shape[:-1])`` rows and
    ``shape[-1]`` columns. A tall matrix gets orthonormal columns
    (``QᵀQ = gain² I``), a wide one orthonormal rows (``QQᵀ = gain² I``):
    the Q of a QR decomposition of a seeded normal draw, sign-fixed so that
    it is uniformly (Haar) distributed, times ``gain``. It is computed in
    float32 (float64 for float64) and cast, so float16 and bfloat16 work.

    Slicing the result is correct but not fast: any slice computes the
    whole matrix, because every entry of Q depends on every entry drawn.

    Parameters
    ----------
    gain : float, default 1.0
        Multiplies the orthogonal matrix.
    seed : int or None, default None
        A non-negative int gives the same values on every call; None draws
        new values on every call.

    Raises
    ------
    ValueError
        When called on a shape of fewer than two dimensions, with a dtype
        that is not floating point, or with partition arguments; for a
        negative seed.
    TypeError
        For a gain or a seed that is not a number.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> q = li.orthogonal_initializer(gain=2.0, seed=0)(shape=(6, 4)).numpy()
    >>> bool(np.allclose(q.T @ q, 4 * np.eye(4), atol=1e-5))
    True
    >>> li.Orthogonal()(shape=(5,))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: Orthogonal: shape must have at least 2 ...
    """

    supports_partition = False

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = check_real(gain, "gain", where="Orthogonal")
        self.seed = check_seed(seed, where="Orthogonal")

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        check_floating(dtype, where="Orthogonal")
        if len(shape) < 2:
            raise LazyValueError(
                f"Orthogonal: shape must have at least 2 dimensions, received "
                f"shape {shape}"
            )
        return random.orthogonal(shape, self.gain, dtype, self.seed)

    def get_config(self) -> dict[str, Any]:
        """``gain`` and the constructor's ``seed``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.Orthogonal().get_config()
        {'gain': 1.0, 'seed': None}
        """
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """Initializer that generates tensors holding a scaled identity matrix.

    ``gain * eye(rows, cols)``: ``gain`` on the main diagonal, zeros
    elsewhere, also for non-square shapes. The graph holds an ``eye`` node,
    not a dense constant: nothing is allocated until it is evaluated.

    Parameters
    ----------
    gain : float, default 1.0
        The diagonal value, held in the dtype.

    Raises
    ------
    ValueError
        When called on a shape that is not exactly two-dimensional, with a
        dtype that is not floating point, or with partition arguments.
    TypeError
        For a gain that is not a number.

    Examples
    --------
    >>> import lazyinit as li
    >>> li.identity_initializer(gain=2.0)(shape=(2, 3)).numpy()
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    >>> li.Identity()(shape=(3, 4, 5))
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: Identity: shape must be exactly 2-D ...
    """

    supports_partition = False

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_real(gain, "gain", where="Identity")

    def generate(self, shape: Shape, dtype: np.dtype) -> LazyTensor:
        check_floating(dtype, where="Identity")
        if len(shape) != 2:
            raise LazyValueError(
                f"Identity: shape must be exactly 2-D (a matrix), received shape "
                f"{shape}"
            )
        with np.errstate(over="ignore"):
            value = scalar_of(np.array(self.gain).astype(dtype))
        return LazyTensor(creation.eye_node(shape, value))

    def get_config(self) -> dict[str, Any]:
        """``{"gain": gain}``.

        Examples
        --------
        >>> import lazyinit as li
        >>> li.Identity().get_config()
        {'gain': 1.0}
        """
        return {"gain": self.gain}
