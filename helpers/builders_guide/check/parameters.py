"""Checks for the exercises of ``02-parameters``: a nested parameter, a count by hand."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import torch
from torch import nn

from builders_guide.check import _frame as f

NOTEBOOK = "02-parameters"
for _name in ("nested_param", "param_count"):
    f.register(_name, NOTEBOOK)


def _block() -> nn.Sequential:
    return nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8))


def make_nested_net() -> nn.Sequential:
    """Build the fixed, seeded model of the ``nested_param`` exercise.

    The structure is::

        Sequential(
          (stem): Linear(4, 8)
          (blocks): Sequential(
            (0): Sequential((0): Linear(8, 8), (1): ReLU(), (2): Linear(8, 8))
            (1): Sequential((0): Linear(8, 8), (1): ReLU(), (2): Linear(8, 8))
          )
          (head): Linear(8, 2)
        )

    The values are the same on every call, and building it leaves the global random
    stream untouched.

    Returns:
        a new ``nn.Sequential`` with that structure.

    Example:
        >>> from builders_guide import check
        >>> net = check.make_nested_net()
        >>> [name for name, _ in net.named_children()]
        ['stem', 'blocks', 'head']
        >>> torch.equal(net.head.bias, check.make_nested_net().head.bias)
        True
    """
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(2024)
        return nn.Sequential(
            OrderedDict(
                stem=nn.Linear(4, 8), blocks=nn.Sequential(_block(), _block()), head=nn.Linear(8, 2)
            )
        )


def _variant_net() -> nn.Sequential:
    """The same blocks, with a longer stem and a square head: positions and shapes move."""
    return nn.Sequential(
        OrderedDict(
            stem=nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8)),
            blocks=nn.Sequential(_block(), _block()),
            head=nn.Linear(8, 8),
        )
    )


def nested_param(fn: object) -> bool:
    """Check ``fn(net)``, which returns one weight deep inside a nested model.

    The learner's function gets a model from :func:`make_nested_net` and must return the
    weight of the second ``Linear`` inside the second block of ``net.blocks``: the
    parameter itself (checked by identity, ``is``), not a copy. It must find the same
    parameter in a second model whose stem and head differ, so an answer that picks a
    parameter by its position in ``parameters()`` or by its shape does not pass.

    Args:
        fn: the learner's function ``fn(net: nn.Module) -> nn.Parameter``.

    Returns:
        ``True`` when the right parameter comes back, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.nested_param(...)
        Exercise: nested_param
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for the parameter object itself, reached through the model's tree: net.blocks, then the second block, then its second Linear. Reread "Reaching a layer's parameters".
        More help, one step at a time: bg.check.hint("nested_param")
        False
    """
    return f.exercise("nested_param", fn, _nested_param)


def _nested_answer(report: f.Report, fn: Any, net: nn.Module, call: str, variant: bool) -> None:
    target = net.blocks[1][2].weight
    before = {name: p.detach().clone() for name, p in net.named_parameters()}
    answer = f.run(report, call, fn, net)
    if net.blocks[1][2].weight is not target or any(
        not torch.equal(p.detach(), before[name]) for name, p in net.named_parameters()
    ):
        report.fail("nest_changed", "hint_nest_changed", call=call)
    if answer is target:
        return
    if answer is None:
        report.fail("nest_none", "hint_nest_none")
    for name, param in net.named_parameters():
        if answer is param:
            hint = "hint_nest_other"
            if name.startswith("blocks.1."):
                hint = "hint_nest_layer"
            elif name.startswith("blocks."):
                hint = "hint_nest_block"
            elif variant:
                hint = "hint_nest_position"
            report.fail("nest_other", hint, name=name, call=call)
    if isinstance(answer, nn.Module):
        report.fail("nest_wrong", "hint_nest_module", got=f.describe(answer))
    if (
        isinstance(answer, torch.Tensor)
        and answer.shape == target.shape
        and answer.dtype == target.dtype
        and torch.equal(answer.detach(), target.detach())
    ):
        report.fail("nest_copy", "hint_nest_copy")
    report.fail("nest_wrong", "hint_nest_none", got=f.describe(answer))


def _nested_param(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    name = f.name_of(fn, "fn")
    _nested_answer(report, fn, make_nested_net(), f"{name}(net)", variant=False)
    report.ok("nest_ok")
    _nested_answer(report, fn, _variant_net(), f"{name}(other_net)", variant=True)
    report.ok("nest_other_ok")


# --------------------------------------------------------------------------- param_count


def _tied_net() -> nn.Sequential:
    """Tied layer, a BatchNorm with buffers, and a frozen head: every shortcut counts wrong."""
    shared = nn.Linear(4, 4)
    net = nn.Sequential(
        nn.Linear(3, 4), nn.Tanh(), shared, nn.Tanh(), shared, nn.BatchNorm1d(4), nn.Linear(4, 1)
    )
    net[6].requires_grad_(False)
    return net


def param_count(fn: object) -> bool:
    """Check ``fn(net)``, which counts a model's parameter values in plain PyTorch.

    The test model ties one layer (used twice), has a ``BatchNorm1d`` (parameters and
    buffers) and a frozen head. The count must be a Python ``int`` that counts the tied
    tensor once, every parameter whether trainable or not, and no buffer; a second model
    without ties must give its own count. The function must not call ``bg`` (the helper
    ``bg.count_params`` is the thing to rebuild) and must leave the model unchanged.

    Args:
        fn: the learner's function ``fn(net: nn.Module) -> int``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.param_count(...)
        Exercise: param_count
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for the number bg.count_params(net) gives, computed with PyTorch alone: every parameter value once, tied tensors once, buffers not at all. Reread "Every parameter at once, and buffers" and "A tied parameter is listed once".
        More help, one step at a time: bg.check.hint("param_count")
        False
    """
    return f.exercise("param_count", fn, _param_count)


def _candidates(net: nn.Module) -> dict[str, int]:
    """The numbers that the usual shortcuts give, each with the hint that names it."""
    unique = list(net.parameters())
    with_dups = [p for _, p in net.named_parameters(remove_duplicate=False)]
    buffers = list(net.buffers())
    return {
        "hint_pc_tied": sum(p.numel() for p in with_dups),
        "hint_pc_state_dict": sum(t.numel() for t in net.state_dict().values()),
        "hint_pc_buffers": sum(p.numel() for p in unique) + sum(b.numel() for b in buffers),
        "hint_pc_trainable": sum(p.numel() for p in unique if p.requires_grad),
        "hint_pc_tensors": len(unique),
    }


def _param_count(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    f.need_plain_pytorch(report, fn, "bg.count_params")
    name = f.name_of(fn, "fn")
    for net, call in (
        (_tied_net(), f"{name}(net)"),
        (nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 2)), f"{name}(other_net)"),
    ):
        ids = [id(p) for _, p in net.named_parameters(remove_duplicate=False)]
        expected = sum(p.numel() for p in net.parameters())
        got = f.run(report, call, fn, net)
        if [id(p) for _, p in net.named_parameters(remove_duplicate=False)] != ids:
            report.fail("pc_changed", "hint_pc_changed", call=call)
        if isinstance(got, torch.Tensor) and got.numel() == 1 and not got.is_floating_point():
            report.fail("pc_tensor", "hint_pc_int", call=call)
        if not isinstance(got, int) or isinstance(got, bool):
            report.fail("pc_not_int", "hint_pc_int", call=call, got=f.describe(got))
        if got != expected:
            hint = next((h for h, n in _candidates(net).items() if n == got), "hint_pc_other")
            report.fail("pc_bad", hint, call=call, got=got, expected=expected)
        report.ok("pc_ok", call=call, expected=expected)


__all__ = ["make_nested_net", "nested_param", "param_count"]
