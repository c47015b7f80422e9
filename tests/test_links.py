"""Badges and setup cells agree with links.toml, the one place the slug and ref live."""

from __future__ import annotations

import copy

import links as links_tool
import nbcommon as nbc
import pytest

NOTEBOOKS = list(nbc.notebook_paths())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nbc.repo_path(p) for p in NOTEBOOKS])
def test_badges_and_setup_cell_agree_with_links_toml(path) -> None:
    nb = nbc.read(path)
    changes = links_tool.expected_changes(path, copy.deepcopy(nb), **nbc.links())
    assert changes == [], f"out of step with links.toml ({', '.join(changes)}): run `make links`"


def test_badge_row_points_each_service_at_the_notebook_itself() -> None:
    path = nbc.NOTEBOOKS / "en" / "02-parameters.ipynb"
    row = nbc.badge_row(path, "someone/repo", "v9")
    assert (
        "colab.research.google.com/github/someone/repo/blob/v9/notebooks/en/02-parameters.ipynb"
        in row
    )
    assert "mybinder.org/v2/gh/someone/repo/v9?labpath=notebooks%2Fen%2F02-parameters.ipynb" in row


def test_setup_cell_installs_the_helpers_only_when_missing_and_never_torch() -> None:
    src = nbc.setup_source("en", "someone/repo", "v9")
    lines = src.splitlines()
    pip_line = next(line for line in lines if "%pip" in line)
    assert pip_line.startswith("    "), "the install must sit inside the `except ImportError`"
    assert "--no-deps" in pip_line, "installing dependencies could reinstall torch or numpy"
    assert "git+https://github.com/someone/repo@v9#subdirectory=helpers" in pip_line
    assert lines[lines.index(pip_line) - 1].startswith("except ImportError")


def test_setup_cells_differ_between_languages_only_in_comments_language_and_messages() -> None:
    import nbcommon

    en = nbc.setup_source("en", "a/b", "c")
    id_ = nbc.setup_source("id", "a/b", "c")
    assert nbcommon.normalized_code(en.replace('"en"', '"id"')) == nbcommon.normalized_code(id_)
    assert 'bg.set_language("id")' in id_
    assert 'bg.set_language("en")' in en
    assert "bg.check.set_language" not in en + id_, "one language setting for the whole package"
    assert "perangkat yang dipakai:" in id_
