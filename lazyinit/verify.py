"""Graph verification: acyclic, and every node's shape and dtype its op's.

Rewrites build new nodes; a rule that returned a node of the wrong shape or
dtype would corrupt every result downstream. :func:`verify` re-infers each
node from its inputs and attributes and compares; the tests run it after
every simplification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from lazyinit.errors import GraphVerificationError
from lazyinit.graph import Node, topological_order
from lazyinit.ops import elementwise, linalg, movement, reduction
from lazyinit.shapes import broadcast_shapes, size_of
from lazyinit.tensor import LazyTensor

__all__ = ["verify"]

Inferred = tuple[tuple[int, ...], np.dtype]


def _ufunc(node: Node) -> Inferred:
    if len(node.inputs) == 1:
        built = elementwise.apply_unary(node.op, node.inputs[0])
        return built.shape, built.dtype
    # Only shape and dtype: folding may turn an exponent into a known negative
    # integer that building would refuse, while evaluation raises as the
    # unfolded graph does.
    return elementwise.infer_binary(node.op, *node.inputs)


def _where(node: Node) -> Inferred:
    condition, x, y = node.inputs
    shape = broadcast_shapes(condition.shape, x.shape, y.shape, op="where")
    return shape, np.result_type(x.dtype, y.dtype)


def _same_shape(node: Node) -> Inferred:
    return node.inputs[0].shape, node.dtype


def _matmul(node: Node) -> Inferred:
    built = linalg.matmul(*(LazyTensor(child) for child in node.inputs)).node
    return built.shape, built.dtype


def _reduction(node: Node) -> Inferred:
    attrs = node.attrs
    built = reduction._reduce(
        node.op,
        LazyTensor(node.inputs[0]),
        attrs["axis"],
        attrs["keepdims"],
        attrs.get("dtype"),
    ).node
    return built.shape, built.dtype


def _reshape(node: Node) -> Inferred:
    (x,) = node.inputs
    if size_of(x.shape) != size_of(node.shape):
        return x.shape, x.dtype  # reported as a mismatch
    return node.shape, x.dtype


def _transpose(node: Node) -> Inferred:
    (x,) = node.inputs
    return tuple(x.shape[a] for a in node.attrs["axes"]), x.dtype


def _broadcast_to(node: Node) -> Inferred:
    (x,) = node.inputs
    return broadcast_shapes(x.shape, node.shape, op="broadcast_to"), x.dtype


def _getitem(node: Node) -> Inferred:
    (x,) = node.inputs
    # Indexing a zero-strided dummy gives NumPy's own answer at no cost.
    dummy = np.broadcast_to(np.empty((), x.dtype), x.shape)
    return dummy[node.attrs["index"]].shape, x.dtype


def _take(node: Node) -> Inferred:
    table, indices = node.inputs
    axis = node.attrs["axis"]
    shape = table.shape[:axis] + indices.shape + table.shape[axis + 1 :]
    return shape, table.dtype


def _concatenate(node: Node) -> Inferred:
    built = movement.concatenate(
        [LazyTensor(child) for child in node.inputs], axis=node.attrs["axis"]
    ).node
    return built.shape, built.dtype


def _full(node: Node) -> Inferred:
    return node.shape, node.attrs["value"].dtype


def _constant(node: Node) -> Inferred:
    data = node.attrs["data"]
    return data.shape, data.dtype


_INFER: dict[str, Callable[[Node], Inferred]] = {
    **dict.fromkeys(elementwise.UNARY_UFUNCS, _ufunc),
    **dict.fromkeys(elementwise.BINARY_UFUNCS, _ufunc),
    "where": _where,
    "astype": _same_shape,
    "matmul": _matmul,
    **dict.fromkeys(("sum", "mean", "prod", "max", "min"), _reduction),
    "reshape": _reshape,
    "transpose": _transpose,
    "broadcast_to": _broadcast_to,
    "getitem": _getitem,
    "take": _take,
    "concatenate": _concatenate,
    "full": _full,
    "constant": _constant,
}


def verify(*tensors: Any) -> int:
    """Check the graph of ``tensors``; return the number of nodes checked.

    Every input of a node is older than the node (so the graph is acyclic),
    and every node's shape and dtype are those its op infers from its inputs
    and attributes. Leaves without inputs (placeholders, random draws) are
    taken as built.

    Raises
    ------
    GraphVerificationError
        Naming the node, its op, what it holds and what its op infers.

    Examples
    --------
    >>> import lazyinit as li
    >>> y = li.simplify(li.ones((2, 3)) @ li.random_normal((3, 4), seed=0))
    >>> li.verify(y)
    3
    """
    nodes: Iterable[Node] = (
        t.node if isinstance(t, LazyTensor) else t for t in tensors
    )
    order = topological_order(nodes)
    for node in order:
        for child in node.inputs:
            if child.id >= node.id:
                raise GraphVerificationError(
                    f"verify: {node} has input {child}, which is not older: the "
                    "graph may have a cycle"
                )
        infer = _INFER.get(node.op)
        if infer is None:
            continue
        try:
            shape, dtype = infer(node)
        except (TypeError, ValueError) as exc:
            raise GraphVerificationError(
                f"verify: {node} cannot be re-inferred from its inputs: {exc}"
            ) from exc
        if shape != node.shape or dtype != node.dtype:
            raise GraphVerificationError(
                f"verify: {node} holds shape {node.shape} and dtype {node.dtype}, "
                f"but {node.op} of its inputs gives shape {shape} and dtype {dtype}"
            )
    return len(order)
