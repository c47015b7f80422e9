"""Safe, atomic checkpoints: save and load tensors, state dicts and a whole training state.

Two formats, chosen by the file name when saving and by the file's content when loading:

- ``.safetensors``: tensors only, plus string metadata. No code can hide in it. Tensors that
  are the same object (tied weights) are stored once and come back as one object.
- anything else (``.pt``, ``.pth``, ...): ``torch.save``. We always load it with
  ``torch.load(..., weights_only=True)``, which refuses to run code; there is no switch to
  turn that off.

A save writes a temporary file next to the target, flushes it to the disk and then renames
it over the target, so a crash leaves either the old file or the new one, never half a file.

Every problem with the file itself raises a ``CheckpointError`` whose message says what is
wrong, the likely cause and what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import pickle
import pickletools
import random
import re
import stat
import tempfile
import warnings
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import IO, Any, TypeVar

import torch
from torch import nn
from torch.nn.parameter import is_lazy

__all__ = [
    "ArchitectureMismatchError",
    "CheckpointError",
    "CheckpointNotFoundError",
    "CorruptCheckpointError",
    "NotACheckpointError",
    "UnsafeCheckpointError",
    "load",
    "load_metadata",
    "load_training_state",
    "save",
    "save_training_state",
]

PathLike = str | os.PathLike
ModuleT = TypeVar("ModuleT", bound=nn.Module)

# Metadata keys starting with this prefix are ours: how to rebuild the saved object.
_PREFIX = "builders_guide."
_KIND = _PREFIX + "kind"  # 'dict', 'tensor', 'list' or 'tuple'
_ALIASES = _PREFIX + "aliases"  # JSON {alias name: stored name} for tied tensors
_CHECKSUM = _PREFIX + "checksum"  # CRC-32 of names, dtypes, shapes, bytes and metadata
_OUR_KEYS = {_KIND, _ALIASES, _CHECKSUM}
_TRAINING_FORMAT = "builders_guide.training_state"
_LEGACY_TORCH_MAGIC = pickle.dumps(torch.serialization.MAGIC_NUMBER, protocol=2)
_PLAIN_TYPES = (type(None), bool, int, float, complex, str, bytes, bytearray)
_TORCH_PLAIN_TYPES = (torch.dtype, torch.device, torch.Size)
_AGAIN = "Save it again, or restore an earlier copy."


class CheckpointError(Exception):
    """A checkpoint file could not be used; the base of every error raised here."""


class CheckpointNotFoundError(CheckpointError):
    """The path does not exist, or it is a folder."""


class CorruptCheckpointError(CheckpointError):
    """The file is a checkpoint, but truncated or damaged."""


class NotACheckpointError(CheckpointError):
    """The file is not a checkpoint at all (a text file, an image, an empty file, ...)."""


class UnsafeCheckpointError(CheckpointError):
    """The file refers to code or classes that a safe load refuses; ``names`` lists them."""

    def __init__(self, message: str, names: list[str] | None = None) -> None:
        super().__init__(message)
        self.names: list[str] = list(names or [])


class ArchitectureMismatchError(CheckpointError):
    """The state dict does not fit the model: see ``missing``, ``unexpected``, ``mismatched``."""

    def __init__(
        self,
        message: str,
        missing: list[str] | None = None,
        unexpected: list[str] | None = None,
        mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]] | None = None,
    ) -> None:
        super().__init__(message)
        self.missing: list[str] = list(missing or [])
        self.unexpected: list[str] = list(unexpected or [])
        self.mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = list(mismatched or [])


# ----------------------------------------------------------------------------- saving


def save(obj: Any, path: PathLike, *, metadata: dict[str, str] | None = None) -> pathlib.Path:
    """Save a module's state dict, a state dict, a tensor, or a list/dict of values, atomically.

    A name ending in ``.safetensors`` selects the safetensors format (tensors only; tied
    tensors are stored once; ``metadata`` is kept). Any other name uses ``torch.save``.

    Args:
        obj: an ``nn.Module`` (its ``state_dict()`` is saved), a tensor, or a dict, list or
            tuple of tensors and plain values (numbers, strings, ``None``, nested containers).
        path: the file to write. Its folder must exist.
        metadata: string-to-string notes, stored in ``.safetensors`` files only.

    Returns:
        The path written, as a ``pathlib.Path``.

    Raises:
        TypeError: ``obj`` holds something the format cannot store (a non-tensor in a
            ``.safetensors`` file, or an object a safe load would refuse).
        ValueError: a lazy parameter is not initialized yet, or ``metadata`` was given for a
            torch-format file or uses the reserved ``builders_guide.`` prefix.
        FileNotFoundError: the folder does not exist.

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
        data = _safetensors_bytes(obj, metadata)
        _atomic_write(path, lambda f: f.write(data))
    else:
        if metadata is not None:
            raise ValueError(
                f"metadata is only stored in .safetensors files, and '{path}' is not one. "
                "Use a name ending in .safetensors, or put the notes into the saved dict."
            )
        _check_plain(obj, "obj")
        _atomic_write(path, lambda f: torch.save(obj, f))
    return path


def _check_plain(value: Any, where: str) -> None:
    """Raise if `value` holds anything that ``torch.load(weights_only=True)`` would refuse."""
    if isinstance(value, torch.Tensor):
        if is_lazy(value):
            raise ValueError(_lazy_message(where))
        return
    if isinstance(value, _TORCH_PLAIN_TYPES) or type(value) in _PLAIN_TYPES:
        return
    if type(value) in (dict, OrderedDict):
        for key, item in value.items():
            _check_plain(key, f"a key of {where}")
            _check_plain(item, f"{where}[{key!r}]")
        return
    if type(value) in (list, tuple, set):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]")
        return
    if type(value) in _user_safe_globals():
        return
    raise TypeError(
        f"{where} is a {type(value).__qualname__}, which a safe load (weights_only=True) "
        "refuses, so the file could not be loaded back. Save plain data instead: tensors, "
        "numbers, strings, lists and dicts (for a module or optimizer, its state_dict())."
    )


def _user_safe_globals() -> set[Any]:
    """Classes the user allowed with ``torch.serialization.add_safe_globals``."""
    found = set()
    for entry in torch.serialization.get_safe_globals():
        found.add(entry[0] if isinstance(entry, tuple) else entry)
    return found


def _lazy_message(where: str) -> str:
    return (
        f"{where} is an uninitialized lazy parameter: it has no shape or values yet. "
        "Run one forward pass first (bg.materialize(model, example_input)), then save."
    )


def _safetensors_bytes(obj: Any, metadata: Mapping[str, str] | None) -> bytes:
    from safetensors.torch import save as safetensors_save

    kind, tensors = _flatten(obj)
    meta = _check_metadata(metadata)
    stored, aliases = _dedupe(tensors)
    meta[_KIND] = kind
    if aliases:
        meta[_ALIASES] = json.dumps(aliases, sort_keys=True)
    meta[_CHECKSUM] = _checksum(stored, meta)
    return safetensors_save(stored, metadata=meta)


def _flatten(obj: Any) -> tuple[str, dict[str, torch.Tensor]]:
    """Turn what safetensors can hold into (kind, flat dict of named tensors)."""
    if isinstance(obj, torch.Tensor):
        kind, items = "tensor", {"tensor": obj}
    elif isinstance(obj, Mapping):
        kind, items = "dict", dict(obj)
    elif isinstance(obj, (list, tuple)):
        kind, items = type(obj).__name__, {str(i): v for i, v in enumerate(obj)}
    else:
        raise TypeError(
            f"a .safetensors file stores tensors only, but obj is a {type(obj).__qualname__}. "
            "Pass a module, a tensor, or a dict/list of tensors; or use a .pt name."
        )
    for key, value in items.items():
        if not isinstance(key, str):
            raise TypeError(
                f"a .safetensors file needs string keys, but {key!r} is a "
                f"{type(key).__qualname__}. Convert the keys with str(), or use a .pt name."
            )
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"a .safetensors file stores tensors only, but {key!r} is a "
                f"{type(value).__qualname__}. Keep only the tensors, or save to a .pt file, "
                "which also holds numbers, strings and nested containers."
            )
        if is_lazy(value):
            raise ValueError(_lazy_message(repr(key)))
    return kind, items


def _check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a dict of strings, not a {type(metadata).__name__}.")
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"metadata must map strings to strings, but {key!r}: {value!r} does not. "
                "Convert the values with str() (or json.dumps for structures)."
            )
        if key.startswith(_PREFIX):
            raise ValueError(f"metadata key {key!r} uses the reserved prefix {_PREFIX!r}.")
    return dict(metadata)


def _dedupe(
    tensors: dict[str, torch.Tensor],
) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Store each distinct tensor once; record which names are aliases of which.

    Two names that are the same view of the same memory (tied weights) become one stored
    tensor plus an alias. Tensors that only overlap in memory are copied, since safetensors
    refuses shared memory.
    """
    stored: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    first_name: dict[tuple[Any, ...], str] = {}
    storages: set[tuple[Any, ...]] = set()
    for name, tensor in tensors.items():
        tensor = tensor.detach()
        if tensor.numel() == 0:
            stored[name] = tensor.to("cpu").clone()
            continue
        memory = (tensor.device, tensor.untyped_storage().data_ptr())
        view = (*memory, tensor.storage_offset(), tensor.dtype, tensor.shape, tensor.stride())
        if view in first_name:
            aliases[name] = first_name[view]
            continue
        first_name[view] = name
        copy = memory in storages
        storages.add(memory)
        tensor = tensor.to("cpu").contiguous()
        stored[name] = tensor.clone() if copy else tensor
    return stored, aliases


def _checksum(tensors: Mapping[str, torch.Tensor], meta: Mapping[str, str]) -> str:
    """CRC-32 over our metadata, then each tensor's name, dtype, shape and bytes."""
    described = {k: v for k, v in meta.items() if k != _CHECKSUM}
    crc = zlib.crc32(json.dumps(described, sort_keys=True).encode())
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        crc = zlib.crc32(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}".encode(), crc)
        crc = zlib.crc32(tensor.reshape(-1).view(torch.uint8).numpy(), crc)
    return f"crc32:{crc:08x}"


def _atomic_write(path: pathlib.Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Write via a unique temp file in the same folder, fsync, rename over `path`, fsync dir."""
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot save to '{path}': the folder '{folder}' does not exist. "
            "Create it first, e.g. pathlib.Path(folder).mkdir(parents=True, exist_ok=True)."
        )
    if path.is_dir():
        raise IsADirectoryError(
            f"cannot save to '{path}': it is a folder. Pass a file name inside it instead."
        )
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if os.name != "nt":
            os.chmod(tmp, mode)  # mkstemp makes the file private (0600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _new_file_mode(path: pathlib.Path) -> int:
    """Keep the mode of the file we replace; a new file gets the usual 0666 minus the umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    umask = None
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Umask:"):
                umask = int(line.split()[1], 8)
    if umask is None:  # no /proc: read the umask by setting it and putting it back
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: pathlib.Path) -> None:
    """Make the rename durable. Windows cannot open a folder for fsync; skip it there."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        # Some file systems refuse fsync on a folder; the data itself is already synced.
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- loading


def load(
    path: PathLike,
    into: ModuleT | None = None,
    *,
    map_location: Any = None,
    strict: bool = True,
) -> Any:
    """Load a checkpoint safely; with ``into=model``, load it into the model and return the model.

    The format is read from the file's content. Torch files are always loaded with
    ``weights_only=True``, so a file can never run code. Lazy layers (``nn.LazyLinear``, ...)
    take their shapes from the checkpoint.

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
        NotACheckpointError: the file is not a checkpoint (empty, text, an image, ...).
        CorruptCheckpointError: the file is truncated or damaged.
        UnsafeCheckpointError: the file refers to code or classes a safe load refuses.
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
    if into is not None and map_location is None:
        map_location = _module_device(into)
    obj = _read(pathlib.Path(path), map_location)
    if into is None:
        return obj
    _load_state_dict(into, obj, path, strict)
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
    from safetensors import safe_open

    path = pathlib.Path(path)
    if _sniff(path) != "safetensors":
        raise NotACheckpointError(
            f"'{path}' is not a safetensors file, so it has no metadata. "
            "Only files saved with a .safetensors name carry metadata."
        )
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata() or {})
    except Exception as err:
        raise _safetensors_damage(path, err) from err
    return {k: meta[k] for k in sorted(meta) if not k.startswith(_PREFIX)}


def _module_device(model: nn.Module) -> torch.device | None:
    for tensor in [*model.parameters(), *model.buffers()]:
        return tensor.device
    return None


def _name(path: pathlib.Path) -> str:
    """The file's name as messages show it: short, and the same on every machine."""
    return f"'{path.name}'"


def _sniff(path: pathlib.Path) -> str:
    """Check that `path` is a non-empty file and return its format: zip, safetensors, pickle."""
    if not path.exists():
        raise CheckpointNotFoundError(
            f"{_name(path)} does not exist (looked for '{path}'; the current folder is "
            f"'{os.getcwd()}'). Check the name and the folder, or save the checkpoint first."
        )
    if path.is_dir():
        raise CheckpointNotFoundError(
            f"{_name(path)} is a folder, not a checkpoint file. "
            "Pass the path of the checkpoint file inside it."
        )
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            size = os.fstat(f.fileno()).st_size
    except OSError as err:
        raise CheckpointError(
            f"{_name(path)} could not be read: {err}. Check its permissions."
        ) from err
    if size == 0:
        raise NotACheckpointError(
            f"{_name(path)} is empty (0 bytes). A save was probably interrupted before it "
            f"wrote anything, or the file was created by mistake. {_AGAIN}"
        )
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    header_size = int.from_bytes(head[:8].ljust(8, b"\0"), "little")
    if head[8:9] == b"{" and (header_size + 8 <= size or path.suffix == ".safetensors"):
        return "safetensors"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"
    what = _describe(head)
    if what is None and path.suffix == ".safetensors":
        return "safetensors"  # damaged at the start; let the reader explain
    if what is not None:
        raise NotACheckpointError(
            f"{_name(path)} is not a checkpoint: {what}. A checkpoint is a file written by "
            "torch.save or bg.save, or a safetensors file. Check that you picked the right file."
        )
    raise NotACheckpointError(
        f"{_name(path)} is not a checkpoint: its first bytes match no known format (a "
        "torch.save zip, a safetensors file, a pickle). Check that you picked the right file; "
        "if it should be a checkpoint, it is damaged: save it again, or restore an earlier copy."
    )


def _describe(head: bytes) -> str | None:
    """Name a few common non-checkpoint formats from their first bytes."""
    signatures = {
        b"\x89PNG": "it is a PNG image",
        b"\xff\xd8\xff": "it is a JPEG image",
        b"GIF8": "it is a GIF image",
        b"%PDF": "it is a PDF document",
        b"\x1f\x8b": "it is gzip-compressed (decompress it first)",
        b"\x93NUMPY": "it is a NumPy .npy array (load it with numpy.load)",
    }
    for signature, what in signatures.items():
        if head.startswith(signature):
            return what
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:  # a character cut at the end of `head` is fine
        text = head[: err.start].decode("utf-8") if err.start >= len(head) - 3 else None
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        start = text.strip().splitlines()[0][:30] if text.strip() else ""
        return f"it is a text file (it starts with {start!r})"
    return None


def _read(path: pathlib.Path, map_location: Any) -> Any:
    kind = _sniff(path)
    if kind == "safetensors":
        return _read_safetensors(path, map_location)
    if kind == "zip":
        _verify_zip(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 5": we explain below
        try:
            return torch.load(path, map_location=map_location, weights_only=True)
        except Exception as err:
            raise _torch_load_error(path, kind, err) from err


def _torch_load_error(path: pathlib.Path, kind: str, err: Exception) -> CheckpointError:
    """Turn whatever ``torch.load`` raised into the right CheckpointError."""
    text = str(err)
    if "on a CUDA device" in text or "torch.cuda.is_available() is False" in text:
        return CheckpointError(
            f"{_name(path)} was saved on a GPU, and this machine has none. "
            "Load it with map_location='cpu'."
        )
    names = _unsafe_globals(path, kind, err)
    if names or (kind == "zip" and isinstance(err, pickle.UnpicklingError)):
        listed = ", ".join(names) if names else "an object that only code could rebuild"
        return UnsafeCheckpointError(
            f"{_name(path)} refers to {listed}, which a safe load (weights_only=True) refuses: "
            "loading it could run code, not just read data. It was probably saved from an "
            "object that is not plain tensors and values, or it was made to attack you. Do not "
            "load it with weights_only=False. If you trust the file and these classes, allow "
            "them with torch.serialization.add_safe_globals([...]) and load again; better, "
            "save plain data (a state_dict()) instead.",
            names,
        )
    if kind == "pickle" and not _starts_with(path, _LEGACY_TORCH_MAGIC):
        return NotACheckpointError(
            f"{_name(path)} is a Python pickle, not a PyTorch checkpoint ({_last_line(err)}). "
            "Load checkpoints saved with torch.save or bg.save; for other pickles ask where "
            "the file came from, and unpickle it only if you trust it."
        )
    return CorruptCheckpointError(
        f"{_name(path)} is damaged: PyTorch could not read it ({_last_line(err)}). It was "
        f"probably cut off or altered during a copy, a download or a crash. {_AGAIN}"
    )


def _last_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("Check the documentation")]
    return (useful or lines or [type(err).__name__])[-1][:300]


def _starts_with(path: pathlib.Path, prefix: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(prefix)) == prefix


def _verify_zip(path: pathlib.Path) -> None:
    """Check a torch zip file's structure, sizes and CRC-32s before torch reads it."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            records = archive.infolist()
            if not any(r.filename.endswith("data.pkl") for r in records):
                raise NotACheckpointError(
                    f"{_name(path)} is a zip archive, not a PyTorch checkpoint (it holds no "
                    "data.pkl). Check that you picked the right file; unzip it if the "
                    "checkpoint is inside."
                )
            for record in records:
                if record.header_offset + record.compress_size > size:
                    raise CorruptCheckpointError(
                        f"{_name(path)} is truncated or damaged: its record "
                        f"'{record.filename}' ends past the end of the file ({size:,} bytes). "
                        f"{_AGAIN}"
                    )
                if record.CRC == 0 and record.file_size > 0:
                    continue  # saved without checksums; nothing to compare with
                with archive.open(record) as f:
                    while f.read(1 << 20):
                        pass
    except CheckpointError:
        raise
    except zipfile.BadZipFile as err:
        if "not a zip file" in str(err):
            raise CorruptCheckpointError(
                f"{_name(path)} is truncated: it starts like a PyTorch checkpoint, but its end "
                f"(the zip directory, written last) is missing; the file has {size:,} bytes. "
                f"It was probably cut off during a copy, a download or a crash. {_AGAIN}"
            ) from err
        raise CorruptCheckpointError(
            f"{_name(path)} is damaged ({err}). Its bytes changed after it was saved, probably "
            f"during a copy or a download, or on a failing disk. {_AGAIN}"
        ) from err
    except Exception as err:
        raise CorruptCheckpointError(
            f"{_name(path)} is damaged: its zip structure cannot be read ({type(err).__name__}: "
            f"{err}). It was probably altered during a copy or a download. {_AGAIN}"
        ) from err


def _unsafe_globals(path: pathlib.Path, kind: str, err: Exception) -> list[str]:
    """Name the globals (functions, classes) in the file that a safe load refuses."""
    names = re.findall(r"GLOBAL ([\w.]+)", str(err))
    if names:
        return list(dict.fromkeys(names))
    with contextlib.suppress(Exception):
        if kind == "zip":
            return list(torch.serialization.get_unsafe_globals_in_checkpoint(path))
        with open(path, "rb") as f:
            allowed = _allowed_globals()
            return [name for name in _pickle_globals(f) if name not in allowed]
    return []


def _allowed_globals() -> set[str]:
    allowed = {"collections.OrderedDict", "builtins.set", "_codecs.encode"}
    with contextlib.suppress(Exception):
        from torch._weights_only_unpickler import _get_allowed_globals

        allowed.update(_get_allowed_globals())
    for obj in _user_safe_globals():
        allowed.add(f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}")
    return allowed


def _pickle_globals(stream: IO[bytes], max_pickles: int = 5) -> list[str]:
    """List 'module.name' of every global the pickles at the start of `stream` refer to.

    Reads opcodes only (pickletools never runs anything). Stops at the first non-pickle data.
    """
    found: list[str] = []
    silent = {"PROTO", "FRAME", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "STOP"}
    with contextlib.suppress(Exception):
        for _ in range(max_pickles):
            pushed: list[Any] = []
            memo: dict[int, Any] = {}
            for opcode, arg, _pos in pickletools.genops(stream):
                name = opcode.name
                if name in ("GLOBAL", "INST"):
                    found.append(str(arg).replace(" ", "."))
                elif name == "STACK_GLOBAL" and len(pushed) >= 2:
                    found.append(f"{pushed[-2]}.{pushed[-1]}")
                elif name == "MEMOIZE":
                    memo[len(memo)] = pushed[-1] if pushed else None
                elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                    memo[int(arg)] = pushed[-1] if pushed else None
                elif name in ("GET", "BINGET", "LONG_BINGET"):
                    pushed.append(memo.get(int(arg)))
                elif name not in silent:
                    pushed.append(arg if isinstance(arg, str) else None)
    return list(dict.fromkeys(found))


def _read_safetensors(path: pathlib.Path, map_location: Any) -> Any:
    from safetensors import safe_open

    if map_location is not None and not isinstance(map_location, (str, torch.device)):
        raise TypeError(
            "map_location for a .safetensors file must be a device or a device string such "
            f"as 'cpu' or 'cuda:0', not a {type(map_location).__name__}."
        )
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata() or {})
            tensors = {name: f.get_tensor(name) for name in f.keys()}  # noqa: SIM118
    except Exception as err:
        raise _safetensors_damage(path, err) from err
    ours = {k: v for k, v in meta.items() if k.startswith(_PREFIX)}
    # Our own file: verify it before rebuilding what was saved.
    if ours and (set(ours) - _OUR_KEYS or ours.get(_CHECKSUM) != _checksum(tensors, meta)):
        raise CorruptCheckpointError(
            f"{_name(path)} is damaged: its contents no longer match the checksum written "
            "when it was saved. Its bytes changed after the save, probably during a copy "
            f"or a download, or on a failing disk. {_AGAIN}"
        )
    if map_location is not None:
        tensors = {name: t.to(map_location) for name, t in tensors.items()}
    aliases = json.loads(ours.get(_ALIASES, "{}"))
    for alias, original in aliases.items():
        tensors[alias] = tensors[original]
    kind = ours.get(_KIND, "dict")
    if kind == "tensor":
        return tensors["tensor"]
    if kind in ("list", "tuple"):
        values = [tensors[str(i)] for i in range(len(tensors))]
        return values if kind == "list" else tuple(values)
    return tensors


def _safetensors_damage(path: pathlib.Path, err: Exception) -> CheckpointError:
    """Explain why safetensors could not read `path`: truncated (with sizes) or damaged."""
    size = path.stat().st_size
    sizes = f"{size:,} bytes" if size < 8 else None
    with contextlib.suppress(Exception), open(path, "rb") as f:
        header_end = 8 + int.from_bytes(f.read(8), "little")
        if size < header_end <= 64 * size:
            sizes = f"{size:,} bytes, less than its {header_end:,}-byte header"
        header = json.loads(f.read(header_end - 8))
        ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"]
        expected = header_end + max(ends, default=0)
        if size < expected:
            sizes = f"{size:,} of {expected:,} bytes"
    if sizes is not None:
        return CorruptCheckpointError(
            f"{_name(path)} is truncated ({sizes}). It was probably cut off during a copy, a "
            f"download or a crash. {_AGAIN}"
        )
    return CorruptCheckpointError(
        f"{_name(path)} is damaged: it is not a valid safetensors file ({_last_line(err)}). "
        f"It was probably altered during a copy or a download. {_AGAIN}"
    )


def _load_state_dict(model: nn.Module, obj: Any, path: PathLike, strict: bool) -> None:
    """Check names and shapes against `model` ourselves (for a complete message), then load."""
    name = _name(pathlib.Path(path))
    if isinstance(obj, Mapping) and obj.get("format") == _TRAINING_FORMAT:
        raise NotACheckpointError(
            f"{name} holds a whole training state, not a model's state dict. "
            "Load it with bg.load_training_state(path, model=..., optimizer=...)."
        )
    if not isinstance(obj, Mapping) or not all(isinstance(k, str) for k in obj):
        raise NotACheckpointError(
            f"{name} holds a {type(obj).__name__}, not a model's state dict, so it cannot be "
            "loaded into a model. Load it with bg.load(path) and use the value directly."
        )
    expected = model.state_dict(keep_vars=True)
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
            _mismatch_message(name, model, missing, unexpected, mismatched),
            missing,
            unexpected,
            mismatched,
        )
    if not strict:
        skip = {k for k, _, _ in mismatched}
        obj = {k: v for k, v in obj.items() if k in expected and k not in skip}
    try:
        model.load_state_dict(obj, strict=strict)
    except Exception as err:
        raise ArchitectureMismatchError(
            f"{name} does not fit this {type(model).__name__}: {_last_line(err)}. Build the "
            "model with the same settings as when the checkpoint was saved."
        ) from err


def _mismatch_message(
    name: str,
    model: nn.Module,
    missing: list[str],
    unexpected: list[str],
    mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]],
) -> str:
    def listing(items: list[str]) -> str:
        shown = ", ".join(items[:20])
        return shown + (f", ... and {len(items) - 20} more" if len(items) > 20 else "")

    def quoted(keys: list[str]) -> list[str]:
        return [repr(key) for key in keys]

    lines = [f"{name} does not fit this {type(model).__name__}:"]
    if missing:
        lines.append(f"  missing from the checkpoint ({len(missing)}): {listing(quoted(missing))}")
    if unexpected:
        lines.append(f"  in the checkpoint but not in the model ({len(unexpected)}): ")
        lines[-1] += listing(quoted(unexpected))
    if mismatched:
        shapes = [f"{k!r}: checkpoint {c} vs model {m}" for k, c, m in mismatched]
        lines.append(f"  different shapes ({len(mismatched)}): {listing(shapes)}")
    lines.append(
        "It was probably saved from a different architecture or configuration. Build the "
        "model with the same settings as when it was saved, or pass strict=False to load "
        "only the keys whose names and shapes match."
    )
    return "\n".join(lines)


# ----------------------------------------------------------------------------- training state


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
        model, optimizer: whose ``state_dict()`` are saved.
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
        raise ValueError(
            "a training state holds more than tensors (optimizer settings, the step, RNG "
            "states), so it needs the torch format. Use a name such as 'train.pt'."
        )
    state = {
        "format": _TRAINING_FORMAT,
        "version": 1,
        "step": int(step),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
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
    so the resumed run continues bit for bit as if it had never stopped. The ``extra`` dict
    is available with ``bg.load(path)['extra']``.

    Raises:
        The ``CheckpointError`` family, as for ``load``; ``NotACheckpointError`` when the file
        is not a training state; ``ArchitectureMismatchError`` when the model, optimizer or
        scheduler does not fit.

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
        map_location = _module_device(model)
    state = _read(path, map_location)
    if not isinstance(state, Mapping) or state.get("format") != _TRAINING_FORMAT:
        raise NotACheckpointError(
            f"{_name(path)} is not a training state saved by bg.save_training_state. "
            "For a plain state dict use bg.load(path, into=model)."
        )
    try:
        step, model_state, rng = int(state["step"]), state["model"], state["rng"]
        optimizer_state, scheduler_state = state["optimizer"], state["scheduler"]
    except (KeyError, TypeError, ValueError) as err:
        raise CorruptCheckpointError(
            f"{_name(path)} is an incomplete training state (missing {err}). {_AGAIN}"
        ) from err
    if scheduler is not None and scheduler_state is None:
        raise ArchitectureMismatchError(
            f"{_name(path)} holds no scheduler state, but a scheduler was passed. "
            "Resume without scheduler=..., or save one with the training state."
        )
    _load_state_dict(model, model_state, path, strict=True)
    for what, target, saved in (
        ("optimizer", optimizer, optimizer_state),
        ("scheduler", scheduler, scheduler_state),
    ):
        if target is None:
            continue
        try:
            target.load_state_dict(saved)
        except Exception as err:
            raise ArchitectureMismatchError(
                f"{_name(path)}: the saved {what} state does not fit this "
                f"{type(target).__name__} ({_last_line(err)}). Build the {what} the same way "
                "as when the state was saved (same type, same parameter groups)."
            ) from err
    _set_rng_states(rng, path)
    return step


def _rng_states() -> dict[str, Any]:
    """Every RNG state, as tensors and plain values, so ``weights_only=True`` loads it."""
    import numpy as np

    name, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": [str(name), keys.tolist(), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def _set_rng_states(rng: Mapping[str, Any], path: pathlib.Path) -> None:
    import numpy as np

    try:
        version, internal, gauss = rng["python"]
        name, keys, pos, has_gauss, cached = rng["numpy"]
        random.setstate((version, tuple(internal), gauss))
        np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
        torch.set_rng_state(rng["torch"].cpu())
    except Exception as err:
        raise CorruptCheckpointError(
            f"{_name(path)} holds unusable random number generator states ({_last_line(err)}). "
            f"{_AGAIN}"
        ) from err
    cuda_states = list(rng.get("cuda") or [])
    if cuda_states and torch.cuda.is_available():
        for index, saved in enumerate(cuda_states[: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(saved.cpu(), index)
    elif cuda_states:
        warnings.warn(
            f"{_name(path)} holds CUDA random states, but this machine has no CUDA device; "
            "they were not restored, so GPU-side randomness will differ.",
            stacklevel=3,
        )
