"""The command line: ``lazyinit demo`` and ``lazyinit inspect``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from lazyinit import cli
from lazyinit.cli import main

TINY_LLAMA = {
    "model_type": "llama",
    "vocab_size": 50,
    "hidden_size": 16,
    "intermediate_size": 40,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
}


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TINY_LLAMA))
    return path


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- demo ------------------------------------------------------------------------


def test_demo_builds_folds_materializes_and_checks(capsys):
    code, out, err = _run(capsys, "demo")

    assert code == 0, err
    assert "124,439,808" in out
    assert "transformer.h.11.mlp.c_proj.weight" in out
    assert "RandomNormal(mean=0, stddev=0.02)" in out
    assert "add_zero" in out and "multiply_one" in out
    assert "expected folds did not fire" not in out
    assert "logits: shape (1, 8, 50257), float32" in out
    assert "OK" in out and "FAILED" not in out
    assert err == ""


def test_demo_check_fails_with_exit_code_1(capsys):
    values = np.zeros((1, 2, 3), np.float32)

    code = cli._print_check(sys.stdout, values, values + 1, seconds=0.0)

    assert code == 1
    assert "max abs difference 1: FAILED" in capsys.readouterr().out


@pytest.mark.parametrize("tokens", ["0", "1025"])
def test_demo_rejects_a_bad_batch_length(capsys, tokens):
    code, _, err = _run(capsys, "demo", "--tokens", tokens, "--summary")

    assert code == 2
    assert f"--tokens must be in [1, 1024], received {tokens}" in err


# --- inspect -----------------------------------------------------------------------


def test_inspect_a_config_file(capsys, tiny_config):
    code, out, err = _run(capsys, "inspect", str(tiny_config))

    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"model: {tiny_config} (model_type llama)"
    assert lines[1].split() == ["name", "shape", "dtype", "initializer", "bytes"]
    # 1 embedding, 9 tensors per layer, final norm, output head.
    assert sum(line.startswith(("model.", "lm_head")) for line in lines) == 21
    row = next(line for line in lines if line.startswith("model.norm.weight"))
    assert row.split() == ["model.norm.weight", "(16,)", "float32", "Ones()", "64"]
    total = 2 * 50 * 16 + 2 * (4 * 16 * 16 + 3 * 16 * 40 + 2 * 16) + 16
    assert f"parameters: {total:,} in 21 tensors" in out


def test_inspect_a_bundled_name(capsys):
    code, out, _ = _run(capsys, "inspect", "llama-2-7b", "--summary")

    assert code == 0
    assert "parameters: 6,738,415,616 in 291 tensors" in out
    assert "bytes: 26,953,662,464 (25.1 GiB)" in out
    assert "bytes allocated: 0" in out
    assert "model.layers" not in out


def test_inspect_groups_repeated_layers(capsys):
    code, out, _ = _run(capsys, "inspect", "llama-2-7b", "--group")

    assert code == 0
    row = next(line for line in out.splitlines() if "q_proj" in line)
    assert row.split()[0] == "model.layers.*.self_attn.q_proj.weight"
    assert row.split()[-2:] == ["x32", "2,147,483,648"]
    assert "6,738,415,616" in out


def test_inspect_dtype_option(capsys):
    code, out, _ = _run(capsys, "inspect", "gpt2", "--summary", "--dtype", "float16")

    assert code == 0
    assert "bytes: 248,879,616 (237.4 MiB) once materialized, float16" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"model_type": "bert", "hidden_size": 8}, "unsupported model_type 'bert'"),
        ({"vocab_size": 8}, "config has no 'model_type'"),
        ({**TINY_LLAMA, "hidden_size": None}, "missing key 'hidden_size'"),
        ({**TINY_LLAMA, "num_hidden_layers": "2"}, "must be a positive integer"),
        ("{broken", "is not valid JSON"),
    ],
)
def test_inspect_bad_configs_exit_2_with_a_message(capsys, tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))

    code, out, err = _run(capsys, "inspect", str(path))

    assert code == 2
    assert out == ""
    assert err.startswith("lazyinit inspect: error: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["missing.json", "folder-without-config"])
def test_inspect_unreadable_file_exits_2(capsys, tmp_path, name):
    (tmp_path / "folder-without-config").mkdir()

    code, _, err = _run(capsys, "inspect", str(tmp_path / name))

    assert code == 2
    assert "cannot read config" in err
    assert "gpt2" in err and "llama-2-7b" in err


def test_inspect_bad_dtype_exits_2(capsys):
    code, _, err = _run(capsys, "inspect", "gpt2", "--dtype", "str")

    assert code == 2
    assert "lazyinit inspect: error:" in err


@pytest.mark.parametrize("argv", [[], ["inspect"], ["frobnicate"]])
def test_usage_errors_exit_2(capsys, argv):
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out


def test_python_dash_m_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "lazyinit", "inspect", "gpt2", "--summary"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "parameters: 124,439,808 in 148 tensors" in result.stdout


def test_piping_into_a_reader_that_closes_early_is_not_an_error(monkeypatch):
    """``lazyinit inspect llama-2-7b | head -3`` must not print a traceback."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    with os.fdopen(write_end, "w", buffering=1) as closed_pipe:
        monkeypatch.setattr("sys.stdout", closed_pipe)
        assert main(["inspect", "llama-2-7b"]) == 0
