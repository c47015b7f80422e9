"""Keep the Bahasa Indonesia notebooks in step with the English ones (`make sync-id`).

English is the source of truth for code. For each notebook in notebooks/en (solutions
included), this script:

- refuses, naming the cell, when the two editions differ in cell count or cell order: a
  structural change (a cell added, removed or moved) must be made in both by hand;
- copies each English code cell whose code changed (ignoring comments and prose strings)
  into the Indonesian notebook, and reports it, since its comments need translating again;
- copies every code cell's tags;
- keeps every markdown cell (the Indonesian prose) as it is;
- then re-executes every Indonesian notebook, so that its outputs are those of the shared
  code (and of the Indonesian messages of `bg.check`).

    python tools/sync_id.py            # sync and re-execute
    python tools/sync_id.py --check    # report drift only, exit 1 if any
    python tools/sync_id.py --init 03-init-param.ipynb   # start a translation from English
    python tools/sync_id.py --init solutions/03-init-param.ipynb
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
from pathlib import Path

import links as links_tool
import nbcommon as nbc


def counterpart(en_path: Path) -> Path:
    rel = en_path.resolve().relative_to(nbc.NOTEBOOKS / "en")
    return nbc.NOTEBOOKS / "id" / rel


def drift(en: dict, id_: dict) -> list[str]:
    """Every divergence between the two editions that the rules forbid, cell by cell."""
    problems = []
    if len(en["cells"]) != len(id_["cells"]):
        problems.append(
            f"cell count differs: en has {len(en['cells'])}, id has {len(id_['cells'])}"
        )
    for i, (a, b) in enumerate(zip(en["cells"], id_["cells"], strict=False)):
        if a["cell_type"] != b["cell_type"]:
            problems.append(f"cell {i}: en is {a['cell_type']}, id is {b['cell_type']}")
            continue
        if nbc.tags(a) != nbc.tags(b):
            problems.append(
                f"cell {i}: tags differ: en {sorted(nbc.tags(a))}, id {sorted(nbc.tags(b))}"
            )
        code = a["cell_type"] == "code" and nbc.SETUP_TAG not in nbc.tags(a)
        if code and nbc.normalized_code(nbc.source(a)) != nbc.normalized_code(nbc.source(b)):
            problems.append(f"cell {i}: code differs (comments and prose strings aside)")
    return problems


def sync(en_path: Path) -> tuple[bool, list[str]]:
    """Bring one Indonesian notebook in step; return (changed, notes)."""
    id_path = counterpart(en_path)
    en, id_ = nbc.read(en_path), nbc.read(id_path)
    if len(en["cells"]) != len(id_["cells"]) or any(
        a["cell_type"] != b["cell_type"] for a, b in zip(en["cells"], id_["cells"], strict=False)
    ):
        raise SystemExit(
            f"{nbc.repo_path(id_path)}: {'; '.join(drift(en, id_)[:3])}. "
            "Add, remove or move the cell in the Indonesian notebook by hand, then run again."
        )
    changed, notes = False, []
    for i, (a, b) in enumerate(zip(en["cells"], id_["cells"], strict=True)):
        if a["cell_type"] != "code":
            continue
        if nbc.tags(a) != nbc.tags(b):
            b.setdefault("metadata", {})["tags"] = sorted(nbc.tags(a))
            changed = True
        if nbc.SETUP_TAG in nbc.tags(a):
            continue
        if nbc.normalized_code(nbc.source(a)) != nbc.normalized_code(nbc.source(b)):
            b["source"] = copy.deepcopy(a["source"])
            changed = True
            notes.append(f"cell {i}: code carried over from English; translate its comments")
    if changed:
        links_tool.expected_changes(id_path, id_, **nbc.links())
        nbc.write(id_path, id_)
    return changed, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, change nothing")
    parser.add_argument(
        "--init",
        metavar="PATH",
        help="copy an English notebook (e.g. solutions/03-init-param.ipynb) to start a translation",
    )
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="do not re-execute the Indonesian notebooks afterwards",
    )
    args = parser.parse_args(argv)

    if args.init:
        src = nbc.NOTEBOOKS / "en" / args.init
        src = src if src.is_file() else None
        if src is None:
            print(f"no English notebook named {args.init}")
            return 1
        dst = counterpart(src)
        if dst.exists():
            print(f"{nbc.repo_path(dst)} exists already; not overwriting")
            return 1
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dst)
        nb = nbc.read(dst)
        links_tool.expected_changes(dst, nb, **nbc.links())
        nbc.write(dst, nb)
        print(f"copied to {nbc.repo_path(dst)}: translate its markdown, comments and messages")
        return 0

    missing, drifted, touched = [], 0, []
    for en_path in nbc.notebook_paths(("en",)):
        id_path = counterpart(en_path)
        if not id_path.exists():
            missing.append(nbc.repo_path(id_path))
            continue
        if args.check:
            problems = drift(nbc.read(en_path), nbc.read(id_path))
            for problem in problems:
                print(f"  {nbc.repo_path(id_path)}: {problem}")
            drifted += bool(problems)
            continue
        changed, notes = sync(en_path)
        for note in notes:
            print(f"  {nbc.repo_path(id_path)}: {note}")
        if changed:
            touched.append(id_path)
    for path in missing:
        rel = Path(path).relative_to("notebooks/id").as_posix()
        print(f"  missing: {path} (start it with --init {rel})")
    if args.check:
        bad = drifted + len(missing)
        print("in step" if not bad else f"{bad} Indonesian notebook(s) out of step")
        return 1 if bad else 0
    print(f"sync-id: {len(touched)} notebook(s) changed")
    if missing:
        return 1
    if args.no_run:
        return 0
    import regen

    return regen.main([str(p) for p in nbc.notebook_paths(("id",))])


if __name__ == "__main__":
    sys.exit(main())
