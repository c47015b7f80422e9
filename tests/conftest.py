"""Test-suite plumbing shared by the unit tests and the nbval notebook runs.

- `gpu`-marked tests and notebook cells tagged `requires-gpu` are skipped where no CUDA
  device is visible; with `--require-gpu` (what `make test-gpu` passes) a missing device
  is an error instead.
- The suite must leave the repository as it found it: the controller compares
  `git status` before and after, and fails the run if anything changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

REQUIRES_GPU_TAG = "requires-gpu"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-gpu",
        action="store_true",
        help="fail instead of skipping when no CUDA device is visible (make test-gpu)",
    )
    parser.addoption(
        "--faults",
        action="store_true",
        help="also run the long `faults`-marked fault-injection loops (make test-faults)",
    )
    parser.addoption(
        "--browser",
        action="store_true",
        help="also run the `browser`-marked tests in headless Chromium (make test-browser)",
    )


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: long fault-injection loops; run with --faults")
    if config.getoption("--require-gpu") and not _cuda_available():
        raise pytest.UsageError(
            "--require-gpu was given but no CUDA device is visible. "
            "Run `make test-gpu` on a machine with an NVIDIA GPU, or `make test` here."
        )
    if _is_controller(config):
        config._git_status_before = _git_status()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # `make test` stays inside its time budget; `make test-faults` and `make test-browser`
    # (both run by .ci/run) take the long loops and the headless-Chromium tests
    for marker, option in (("faults", "--faults"), ("browser", "--browser")):
        if not config.getoption(option):
            left_out = [item for item in items if item.get_closest_marker(marker)]
            if left_out:
                config.hook.pytest_deselected(items=left_out)
                items[:] = [item for item in items if not item.get_closest_marker(marker)]
    if _cuda_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device; none is visible here")
    for item in items:
        cell = getattr(item, "cell", None)  # nbval's notebook-cell items carry their cell
        if cell is not None:
            if REQUIRES_GPU_TAG in cell.get("metadata", {}).get("tags", []):
                item.add_marker(skip)
        elif item.get_closest_marker("gpu"):
            item.add_marker(skip)


def _git_status() -> str | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when the suite changed or created files in the repository."""
    config = session.config
    if not _is_controller(config):
        return
    before = getattr(config, "_git_status_before", None)
    after = _git_status()
    if before is None or after is None or before == after:
        return
    new = sorted(set(after.splitlines()) - set(before.splitlines()))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        "The test suite changed the repository tree (tests and notebooks must write only to",
        "temporary directories). New entries in `git status`:",
        *(f"    {line}" for line in new or after.splitlines()),
    ]
    if reporter is not None:
        reporter.write_sep("=", "repository tree changed", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# Kernels started by nbval inherit this environment: keep their output free of noise.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
