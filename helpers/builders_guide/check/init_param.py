"""Check for the exercise of ``03-init-param``: a zero-or-tails initializer."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from builders_guide.check import _frame as f

f.register("mixture_init", "03-init-param")


def mixture_init(fn: object) -> bool:
    """Check an initializer ``fn(m)`` that draws weights from a zero-or-tails mixture.

    Applied to ``nn.Linear(400, 500)`` (200,000 weights): about 1/2 of the weights must be
    exactly 0, about 1/4 uniform in [5, 10] and about 1/4 uniform in [-10, -5]
    (fractions within ± 0.03, tail means within ± 0.2 of ± 7.5), with no other values.
    The edit must happen in place on the same ``nn.Parameter`` object, under
    ``torch.no_grad()``: replacing ``m.weight`` breaks optimizer references and ties, and
    an edit through ``.data`` hides the change from autograd; both fail. The bias must be
    untouched or zero. A second layer, ``nn.Linear(300, 200)``, must get the same mixture.

    Args:
        fn: the learner's initializer ``fn(m: nn.Module) -> None``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.mixture_init(...)
        Exercise: mixture_init
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for one change, in place, of the weight that m already has: half of the values exactly 0, a quarter spread evenly over [5, 10], a quarter over [-10, -5]. Reread "Writing your own initializer".
        More help, one step at a time: bg.check.hint("mixture_init")
        False
    """
    return f.exercise("mixture_init", fn, _mixture_init)


def _hint_for(error: BaseException) -> str | None:
    if "leaf Variable that requires grad" in str(error):
        return "hint_mix_no_grad"
    return None


def _size_hint(error: BaseException) -> str | None:
    """On the second layer, a size error means a shape written into the function."""
    text = str(error)
    if "must match" in text or "size" in text or "shape" in text:
        return "hint_mix_size"
    return _hint_for(error)


def _apply(report: f.Report, fn: Any, m: nn.Linear, call: str, quiet: bool = False) -> torch.Tensor:
    """Run ``fn(m)`` and insist that m.weight is the same Parameter, edited properly.

    ``quiet`` leaves out the passing lines (for a second layer, already shown once)."""
    weight = m.weight
    before = weight.detach().clone()
    watch = f.ParamWatch([weight])
    hint_for = _size_hint if quiet else _hint_for
    f.run(report, call, f.watched_call(watch, fn), m, hint_for=hint_for)
    if not quiet:
        report.ok("mix_ran", call=call)

    now = getattr(m, "weight", None)
    if now is not weight:
        replaced = isinstance(now, nn.Parameter)
        report.fail("mix_replaced" if replaced else "mix_leaf_bad", "hint_mix_replaced", call=call)
    if watch.data_used:
        report.fail("mix_data", "hint_mix_data", call=call)
    if not (weight.is_leaf and weight.requires_grad and weight.grad_fn is None):
        report.fail("mix_leaf_bad", "hint_mix_leaf", call=call)
    if torch.equal(weight.detach(), before):
        report.fail("mix_unchanged", "hint_mix_unchanged", call=call)
    if not quiet:
        report.ok("mix_leaf_ok")
    return weight.detach()


def _distribution(report: f.Report, w: torch.Tensor) -> None:
    total = w.numel()
    zero = w == 0
    pos = (w >= 5) & (w <= 10)
    neg = (w >= -10) & (w <= -5)
    for key, mask, want in (("zero", zero, 0.5), ("pos", pos, 0.25), ("neg", neg, 0.25)):
        frac = int(mask.sum()) / total
        if abs(frac - want) > 0.03:
            report.fail(f"mix_{key}_bad", "hint_mix_dist", frac=frac)
        report.ok(f"mix_{key}_ok")
    other = total - int((zero | pos | neg).sum())
    if other:
        report.fail("mix_other_bad", "hint_mix_dist", count=other)
    report.ok("mix_other_ok")
    for tail, mask, mean_want in (("[5, 10]", pos, 7.5), ("[-10, -5]", neg, -7.5)):
        mean = float(w[mask].mean())
        if abs(mean - mean_want) > 0.2:
            report.fail("mix_mean_bad", "hint_mix_tails", tail=tail, mean=mean, expected=mean_want)
    report.ok("mix_mean_ok")


def _mixture_init(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    call = f"{f.name_of(fn, 'fn')}(m)"
    m = nn.Linear(400, 500)
    bias_before = m.bias.detach().clone()
    _distribution(report, _apply(report, fn, m, call))

    bias = getattr(m, "bias", None)
    if not isinstance(bias, torch.Tensor) or bias.shape != bias_before.shape:
        report.fail("mix_bias_bad", "hint_mix_bias")
    bias = bias.detach()
    if not (torch.equal(bias, bias_before) or not bool(bias.any())):
        report.fail("mix_bias_bad", "hint_mix_bias")
    report.ok("mix_bias_ok")

    other = nn.Linear(300, 200)
    other_call = f"{f.name_of(fn, 'fn')}(nn.Linear(300, 200))"
    w = _apply(report, fn, other, other_call, quiet=True)
    zero = float((w == 0).float().mean())
    tails = float(((w.abs() >= 5) & (w.abs() <= 10)).float().mean())
    if abs(zero - 0.5) > 0.03 or abs(tails - 0.5) > 0.03:
        report.fail("mix_size_bad", "hint_mix_size", call=other_call)
    report.ok("mix_size_ok", call=other_call)


__all__ = ["mixture_init"]
