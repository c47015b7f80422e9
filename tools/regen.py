"""Re-execute notebooks in place, so that their stored outputs are fresh.

    python tools/regen.py                      # every notebook (what `make regen` runs)
    python tools/regen.py notebooks/en/02-*.ipynb

Each notebook runs top to bottom in a fresh kernel of the current environment, from its
own folder, as nbval runs it. Cells tagged `requires-gpu` run only where CUDA is present;
elsewhere their outputs are cleared. A cell that raises stops the run, unless it is tagged
`raises-exception`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import nbcommon as nbc
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


ANSI = re.compile(r"\x1b\[[0-9;]*m")
LIBRARY_FRAME = re.compile(r"^File\s+(/|~|[A-Za-z]:\\)", re.M)


def trim_traceback(traceback: list[str]) -> list[str]:
    """Drop traceback frames inside installed libraries: they show paths of this machine.

    The frames of the notebook's own cells ("Cell In[5], line 3") and the final error line
    stay, so a reader still sees where and why the intended error happened.
    """
    kept, dropped = [], 0
    for entry in traceback:
        if LIBRARY_FRAME.search(ANSI.sub("", entry)):
            dropped += 1
            continue
        if dropped:
            kept.append(f"[... {dropped} frame(s) inside installed libraries omitted ...]")
            dropped = 0
        kept.append(entry)
    return kept


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks, as Jupyter shows them, so that stored
    outputs do not depend on how the kernel happened to flush."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev["name"] == out["name"]
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def execute(path: Path, has_cuda: bool, timeout: int = 600) -> float:
    """Run one notebook in place and return how long it took, in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with client.setup_kernel(
        stderr=subprocess.DEVNULL
    ):  # kernel log noise; cell stderr still arrives
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if nbc.REQUIRES_GPU_TAG in nbc.tags(cell) and not has_cuda:
                cell.outputs = []
                cell.execution_count = None
                continue
            client.execute_cell(cell, index)
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = trim_traceback(out["traceback"])
    nbc.write(path, nbformat.from_dict(nb))
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or list(nbc.notebook_paths())
    has_cuda = cuda_available()
    print(f"regen: {len(paths)} notebook(s), CUDA {'present' if has_cuda else 'absent'}")
    total = 0.0
    for i, path in enumerate(paths, 1):
        rel = nbc.repo_path(path)
        print(f"  [{i}/{len(paths)}] {rel} ...", end=" ", flush=True)
        try:
            seconds = execute(path, has_cuda)
        except CellExecutionError as err:
            print("FAILED")
            print(err)
            return 1
        total += seconds
        print(f"{seconds:.1f} s")
    print(f"regen: done in {total:.1f} s. Run `make test` to check the outputs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
