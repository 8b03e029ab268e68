"""The NumPy evaluator: run the needed nodes in order, free what is dead.

``evaluate`` visits only the nodes that the requested outputs need, in
topological order, runs each kernel once and drops every intermediate after
its last use. Outputs are new writable arrays: nothing returned aliases a
constant, a fed array or another output.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError, MemoryLimitError
from lazyinit.graph import Node, topological_order
from lazyinit.plan import Plan, check_addressable, materialize_output
from lazyinit.progress import progress_bar
from lazyinit.rewrite import simplify_nodes
from lazyinit.tensor import LazyTensor

__all__ = ["Estimate", "estimate", "evaluate"]

logger = logging.getLogger(__name__)


def evaluate(
    *tensors: Any,
    feed: Mapping[str, Any] | None = None,
    simplify: bool = True,
    exact: bool = False,
    assume_finite: bool = False,
    max_bytes: int | None = None,
    progress: bool | Callable[..., Iterable[Any]] | None = None,
) -> Any:
    """Materialize lazy tensors into NumPy arrays.

    Parameters
    ----------
    *tensors : LazyTensor
        The outputs to compute. Arrays and scalars are accepted and copied.
    feed : mapping of str to array_like, optional
        Values for the placeholders, by name.
    simplify : bool, default True
        Fold known constants first (see :func:`lazyinit.simplify`).
        ``simplify=False`` runs every node as written: the reference answer.
    exact : bool, default False
        Only apply rewrites that are bit-identical to the reference.
    assume_finite : bool, default False
        Treat every operand as finite, so that ``x * 0 -> 0`` may fire on
        inputs that are not proven finite.
    max_bytes : int, optional
        Refuse, before allocating anything, a plan whose peak memory (see
        :func:`lazyinit.estimate`) is above this many bytes: a non-negative
        int (a whole float such as ``1e9`` is accepted).
    progress : bool or callable, optional
        Show a progress bar over the plan's steps (True) or never (False).
        None, the default, follows ``li.config.progress``, then the
        ``LAZYINIT_PROGRESS`` environment variable, then shows one only for
        a long plan seen by a person (see :mod:`lazyinit.progress`). A
        callable with tqdm's signature, ``progress(steps, total=n)``, is
        used as the bar.

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        One array for one tensor, else a tuple.

    Raises
    ------
    TypeError
        If ``feed`` is not a mapping, or feeds an array whose dtype does not
        cast safely to the placeholder's, or ``max_bytes`` is not a number.
    ValueError
        If a placeholder is not fed, or is fed an array of the wrong shape or
        integers out of the range of its dtype, or ``max_bytes`` is negative,
        fractional or NaN.
    MemoryLimitError
        If the plan needs more than ``max_bytes``, or holds an array larger
        than NumPy can make (a ValueError and a MemoryError).

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> w = li.zeros_initializer()(shape=(3, 2))
    >>> x = li.asarray(np.ones((4, 3), np.float32))
    >>> li.evaluate(x @ w + 1.0)
    array([[1., 1.],
           [1., 1.],
           [1., 1.],
           [1., 1.]], dtype=float32)
    """
    if feed is not None and not isinstance(feed, Mapping):
        raise LazyTypeError(
            f"evaluate: feed must be a mapping of placeholder names to arrays, "
            f"received {type(feed).__name__}"
        )
    if max_bytes is not None:
        max_bytes = _byte_limit(max_bytes)
    if len(tensors) == 1 and type(tensors[0]) is LazyTensor and max_bytes is None:
        lone = tensors[0].node
        if lone.op == "full":
            # A lone fill needs no folding and no plan: calloc or np.full it.
            check_addressable((lone,), "evaluate")
            return materialize_output(lone, None, owned=False)
    nodes = _output_nodes(tensors, "evaluate")
    if simplify:
        nodes = simplify_nodes(nodes, exact=exact, assume_finite=assume_finite).outputs
    plan = Plan(nodes)
    check_addressable(plan.nodes, "evaluate")
    if max_bytes is not None:
        _check_memory(plan, max_bytes)
    results = plan.run(feed, progress=progress_bar(progress, plan.nodes))
    return results[0] if len(results) == 1 else tuple(results)


def _byte_limit(value: Any) -> int:
    """``max_bytes`` as an int: a whole, non-negative count of bytes."""
    if isinstance(value, float | np.floating):
        if not np.isfinite(value) or value != int(value):
            raise LazyValueError(
                f"evaluate: max_bytes must be a whole number of bytes, "
                f"received {value!r}"
            )
        count = int(value)
    elif isinstance(value, bool | np.bool_) or not hasattr(type(value), "__index__"):
        raise LazyTypeError(
            f"evaluate: max_bytes must be an int count of bytes, received "
            f"{value!r} of type {type(value).__name__}"
        )
    else:
        count = operator.index(value)
    if count < 0:
        raise LazyValueError(
            f"evaluate: max_bytes must be non-negative, received {value!r}"
        )
    return count


def _check_memory(plan: Plan, max_bytes: int) -> None:
    needed = plan.peak_bytes()
    if needed > max_bytes:
        raise MemoryLimitError(
            f"evaluate: the plan needs {_format_bytes(needed)} at its peak "
            f"({needed:,} bytes), above max_bytes={max_bytes:,}; evaluate a slice "
            "or fewer outputs, or raise max_bytes"
        )


def _format_bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{count} B"
        size /= 1024
    return f"{count} B"


def _output_nodes(tensors: tuple[Any, ...], where: str) -> list[Node]:
    from lazyinit.ops.creation import asarray

    if not tensors:
        raise LazyValueError(f"{where}: pass at least one tensor")
    return [(t if isinstance(t, LazyTensor) else asarray(t)).node for t in tensors]


@dataclass(frozen=True)
class Estimate:
    """What an evaluation will cost, known before anything is allocated.

    ``peak_bytes`` counts the buffers the plan allocates (intermediates and
    outputs) at the moment most of them are alive; leaves, views and steps
    written in place allocate nothing. Kernel temporaries are not counted.
    """

    output_bytes: int
    peak_bytes: int
    nodes_before: int
    nodes_after: int

    def __str__(self) -> str:
        return (
            f"outputs {_format_bytes(self.output_bytes)}, peak "
            f"{_format_bytes(self.peak_bytes)}, nodes {self.nodes_before} -> "
            f"{self.nodes_after}"
        )


def estimate(
    *tensors: Any,
    simplify: bool = True,
    exact: bool = False,
    assume_finite: bool = False,
) -> Estimate:
    """The bytes and node counts an evaluation of ``tensors`` will need.

    Parameters
    ----------
    *tensors : LazyTensor
    simplify, exact, assume_finite : bool
        As for :func:`evaluate`: the estimate is of the plan it would run.

    Returns
    -------
    Estimate
        ``output_bytes``, ``peak_bytes``, ``nodes_before`` and ``nodes_after``
        (folding).

    Examples
    --------
    >>> import lazyinit as li
    >>> w = li.zeros_initializer()(shape=(1024, 1024))
    >>> x = li.random_normal((8, 1024), seed=0)
    >>> cost = li.estimate(x @ w + 1.0)
    >>> cost.output_bytes, cost.peak_bytes, cost.nodes_before, cost.nodes_after
    (32768, 32768, 5, 1)
    """
    nodes = _output_nodes(tensors, "estimate")
    nodes_before = len(topological_order(nodes))
    if simplify:
        nodes = simplify_nodes(nodes, exact=exact, assume_finite=assume_finite).outputs
    plan = Plan(nodes)
    return Estimate(
        output_bytes=plan.output_bytes(),
        peak_bytes=plan.peak_bytes(),
        nodes_before=nodes_before,
        nodes_after=len(plan.nodes),
    )
