"""Check for the exercise of ``07-use-gpu``: a log of gradient norms that stays on the device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from builders_guide.check import _frame as f

f.register("norm_log", "07-use-gpu")

_HOST_CALLS = {
    "item": ".item()",
    "tolist": ".tolist()",
    "cpu": ".cpu()",
    "numpy": ".numpy()",
    "__float__": "float()",
    "__int__": "int()",
}


class _HostCallCounter(TorchFunctionMode):
    """Counts calls that copy a tensor's values to the host (each one waits for the device)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        name = _HOST_CALLS.get(getattr(func, "__name__", ""))
        if name is None and getattr(func, "__name__", "") == "to":
            moved = [*args[1:], *(kwargs or {}).values()]
            if any(str(a) == "cpu" or getattr(a, "type", None) == "cpu" for a in moved):
                name = ".to('cpu')"
        if name is not None:
            self.calls.append(name)
        return func(*args, **(kwargs or {}))


def norm_log(fn: object) -> bool:
    """Check ``fn(grads)``, which logs the L2 norm of each gradient without host syncs.

    The result must be a 1-D tensor holding the L2 norm of each whole gradient tensor,
    computed without ``.item()``, ``.tolist()``, ``.cpu()``, ``.to('cpu')``, ``.numpy()``,
    ``float()`` or ``int()`` (each copies to the host and waits for the device), without
    changing the gradients, and kept on the inputs' device (tested with tensors on the
    ``'meta'`` device).

    Args:
        fn: the learner's function ``fn(grads: list[Tensor]) -> Tensor``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.norm_log(...)
        Exercise: norm_log
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for one 1-D tensor, one entry per gradient, built on the gradients' device and never copied to the host on the way. Reread "The hidden cost of synchronization".
        More help, one step at a time: bg.check.hint("norm_log")
        False
    """
    return f.exercise("norm_log", fn, _norm_log)


def _norm_log(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    generator = torch.Generator().manual_seed(7)
    shapes = [(8, 4), (8,), (3, 8, 2), (5,), (2, 2)]
    grads = [torch.randn(shape, generator=generator) for shape in shapes]
    expected = torch.stack([torch.linalg.vector_norm(g) for g in grads])
    call = f"{f.name_of(fn, 'fn')}(grads)"

    counter = _HostCallCounter()
    given = [g.clone() for g in grads]
    out = f.run(report, call, f.watched_call(counter, fn), given)
    if any(not torch.equal(a, b) for a, b in zip(given, grads, strict=True)):
        report.fail("input_changed", "hint_nl_input_changed", call=call)
    if isinstance(out, torch.Tensor) and out.numel() == len(grads) and out.dim() != 1:
        report.fail(
            "shape_bad",
            "hint_nl_flat",
            call=call,
            got=f.shape_text(out.shape),
            expected=f"({len(grads)},)",
        )
    out = f.tensor_out(report, call, out, (len(grads),), "hint_nl_shape", function=True)
    if not f.close(out, expected):
        candidates = {
            "hint_nl_squared": expected**2,
            "hint_nl_l1": torch.stack([g.abs().sum() for g in grads]),
            "hint_nl_max": torch.stack([g.abs().max() for g in grads]),
            "hint_nl_mean": torch.stack([g.mean() for g in grads]),
        }
        hint = next((h for h, c in candidates.items() if f.close(out, c)), "hint_nl_values")
        report.fail("nl_values_bad", hint)
    report.ok("nl_values_ok")
    if counter.calls:
        calls = ", ".join(sorted(set(counter.calls)))
        report.fail("nl_sync_bad", "hint_nl_sync", count=len(counter.calls), calls=calls)
    report.ok("nl_sync_ok")

    meta = [torch.empty(shape, device="meta") for shape in shapes]
    torch.stack([g.norm() for g in meta])  # the first use of 'meta' is slow; not theirs to pay
    where = f"{f.name_of(fn, 'fn')}([g.to('meta') for g in grads])"
    out = f.run(report, where, fn, meta, hint_for=lambda error: "hint_nl_device")
    if not isinstance(out, torch.Tensor) or out.device.type != "meta":
        device = out.device.type if isinstance(out, torch.Tensor) else "-"
        report.fail("nl_device_bad", "hint_nl_device", device=device)
    report.ok("nl_device_ok")


__all__ = ["norm_log"]
