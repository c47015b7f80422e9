"""Tests for builders_guide.plotting, drawn with the Agg backend and never shown."""

import doctest

import matplotlib
import pytest
import torch
from torch import nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from builders_guide import plotting
from builders_guide.plotting import bar_timings, hist_params, plot, set_figsize
from builders_guide.timing import BenchmarkResult


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    with matplotlib.rc_context():  # the set_figsize example changes rcParams
        result = doctest.testmod(plotting, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_set_figsize_is_the_only_rcparams_change():
    before = dict(matplotlib.rcParams)
    plot([1, 2, 3])
    hist_params(torch.ones(5))
    bar_timings({"a": 1e-3})
    assert dict(matplotlib.rcParams) == before
    with matplotlib.rc_context():
        set_figsize((3, 2))
        assert list(matplotlib.rcParams["figure.figsize"]) == [3, 2]


def test_plot_one_series_against_its_index():
    ax = plot([3.0, 1.0, 2.0], xlabel="step", ylabel="loss", title="Loss")
    (line,) = ax.lines
    assert list(line.get_xdata()) == [0, 1, 2]
    assert list(line.get_ydata()) == [3.0, 1.0, 2.0]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "loss", "Loss")


def test_plot_several_series_sharing_one_x_with_formats_and_legend():
    x = torch.arange(4.0)
    ax = plot(x, [x, x**2], legend=["linear", "square"], fmts=("-", "r:"))
    assert len(ax.lines) == 2
    assert list(ax.lines[1].get_ydata()) == [0.0, 1.0, 4.0, 9.0]
    assert ax.lines[1].get_linestyle() == ":"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["linear", "square"]


def test_plot_accepts_tensors_that_require_grad():
    w = torch.ones(3, requires_grad=True)
    ax = plot(w * 2)
    assert list(ax.lines[0].get_ydata()) == [2.0, 2.0, 2.0]


def test_plot_treats_a_2d_tensor_as_one_series_per_row():
    ax = plot(torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert len(ax.lines) == 3


def test_plot_accepts_a_list_of_zero_dim_tensors_as_one_series():
    ax = plot([torch.tensor(1.0), torch.tensor(0.5)])
    assert list(ax.lines[0].get_ydata()) == [1.0, 0.5]


def test_plot_sets_log_scales_and_limits():
    ax = plot([1, 10, 100], [1, 10, 100], xscale="log", yscale="log", xlim=(1, 100), ylim=(1, 1e3))
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlim() == (1.0, 100.0)
    assert ax.get_ylim() == (1.0, 1000.0)


def test_plot_draws_into_given_axes():
    _, axes = plt.subplots(1, 2)
    assert plot([1, 2], axes=axes[1]) is axes[1]
    assert len(axes[0].lines) == 0


def test_plot_with_mismatched_series_counts_raises_value_error():
    with pytest.raises(ValueError, match="2 x series but 3 y series"):
        plot([[0, 1], [0, 1]], [[1, 2], [1, 2], [1, 2]])


def test_plot_new_figure_has_the_requested_size():
    ax = plot([1, 2], figsize=(4, 2))
    assert list(ax.figure.get_size_inches()) == [4.0, 2.0]


def test_hist_params_of_a_module_draws_one_histogram_per_parameter():
    ax = hist_params(nn.Linear(10, 10), bins=5)
    assert len(ax.containers) == 2
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["weight", "bias"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("value", "count")
    assert ax.get_title() == "Distribution of values"


def test_hist_params_of_one_tensor_counts_every_value():
    ax = hist_params(torch.zeros(2, 50), bins=4, title="Zeros")
    assert sum(patch.get_height() for patch in ax.patches) == 100
    assert ax.get_legend() is None
    assert ax.get_title() == "Zeros"


def test_hist_params_of_uninitialized_lazy_module_raises_value_error():
    with pytest.raises(ValueError, match=r"uninitialized.*bg\.materialize"):
        hist_params(nn.LazyLinear(3))


def test_hist_params_of_nothing_raises_value_error():
    with pytest.raises(ValueError, match="no tensors to draw"):
        hist_params({})


def test_bar_timings_converts_seconds_to_the_unit():
    ax = bar_timings({"loop": 2.5e-3, "vectorized": 4e-5}, unit="ms")
    assert [patch.get_height() for patch in ax.patches] == pytest.approx([2.5, 0.04])
    assert [label.get_text() for label in ax.get_xticklabels()] == ["loop", "vectorized"]
    assert ax.get_ylabel() == "time (ms)"
    assert ax.get_title() == "Time per call"


def test_bar_timings_accepts_benchmark_results():
    result = BenchmarkResult(median=3e-6, iqr=0.0, mean=3e-6, number_of_runs=10)
    ax = bar_timings({"add": result}, unit="µs", title="Add", ylabel="µs per call")
    assert ax.patches[0].get_height() == pytest.approx(3.0)
    assert (ax.get_title(), ax.get_ylabel()) == ("Add", "µs per call")


def test_bar_timings_with_unknown_unit_raises_value_error():
    with pytest.raises(ValueError, match="Unknown time unit 'min'"):
        bar_timings({"a": 1.0}, unit="min")


def test_no_helper_calls_plt_show(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() was called"))
    plot([1, 2])
    hist_params(torch.ones(3))
    bar_timings({"a": 1.0})


def test_figures_save_as_png(tmp_path):
    ax = plot([1, 2, 3], title="PNG")
    path = tmp_path / "figure.png"
    ax.figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hist_params_labels_the_y_axis_as_asked():
    ax = hist_params(torch.zeros(10), ylabel="jumlah")
    try:
        assert ax.get_ylabel() == "jumlah"
        assert hist_params(torch.zeros(10)).get_ylabel() == "count"
    finally:
        plt.close("all")
