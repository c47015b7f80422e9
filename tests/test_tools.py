"""The maintenance tools: code normalization, sync-id, links, regen's output clean-up."""

from __future__ import annotations

import copy
from pathlib import Path

import links as links_tool
import nbcommon as nbc
import pytest
import regen
import sync_id


def test_normalized_code_ignores_comments_and_prose_strings_only() -> None:
    en = 'x = net(X)  # forward\nprint("the output shape:", x.shape)\nd["weight"]'
    id_ = 'x = net(X)  # maju\nprint("bentuk keluaran:", x.shape)\nd["weight"]'
    assert nbc.normalized_code(en) == nbc.normalized_code(id_)
    assert nbc.normalized_code('d["weight"]') != nbc.normalized_code('d["bobot"]')
    assert nbc.normalized_code("x = 1") != nbc.normalized_code("x = 2")
    assert nbc.normalized_code("%pip install a  # note") == nbc.normalized_code("%pip install a")


@pytest.mark.parametrize(
    ("en", "id_"),
    [
        ('print("doubled:", ok)', 'print("dilipatduakan:", ok)'),
        ('print("buffers:   ", names)', 'print("buffer:     ", names)'),
        ("print(f\"{name or '(root)':<16} {kind}\")", "print(f\"{name or '(akar)':<16} {kind}\")"),
        ('print(f"parameters: {n}")', 'print(f"parameter: {n}")'),
        ('ax.plot(x, y, label="tied")', 'ax.plot(x, y, label="terikat")'),
        ('ax.set_title("Loss")', 'ax.set_title("Galat")'),
        ('ax.legend(["sin", "cos"])', 'ax.legend(["sinus", "kosinus"])'),
        (
            'print("step", *(f"{h:>9}" for h in ["own", "averaged"]))',
            'print("langkah", *(f"{h:>9}" for h in ["sendiri", "rata-rata"]))',
        ),
        ('print(f"{n:,} values of {name}")', 'print(f"{name}: {n:,} nilai")'),
    ],
)
def test_printed_labels_and_figure_text_are_translatable(en: str, id_: str) -> None:
    assert nbc.normalized_code(en) == nbc.normalized_code(id_)


@pytest.mark.parametrize(
    ("en", "id_"),
    [
        ('sd["weight"]', 'sd["bobot"]'),
        ('print(sd["weight"])', 'print(sd["bobot"])'),
        ('x.to("cuda")', 'x.to("cpu")'),
        ('print(x.to("cuda"))', 'print(x.to("cpu"))'),
        (
            'torch.zeros(2, dtype=getattr(torch, "float16"))',
            'torch.zeros(2, dtype=getattr(torch, "half"))',
        ),
        ('bg.save(net, "model.pt")', 'bg.save(net, "model.safetensors")'),
        ('print("cuda" in kinds)', 'print("cpu" in kinds)'),
        ('print(a, sep="")', 'print(a, sep=",")'),
        ('print({"weight": 1})', 'print({"bobot": 1})'),
        ('print(f"{x:.2f} s")', 'print(f"{x:.3f} s")'),
        ('print(f"{loss:.2f} loss")', 'print(f"{grad:.2f} loss")'),
        ('key = f"{name}.weight"', 'key = f"{name}.bobot"'),
        ("print(f\"{name or '(root)' == n}\")", "print(f\"{name or '(akar)' == n}\")"),
    ],
)
def test_names_keys_devices_files_and_format_specs_are_still_compared(en: str, id_: str) -> None:
    assert nbc.normalized_code(en) != nbc.normalized_code(id_)


def code(src: str, tags: list[str] | None = None) -> dict:
    cell = {
        "cell_type": "code",
        "metadata": {"tags": tags or []},
        "execution_count": None,
        "outputs": [],
        "source": [],
    }
    nbc.set_source(cell, src)
    return cell


def markdown(src: str) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": []}
    nbc.set_source(cell, src)
    return cell


def notebook(*cells: dict) -> dict:
    return {
        "cells": list(cells),
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_drift_names_the_cell_that_differs() -> None:
    en = notebook(markdown("# T"), code("a = 1"), code("b = 2", ["raises-exception"]))
    id_ = notebook(markdown("# T"), code("a = 1  # satu"), code("b = 3"))
    problems = sync_id.drift(en, id_)
    assert problems == [
        "cell 2: tags differ: en ['raises-exception'], id []",
        "cell 2: code differs (comments and prose strings aside)",
    ]
    assert sync_id.drift(en, notebook(markdown("# T"), code("a = 1")))[0].startswith(
        "cell count differs"
    )


@pytest.fixture
def fake_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away copy of the repository layout that the tools work on."""
    (tmp_path / "notebooks" / "en").mkdir(parents=True)
    (tmp_path / "notebooks" / "id").mkdir(parents=True)
    (tmp_path / "links.toml").write_text('slug = "someone/repo"\nref = "v1"\n')
    monkeypatch.setattr(nbc, "ROOT", tmp_path)
    monkeypatch.setattr(nbc, "NOTEBOOKS", tmp_path / "notebooks")
    return tmp_path


def test_sync_carries_changed_code_and_tags_and_keeps_the_prose(fake_repo: Path) -> None:
    setup = code("", [nbc.SETUP_TAG])
    en = notebook(markdown("# Title"), setup, code("x = 2  # two", ["nbval-ignore-output"]))
    id_ = notebook(markdown("# Judul"), copy.deepcopy(setup), code("x = 1  # satu"))
    en_path = fake_repo / "notebooks" / "en" / "01-a.ipynb"
    id_path = fake_repo / "notebooks" / "id" / "01-a.ipynb"
    nbc.write(en_path, en)
    nbc.write(id_path, id_)

    changed, notes = sync_id.sync(en_path)

    synced = nbc.read(id_path)
    assert changed
    assert notes == ["cell 2: code carried over from English; translate its comments"]
    assert nbc.source(synced["cells"][0]).startswith("# Judul")
    assert nbc.source(synced["cells"][2]) == "x = 2  # two"
    assert nbc.tags(synced["cells"][2]) == {"nbval-ignore-output"}
    assert 'bg.set_language("id")' in nbc.source(synced["cells"][1])
    assert sync_id.drift(nbc.read(en_path), synced) == []


def test_sync_refuses_a_structural_change_and_says_which_cell(fake_repo: Path) -> None:
    en_path = fake_repo / "notebooks" / "en" / "01-a.ipynb"
    nbc.write(en_path, notebook(markdown("# T"), code("a = 1"), code("b = 2")))
    nbc.write(fake_repo / "notebooks" / "id" / "01-a.ipynb", notebook(markdown("# T"), code("a")))
    with pytest.raises(SystemExit, match="cell count differs: en has 3, id has 2"):
        sync_id.sync(en_path)


def test_links_adds_badges_and_setup_then_agrees(fake_repo: Path) -> None:
    path = fake_repo / "notebooks" / "en" / "07-use-gpu.ipynb"
    nb = notebook(markdown("# GPUs"), code("", [nbc.SETUP_TAG]))
    changes = links_tool.expected_changes(path, nb, slug="someone/repo", ref="v1")
    assert changes[:2] == ["badge row added", "setup cell"]
    assert "metadata.accelerator" in changes
    assert "github/someone/repo/blob/v1/notebooks/en/07-use-gpu.ipynb" in nbc.source(nb["cells"][0])
    assert links_tool.expected_changes(path, nb, slug="someone/repo", ref="v1") == []


def test_regen_drops_library_frames_but_keeps_the_cells_frames() -> None:
    traceback = [
        "\x1b[0;31m---------\x1b[0m\nRuntimeError    Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[5], line 2\x1b[0m\n----> 2 net(X)",
        "File \x1b[0;32m/some/where/site-packages/torch/nn/modules/module.py:1775\x1b[0m, in f",
        "File \x1b[0;32m~/lib/torch/functional.py:12\x1b[0m, in g",
        "\x1b[0;31mRuntimeError\x1b[0m: shapes cannot be multiplied",
    ]
    kept = regen.trim_traceback(traceback)
    assert kept == [
        traceback[0],
        traceback[1],
        "[... 2 frame(s) inside installed libraries omitted ...]",
        traceback[4],
    ]


def test_regen_joins_consecutive_stream_chunks() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "a"},
        {"output_type": "stream", "name": "stdout", "text": ["b\n"]},
        {"output_type": "execute_result", "data": {"text/plain": "1"}},
        {"output_type": "stream", "name": "stdout", "text": "c\n"},
    ]
    merged = regen.merge_streams(copy.deepcopy(outputs))
    assert [o["output_type"] for o in merged] == ["stream", "execute_result", "stream"]
    assert merged[0]["text"] == "ab\n"


def test_written_notebooks_store_text_as_lines(tmp_path: Path) -> None:
    nb = notebook(code("a = 1\nb = 2"))
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x\ny\n"}]
    nbc.write(tmp_path / "n.ipynb", nb)
    back = nbc.read(tmp_path / "n.ipynb")
    assert back["cells"][0]["source"] == ["a = 1\n", "b = 2"]
    assert back["cells"][0]["outputs"][0]["text"] == ["x\n", "y\n"]
