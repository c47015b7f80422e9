"""Build a notebook from a plain-text "percent" script, for writing notebooks in an editor.

    python tools/nbbuild.py draft.py notebooks/en/01-model-construction.ipynb

The script is split into cells at lines that start with `# %%`:

    # %% [markdown]
    # # Layers and Modules
    # Some prose (each line starts with "# ").

    # %% tags=["raises-exception"]
    net(torch.ones(2, 3))

The result has no outputs: run `make links` (badges and setup cell), then `make regen`.
Cell ids are `cell-000`, `cell-001`, ... so that both language editions line up.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbcommon as nbc

HEADER = re.compile(r"^# %%\s*(\[markdown\])?\s*(?:tags=(\[.*\]))?\s*$")


def parse(text: str) -> list[dict]:
    cells: list[dict] = []
    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            kind = "markdown" if match.group(1) else "code"
            cell_tags = json.loads(match.group(2)) if match.group(2) else []
            cells.append({"cell_type": kind, "tags": cell_tags, "lines": []})
        elif cells:
            cells[-1]["lines"].append(line)
    return cells


def to_notebook(cells: list[dict]) -> dict:
    out = []
    for index, cell in enumerate(cells):
        lines = cell["lines"]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if cell["cell_type"] == "markdown":
            lines = [re.sub(r"^# ?", "", line) for line in lines]
        metadata = {"tags": cell["tags"]} if cell["tags"] else {}
        item = {"cell_type": cell["cell_type"], "id": f"cell-{index:03d}", "metadata": metadata}
        nbc.set_source(item, "\n".join(lines))
        if cell["cell_type"] == "code":
            item.update(execution_count=None, outputs=[])
        out.append(item)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    src, dst = Path(argv[0]), Path(argv[1])
    nb = to_notebook(parse(src.read_text(encoding="utf-8")))
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbc.write(dst, nb)
    print(f"wrote {dst} ({len(nb['cells'])} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
