"""Initializers with TensorFlow 2 / Keras names, returning lazy tensors.

Calling an initializer allocates nothing: ``Zeros()(shape)`` is a fill node,
``RandomNormal(seed=1)(shape)`` a seeded counter-based draw.

Names, all bound to the same classes:

- the classes: ``Zeros``, ``Ones``, ``Constant``, ``RandomNormal``,
  ``RandomUniform`` and the base class ``Initializer``;
- TensorFlow's snake-case factories: ``zeros_initializer``,
  ``ones_initializer``, ``constant_initializer``, ``random_normal_initializer``,
  ``random_uniform_initializer``;
- Keras' lowercase aliases, here only (``lazyinit.zeros`` and friends are
  functions that build tensors): ``zeros``, ``ones``, ``constant``,
  ``random_normal``, ``random_uniform``;
- :func:`get`, :func:`serialize` and :func:`deserialize`, here only.

``__all__`` lists what ``lazyinit`` re-exports at its top level.

>>> import lazyinit as li
>>> li.initializers.zeros is li.Zeros is li.zeros_initializer
True
>>> li.initializers.get("random_normal")
RandomNormal(mean=0.0, stddev=0.05, seed=None)
"""

from lazyinit.initializers.base import Initializer
from lazyinit.initializers.constant import Constant, Ones, Zeros
from lazyinit.initializers.random_initializers import RandomNormal, RandomUniform
from lazyinit.initializers.registry import deserialize as deserialize
from lazyinit.initializers.registry import get as get
from lazyinit.initializers.registry import serialize as serialize

# TensorFlow's snake-case names are the classes themselves.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
random_uniform_initializer = RandomUniform

# Keras' lowercase aliases, also the classes. They stay out of ``__all__``:
# at lazyinit's top level, ``zeros``, ``ones``, ``random_normal`` and
# ``random_uniform`` are functions that build tensors.
zeros = Zeros
ones = Ones
constant = Constant
random_normal = RandomNormal
random_uniform = RandomUniform

__all__ = [
    "Constant",
    "Initializer",
    "Ones",
    "RandomNormal",
    "RandomUniform",
    "Zeros",
    "constant_initializer",
    "ones_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "zeros_initializer",
]
