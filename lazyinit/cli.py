"""The ``lazyinit`` command line: ``demo``, ``inspect`` and ``materialize``.

``lazyinit demo`` builds GPT-2 small from its bundled config, prints every
parameter and the totals, folds a forward graph over a short token batch,
materializes the logits and checks them against the unfolded graph.
``lazyinit inspect CONFIG`` prints the parameter table and totals of any
supported Hugging Face style ``config.json`` (or a bundled name).

``lazyinit materialize CONFIG OUT_DIR`` writes the initial checkpoint of a
configuration chunk by chunk (safetensors, npy or zarr), within a memory
budget, resuming an interrupted run; ``--workers N`` runs it on a local Dask
cluster.

Exit codes: 0 on success, 1 when the demo's check fails, 2 for a usage or
config error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

import numpy as np

from lazyinit.dtypes import normalize_dtype
from lazyinit.evaluate import evaluate
from lazyinit.graph import registered_ops
from lazyinit.models import (
    BUILDERS,
    ConfigError,
    Parameter,
    build_parameters,
    bundled_configs,
    describe_initializer,
    gpt2_forward,
    load_config,
    parameter_bytes,
    parameter_count,
)
from lazyinit.rewrite import FoldReport, simplify

__all__ = ["main"]

PROGRAM = "lazyinit"
EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2

# The folds the demo exists to show: zero biases and unit LayerNorm scales.
EXPECTED_FOLDS = ("add_zero", "multiply_one")


class UsageError(Exception):
    """A command-line argument that parses but cannot be used."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 1 when the demo's check fails, 2 for a
        usage or config error.

    Examples
    --------
    >>> from lazyinit.cli import main
    >>> main(["inspect", "gpt2", "--summary"])
    model: gpt2 (model_type gpt2)
    parameters: 124,439,808 in 148 tensors
    ...
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return args.run(args, sys.stdout)
    except (ConfigError, UsageError) as exc:
        print(f"{PROGRAM} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``lazyinit inspect ... | head``): stop quietly,
        # and point stdout at devnull so that the interpreter's final flush
        # does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Symbolic lazy tensors: build models without allocating them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo",
        help="build GPT-2 small lazily, fold its forward graph and check it",
        description="Build GPT-2 small from the bundled config, fold a forward "
        "graph over a short token batch, materialize the logits and check them "
        "against the unfolded graph. No network access.",
    )
    demo.add_argument(
        "--tokens", type=int, default=8, help="token batch length (default 8)"
    )
    demo.set_defaults(run=_run_demo)

    inspect = commands.add_parser(
        "inspect",
        help="print the parameters of a Hugging Face style config.json",
        description="Print every parameter (name, shape, dtype, initializer, "
        f"bytes) and the totals. Supported model types: {', '.join(BUILDERS)}.",
    )
    inspect.add_argument(
        "config",
        help="a config.json path, a model folder holding one, or a bundled name "
        f"({', '.join(bundled_configs())})",
    )
    inspect.add_argument(
        "--dtype", default="float32", help="parameter dtype (default float32)"
    )
    inspect.set_defaults(run=_run_inspect)

    materialize = commands.add_parser(
        "materialize",
        help="write the initial checkpoint of a config.json, chunk by chunk",
        description="Write every parameter of a model configuration to OUT_DIR "
        "within a memory budget. An interrupted run resumes when run again.",
    )
    materialize.add_argument("config", help="a config.json path or bundled name")
    materialize.add_argument("out_dir", help="the directory (or store) to write")
    materialize.add_argument(
        "--format", choices=("safetensors", "npy", "zarr"), default="safetensors"
    )
    materialize.add_argument(
        "--max-memory", default="2GB", help="memory budget, e.g. 2GB or 512MiB"
    )
    materialize.add_argument(
        "--workers", type=int, default=0, help="run on a local Dask cluster of N"
    )
    materialize.add_argument(
        "--dtype", default="float32", help="parameter dtype (default float32)"
    )
    materialize.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no bar"
    )
    materialize.add_argument(
        "--seed", type=int, default=0, help="model seed (default 0)"
    )
    materialize.set_defaults(run=_run_materialize)

    for command in (demo, inspect):
        command.add_argument(
            "--seed", type=int, default=0, help="model seed (default 0)"
        )
        command.add_argument(
            "--summary",
            "--no-table",
            dest="summary",
            action="store_true",
            help="print only the totals, not the parameter table",
        )
        command.add_argument(
            "--group",
            action="store_true",
            help="one table row per parameter repeated across layers",
        )
    return parser


# --- commands -------------------------------------------------------------------


def _run_inspect(args: argparse.Namespace, out: TextIO) -> int:
    dtype = _floating_dtype(args.dtype)
    config = load_config(args.config)
    params, seconds = _timed(build_parameters, config, seed=args.seed, dtype=dtype)
    _print_parameters(out, config, args.config, params, seconds, args)
    return EXIT_OK


def _run_materialize(args: argparse.Namespace, out: TextIO) -> int:
    from lazyinit.errors import LazyInitError
    from lazyinit.materialize import materialize_to, parse_bytes

    dtype = _floating_dtype(args.dtype)
    try:
        budget = parse_bytes(args.max_memory)
    except LazyInitError as exc:
        raise UsageError(str(exc).replace("max_memory", "--max-memory")) from None
    if args.workers < 0:
        raise UsageError(f"--workers must be >= 0, received {args.workers}")
    config = load_config(args.config)
    params = build_parameters(config, seed=args.seed, dtype=dtype)
    tensors = {name: param.tensor for name, param in params.items()}
    total = parameter_bytes(params)
    print(
        f"writing {len(tensors)} tensors ({_human_bytes(total)}) to "
        f"{args.out_dir} as {args.format}, max memory {_human_bytes(budget)}",
        file=out,
    )
    options = {"format": args.format, "max_memory": budget, "progress": args.progress}
    start = time.perf_counter()
    try:
        if args.workers:
            _materialize_on_cluster(tensors, args, options)
        else:
            materialize_to(tensors, args.out_dir, **options)
    except ImportError as exc:
        raise UsageError(f"{exc.name or exc} is not installed: {exc}") from None
    except (LazyInitError, OSError) as exc:
        raise UsageError(str(exc)) from None
    seconds = time.perf_counter() - start
    print(
        f"done in {seconds:.1f} s ({total / seconds / 1e9:.2f} GB/s)",
        file=out,
    )
    return EXIT_OK


def _materialize_on_cluster(tensors: dict, args: argparse.Namespace, options) -> None:
    from distributed import Client, LocalCluster

    from lazyinit.materialize import materialize_to

    memory = options["max_memory"] // args.workers
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=max(memory, 2**28),
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        materialize_to(tensors, args.out_dir, client=client, **options)


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    config = load_config("gpt2")
    if not 0 < args.tokens <= config["n_positions"]:
        raise UsageError(
            f"--tokens must be in [1, {config['n_positions']}], received {args.tokens}"
        )
    params, seconds = _timed(build_parameters, config, seed=args.seed)
    _print_parameters(out, config, "gpt2", params, seconds, args)

    rng = np.random.default_rng(args.seed)
    token_ids = rng.integers(0, config["vocab_size"], size=(1, args.tokens))
    logits = gpt2_forward(params, config, token_ids)
    print(f"\ntoken ids: {token_ids.tolist()}", file=out)
    print(
        f"forward graph: {logits.node_count():,} nodes, logits {logits.shape} "
        f"{logits.dtype}",
        file=out,
    )

    (folded, report), seconds = _timed(simplify, logits, report=True)
    _print_fold_report(out, report, seconds)

    # One evaluation runs both graphs as written, so each weight is drawn
    # once and shared: the folded graph is what li.evaluate(logits) runs.
    (values, reference), seconds = _timed(evaluate, folded, logits, simplify=False)
    return _print_check(out, values, reference, seconds)


def _floating_dtype(name: str) -> np.dtype:
    try:
        dtype = normalize_dtype(name)
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind != "f":
        raise UsageError(
            f"--dtype must name a floating dtype (float16, float32, float64), "
            f"received {name!r}"
        )
    return dtype


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# --- printing --------------------------------------------------------------------


def _print_parameters(
    out: TextIO,
    config: Mapping[str, Any],
    source: str,
    params: Mapping[str, Parameter],
    seconds: float,
    args: argparse.Namespace,
) -> None:
    print(f"model: {source} (model_type {config['model_type']})", file=out)
    if not args.summary:
        rows = _grouped_rows(params) if args.group else _rows(params)
        print(_format_table(rows, grouped=args.group), file=out)
    total_bytes = parameter_bytes(params)
    dtypes = sorted({str(param.dtype) for param in params.values()})
    print(
        f"parameters: {parameter_count(params):,} in {len(params)} tensors",
        file=out,
    )
    print(
        f"bytes: {total_bytes:,} ({_human_bytes(total_bytes)}) once materialized, "
        f"{', '.join(dtypes)}",
        file=out,
    )
    materialized = sum(p.nbytes for p in params.values() if p.tensor.op == "constant")
    print(
        f"built lazily in {seconds * 1e3:.1f} ms; bytes allocated: {materialized:,}",
        file=out,
    )


def _rows(params: Mapping[str, Parameter]) -> list[tuple[str, ...]]:
    return [
        (
            param.name,
            str(param.shape),
            str(param.dtype),
            describe_initializer(param.initializer),
            f"{param.nbytes:,}",
        )
        for param in params.values()
    ]


_LAYER_INDEX = re.compile(r"\.\d+\.")


def _grouped_rows(params: Mapping[str, Parameter]) -> list[tuple[str, ...]]:
    """Rows that fold ``h.0.x``, ``h.1.x``, ... of equal kind into ``h.*.x``."""
    groups: dict[tuple[str, ...], list[Parameter]] = {}
    for param in params.values():
        pattern = _LAYER_INDEX.sub(".*.", param.name, count=1)
        key = (
            pattern,
            str(param.shape),
            str(param.dtype),
            describe_initializer(param.initializer),
        )
        groups.setdefault(key, []).append(param)
    return [
        (*key, f"x{len(members)}", f"{sum(p.nbytes for p in members):,}")
        for key, members in groups.items()
    ]


def _format_table(rows: list[tuple[str, ...]], *, grouped: bool) -> str:
    header: tuple[str, ...] = ("name", "shape", "dtype", "initializer", "bytes")
    if grouped:
        header = ("name", "shape", "dtype", "initializer", "count", "bytes")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    # Numbers read best right-aligned: the count and bytes columns.
    numeric = {len(header) - 1, len(header) - 2} if grouped else {len(header) - 1}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows), rule])


def _human_bytes(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    size, unit = count / 1024, "KiB"
    for larger in ("MiB", "GiB", "TiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size:.1f} {unit}"


def _rule_identities() -> dict[str, str]:
    """Each registered rule's identity: its docstring up to the condition."""
    identities = {}
    for opdef in registered_ops().values():
        for function in opdef.rules:
            summary = (function.__doc__ or "").strip().split(";")[0]
            identities[function.__name__] = " ".join(summary.split())
    return identities


def _print_fold_report(out: TextIO, report: FoldReport, seconds: float) -> None:
    print(
        f"\nfolded in {seconds * 1e3:.1f} ms: {report.nodes_before:,} -> "
        f"{report.nodes_after:,} nodes",
        file=out,
    )
    identities = _rule_identities()
    width = max((len(name) for name in report.fired), default=0)
    for name, count in report.fired.most_common():
        identity = identities.get(name, "")
        print(f"  {name.ljust(width)}  {count:>5}  {identity}", file=out)
    missing = [name for name in EXPECTED_FOLDS if not report.fired[name]]
    if missing:
        print(f"  (expected folds did not fire: {', '.join(missing)})", file=out)


def _print_check(
    out: TextIO, values: np.ndarray, reference: np.ndarray, seconds: float
) -> int:
    print(
        f"\nmaterialized folded and unfolded logits in {seconds:.2f} s "
        "(each weight drawn once)",
        file=out,
    )
    print(f"logits: shape {values.shape}, {values.dtype}", file=out)
    difference = float(np.max(np.abs(values - reference), initial=0.0))
    finite = bool(np.isfinite(values).all() and np.isfinite(reference).all())
    if finite and np.array_equal(values, reference):
        verdict = "OK, identical"
    elif finite and np.allclose(values, reference, rtol=1e-6, atol=1e-6):
        verdict = "OK, within rtol=atol=1e-6"
    else:
        verdict = "FAILED"
    print(
        f"check: folded vs unfolded logits, max abs difference {difference:.3g}: "
        f"{verdict}",
        file=out,
    )
    return EXIT_CHECK_FAILED if verdict == "FAILED" else EXIT_OK
