"""The ``CheckpointError`` family, and how every checkpoint message is worded.

Every message comes from the catalog (``builders_guide/catalog/checkpoint.py``) in the
language chosen with ``bg.set_language``, and names the file without its folder, so a
notebook's stored output is the same on every machine.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

from builders_guide.language import message

PathLike = str | os.PathLike


class CheckpointError(Exception):
    """A checkpoint file could not be used; the base of every error raised here."""


class CheckpointNotFoundError(CheckpointError):
    """The path does not exist, or it is a folder."""


class CorruptCheckpointError(CheckpointError):
    """The file is a checkpoint, but truncated or damaged."""


class NotACheckpointError(CheckpointError):
    """The file is not a checkpoint at all (a text file, an image, an empty file, ...)."""


class UnsafeCheckpointError(CheckpointError):
    """A safe load refuses the file: it refers to code or classes (``names`` lists them),
    it could exhaust memory, or this PyTorch's safe loader has known holes."""

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


def say(key: str, /, **fields: Any) -> str:
    """The catalog's ``checkpoint.<key>`` message in the current language."""
    return message(f"checkpoint.{key}", **fields)


def name(path: PathLike) -> str:
    """The file's name as messages show it: quoted, without its folder."""
    return f"'{pathlib.Path(path).name}'"


def last_line(err: BaseException) -> str:
    """The most useful line of an exception's text, cut to 300 characters."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("Check the documentation")]
    return (useful or lines or [type(err).__name__])[-1][:300]
