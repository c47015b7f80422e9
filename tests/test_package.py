"""The package as a whole: its public API, and that importing it does nothing visible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import builders_guide as bg

PROBE = """
import sys, torch
state = torch.get_rng_state().clone()
threads = torch.get_num_threads()
import builders_guide
heavy = [m for m in ("matplotlib", "torch.utils.benchmark", "safetensors") if m in sys.modules]
assert torch.equal(state, torch.get_rng_state()), "import changed the RNG state"
assert torch.get_num_threads() == threads, "import changed torch's thread count"
import matplotlib
for key in ("figure.figsize", "figure.dpi", "font.size", "axes.prop_cycle"):
    assert matplotlib.rcParams[key] == matplotlib.rcParamsDefault[key], key
print(",".join(heavy))
"""


def test_every_name_in_all_exists_and_is_documented() -> None:
    for name in bg.__all__:
        obj = getattr(bg, name)
        if name != "__version__":
            assert (obj.__doc__ or "").strip(), f"bg.{name} has no docstring"


def test_all_lists_the_documented_api() -> None:
    # the repository's copy, also when the package under test is installed elsewhere
    api = Path(__file__).resolve().parent.parent / "helpers" / "API.md"
    text = api.read_text(encoding="utf-8")
    for name in bg.__all__:
        if name not in {"__version__", "check"}:
            assert f"`{name}`" in text, f"bg.{name} is public but missing from helpers/API.md"


def test_import_prints_nothing_and_changes_no_global_state() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == "", f"heavy modules imported eagerly: {result.stdout}"


def test_module_entry_point_prints_the_environment_report() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "builders_guide"], capture_output=True, text=True, check=True
    )
    assert "torch" in result.stdout and "builders_guide" in result.stdout
    assert bg.__version__ in result.stdout
