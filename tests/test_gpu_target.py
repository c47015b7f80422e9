"""`make test-gpu` on a machine without CUDA: one clear message, at once, nothing run."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbcommon as nbc
import pytest
import torch


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_gpu_checks_for_cuda_before_any_setup_or_test() -> None:
    """`make -n` lists the commands in order without running them (the sub-make is listed too)."""
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", "test-gpu", f"PY={sys.executable}", "SETUP=none"],
        cwd=nbc.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = run.stdout.splitlines()
    check = next(i for i, line in enumerate(lines) if "tools/require_cuda.py" in line)
    suite = next(i for i, line in enumerate(lines) if "--require-gpu" in line)
    assert check < suite
    assert not any("pip install" in line or "-m venv" in line for line in lines[:suite]), (
        "SETUP=none must not build an environment"
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is visible here")
def test_require_cuda_fails_with_a_clear_message_without_cuda() -> None:
    run = subprocess.run(
        [sys.executable, str(nbc.ROOT / "tools" / "require_cuda.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "make test-gpu needs a CUDA device, and none is visible" in run.stderr
    assert "run `make test` for the CPU suite" in run.stderr
    assert "Traceback" not in run.stderr


def test_require_cuda_names_a_missing_torch(tmp_path) -> None:
    """An interpreter without torch gets a sentence, not an ImportError traceback."""
    shadow = tmp_path / "torch.py"
    shadow.write_text("raise ImportError('no torch here')\n")
    run = subprocess.run(
        [sys.executable, str(nbc.ROOT / "tools" / "require_cuda.py")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "has no torch" in run.stderr
    assert "Traceback" not in run.stderr
