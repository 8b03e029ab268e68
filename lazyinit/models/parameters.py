"""Parameter records and the helpers every model builder shares.

A model's parameters are an ordered ``dict`` from the Hugging Face name to a
:class:`Parameter`: the lazy tensor and the initializer that made it. Each
random parameter gets its own seed, derived from the model seed and its name
by a stable hash, so the same model seed gives the same values in any
process, and adding a parameter never shifts the values of the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lazyinit.dtypes import normalize_dtype
from lazyinit.initializers import Ones, RandomNormal, Zeros
from lazyinit.tensor import LazyTensor

__all__ = [
    "Parameter",
    "ParameterBuilder",
    "describe_initializer",
    "parameter_bytes",
    "parameter_count",
    "parameter_seed",
]

# Seeds stay below 2**31 so that every seed convention (TF's int32 seeds,
# NumPy's, Philox keys) accepts them unchanged.
_SEED_BITS = 31


@dataclass(frozen=True, slots=True)
class Parameter:
    """One named model parameter: its lazy tensor and the initializer behind it.

    Examples
    --------
    >>> from lazyinit.models import Parameter
    >>> import lazyinit as li
    >>> p = Parameter("bias", li.zeros((3,)), None)
    >>> p.shape, p.size, p.nbytes
    ((3,), 3, 12)
    """

    name: str
    tensor: LazyTensor
    initializer: Any

    @property
    def shape(self) -> tuple[int, ...]:
        """The tensor's shape."""
        return self.tensor.shape

    @property
    def dtype(self) -> np.dtype:
        """The tensor's dtype."""
        return self.tensor.dtype

    @property
    def size(self) -> int:
        """The number of elements."""
        return self.tensor.size

    @property
    def nbytes(self) -> int:
        """The bytes the tensor takes once materialized."""
        return self.tensor.nbytes


def parameter_seed(model_seed: int, name: str) -> int:
    """The seed of parameter ``name``: a stable hash of the model seed and name.

    The hash is BLAKE2b, not Python's ``hash()``, which changes from process
    to process for strings.

    Parameters
    ----------
    model_seed : int
    name : str

    Returns
    -------
    int
        A seed in ``[0, 2**31)``.

    Examples
    --------
    >>> from lazyinit.models import parameter_seed
    >>> parameter_seed(0, "transformer.wte.weight")
    617833797
    >>> parameter_seed(1, "transformer.wte.weight")
    2063689796
    """
    digest = hashlib.blake2b(f"{model_seed}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> (64 - _SEED_BITS)


def describe_initializer(initializer: Any) -> str:
    """A short description of an initializer from its class and config.

    The seed is left out: every random parameter has its own.

    Examples
    --------
    >>> from lazyinit.models import describe_initializer
    >>> import lazyinit as li
    >>> describe_initializer(li.initializers.RandomNormal(stddev=0.02, seed=7))
    'RandomNormal(mean=0, stddev=0.02)'
    >>> describe_initializer(li.initializers.Zeros())
    'Zeros()'
    """
    config = initializer.get_config() if hasattr(initializer, "get_config") else {}
    arguments = ", ".join(
        f"{key}={value:g}" if isinstance(value, float) else f"{key}={value!r}"
        for key, value in config.items()
        if key != "seed"
    )
    return f"{type(initializer).__name__}({arguments})"


def parameter_count(params: Mapping[str, Parameter]) -> int:
    """The total number of elements over ``params``.

    Examples
    --------
    >>> from lazyinit.models import build_parameters, parameter_count
    >>> tiny = {"model_type": "gpt2", "vocab_size": 10, "n_positions": 4,
    ...         "n_embd": 4, "n_layer": 1, "n_head": 2}
    >>> parameter_count(build_parameters(tiny))
    308
    """
    return sum(param.size for param in params.values())


def parameter_bytes(params: Mapping[str, Parameter]) -> int:
    """The total bytes ``params`` take once materialized.

    Examples
    --------
    >>> from lazyinit.models import build_parameters, parameter_bytes
    >>> tiny = {"model_type": "gpt2", "vocab_size": 10, "n_positions": 4,
    ...         "n_embd": 4, "n_layer": 1, "n_head": 2}
    >>> parameter_bytes(build_parameters(tiny))
    1232
    """
    return sum(param.nbytes for param in params.values())


class ParameterBuilder:
    """Collects a model's parameters in order, one initializer call each."""

    def __init__(self, seed: int, dtype: Any) -> None:
        self.seed = seed
        self.dtype = normalize_dtype(dtype)
        self.params: dict[str, Parameter] = {}

    def normal(self, name: str, shape: tuple[int, ...], stddev: float) -> None:
        """Add ``name`` drawn from N(0, stddev**2) with its own seed."""
        seed = parameter_seed(self.seed, name)
        self._add(name, shape, RandomNormal(mean=0.0, stddev=stddev, seed=seed))

    def zeros(self, name: str, shape: tuple[int, ...]) -> None:
        """Add ``name`` filled with zeros."""
        self._add(name, shape, Zeros())

    def ones(self, name: str, shape: tuple[int, ...]) -> None:
        """Add ``name`` filled with ones."""
        self._add(name, shape, Ones())

    def _add(self, name: str, shape: tuple[int, ...], initializer: Any) -> None:
        tensor = initializer(shape, dtype=self.dtype)
        self.params[name] = Parameter(name, tensor, initializer)
