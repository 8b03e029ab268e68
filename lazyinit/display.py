"""Showing a graph without computing it: text, HTML for notebooks, Graphviz.

Nothing here runs a kernel: every view is built from node metadata (op,
shape, dtype, attributes), so displaying a lazy tensor over a graph of any
size costs time proportional to its node count and allocates no array.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, topological_order
from lazyinit.tensor import LazyTensor

__all__ = ["Drawing", "draw", "explain", "to_dot"]

_INPUTS_SHOWN = 4


def _nodes(tensors: Iterable[Any], where: str) -> list[Node]:
    nodes = []
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, LazyTensor):
            raise LazyTypeError(
                f"{where}: argument {position} must be a LazyTensor, received "
                f"{type(tensor).__name__}"
            )
        nodes.append(tensor.node)
    if not nodes:
        raise LazyValueError(f"{where}: pass at least one LazyTensor")
    return nodes


def _maybe_simplified(tensors: tuple[Any, ...], simplified: bool, where: str):
    nodes = _nodes(tensors, where)
    if simplified:
        from lazyinit.rewrite import simplify_nodes

        nodes = simplify_nodes(nodes).outputs
    return nodes


def describe(node: Node) -> str:
    """A short label of a node's op and its telling attributes."""
    attrs = node.attrs
    if node.op == "full":
        return f"full({attrs['value'].item()!r})"
    if node.op == "placeholder":
        return f"placeholder({attrs['name']!r})"
    if "seed" in attrs:
        return f"{node.op}(seed={attrs['seed']})"
    if node.op == "constant":
        return "constant"
    shown = {
        key: value
        for key, value in attrs.items()
        if key in ("axis", "axes", "keepdims") and value not in (None, False)
    }
    if not shown:
        return node.op
    listed = ", ".join(f"{key}={value}" for key, value in shown.items())
    return f"{node.op}({listed})"


def explain(*tensors: Any, simplified: bool = False) -> str:
    """The graph of ``tensors`` as text, one node a line, inputs first.

    Parameters
    ----------
    *tensors : LazyTensor
    simplified : bool, default False
        Show the graph after folding instead of as built.

    Returns
    -------
    str

    Examples
    --------
    >>> import lazyinit as li
    >>> x = li.placeholder("x", (2, 3))
    >>> print(li.explain(x * 1.0 + li.zeros((3,))))
    %0 = placeholder('x')    (2, 3) float32
    %1 = full(1.0)           () float32
    %2 = multiply(%0, %1)    (2, 3) float32
    %3 = full(0.0)           (3,) float32
    %4 = add(%2, %3)         (2, 3) float32
    >>> print(li.explain(x * 1.0 + li.zeros((3,)), simplified=True))
    %0 = placeholder('x')    (2, 3) float32
    """
    order = topological_order(_maybe_simplified(tensors, simplified, "explain"))
    number = {node.id: index for index, node in enumerate(order)}
    rows = []
    for node in order:
        label = describe(node)
        if node.inputs:
            arguments = ", ".join(f"%{number[child.id]}" for child in node.inputs)
            label = f"{node.op}({arguments})"
        rows.append((f"%{number[node.id]} = {label}", f"{node.shape} {node.dtype}"))
    width = max(len(left) for left, _ in rows)
    return "\n".join(f"{left.ljust(width)}    {right}" for left, right in rows)


def to_dot(*tensors: Any, simplified: bool = False) -> str:
    """The graph of ``tensors`` in Graphviz's DOT language.

    Examples
    --------
    >>> import lazyinit as li
    >>> print(li.to_dot(li.ones(2) + 1.0).splitlines()[0])
    digraph lazyinit {
    """
    order = topological_order(_maybe_simplified(tensors, simplified, "to_dot"))
    lines = [
        "digraph lazyinit {",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
    ]
    for node in order:
        label = f"{describe(node)}\\n{node.shape} {node.dtype}"
        style = ', style=filled, fillcolor="#e8f0fe"' if not node.inputs else ""
        lines.append(f'  n{node.id} [label="{_dot_escape(label)}"{style}];')
        for child in node.inputs:
            lines.append(f"  n{child.id} -> n{node.id};")
    lines.append("}")
    return "\n".join(lines)


def _dot_escape(text: str) -> str:
    return text.replace('"', '\\"')


@dataclass(frozen=True)
class Drawing:
    """A drawn graph: SVG when Graphviz's ``dot`` ran, else text.

    Notebooks show the SVG; ``str()`` is always the text form.
    """

    text: str
    svg: str | None = None

    def _repr_svg_(self) -> str | None:
        return self.svg

    def _repr_html_(self) -> str:
        if self.svg is not None:
            return self.svg
        return f"<pre>{html.escape(self.text)}</pre>"

    def __str__(self) -> str:
        return self.text


def draw(*tensors: Any, simplified: bool = False) -> Drawing:
    """Draw the graph of ``tensors``: SVG through Graphviz, or text without it.

    Parameters
    ----------
    *tensors : LazyTensor
    simplified : bool, default False
        Draw the graph after folding.

    Returns
    -------
    Drawing
        ``.svg`` holds the SVG when the ``dot`` program is installed (None
        otherwise); ``.text`` always holds :func:`explain`'s text.

    Examples
    --------
    >>> import lazyinit as li
    >>> drawing = li.draw(li.ones((2, 2)) @ li.zeros((2, 2)), simplified=True)
    >>> print(drawing)
    %0 = full(0.0)    (2, 2) float32
    """
    _nodes(tensors, "draw")
    text = explain(*tensors, simplified=simplified)
    dot = shutil.which("dot")
    if dot is None:
        return Drawing(text)
    source = to_dot(*tensors, simplified=simplified)
    result = subprocess.run(
        [dot, "-Tsvg"], input=source, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return Drawing(text)
    return Drawing(text, result.stdout)


def tensor_html(tensor: LazyTensor) -> str:
    """An HTML summary of a lazy tensor; computes nothing."""
    node = tensor.node
    order = topological_order([node])
    ops = Counter(n.op for n in order)
    value = tensor.fill_value
    known = "no" if value is None else f"yes: every element is {value.item()!r}"
    inputs = [describe(child) for child in node.inputs[:_INPUTS_SHOWN]]
    if len(node.inputs) > _INPUTS_SHOWN:
        inputs.append(f"... {len(node.inputs) - _INPUTS_SHOWN} more")
    rows = [
        ("op", describe(node)),
        ("shape", str(node.shape)),
        ("dtype", str(node.dtype)),
        ("bytes when materialized", f"{tensor.nbytes:,}"),
        ("known constant", known),
        ("graph", f"{len(order):,} nodes ({_top_ops(ops)})"),
        ("inputs", ", ".join(inputs) or "none (a leaf)"),
    ]
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table><caption>LazyTensor</caption>{body}</table>"


def _top_ops(ops: Counter[str]) -> str:
    return ", ".join(f"{op} {count}" for op, count in ops.most_common(3))


def report_html(report: Any) -> str:
    """An HTML table of a fold report: node counts and each rule's count."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{count}</td>"
        "</tr>"
        for name, count in report.fired.most_common()
    )
    caption = html.escape(
        f"folded: {report.nodes_before:,} -> {report.nodes_after:,} nodes"
    )
    return (
        f"<table><caption>{caption}</caption>"
        f"<tr><th>rule</th><th>fired</th></tr>{rows}</table>"
    )
