"""Execution plans: a graph scheduled once, run many times.

A :class:`Plan` fixes the order of the kernels, the slot each value lives in,
the step after which each buffer is dead, and which elementwise steps write
their result into a dead input buffer. Running it is a loop over precomputed
steps, with no graph walk and no dictionary of node ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError, MemoryLimitError
from lazyinit.graph import Node, get_op, topological_order

__all__ = ["Plan", "check_addressable", "check_fed"]

_LEAF_OPS = frozenset({"constant", "full", "placeholder"})


class Plan:
    """The schedule of one graph: kernels in order, buffers, frees, reuse.

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
        end = len(order)
        self.nodes = order
        self.outputs = list(outputs)
        self.placeholders = {
            node.attrs["name"]: node for node in order if node.op == "placeholder"
        }
        self._output_slots = [slot[node.id] for node in outputs]

        # A buffer is owned when this run allocated it: leaves hold data the
        # graph keeps and views share their input's buffer. ``base`` maps each
        # slot to the slot that owns its memory (None for borrowed memory).
        self._owned = [
            not get_op(node.op).is_view and node.op not in _LEAF_OPS for node in order
        ]
        base: list[int | None] = []
        for index, node in enumerate(order):
            if self._owned[index]:
                base.append(index)
            elif get_op(node.op).is_view:
                base.append(base[slot[node.inputs[0].id]])
            else:
                base.append(None)

        last_use = [-1] * end
        for step, node in enumerate(order):
            for child in node.inputs:
                last_use[slot[child.id]] = step
        for index in self._output_slots:
            last_use[index] = end
        buffer_end = [-1] * end
        for index in range(end):
            owner = base[index]
            if owner is not None:
                buffer_end[owner] = max(buffer_end[owner], last_use[index])

        frees: list[list[int]] = [[] for _ in order]
        for index, step in enumerate(last_use):
            if 0 <= step < end:
                frees[step].append(index)
        self._steps = []
        self._reuse: list[int | None] = []
        for step, node in enumerate(order):
            inputs = tuple(slot[child.id] for child in node.inputs)
            self._reuse.append(self._reusable(node, inputs, step, buffer_end))
            self._steps.append(
                (node, get_op(node.op).kernel, inputs, tuple(frees[step]))
            )
        self._buffer_end = buffer_end

    def _reusable(
        self, node: Node, inputs: tuple[int, ...], step: int, buffer_end: list[int]
    ) -> int | None:
        """An input slot whose buffer may take this step's result, or None.

        Only elementwise kernels write into an input, and only when the input
        owns its buffer, no other slot (a view) still needs that buffer, and
        shape and dtype match, so the result is the one a new array would get.
        """
        # 0-d ufunc results are NumPy scalars, which cannot take ``out=``.
        if not node.shape or not get_op(node.op).inplace:
            return None
        for index in inputs:
            candidate = self.nodes[index]
            if (
                self._owned[index]
                and buffer_end[index] == step
                and candidate.shape == node.shape
                and candidate.dtype == node.dtype
            ):
                return index
        return None

    def peak_bytes(self) -> int:
        """The most bytes the run holds at once in buffers it allocates.

        Leaves (constants, fills, feeds) and views allocate nothing; a step
        that writes into a dead input allocates nothing; every other kernel
        allocates its result. Outputs that are fills or borrowed arrays are
        copied at the end. Kernel temporaries are not counted.
        """
        sizes = [_nbytes(node) for node in self.nodes]
        handed_on = {index for index in self._reuse if index is not None}
        released: list[list[int]] = [[] for _ in self._steps]
        for index, end in enumerate(self._buffer_end):
            if 0 <= end < len(self._steps) and index not in handed_on:
                released[end].append(index)
        live = peak = 0
        for step in range(len(self._steps)):
            if self._owned[step] and self._reuse[step] is None:
                live += sizes[step]
                peak = max(peak, live)
            live -= sum(sizes[index] for index in released[step])
        returned: set[int] = set()
        for index in self._output_slots:
            if not self._owned[index] or index in returned:
                live += sizes[index]
            returned.add(index)
        return max(peak, live)

    def output_bytes(self) -> int:
        """The bytes of the arrays the run returns."""
        return sum(_nbytes(node) for node in self.outputs)

    def run(
        self,
        feed: Mapping[str, Any] | None = None,
        *,
        progress: Callable[..., Iterable[Any]] | None = None,
    ) -> list[np.ndarray]:
        """Run the plan; placeholders are looked up in ``feed`` by name.

        ``progress``, when given, wraps the steps as tqdm does
        (``progress(steps, total=n)`` yields them and reports each); without
        it the loop runs over the steps themselves, at no cost.
        """
        feed = {} if feed is None else feed
        if progress is None:
            values = self._execute(self._steps, feed)
        else:
            steps = progress(self._steps, total=len(self._steps))
            try:
                values = self._execute(steps, feed)
            finally:
                close = getattr(steps, "close", None)
                if close is not None:
                    close()  # also when a kernel raised: the bar must not linger
        results = []
        returned: set[int] = set()
        for node, index in zip(self.outputs, self._output_slots, strict=True):
            fresh = self._owned[index] and index not in returned
            results.append(materialize_output(node, values[index], fresh))
            returned.add(index)
        return results

    def _execute(self, steps: Iterable[Any], feed: Mapping[str, Any]) -> list[Any]:
        """Run ``steps`` (this plan's, perhaps wrapped); the values by slot."""
        values: list[Any] = [None] * len(self._steps)
        for index, (node, kernel, inputs, frees) in enumerate(steps):
            if node.op == "placeholder":
                values[index] = _fed_value(node, feed)
            else:
                arrays = [values[i] for i in inputs]
                reuse = self._reuse[index]
                if reuse is None:
                    values[index] = kernel(node, *arrays)
                else:
                    values[index] = kernel(node, *arrays, out=values[reuse])
            for dead in frees:
                values[dead] = None
        return values


# NumPy refuses an array whose byte count does not fit an intp.
_MAX_ARRAY_BYTES = int(np.iinfo(np.intp).max)


def check_addressable(nodes: Sequence[Node], where: str) -> None:
    """Refuse, before allocating, a node larger than any NumPy array can be."""
    for node in nodes:
        needed = _nbytes(node)
        if needed > _MAX_ARRAY_BYTES:
            raise MemoryLimitError(
                f"{where}: {node.op} of shape {node.shape} and dtype {node.dtype} "
                f"needs {needed:,} bytes, more than the {_MAX_ARRAY_BYTES:,} any "
                "NumPy array can hold; evaluate a slice instead"
            )


def check_fed(outputs: Iterable[Node], where: str) -> None:
    """Refuse, before any work, a graph with a placeholder: ``where`` has no feed."""
    for node in topological_order(outputs):
        if node.op == "placeholder":
            name = node.attrs["name"]
            raise LazyValueError(
                f"{where}: the graph holds placeholder {name!r}, which cannot be "
                f"fed here; evaluate it with feed={{{name!r}: array}} instead, or "
                "replace the placeholder with a tensor"
            )


def _nbytes(node: Node) -> int:
    size = 1
    for dim in node.shape:
        size *= dim
    return size * node.dtype.itemsize


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
        _check_integer_range(name, array, node.dtype)
        array = array.astype(node.dtype)
    return array


def _check_integer_range(name: str, array: np.ndarray, dtype: np.dtype) -> None:
    """Refuse integers that ``dtype`` cannot hold: astype would wrap them."""
    if dtype.kind not in "iu" or np.can_cast(array.dtype, dtype, casting="safe"):
        return
    if not array.size:
        return
    info = np.iinfo(dtype)
    low, high = int(array.min()), int(array.max())
    if low < info.min or high > info.max:
        bad = low if low < info.min else high
        raise LazyValueError(
            f"feed: placeholder {name!r} has dtype {dtype}, received the value "
            f"{bad}, outside its range [{info.min}, {info.max}]"
        )


def materialize_output(node: Node, array: Any, owned: bool) -> np.ndarray:
    """The array handed to the caller: fills made writable, borrowed data copied."""
    if node.op == "full":
        value = node.attrs["value"]
        # Only all-zero bits may come from calloc: -0.0 is a zero but not those.
        if not any(value.tobytes()):
            return np.zeros(node.shape, node.dtype)  # calloc: pages stay untouched
        return np.full(node.shape, value, node.dtype)
    if owned and array.flags.writeable:
        return array
    return np.array(array, copy=True)
