"""lazyinit: symbolic lazy tensors with TensorFlow-style initializers.

Initializers return lazy tensors that record shape, dtype and how their values
are made, and allocate nothing. Lazy tensors combine with NumPy-like
operations into a graph; :func:`evaluate` materializes it with NumPy after
folding known constants (a zero fill, a ones fill) into the operations that
use them.

>>> import numpy as np, lazyinit as li
>>> w = li.zeros_initializer()(shape=(4096, 4096))
>>> w.shape, w.dtype, w.nbytes
((4096, 4096), dtype('float32'), 67108864)
>>> x = li.asarray(np.ones((8, 4096), np.float32))
>>> y = li.evaluate(x @ w + 1.0)
>>> y.shape, float(y.min()), float(y.max())
((8, 4096), 1.0, 1.0)
"""

from lazyinit import array_api, initializers, interop, models
from lazyinit.compiled import Function, function
from lazyinit.dask import to_dask
from lazyinit.display import draw, explain, to_dot
from lazyinit.dtypes import normalize_dtype
from lazyinit.errors import (
    GraphVerificationError,
    LazyIndexError,
    LazyInitError,
    LazyShapeError,
    LazyTypeError,
    LazyValueError,
    MemoryLimitError,
)
from lazyinit.evaluate import Estimate, estimate, evaluate
from lazyinit.graph import to_networkx as _nodes_to_networkx
from lazyinit.initializers import *  # noqa: F403  (the TF and Keras names)
from lazyinit.initializers import __all__ as _initializer_names
from lazyinit.materialize import materialize_to
from lazyinit.ops.creation import (
    asarray,
    eye,
    full,
    full_like,
    ones,
    ones_like,
    placeholder,
    zeros,
    zeros_like,
)
from lazyinit.ops.elementwise import *  # noqa: F403  (the ufuncs)
from lazyinit.ops.elementwise import __all__ as _elementwise_names
from lazyinit.ops.linalg import matmul
from lazyinit.ops.movement import (
    broadcast_to,
    concatenate,
    expand_dims,
    matrix_transpose,
    reshape,
    squeeze,
    stack,
    take,
    transpose,
)
from lazyinit.ops.random import random_normal, random_uniform, truncated_normal
from lazyinit.ops.reduction import max, mean, min, prod, sum
from lazyinit.progress import config
from lazyinit.rewrite import FoldReport, simplify
from lazyinit.shapes import normalize_shape
from lazyinit.tensor import LazyTensor
from lazyinit.verify import verify

__version__ = "0.1.0"


def to_networkx(*tensors: LazyTensor):
    """The graph of ``tensors`` as a ``networkx.DiGraph``.

    One graph node per lazy node (keyed by its id) with ``op``, ``shape``,
    ``dtype`` and ``attrs`` attributes; edges run from an input to its user.

    Examples
    --------
    >>> import lazyinit as li
    >>> g = li.to_networkx(li.ones((2,)) + li.zeros((2,)))
    >>> sorted(data["op"] for _, data in g.nodes(data=True))
    ['add', 'full', 'full']
    """
    return _nodes_to_networkx(t.node for t in tensors)


__all__ = [
    "Estimate",
    "FoldReport",
    "GraphVerificationError",
    "Function",
    "LazyIndexError",
    "LazyInitError",
    "LazyShapeError",
    "LazyTensor",
    "LazyTypeError",
    "LazyValueError",
    "MemoryLimitError",
    "array_api",
    "asarray",
    "broadcast_to",
    "concatenate",
    "config",
    "estimate",
    "evaluate",
    "draw",
    "expand_dims",
    "explain",
    "eye",
    "full",
    "full_like",
    "function",
    "initializers",
    "interop",
    "materialize_to",
    "matmul",
    "matrix_transpose",
    "max",
    "mean",
    "min",
    "models",
    "normalize_dtype",
    "normalize_shape",
    "ones",
    "ones_like",
    "placeholder",
    "prod",
    "random_normal",
    "random_uniform",
    "reshape",
    "simplify",
    "squeeze",
    "stack",
    "sum",
    "take",
    "to_dask",
    "to_dot",
    "to_networkx",
    "transpose",
    "truncated_normal",
    "verify",
    "zeros",
    "zeros_like",
    *_elementwise_names,
    *_initializer_names,
]
