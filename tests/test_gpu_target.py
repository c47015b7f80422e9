"""`make test-gpu` on a machine without CUDA: one clear message, at once, nothing run."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbcommon as nbc
import pytest
import torch


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is visible here")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_gpu_fails_at_once_with_a_clear_message_without_cuda() -> None:
    run = subprocess.run(
        ["make", "--no-print-directory", "test-gpu", f"PY={sys.executable}", "SETUP=none"],
        cwd=nbc.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "make test-gpu needs a CUDA device, and none is visible" in output
    assert "run `make test` for the CPU suite" in output
    assert "Running the same strict suite" not in output, "the suite must not start"


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
