"""``save``, ``load`` and ``load_metadata``: the format is picked from the name when saving
and from the content when loading."""

from __future__ import annotations

import pathlib
from typing import Any, TypeVar

from torch import nn

from builders_guide.checkpoint import safetensors_format, torch_format
from builders_guide.checkpoint.atomic import atomic_write
from builders_guide.checkpoint.errors import NotACheckpointError, PathLike, name, say
from builders_guide.checkpoint.model_state import load_state_dict, module_device
from builders_guide.checkpoint.sniff import regular_size, sniff
from builders_guide.checkpoint.validate import check_plain

ModuleT = TypeVar("ModuleT", bound=nn.Module)


def save(obj: Any, path: PathLike, *, metadata: dict[str, str] | None = None) -> pathlib.Path:
    """Save a module's state dict, a state dict, a tensor, or a list/dict of values, atomically.

    A name ending in ``.safetensors`` selects the safetensors format (tensors only; tied
    tensors are stored once and come back as one object; key order and ``metadata`` are
    kept). Any other name uses ``torch.save``. Everything is checked before a byte is
    written: what ``bg.load`` would refuse is refused here.

    Args:
        obj: an ``nn.Module`` (its ``state_dict()`` is saved), a tensor, or a dict, list or
            tuple of tensors and plain values (numbers, strings, ``None``, nested containers).
        path: the file to write. Its folder must exist.
        metadata: string-to-string notes, stored in ``.safetensors`` files only.

    Returns:
        The path written, as a ``pathlib.Path``.

    Raises:
        TypeError: ``obj`` holds something the format cannot store (a non-tensor in a
            ``.safetensors`` file, a tensor subclass, a tensor with Python attributes, or an
            object a safe load would refuse).
        ValueError: a lazy or meta tensor (no data yet), containers nested too deeply, or
            ``metadata`` given for a torch-format file or using the reserved prefix.
        FileNotFoundError: the folder does not exist.
        OSError: the disk is full, the file-size limit was hit, or the name is too long;
            the previous file is unchanged.

    Example:
        >>> import tempfile, pathlib, torch
        >>> import builders_guide as bg
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> net = torch.nn.Linear(4, 2)
        >>> bg.save(net, folder / 'net.safetensors', metadata={'epoch': '3'}).name
        'net.safetensors'
        >>> bg.load_metadata(folder / 'net.safetensors')
        {'epoch': '3'}
        >>> bg.save({'w': torch.ones(2), 'step': 7}, folder / 'state.pt').name
        'state.pt'
        >>> bg.load(folder / 'state.pt')['step']
        7
    """
    path = pathlib.Path(path)
    if isinstance(obj, nn.Module):
        obj = obj.state_dict()
    if path.suffix == ".safetensors":
        stored, meta = safetensors_format.prepare(obj, metadata)
        atomic_write(path, lambda f, tmp: safetensors_format.write(stored, meta, tmp))
    else:
        if metadata is not None:
            raise ValueError(say("metadata_torch", name=name(path)))
        check_plain(obj, "obj")
        atomic_write(path, lambda f, tmp: torch_format.write_torch(obj, f))
    return path


def read(path: pathlib.Path, map_location: Any) -> Any:
    """Load any checkpoint file safely, whatever its format."""
    kind = sniff(path)
    size = regular_size(path)
    if kind == "safetensors":
        return safetensors_format.read(path, size, map_location)
    return torch_format.read_torch(path, kind, size, map_location)


def load(
    path: PathLike,
    into: ModuleT | None = None,
    *,
    map_location: Any = None,
    strict: bool = True,
) -> Any:
    """Load a checkpoint safely; with ``into=model``, load it into the model and return the model.

    The format is read from the file's content. Torch files are always loaded with
    ``weights_only=True``, so a file can never run code, and only on a PyTorch whose safe
    loader has no known holes (2.10 or newer); ``.safetensors`` files load on any PyTorch.
    Lazy layers (``nn.LazyLinear``, ...) take their shapes from the checkpoint.

    Args:
        path: the checkpoint file.
        into: a model to load the state dict into. Every key and shape must match, unless
            ``strict=False``.
        map_location: where to put the tensors, as for ``torch.load`` (a device or a device
            string for ``.safetensors`` files). With ``into`` it defaults to the model's device.
        strict: with ``False``, load only the keys whose name and shape match the model, and
            silently leave the rest of the model (and the checkpoint) as it is.

    Returns:
        The model when ``into`` is given; otherwise the saved object (a tensor, list, tuple
        or dict, as saved; a plain dict for a safetensors file written elsewhere).

    Raises:
        CheckpointNotFoundError: the path does not exist or is a folder.
        NotACheckpointError: the file is not a checkpoint (empty, text, an image, a named
            pipe or device, a TorchScript archive, ...).
        CorruptCheckpointError: the file is truncated or damaged.
        UnsafeCheckpointError: the file refers to code or classes a safe load refuses, holds
            compressed records, or this PyTorch's safe loader has known holes.
        ArchitectureMismatchError: with ``into``, keys or shapes do not match the model.

    Example:
        >>> import tempfile, pathlib, torch
        >>> import builders_guide as bg
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> path = bg.save(torch.nn.Linear(4, 2), folder / 'net.pt')
        >>> fresh = bg.load(path, into=torch.nn.LazyLinear(2))
        >>> fresh.weight.shape
        torch.Size([2, 4])
        >>> try:
        ...     bg.load(path, into=torch.nn.Linear(5, 2))
        ... except bg.ArchitectureMismatchError as err:
        ...     print(err.mismatched)
        [('weight', (2, 4), (2, 5))]
    """
    path = pathlib.Path(path)
    if into is not None and map_location is None:
        map_location = module_device(into)
    obj = read(path, map_location)
    if into is None:
        return obj
    load_state_dict(into, obj, path, strict)
    return into


def load_metadata(path: PathLike) -> dict[str, str]:
    """Return the string metadata stored in a ``.safetensors`` file (without reading tensors).

    Raises:
        CheckpointNotFoundError, NotACheckpointError, CorruptCheckpointError: as for ``load``;
        ``NotACheckpointError`` also when the file is a torch-format file, which has no
        metadata.

    Example:
        >>> import tempfile, pathlib, torch
        >>> import builders_guide as bg
        >>> path = pathlib.Path(tempfile.mkdtemp()) / 'w.safetensors'
        >>> _ = bg.save({'w': torch.zeros(3)}, path, metadata={'source': 'demo'})
        >>> bg.load_metadata(path)
        {'source': 'demo'}
    """
    path = pathlib.Path(path)
    if sniff(path) != "safetensors":
        raise NotACheckpointError(say("no_metadata", name=name(path)))
    return safetensors_format.read_metadata(path, regular_size(path))
