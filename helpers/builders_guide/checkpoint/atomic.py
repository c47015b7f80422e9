"""Atomic, durable writing: a temporary file next to the target, fsync, rename, fsync folder.

A crash or a kill leaves either the old file or the new one, never half a file. Each
temporary file carries the writer's process id in its name,
``.<name>.<pid>.<random>.bg.tmp``; a later save in the same folder removes ours that are
stale: the writer is gone and the file has not changed for :data:`STALE_AFTER_S` seconds.
A concurrent writer's file is never touched, nor any file that is not ours.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import re
import stat
import tempfile
import time
from collections.abc import Callable
from typing import IO, Any

from builders_guide.checkpoint.errors import name, say

STALE_AFTER_S = 600.0
"""A dead writer's temporary file is removed once it is this old (seconds since its last write)."""

_TEMP_SUFFIX = ".bg.tmp"
_TEMP_NAME = re.compile(r"^\..*\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}" + re.escape(_TEMP_SUFFIX) + "$")
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_TOO_BIG = {errno.EFBIG}

Writer = Callable[[IO[bytes], str], Any]


class _Recorder:
    """A file wrapper that remembers the first ``OSError`` a write raised.

    ``torch.save`` turns a failed write into ``RuntimeError: ... unexpected pos``; the
    recorded error tells us it was a full disk or a file-size limit.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.error: OSError | None = None

    def write(self, data: Any) -> int:
        try:
            return self.file.write(data)
        except OSError as err:
            self.error = self.error or err
            raise

    def flush(self) -> None:
        try:
            self.file.flush()
        except OSError as err:
            self.error = self.error or err
            raise


def name_max(folder: pathlib.Path) -> int:
    """The longest file name, in bytes, that the file system of `folder` accepts."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    return 255


def _temp_prefix(path: pathlib.Path, limit: int) -> str:
    """``.<name>.<pid>.``, with the name cut (on a character boundary) to fit `limit` bytes."""
    pid = str(os.getpid())
    room = max(limit - (1 + 1 + len(pid) + 1 + 8 + len(_TEMP_SUFFIX)), 1)
    short = path.name.encode()[:room].decode("utf-8", errors="ignore")
    return f".{short}.{pid}."


def _alive(pid: int) -> bool:
    """Whether process `pid` exists on this machine (if in doubt: yes)."""
    if os.name == "nt" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(folder: pathlib.Path, *, now: float | None = None) -> list[str]:
    """Remove our temporary files in `folder` whose writer is gone and that are old.

    Only regular files named like ours are considered; a file is removed when the process
    id in its name no longer exists and it has not changed for ``STALE_AFTER_S`` seconds.

    Returns:
        The names removed.
    """
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP_NAME.match(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER_S:
                    continue
                if _alive(int(match["pid"])):
                    continue
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def _write_error(
    path: pathlib.Path, err: BaseException, recorded: OSError | None
) -> OSError | None:
    """A clear ``OSError`` for a full disk or a file-size limit, else ``None``."""
    code = recorded.errno if recorded is not None else getattr(err, "errno", None)
    if code is None:  # safetensors reports 'Os { code: 28, kind: StorageFull, ... }'
        found = re.search(r"(?:code: |os error )(\d+)", str(err))
        code = int(found[1]) if found else None
    key = "disk_full" if code in _FULL else "file_too_big" if code in _TOO_BIG else None
    return None if key is None else _os_error(code, say(key, name=name(path)))


def _os_error(code: int, text: str) -> OSError:
    """An ``OSError`` with ``errno`` set whose text is only our message."""
    err = OSError(text)
    err.errno = code
    return err


def atomic_write(path: pathlib.Path, write: Writer) -> None:
    """Write via a temp file in the same folder, fsync, rename over `path`, fsync the folder.

    Args:
        path: the target.
        write: called as ``write(file, temp_path)``; it writes either to the open binary
            ``file`` or, by name, to ``temp_path``.

    Raises:
        FileNotFoundError, IsADirectoryError: the folder is missing, or `path` is a folder.
        OSError: the name is too long, the disk is full or the file-size limit was hit
            (``errno`` says which); the previous file is unchanged.
    """
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(say("no_folder", name=name(path), folder=folder.name or "."))
    limit = name_max(folder)
    if len(path.name.encode()) > limit:
        size = len(path.name.encode())
        raise _os_error(
            errno.ENAMETOOLONG, say("name_too_long", name=name(path), size=size, limit=limit)
        )
    if path.is_dir():
        raise IsADirectoryError(say("save_to_folder", name=name(path)))
    remove_stale_temps(folder)
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path, limit), suffix=_TEMP_SUFFIX)
    recorder = None
    try:
        with open(fd, "wb") as f:
            recorder = _Recorder(f)
            write(recorder, tmp)  # type: ignore[arg-type]
            recorder.flush()
            os.fsync(f.fileno())
        if os.name != "nt":
            os.chmod(tmp, mode)  # mkstemp makes the file private (0600)
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        clear = _write_error(path, err, recorder.error if recorder else None)
        if clear is not None:
            raise clear from err
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
