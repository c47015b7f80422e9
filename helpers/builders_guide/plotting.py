"""Small plotting helpers: line plots, histograms of parameter values, bar charts of timings.

matplotlib is imported inside each function, so importing this package stays cheap and
changes no matplotlib state. No function here calls ``plt.show()``: end a notebook cell
with ``plt.show()`` yourself, so that no ``<Figure size ...>`` text lands in the outputs.

Default titles and axis labels, and error messages, follow :func:`builders_guide.set_language`;
text you pass in is drawn as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.language import message

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}


def set_figsize(figsize: tuple[float, float] = (6, 3.5)) -> None:
    """Set the default size of new figures, in inches (changes ``rcParams['figure.figsize']``).

    Example:
        >>> from builders_guide.plotting import set_figsize
        >>> set_figsize((6, 3.5))
    """
    import matplotlib

    matplotlib.rcParams["figure.figsize"] = figsize


def _axes(axes: Axes | None, figsize: tuple[float, float]) -> Axes:
    """The given axes, or the axes of a new figure of size ``figsize``."""
    if axes is not None:
        return axes
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(figsize=figsize)
    return axes


def _plain(values: Any) -> Any:
    """A tensor as CPU float64 data that matplotlib accepts; anything else unchanged."""
    if torch.is_tensor(values):
        return values.detach().cpu().double()
    return values


def _is_series(values: Any) -> bool:
    """Whether ``values`` is one 1-D series (or more) rather than a single number."""
    ndim = getattr(values, "ndim", None)
    if ndim is not None:
        return ndim >= 1
    return isinstance(values, Sequence) and not isinstance(values, str)


def _as_series_list(data: Any) -> list[Any]:
    """Turn one series, a list of series, or a 2-D tensor (one series per row) into a list."""
    if getattr(data, "ndim", 1) >= 2:
        return [_plain(row) for row in data]
    if len(data) > 0 and _is_series(data[0]):
        return [_plain(series) for series in data]
    return [_plain(data)]


def plot(
    X: Any,
    Y: Any = None,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    legend: Sequence[str] | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
    figsize: tuple[float, float] = (6, 3.5),
    axes: Axes | None = None,
) -> Axes:
    """Plot one or several series as lines and return the axes.

    ``X`` and ``Y`` may each be one series or a list of series (lists, tensors, arrays);
    a 2-D tensor is one series per row. Tensors may live on any device and need no
    ``detach()``. With ``Y=None``, ``X`` is plotted against 0, 1, 2, ... One ``X``
    may serve several ``Y`` series.

    Args:
        X: x values, or the y values when ``Y`` is None.
        Y: y values.
        xlabel, ylabel, title: the labels.
        legend: one name per series.
        xlim, ylim: axis limits.
        xscale, yscale: ``'linear'`` or ``'log'``.
        fmts: line formats, used in turn.
        figsize: size of a new figure, in inches (ignored when ``axes`` is given).
        axes: draw into these axes instead of a new figure.

    Returns:
        The matplotlib ``Axes``.

    Raises:
        ValueError: if the numbers of x and y series differ.

    Example:
        >>> import torch
        >>> from builders_guide.plotting import plot
        >>> x = torch.arange(0, 3, 0.1)
        >>> ax = plot(x, [torch.sin(x), torch.cos(x)], xlabel="x", ylabel="f(x)",
        ...           title="Sine and cosine", legend=["sin", "cos"])
        >>> len(ax.lines)
        2
    """
    if Y is None:
        ys = _as_series_list(X)
        xs = [list(range(len(y))) for y in ys]
    else:
        xs, ys = _as_series_list(X), _as_series_list(Y)
        if len(xs) == 1:
            xs = xs * len(ys)
    if len(xs) != len(ys):
        raise ValueError(message("plotting.series_mismatch", xs=len(xs), ys=len(ys)))
    axes = _axes(axes, figsize)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        axes.plot(x, y, fmts[i % len(fmts)])
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if xlabel is not None:
        axes.set_xlabel(xlabel)
    if ylabel is not None:
        axes.set_ylabel(ylabel)
    if title is not None:
        axes.set_title(title)
    if legend:
        axes.legend(legend)
    axes.grid(True)
    return axes


def hist_params(
    values: Mapping[str, torch.Tensor] | torch.Tensor | nn.Module,
    *,
    bins: int = 50,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    figsize: tuple[float, float] = (6, 3.5),
    axes: Axes | None = None,
) -> Axes:
    """Draw overlaid histograms of tensor values and return the axes.

    Args:
        values: one tensor, a mapping from names to tensors, or a module (one histogram
            per parameter, named as in ``named_parameters()``).
        bins: number of bins per histogram.
        title: the title; by default ``'Distribution of values'`` (in the current language).
        xlabel: the x-axis label; by default ``'value'`` (in the current language).
        ylabel: the y-axis label; by default ``'count'`` (in the current language). Say
            "weights per bin" when panels with different bin widths sit side by side.
        figsize: size of a new figure, in inches (ignored when ``axes`` is given).
        axes: draw into these axes instead of a new figure.

    Returns:
        The matplotlib ``Axes``.

    Raises:
        ValueError: if there is nothing to draw, or a tensor is an uninitialized lazy parameter.

    Example:
        >>> from torch import nn
        >>> from builders_guide.plotting import hist_params
        >>> layer = nn.Linear(100, 100)
        >>> ax = hist_params({"weight": layer.weight}, title="Default init of Linear(100, 100)")
        >>> ax.get_title()
        'Default init of Linear(100, 100)'
        >>> import builders_guide as bg
        >>> bg.set_language("id")
        >>> ax = hist_params(layer)
        >>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
        ('Distribusi nilai', 'nilai', 'jumlah')
        >>> bg.set_language("en")
    """
    if isinstance(values, nn.Module):
        named = dict(values.named_parameters())
    elif torch.is_tensor(values):
        named = {message("plotting.hist_series"): values}
    else:
        named = dict(values)
    if not named:
        raise ValueError(message("plotting.nothing_to_draw"))
    lazy = [name for name, t in named.items() if is_lazy(t)]
    if lazy:
        raise ValueError(message("plotting.lazy_values", names=lazy))
    axes = _axes(axes, figsize)
    for name, tensor in named.items():
        data = tensor.detach().flatten().cpu().double().numpy()
        axes.hist(data, bins=bins, alpha=0.6 if len(named) > 1 else 1.0, label=name)
    axes.set_xlabel(message("plotting.hist_xlabel") if xlabel is None else xlabel)
    axes.set_ylabel(message("plotting.hist_ylabel") if ylabel is None else ylabel)
    axes.set_title(message("plotting.hist_title") if title is None else title)
    if len(named) > 1:
        axes.legend()
    return axes


def bar_timings(
    timings: Mapping[str, float],
    *,
    unit: str = "ms",
    title: str | None = None,
    ylabel: str | None = None,
    figsize: tuple[float, float] = (6, 3.5),
    axes: Axes | None = None,
) -> Axes:
    """Draw a bar chart of times and return the axes.

    Args:
        timings: a mapping from names to times in seconds (or to ``BenchmarkResult``s,
            whose medians are used).
        unit: the unit to show: ``'s'``, ``'ms'``, ``'µs'`` (or ``'us'``) or ``'ns'``.
        title: the title; by default ``'Time per call'`` (in the current language).
        ylabel: the y-axis label; by default ``'time (ms)'`` for ``unit='ms'`` (in the
            current language).
        figsize: size of a new figure, in inches (ignored when ``axes`` is given).
        axes: draw into these axes instead of a new figure.

    Returns:
        The matplotlib ``Axes``.

    Raises:
        ValueError: if ``unit`` is not one of the units above.

    Example:
        >>> from builders_guide.plotting import bar_timings
        >>> ax = bar_timings({"loop": 2.5e-3, "vectorized": 4e-5}, unit="ms")
        >>> ax.get_ylabel()
        'time (ms)'
    """
    if unit not in _TIME_UNITS:
        raise ValueError(message("plotting.unknown_unit", unit=unit, units=list(_TIME_UNITS)))
    names = list(timings)
    heights = [getattr(t, "median", t) / _TIME_UNITS[unit] for t in timings.values()]
    axes = _axes(axes, figsize)
    bars = axes.bar(names, heights)
    axes.bar_label(bars, fmt="%.3g")
    axes.set_ylabel(message("plotting.bar_ylabel", unit=unit) if ylabel is None else ylabel)
    axes.set_title(message("plotting.bar_title") if title is None else title)
    return axes
