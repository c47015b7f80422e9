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
        assert len(fig.axes) == 4
        heights = [p.get_height() for p in fig.axes[0].patches]
        assert heights == [9.0, 10.0, 5.0, 2.0]
        crossover = fig.axes[3]
        lines = {line.get_label(): list(line.get_ydata()) for line in crossover.get_lines()}
        assert lines == {
            "CPU (4 threads)": [1.0, 10.0, 100.0, 10_000.0],
            "GPU, data already there": [10.0, 10.0, 20.0, 100.0],
            "GPU, copies there and back": [50.0, 60.0, 200.0, 2000.0],
        }
        assert [t.get_text() for t in crossover.get_xticklabels()] == ["16", "64", "256", "1024"]
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
        (lambda d: d.pop("crossover"), "has no 'crossover' section"),
        (lambda d: d["crossover"]["cuda_s"].pop(), "crossover lists have different lengths"),
        (lambda d: d["crossover"].update(cpu_s=[1, 2, 0, 4]), "crossover.cpu_s is"),
        (lambda d: d["crossover"].update(gpu_wins_from=100), "crossover.gpu_wins_from is 100"),
        (lambda d: d["crossover"].update(sizes=[]), "crossover.sizes is"),
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


def test_recorded_results_ship_in_the_package_as_exact_copies_of_the_benchmark_files() -> None:
    """The notebook draws the package's copy; `make bench` writes both, byte for byte."""
    root = Path(__file__).resolve().parent.parent
    recorded = {p.name: p.read_bytes() for p in (root / "benchmarks" / "results").glob("cuda-*")}
    shipped = {p.name: p.read_bytes() for p in gpu_results.RECORDED.glob("cuda-*")}
    assert shipped == recorded
    for result in gpu_results.recorded_gpu_results():
        assert "FIXTURE" not in result["gpu"]


def test_the_crossover_is_where_the_gpu_wins_at_every_larger_size() -> None:
    """gpu_wins_from agrees with the timings it summarizes, in every shipped file."""
    for result in gpu_results.recorded_gpu_results():
        cross = result["crossover"]
        for field, gpu in (
            ("gpu_wins_from", "cuda_s"),
            ("gpu_with_copy_wins_from", "cuda_with_copy_s"),
        ):
            wins = [g < c for c, g in zip(cross["cpu_s"], cross[gpu], strict=True)]
            n = cross[field]
            if n is None:
                assert not wins[-1]
                continue
            i = cross["sizes"].index(n)
            assert all(wins[i:]) and (i == 0 or not wins[i - 1])


def test_summary_states_the_ratios_and_the_crossover_of_the_fixture() -> None:
    from builders_guide import set_language

    data = read_gpu_results(FIXTURE)
    text = gpu_results.gpu_results_summary(data)
    assert "90.0% of the best PyTorch run" in text
    assert "(2.5× faster with TF32)" in text
    assert "the GPU wins from n = 256 on; counting the copies, from n = 1024 on" in text
    assert "  1024    10000.0      100.0          2000.0" in text
    data["crossover"]["gpu_with_copy_wins_from"] = None
    set_language("id")
    try:
        text = gpu_results.gpu_results_summary(data)
    finally:
        set_language("en")
    assert "90,0% dari hasil PyTorch terbaik" in text
    assert text.endswith(
        "GPU menang mulai n = 256; bila salinannya ikut dihitung, tidak di ukuran mana pun "
        "yang diukur"
    )
    data["crossover"]["gpu_wins_from"] = None
    assert gpu_results.gpu_results_summary(data).endswith("the GPU wins at no measured size")


@pytest.mark.parametrize(
    ("lang", "flat"),
    [
        ("en", r"Up to n = (\d+) its time stays flat, between (\d+) and (\d+) µs"),
        ("id", r"Sampai n = (\d+) waktunya tetap datar, antara (\d+) dan (\d+) µs"),
    ],
)
def test_the_gpu_notebook_prose_states_what_the_shipped_measurement_says(lang, flat) -> None:
    """07's crossover paragraph quotes the newest shipped file: a re-measurement that moves
    the crossover or the flat launch-bound times must come with new prose."""
    import re

    root = Path(__file__).resolve().parent.parent
    nb = json.loads((root / "notebooks" / lang / "07-use-gpu.ipynb").read_text(encoding="utf-8"))
    prose = " ".join(
        " ".join("".join(c["source"]).split()) for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    cross = gpu_results.recorded_gpu_results()[-1]["crossover"]
    assert f"n = {cross['gpu_wins_from']}." in prose
    assert f"n = {cross['gpu_with_copy_wins_from']}," in prose
    found = re.search(flat, prose)
    assert found, flat
    upto, low, high = map(int, found.groups())
    flat_times = [
        1e6 * t for n, t in zip(cross["sizes"], cross["cuda_s"], strict=True) if n <= upto
    ]
    assert (round(min(flat_times)), round(max(flat_times))) == (low, high)
    # flat: the largest of those sizes is still within a factor of three of the smallest
    assert max(flat_times) < 3 * min(flat_times)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(gpu_results, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
