"""Counter-based random streams: element ``i`` depends only on the seed and ``i``.

The stream is NumPy's Philox-4x64 keyed by the seed. Raw 64-bit word ``i`` of a
stream is the same whether it is drawn alone, in a chunk or with the whole
tensor, so any slice of a lazy random tensor materializes bit-identical to the
same slice of the whole, in time proportional to the slice.
"""

from __future__ import annotations

import secrets

import numpy as np

__all__ = ["fresh_seed", "standard_normal", "uniform"]

_WORDS_PER_BLOCK = 4  # Philox-4x64 makes four 64-bit words per counter step
_TWO_PI = 2.0 * np.pi


def fresh_seed() -> int:
    """A new random seed for an unseeded initializer call (63 bits)."""
    return secrets.randbits(63)


def uniform(seed: int, start: int, stop: int) -> np.ndarray:
    """Float64 uniforms in [0, 1) for elements ``start`` to ``stop``.

    Element ``i`` is word ``i`` of the stream, its top 53 bits scaled by
    2**-53 (what ``Generator.random`` does with each word).

    Examples
    --------
    >>> whole = uniform(7, 0, 10)
    >>> bool((uniform(7, 3, 8) == whole[3:8]).all())
    True
    >>> bool((whole >= 0).all() and (whole < 1).all())
    True
    """
    bit_generator = np.random.Philox(key=seed)
    block, skip = divmod(start, _WORDS_PER_BLOCK)
    if block:
        bit_generator.advance(block)
    values = np.random.Generator(bit_generator).random(stop - start + skip)
    return values[skip:] if skip else values


def standard_normal(seed: int, start: int, stop: int) -> np.ndarray:
    """Float64 standard normals for elements ``start`` to ``stop``.

    Box-Muller on pairs: elements ``2k`` and ``2k + 1`` both come from
    uniforms ``2k`` (radius) and ``2k + 1`` (angle), so a chunk that starts
    or stops inside a pair draws that pair whole and drops the unused half.

    Examples
    --------
    >>> whole = standard_normal(3, 0, 11)
    >>> bool((standard_normal(3, 5, 9) == whole[5:9]).all())
    True
    """
    first = start - (start & 1)
    last = stop + (stop & 1)
    u = uniform(seed, first, last)
    # 1 - u lies in (0, 1], so the logarithm never sees zero.
    radius = np.sqrt(-2.0 * np.log1p(-u[0::2]))
    angle = _TWO_PI * u[1::2]
    out = np.empty(last - first, dtype=np.float64)
    np.multiply(radius, np.cos(angle), out=out[0::2])
    np.multiply(radius, np.sin(angle), out=out[1::2])
    return out[start - first : start - first + (stop - start)]
