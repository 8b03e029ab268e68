"""Execution plans: a graph scheduled once, run many times.

A :class:`Plan` fixes the order of the kernels, the slot each value lives in
and the step after which each intermediate is dropped. Running it is a loop
over precomputed steps, with no graph walk and no dictionary of node ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, get_op, topological_order

__all__ = ["Plan"]

_BORROWED_OPS = frozenset({"constant", "full", "placeholder"})


class Plan:
    """The schedule of one graph: kernels in order, slots, and frees.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> x = li.placeholder("x", (3,), "int64")
    >>> plan = Plan([(x * 2 + 1).node])
    >>> plan.run({"x": np.arange(3)})
    [array([1, 3, 5])]
    """

    def __init__(self, outputs: Sequence[Node]) -> None:
        order = topological_order(outputs)
        slot = {node.id: index for index, node in enumerate(order)}
        last_use: dict[int, int] = {}
        for step, node in enumerate(order):
            for child in node.inputs:
                last_use[slot[child.id]] = step
        for node in outputs:
            last_use[slot[node.id]] = len(order)

        frees: list[list[int]] = [[] for _ in order]
        for index, step in last_use.items():
            if step < len(order):
                frees[step].append(index)
        self.nodes = order
        self.outputs = list(outputs)
        self.placeholders = {
            node.attrs["name"]: node for node in order if node.op == "placeholder"
        }
        self._steps = [
            (
                node,
                get_op(node.op).kernel,
                tuple(slot[child.id] for child in node.inputs),
                tuple(frees[step]),
            )
            for step, node in enumerate(order)
        ]
        self._output_slots = [slot[node.id] for node in outputs]
        # Views may alias their inputs (and each other), and leaves hold data
        # the graph keeps, so only a fresh kernel result is handed out as is.
        self._owned = [
            not get_op(node.op).is_view and node.op not in _BORROWED_OPS
            for node in order
        ]

    def run(self, feed: Mapping[str, Any] | None = None) -> list[np.ndarray]:
        """Run the plan; placeholders are looked up in ``feed`` by name."""
        feed = feed or {}
        values: list[Any] = [None] * len(self._steps)
        for index, (node, kernel, inputs, frees) in enumerate(self._steps):
            if node.op == "placeholder":
                values[index] = _fed_value(node, feed)
            else:
                values[index] = kernel(node, *[values[i] for i in inputs])
            for dead in frees:
                values[dead] = None
        results = []
        returned: set[int] = set()
        for node, index in zip(self.outputs, self._output_slots, strict=True):
            fresh = self._owned[index] and index not in returned
            results.append(_materialize_output(node, values[index], fresh))
            returned.add(index)
        return results


def _fed_value(node: Node, feed: Mapping[str, Any]) -> np.ndarray:
    name = node.attrs["name"]
    if name not in feed:
        raise LazyValueError(
            f"placeholder {name!r} was not fed: pass feed={{{name!r}: array}}"
        )
    value = feed[name]
    array = value.numpy() if hasattr(value, "node") else np.asarray(value)
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
        if not value:
            return np.zeros(node.shape, node.dtype)  # calloc: pages stay untouched
        return np.full(node.shape, value, node.dtype)
    if owned and array.flags.writeable:
        return array
    return np.array(array, copy=True)
