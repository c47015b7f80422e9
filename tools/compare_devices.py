"""Run every notebook twice, with and without CUDA, and compare the outputs cell by cell.

Device independence is a promise of the notebooks: apart from cells tagged
`nbval-ignore-output` or `requires-gpu`, a notebook prints the same on a GPU machine as on
the CPU. The committed outputs come from another torch than a GPU machine may have, so this
tool compares two runs under the *same* torch, one with CUDA visible and one with
`CUDA_VISIBLE_DEVICES=""`, after the suite's own sanitizing rules
(`tests/nbval-sanitize.cfg`). Nothing is written into the repository.

    python tools/compare_devices.py                      # both runs, then the comparison
    python tools/compare_devices.py --out results.json   # also keep the report
    python tools/compare_devices.py notebooks/en/07-use-gpu.ipynb

Exit status: 0 when no compared cell differs and no unexpected error occurred, else 1.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbcommon as nbc

SKIP_TAGS = {nbc.IGNORE_OUTPUT_TAG, nbc.REQUIRES_GPU_TAG, nbc.SETUP_TAG}


def sanitizers() -> list[tuple[re.Pattern[str], str]]:
    config = configparser.ConfigParser()
    config.read(nbc.ROOT / "tests" / "nbval-sanitize.cfg", encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def text_of(output: dict) -> str:
    """The comparable text of one output: stream text, plain-text result or error line."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"{output['name']}: " + "".join(output["text"])
    if kind == "error":
        return f"error: {output['ename']}: {output['evalue']}"
    data = output.get("data", {})
    if "text/plain" in data:
        return "".join(data["text/plain"])
    return "image" if "image/png" in data else ""


def merge_streams(outputs: list[dict]) -> list[dict]:
    """Join all stream outputs of one name into the first, as nbval does before comparing.

    How a cell's printing is cut into stream messages depends on timing (when the kernel
    flushes), not on the device, so two runs are compared on the joined text.
    """
    merged: list[dict] = []
    streams: dict[str, dict] = {}
    for out in outputs:
        if out.get("output_type") != "stream":
            merged.append(out)
        elif out["name"] in streams:
            streams[out["name"]]["text"] += "".join(out["text"])
        else:
            joined = {**out, "text": "".join(out["text"])}
            streams[out["name"]] = joined
            merged.append(joined)
    return merged


def run_one(path: Path, timeout: int) -> dict:
    """Execute one notebook in memory (never written back) and return its cells' outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    rules = sanitizers()
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        texts = []
        for out in merge_streams(cell.outputs):
            text = text_of(out)
            for pattern, replacement in rules:
                text = pattern.sub(replacement, text)
            texts.append(text)
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        intended = bool(nbc.INTENDED_ERROR_TAGS & nbc.tags(cell))
        cells.append(
            {
                "cell": index,
                "tags": sorted(nbc.tags(cell)),
                "outputs": texts,
                "unexpected_error": bool(errors) and not intended,
                "missing_error": intended and not errors,
            }
        )
    return {"notebook": nbc.repo_path(path), "cells": cells}


def run_all(paths: list[Path], workers: int, timeout: int) -> list[dict]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: run_one(p, timeout), paths))


def compare(gpu: list[dict], cpu: list[dict]) -> list[str]:
    """Every difference between the two runs, and every unexpected or missing error."""
    problems = []
    for a, b in zip(gpu, cpu, strict=True):
        for x, y in zip(a["cells"], b["cells"], strict=True):
            where = f"{a['notebook']} cell {x['cell']}"
            for label, run in (("CUDA", x), ("CPU", y)):
                if run["unexpected_error"]:
                    problems.append(f"{where}: unexpected error on {label}: {run['outputs'][-1]}")
                if run["missing_error"]:
                    problems.append(f"{where}: tagged raises-exception, raised nothing on {label}")
            if SKIP_TAGS & set(x["tags"]):
                continue
            if x["outputs"] != y["outputs"]:
                problems.append(
                    f"{where}: outputs differ\n  CUDA: {x['outputs']!r}\n  CPU:  {y['outputs']!r}"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--out", type=Path, help="write the report here as JSON")
    parser.add_argument("--side", choices=["gpu", "cpu"], help=argparse.SUPPRESS)
    parser.add_argument("--into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or list(nbc.notebook_paths())

    if args.side:  # one side, in a child process whose environment hides or shows CUDA
        result = run_all(paths, args.workers, args.timeout)
        args.into.write_text(json.dumps(result), encoding="utf-8")
        return 0

    import torch

    if not torch.cuda.is_available():
        print("compare_devices: no CUDA device is visible; both runs would use the CPU.")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for side in ("gpu", "cpu"):
            env = dict(os.environ)
            if side == "cpu":
                env["CUDA_VISIBLE_DEVICES"] = ""
            into = Path(tmp) / f"{side}.json"
            command = [sys.executable, __file__, "--side", side, "--into", str(into)]
            command += ["--workers", str(args.workers), "--timeout", str(args.timeout)]
            print(f"compare_devices: running {len(paths)} notebook(s) on the {side.upper()} ...")
            subprocess.run([*command, *map(str, paths)], env=env, check=True)
            runs[side] = json.loads(into.read_text(encoding="utf-8"))
    problems = compare(runs["gpu"], runs["cpu"])
    compared = sum(1 for nb in runs["gpu"] for c in nb["cells"] if not SKIP_TAGS & set(c["tags"]))
    print(f"compare_devices: {compared} cells compared in {len(paths)} notebook(s)")
    for line in problems:
        print("  " + line)
    print(f"compare_devices: {len(problems)} difference(s)")
    if args.out:
        report = {"torch": torch.__version__, "cuda": torch.version.cuda, "problems": problems}
        report["device"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
