"""The graph core: immutable nodes, the op registry, traversal, networkx export.

A :class:`Node` is a value: op name, input nodes, attributes, shape and dtype.
Nodes never change; rewriting a graph builds new nodes. Each op is described
once by an :class:`OpDef` (its kernel and its fold rules), registered by name.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from lazyinit.errors import LazyValueError
from lazyinit.shapes import MAX_DIMS, check_ndim

__all__ = [
    "Node",
    "OpDef",
    "Rule",
    "get_op",
    "register_op",
    "to_networkx",
    "topological_order",
]

_ids = itertools.count()

Kernel = Callable[..., np.ndarray]
_set = object.__setattr__  # Node.__setattr__ refuses; construction uses this
Rule = Callable[["Node", Any], "Node | None"]


class Node:
    """One operation in a graph, with its inferred shape and dtype.

    Nodes are built by the op constructors in :mod:`lazyinit.ops`, never by
    users; a :class:`~lazyinit.tensor.LazyTensor` is the public handle.
    """

    __slots__ = ("_key", "attrs", "dtype", "id", "inputs", "op", "shape")

    op: str
    inputs: tuple[Node, ...]
    attrs: Mapping[str, Any]
    shape: tuple[int, ...]
    dtype: np.dtype
    id: int
    _key: tuple | None

    def __init__(
        self,
        op: str,
        inputs: tuple[Node, ...],
        attrs: Mapping[str, Any],
        shape: tuple[int, ...],
        dtype: np.dtype,
    ) -> None:
        if len(shape) > MAX_DIMS:
            # Ops that add axes (expand_dims, stack, broadcasting) meet here.
            check_ndim(shape, op=op)
        _set(self, "op", op)
        _set(self, "inputs", inputs)
        _set(self, "attrs", attrs)
        _set(self, "shape", shape)
        _set(self, "dtype", dtype)
        _set(self, "id", next(_ids))
        _set(self, "_key", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Node is immutable; cannot set {name!r}")

    @property
    def key(self) -> tuple:
        """A structural key over input ids: equal keys mean equal values.

        Common-subexpression merging visits nodes inputs first, so inputs are
        already merged and comparing their ids is enough.
        """
        key = self._key
        if key is None:
            inputs = tuple(node.id for node in self.inputs)
            key = (self.op, inputs, _freeze(self.attrs), self.shape, self.dtype.str)
            _set(self, "_key", key)
        return key

    def __reduce__(self) -> tuple:
        # Rebuilt through __init__, so that a node unpickled in another
        # process takes a fresh id from that process's counter.
        return (Node, (self.op, self.inputs, self.attrs, self.shape, self.dtype))

    def __repr__(self) -> str:
        return f"Node({self.op}, shape={self.shape}, dtype={self.dtype}, id={self.id})"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.tobytes())
    if isinstance(value, np.ndarray):
        # Constants compare by identity: hashing their bytes costs a pass over
        # the data, and two asarray() snapshots are rarely equal anyway.
        return ("array", id(value))
    if isinstance(value, tuple | list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, slice):
        # Slices are unhashable before Python 3.12.
        return ("slice", value.start, value.stop, value.step)
    if isinstance(value, float) and value != value:
        return ("nan",)
    return value


@dataclass
class OpDef:
    """What the engine knows of one op: how to run it and how to fold it.

    ``kernel(node, *arrays)`` computes the op from its input arrays; it is the
    single implementation used both by evaluation and by folding. ``is_view``
    marks ops whose result may alias an input (reshape, transpose, slicing).
    ``inplace`` marks elementwise kernels that accept ``out=`` and give the
    same result written into an input buffer of the result's shape and dtype.
    ``rules`` are rewrites owned by the op, tried in order.
    """

    name: str
    kernel: Kernel
    is_view: bool = False
    inplace: bool = False
    rules: list[Rule] = field(default_factory=list)


_REGISTRY: dict[str, OpDef] = {}


def register_op(
    name: str, kernel: Kernel, *, is_view: bool = False, inplace: bool = False
) -> OpDef:
    """Register an op by name and return its definition."""
    if name in _REGISTRY:
        raise LazyValueError(f"register_op: op {name!r} is already registered")
    opdef = OpDef(name, kernel, is_view=is_view, inplace=inplace)
    _REGISTRY[name] = opdef
    return opdef


def get_op(name: str) -> OpDef:
    """The registered definition of op ``name``."""
    return _REGISTRY[name]


def registered_ops() -> Mapping[str, OpDef]:
    """Every registered op, by name."""
    return _REGISTRY


def topological_order(outputs: Iterable[Node]) -> list[Node]:
    """The nodes that ``outputs`` need, each after all of its inputs.

    Iterative, so graphs deeper than Python's recursion limit work.
    """
    order: list[Node] = []
    seen: set[int] = set()
    for root in outputs:
        if root.id in seen:
            continue
        stack: list[tuple[Node, int]] = [(root, 0)]
        seen.add(root.id)
        while stack:
            node, index = stack[-1]
            if index < len(node.inputs):
                stack[-1] = (node, index + 1)
                child = node.inputs[index]
                if child.id not in seen:
                    seen.add(child.id)
                    stack.append((child, 0))
            else:
                stack.pop()
                order.append(node)
    return order


def to_networkx(outputs: Iterable[Node]) -> nx.DiGraph:
    """A ``networkx.DiGraph`` of the graph; edges run from input to user."""
    graph = nx.DiGraph()
    for node in topological_order(outputs):
        graph.add_node(
            node.id,
            op=node.op,
            shape=node.shape,
            dtype=node.dtype,
            attrs=dict(node.attrs),
        )
        for position, child in enumerate(node.inputs):
            if graph.has_edge(child.id, node.id):
                graph.edges[child.id, node.id]["positions"].append(position)
            else:
                graph.add_edge(child.id, node.id, positions=[position])
    return graph
