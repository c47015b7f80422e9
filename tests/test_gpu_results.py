"""The GPU results format and its figure, tested on a fixture (never on a shipped file)."""

from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path

import matplotlib
import pytest
from builders_guide import gpu_results
from builders_guide.gpu_results import GpuResultsError, plot_gpu_results, read_gpu_results

matplotlib.use("Agg")
FIXTURE = Path(__file__).parent / "fixtures" / "cuda-fixture.json"


def test_fixture_reads_back_with_every_section() -> None:
    data = read_gpu_results(FIXTURE)
    assert data["gpu"] == "FIXTURE GPU (not a measurement)"
    assert set(gpu_results.REQUIRED) <= set(data)


def test_figure_title_names_the_gpu_and_the_date() -> None:
    import matplotlib.pyplot as plt

    fig = plot_gpu_results(read_gpu_results(FIXTURE))
    try:
        assert fig._suptitle.get_text().startswith(
            "Measured on FIXTURE GPU (not a measurement), 2000-01-01"
        )
        assert len(fig.axes) == 3
        heights = [p.get_height() for p in fig.axes[0].patches]
        assert heights == [9.0, 10.0, 5.0, 2.0]
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(schema="other"), "is not a GPU results file"),
        (lambda d: d.pop("copy"), "has no 'copy' section"),
        (lambda d: d["matmul"].update(bf16_helper_tflops=-1), "matmul.bf16_helper_tflops is -1"),
        (lambda d: d["sync"].update(steps="ten"), "sync.steps is 'ten'"),
        (lambda d: d.pop("gpu"), "has no 'gpu'"),
    ],
)
def test_damaged_results_are_refused_with_the_field_named(tmp_path, edit, message) -> None:
    data = copy.deepcopy(json.loads(FIXTURE.read_text()))
    edit(data)
    path = tmp_path / "cuda-bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(GpuResultsError, match=message.replace("(", r"\(")):
        read_gpu_results(path)


def test_a_file_that_is_not_json_is_refused(tmp_path) -> None:
    path = tmp_path / "cuda-bad.json"
    path.write_bytes(b"\x89PNG not json")
    with pytest.raises(GpuResultsError, match="could not be read as JSON"):
        read_gpu_results(path)


def test_no_invented_gpu_figures_ship_in_the_repository() -> None:
    """Only `make bench` on a real CUDA machine may write results files."""
    results = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
    for path in results.glob("cuda-*.json"):
        data = read_gpu_results(path)
        assert "FIXTURE" not in data["gpu"]


def test_docstring_examples_run() -> None:
    result = doctest.testmod(gpu_results, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
