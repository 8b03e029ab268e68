"""The NumPy evaluator: run the needed nodes in order, free what is dead.

``evaluate`` visits only the nodes that the requested outputs need, in
topological order, runs each kernel once and drops every intermediate after
its last use. Outputs are new writable arrays: nothing returned aliases a
constant, a fed array or another output.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, get_op, topological_order
from lazyinit.tensor import LazyTensor

__all__ = ["evaluate", "run_nodes"]

logger = logging.getLogger(__name__)


def _check_feed(node: Node, value: Any) -> np.ndarray:
    name = node.attrs["name"]
    array = value.numpy() if isinstance(value, LazyTensor) else np.asarray(value)
    if array.shape != node.shape:
        raise LazyValueError(
            f"feed: placeholder {name!r} has shape {node.shape}, received an array "
            f"of shape {array.shape}"
        )
    if array.dtype != node.dtype:
        if not np.can_cast(array.dtype, node.dtype, casting="same_kind"):
            raise LazyTypeError(
                f"feed: placeholder {name!r} has dtype {node.dtype}, received dtype "
                f"{array.dtype}, which does not cast safely"
            )
        array = array.astype(node.dtype)
    return array


def _materialize_output(node: Node, array: np.ndarray, owned: bool) -> np.ndarray:
    if node.op == "full":
        value = node.attrs["value"]
        # Only all-zero bits may come from calloc: -0.0 is a zero but not those.
        if not any(value.tobytes()):
            return np.zeros(node.shape, node.dtype)  # calloc: pages stay untouched
        return np.full(node.shape, value, node.dtype)
    if owned and array.flags.writeable:
        return array
    return np.array(array, copy=True)


def run_nodes(
    outputs: Sequence[Node], feed: Mapping[str, Any] | None = None
) -> list[np.ndarray]:
    """Evaluate ``outputs`` (nodes) with NumPy, returning fresh arrays."""
    order = topological_order(outputs)
    uses: dict[int, int] = {}
    for node in order:
        for child in node.inputs:
            uses[child.id] = uses.get(child.id, 0) + 1
    for node in outputs:
        uses[node.id] = uses.get(node.id, 0) + 1

    feed = feed or {}
    values: dict[int, np.ndarray] = {}
    # An array is owned when this evaluation made it and nothing else holds
    # it; views of constants, feeds and fills are borrowed.
    owned: dict[int, bool] = {}
    for node in order:
        if node.op == "placeholder":
            name = node.attrs["name"]
            if name not in feed:
                get_op("placeholder").kernel(node)
            array = _check_feed(node, feed[name])
            is_owned = False
        else:
            opdef = get_op(node.op)
            array = opdef.kernel(node, *(values[child.id] for child in node.inputs))
            # Views may alias their inputs (and each other), so only a fresh
            # kernel result can be handed out without a copy.
            is_owned = not opdef.is_view and node.op not in ("constant", "full")
        values[node.id] = array
        owned[node.id] = is_owned
        for child in node.inputs:
            uses[child.id] -= 1
            if uses[child.id] == 0:
                del values[child.id]

    results = []
    returned: set[int] = set()
    for node in outputs:
        array = values[node.id]
        # The same node asked for twice gets two independent arrays.
        fresh = owned[node.id] and node.id not in returned
        results.append(_materialize_output(node, array, fresh))
        returned.add(node.id)
    return results


def evaluate(
    *tensors: Any,
    feed: Mapping[str, Any] | None = None,
    simplify: bool = True,
    exact: bool = False,
    assume_finite: bool = False,
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

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        One array for one tensor, else a tuple.

    Raises
    ------
    ValueError
        If a placeholder is not fed, or is fed an array of the wrong shape.

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
    from lazyinit.ops.creation import asarray

    if not tensors:
        raise LazyValueError("evaluate: pass at least one tensor")
    nodes = [(t if isinstance(t, LazyTensor) else asarray(t)).node for t in tensors]
    if simplify:
        from lazyinit.rewrite import simplify_nodes

        nodes = simplify_nodes(nodes, exact=exact, assume_finite=assume_finite).outputs
    results = run_nodes(nodes, feed)
    return results[0] if len(results) == 1 else tuple(results)
