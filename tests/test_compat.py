"""The setup cell's version check (`bg.check_versions`) and where its floors come from."""

from __future__ import annotations

import re

import builders_guide as bg
import nbcommon as nbc
import pytest
import tomllib
from builders_guide import compat

PYPROJECT = nbc.ROOT / "helpers" / "pyproject.toml"


def pyproject() -> dict:
    with open(PYPROJECT, "rb") as f:
        return tomllib.load(f)["project"]


def new_enough() -> dict[str, str]:
    return dict(compat.floors())


@pytest.fixture(autouse=True)
def english():
    previous = bg.get_language()
    bg.set_language("en")
    yield
    bg.set_language(previous)


def test_floors_are_the_ones_pyproject_declares() -> None:
    """One source of truth: the installed metadata must match helpers/pyproject.toml (a
    stale install, or a hand-copied list, would disagree)."""
    assert compat.floors() == compat.parse_floors(pyproject()["dependencies"])
    assert set(compat.floors()) >= {"torch", "numpy", "matplotlib", "safetensors"}


def test_declared_floors_are_the_tested_ones() -> None:
    """The floors that the compatibility run proved (issue 12); raising one is fine, lowering
    one needs a new `make test-compat` run first."""
    floors = compat.floors()
    assert compat.release(floors["torch"]) >= (2, 10)
    assert compat.release(floors["matplotlib"]) >= (3, 9)
    assert pyproject()["requires-python"] == ">=3.11"


def test_check_prints_nothing_when_every_dependency_meets_its_floor(capsys) -> None:
    assert bg.check_versions(new_enough()) is True
    assert capsys.readouterr().out == ""


def test_check_of_this_environment_prints_nothing(capsys) -> None:
    assert bg.check_versions() is True
    assert capsys.readouterr().out == ""


def test_old_torch_gets_one_line_with_version_floor_and_command(capsys) -> None:
    installed = {**new_enough(), "torch": "2.4.1+cu121"}
    assert bg.check_versions(installed) is False
    out = capsys.readouterr().out
    floor = compat.floors()["torch"]
    assert out.count("\n") == 1
    assert out.startswith(
        "Version check: too old or missing for these notebooks: torch 2.4.1+cu121;"
    )
    assert f"they need torch>={floor}" in out
    assert f'%pip install --upgrade "torch>={floor}"' in out
    assert "restart the kernel" in out


def test_old_and_missing_packages_share_the_line_in_indonesian(capsys) -> None:
    installed = {**new_enough(), "matplotlib": "3.8.4", "numpy": None}
    bg.set_language("id")
    assert bg.check_versions(installed) is False
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("Pemeriksaan versi: terlalu lama atau belum terpasang")
    assert "numpy (tidak terpasang) dan matplotlib 3.8.4" in out
    floors = compat.floors()
    assert f'"numpy>={floors["numpy"]}" "matplotlib>={floors["matplotlib"]}"' in out
    assert "mulai ulang kernel" in out


def test_too_old_names_only_the_failing_packages() -> None:
    installed = {**new_enough(), "torch": "2.9.1", "safetensors": None}
    assert compat.too_old(installed) == {"torch": "2.9.1", "safetensors": None}


@pytest.mark.parametrize(
    ("version", "floor", "ok"),
    [
        ("2.10.0", "2.10", True),
        ("2.10.0+cpu", "2.10", True),
        ("2.11.0.dev20260101+cu128", "2.10", True),
        ("2.9.1", "2.10", False),
        ("2.1.0", "2.10", False),
        ("10.0", "9.1", True),
        ("1.26.0", "1.26", True),
        ("1.25.2", "1.26", False),
    ],
)
def test_versions_compare_by_number_not_by_text(version: str, floor: str, ok: bool) -> None:
    assert (compat.release(version) >= compat.release(floor)) is ok


def test_a_requirement_that_is_not_a_lower_bound_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"'torch==2\.10'.*name>=version"):
        compat.parse_floors(["torch==2.10"])


def test_optional_requirements_are_not_floors() -> None:
    assert compat.parse_floors(["numpy>=1.26", "pytest>=8; extra == 'test'"]) == {"numpy": "1.26"}


def test_setup_cell_checks_versions_after_choosing_the_language_and_installs_nothing() -> None:
    for lang in nbc.LANGUAGES:
        lines = nbc.setup_source(lang, "a/b", "c").splitlines()
        assert "bg.check_versions()" in lines
        assert lines.index("bg.check_versions()") > lines.index(f'bg.set_language("{lang}")')
        installs = [line for line in lines if "%pip" in line]
        assert len(installs) == 1 and re.search(r"\btorch\b", installs[0]) is None
