"""Look inside a module: a table of its parameters and buffers, counts, and tied weights."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.parameter import is_lazy

_COLUMNS = ("name", "kind", "shape", "dtype", "device", "numel", "trainable", "tied with")


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
        """Return the row as strings, in the order of the table's columns."""
        return (
            self.name,
            self.kind,
            "uninitialized" if self.shape is None else str(self.shape),
            self.dtype,
            self.device,
            "-" if self.numel is None else f"{self.numel:,}",
            "yes" if self.trainable else "no",
            ", ".join(self.shared_with),
        )


class ParamTable:
    """The parameters (and buffers) of a module, one row per name.

    Printing it gives an aligned text table with a totals line; Jupyter shows an HTML table.

    Attributes:
        rows: the rows, in registration order.
        totals: the totals line, e.g. ``'total: 40 parameters (40 trainable) in 2 tensors; ...'``.

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import param_table
        >>> table = param_table(nn.BatchNorm1d(4))
        >>> len(table), [row.name for row in table if row.kind == "buffer"]
        (5, ['running_mean', 'running_var', 'num_batches_tracked'])
        >>> table.totals
        'total: 8 parameters (8 trainable) in 2 tensors; tied tensors counted once'
    """

    def __init__(self, rows: list[ParamRow], totals: str) -> None:
        self.rows = rows
        self.totals = totals

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ParamRow]:
        return iter(self.rows)

    def __str__(self) -> str:
        cells = [_COLUMNS, *(row._cells() for row in self.rows)]
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
        head = "".join(f"<th>{html.escape(column)}</th>" for column in _COLUMNS)
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


def _totals(named: list[tuple[str, str, torch.Tensor]]) -> str:
    """The totals line: distinct parameter tensors, each counted once."""
    params = {id(t): t for _, kind, t in named if kind == "parameter"}.values()
    ready = [p for p in params if not is_lazy(p)]
    total = sum(p.numel() for p in ready)
    trainable = sum(p.numel() for p in ready if p.requires_grad)
    line = (
        f"total: {total:,} parameters ({trainable:,} trainable) in {len(ready)} tensors; "
        "tied tensors counted once"
    )
    lazy = len(params) - len(ready)
    if lazy:
        line += f"; {lazy} more tensors uninitialized (lazy)"
    return line


def param_table(module: nn.Module, buffers: bool = True) -> ParamTable:
    """Return a table of a module's parameters (and buffers), one row per name.

    Tied tensors get one row per name, and ``shared_with`` lists the other names.
    Uninitialized lazy tensors show shape ``uninitialized``.

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
        ValueError: if a lazy parameter is still uninitialized, so its size is unknown.

    Example:
        >>> from torch import nn
        >>> from builders_guide.params import count_params
        >>> count_params(nn.Linear(4, 8))
        40
    """
    lazy = [name for name, p in module.named_parameters() if is_lazy(p)]
    if lazy:
        raise ValueError(
            f"Cannot count parameters: {len(lazy)} are uninitialized (lazy): {lazy}. "
            "Lazy layers learn their shapes from the first forward pass. "
            "Run bg.materialize(model, example_input) first."
        )
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
