"""Initializers with TensorFlow 2 / Keras names, returning lazy tensors.

Calling an initializer allocates nothing: ``Zeros()(shape)`` is a fill node,
``RandomNormal(seed=1)(shape)`` a seeded counter-based draw whose slices
draw only their own elements.

Names, all bound to the same classes:

- the classes: ``Zeros``, ``Ones``, ``Constant``, ``RandomNormal``,
  ``RandomUniform``, ``TruncatedNormal``, ``VarianceScaling``,
  ``GlorotUniform``, ``GlorotNormal``, ``HeUniform``, ``HeNormal``,
  ``LecunUniform``, ``LecunNormal``, ``Orthogonal``, ``Identity`` and the
  base class ``Initializer``;
- TensorFlow's snake-case factories: ``zeros_initializer``,
  ``ones_initializer``, ``constant_initializer``, ``random_normal_initializer``,
  ``random_uniform_initializer``, ``truncated_normal_initializer``,
  ``variance_scaling_initializer``, ``glorot_uniform_initializer``,
  ``glorot_normal_initializer``, ``orthogonal_initializer``,
  ``identity_initializer``;
- Keras' aliases, here only (``lazyinit.zeros`` and friends are functions
  that build tensors): ``zeros``, ``ones``, ``constant``,
  ``random_normal``, ``random_uniform``, ``truncated_normal``,
  ``variance_scaling``, ``glorot_uniform``, ``glorot_normal``,
  ``he_uniform``, ``he_normal``, ``lecun_uniform``, ``lecun_normal``,
  ``orthogonal``, ``identity``, ``OrthogonalInitializer``,
  ``IdentityInitializer``;
- :func:`get`, :func:`serialize` and :func:`deserialize`, here only; they
  also know Keras' short names (``"normal"``, ``"uniform"``, ``"one"``,
  ``"zero"``) and Keras 2's ``V2`` names.

``__all__`` lists what ``lazyinit`` re-exports at its top level.

>>> import lazyinit as li
>>> li.initializers.zeros is li.Zeros is li.zeros_initializer
True
>>> li.initializers.get("random_normal")
RandomNormal(mean=0.0, stddev=0.05, seed=None)
>>> li.initializers.get("glorot_uniform")
GlorotUniform(seed=None)
"""

from lazyinit.initializers.base import Initializer
from lazyinit.initializers.constant import Constant, Ones, Zeros
from lazyinit.initializers.matrix import Identity, Orthogonal
from lazyinit.initializers.random_initializers import (
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
)
from lazyinit.initializers.registry import deserialize as deserialize
from lazyinit.initializers.registry import get as get
from lazyinit.initializers.registry import serialize as serialize
from lazyinit.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
)

# TensorFlow's snake-case names are the classes themselves.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
random_uniform_initializer = RandomUniform
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity

# Keras' aliases, also the classes. They stay out of ``__all__``: at
# lazyinit's top level, ``zeros``, ``ones``, ``random_normal``,
# ``random_uniform`` and ``truncated_normal`` are functions that build tensors.
zeros = Zeros
ones = Ones
constant = Constant
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal
identity = Identity
OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "constant_initializer",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "identity_initializer",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "truncated_normal_initializer",
    "variance_scaling_initializer",
    "zeros_initializer",
]
