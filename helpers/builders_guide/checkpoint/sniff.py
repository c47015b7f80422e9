"""Which format a file holds, read from its first bytes, and what it is when it is no checkpoint.

Only a regular file is opened: a folder, a named pipe, a device such as ``/dev/zero`` or a
socket is refused at once, so a load never hangs or reads forever.
"""

from __future__ import annotations

import os
import pathlib
import stat

from builders_guide.checkpoint.errors import (
    CheckpointError,
    CheckpointNotFoundError,
    NotACheckpointError,
    name,
    say,
)

_NOT_REGULAR = (
    (stat.S_ISFIFO, "kind_fifo"),
    (stat.S_ISCHR, "kind_char_device"),
    (stat.S_ISBLK, "kind_block_device"),
    (stat.S_ISSOCK, "kind_socket"),
)


def regular_size(path: pathlib.Path) -> int:
    """Return the size of `path`, or raise if it is missing or not a regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CheckpointNotFoundError(
            say("not_found", name=name(path), cwd=pathlib.Path.cwd().name)
        ) from None
    except OSError as err:
        raise CheckpointError(say("unreadable", name=name(path), error=err.strerror)) from err
    if stat.S_ISDIR(info.st_mode):
        raise CheckpointNotFoundError(say("is_folder", name=name(path)))
    if not stat.S_ISREG(info.st_mode):
        kind = next((key for test, key in _NOT_REGULAR if test(info.st_mode)), "kind_special")
        raise NotACheckpointError(say("not_regular", name=name(path), kind=say(kind)))
    return info.st_size


def sniff(path: pathlib.Path) -> str:
    """Check that `path` is a non-empty regular file; return 'zip', 'safetensors' or 'pickle'."""
    regular_size(path)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            size = os.fstat(f.fileno()).st_size
    except OSError as err:
        raise CheckpointError(say("unreadable", name=name(path), error=err.strerror)) from err
    if size == 0:
        raise NotACheckpointError(say("empty", name=name(path)))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    header_size = int.from_bytes(head[:8].ljust(8, b"\0"), "little")
    if head[8:9] == b"{" and (header_size + 8 <= size or path.suffix == ".safetensors"):
        return "safetensors"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"
    what = describe(head)
    if what is None and path.suffix == ".safetensors":
        return "safetensors"  # damaged at the start; let the reader explain
    if what is not None:
        raise NotACheckpointError(say("not_checkpoint", name=name(path), what=what))
    raise NotACheckpointError(say("unknown_format", name=name(path)))


def describe(head: bytes) -> str | None:
    """Name a few common non-checkpoint formats from their first bytes."""
    signatures = {
        b"\x89PNG": "what_png",
        b"\xff\xd8\xff": "what_jpeg",
        b"GIF8": "what_gif",
        b"%PDF": "what_pdf",
        b"\x1f\x8b": "what_gzip",
        b"\x93NUMPY": "what_npy",
    }
    for signature, key in signatures.items():
        if head.startswith(signature):
            return say(key)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:  # a character cut at the end of `head` is fine
        text = head[: err.start].decode("utf-8") if err.start >= len(head) - 3 else None
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        start = text.strip().splitlines()[0][:30] if text.strip() else ""
        return say("what_text", start=repr(start))
    return None
