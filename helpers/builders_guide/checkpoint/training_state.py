"""A whole training state: weights, optimizer, scheduler, step and every RNG, all or nothing.

A restore checks everything first (the optimizer's type, its parameter groups and state
shapes, the scheduler, every RNG state and the type of every field) and changes nothing
when anything is wrong. Should applying still fail, what was already changed is put back.
"""

from __future__ import annotations

import copy
import pathlib
import random
import warnings
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from builders_guide.checkpoint.api import read, save
from builders_guide.checkpoint.errors import (
    ArchitectureMismatchError,
    CorruptCheckpointError,
    NotACheckpointError,
    PathLike,
    last_line,
    name,
    say,
)
from builders_guide.checkpoint.model_state import (
    TRAINING_FORMAT,
    apply_state_dict,
    check_state_dict,
    module_device,
)

VERSION = 2
# Optimizers whose per-parameter state tensors are scalars or shaped like the parameter.
_SHAPED_LIKE_PARAMS = {
    "ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
    "Rprop", "SGD",
}  # fmt: skip
_FIELDS: dict[str, tuple[type, ...]] = {
    "step": (int,),
    "model": (Mapping,),
    "optimizer": (Mapping,),
    "scheduler": (Mapping, type(None)),
    "extra": (Mapping,),
    "rng": (Mapping,),
}


def _type_name(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def save_training_state(
    path: PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    step: int,
    scheduler: Any = None,
    extra: dict[str, Any] | None = None,
) -> pathlib.Path:
    """Save everything needed to resume training exactly: weights, optimizer, step and RNGs.

    The random number generators saved are Python's ``random``, NumPy's global
    ``numpy.random`` state, PyTorch's CPU generator and every CUDA device's generator.
    (``numpy.random.default_rng`` generators and other accelerators are not covered.)

    Args:
        path: the file to write (a torch-format name such as ``'train.pt'``).
        model, optimizer: whose ``state_dict()`` are saved, with the optimizer's type.
        step: the number of steps done so far; ``load_training_state`` returns it.
        scheduler: an optional learning-rate scheduler.
        extra: optional plain values (numbers, strings, tensors, lists, dicts) to keep too.

    Returns:
        The path written.

    Example:
        >>> import tempfile, pathlib, torch
        >>> import builders_guide as bg
        >>> path = pathlib.Path(tempfile.mkdtemp()) / 'train.pt'
        >>> net = torch.nn.Linear(2, 1)
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        >>> bg.save_training_state(path, model=net, optimizer=opt, step=5).name
        'train.pt'
        >>> bg.load_training_state(path, model=net, optimizer=opt)
        5
    """
    path = pathlib.Path(path)
    if path.suffix == ".safetensors":
        raise ValueError(say("training_needs_torch"))
    state = {
        "format": TRAINING_FORMAT,
        "version": VERSION,
        "step": int(step),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "optimizer_type": _type_name(optimizer),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "scheduler_type": None if scheduler is None else _type_name(scheduler),
        "extra": dict(extra or {}),
        "rng": _rng_states(),
    }
    return save(state, path)


def load_training_state(
    path: PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any = None,
    map_location: Any = None,
) -> int:
    """Restore a state saved by ``save_training_state`` and return its step.

    Weights, optimizer (and scheduler) state and every random number generator are restored,
    so the resumed run continues bit for bit as if it had never stopped. Everything is
    checked first: when anything does not fit, nothing is changed. The ``extra`` dict is
    available with ``bg.load(path)['extra']``.

    Raises:
        The ``CheckpointError`` family, as for ``load``; ``NotACheckpointError`` when the file
        is not a training state; ``ArchitectureMismatchError`` when the model, optimizer or
        scheduler does not fit; ``CorruptCheckpointError`` when a field has the wrong type.

    Example:
        >>> import tempfile, pathlib, torch
        >>> import builders_guide as bg
        >>> path = pathlib.Path(tempfile.mkdtemp()) / 'train.pt'
        >>> net = torch.nn.Linear(2, 1)
        >>> opt = torch.optim.Adam(net.parameters())
        >>> _ = bg.save_training_state(path, model=net, optimizer=opt, step=12)
        >>> bg.load_training_state(path, model=torch.nn.Linear(2, 1), optimizer=opt)
        12
    """
    path = pathlib.Path(path)
    if map_location is None:
        map_location = module_device(model)
    state = read(path, map_location)
    if not isinstance(state, Mapping) or state.get("format") != TRAINING_FORMAT:
        raise NotACheckpointError(say("not_training_state", name=name(path)))
    if state.get("version") not in (1, VERSION):
        raise NotACheckpointError(
            say("training_version", name=name(path), version=repr(state.get("version")))
        )
    for field, types in _FIELDS.items():
        if field not in state:
            raise CorruptCheckpointError(say("training_missing", name=name(path), field=field))
        value = state[field]
        if not isinstance(value, types) or isinstance(value, bool):
            raise CorruptCheckpointError(
                say("training_field", name=name(path), field=field, type=type(value).__name__)
            )
    if scheduler is not None and state["scheduler"] is None:
        raise ArchitectureMismatchError(say("no_scheduler", name=name(path)))
    model_state = check_state_dict(model, state["model"], path, strict=True)
    _check_optimizer(path, optimizer, state["optimizer"], state.get("optimizer_type"))
    if scheduler is not None:
        _check_scheduler(path, scheduler, state["scheduler"], state.get("scheduler_type"))
    rng = _check_rng(path, state["rng"])
    _apply(
        path, model, model_state, optimizer, state["optimizer"], scheduler, state["scheduler"], rng
    )
    return int(state["step"])


def _mismatch(path: pathlib.Path, what: str, target: Any, detail: str) -> ArchitectureMismatchError:
    return ArchitectureMismatchError(
        say(
            "state_does_not_fit",
            name=name(path),
            what=what,
            type=type(target).__name__,
            detail=detail,
        )
    )


def _check_optimizer(path: pathlib.Path, optimizer: Any, saved: Mapping, saved_type: Any) -> None:
    """Type, parameter groups and state shapes must fit `optimizer`; raise if not."""
    if saved_type is not None and saved_type != _type_name(optimizer):
        raise _mismatch(
            path,
            "optimizer",
            optimizer,
            say("saved_from", saved=str(saved_type).rpartition(".")[2]),
        )
    groups, state = saved.get("param_groups"), saved.get("state")
    if not isinstance(groups, list) or not isinstance(state, Mapping):
        raise CorruptCheckpointError(
            say("training_field", name=name(path), field="optimizer", type="dict")
        )
    current = optimizer.param_groups
    if len(groups) != len(current):
        raise _mismatch(
            path, "optimizer", optimizer, say("group_count", saved=len(groups), have=len(current))
        )
    params: dict[Any, torch.Tensor] = {}
    for i, (old, new) in enumerate(zip(groups, current, strict=True)):
        if not isinstance(old, Mapping) or not isinstance(old.get("params"), list):
            raise CorruptCheckpointError(
                say("training_field", name=name(path), field="optimizer", type="dict")
            )
        if len(old["params"]) != len(new["params"]):
            raise _mismatch(
                path, "optimizer", optimizer,
                say("group_params", group=i, saved=len(old["params"]), have=len(new["params"])),
            )  # fmt: skip
        if set(old) - {"params"} != set(new) - {"params"}:
            differ = sorted((set(old) ^ set(new)) - {"params"})
            raise _mismatch(
                path, "optimizer", optimizer, say("group_settings", group=i, keys=", ".join(differ))
            )
        params.update(zip(old["params"], new["params"], strict=True))
    shaped = type(optimizer).__name__ in _SHAPED_LIKE_PARAMS
    for index, entry in state.items():
        if index not in params or not isinstance(entry, Mapping):
            raise _mismatch(
                path, "optimizer", optimizer, say("state_for_unknown", index=repr(index))
            )
        for key, value in entry.items():
            tensor = isinstance(value, torch.Tensor) and value.dim() > 0
            if shaped and tensor and value.shape != params[index].shape:
                detail = say(
                    "state_shape", key=repr(key), index=index,
                    saved=str(tuple(value.shape)), have=str(tuple(params[index].shape)),
                )  # fmt: skip
                raise _mismatch(path, "optimizer", optimizer, detail)


def _check_scheduler(path: pathlib.Path, scheduler: Any, saved: Mapping, saved_type: Any) -> None:
    if saved_type is not None and saved_type != _type_name(scheduler):
        raise _mismatch(
            path,
            "scheduler",
            scheduler,
            say("saved_from", saved=str(saved_type).rpartition(".")[2]),
        )
    if set(saved) != set(scheduler.state_dict()):
        differ = sorted(set(saved) ^ set(scheduler.state_dict()))
        raise _mismatch(
            path, "scheduler", scheduler, say("group_settings", group=0, keys=", ".join(differ))
        )


def _rng_states() -> dict[str, Any]:
    """Every RNG state, as tensors and plain values, so ``weights_only=True`` loads it."""
    import numpy as np

    name_, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": [str(name_), keys.tolist(), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def _check_rng(path: pathlib.Path, rng: Mapping[str, Any]) -> dict[str, Any]:
    """Build every RNG state and try it on a throwaway generator; raise if any is unusable."""
    import numpy as np

    try:
        version, internal, gauss = rng["python"]
        python = (version, tuple(internal), gauss)
        random.Random().setstate(python)
        np_name, keys, pos, has_gauss, cached = rng["numpy"]
        numpy = (np_name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached)
        np.random.RandomState().set_state(numpy)
        cpu = rng["torch"]
        if not isinstance(cpu, torch.Tensor) or cpu.dtype != torch.uint8:
            raise TypeError(f"the torch state is a {type(cpu).__name__}, not a uint8 tensor")
        cpu = cpu.cpu()
        torch.Generator().set_state(cpu)
        cuda = list(rng.get("cuda") or [])
        if not all(isinstance(t, torch.Tensor) and t.dtype == torch.uint8 for t in cuda):
            raise TypeError("the CUDA states are not uint8 tensors")
    except Exception as err:
        raise CorruptCheckpointError(say("bad_rng", name=name(path), error=last_line(err))) from err
    return {"python": python, "numpy": numpy, "torch": cpu, "cuda": cuda}


def _apply(
    path: pathlib.Path,
    model: nn.Module,
    model_state: dict[str, Any],
    optimizer: Any,
    optimizer_state: Any,
    scheduler: Any,
    scheduler_state: Any,
    rng: dict[str, Any],
) -> None:
    """Apply checked states; if anything still fails, put back what was changed."""
    import numpy as np

    try:
        backup_model = {k: v.detach().clone() for k, v in model.state_dict().items()}
    except (RuntimeError, ValueError):  # lazy parameters have no values to keep yet
        backup_model = None
    backup_optimizer = copy.deepcopy(optimizer.state_dict())
    backup_scheduler = None if scheduler is None else copy.deepcopy(scheduler.state_dict())
    backup_rng = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    try:
        apply_state_dict(model, model_state, path, strict=True)
        for what, target, saved in (
            ("optimizer", optimizer, optimizer_state),
            ("scheduler", scheduler, scheduler_state),
        ):
            if target is None:
                continue
            try:
                target.load_state_dict(saved)
            except Exception as err:
                raise _mismatch(path, what, target, last_line(err)) from err
        random.setstate(rng["python"])
        np.random.set_state(rng["numpy"])
        torch.set_rng_state(rng["torch"])
    except BaseException:
        if backup_model is not None:
            model.load_state_dict(backup_model)
        optimizer.load_state_dict(backup_optimizer)
        if scheduler is not None:
            scheduler.load_state_dict(backup_scheduler)
        random.setstate(backup_rng[0])
        np.random.set_state(backup_rng[1])
        torch.set_rng_state(backup_rng[2])
        raise
    cuda_states = rng["cuda"]
    if cuda_states and torch.cuda.is_available():
        for index, saved in enumerate(cuda_states[: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(saved.cpu(), index)
    elif cuda_states:
        warnings.warn(say("no_cuda_rng", name=name(path)), stacklevel=3)
