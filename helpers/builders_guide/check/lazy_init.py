"""Checks for the exercises of ``04-lazy-init``: a flexible MLP, a dry run by hand."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.check import _frame as f

NOTEBOOK = "04-lazy-init"
for _name in ("lazy_mlp", "dry_run"):
    f.register(_name, NOTEBOOK)


def _is_lazy_model(model: nn.Module) -> bool:
    tensors = [*model.parameters(), *model.buffers()]
    return any(is_lazy(t) for t in tensors)


# --------------------------------------------------------------------------- lazy_mlp


def lazy_mlp(fn: object) -> bool:
    """Check ``fn()``, which builds an MLP that accepts any number of input features.

    Verifies that a fresh model has uninitialized (lazy) parameters, and that a fresh model
    maps inputs with 3 features, and another fresh one (sharing no layer with the first)
    inputs with 7 features, to ``(B, 10)``.

    Args:
        fn: the learner's function ``fn() -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.lazy_mlp(...)
        Exercise: lazy_mlp
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for a function that builds a new model on every call, whose first layer does not fix the number of input features. Reread "Layers that ask only for their output size" and "One definition, models of different sizes".
        More help, one step at a time: bg.check.hint("lazy_mlp")
        False
    """
    return f.exercise("lazy_mlp", fn, _lazy_mlp)


def _lazy_hint(error: BaseException) -> str | None:
    text = str(error)
    if "shapes cannot be multiplied" in text or "size mismatch" in text:
        return "hint_lazy_fixed"
    return None


def _lazy_mlp(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    call = f"{f.name_of(fn, 'fn')}()"
    first = f.build(report, call, fn)
    if not f.run(report, "model.parameters()", lambda: _is_lazy_model(first)):
        report.fail("lazy_bad", "hint_lazy")
    report.ok("lazy_ok")

    generator = torch.Generator().manual_seed(4)
    seen: set[int] = set()
    for features in (3, 7):
        model = first if features == 3 else f.run(report, call, fn)
        if features != 3:
            if model is first:
                report.fail("lazy_same", "hint_lazy_same", call=call)
            if not isinstance(model, nn.Module):
                report.fail("not_module", "hint_return_module", call=call, got=f.describe(model))
            if any(id(m) in seen for m in model.modules()):
                report.fail("lazy_shared", "hint_lazy_shared", call=call)
        seen |= {id(m) for m in model.modules()}
        X = torch.randn(5, features, generator=generator)
        where = f"model(torch.randn(5, {features}))"
        out = f.forward(report, where, model, X, hint_for=_lazy_hint)
        f.tensor_out(report, where, out, (5, 10), "hint_lazy_out")


# --------------------------------------------------------------------------- dry_run


def _dry_run_model() -> nn.Sequential:
    """A lazy model in train mode, except its Dropout, which was put in eval mode."""
    model = nn.Sequential(
        nn.LazyLinear(8), nn.LazyBatchNorm1d(), nn.ReLU(), nn.Dropout(0.5), nn.LazyLinear(3)
    )
    model[3].eval()
    return model


def dry_run(fn: object) -> bool:
    """Check ``fn(model, example)``, a dry run written by hand in plain PyTorch.

    The model has lazy layers, a ``LazyBatchNorm1d`` and a ``Dropout``; it is in train mode
    except the Dropout, which is in eval mode. After ``fn(model, example)`` with an example
    of shape ``(2, 5)``: the same model comes back, with every parameter and buffer
    materialized for 5 input features; the forward pass ran without recording gradients
    and in eval mode (so BatchNorm learned nothing from the example); every submodule has
    its own train/eval mode back; the example is unchanged; and ``bg`` was not called.

    Args:
        fn: the learner's function ``fn(model: nn.Module, example: Tensor) -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.dry_run(...)
        Exercise: dry_run
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for what bg.materialize does, in plain PyTorch: one forward pass on the example that leaves no trace (no gradients recorded, no statistics learned) and leaves every layer in the mode it was in. Reread "Materializing with a dry run".
        More help, one step at a time: bg.check.hint("dry_run")
        False
    """
    return f.exercise("dry_run", fn, _dry_run)


def _dry_run(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    f.need_plain_pytorch(report, fn, "bg.materialize")
    model = _dry_run_model()
    modes = [m.training for m in model.modules()]
    example = torch.randn(2, 5, generator=torch.Generator().manual_seed(8))
    given = example.clone()
    seen: dict[str, bool] = {}

    def spy(module: nn.Module, inputs: Any) -> None:
        seen.setdefault("grad", torch.is_grad_enabled())
        seen.setdefault("train", module.training)

    model[1].register_forward_pre_hook(spy)
    call = f"{f.name_of(fn, 'fn')}(model, example)"

    def call_fn(model_: nn.Module, example_: torch.Tensor) -> Any:
        with torch.enable_grad():
            return fn(model_, example_)

    result = f.run(report, call, call_fn, model, given)
    if result is not model:
        hint = "hint_dry_return" if result is None else "hint_dry_same"
        report.fail("dry_not_model", hint, call=call, got=f.describe(result))
    report.ok("dry_returned", call=call)

    if _is_lazy_model(model) or not seen:
        report.fail("dry_lazy", "hint_dry_lazy", call=call)
    if tuple(model[0].weight.shape) != (8, 5):
        report.fail("dry_width", "hint_dry_width", got=model[0].weight.shape[1], expected=5)
    report.ok("dry_materialized")
    if not torch.equal(given, example):
        report.fail("input_changed", "hint_input_changed", call=call)

    if seen["grad"]:
        report.fail("dry_grad", "hint_dry_grad")
    report.ok("dry_no_grad")
    tracked = int(model[1].num_batches_tracked)
    if seen["train"] or tracked:
        report.fail("dry_train", "hint_dry_train", count=tracked)
    report.ok("dry_eval")

    now = [m.training for m in model.modules()]
    if now != modes:
        if not any(now):
            hint = "hint_dry_modes_eval"
        elif all(now):
            hint = "hint_dry_modes_train"
        else:
            hint = "hint_dry_modes"
        changed = sum(a != b for a, b in zip(now, modes, strict=True))
        report.fail("dry_modes_bad", hint, count=changed)
    report.ok("dry_modes_ok")


__all__ = ["dry_run", "lazy_mlp"]
