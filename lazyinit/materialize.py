"""Out-of-core materialization: write lazy tensors to disk chunk by chunk.

:func:`materialize_to` evaluates each tensor one chunk at a time (a run of
rows small enough for the memory budget) and writes it straight into its
place in the target: a ``.npy`` file, a Zarr store or a directory of
safetensors shards. Nothing larger than a chunk is ever held, and the files
are written with positioned writes, never mapped, so the pages written do
not count against the process's memory.

A journal next to the target records the finished chunks (written to a
temporary file, synced, then renamed over the old one). A second call after
an interruption skips them and finishes the job; chunks are deterministic,
so the result is byte-identical to an uninterrupted run. A journal written
for other tensors (another seed, shape or format) is ignored.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lazyinit.errors import LazyTypeError, LazyValueError
from lazyinit.graph import Node, topological_order
from lazyinit.plan import check_fed
from lazyinit.tensor import LazyTensor

__all__ = ["FORMATS", "materialize_to", "parse_bytes", "write_chunk"]

FORMATS = ("npy", "zarr", "safetensors")

# Evaluating a chunk needs the chunk and the kernels' temporaries (a normal
# draw holds two 64-bit words and a working-precision copy per element), so
# a chunk gets this fraction of the memory budget.
_CHUNK_SHARE = 8

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}

_SAFETENSORS_DTYPES = {
    "float64": "F64",
    "float32": "F32",
    "float16": "F16",
    "bfloat16": "BF16",
    "int64": "I64",
    "int32": "I32",
    "int16": "I16",
    "int8": "I8",
    "uint64": "U64",
    "uint32": "U32",
    "uint16": "U16",
    "uint8": "U8",
    "bool": "BOOL",
}


def parse_bytes(value: int | str, argument: str = "max_memory") -> int:
    """A byte count from an int or a string such as ``"2GB"`` or ``"512MiB"``.

    KB, MB, GB and TB are powers of 1000; KiB, MiB, GiB and TiB of 1024.
    ``argument`` is the parameter the value came from, named in errors.

    Examples
    --------
    >>> parse_bytes("2GB"), parse_bytes("256 MiB"), parse_bytes(4096)
    (2000000000, 268435456, 4096)
    >>> parse_bytes("lots")
    Traceback (most recent call last):
    ...
    lazyinit.errors.LazyValueError: max_memory: expected a byte count ...
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        count = int(value)
    else:
        match = re.fullmatch(
            r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Z]*)\s*", str(value)
        )
        unit = match and _UNITS.get(match.group(2).lower())
        if match is None or not unit:
            raise LazyValueError(
                f"{argument}: expected a byte count such as 2GB or 512MiB, "
                f"received {value!r}"
            )
        count = int(float(match.group(1)) * unit)
    if count <= 0:
        raise LazyValueError(f"{argument}: must be positive, received {value!r}")
    return count


# --- chunks -------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One region of one tensor: a contiguous run of its C-order elements."""

    name: str
    index: tuple[Any, ...]
    start: int
    size: int
    itemsize: int


def chunk_regions(
    shape: tuple[int, ...], itemsize: int, budget: int
) -> tuple[tuple[int, ...], list[tuple[tuple[Any, ...], int, int]]]:
    """The block shape and ``(index, first element, size)`` of every region.

    A region fixes the leading axes, takes a run along one axis and every
    element of the rest, so it is contiguous in C order.

    Examples
    --------
    >>> block, regions = chunk_regions((4, 3), 4, 24)
    >>> block
    (2, 3)
    >>> for index, start, _ in regions:
    ...     print(index, start)
    (slice(0, 2, None), slice(None, None, None)) 0
    (slice(2, 4, None), slice(None, None, None)) 6
    """
    ndim = len(shape)
    axis = 0
    while axis < ndim and math.prod(shape[axis + 1 :]) * itemsize > budget:
        axis += 1
    if axis == ndim:
        axis = max(ndim - 1, 0)
    inner = math.prod(shape[axis + 1 :])
    run = max(1, budget // max(inner * itemsize, 1)) if ndim else 1
    run = min(run, shape[axis]) if ndim else 1
    block = (1,) * axis + ((max(run, 1),) if ndim else ()) + shape[axis + 1 :]
    if math.prod(shape) == 0:
        return block, []
    regions = []
    rest = (slice(None),) * (ndim - axis - 1)
    for lead in np.ndindex(*shape[:axis]):
        base = int(np.ravel_multi_index(lead, shape[:axis])) if axis else 0
        for begin in range(0, shape[axis] if ndim else 1, run):
            end = min(begin + run, shape[axis]) if ndim else 1
            index = (*lead, slice(begin, end), *rest) if ndim else ()
            start = (base * shape[axis] + begin) * inner if ndim else 0
            regions.append((index, start, (end - begin) * inner))
    return block, regions


# --- writing one chunk ------------------------------------------------------------


def write_chunk(node: Node, index: tuple[Any, ...], destination: tuple) -> None:
    """Evaluate ``node[index]`` and write it to ``destination``.

    ``destination`` is ``("file", path, byte offset)`` for a raw run of a
    file (npy, safetensors) or ``("zarr", store path, array path)``. The
    function is what every Dask task runs, so it takes only picklable values.
    """
    from lazyinit.evaluate import evaluate
    from lazyinit.ops.movement import getitem

    values = evaluate(getitem(LazyTensor(node), index))
    kind = destination[0]
    if kind == "file":
        _, path, offset = destination
        _write_at(path, offset, np.ascontiguousarray(values))
    else:
        _, store, array_path = destination
        _open_zarr_array(store, array_path)[index] = values


def _write_at(path: str, offset: int, values: np.ndarray) -> None:
    data = values.reshape(-1).view(np.uint8).data
    descriptor = os.open(path, os.O_WRONLY)
    try:
        while data:
            written = os.pwrite(descriptor, data, offset)
            data, offset = data[written:], offset + written
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _open_zarr_array(store: str, array_path: str) -> Any:
    import zarr

    if array_path:
        return zarr.open_group(store=store, mode="r+")[array_path]
    return zarr.open_array(store=store, mode="r+")


# --- layouts: where each chunk goes -----------------------------------------------


@dataclass
class Layout:
    """Every chunk of a job, where it goes, and how to create the target."""

    chunks: list[Chunk]
    destinations: list[tuple]
    create: Callable[[], None]
    describe: dict
    intact: Callable[[], bool]


def _npy_layout(tensors: dict[str, Node], target: Path, budget: int) -> Layout:
    from numpy.lib.format import open_memmap

    single = list(tensors) == [""]
    paths = {name: target if single else target / f"{name}.npy" for name in tensors}
    chunks, destinations = [], []
    offsets = {}
    for name, node in tensors.items():
        header = _npy_header_length(node)
        offsets[name] = header
        _, regions = chunk_regions(node.shape, node.dtype.itemsize, budget)
        for index, start, size in regions:
            chunks.append(Chunk(name, index, start, size, node.dtype.itemsize))
            offset = header + start * node.dtype.itemsize
            destinations.append(("file", str(paths[name]), offset))

    def create() -> None:
        if not single:
            target.mkdir(parents=True, exist_ok=True)
        for name, node in tensors.items():
            array = open_memmap(paths[name], "w+", node.dtype, node.shape)
            assert array.offset == offsets[name]
            del array

    def intact() -> bool:
        return all(
            _npy_file_matches(paths[name], node, offsets[name])
            for name, node in tensors.items()
        )

    return Layout(chunks, destinations, create, {"offsets": offsets}, intact)


def _npy_file_matches(path: Path, node: Node, header_length: int) -> bool:
    """Whether ``path`` is the ``.npy`` file ``create`` makes for ``node``."""
    from numpy.lib import format as npy

    nbytes = math.prod(node.shape) * node.dtype.itemsize
    try:
        if path.stat().st_size != header_length + nbytes:
            return False
        with open(path, "rb") as stream:
            version = npy.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = npy.read_array_header_1_0(stream)
            else:
                shape, fortran, dtype = npy.read_array_header_2_0(stream)
            position = stream.tell()
    except (OSError, ValueError):
        return False
    return (shape, fortran, dtype, position) == (
        node.shape,
        False,
        node.dtype,
        header_length,
    )


def _npy_header_length(node: Node) -> int:
    """The length of the header ``open_memmap`` writes for ``node``."""
    import io

    from numpy.lib import format as npy

    header = {
        "descr": npy.dtype_to_descr(node.dtype),
        "fortran_order": False,
        "shape": node.shape,
    }
    buffer = io.BytesIO()
    try:
        npy.write_array_header_1_0(buffer, header)
    except ValueError:  # too long for version 1.0, as NumPy decides too
        buffer = io.BytesIO()
        npy.write_array_header_2_0(buffer, header)
    return buffer.tell()


def _safetensors_layout(
    tensors: dict[str, Node],
    target: Path,
    budget: int,
    shard_bytes: int,
    as_file: bool = False,
) -> Layout:
    """Shards in the directory ``target``, or one tensor in the file ``target``."""
    root = target.parent if as_file else target
    shards: list[list[str]] = [[]]
    filled = 0
    for name in sorted(tensors):
        nbytes = math.prod(tensors[name].shape) * tensors[name].dtype.itemsize
        if shards[-1] and filled + nbytes > shard_bytes:
            shards.append([])
            filled = 0
        shards[-1].append(name)
        filled += nbytes
    count = len(shards)
    if as_file:
        files = [target.name]
    elif count == 1:
        files = ["model.safetensors"]
    else:
        files = [f"model-{k + 1:05d}-of-{count:05d}.safetensors" for k in range(count)]
    headers, data_starts = [], []
    chunks, destinations = [], []
    for file, names in zip(files, shards, strict=True):
        header, end = _safetensors_header(tensors, names)
        headers.append((file, header, end))
        data_start = 8 + len(header)
        data_starts.append(data_start)
        described = json.loads(header)
        for name in names:
            node = tensors[name]
            base = data_start + described[name]["data_offsets"][0]
            _, regions = chunk_regions(node.shape, node.dtype.itemsize, budget)
            for index, start, size in regions:
                chunks.append(Chunk(name, index, start, size, node.dtype.itemsize))
                offset = base + start * node.dtype.itemsize
                destinations.append(("file", str(root / file), offset))
    weight_map = {
        name: file for file, names in zip(files, shards, strict=True) for name in names
    }
    total = sum(math.prod(n.shape) * n.dtype.itemsize for n in tensors.values())

    def create() -> None:
        root.mkdir(parents=True, exist_ok=True)
        for file, header, end in headers:
            with open(root / file, "wb") as stream:
                stream.write(len(header).to_bytes(8, "little") + header)
                stream.truncate(8 + len(header) + end)
        if as_file:
            return
        index_path = target / "model.safetensors.index.json"
        if count > 1:
            index = {"metadata": {"total_size": total}, "weight_map": weight_map}
            index_path.write_text(json.dumps(index, indent=2) + "\n")
        elif index_path.exists():
            index_path.unlink()

    def intact() -> bool:
        return all(
            _safetensors_file_matches(root / file, header, end)
            for file, header, end in headers
        )

    return Layout(chunks, destinations, create, {"files": files}, intact)


def _safetensors_file_matches(path: Path, header: bytes, end: int) -> bool:
    """Whether ``path`` has the size and header ``create`` gives it."""
    prefix = len(header).to_bytes(8, "little") + header
    try:
        if path.stat().st_size != len(prefix) + end:
            return False
        with open(path, "rb") as stream:
            return stream.read(len(prefix)) == prefix
    except OSError:
        return False


def _safetensors_header(tensors: dict[str, Node], names: list[str]) -> tuple:
    """The JSON header of one shard, padded to 8 bytes, and its data length."""
    described: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    end = 0
    for name in names:
        node = tensors[name]
        code = _SAFETENSORS_DTYPES.get(node.dtype.name)
        if code is None or node.dtype.byteorder == ">":
            raise LazyTypeError(
                f"materialize_to: safetensors has no dtype {node.dtype} "
                f"(tensor {name!r})"
            )
        nbytes = math.prod(node.shape) * node.dtype.itemsize
        described[name] = {
            "dtype": code,
            "shape": list(node.shape),
            "data_offsets": [end, end + nbytes],
        }
        end += nbytes
    header = json.dumps(described, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return header, end


def _zarr_layout(tensors: dict[str, Node], target: Path, budget: int) -> Layout:
    single = list(tensors) == [""]
    chunks, destinations, blocks = [], [], {}
    for name, node in tensors.items():
        block, regions = chunk_regions(node.shape, node.dtype.itemsize, budget)
        blocks[name] = tuple(max(1, b) for b in block)
        for index, start, size in regions:
            chunks.append(Chunk(name, index, start, size, node.dtype.itemsize))
            destinations.append(("zarr", str(target), name))

    def create() -> None:
        import zarr

        if single:
            node = tensors[""]
            zarr.open_array(
                store=str(target),
                mode="w",
                shape=node.shape,
                chunks=blocks[""],
                dtype=node.dtype,
            )
            return
        group = zarr.open_group(store=str(target), mode="w")
        make = getattr(group, "create_array", None) or group.create_dataset
        for name, node in tensors.items():
            make(name, shape=node.shape, chunks=blocks[name], dtype=node.dtype)

    def intact() -> bool:
        # Zarr keeps each block in its own object, so only the arrays'
        # metadata is checked here; a deleted store or array is caught.
        try:
            for name, node in tensors.items():
                array = _open_zarr_array(str(target), name)
                if array.shape != node.shape or array.dtype != node.dtype:
                    return False
        except Exception:  # any store zarr cannot open is not the target
            return False
        return True

    return Layout(chunks, destinations, create, {"blocks": blocks}, intact)


# --- the journal ------------------------------------------------------------------


def _journal_path(target: Path) -> Path:
    return target.with_name(target.name + ".lazyinit-journal.json")


def _read_journal(path: Path, fingerprint: str) -> set[int] | None:
    """The finished chunks of the same job, or None to start afresh."""
    try:
        journal = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if journal.get("fingerprint") != fingerprint:
        return None
    return {k for first, last in journal["done"] for k in range(first, last)}


def _write_journal(path: Path, fingerprint: str, done: set[int]) -> None:
    runs: list[list[int]] = []
    for k in sorted(done):
        if runs and runs[-1][1] == k:
            runs[-1][1] = k + 1
        else:
            runs.append([k, k + 1])
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as stream:
        json.dump({"fingerprint": fingerprint, "done": runs}, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def _fingerprint(tensors: dict[str, Node], form: str, layout: Layout) -> str:
    """A digest of the job: the graphs, names, format and chunking."""
    digest = hashlib.sha256()
    digest.update(repr((form, sorted(tensors), layout.describe)).encode())
    order = topological_order(tensors.values())
    position = {node.id: k for k, node in enumerate(order)}
    for node in order:
        inputs = [position[child.id] for child in node.inputs]
        attrs = {key: _digestible(value) for key, value in node.attrs.items()}
        digest.update(repr((node.op, inputs, attrs, node.shape)).encode())
        digest.update(node.dtype.str.encode())
    digest.update(repr([(c.name, c.start, c.size) for c in layout.chunks]).encode())
    return digest.hexdigest()


def _digestible(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, _array_digest(value))
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.tobytes())
    if isinstance(value, tuple | list):
        return tuple(_digestible(v) for v in value)
    if hasattr(value, "__slots__") and not isinstance(value, tuple):
        return type(value).__name__  # ConstantFacts: derived from the data
    return value


def _array_digest(value: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(value).view(np.uint8).data).hexdigest()


# --- the driver -------------------------------------------------------------------


def materialize_to(
    tensors: LazyTensor | Mapping[str, LazyTensor],
    target: str | os.PathLike,
    *,
    format: str | None = None,
    max_memory: int | str = "1GiB",
    shard_size: int | str = "5GB",
    progress: bool = True,
    client: Any = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Path:
    """Write lazy tensors to disk chunk by chunk, resuming an interrupted run.

    Parameters
    ----------
    tensors : LazyTensor or mapping of str to LazyTensor
        One tensor, or named tensors (a model's parameters).
    target : path
        A ``.npy`` file for one tensor, else a directory (``npy``: one
        ``NAME.npy`` per tensor; ``safetensors``: ``model.safetensors`` or
        numbered shards and ``model.safetensors.index.json``; ``zarr``: a
        store holding one array, or a group of named arrays). One tensor
        written to a ``.safetensors`` target is that one file; a lone tensor
        is stored in safetensors under the target's stem (``w`` for
        ``w.safetensors``).
    format : {"npy", "zarr", "safetensors"}, optional
        By default from the suffix of ``target``, else ``npy``.
    max_memory : int or str, default "1GiB"
        The memory budget of evaluation; chunks get an eighth of it.
    shard_size : int or str, default "5GB"
        The largest safetensors shard (a larger tensor gets its own shard).
    progress : bool, default True
        Show a ``tqdm`` progress bar on stderr, when tqdm is installed.
    client : dask.distributed.Client, optional
        Evaluate and write the chunks on its workers, which must see the
        target's file system.
    on_chunk : callable, optional
        Called as ``on_chunk(done, total)`` after each chunk is recorded.

    Returns
    -------
    pathlib.Path
        ``target``. A journal ``TARGET.lazyinit-journal.json`` next to it
        records the finished chunks; a second call resumes from it, provided
        the target's files still have the size and header it wrote (else
        they are written again from the start).

    Raises
    ------
    ValueError
        For an unknown format, a bad byte count (``max_memory``,
        ``shard_size``), a name that is not a file name, or a graph holding a
        placeholder (there is no feed). Raised before anything is written.
    TypeError
        If a tensor is not a LazyTensor or has no safetensors dtype, a name
        is not a str, or ``on_chunk`` is not callable.

    Examples
    --------
    >>> import numpy as np, lazyinit as li, tempfile, os
    >>> w = li.random_normal((1000, 64), seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "w.npy")
    >>> _ = li.materialize_to(w, path, max_memory="64KiB", progress=False)
    >>> bool((np.load(path) == w.numpy()).all())
    True
    """
    target = Path(target)
    form = _format(format, target)
    named = _named_nodes(tensors, target, form)
    budget = max(1, parse_bytes(max_memory) // _CHUNK_SHARE)
    shard_bytes = parse_bytes(shard_size, "shard_size")
    if on_chunk is not None and not callable(on_chunk):
        raise LazyTypeError(
            "materialize_to: on_chunk must be a callable taking (done, total), "
            f"received {on_chunk!r}"
        )
    check_fed(named.values(), "materialize_to")

    if form == "npy":
        layout = _npy_layout(named, target, budget)
    elif form == "safetensors":
        as_file = isinstance(tensors, LazyTensor) and target.suffix == ".safetensors"
        layout = _safetensors_layout(named, target, budget, shard_bytes, as_file)
    else:
        layout = _zarr_layout(named, target, budget)

    # The journal is trusted only while the target it describes is intact:
    # a deleted or truncated file is written again from the start.
    journal = _journal_path(target)
    fingerprint = _fingerprint(named, form, layout)
    done = _read_journal(journal, fingerprint) if layout.intact() else None
    if done is None:
        layout.create()
        done = set()
        _write_journal(journal, fingerprint, done)
    todo = [k for k in range(len(layout.chunks)) if k not in done]
    bar = _progress_bar(layout, done, form, progress)

    def record(k: int) -> None:
        done.add(k)
        _write_journal(journal, fingerprint, done)
        chunk = layout.chunks[k]
        if bar is not None:
            bar.update(chunk.size * chunk.itemsize)
        if on_chunk is not None:
            on_chunk(len(done), len(layout.chunks))

    try:
        if client is None:
            for k in todo:
                chunk = layout.chunks[k]
                write_chunk(named[chunk.name], chunk.index, layout.destinations[k])
                record(k)
        else:
            _run_on_client(client, named, layout, todo, record)
    finally:
        if bar is not None:
            bar.close()
    return target


def _run_on_client(client: Any, named, layout: Layout, todo, record) -> None:
    """Submit chunk writes, at most two per worker thread in flight."""
    from distributed import as_completed

    graphs = {
        name: client.scatter(node, broadcast=True) for name, node in named.items()
    }
    slots = 2 * max(1, sum(client.nthreads().values()))
    pending: Iterator[int] = iter(todo)

    def submit(k: int) -> Any:
        chunk = layout.chunks[k]
        future = client.submit(
            write_chunk,
            graphs[chunk.name],
            chunk.index,
            layout.destinations[k],
            pure=False,
        )
        numbers[future.key] = k
        return future

    numbers: dict[Any, int] = {}
    running = as_completed([submit(k) for k in itertools.islice(pending, slots)])
    for future in running:
        future.result()
        record(numbers.pop(future.key))
        following = next(pending, None)
        if following is not None:
            running.add(submit(following))


def _progress_bar(layout: Layout, done: set[int], form: str, progress: bool) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    sizes = [chunk.size * chunk.itemsize for chunk in layout.chunks]
    return tqdm(
        desc=f"materialize ({form})",
        total=sum(sizes),
        initial=sum(sizes[k] for k in done),
        unit="B",
        unit_scale=True,
    )


def _named_nodes(tensors: Any, target: Path, form: str) -> dict[str, Node]:
    if isinstance(tensors, LazyTensor):
        # npy and zarr hold one unnamed array; a safetensors file needs a key,
        # and the target's stem is the one a reader would look for.
        if form == "safetensors":
            return {target.stem or "tensor": tensors.node}
        return {"": tensors.node}
    if not isinstance(tensors, Mapping):
        raise LazyTypeError(
            "materialize_to: expected a LazyTensor or a mapping of names to "
            f"LazyTensors, received {type(tensors).__name__}"
        )
    named = {}
    for name, tensor in tensors.items():
        if not isinstance(tensor, LazyTensor):
            raise LazyTypeError(
                f"materialize_to: tensor {name!r} is a {type(tensor).__name__}, "
                "not a LazyTensor"
            )
        if not isinstance(name, str):
            raise LazyTypeError(
                f"materialize_to: tensor name {name!r} is a {type(name).__name__}; "
                "names must be str"
            )
        if not name or "/" in name or name.startswith("."):
            raise LazyValueError(
                f"materialize_to: tensor name {name!r} is not a file name"
            )
        named[name] = tensor.node
    return named


def _format(format: str | None, target: Path) -> str:
    if format is None:
        suffix = target.suffix.lstrip(".")
        return suffix if suffix in FORMATS else "npy"
    if format not in FORMATS:
        raise LazyValueError(
            f"materialize_to: format must be one of {', '.join(FORMATS)}, "
            f"received {format!r}"
        )
    return format
