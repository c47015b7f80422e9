"""`make test-compat` (tools/compat.py): which environments it builds, how it judges a cell,
and that the README shows its last results. Also the release rule: links.toml's ref is the
helper package's version."""

from __future__ import annotations

import json

import builders_guide as bg
import compat as tool
import nbcommon as nbc
import pytest
import tomllib


def cell(outputs: list[dict], tags: tuple[str, ...] = ()) -> dict:
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "outputs": outputs}


ERROR = {"output_type": "error", "ename": "RuntimeError", "evalue": "boom", "traceback": []}


def stderr(text: str) -> dict:
    return {"output_type": "stream", "name": "stderr", "text": text}


def test_floor_environment_pins_exactly_what_pyproject_declares() -> None:
    with open(nbc.ROOT / "helpers" / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    floor = next(env for env in tool.environments() if env.name == "floor")
    assert floor.python == project["requires-python"].removeprefix(">=")
    assert list(floor.requirements) == [d.replace(">=", "==") for d in project["dependencies"]]


def test_newest_and_gpu_pair_environments_are_the_issues_cases() -> None:
    envs = {env.name: env for env in tool.environments()}
    assert list(envs) == ["newest", "gpu-pair", "floor"]
    assert envs["newest"].python == "3.13"
    assert all("=" not in r for r in envs["newest"].requirements)
    assert envs["gpu-pair"].python == "3.12"
    assert envs["gpu-pair"].requirements[0] == "torch==2.11.*"


def test_a_cell_that_raises_without_the_tag_is_a_problem() -> None:
    problems = tool.judge_cell(4, cell([ERROR]), raised=True, torch_version="2.13.0")
    assert problems == ["cell 4: unexpected RuntimeError: boom"]


def test_a_tagged_cell_must_raise() -> None:
    assert tool.judge_cell(5, cell([ERROR], ("raises-exception",)), True, "2.13.0") == []
    assert tool.judge_cell(5, cell([], ("raises-exception",)), False, "2.13.0") == [
        "cell 5: tagged raises-exception but raised nothing"
    ]


def test_any_stderr_is_a_problem() -> None:
    text = "x.py:3: FutureWarning: soon\n  warnings.warn(msg)\n"
    problems = tool.judge_cell(6, cell([stderr(text)]), False, "2.13.0")
    assert problems == [
        "cell 6: wrote to stderr: x.py:3: FutureWarning: soon\n  warnings.warn(msg)"
    ]


def test_a_known_upstream_warning_passes_only_on_the_versions_that_print_it() -> None:
    text = (
        "_package.py:785: UserWarning: The given buffer is not writable, and PyTorch ...\n"
        "  tensor = torch.frombuffer(\n"
    )
    seen: list[str] = []
    assert tool.judge_cell(18, cell([stderr(text)]), False, "2.11.0+cu130", seen) == []
    assert seen and seen[0].startswith("cell 18: The given buffer is not writable")
    problems = tool.judge_cell(18, cell([stderr(text)]), False, "2.12.0")
    assert len(problems) == 1 and "wrote to stderr" in problems[0]


def test_a_known_warning_does_not_excuse_another_one_in_the_same_cell() -> None:
    text = (
        "a.py:1: UserWarning: The given buffer is not writable\n  x\n"
        "b.py:2: UserWarning: TypedStorage is deprecated\n  y\n"
    )
    problems = tool.judge_cell(3, cell([stderr(text)]), False, "2.10.0")
    assert problems == [
        "cell 3: wrote to stderr: b.py:2: UserWarning: TypedStorage is deprecated\n  y"
    ]


def test_sanitizer_applies_the_nbval_rules() -> None:
    clean = tool.sanitizer(nbc.ROOT / "tests" / "nbval-sanitize.cfg")
    assert clean("took 3.2 ms at 0x7f00deadbeef") == "took DURATION at 0xADDRESS"


@pytest.mark.skipif(
    not tool.RESULTS.exists(), reason="no compatibility results yet: run `make test-compat`"
)
def test_readme_shows_the_last_compat_table() -> None:
    table = tool.load_table()
    readme = (nbc.ROOT / "README.md").read_text(encoding="utf-8")
    assert table.markdown() in readme, "README's table is stale: run `make test-compat`"
    readme_id = (nbc.ROOT / "README.id.md").read_text(encoding="utf-8")
    assert table.markdown("id") in readme_id, "README.id's table is stale: run `make test-compat`"


@pytest.mark.skipif(
    not tool.RESULTS.exists(), reason="no compatibility results yet: run `make test-compat`"
)
def test_last_compat_run_was_green_with_the_declared_floors() -> None:
    data = json.loads(tool.RESULTS.read_text(encoding="utf-8"))
    rows = {row["name"]: row for row in data["environments"]}
    assert set(rows) == {"newest", "gpu-pair", "floor"}
    assert all(row["ok"] for row in rows.values()), "a compat environment failed"
    floor = next(env for env in tool.environments() if env.name == "floor")
    assert rows["floor"]["requirements"] == list(floor.requirements), (
        "the floors changed since the last run: run `make test-compat` again"
    )


def test_readme_table_is_replaced_between_its_markers_only(tmp_path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{tool.TABLE_START}\nold\n{tool.TABLE_END}\nrest\n", encoding="utf-8")
    row = {
        "name": "floor",
        "versions": dict.fromkeys(("python", "torch", "numpy", "matplotlib", "safetensors"), "1"),
        "notebooks_passed": 30,
        "notebooks_total": 30,
        "unit_tests": {"passed": 5, "failed": 0, "skipped": 1, "ok": True},
        "ok": True,
    }
    assert tool.update_readme(tool.Table("2026-01-02", [row]), readme) is True
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith(f"{tool.TABLE_END}\nrest\n")
    assert "old" not in text
    assert "| floor | 1 | 1 | 1 | 1 | 1 | 30/30 | 5 passed, 0 failed, 1 skipped | green |" in text
    assert "Last run: 2026-01-02." in text


def test_links_ref_is_the_tag_of_the_helper_package_version() -> None:
    """The badges and setup cells install from this ref, so it must be the release's tag."""
    assert nbc.links()["ref"] == f"v{bg.__version__}", (
        "links.toml's ref and helpers/builders_guide/_version.py disagree: follow the release "
        "checklist in README.md (bump the version, `make links`, tag)"
    )
