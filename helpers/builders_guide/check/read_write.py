"""Checks for the exercises of ``06-read-write``: a partial load, a safe load by hand."""

from __future__ import annotations

import io
import pathlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from builders_guide.check import _frame as f

NOTEBOOK = "06-read-write"
for _name in ("partial_load", "safe_load"):
    f.register(_name, NOTEBOOK)


def _mlp(out_features: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(4, 8),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.ReLU(),
        nn.Linear(8, out_features),
    )


# --------------------------------------------------------------------------- partial_load


def _partial_load_nets() -> tuple[dict[str, torch.Tensor], nn.Module]:
    """A source state dict and a target model that only partly match it.

    Target keys ``0.*``, ``1.*`` (BatchNorm: parameters and buffers) and ``3.weight`` match
    by name and shape; ``3.bias`` is missing from the dict; ``5.*`` differ in shape;
    ``extra.weight`` exists only in the dict.
    """
    source_net = _mlp(3)
    with torch.no_grad():
        source_net[1].running_mean.uniform_(-1, 1)
        source_net[1].running_var.uniform_(0.5, 2)
        source_net[1].num_batches_tracked.fill_(7)
    source = {key: value.detach().clone() for key, value in source_net.state_dict().items()}
    del source["3.bias"]
    source["extra.weight"] = torch.ones(2, 2)
    return source, _mlp(5)


def partial_load(fn: object) -> bool:
    """Check ``fn(state_dict, model)``, which loads the matching part of a checkpoint.

    The dict and the model share some keys with equal shapes (parameters and BatchNorm
    buffers), some keys with different shapes, and each has keys the other lacks. The
    function must copy every tensor whose key and shape match into the model's own
    tensors (no new ``Parameter`` objects, no ``.data``), leave the rest of the model and
    the given dict untouched, not raise (nor silence an error of ``load_state_dict``), and
    return the model.

    Args:
        fn: the learner's function ``fn(state_dict: dict, model: nn.Module) -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.partial_load(...)
        Exercise: partial_load
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for a load that takes from the checkpoint only what fits the model, by name and shape, and leaves everything else of the model as it was. Reread "Reusing the first layers of a trained model".
        More help, one step at a time: bg.check.hint("partial_load")
        False
    """
    return f.exercise("partial_load", fn, _partial_load)


def _pl_hint(error: BaseException) -> str | None:
    return "hint_pl_raised" if "state_dict" in str(error) else None


def _partial_load(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    source, model = _partial_load_nets()
    before = {key: value.detach().clone() for key, value in model.state_dict().items()}
    tensors = dict(model.state_dict(keep_vars=True))
    given = {key: value.clone() for key, value in source.items()}
    call = f"{f.name_of(fn, 'fn')}(state_dict, model)"

    swallowed: list[str] = []
    original = model.load_state_dict

    def load_state_dict(*args: Any, **kwargs: Any) -> Any:
        try:
            return original(*args, **kwargs)
        except RuntimeError as error:
            swallowed.append(f.one_line(error))
            raise

    model.load_state_dict = load_state_dict  # type: ignore[method-assign]
    watch = f.ParamWatch(list(tensors.values()))
    try:
        result = f.run(report, call, f.watched_call(watch, fn), given, model, hint_for=_pl_hint)
    finally:
        del model.load_state_dict
    if swallowed:
        report.fail("pl_swallowed", "hint_pl_swallowed", error=swallowed[0])
    report.ok("pl_ran", call=call)
    if result is not model:
        hint = "hint_pl_return" if result is None else "hint_pl_same"
        report.fail("pl_not_model", hint, call=call, got=f.describe(result))
    report.ok("pl_returned", call=call)

    if given.keys() != source.keys() or any(not torch.equal(given[k], source[k]) for k in source):
        report.fail("pl_dict_changed", "hint_pl_dict_changed", call=call)
    now = dict(model.state_dict(keep_vars=True))
    replaced = sorted(key for key, t in tensors.items() if now.get(key) is not t)
    if replaced:
        report.fail("pl_replaced", "hint_pl_replaced", key=replaced[0], count=len(replaced))
    if watch.data_used:
        report.fail("pl_data", "hint_pl_data")

    after = model.state_dict()
    buffers = {name for name, _ in model.named_buffers()}
    for key, old in before.items():
        new = source.get(key)
        matches = new is not None and new.shape == old.shape
        if matches and not torch.equal(after[key], new):
            hint = "hint_pl_buffers" if key in buffers else "hint_pl_copied"
            report.fail("pl_copied_bad", hint, key=key)
    report.ok("pl_copied_ok")
    for key, old in before.items():
        new = source.get(key)
        matches = new is not None and new.shape == old.shape
        if not matches and not torch.equal(after[key], old):
            report.fail("pl_kept_bad", "hint_pl_kept", key=key)
    report.ok("pl_kept_ok")


# --------------------------------------------------------------------------- safe_load


class _Payload:
    """Unpickling this object calls ``open(marker, 'w')``: it creates an empty file."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (io.open, (str(self.marker), "w"))


@contextmanager
def _recording_torch_load(calls: list[dict[str, Any]]) -> Iterator[None]:
    """Record the keyword arguments of every ``torch.load`` call while the check runs."""
    original = torch.load

    def load(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    torch.load = load  # type: ignore[assignment]
    torch.serialization.load = load  # type: ignore[assignment]
    try:
        yield
    finally:
        torch.load = original
        torch.serialization.load = original


def safe_load(fn: object) -> bool:
    """Check ``fn(path, model)``, which loads a ``.pt`` state dict safely, in plain PyTorch.

    With an honest checkpoint the function must call ``torch.load`` with
    ``weights_only=True`` written out, copy the weights into the model's own parameters and
    return the model. With a hostile checkpoint (its pickle would create a marker file) it
    must let ``torch.load``'s refusal reach the caller, and the marker must never appear.
    ``bg.load`` does all this; the exercise is to do it without ``bg``.

    Args:
        fn: the learner's function ``fn(path: str | os.PathLike, model: nn.Module) -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.safe_load(...)
        Exercise: safe_load
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for what bg.load does, in plain PyTorch: read the file with the loader that accepts only tensors and plain containers, put the weights into the model you are given, and let a refusal reach the caller. Reread "Why torch.load on a downloaded file is dangerous" and "Loading on another device: map_location".
        More help, one step at a time: bg.check.hint("safe_load")
        False
    """
    return f.exercise("safe_load", fn, _safe_load)


_NO_ERROR = object()


def _expect_error(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            fn(*args)
        except Exception as error:
            return error
        return _NO_ERROR

    return call


def _safe_load(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    f.need_plain_pytorch(report, fn, "bg.load")
    name = f.name_of(fn, "fn")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        source = _mlp(4)
        path = folder / "honest.pt"
        torch.save(source.state_dict(), path)
        model = _mlp(4)
        params = list(model.parameters())
        calls: list[dict[str, Any]] = []
        call = f"{name}(path, model)"
        with _recording_torch_load(calls):
            result = f.run(report, call, fn, str(path), model)
        if not calls:
            report.fail("sl_no_torch_load", "hint_sl_torch_load", call=call)
        if calls[0].get("weights_only") is not True:
            report.fail("sl_implicit", "hint_sl_explicit", call=call)
        report.ok("sl_weights_only", call=call)
        if result is not model:
            hint = "hint_pl_return" if result is None else "hint_pl_same"
            report.fail("pl_not_model", hint, call=call, got=f.describe(result))
        if [id(p) for p in model.parameters()] != [id(p) for p in params]:
            report.fail("sl_replaced", "hint_sl_replaced")
        want = source.state_dict()
        if any(not torch.equal(t, want[k]) for k, t in model.state_dict().items()):
            report.fail("sl_values_bad", "hint_sl_values", call=call)
        report.ok("sl_loaded", call=call)

        marker = folder / "marker.txt"
        hostile = folder / "downloaded.pt"
        torch.save({**source.state_dict(), "extra": _Payload(marker)}, hostile)
        hostile_call = f"{name}(hostile_path, model)"
        with _recording_torch_load([]):
            outcome = f.run(report, hostile_call, _expect_error(fn), str(hostile), _mlp(4))
        if marker.exists():
            report.fail("sl_payload_ran", "hint_sl_payload", call=hostile_call)
        if outcome is _NO_ERROR:
            report.fail("sl_swallowed", "hint_sl_swallowed", call=hostile_call)
        report.ok("sl_refused", call=hostile_call, error=type(outcome).__name__)


__all__ = ["partial_load", "safe_load"]
