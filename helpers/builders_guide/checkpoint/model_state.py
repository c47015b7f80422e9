"""Loading a state dict into a model: every name and shape checked first, one clear message.

Names that the model ties to one tensor (``decoder.weight = encoder.weight``) may be
stored once: ``safetensors.torch.save_model`` keeps only one of them, and loading fills
the others from it.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.checkpoint.errors import (
    ArchitectureMismatchError,
    NotACheckpointError,
    last_line,
    name,
    say,
)

TRAINING_FORMAT = "builders_guide.training_state"


def module_device(model: nn.Module) -> torch.device | None:
    """The device of the model's first parameter or buffer, if it has any."""
    for tensor in [*model.parameters(), *model.buffers()]:
        return tensor.device
    return None


def _tied_partners(model: nn.Module) -> dict[str, list[str]]:
    """For each state-dict name, the other names that are the same tensor in `model`."""
    groups: dict[int, list[str]] = {}
    for key, value in model.state_dict(keep_vars=True).items():
        if isinstance(value, torch.Tensor):
            groups.setdefault(id(value), []).append(key)
    return {k: [o for o in group if o != k] for group in groups.values() for k in group}


def check_state_dict(
    model: nn.Module, obj: Any, path: pathlib.Path, strict: bool
) -> dict[str, Any]:
    """Check `obj` against `model` without changing it; return the entries to load.

    Raises:
        NotACheckpointError: `obj` is not a state dict (or is a whole training state).
        ArchitectureMismatchError: with ``strict``, a name or shape does not match.
    """
    if isinstance(obj, Mapping) and obj.get("format") == TRAINING_FORMAT:
        raise NotACheckpointError(say("is_training_state", name=name(path)))
    if not isinstance(obj, Mapping) or not all(isinstance(k, str) for k in obj):
        raise NotACheckpointError(say("not_state_dict", name=name(path), type=type(obj).__name__))
    obj = dict(obj)
    expected = model.state_dict(keep_vars=True)
    for key, partners in _tied_partners(model).items():
        present = [p for p in partners if p in obj]
        if key not in obj and present:
            obj[key] = obj[present[0]]  # a tied name stored once
    missing = [k for k in expected if k not in obj]
    unexpected = [k for k in obj if k not in expected]
    mismatched = [
        (k, tuple(v.shape), tuple(expected[k].shape))
        for k, v in obj.items()
        if k in expected
        and isinstance(v, torch.Tensor)
        and isinstance(expected[k], torch.Tensor)
        and not is_lazy(expected[k])
        and v.shape != expected[k].shape
    ]
    if strict and (missing or unexpected or mismatched):
        raise ArchitectureMismatchError(
            mismatch_message(name(path), model, missing, unexpected, mismatched),
            missing,
            unexpected,
            mismatched,
        )
    skip = {k for k, _, _ in mismatched}
    return {k: v for k, v in obj.items() if k in expected and k not in skip}


def apply_state_dict(
    model: nn.Module, obj: dict[str, Any], path: pathlib.Path, strict: bool
) -> None:
    """``model.load_state_dict`` with torch's own refusals turned into our error."""
    try:
        model.load_state_dict(obj, strict=strict)
    except Exception as err:
        raise ArchitectureMismatchError(
            say("does_not_fit", name=name(path), model=type(model).__name__, error=last_line(err))
        ) from err


def load_state_dict(model: nn.Module, obj: Any, path: pathlib.Path, strict: bool) -> None:
    """Check names and shapes against `model` ourselves (for a complete message), then load."""
    apply_state_dict(model, check_state_dict(model, obj, path, strict), path, strict)


def mismatch_message(
    file: str,
    model: nn.Module,
    missing: list[str],
    unexpected: list[str],
    mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]],
) -> str:
    """Every missing, unexpected and mismatched name, 20 of each at most."""

    def listing(items: list[str]) -> str:
        shown = ", ".join(items[:20])
        return shown + (say("and_more", count=len(items) - 20) if len(items) > 20 else "")

    lines = [say("mismatch_head", name=file, model=type(model).__name__)]
    if missing:
        lines.append(
            say("mismatch_missing", count=len(missing), keys=listing([repr(k) for k in missing]))
        )
    if unexpected:
        keys = listing([repr(k) for k in unexpected])
        lines.append(say("mismatch_unexpected", count=len(unexpected), keys=keys))
    if mismatched:
        shapes = [
            say("shape_pair", key=repr(k), saved=str(c), model=str(m)) for k, c, m in mismatched
        ]
        lines.append(say("mismatch_shapes", count=len(mismatched), keys=listing(shapes)))
    lines.append(say("mismatch_advice"))
    return "\n".join(lines)
