"""Benchmarks for the companion (what `make bench` runs).

Measures, in one run:

0. a learner's run: the 7 English topic notebooks, each in a fresh kernel with start and
   shutdown included, over a few interleaved rounds; per notebook the kernel start, the
   setup cell, the other cells, the figure cells, the shutdown, the slowest cell, and any
   non-daemon thread left behind (one would keep the kernel from exiting);
1. each notebook's execution time (a fresh kernel per notebook, run on a temporary copy),
   and the total;
2. the cost of `import builders_guide` on top of `import torch` (median of fresh processes);
3. the warm test suite: the same pytest command as `make test`, timed end to end.

It prints a table and writes `benchmarks/results/cpu.json`. Where CUDA is present it also
runs `benchmarks/cuda_limits.py`, which writes `benchmarks/results/cuda-<gpu>.json`.

    python benchmarks/run.py                 # everything
    python benchmarks/run.py --skip-suite    # notebooks and import cost only
    python benchmarks/run.py --learner-only --rounds 5   # the learner's table only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import nbcommon as nbc  # noqa: E402

IMPORT_PROBE = """
import time
t0 = time.perf_counter()
import torch
t1 = time.perf_counter()
import builders_guide
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def time_notebook(path: Path) -> dict[str, float]:
    """Run a temporary copy of one notebook; return kernel start-up and cell time (s)."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy(path, copy)
        nb = nbformat.read(copy, as_version=4)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}
        )
        start = time.perf_counter()
        with client.setup_kernel(
            stderr=subprocess.DEVNULL
        ):  # kernel log noise; cell stderr still arrives
            started = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code" and nbc.REQUIRES_GPU_TAG not in nbc.tags(cell):
                    client.execute_cell(cell, index)
            done = time.perf_counter()
    return {"kernel_start_s": started - start, "cells_s": done - started}


THREAD_PROBE = (
    "import json, threading\n"
    "print(json.dumps(sorted(t.name for t in threading.enumerate()\n"
    "                        if t is not threading.main_thread() and not t.daemon)))"
)


def learner_run(path: Path) -> dict:
    """One notebook as a learner runs it: a fresh kernel, every cell, then shutdown.

    Returns seconds for kernel start, the setup cell, the figure cells, all other cells and
    the shutdown, the slowest cell, and the non-daemon threads left at the end (those keep
    a kernel from exiting).
    """
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy(path, copy)
        nb = nbformat.read(copy, as_version=4)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}
        )
        times = {"setup_s": 0.0, "figure_cells_s": 0.0, "other_cells_s": 0.0}
        slowest = (0.0, -1)
        t0 = time.perf_counter()
        with client.setup_kernel(stderr=subprocess.DEVNULL):
            started = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or nbc.REQUIRES_GPU_TAG in nbc.tags(cell):
                    continue
                t = time.perf_counter()
                client.execute_cell(cell, index)
                took = time.perf_counter() - t
                slowest = max(slowest, (took, index))
                if nbc.SETUP_TAG in nbc.tags(cell):
                    times["setup_s"] += took
                elif any("image/png" in o.get("data", {}) for o in cell.outputs):
                    times["figure_cells_s"] += took
                else:
                    times["other_cells_s"] += took
            probe = nbformat.v4.new_code_cell(THREAD_PROBE)  # not timed
            nb.cells.append(probe)
            client.execute_cell(probe, len(nb.cells) - 1)
            threads = json.loads("".join(probe.outputs[0]["text"]))
            stopping = time.perf_counter()
        stopped = time.perf_counter()
    times["kernel_start_s"] = started - t0
    times["shutdown_s"] = stopped - stopping
    times["total_s"] = sum(times.values())
    return {
        **times,
        "slowest_cell": slowest[1],
        "slowest_cell_s": slowest[0],
        "threads_left": threads,
    }


LEARNER_COLUMNS = (
    ("kernel_start_s", "start"),
    ("setup_s", "setup"),
    ("other_cells_s", "cells"),
    ("figure_cells_s", "figures"),
    ("shutdown_s", "shutdown"),
    ("total_s", "total"),
)


def time_learner_runs(rounds: int) -> dict:
    """The 7 English topic notebooks, each in a fresh kernel, `rounds` interleaved rounds;
    the median of each column per notebook."""
    paths = [
        p for p in sorted((nbc.NOTEBOOKS / "en").glob("*.ipynb")) if p.stem != "00-builders-guide"
    ]
    runs: dict[str, list[dict]] = {p.stem: [] for p in paths}
    for r in range(1, rounds + 1):
        print(f"  round {r}/{rounds}", flush=True)
        for path in paths:
            runs[path.stem].append(learner_run(path))
    table = {}
    for name, results in runs.items():
        row = {key: statistics.median(x[key] for x in results) for key, _ in LEARNER_COLUMNS}
        slow = max(results, key=lambda x: x["slowest_cell_s"])
        row["slowest_cell"] = slow["slowest_cell"]
        row["slowest_cell_s"] = statistics.median(x["slowest_cell_s"] for x in results)
        row["threads_left"] = sorted({t for x in results for t in x["threads_left"]})
        table[name] = row
    return {
        "rounds": rounds,
        "notebooks": table,
        "total_s": sum(r["total_s"] for r in table.values()),
    }


def print_learner_table(learner: dict) -> None:
    head = "".join(f"{label:>9}" for _, label in LEARNER_COLUMNS)
    print(f"{'notebook (s, median of ' + str(learner['rounds']) + ')':<30}{head}  slowest cell")
    for name, row in learner["notebooks"].items():
        cols = "".join(f"{row[key]:>9.2f}" for key, _ in LEARNER_COLUMNS)
        print(f"{name:<30}{cols}  #{row['slowest_cell']} ({row['slowest_cell_s']:.2f})")
    print(f"{'total':<30}{'':>{9 * (len(LEARNER_COLUMNS) - 1)}}{learner['total_s']:>9.2f}")


def time_import(repeats: int = 7) -> dict[str, float]:
    torch_s, helpers_s = [], []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True
        ).stdout.split()
        torch_s.append(float(out[0]))
        helpers_s.append(float(out[1]))
    return {
        "torch_median_s": statistics.median(torch_s),
        "builders_guide_over_torch_median_s": statistics.median(helpers_s),
        "repeats": repeats,
    }


def time_suite() -> dict[str, float | int]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-n",
        "2",
        "--dist",
        "loadscope",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        "tests/nbval-sanitize.cfg",
        "tests",
        "notebooks",
    ]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    return {"seconds": seconds, "exit_code": result.returncode, "summary": summary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-suite", action="store_true", help="do not time the test suite")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the learner's run (default 3)"
    )
    parser.add_argument(
        "--learner-only", action="store_true", help="time only the learner's run, write nothing"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cpu.json")
    args = parser.parse_args(argv)

    import torch

    report: dict = {
        "date": dt.date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
        },
        "notebooks": {},
    }
    print(
        f"[0/3] A learner's run: the 7 English topic notebooks, a fresh kernel each, start and "
        f"shutdown included ({args.rounds} interleaved rounds)"
    )
    report["learner_run"] = time_learner_runs(args.rounds)
    print_learner_table(report["learner_run"])
    if args.learner_only:
        return 0
    paths = list(nbc.notebook_paths())
    print(f"[1/3] Running {len(paths)} notebooks, one fresh kernel each")
    for i, path in enumerate(paths, 1):
        timing = time_notebook(path)
        report["notebooks"][nbc.repo_path(path)] = timing
        print(
            f"  [{i}/{len(paths)}] {nbc.repo_path(path):<50} {timing['cells_s']:6.2f} s "
            f"(+{timing['kernel_start_s']:.2f} s kernel start)"
        )
    cells = [t["cells_s"] for t in report["notebooks"].values()]
    starts = [t["kernel_start_s"] for t in report["notebooks"].values()]
    report["notebooks_total_cells_s"] = sum(cells)
    report["notebooks_total_with_kernels_s"] = sum(cells) + sum(starts)

    print("[2/3] Import cost: builders_guide on top of torch (fresh processes)")
    report["import"] = time_import()
    imp = report["import"]
    print(
        f"  torch {imp['torch_median_s'] * 1e3:.0f} ms, "
        f"builders_guide +{imp['builders_guide_over_torch_median_s'] * 1e3:.0f} ms (median)"
    )

    if args.skip_suite:
        print("[3/3] Test suite: skipped (--skip-suite)")
    else:
        print("[3/3] The warm test suite, as `make test` runs it (a minute or two)")
        report["suite"] = time_suite()
        print(f"  {report['suite']['seconds']:.0f} s: {report['suite']['summary']}")

    if torch.cuda.is_available():
        print("CUDA is present: measuring the GPU as well (benchmarks/cuda_limits.py)")
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import cuda_limits

        cuda_limits.main([])

    print()
    print(f"{'notebook':<52}{'cells (s)':>10}")
    for name, timing in report["notebooks"].items():
        print(f"{name:<52}{timing['cells_s']:>10.2f}")
    print(f"{'total':<52}{report['notebooks_total_cells_s']:>10.2f}")
    print()
    print_learner_table(report["learner_run"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
