"""Run the notebooks and unit tests where learners run them (what `make test-compat` runs).

Learners do not run the lock. This builds cached virtual environments outside the
repository, one per case below, and in each runs every notebook of both editions with an
errors-only comparison, plus the unit tests of the helper package:

    newest    the newest torch, numpy, matplotlib and safetensors on the newest supported
              Python: what Colab or a fresh `pip install builders-guide` gives
    gpu-pair  torch 2.11 on Python 3.12: the GPU machine the project borrows
    floor     every floor that helpers/pyproject.toml declares, on its oldest Python

Errors-only comparison: no cell raises unless it is tagged `raises-exception`, every cell so
tagged does raise, and no cell writes to stderr (a warning is a failure). Stored outputs
are not compared, but the cells whose text output differs from the committed one are
listed, so that prose quoting them can be checked.

    python tools/compat.py                # all three; prints a table, writes the JSON
    python tools/compat.py --only floor   # one environment
    python tools/compat.py --upgrade      # first upgrade `newest` to the newest releases
    python tools/compat.py --markdown     # print the README table of the last results
    python tools/compat.py --here         # judge the current environment only (CI)

The environments live in ~/.cache/builders-guide/compat (set BUILDERS_GUIDE_COMPAT_CACHE to
move them) and are reused: a non-lock torch is a multi-GB download on Linux, where the
registry's default build is the CUDA one. Set PIP_EXTRA_INDEX_URL to PyTorch's CPU index to
get the CPU build instead. Interpreters are found as `python3.X` on PATH, through the `py`
launcher, or in pyenv; BUILDERS_GUIDE_PYTHON_3_12 (for example) names one explicitly.
Everything runs on a snapshot of the working tree in a temporary folder, so the repository
is never written to, except for the results: benchmarks/results/compat.json and the table
between the compat-table markers in README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbcommon as nbc
import tomllib

RESULTS = nbc.ROOT / "benchmarks" / "results" / "compat.json"
PYPROJECT = nbc.ROOT / "helpers" / "pyproject.toml"
NEWEST_PYTHON = "3.13"
GPU_PAIR = ("3.12", "2.11")
LIBRARIES = ("torch", "numpy", "matplotlib", "safetensors")
# What the notebooks and unit tests need besides the package's own dependencies.
TOOLING = ("ipykernel", "nbclient", "nbformat", "pytest", "fickling")
# Unit tests of the repository's tooling (lock, CI files, browser, notebook files). They do
# not depend on torch's version and need the lock's tools; `make test` runs them.
TOOLING_TESTS = (
    "test_browser.py",
    "test_environment.py",
    "test_id_edition.py",
    "test_links.py",
    "test_notebooks.py",
    "test_site.py",
    # it reads the previous run's compat.json, which the run under way is replacing
    "test_compat_tool.py",
    "test_tools.py",
)
SNAPSHOT_PARTS = (
    "Makefile",  # tests/test_gpu_target.py reads `make -n test-gpu`
    "README.md",
    "README.id.md",  # tests/test_glossary.py checks its terms
    "benchmarks",
    "helpers",
    "notebooks",
    "tests",
    "tools",
    "links.toml",
    "pytest.ini",
    "requirements.lock",
)
STDERR_SHOWN = 300  # characters of an unexpected stderr kept in the report


@dataclass(frozen=True)
class KnownWarning:
    """A warning that PyTorch itself prints on some supported versions, and that the
    notebooks' prose tells the reader about. Only this exact warning is let through, only
    below `fixed_in`; anything else on stderr still fails the run."""

    text: str
    fixed_in: str
    why: str


KNOWN_WARNINGS = (
    KnownWarning(
        "The given buffer is not writable",
        "2.12",
        "torch.export.load on torch 2.10-2.11 (06-read-write and its solutions say so)",
    ),
)


@dataclass(frozen=True)
class Env:
    """One environment of the compatibility run."""

    name: str
    python: str
    requirements: tuple[str, ...]
    purpose: str


def declared() -> tuple[str, dict[str, str]]:
    """The oldest Python and the floors of the libraries, from helpers/pyproject.toml."""
    with open(PYPROJECT, "rb") as f:
        project = tomllib.load(f)["project"]
    python = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"].strip())
    if python is None:
        raise SystemExit(f"requires-python must read '>=3.X', not {project['requires-python']!r}")
    floors = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"([\w.-]+)\s*>=\s*([\d.]+)", requirement.strip())
        if match is None:
            raise SystemExit(f"dependency {requirement!r} must read 'name>=version'")
        floors[match.group(1).lower()] = match.group(2)
    return python.group(1), floors


def environments() -> list[Env]:
    """The three environments, in the order they run."""
    python_floor, floors = declared()
    gpu_python, gpu_torch = GPU_PAIR
    return [
        Env(
            "newest",
            NEWEST_PYTHON,
            tuple(floors),
            f"newest releases on Python {NEWEST_PYTHON} (Colab-like)",
        ),
        Env(
            "gpu-pair",
            gpu_python,
            (f"torch=={gpu_torch}.*", *(name for name in floors if name != "torch")),
            f"torch {gpu_torch} on Python {gpu_python} (the borrowed GPU machine)",
        ),
        Env(
            "floor",
            python_floor,
            tuple(f"{name}=={version}" for name, version in floors.items()),
            f"the declared floors on Python {python_floor}",
        ),
    ]


def cache_dir() -> Path:
    return Path(
        os.environ.get("BUILDERS_GUIDE_COMPAT_CACHE")
        or Path.home() / ".cache" / "builders-guide" / "compat"
    )


def find_python(version: str) -> str:
    """An interpreter of this minor version: named by an env variable, on PATH, via the
    `py` launcher (Windows) or in pyenv."""
    override = os.environ.get(f"BUILDERS_GUIDE_PYTHON_{version.replace('.', '_')}")
    candidates = [override] if override else []
    candidates.append(shutil.which(f"python{version}"))
    if shutil.which("py"):
        candidates.append(f"py -{version}")
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(
            str(p) for p in Path(root, "versions").glob(f"{version}.*/bin/python{version}")
        )[::-1]
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    for candidate in filter(None, candidates):
        result = subprocess.run(
            [*candidate.split(" "), "-c", probe], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip() == version:
            return candidate
    raise SystemExit(
        f"no Python {version} found (tried python{version} on PATH, the py launcher and "
        f"pyenv). Install it, or point BUILDERS_GUIDE_PYTHON_{version.replace('.', '_')} at "
        "one."
    )


def venv_python(folder: Path) -> Path:
    scripts = folder / ("Scripts" if os.name == "nt" else "bin")
    return scripts / ("python.exe" if os.name == "nt" else "python")


def pip(python: Path, *args: str) -> None:
    """pip install into the environment; its output is shown only when it fails."""
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]
    print("    $ pip install " + " ".join(args), flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"pip install failed in {python} (exit {result.returncode})")


def build(env: Env, snapshot: Path, upgrade: bool) -> Path:
    """Create or reuse the environment's venv; install its requirements and the helpers."""
    folder = cache_dir() / env.name
    python = venv_python(folder)
    if not python.exists():
        interpreter = find_python(env.python)
        print(f"    creating {folder} with {interpreter}", flush=True)
        subprocess.run([*interpreter.split(" "), "-m", "venv", str(folder)], check=True)
    upgrade_flag = ["--upgrade"] if upgrade and env.name == "newest" else []
    pip(python, *upgrade_flag, *env.requirements, *TOOLING)
    pip(python, "--no-deps", "--force-reinstall", "--quiet", str(snapshot / "helpers"))
    return python


VERSION_PROBE = """
import importlib.metadata as m, json, platform
names = ("torch", "numpy", "matplotlib", "safetensors", "builders-guide")
print(json.dumps({"python": platform.python_version(), **{n: m.version(n) for n in names}}))
"""


def versions_in(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [str(python), "-c", VERSION_PROBE], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def take_snapshot(into: Path) -> Path:
    """Copy what the run needs from the working tree, without caches or build output."""
    into.mkdir(parents=True)
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.egg-info", "build", ".ipynb_checkpoints", "out"
    )
    for part in SNAPSHOT_PARTS:
        source = nbc.ROOT / part
        if source.is_dir():
            shutil.copytree(source, into / part, ignore=ignore)
        else:
            shutil.copy2(source, into / part)
    return into


# ---------------------------------------------------------------- inside one environment


def _text_outputs(outputs: list) -> list[str]:
    """What a reader reads in a cell's outputs: streams, plain-text results, errors."""
    texts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            texts.append(f"{out['name']}: {''.join(out['text'])}")
        elif kind in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
            if "image/png" not in out["data"]:
                texts.append("".join(out["data"]["text/plain"]))
        elif kind == "error":
            texts.append(f"{out['ename']}: {out['evalue']}")
    return texts


def sanitizer(cfg: Path):
    """The replacements of tests/nbval-sanitize.cfg, as one function."""
    rules = re.findall(r"regex: (.*)\nreplace: ?(.*)", cfg.read_text(encoding="utf-8"))
    compiled = [(re.compile(pattern), replace) for pattern, replace in rules]

    def clean(text: str) -> str:
        for pattern, replace in compiled:
            text = pattern.sub(replace, text)
        return text

    return clean


def release(version: str) -> tuple[int, ...]:
    """``'2.11.0+cpu'`` -> ``(2, 11, 0)``."""
    return tuple(int(n) for n in re.match(r"\d+(?:\.\d+)*", version).group(0).split("."))


def stderr_blocks(text: str) -> list[str]:
    """Split stderr into messages: a warning line plus its indented source line."""
    blocks: list[str] = []
    for line in text.strip().splitlines():
        if blocks and line[:1].isspace():
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def known(block: str, torch_version: str) -> KnownWarning | None:
    for warning in KNOWN_WARNINGS:
        if warning.text in block and release(torch_version) < release(warning.fixed_in):
            return warning
    return None


def judge_cell(
    index: int, cell: dict, raised: bool, torch_version: str, seen: list[str] | None = None
) -> list[str]:
    """The errors-only verdict on one executed cell: an empty list when it behaved.

    Warnings listed in KNOWN_WARNINGS for this torch version are not problems; they are
    appended to `seen` instead.
    """
    problems = []
    intended = bool(nbc.INTENDED_ERROR_TAGS & nbc.tags(cell))
    if raised and not intended:
        error = next((o for o in cell["outputs"] if o.get("output_type") == "error"), {})
        problems.append(
            f"cell {index}: unexpected {error.get('ename', 'error')}: {error.get('evalue', '')}"
        )
    if intended and not raised:
        problems.append(f"cell {index}: tagged raises-exception but raised nothing")
    for out in cell["outputs"]:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            for block in stderr_blocks("".join(out["text"])):
                warning = known(block, torch_version)
                if warning is None:
                    problems.append(f"cell {index}: wrote to stderr: {block[:STDERR_SHOWN]}")
                elif seen is not None:
                    seen.append(f"cell {index}: {warning.text} ({warning.why})")
    return problems


def run_notebook(path: Path, has_cuda: bool, clean, torch_version: str) -> dict:
    """Execute one notebook in a fresh kernel of this interpreter; judge every cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    stored = {i: _text_outputs(c.get("outputs", [])) for i, c in enumerate(nb.cells)}
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        shutdown_kernel="immediate",  # a graceful exit costs 1-3 s and judges nothing
        resources={"metadata": {"path": str(path.parent)}},
    )
    problems: list[str] = []
    known_warnings: list[str] = []
    differs: list[int] = []
    start = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if nbc.REQUIRES_GPU_TAG in nbc.tags(cell) and not has_cuda:
                continue
            try:
                client.execute_cell(cell, index)
                raised = any(o.get("output_type") == "error" for o in cell.outputs)
            except CellExecutionError:
                raised = True
            cell_problems = judge_cell(index, cell, raised, torch_version, known_warnings)
            problems += cell_problems
            if any("unexpected" in p for p in cell_problems):
                problems.append(f"stopped after cell {index}")
                break
            if nbc.IGNORE_OUTPUT_TAG not in nbc.tags(cell):
                now = [clean(t) for t in _text_outputs(cell.outputs)]
                if now != [clean(t) for t in stored[index]]:
                    differs.append(index)
    return {
        "ok": not problems,
        "problems": problems,
        "known_warnings": known_warnings,
        "output_differs_in_cells": differs,
        "seconds": round(time.perf_counter() - start, 1),
    }


def run_unit_tests(root: Path) -> dict:
    """The unit tests of the helper package, in this interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-rfEs", f"--junitxml={report}", "tests"]
        command += [f"--ignore=tests/{name}" for name in TOOLING_TESTS]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
            total = int(suite.get("tests", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            counts = {"passed": total - failed - skipped, "failed": failed, "skipped": skipped}
    lines = result.stdout.strip().splitlines()
    failures = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return {
        **counts,
        "ok": result.returncode == 0,
        "exit_code": result.returncode,
        "failures": failures[:20],
        "summary": lines[-1] if lines else "(no output)",
    }


def inside(root: Path, out: Path) -> int:
    """Run every notebook and the unit tests here (called with the environment's Python)."""
    import torch

    has_cuda = torch.cuda.is_available()
    clean = sanitizer(root / "tests" / "nbval-sanitize.cfg")
    paths = list(nbc.notebook_paths())  # nbcommon sits in the snapshot: its copies
    notebooks = {}
    for i, path in enumerate(paths, 1):
        rel = path.relative_to(root).as_posix()
        notebooks[rel] = run_notebook(path, has_cuda, clean, torch.__version__)
        verdict = (
            "ok" if notebooks[rel]["ok"] else "FAILED: " + "; ".join(notebooks[rel]["problems"])
        )
        print(f"    [{i}/{len(paths)}] {rel} ({notebooks[rel]['seconds']} s) {verdict}", flush=True)
    print("    unit tests ...", flush=True)
    tests = run_unit_tests(root)
    print(f"    unit tests: {tests['summary']}", flush=True)
    out.write_text(json.dumps({"notebooks": notebooks, "unit_tests": tests}, indent=1))
    return 0


# ---------------------------------------------------------------- the report


def summarize(env: Env, versions: dict[str, str], result: dict) -> dict:
    notebooks = result["notebooks"]
    tests = result["unit_tests"]
    passed = sum(n["ok"] for n in notebooks.values())
    return {
        "name": env.name,
        "date": dt.date.today().isoformat(),
        "purpose": env.purpose,
        "requirements": list(env.requirements),
        "versions": versions,
        "notebooks_passed": passed,
        "notebooks_total": len(notebooks),
        "unit_tests": {k: tests[k] for k in ("passed", "failed", "skipped", "ok")},
        "ok": passed == len(notebooks) and tests["ok"],
        "problems": {name: n["problems"] for name, n in notebooks.items() if n["problems"]},
        "known_warnings": {
            name: n["known_warnings"] for name, n in notebooks.items() if n["known_warnings"]
        },
        "unit_test_failures": tests["failures"],
        "output_differs": {
            name: n["output_differs_in_cells"]
            for name, n in notebooks.items()
            if n["output_differs_in_cells"]
        },
    }


@dataclass
class Table:
    """The results as rows, printed in the terminal and in the README."""

    date: str
    rows: list[dict] = field(default_factory=list)

    HEADER = (
        "environment",
        "Python",
        "torch",
        "numpy",
        "matplotlib",
        "safetensors",
        "notebooks",
        "unit tests",
        "result",
    )

    # README.id.md's table: the same columns, in Indonesian
    HEADER_ID = (
        "lingkungan",
        "Python",
        "torch",
        "numpy",
        "matplotlib",
        "safetensors",
        "notebook",
        "uji unit",
        "hasil",
    )

    def cells(self, row: dict, lang: str = "en") -> list[str]:
        v = row["versions"]
        passed, failed, skipped = (row["unit_tests"][k] for k in ("passed", "failed", "skipped"))
        if lang == "id":
            thousands = f"{passed:,}".replace(",", ".")  # Indonesian thousands mark
            tests = f"{thousands} lolos, {failed} gagal, {skipped} dilewati"
            result = "hijau" if row["ok"] else "GAGAL"
        else:
            tests = f"{passed} passed, {failed} failed, {skipped} skipped"
            result = "green" if row["ok"] else "FAILED"
        return [
            row["name"],
            *(v[k] for k in ("python", "torch", "numpy", "matplotlib", "safetensors")),
            f"{row['notebooks_passed']}/{row['notebooks_total']}",
            tests,
            result,
        ]

    def markdown(self, lang: str = "en") -> str:
        header = self.HEADER_ID if lang == "id" else self.HEADER
        lines = [
            f"Terakhir dijalankan: {self.date}." if lang == "id" else f"Last run: {self.date}.",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        lines += ["| " + " | ".join(self.cells(row, lang)) + " |" for row in self.rows]
        return "\n".join(lines)

    def text(self) -> str:
        grid = [list(self.HEADER)] + [self.cells(row) for row in self.rows]
        widths = [max(len(r[i]) for r in grid) for i in range(len(self.HEADER))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in grid
        )


README = nbc.ROOT / "README.md"
README_ID = nbc.ROOT / "README.id.md"
TABLE_START, TABLE_END = "<!-- compat-table -->", "<!-- /compat-table -->"


def update_readme(table: Table, readme: Path = README, lang: str = "en") -> bool:
    """Put the table between README's compat-table markers; False when they are missing."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        return False
    body = f"{TABLE_START}\n{table.markdown(lang)}\n{TABLE_END}"
    readme.write_text(text[:start] + body + text[end + len(TABLE_END) :], encoding="utf-8")
    return True


def load_table(path: Path = RESULTS) -> Table:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Table(data["date"], data["environments"])


def here() -> int:
    """The errors-only run in the current interpreter, on the working tree itself."""
    python = Path(sys.executable)
    versions = versions_in(python)
    env = Env("here", versions["python"].rpartition(".")[0], (), "this interpreter")
    print(f"[1/1] {', '.join(f'{k} {v}' for k, v in versions.items())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bg-compat-") as tmp:
        out = Path(tmp) / "here.json"
        inside(nbc.ROOT, out)
        row = summarize(env, versions, json.loads(out.read_text()))
    table = Table(dt.date.today().isoformat(), [row])
    print()
    print(table.text())
    report_problems(table)
    return 0 if row["ok"] else 1


def report_problems(table: Table) -> None:
    for row in table.rows:
        for name, problems in row["problems"].items():
            print(f"  {row['name']}: {name}: {'; '.join(problems)}")
        for line in row["unit_test_failures"]:
            print(f"  {row['name']}: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this environment (repeatable)")
    parser.add_argument("--upgrade", action="store_true", help="upgrade `newest` before the run")
    parser.add_argument("--markdown", action="store_true", help="print the last table, run nothing")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument(
        "--here",
        action="store_true",
        help="build nothing: judge this interpreter's environment, in place (CI's errors-only jobs)",
    )
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        return inside(Path.cwd(), args.inside)
    if args.here:
        return here()
    if args.markdown:
        print(load_table(args.out).markdown())
        return 0

    envs = [e for e in environments() if not args.only or e.name in args.only]
    table = Table(dt.date.today().isoformat())
    with tempfile.TemporaryDirectory(prefix="bg-compat-") as tmp:
        snapshot = take_snapshot(Path(tmp) / "tree")
        for n, env in enumerate(envs, 1):
            print(f"[{n}/{len(envs)}] {env.name}: {env.purpose}", flush=True)
            python = build(env, snapshot, args.upgrade)
            versions = versions_in(python)
            print("    " + ", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)
            out = Path(tmp) / f"{env.name}.json"
            subprocess.run(
                [str(python), str(snapshot / "tools" / "compat.py"), "--inside", str(out)],
                cwd=snapshot,
                check=True,
                env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )
            table.rows.append(summarize(env, versions, json.loads(out.read_text())))
    report = {
        "date": table.date,
        "machine": {"platform": platform.platform(terse=True), "cpus": os.cpu_count()},
        "environments": table.rows,
    }
    if args.only and args.out.exists():  # keep the other environments' last results
        previous = json.loads(args.out.read_text(encoding="utf-8"))["environments"]
        ran = {row["name"] for row in table.rows}
        order = [e.name for e in environments()]
        kept = [row for row in previous if row["name"] not in ran] + table.rows
        report["environments"] = sorted(kept, key=lambda r: order.index(r["name"]))
        table.rows = report["environments"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    print(table.text())
    report_problems(table)
    print(f"wrote {args.out}")
    if args.out == RESULTS:
        for readme, lang in ((README, "en"), (README_ID, "id")):
            if update_readme(table, readme, lang):
                print(f"updated the table in {readme.name}")
    return 0 if all(row["ok"] for row in table.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
