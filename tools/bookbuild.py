"""Build the book website: both editions, from the committed notebooks, without running them.

    python tools/bookbuild.py build                 # what `make site` runs: _build/site
    python tools/bookbuild.py build --out DIR       # build somewhere else (the tests use a tmp dir)
    python tools/bookbuild.py serve [--port 8000]   # what `make site-serve` runs: 127.0.0.1 only

Run it with the book's own environment (`.venv-book`, from `book/requirements.lock`), which
`make site` creates. Each edition is its own Sphinx project, so that it gets its own
interface language, search index and `<html lang>`; `book/conf.py` is shared by both.

The notebooks are staged into a work folder first: copies with the badge row (remote
images) removed, next to the edition's `index.md` (its table of contents). The tracked
notebooks are never written. The site gets a small language chooser at its root:

    _build/site/index.html       choose English or Bahasa Indonesia
    _build/site/en/...           the English edition
    _build/site/id/...           the Indonesian edition, each page linked to its twin
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbcommon as nbc

BOOK = nbc.ROOT / "book"
DEFAULT_WORK = nbc.ROOT / "_build"


def site_url(slug: str) -> str:
    """The GitHub Pages address of the book for a repository `owner/name`.

    >>> site_url("d2l-companions/builders-guide")
    'https://d2l-companions.github.io/builders-guide/'
    """
    owner, name = slug.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


def without_badges(nb: dict) -> dict:
    """The notebook with the badge row dropped from its first markdown cell.

    The badges are remote images; the book shows its own launch buttons instead.
    """
    first = nb["cells"][0]
    if first["cell_type"] == "markdown":
        lines = nbc.source(first).split("\n")
        kept = [line for line in lines if not line.startswith(nbc.BADGE_PREFIX)]
        if len(kept) != len(lines):
            text = "\n".join(kept)
            while "\n\n\n" in text:
                text = text.replace("\n\n\n", "\n\n")
            nbc.set_source(first, text.strip("\n"))
    return nb


SETUP_PROMPT = {
    "en": ("Show the setup cell", "Hide the setup cell"),
    "id": ("Tampilkan sel persiapan", "Sembunyikan sel persiapan"),
}


def fold_setup_cell(nb: dict, lang: str) -> dict:
    """The notebook with its setup cell's code folded away (its output stays visible).

    Every notebook opens with the same setup cell; on a web page it is noise until the
    reader asks for it.
    """
    show, hide = SETUP_PROMPT[lang]
    for cell in nb["cells"]:
        if nbc.SETUP_TAG in nbc.tags(cell):
            meta = cell.setdefault("metadata", {})
            meta["tags"] = [*meta.get("tags", []), "hide-input"]
            meta["mystnb"] = {"code_prompt_show": show, "code_prompt_hide": hide}
    return nb


def pages(lang: str) -> list[str]:
    """The notebook pages of one edition, as paths relative to the edition's folder.

    >>> pages("en")[:2]
    ['00-builders-guide.ipynb', '01-model-construction.ipynb']
    """
    folder = nbc.NOTEBOOKS / lang
    return [p.relative_to(folder).as_posix() for p in nbc.notebook_paths((lang,))]


def _write_if_changed(path: Path, text: str) -> None:
    """Write only when the content differs, so that Sphinx rebuilds only what changed."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stage(lang: str, src: Path) -> None:
    """Lay out the Sphinx source folder of one edition in `src`."""
    wanted = {"index.md"} | set(pages(lang))
    _write_if_changed(src / "index.md", (BOOK / lang / "index.md").read_text(encoding="utf-8"))
    for rel in pages(lang):
        nb = fold_setup_cell(without_badges(nbc.read(nbc.NOTEBOOKS / lang / rel)), lang)
        text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        _write_if_changed(src / rel, text)
    for path in sorted(src.rglob("*"), reverse=True):  # a notebook removed from the repo
        if path.is_file() and path.relative_to(src).as_posix() not in wanted:
            path.unlink()


def build(out: Path, work: Path, languages: tuple[str, ...] = nbc.LANGUAGES) -> float:
    """Build every edition into `out/<lang>` (warnings are errors); return the seconds taken.

    The editions build side by side, one Sphinx process each. Raises `SystemExit` with
    Sphinx's messages when an edition fails.
    """
    start = time.perf_counter()
    runs = []
    for lang in languages:
        src = work / "src" / lang
        stage(lang, src)
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-c",
            str(BOOK),
            "-d",
            str(work / "doctrees" / lang),
            str(src),
            str(work / "html" / lang / "html"),  # myst-nb writes beside it: keep apart
        ]
        env = dict(os.environ, BOOK_LANGUAGE=lang, PYTHONUTF8="1")
        runs.append((lang, subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)))
    failed = []
    for lang, run in runs:
        _, stderr = run.communicate()
        if run.returncode != 0:
            failed.append(f"--- edition '{lang}' (sphinx exit code {run.returncode}):\n{stderr}")
        elif stderr.strip():
            print(stderr, file=sys.stderr, end="")
    if failed:
        raise SystemExit(
            "The book did not build. Sphinx said:\n"
            + "\n".join(failed)
            + "\nFix the notebook or book/ file named above, then run `make site` again."
        )
    out.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        shutil.rmtree(out / lang, ignore_errors=True)
        shutil.copytree(work / "html" / lang / "html", out / lang)
    shutil.copyfile(BOOK / "root" / "index.html", out / "index.html")
    (out / ".nojekyll").write_text("")
    return time.perf_counter() - start


def serve(out: Path, port: int) -> None:
    """Serve the built site on 127.0.0.1 until Ctrl-C."""
    if not (out / "index.html").exists():
        raise SystemExit(f"No site in {out}: run `make site` first.")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving the book at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build both editions")
    b.add_argument("--out", type=Path, default=DEFAULT_WORK / "site")
    b.add_argument("--work", type=Path, default=None, help="staging and caches (default: --out/..)")
    s = sub.add_parser("serve", help="serve the built site on 127.0.0.1")
    s.add_argument("--out", type=Path, default=DEFAULT_WORK / "site")
    s.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if args.command == "serve":
        serve(out, args.port)
        return 0
    work = (args.work or out.parent / "book-work").resolve()
    seconds = build(out, work)
    where = nbc.links()
    print(f"Built the book in {seconds:.1f} s: {out / 'index.html'}")
    print(f"Published at {site_url(where['slug'])} by .github/workflows/pages.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
