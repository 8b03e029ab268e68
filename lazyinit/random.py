"""Counter-based random streams: element ``i`` depends only on the seed and ``i``.

Every draw starts from 64-bit words ``word(key, i) = mix64(key + i * GOLDEN)``,
where ``mix64`` is the SplitMix64 finalizer (xor-shift-multiply) and ``key``
is derived from the seed and the purpose of the stream. Word ``i`` needs no
other word, so a draw takes *counters*, the flat indices of the elements
wanted (a ``range`` for a contiguous run, else an integer array), and costs
time proportional to their number: a slice of a lazy random tensor draws
only its own elements, bit-identical to the same slice of the whole, in any
process.

Values are a pure function of ``(seed, i, dtype)``. Float16, bfloat16 and
float32 outputs are computed in float32, whose vectorized transcendental
functions are several times faster than float64's; float64 (and wider)
outputs use 53-bit uniforms. The distributions, per element ``i``:

- uniform: the top 24 (float32) or 53 (float64) bits of word ``i``, scaled
  to ``[0, 1)``;
- normal: Box-Muller, ``sqrt(-2 log u) * cos(2 pi v)``, keeping one of the
  pair. In float32 ``u`` and ``v`` are the two 32-bit halves of word ``i``;
  in float64 they are word ``i`` of two streams. ``u`` lies in ``(0, 1]``,
  so ``|z|`` stays below 6.8 (float32) or 8.7 (float64);
- truncated normal (as TensorFlow: redraw beyond 2 standard deviations):
  element ``i`` tries attempt ``k = 0, 1, ...``, each a normal draw from a
  stream of its own, and keeps the first within ``[-2, 2]``. Only the
  elements still rejected are redrawn.

Large draws are split into chunks of ``CHUNK`` elements, computed on a
thread pool (NumPy releases the GIL); chunks are independent, so the result
does not depend on the chunking.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from lazyinit.dtypes import scalar_of

__all__ = [
    "CHUNK",
    "fresh_seed",
    "normal",
    "stream_key",
    "truncated_normal",
    "uniform",
    "words",
]

#: Elements per chunk of a large draw; a chunk's temporaries fit in L2 cache.
CHUNK = 1 << 16

Counters = range | np.ndarray

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB

# Stream purposes; attempt k of a truncated normal uses stream _TRUNCATED + 2k.
# Float64 normals take their angle from the stream after their radius's.
_UNIFORM, _NORMAL, _TRUNCATED = 0, 1, 16
_TRUNCATION = 2.0

_U64 = np.uint64
_SHIFTS = {n: _U64(n) for n in (11, 27, 30, 31, 32, 40)}
_FLOAT32 = np.dtype(np.float32)
_FLOAT64 = np.dtype(np.float64)


def fresh_seed() -> int:
    """A new random seed for an unseeded initializer call (63 bits)."""
    return secrets.randbits(63)


def _mix(value: int) -> int:
    """The SplitMix64 finalizer on one Python int (the scalar twin of ``words``)."""
    value &= _MASK
    value = ((value ^ (value >> 30)) * _MIX1) & _MASK
    value = ((value ^ (value >> 27)) * _MIX2) & _MASK
    return value ^ (value >> 31)


def stream_key(seed: int, stream: int = 0) -> np.uint64:
    """The key of stream ``stream`` of ``seed`` (any non-negative int).

    Seeds wider than 64 bits are folded in 64-bit limbs, so every int seed
    names its own streams.

    Examples
    --------
    >>> stream_key(1) == stream_key(1), stream_key(1) == stream_key(2)
    (np.True_, np.False_)
    """
    state = _mix(stream * _GOLDEN + 1)
    while True:
        state = _mix(state ^ ((seed & _MASK) + _GOLDEN))
        seed >>= 64
        if not seed:
            return _U64(state)


def words(key: np.uint64, counters: np.ndarray) -> np.ndarray:
    """The 64-bit words ``mix64(key + i * GOLDEN)`` for the counters ``i``.

    Parameters
    ----------
    key : numpy.uint64
        From :func:`stream_key`.
    counters : numpy.ndarray of uint64
        Flat element indices; consumed (the words are computed in place).

    Examples
    --------
    >>> key = stream_key(7)
    >>> whole = words(key, np.arange(10, dtype=np.uint64))
    >>> bool((words(key, np.array([3, 9], np.uint64)) == whole[[3, 9]]).all())
    True
    """
    z = counters
    z *= _U64(_GOLDEN)
    z += key
    z ^= z >> _SHIFTS[30]
    z *= _U64(_MIX1)
    z ^= z >> _SHIFTS[27]
    z *= _U64(_MIX2)
    z ^= z >> _SHIFTS[31]
    return z


def _counter_array(counters: Counters) -> np.ndarray:
    if isinstance(counters, range):
        run = np.arange(counters.start, counters.stop, counters.step, dtype=np.int64)
        return run.view(np.uint64)
    return counters.astype(np.uint64)


def _stream(seed: int, stream: int, counters: Counters) -> np.ndarray:
    return words(stream_key(seed, stream), _counter_array(counters))


def _working_dtype(dtype: np.dtype) -> np.dtype:
    """float32 for outputs of at most 32 bits, else float64."""
    return _FLOAT32 if dtype.itemsize <= 4 else _FLOAT64


# --- uniform bits to floats ----------------------------------------------------


def _unit_interval(word: np.ndarray, working: np.dtype) -> np.ndarray:
    """Floats in [0, 1): the top 24 or 53 bits of each word, scaled exactly."""
    if working == _FLOAT32:
        values = (word >> _SHIFTS[40]).astype(np.float32)
        values *= np.float32(2.0**-24)
    else:
        values = (word >> _SHIFTS[11]).astype(np.float64)
        values *= 2.0**-53
    return values


def _box_muller(radius_bits: np.ndarray, angle_bits: np.ndarray) -> np.ndarray:
    """``sqrt(-2 log u) cos(2 pi v)``, ``u`` in (0, 1] and ``v`` in [0, 1)."""
    u = radius_bits
    u += u.dtype.type(0.5 * _ulp(u.dtype))
    np.log(u, out=u)
    u *= u.dtype.type(-2.0)
    np.sqrt(u, out=u)
    angle = angle_bits
    angle *= angle.dtype.type(2.0 * np.pi)
    np.cos(angle, out=angle)
    u *= angle
    return u


def _ulp(working: np.dtype) -> float:
    """The spacing of the raw uniforms below 1: 2**-32 or 2**-53."""
    return 2.0**-32 if working == _FLOAT32 else 2.0**-53


def _standard_normal(
    seed: int, stream: int, counters: Counters, working: np.dtype
) -> np.ndarray:
    word = _stream(seed, stream, counters)
    if working == _FLOAT32:
        # The two 32-bit halves of one word: the radius from the high half,
        # the angle from the low half.
        radius = (word >> _SHIFTS[32]).astype(np.uint32).astype(np.float32)
        angle = word.astype(np.uint32).astype(np.float32)
        radius *= np.float32(2.0**-32)
        angle *= np.float32(2.0**-32)
        return _box_muller(radius, angle)
    radius = _unit_interval(word, working)
    angle = _unit_interval(_stream(seed, stream + 1, counters), working)
    return _box_muller(radius, angle)


# --- chunked execution ------------------------------------------------------------

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's thread pool, made anew after a fork (threads do not survive)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=os.cpu_count() or 1, thread_name_prefix="lazyinit-random"
            )
            _pool_pid = os.getpid()
        return _pool


def _fill_chunks(
    out: np.ndarray, counters: Counters, compute: Callable[[Counters, np.ndarray], Any]
) -> np.ndarray:
    """Run ``compute(counters[a:b], out[a:b])`` over chunks, in parallel."""
    count = len(counters)
    if count <= CHUNK:
        compute(counters, out)
        return out
    starts = range(0, count, CHUNK)

    def run(start: int) -> None:
        compute(counters[start : start + CHUNK], out[start : start + CHUNK])

    # list() waits for every chunk and re-raises the first error.
    list(_executor().map(run, starts))
    return out


# --- bounds held in the output dtype ---------------------------------------------


def _next_toward(value: np.generic, direction: float) -> np.generic:
    """The neighbour of ``value`` toward ``direction`` in its own dtype."""
    dtype = value.dtype
    if dtype.kind == "f":
        return np.nextafter(value, dtype.type(direction))
    # bfloat16 and other extension floats: step the bit pattern.
    bits = np.array(value).view(f"u{dtype.itemsize}")
    if value == 0:
        step = scalar_of(np.array(1, bits.dtype).view(dtype))
        return step if direction > 0 else -step
    if (float(value) > 0) == (direction > float(value)):
        bits += 1  # away from zero
    else:
        bits -= 1
    return scalar_of(bits.view(dtype))


def _inward(value: float, dtype: np.dtype, direction: float) -> np.generic:
    """``value`` held in ``dtype``, rounded toward ``direction`` when inexact."""
    held = scalar_of(np.array(value).astype(dtype))
    if (float(held) - value) * (direction - value) < 0:
        held = _next_toward(held, direction)
    return held


# --- public draws -------------------------------------------------------------------


def uniform(
    seed: int,
    counters: Counters,
    dtype: Any,
    minval: float = 0.0,
    maxval: float = 1.0,
) -> np.ndarray:
    """Uniform draws in ``[minval, maxval)`` of ``dtype`` for ``counters``.

    Floating dtypes hold every value in the half-open interval (rounding
    never reaches ``maxval``); integer dtypes draw whole numbers, with
    whole-number bounds and a span up to 2**53 (checked by the caller).

    Parameters
    ----------
    seed : int
    counters : range or numpy.ndarray of ints
        The flat indices of the elements to draw.
    dtype : numpy.dtype
    minval, maxval : float or int

    Returns
    -------
    numpy.ndarray
        1-D, ``len(counters)`` values of ``dtype``.

    Examples
    --------
    >>> whole = uniform(7, range(10), np.dtype("float64"))
    >>> bool((uniform(7, range(3, 8), np.dtype("float64")) == whole[3:8]).all())
    True
    >>> picked = uniform(7, np.array([9, 0]), np.dtype("float64"))
    >>> bool((picked == whole[[9, 0]]).all())
    True
    >>> bool((whole >= 0).all() and (whole < 1).all())
    True
    """
    dtype = np.dtype(dtype)
    out = np.empty(len(counters), dtype)
    if dtype.kind in "iu":
        return _fill_chunks(out, counters, _integer_uniform(seed, minval, maxval))
    working = _working_dtype(dtype)
    if maxval <= minval:
        out[...] = np.array(minval).astype(dtype)
        return out
    low = _inward(minval, dtype, maxval)
    high = _inward(maxval, dtype, minval)
    if float(high) >= maxval:
        # NumPy's stubs leave out np.generic's comparisons, which every scalar has.
        high = max(_next_toward(high, minval), low)  # type: ignore[call-overload]

    def compute(chunk: Counters, target: np.ndarray) -> None:
        values = _unit_interval(_stream(seed, _UNIFORM, chunk), working)
        values *= working.type(maxval - minval)
        values += working.type(minval)
        target[...] = values
        np.clip(target, low, high, out=target)

    return _fill_chunks(out, counters, compute)


def _integer_uniform(seed: int, low: float, high: float) -> Callable[..., None]:
    span = float(high - low)

    def compute(chunk: Counters, target: np.ndarray) -> None:
        # floor(u * span) lies in [0, span) for 53-bit uniforms. Adding
        # ``low`` in the target dtype wraps modulo 2**bits and so lands
        # exactly on ``low + offset``, which is in range.
        values = _unit_interval(_stream(seed, _UNIFORM, chunk), _FLOAT64)
        offsets = np.floor(values * span).astype(np.uint64)
        target[...] = offsets.astype(target.dtype) + target.dtype.type(low)

    return compute


def normal(
    seed: int,
    counters: Counters,
    dtype: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
) -> np.ndarray:
    """Normal draws ``mean + stddev * z`` of a floating ``dtype`` for ``counters``.

    Examples
    --------
    >>> float32 = np.dtype("float32")
    >>> whole = normal(3, range(11), float32)
    >>> bool((normal(3, range(5, 9), float32) == whole[5:9]).all())
    True
    >>> bool((normal(3, range(10, -1, -5), float32) == whole[::-5]).all())
    True
    """
    dtype = np.dtype(dtype)
    working = _working_dtype(dtype)

    def compute(chunk: Counters, target: np.ndarray) -> None:
        values = _standard_normal(seed, _NORMAL, chunk, working)
        values *= working.type(stddev)
        values += working.type(mean)
        target[...] = values

    return _fill_chunks(np.empty(len(counters), dtype), counters, compute)


def truncated_normal(
    seed: int,
    counters: Counters,
    dtype: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
) -> np.ndarray:
    """Normal draws redrawn beyond 2 ``stddev``: all within ``mean ± 2 stddev``.

    The bounds are held in ``dtype`` rounded inward, so rounding a value to
    float16 or bfloat16 never carries it past them.

    Examples
    --------
    >>> float16 = np.dtype("float16")
    >>> whole = truncated_normal(5, range(10_000), float16, 1.0, 0.5)
    >>> float(whole.min()) >= 0.0 and float(whole.max()) <= 2.0
    True
    >>> piece = truncated_normal(5, range(10, 20), float16, 1.0, 0.5)
    >>> bool((piece == whole[10:20]).all())
    True
    """
    dtype = np.dtype(dtype)
    working = _working_dtype(dtype)
    spread = _TRUNCATION * stddev
    low = _inward(mean - spread, dtype, mean)
    high = _inward(mean + spread, dtype, mean)

    def compute(chunk: Counters, target: np.ndarray) -> None:
        values = _truncated_standard_normal(seed, chunk, working)
        values *= working.type(stddev)
        values += working.type(mean)
        target[...] = values
        np.clip(target, low, high, out=target)

    return _fill_chunks(np.empty(len(counters), dtype), counters, compute)


def _truncated_standard_normal(
    seed: int, counters: Counters, working: np.dtype
) -> np.ndarray:
    values = _standard_normal(seed, _TRUNCATED, counters, working)
    rejected = np.flatnonzero(np.abs(values) > _TRUNCATION)
    attempt = 1
    # Each attempt keeps about 95.4% of what is left, so a handful of
    # attempts end every realistic draw; the loop ends with probability one.
    while rejected.size:
        retry = _counter_array(counters)[rejected]
        stream = _TRUNCATED + 2 * attempt
        redrawn = _standard_normal(seed, stream, retry, working)
        kept = np.abs(redrawn) <= _TRUNCATION
        values[rejected[kept]] = redrawn[kept]
        rejected = rejected[~kept]
        attempt += 1
    return values
