"""The safetensors format: tensors and string metadata only, so no code can hide in it.

Our files carry a few metadata keys of their own (prefix ``builders_guide.``): what kind of
object was saved, the order of its keys, which names are tied to which, and a CRC-32 over
all of it. A file without our checksum is someone else's file and loads as a plain dict;
one with our checksum is verified, and its structure checked, before it is rebuilt.
"""

from __future__ import annotations

import json
import pathlib
import re
import zlib
from collections.abc import Mapping
from typing import Any

import torch

from builders_guide.checkpoint.errors import (
    CheckpointError,
    CorruptCheckpointError,
    last_line,
    name,
    say,
)
from builders_guide.checkpoint.validate import check_tensor

PREFIX = "builders_guide."
KIND = PREFIX + "kind"  # 'dict', 'tensor', 'list' or 'tuple'
KEYS = PREFIX + "keys"  # JSON list of every name, in the order they were given
ALIASES = PREFIX + "aliases"  # JSON {alias name: stored name} for tied tensors
CHECKSUM = PREFIX + "checksum"  # CRC-32 of names, dtypes, shapes, bytes and our metadata
OUR_KEYS = {KIND, KEYS, ALIASES, CHECKSUM}
_CHECKSUM_FORM = re.compile(r"^crc32:[0-9a-f]{8}$")
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit


def _storable_dtypes() -> set[torch.dtype]:
    """The torch dtypes that safetensors can store here."""
    import safetensors.torch as st

    return {dtype for dtype in getattr(st, "_SIZE", {}) if dtype is not None}


def prepare(
    obj: Any, metadata: Mapping[str, str] | None
) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Check `obj` and turn it into (tensors to store, metadata) for ``save_file``."""
    kind, items = _flatten(obj)
    meta = _check_metadata(metadata)
    storable = _storable_dtypes()
    for key, tensor in items.items():
        check_tensor(tensor, repr(key), safetensors=True)
        if tensor.dtype not in storable:
            raise TypeError(say("safetensors_dtype", where=repr(key), dtype=str(tensor.dtype)))
    stored, aliases = _dedupe(items)
    meta[KIND] = kind
    meta[KEYS] = json.dumps(list(items))
    if aliases:
        meta[ALIASES] = json.dumps(aliases, sort_keys=True)
    meta[CHECKSUM] = checksum(stored, meta)
    return stored, meta


def write(stored: dict[str, torch.Tensor], meta: dict[str, str], filename: str) -> None:
    """Write straight from the tensors' memory: no copy of the state is made."""
    from safetensors.torch import save_file

    save_file(stored, filename, metadata=meta)


def _flatten(obj: Any) -> tuple[str, dict[str, torch.Tensor]]:
    """Turn what safetensors can hold into (kind, flat dict of named tensors)."""
    if isinstance(obj, torch.Tensor):
        kind, items = "tensor", {"tensor": obj}
    elif isinstance(obj, Mapping):
        kind, items = "dict", dict(obj)
    elif isinstance(obj, (list, tuple)):
        kind, items = type(obj).__name__, {str(i): v for i, v in enumerate(obj)}
    else:
        raise TypeError(say("safetensors_obj", type=type(obj).__qualname__))
    for key, value in items.items():
        if not isinstance(key, str):
            raise TypeError(say("safetensors_key", key=repr(key), type=type(key).__qualname__))
        if not isinstance(value, torch.Tensor):
            raise TypeError(say("safetensors_value", key=repr(key), type=type(value).__qualname__))
    return kind, items


def _check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise TypeError(say("metadata_type", type=type(metadata).__name__))
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(say("metadata_strings", pair=f"{key!r}: {value!r}"))
        if key.startswith(PREFIX):
            raise ValueError(say("metadata_reserved", key=repr(key), prefix=repr(PREFIX)))
    return dict(metadata)


def _dedupe(tensors: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Store each distinct tensor once; record which names are aliases of which.

    Two names that are the same view of the same memory (tied weights) become one stored
    tensor plus an alias. Tensors that only overlap in memory are copied, since safetensors
    refuses shared memory.
    """
    stored: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    first_name: dict[tuple[Any, ...], str] = {}
    storages: set[tuple[Any, ...]] = set()
    for key, tensor in tensors.items():
        tensor = tensor.detach()
        if tensor.numel() == 0:
            stored[key] = tensor.to("cpu").clone()
            continue
        memory = (tensor.device, tensor.untyped_storage().data_ptr())
        view = (*memory, tensor.storage_offset(), tensor.dtype, tensor.shape, tensor.stride())
        if view in first_name:
            aliases[key] = first_name[view]
            continue
        first_name[view] = key
        copy = memory in storages
        storages.add(memory)
        tensor = tensor.to("cpu").contiguous()
        stored[key] = tensor.clone() if copy else tensor
    return stored, aliases


def checksum(tensors: Mapping[str, torch.Tensor], meta: Mapping[str, str]) -> str:
    """CRC-32 over our metadata, then each tensor's name, dtype, shape and bytes."""
    described = {k: v for k, v in meta.items() if k != CHECKSUM}
    crc = zlib.crc32(json.dumps(described, sort_keys=True).encode())
    for key in sorted(tensors):
        tensor = tensors[key].detach().cpu().contiguous()
        crc = zlib.crc32(f"{key}|{tensor.dtype}|{tuple(tensor.shape)}".encode(), crc)
        crc = zlib.crc32(tensor.reshape(-1).view(torch.uint8).numpy(), crc)
    return f"crc32:{crc:08x}"


def read_header(path: pathlib.Path, size: int) -> dict[str, Any]:
    """Parse the JSON header ourselves; raise for a truncated or damaged file."""
    with open(path, "rb") as f:
        if size < 8:
            raise CorruptCheckpointError(
                say("truncated", name=name(path), sizes=say("bytes", size=size))
            )
        header_end = 8 + int.from_bytes(f.read(8), "little")
        if header_end > size:
            if header_end <= 64 * size:
                sizes = say("less_than_header", size=size, header=header_end)
                raise CorruptCheckpointError(say("truncated", name=name(path), sizes=sizes))
            raise CorruptCheckpointError(say("bad_header", name=name(path)))
        if header_end > _MAX_HEADER:
            raise CorruptCheckpointError(say("bad_header", name=name(path)))
        try:
            header = json.loads(f.read(header_end - 8))
            ends = [int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"]
        except Exception:
            raise CorruptCheckpointError(say("bad_header", name=name(path))) from None
    expected = header_end + max(ends, default=0)
    if size < expected:
        sizes = say("of_bytes", size=size, expected=expected)
        raise CorruptCheckpointError(say("truncated", name=name(path), sizes=sizes))
    return header


# Every dtype name of the safetensors format (up to its 0.7 release). A name outside this
# list is damage, not a dtype that an older installation does not know yet.
_FORMAT_DTYPES = frozenset(
    [
        "BOOL",
        "U8",
        "I8",
        "I16",
        "U16",
        "I32",
        "U32",
        "I64",
        "U64",
        "F16",
        "BF16",
        "F32",
        "F64",
        "C64",
        "F4",
        "F6_E2M3",
        "F6_E3M2",
        "F8_E5M2",
        "F8_E4M3",
        "F8_E4M3FNUZ",
        "F8_E5M2FNUZ",
        "F8_E8M0",
    ]
)


def _is_ours(meta: Mapping[str, str]) -> bool:
    return bool(_CHECKSUM_FORM.match(meta.get(CHECKSUM, ""))) and KIND in meta


def read_metadata(path: pathlib.Path, size: int) -> dict[str, str]:
    """The user's metadata: all of it for another tool's file, without our keys for ours."""
    meta = read_header(path, size).get("__metadata__") or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise CorruptCheckpointError(say("bad_header", name=name(path)))
    hide = _is_ours(meta)
    return {k: meta[k] for k in sorted(meta) if not (hide and k.startswith(PREFIX))}


def read(path: pathlib.Path, size: int, map_location: Any) -> Any:
    """Load a safetensors file: verify ours, rebuild what was saved; a foreign file as a dict."""
    from safetensors import safe_open

    if map_location is not None and not isinstance(map_location, (str, torch.device)):
        raise TypeError(say("map_location", type=type(map_location).__name__))
    header = read_header(path, size)  # truncation and a bad header, before safetensors
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata() or {})
            tensors = {key: f.get_tensor(key) for key in f.keys()}  # noqa: SIM118
    except Exception as err:
        # Newer safetensors names the dtype it cannot hand to torch; older releases fail on
        # the header instead, so we also look for a dtype name this installation lacks.
        found = re.search(r"Dtype not understood: (\w+)", str(err))
        dtype = found[1] if found else _unknown_dtype(header)
        if dtype:
            version = str(torch.__version__)
            raise CheckpointError(
                say("unreadable_dtype", name=name(path), dtype=dtype, version=version)
            ) from err
        raise CorruptCheckpointError(
            say("safetensors_damaged", name=name(path), error=last_line(err))
        ) from err
    if not _is_ours(meta):
        return _moved(tensors, map_location)
    if meta[CHECKSUM] != checksum(tensors, meta):
        raise CorruptCheckpointError(say("checksum", name=name(path)))
    try:
        return _rebuild(_moved(tensors, map_location), meta)
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        raise CorruptCheckpointError(say("forged", name=name(path), error=str(err))) from err


def _unknown_dtype(header: Mapping[str, Any]) -> str | None:
    """A well-formed dtype name in the header that this safetensors cannot give to torch."""
    import safetensors.torch as st

    known = set(getattr(st, "_TYPES", {}))
    for key, entry in header.items():
        dtype = entry.get("dtype") if key != "__metadata__" and isinstance(entry, dict) else None
        if dtype in _FORMAT_DTYPES and dtype not in known:
            return dtype
    return None


def _moved(tensors: dict[str, torch.Tensor], map_location: Any) -> dict[str, torch.Tensor]:
    if map_location is None:
        return tensors
    return {key: t.to(map_location) for key, t in tensors.items()}


def _rebuild(tensors: dict[str, torch.Tensor], meta: Mapping[str, str]) -> Any:
    """The saved object from verified tensors and our metadata; ValueError if they disagree."""
    unknown = sorted(k for k in meta if k.startswith(PREFIX) and k not in OUR_KEYS)
    if unknown:
        raise ValueError(f"unknown keys {unknown}")
    aliases = json.loads(meta.get(ALIASES, "{}"))
    if not isinstance(aliases, dict) or not all(
        isinstance(a, str) and a not in tensors and o in tensors for a, o in aliases.items()
    ):
        raise ValueError(f"{ALIASES} does not match the stored tensors")
    for alias, original in aliases.items():
        tensors[alias] = tensors[original]
    order = json.loads(meta[KEYS]) if KEYS in meta else sorted(tensors)
    if not isinstance(order, list) or len(set(order)) != len(order) or set(order) != set(tensors):
        raise ValueError(f"{KEYS} does not match the stored tensors")
    kind = meta[KIND]
    if kind == "tensor":
        if order != ["tensor"]:
            raise ValueError("a saved tensor must be stored under the name 'tensor'")
        return tensors["tensor"]
    if kind in ("list", "tuple"):
        if set(order) != {str(i) for i in range(len(order))}:
            raise ValueError(f"a saved {kind} needs the names 0 to {len(order) - 1}")
        values = [tensors[str(i)] for i in range(len(order))]
        return values if kind == "list" else tuple(values)
    if kind != "dict":
        raise ValueError(f"unknown kind {kind!r}")
    return {key: tensors[key] for key in order}
