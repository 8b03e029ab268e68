"""The rewrite driver: fold constants, merge common subexpressions, drop dead nodes.

Rules are small functions of one node, owned by the op modules and
registered with :func:`rule`; each returns a replacement node or None. This
module only applies them: one pass in topological order, inputs first, each
node's rules retried on its replacement up to a budget, then merged with any
structurally equal node already seen. Nodes the outputs no longer reach are
dropped because the new graph is rebuilt from the outputs.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from lazyinit.dtypes import scalar_of
from lazyinit.errors import LazyTypeError
from lazyinit.graph import Node, get_op, topological_order
from lazyinit.tensor import LazyTensor

__all__ = [
    "FoldReport",
    "RewriteContext",
    "conform",
    "exact_sum",
    "fill_value",
    "has_sign_bit",
    "is_negative_zero",
    "is_positive_zero",
    "make_fill",
    "rule",
    "simplify",
    "simplify_nodes",
]

logger = logging.getLogger(__name__)

RULE_BUDGET_PER_NODE = 32


@dataclass
class RewriteContext:
    """The switches of one simplification and what it has proven so far."""

    exact: bool = False
    assume_finite: bool = False
    _finite: dict[int, bool] = field(default_factory=dict)

    def is_finite(self, node: Node) -> bool:
        """True when every element of ``node`` is proven finite (no NaN, inf)."""
        if self.assume_finite or node.dtype.kind in "biu":
            return True
        known = self._finite.get(node.id)
        if known is None:
            known = _prove_finite(node, self)
            self._finite[node.id] = known
        return known


# Ops whose result is finite whenever all their inputs are.
_FINITE_PRESERVING = frozenset(
    {
        "negative",
        "positive",
        "absolute",
        "sign",
        "tanh",
        "sin",
        "cos",
        "floor",
        "ceil",
        "maximum",
        "minimum",
        "reshape",
        "transpose",
        "broadcast_to",
        "getitem",
        "concatenate",
        "max",
        "min",
    }
)


def _prove_finite(node: Node, ctx: RewriteContext) -> bool:
    op = node.op
    if op == "full":
        return bool(np.isfinite(node.attrs["value"]))
    if op == "constant":
        return node.attrs["facts"].is_finite(node.attrs["data"])
    if op in ("random_normal", "random_uniform", "truncated_normal", "orthogonal"):
        return _random_is_finite(node)
    if op == "eye":
        return bool(np.isfinite(node.attrs["value"]))
    if op == "where":
        return ctx.is_finite(node.inputs[1]) and ctx.is_finite(node.inputs[2])
    if op == "take":
        return ctx.is_finite(node.inputs[0])
    if op == "astype":
        source = node.inputs[0].dtype
        return _cast_keeps_finite(source, node.dtype) and ctx.is_finite(node.inputs[0])
    if op in _FINITE_PRESERVING:
        return all(ctx.is_finite(child) for child in node.inputs)
    return False


def _cast_keeps_finite(source: np.dtype, target: np.dtype) -> bool:
    """True when every finite value of ``source`` stays finite in ``target``."""
    if source.kind == "b":
        return True
    if source.kind == "f":
        return target.itemsize >= source.itemsize
    if source.kind in "iu" and target.kind == "f":
        info = np.iinfo(source)
        with np.errstate(over="ignore"):
            extremes = np.array([info.min, info.max]).astype(target)
        return bool(np.isfinite(extremes).all())
    return False


def _random_is_finite(node: Node) -> bool:
    from lazyinit.ops.random import is_finite_draw

    return is_finite_draw(node)


# --- helpers for rules --------------------------------------------------------


def fill_value(node: Node) -> np.generic | None:
    """The value of every element when ``node`` is a fill, else None."""
    return node.attrs["value"] if node.op == "full" else None


def make_fill(node: Node, value: Any) -> Node:
    """A fill with ``node``'s shape and dtype holding ``value``."""
    from lazyinit.ops.creation import fill_node

    with np.errstate(all="ignore"):
        held = scalar_of(np.asarray(value).astype(node.dtype))
    return fill_node(node.shape, held)


def conform(x: Node, like: Node) -> Node:
    """``x`` cast and broadcast to ``like``'s dtype and shape."""
    from lazyinit.ops import elementwise, movement

    tensor = LazyTensor(x)
    if x.dtype != like.dtype:
        tensor = elementwise.astype(tensor, like.dtype)
    if x.shape != like.shape:
        tensor = movement.broadcast_to(tensor, like.shape)
    return tensor.node


def has_sign_bit(value: np.generic) -> bool:
    """True when the sign bit of ``value``, or of either part of a complex, is set."""
    # np.signbit has no complex loop; a complex zero carries two signs.
    if value.dtype.kind == "c":
        return bool(np.signbit(value.real) or np.signbit(value.imag))
    return bool(np.signbit(value))


def is_positive_zero(value: np.generic) -> bool:
    """True for 0 of an integer or bool dtype, +0.0, and complex +0.0 + 0.0j."""
    return bool(value == 0) and not has_sign_bit(value)


def is_negative_zero(value: np.generic) -> bool:
    """True for -0.0, and for a complex zero whose two parts are both -0.0."""
    if value.dtype.kind == "c":
        return bool(value == 0 and np.signbit(value.real) and np.signbit(value.imag))
    return bool(value == 0 and value.dtype.kind == "f" and np.signbit(value))


def exact_sum(value: np.generic, count: int) -> np.generic | None:
    """The sum of ``count`` copies of ``value`` when every order gives it.

    Integer sums wrap as NumPy's do. A float sum is exact when every partial
    sum ``k * value`` is representable, so pairwise, sequential and blocked
    summation all agree; otherwise None.

    Examples
    --------
    >>> exact_sum(np.float32(1.0), 1000)
    np.float32(1000.0)
    >>> exact_sum(np.float32(0.1), 3) is None
    True
    >>> exact_sum(np.int8(100), 3)
    np.int8(44)
    """
    dtype: np.dtype = value.dtype
    if count == 0:
        return dtype.type(0)
    if dtype.kind == "c":
        # NumPy sums the real and imaginary parts independently.
        real, imag = exact_sum(value.real, count), exact_sum(value.imag, count)
        if real is None or imag is None:
            return None
        return dtype.type(complex(real, imag))
    if dtype.kind in "iu":
        with np.errstate(all="ignore"):
            copies = np.asarray(count % 2**64).astype(dtype)
            return scalar_of(np.asarray(value) * copies)
    if dtype.kind == "b":
        return value
    if dtype.kind != "f" or dtype.itemsize < 4:
        return value if is_positive_zero(value) else None
    if not np.isfinite(value):
        return value
    if value == 0:
        return value
    ratio = Fraction(float(value))
    numerator = abs(ratio.numerator)
    limit = 2 ** (np.finfo(dtype).nmant + 1)
    total = float(value) * count
    if numerator * count > limit or abs(total) > float(np.finfo(dtype).max):
        return None
    return dtype.type(total)


# --- rule registration ------------------------------------------------------------

Rule = Callable[[Node, RewriteContext], "Node | None"]


def rule(*ops: str) -> Callable[[Rule], Rule]:
    """Register a rewrite for the named ops; its docstring's first line is
    its identity (``x * 1 -> x``) and the condition under which it is exact."""

    def register(function: Rule) -> Rule:
        for op in ops:
            get_op(op).rules.append(function)
        return function

    return register


def rule_name(function: Rule) -> str:
    """The name a rule is reported under."""
    return function.__name__


# --- the driver -----------------------------------------------------------------------


@dataclass
class FoldReport:
    """What one simplification did: rules fired and node counts."""

    fired: Counter[str] = field(default_factory=Counter)
    nodes_before: int = 0
    nodes_after: int = 0

    def _repr_html_(self) -> str:
        from lazyinit.display import report_html

        return report_html(self)

    def __str__(self) -> str:
        lines = [f"nodes: {self.nodes_before} -> {self.nodes_after}"]
        lines += [f"  {name}: {count}" for name, count in self.fired.most_common()]
        return "\n".join(lines)


@dataclass
class SimplifyResult:
    """Simplified output nodes and the report of what fired."""

    outputs: list[Node]
    report: FoldReport


def _apply_rules(node: Node, ctx: RewriteContext, report: FoldReport) -> Node:
    for _ in range(RULE_BUDGET_PER_NODE):
        for function in get_op(node.op).rules:
            replacement = function(node, ctx)
            if replacement is not None and replacement is not node:
                name = rule_name(function)
                report.fired[name] += 1
                logger.debug("%s: %s -> %s", name, node, replacement)
                node = replacement
                break
        else:
            return node
    return node


def simplify_nodes(
    outputs: Sequence[Node], *, exact: bool = False, assume_finite: bool = False
) -> SimplifyResult:
    """Fold, merge and prune the graph of ``outputs``; see :func:`simplify`."""
    ctx = RewriteContext(exact=exact, assume_finite=assume_finite)
    report = FoldReport()
    order = topological_order(outputs)
    report.nodes_before = len(order)
    replaced: dict[int, Node] = {}
    canonical: dict[tuple, Node] = {}
    # Folding computes with NumPy kernels on fill values; what they warn about
    # (0/0, overflow) is warned again by the evaluation that needs the value.
    with np.errstate(all="ignore"):
        for node in order:
            inputs = tuple(replaced[child.id] for child in node.inputs)
            if any(
                new is not old for new, old in zip(inputs, node.inputs, strict=True)
            ):
                node_now = Node(node.op, inputs, node.attrs, node.shape, node.dtype)
            else:
                node_now = node
            node_now = _apply_rules(node_now, ctx, report)
            node_now = _settle(node_now, ctx, report, canonical, replaced)
            replaced[node.id] = node_now
    new_outputs = [replaced[node.id] for node in outputs]
    report.nodes_after = len(topological_order(new_outputs))
    return SimplifyResult(new_outputs, report)


def _settle(
    node: Node,
    ctx: RewriteContext,
    report: FoldReport,
    canonical: dict[tuple, Node],
    replaced: dict[int, Node],
    depth: int = 0,
) -> Node:
    """Merge ``node`` with its structural equal, after settling its inputs.

    A rule may return a node built on fresh intermediates (a cast, a
    broadcast, a reduction); those are folded and merged here too, bottom-up,
    so they get the same treatment as the nodes the user built.
    """
    inputs = []
    for child in node.inputs:
        settled = replaced.get(child.id)
        if settled is None:
            folded = _apply_rules(child, ctx, report)
            settled = _settle(folded, ctx, report, canonical, replaced, depth + 1)
            replaced[child.id] = settled
        inputs.append(settled)
    if any(new is not old for new, old in zip(inputs, node.inputs, strict=True)):
        node = Node(node.op, tuple(inputs), node.attrs, node.shape, node.dtype)
        if depth < RULE_BUDGET_PER_NODE:
            folded = _apply_rules(node, ctx, report)
            if folded is not node:
                return _settle(folded, ctx, report, canonical, replaced, depth + 1)
    settled = canonical.setdefault(node.key, node)
    replaced[settled.id] = settled  # settled nodes are never visited again
    return settled


def simplify(
    *tensors: LazyTensor,
    exact: bool = False,
    assume_finite: bool = False,
    report: bool = False,
) -> Any:
    """Fold known constants and merge repeated work; the result stays lazy.

    Parameters
    ----------
    *tensors : LazyTensor
    exact : bool, default False
        Apply only rewrites that are bit-identical to evaluating as written.
        By default a rewrite may change the sign of a zero (``x + 0 -> x``).
    assume_finite : bool, default False
        Let absorbing rules (``x * 0 -> 0``, ``zeros @ w -> zeros``) fire on
        operands not proven finite.
    report : bool, default False
        Also return a :class:`FoldReport`: the rules that fired, how often,
        and the node counts before and after.

    Returns
    -------
    LazyTensor or tuple of LazyTensor
        One tensor for one input, else a tuple; with ``report=True``, a pair
        of that and the report.

    Examples
    --------
    >>> import numpy as np, lazyinit as li
    >>> x = li.asarray(np.ones((2, 3), np.float32))
    >>> y = x @ li.zeros((3, 4)) + 1.0
    >>> li.simplify(y)
    LazyTensor(shape=(2, 4), dtype=float32, op=full(1.0))
    >>> folded, fold_report = li.simplify(y, report=True)
    >>> fold_report.fired["matmul_absorbs_zeros"]
    1
    """
    nodes = [_as_node(t) for t in tensors]
    result = simplify_nodes(nodes, exact=exact, assume_finite=assume_finite)
    outputs = tuple(LazyTensor(n) for n in result.outputs)
    folded = outputs[0] if len(outputs) == 1 else outputs
    return (folded, result.report) if report else folded


def _as_node(tensor: Any) -> Node:
    if not isinstance(tensor, LazyTensor):
        raise LazyTypeError(
            f"simplify: expected LazyTensor arguments, received {type(tensor).__name__}"
        )
    return tensor.node
