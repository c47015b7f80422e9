"""Safe, atomic checkpoints: save and load tensors, state dicts and a whole training state.

Two formats, chosen by the file name when saving and by the file's content when loading:

- ``.safetensors``: tensors only, plus string metadata. No code can hide in it. Tensors that
  are the same object (tied weights) are stored once and come back as one object.
- anything else (``.pt``, ``.pth``, ...): ``torch.save``. We always load it with
  ``torch.load(..., weights_only=True)``, which refuses to run code; there is no switch to
  turn that off. On a PyTorch older than 2.10, whose safe loader has known holes, such
  files are refused; ``.safetensors`` files load everywhere.

A save checks everything first, then writes a temporary file next to the target, flushes
it to the disk and renames it over the target, so a crash leaves either the old file or the
new one, never half a file. Every problem with a file raises a ``CheckpointError`` whose
message says what is wrong, the likely cause and what to do.

The modules: ``errors`` (the exception family), ``atomic`` (atomic writing, stale temporary
files), ``sniff`` (what a file is), ``validate`` (what a save accepts), ``torch_format`` and
``safetensors_format`` (each format's checks), ``model_state`` (loading into a model),
``api`` (``save``, ``load``, ``load_metadata``) and ``training_state``.
"""

from builders_guide.checkpoint.api import load, load_metadata, save
from builders_guide.checkpoint.errors import (
    ArchitectureMismatchError,
    CheckpointError,
    CheckpointNotFoundError,
    CorruptCheckpointError,
    NotACheckpointError,
    UnsafeCheckpointError,
)
from builders_guide.checkpoint.training_state import load_training_state, save_training_state

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
