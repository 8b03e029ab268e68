"""The type checker's view of the package matches what runs.

The ufunc functions are made in a loop from tables, which mypy cannot follow;
``lazyinit/ops/elementwise.py`` declares them under ``TYPE_CHECKING``. These
tests keep the declarations and the tables in step.
"""

from __future__ import annotations

import ast
import inspect

from lazyinit.ops import elementwise
from lazyinit.ops.elementwise import BINARY_UFUNCS, UNARY_UFUNCS


def _declared_arities() -> dict[str, int]:
    """Name -> argument count of each ``name: Callable[[...], ...]`` declaration."""
    tree = ast.parse(inspect.getsource(elementwise))
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    declared = {}
    for block in blocks:
        for statement in block.body:
            if isinstance(statement, ast.AnnAssign):
                callable_args = statement.annotation.slice.elts[0]
                declared[statement.target.id] = len(callable_args.elts)
    return declared


def test_every_ufunc_is_declared_with_its_arity():
    expected = {name: 1 for name in UNARY_UFUNCS}
    expected.update({name: 2 for name in BINARY_UFUNCS})
    assert _declared_arities() == expected


def test_declared_ufuncs_exist_and_are_exported():
    for name in _declared_arities():
        assert callable(getattr(elementwise, name))
        assert name in elementwise.__all__
