"""Rewrite every notebook's badge row and setup cell from `links.toml`.

    python tools/links.py          # rewrite in place (what `make links` runs)
    python tools/links.py --check  # exit 1 and list the notebooks that disagree

The badge row is the line of the first markdown cell that starts with the Colab badge.
The setup cell is the code cell tagged `setup`. The GPU notebook also gets Colab's
GPU-accelerator metadata.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbcommon as nbc


def expected_changes(path: Path, nb: dict, slug: str, ref: str) -> list[str]:
    """Bring `nb` in line with the links; return what had to change (empty when it agreed)."""
    changes = []
    lang = nbc.language_of(path)

    first = nb["cells"][0]
    lines = nbc.source(first).split("\n")
    badge_lines = [i for i, line in enumerate(lines) if line.startswith(nbc.BADGE_PREFIX)]
    want_badges = nbc.badge_row(path, slug, ref)
    if first["cell_type"] != "markdown" or len(badge_lines) > 1:
        changes.append("the first cell must be markdown with at most one badge row")
    elif not badge_lines:
        lines[1:1] = ["", want_badges]
        nbc.set_source(first, "\n".join(lines))
        changes.append("badge row added")
    elif lines[badge_lines[0]] != want_badges:
        lines[badge_lines[0]] = want_badges
        nbc.set_source(first, "\n".join(lines))
        changes.append("badge row")

    setup_cells = [c for c in nb["cells"] if nbc.SETUP_TAG in nbc.tags(c)]
    if len(setup_cells) != 1:
        changes.append(f"expected one cell tagged '{nbc.SETUP_TAG}', found {len(setup_cells)}")
    else:
        want_setup = nbc.setup_source(lang, slug, ref)
        if nbc.source(setup_cells[0]) != want_setup:
            nbc.set_source(setup_cells[0], want_setup)
            changes.append("setup cell")

    if path.stem == nbc.GPU_NOTEBOOK:
        for key, value in nbc.colab_gpu_metadata().items():
            if nb["metadata"].get(key) != value:
                nb["metadata"][key] = value
                changes.append(f"metadata.{key}")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not rewrite")
    args = parser.parse_args(argv)
    where = nbc.links()
    print(f"links: github.com/{where['slug']} at ref {where['ref']}")
    stale = 0
    for path in nbc.notebook_paths():
        nb = nbc.read(path)
        changes = expected_changes(path, nb, **where)
        if not changes:
            continue
        stale += 1
        rel = nbc.repo_path(path)
        if args.check:
            print(f"  out of step: {rel}: {', '.join(changes)}")
        else:
            nbc.write(path, nb)
            print(f"  rewrote {rel}: {', '.join(changes)}")
    if args.check and stale:
        print(f"{stale} notebook(s) disagree with links.toml. Run `make links`.")
        return 1
    print("all notebooks agree with links.toml" if not stale else f"rewrote {stale} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
