"""The torch format (``torch.save`` files): checked before, during and after a safe load.

Before ``torch.load(weights_only=True)`` sees a file we check that this PyTorch's safe
loader has no known holes, and, for a zip file, its structure: no compressed records (a
small file must not expand to gigabytes), sizes that fit the file, CRC-32s that match, and
storages no larger than their records. During the load, sparse tensors are validated. When
torch refuses a file, :func:`load_error` names the real cause.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import pickle
import pickletools
import re
import warnings
import zipfile
from typing import IO, Any

import torch

from builders_guide.checkpoint.errors import (
    CheckpointError,
    CorruptCheckpointError,
    NotACheckpointError,
    UnsafeCheckpointError,
    last_line,
    name,
    say,
)
from builders_guide.checkpoint.validate import user_safe_globals

# (first fixed version, advisory, catalog key of what it allows)
KNOWN_HOLES: tuple[tuple[tuple[int, int], str, str], ...] = (
    ((2, 6), "CVE-2025-32434", "hole_code"),
    ((2, 10), "CVE-2026-24747", "hole_memory"),
)
"""Holes in ``torch.load(weights_only=True)``: fixed in which version, advisory, what it allows."""

SAFE_TORCH = "2.10"
_MARK = object()
_SILENT = {"PROTO", "FRAME", "STOP", "MEMOIZE", "BINPUT", "PUT", "LONG_BINPUT"}


class _Global(str):
    """A 'module.name' pushed by GLOBAL or STACK_GLOBAL while scanning a pickle."""


def known_holes(version: str | None = None) -> list[str]:
    """The advisories that apply to a torch version (default: the running one), oldest first.

    Example:
        >>> from builders_guide.checkpoint.torch_format import known_holes
        >>> known_holes("2.5.1")
        ['CVE-2025-32434', 'CVE-2026-24747']
        >>> known_holes("2.13.0+cpu")
        []
    """
    version = str(torch.__version__ if version is None else version)
    found = re.match(r"(\d+)\.(\d+)", version)
    if found is None:
        return []
    running = (int(found[1]), int(found[2]))
    return [cve for fixed, cve, _ in KNOWN_HOLES if running < fixed]


def guard_torch_version(path: pathlib.Path) -> None:
    """Refuse a pickle-based load on a torch whose safe loader has known holes."""
    holes = known_holes()
    if holes:
        what = "; ".join(say(key, cve=cve) for _, cve, key in KNOWN_HOLES if cve in holes)
        raise UnsafeCheckpointError(
            say(
                "old_torch",
                name=name(path),
                version=str(torch.__version__),
                holes=what,
                safe=SAFE_TORCH,
            )
        )


def write_torch(obj: Any, file: IO[bytes]) -> None:
    """``torch.save`` into an open file (the default pickle protocol, which loads safely)."""
    torch.save(obj, file)


def read_torch(path: pathlib.Path, kind: str, size: int, map_location: Any) -> Any:
    """Check, then ``torch.load(weights_only=True)`` a torch-format file of `size` bytes."""
    guard_torch_version(path)
    if kind == "zip":
        verify_zip(path, size)
    else:
        verify_legacy(path, size)
    with warnings.catch_warnings(), torch.sparse.check_sparse_tensor_invariants(True):
        warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 5": we explain below
        try:
            return torch.load(path, map_location=map_location, weights_only=True)
        except Exception as err:
            raise load_error(path, kind, err) from err


def verify_zip(path: pathlib.Path, size: int) -> None:
    """Check a torch zip file's records, sizes and CRC-32s before torch reads it."""
    try:
        with zipfile.ZipFile(path) as archive:
            records = archive.infolist()
            names = [r.filename for r in records]
            if any(n.endswith("/constants.pkl") or "/code/" in n for n in names):
                raise NotACheckpointError(say("torchscript", name=name(path)))
            pickles = [r for r in records if r.filename.endswith("data.pkl")]
            if not pickles:
                raise NotACheckpointError(say("zip_not_torch", name=name(path)))
            for record in records:
                if record.compress_type != zipfile.ZIP_STORED:
                    raise UnsafeCheckpointError(
                        say(
                            "compressed",
                            name=name(path),
                            record=record.filename,
                            packed=record.compress_size,
                            unpacked=record.file_size,
                        )
                    )
                if record.header_offset + record.compress_size > size:
                    raise CorruptCheckpointError(
                        say("record_past_end", name=name(path), record=record.filename, size=size)
                    )
                if record.is_dir() or record.external_attr & 0x10:  # miniz skips "folders"
                    raise CorruptCheckpointError(
                        say("record_folder", name=name(path), record=record.filename)
                    )
                if record.file_size != record.compress_size:
                    raise CorruptCheckpointError(
                        say("record_size", name=name(path), record=record.filename)
                    )
            if sum(r.file_size for r in records) > size:
                raise CorruptCheckpointError(say("sizes_exceed", name=name(path), size=size))
            for record in records:
                if record.CRC == 0 and record.file_size > 0:
                    continue  # saved without checksums; nothing to compare with
                with archive.open(record) as f:
                    while f.read(1 << 20):
                        pass
            data_pkl = archive.read(pickles[0])
            prefix = pickles[0].filename[: -len("data.pkl")]
            sizes = {r.filename: r.file_size for r in records}
            for key, claimed in storages(io.BytesIO(data_pkl), max_pickles=1):
                have = sizes.get(f"{prefix}data/{key}")
                if have is None or claimed > have:
                    raise CorruptCheckpointError(
                        say(
                            "storage_size",
                            name=name(path),
                            key=key,
                            claimed=claimed,
                            have=have or 0,
                        )
                    )
    except CheckpointError:
        raise
    except zipfile.BadZipFile as err:
        if "not a zip file" in str(err):
            raise CorruptCheckpointError(say("zip_truncated", name=name(path), size=size)) from err
        raise CorruptCheckpointError(say("zip_damaged", name=name(path), error=str(err))) from err
    except Exception as err:
        raise CorruptCheckpointError(
            say("zip_unreadable", name=name(path), error=f"{type(err).__name__}: {err}")
        ) from err


def verify_legacy(path: pathlib.Path, size: int) -> None:
    """In a legacy file, the storages the pickles claim must fit in the file."""
    if not is_legacy(path):
        return
    with open(path, "rb") as f:
        claimed = sum(nbytes for _, nbytes in storages(f, max_pickles=5))
    if claimed > size:
        raise CorruptCheckpointError(
            say("legacy_sizes", name=name(path), claimed=claimed, size=size)
        )


def _itemsize(storage_type: str) -> int | None:
    cls = getattr(torch, storage_type.rpartition(".")[2], None)
    if storage_type == "torch.UntypedStorage":
        return 1
    with contextlib.suppress(Exception), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated; its dtype is what we need
        return int(cls.dtype.itemsize)  # type: ignore[union-attr]
    return None


def storages(stream: IO[bytes], max_pickles: int) -> list[tuple[str, int]]:
    """(key, bytes claimed) of every storage the pickles at the start of `stream` refer to."""
    found = []
    for ident in scan_pickles(stream, max_pickles)[1]:
        if isinstance(ident, tuple) and len(ident) >= 5 and ident[0] == "storage":
            itemsize = _itemsize(str(ident[1]))
            if itemsize is not None and isinstance(ident[4], int):
                found.append((str(ident[2]), ident[4] * itemsize))
    return found


def scan_pickles(stream: IO[bytes], max_pickles: int = 5) -> tuple[list[str], list[Any]]:
    """Globals ('module.name') and persistent ids of the pickles at the start of `stream`.

    Reads opcodes only (pickletools never runs anything) and follows the stack just enough
    to see names and tuples of constants. Stops at the first data that is not a pickle.
    """
    globals_: list[str] = []
    persistent: list[Any] = []
    with contextlib.suppress(Exception):
        for _ in range(max_pickles):
            stack: list[Any] = []
            memo: dict[int, Any] = {}
            for opcode, arg, _pos in pickletools.genops(stream):
                op = opcode.name
                if op in ("GLOBAL", "INST"):
                    globals_.append(str(arg).replace(" ", "."))
                    if op == "GLOBAL":
                        stack.append(_Global(globals_[-1]))
                        continue
                if op == "STACK_GLOBAL":
                    module, attr = (stack.pop() if stack else None, stack.pop() if stack else None)[
                        ::-1
                    ]
                    globals_.append(f"{module}.{attr}")
                    stack.append(_Global(globals_[-1]))
                elif op == "MARK":
                    stack.append(_MARK)
                elif op == "TUPLE":
                    cut = len(stack) - 1 - stack[::-1].index(_MARK) if _MARK in stack else 0
                    items = tuple(stack[cut + 1 :])
                    del stack[cut:]
                    stack.append(items)
                elif op in ("TUPLE1", "TUPLE2", "TUPLE3"):
                    count = int(op[-1])
                    items = tuple(stack[-count:])
                    del stack[-count:]
                    stack.append(items)
                elif op in ("MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"):
                    memo[len(memo) if op == "MEMOIZE" else int(arg)] = stack[-1] if stack else None
                elif op in ("GET", "BINGET", "LONG_BINGET"):
                    stack.append(memo.get(int(arg)))
                elif op in ("BINPERSID", "PERSID"):
                    ident = stack.pop() if op == "BINPERSID" and stack else arg
                    persistent.append(ident)
                    stack.append(None)
                elif op in ("PROTO", "FRAME", "STOP"):
                    pass
                elif opcode.arg is not None and not opcode.stack_before:
                    stack.append(arg)  # a constant: int, string, bytes, float
                else:
                    before = opcode.stack_before
                    if pickletools.markobject in before and _MARK in stack:
                        del stack[len(stack) - 1 - stack[::-1].index(_MARK) :]
                        before = [b for b in before if b is not pickletools.markobject]
                        before = (
                            before[:-1]
                            if before and before[-1] is pickletools.stackslice
                            else before
                        )
                    for _item in before:
                        if stack:
                            stack.pop()
                    stack.extend([None] * len(opcode.stack_after))
    return list(dict.fromkeys(globals_)), persistent


def allowed_globals() -> set[str]:
    """'module.name' of every global a safe load accepts here."""
    allowed = {"collections.OrderedDict", "builtins.set", "_codecs.encode"}
    with contextlib.suppress(Exception):
        from torch._weights_only_unpickler import _get_allowed_globals

        allowed.update(_get_allowed_globals())
    for obj in user_safe_globals():
        allowed.add(f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}")
    return allowed


def is_legacy(path: pathlib.Path) -> bool:
    """Whether the file starts with the pickled magic number of torch's legacy format."""
    with contextlib.suppress(Exception), open(path, "rb") as f:
        values = [arg for op, arg, _ in pickletools.genops(f) if op.name not in _SILENT]
        return values == [torch.serialization.MAGIC_NUMBER]
    return False


def _pickle_bytes(path: pathlib.Path, kind: str) -> IO[bytes]:
    """The pickle stream of a file: data.pkl for a zip file, else the file itself."""
    if kind == "zip":
        with zipfile.ZipFile(path) as archive:
            pkl = next(r for r in archive.infolist() if r.filename.endswith("data.pkl"))
            return io.BytesIO(archive.read(pkl))
    with open(path, "rb") as f:
        return io.BytesIO(f.read())


def _resolves(global_name: str) -> bool:
    module, _, attr = global_name.rpartition(".")
    if module != "torch":
        return True
    return hasattr(torch, attr)


def load_error(path: pathlib.Path, kind: str, err: Exception) -> CheckpointError:
    """Turn whatever ``torch.load`` raised into the right CheckpointError."""
    text = str(err)
    if "on a CUDA device" in text or "torch.cuda.is_available() is False" in text:
        return CheckpointError(say("needs_gpu", name=name(path)))
    sparse = re.search(r"sparse|\bindices\b|found index", text, re.IGNORECASE)
    if sparse and not isinstance(err, pickle.UnpicklingError):
        return CorruptCheckpointError(say("bad_sparse", name=name(path), error=last_line(err)))
    found: list[str] = []
    protocol = 2
    legacy = kind == "pickle" and is_legacy(path)
    with contextlib.suppress(Exception):
        stream = _pickle_bytes(path, kind)
        head = stream.getvalue()[:2]  # every pickle in a file uses the same protocol
        protocol = head[1] if head[:1] == b"\x80" else 2
        allowed = allowed_globals()
        scanned = [g.replace("__builtin__.", "builtins.", 1) for g in scan_pickles(stream)[0]]
        found = [g for g in scanned if g not in allowed]
    names = list(dict.fromkeys(found or re.findall(r"GLOBAL ([\w.]+)", text)))
    newer = [g for g in names if not _resolves(g)]
    if newer:
        return CheckpointError(
            say(
                "newer_torch",
                name=name(path),
                names=", ".join(newer),
                version=str(torch.__version__),
            )
        )
    if names:
        return UnsafeCheckpointError(say("unsafe", name=name(path), names=", ".join(names)), names)
    if kind == "pickle" and not legacy:
        return NotACheckpointError(say("python_pickle", name=name(path), error=last_line(err)))
    if protocol >= 4 and "Unsupported operand" in text:
        return CheckpointError(say("protocol", name=name(path), protocol=protocol))
    if "global" in text.lower() and isinstance(err, pickle.UnpicklingError):
        return UnsafeCheckpointError(say("unsafe_unnamed", name=name(path)))
    return CorruptCheckpointError(say("torch_damaged", name=name(path), error=last_line(err)))
