"""The ops, one module per family; each op has one kernel and its fold rules."""

from lazyinit.ops import (
    creation,
    elementwise,
    linalg,
    movement,
    random,
    reduction,
    slicing,
)

__all__ = [
    "creation",
    "elementwise",
    "linalg",
    "movement",
    "random",
    "reduction",
    "slicing",
]
