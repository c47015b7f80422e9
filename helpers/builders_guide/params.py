"""Look inside a module: a table of its parameters and buffers, counts, and tied weights.

The table's headers, ``yes``/``no``, ``uninitialized`` and the totals line follow
:func:`builders_guide.set_language`, and so do its numbers (``1,001,000`` in English,
``1.001.000`` in Bahasa Indonesia). They are rendered when the table is shown, so a table
made before a language switch prints in the new language.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.language import message, number

_COLUMNS = {
    "name": "params.column_name",
    "kind": "params.column_kind",
    "shape": "params.column_shape",
    "dtype": None,
    "device": "params.column_device",
    "numel": None,
    "trainable": "params.column_trainable",
    "tied": "params.column_tied",
}
"""The columns, in order, with the catalog key of each header. ``dtype`` and ``numel`` are
tensor attributes: code, printed as they are."""


def _headers() -> tuple[str, ...]:
    """The column headers in the current language."""
    return tuple(column if key is None else message(key) for column, key in _COLUMNS.items())


@dataclass(frozen=True)
class ParamRow:
    """One parameter or buffer of a module, as shown in a :class:`ParamTable`.

    ``shape`` and ``numel`` are ``None`` while a lazy tensor is uninitialized.
    ``shared_with`` lists the other names of the same tensor (tied weights).

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import param_table
        >>> param_table(nn.Linear(2, 3)).rows[1]
        ParamRow(name='bias', kind='parameter', shape=(3,), dtype='float32', device='cpu',
                 numel=3, trainable=True, shared_with=())
    """

    name: str
    kind: str
    shape: tuple[int, ...] | None
    dtype: str
    device: str
    numel: int | None
    trainable: bool
    shared_with: tuple[str, ...] = ()

    def _cells(self) -> tuple[str, ...]:
        """Return the row as strings, in the order of the table's columns and the current
        language (shapes stay as Python prints tuples)."""
        return (
            self.name,
            self.kind,
            message("params.uninitialized") if self.shape is None else str(self.shape),
            self.dtype,
            self.device,
            "-" if self.numel is None else number(self.numel),
            message("language.yes" if self.trainable else "language.no"),
            ", ".join(self.shared_with),
        )


@dataclass(frozen=True)
class _Counts:
    """What the totals line reports: distinct tensors, each counted once."""

    total: int
    trainable: int
    tensors: int
    lazy: int

    def line(self) -> str:
        text = message(
            "params.totals", total=self.total, trainable=self.trainable, tensors=self.tensors
        )
        if self.lazy:
            text += message("params.totals_lazy", lazy=self.lazy)
        return text


class ParamTable:
    """The parameters (and buffers) of a module, one row per name.

    Printing it gives an aligned text table with a totals line; Jupyter shows an HTML table.

    Attributes:
        rows: the rows, in registration order.
        totals: the totals line in the current language, e.g.
            ``'total: 40 parameters (40 trainable) in 2 tensors; ...'``.

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import param_table
        >>> table = param_table(nn.BatchNorm1d(4))
        >>> len(table), [row.name for row in table if row.kind == "buffer"]
        (5, ['running_mean', 'running_var', 'num_batches_tracked'])
        >>> table.totals
        'total: 8 parameters (8 trainable) in 2 tensors; tied tensors counted once'
        >>> import builders_guide as bg
        >>> bg.set_language("id")
        >>> table.totals
        'total: 8 parameter (8 dapat dilatih) dalam 2 tensor; tensor terikat dihitung sekali'
        >>> bg.set_language("en")
    """

    def __init__(self, rows: list[ParamRow], counts: _Counts) -> None:
        self.rows = rows
        self._counts = counts

    @property
    def totals(self) -> str:
        """The totals line, in the current language."""
        return self._counts.line()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ParamRow]:
        return iter(self.rows)

    def __str__(self) -> str:
        cells = [_headers(), *(row._cells() for row in self.rows)]
        widths = [max(len(row[j]) for row in cells) for j in range(len(_COLUMNS))]
        lines = []
        for row in cells:
            padded = [
                cell.rjust(width) if column == "numel" else cell.ljust(width)
                for column, cell, width in zip(_COLUMNS, row, widths, strict=True)
            ]
            lines.append("  ".join(padded).rstrip())
        lines.append(self.totals)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(header)}</th>" for header in _headers())
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row._cells()) + "</tr>"
            for row in self.rows
        )
        return (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{html.escape(self.totals)}</p>"
        )


def _named_tensors(module: nn.Module, buffers: bool) -> list[tuple[str, str, torch.Tensor]]:
    """Every (name, kind, tensor), keeping every name of a tied tensor."""
    named = [(n, "parameter", p) for n, p in module.named_parameters(remove_duplicate=False)]
    if buffers:
        named += [(n, "buffer", b) for n, b in module.named_buffers(remove_duplicate=False)]
    return named


def _totals(named: list[tuple[str, str, torch.Tensor]]) -> _Counts:
    """The counts of the totals line: distinct parameter tensors, each counted once."""
    params = {id(t): t for _, kind, t in named if kind == "parameter"}.values()
    ready = [p for p in params if not is_lazy(p)]
    return _Counts(
        total=sum(p.numel() for p in ready),
        trainable=sum(p.numel() for p in ready if p.requires_grad),
        tensors=len(ready),
        lazy=len(params) - len(ready),
    )


def param_table(module: nn.Module, buffers: bool = True) -> ParamTable:
    """Return a table of a module's parameters (and buffers), one row per name.

    Tied tensors get one row per name, and ``shared_with`` lists the other names.
    Uninitialized lazy tensors show shape ``uninitialized``. The headers, ``yes``/``no`` and
    the totals line follow :func:`builders_guide.set_language`.

    Args:
        module: the module to inspect.
        buffers: also list buffers (e.g. BatchNorm's running statistics).

    Returns:
        A :class:`ParamTable`; print it, or let Jupyter show it as HTML.

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import param_table
        >>> print(param_table(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))))
        name      kind       shape   dtype    device  numel  trainable  tied with
        0.weight  parameter  (8, 4)  float32  cpu        32  yes
        0.bias    parameter  (8,)    float32  cpu         8  yes
        2.weight  parameter  (1, 8)  float32  cpu         8  yes
        2.bias    parameter  (1,)    float32  cpu         1  yes
        total: 49 parameters (49 trainable) in 4 tensors; tied tensors counted once
        >>> import builders_guide as bg
        >>> bg.set_language("id")
        >>> print(param_table(nn.Linear(400, 3)))
        nama    jenis      bentuk    dtype    perangkat  numel  dapat dilatih  terikat dengan
        weight  parameter  (3, 400)  float32  cpu        1.200  ya
        bias    parameter  (3,)      float32  cpu            3  ya
        total: 1.203 parameter (1.203 dapat dilatih) dalam 2 tensor; tensor terikat dihitung sekali
        >>> bg.set_language("en")
    """
    named = _named_tensors(module, buffers)
    names_of = defaultdict(list)
    for name, _, tensor in named:
        names_of[id(tensor)].append(name)
    rows = []
    for name, kind, tensor in named:
        lazy = is_lazy(tensor)
        rows.append(
            ParamRow(
                name=name,
                kind=kind,
                shape=None if lazy else tuple(tensor.shape),
                dtype=str(tensor.dtype).removeprefix("torch."),
                device=str(tensor.device),
                numel=None if lazy else tensor.numel(),
                trainable=kind == "parameter" and tensor.requires_grad,
                shared_with=tuple(n for n in names_of[id(tensor)] if n != name),
            )
        )
    return ParamTable(rows, _totals(named))


def count_params(module: nn.Module, trainable_only: bool = False) -> int:
    """Return the number of parameter values in a module, counting tied tensors once.

    Args:
        module: the module to count.
        trainable_only: count only parameters with ``requires_grad=True``.

    Raises:
        ValueError: if a lazy parameter is still uninitialized, so its size is unknown
            (the message follows :func:`builders_guide.set_language`).

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import count_params
        >>> count_params(nn.Linear(4, 8))
        40
    """
    lazy = [name for name, p in module.named_parameters() if is_lazy(p)]
    if lazy:
        raise ValueError(message("params.count_lazy", count=len(lazy), names=lazy))
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def tied_groups(module: nn.Module) -> list[list[str]]:
    """Return the groups of parameter names that refer to one and the same tensor.

    Only groups of two or more names are returned; each group and the list are sorted.

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import tied_groups
        >>> shared = nn.Linear(8, 8)
        >>> tied_groups(nn.Sequential(nn.Linear(4, 8), shared, nn.ReLU(), shared))
        [['1.bias', '3.bias'], ['1.weight', '3.weight']]
    """
    names_of = defaultdict(list)
    for name, p in module.named_parameters(remove_duplicate=False):
        names_of[id(p)].append(name)
    return sorted(sorted(names) for names in names_of.values() if len(names) >= 2)
