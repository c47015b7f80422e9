"""Read and draw the GPU measurements that `make bench` records on a CUDA machine.

`make bench` on a CUDA machine writes ``benchmarks/results/cuda-<gpu>.json``. The GPU
notebook draws that file, so readers without a GPU still see real GPU numbers, labelled
with the GPU and the date they were measured on. The figure's text and the messages of
:class:`GpuResultsError` follow :func:`builders_guide.set_language`.

The file format (``schema`` = ``"builders-guide/cuda-bench/1"``)::

    {
      "schema": "builders-guide/cuda-bench/1",
      "date": "2026-11-21", "gpu": "NVIDIA H100 80GB HBM3", "torch": "2.13.0", "cuda": "13.0",
      "timing_agreement": {"n": 4096, "benchmark_median_s": ..., "cuda_events_median_s": ...,
                           "relative_difference": ...},
      "matmul": {"n": 8192, "bf16_helper_tflops": ..., "bf16_reference_tflops": ...,
                 "bf16_peak_tflops": ..., "fp32_tf32_on_tflops": ..., "fp32_tf32_off_tflops": ...},
      "copy": {"megabytes": ..., "pinned_gbps": ..., "pageable_gbps": ..., "link_limit_gbps": ...},
      "sync": {"steps": ..., "sync_every_step_s": ..., "sync_once_s": ...},
      "crossover": {"dtype": "float32", "cpu": "<model name>", "cpu_threads": 16,
                    "sizes": [16, ...], "cpu_s": [...], "cuda_s": [...],
                    "cuda_with_copy_s": [...], "gpu_wins_from": 256,
                    "gpu_with_copy_wins_from": 1024}
    }

The measurements recorded in the repository also ship inside the package, so a notebook
on Colab or Kaggle can draw them: :func:`recorded_gpu_results` reads them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders_guide.language import message, number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SCHEMA = "builders-guide/cuda-bench/1"
REQUIRED: dict[str, tuple[str, ...]] = {
    "timing_agreement": ("n", "benchmark_median_s", "cuda_events_median_s", "relative_difference"),
    "matmul": (
        "n",
        "bf16_helper_tflops",
        "bf16_reference_tflops",
        "bf16_peak_tflops",
        "fp32_tf32_on_tflops",
        "fp32_tf32_off_tflops",
    ),
    "copy": ("megabytes", "pinned_gbps", "pageable_gbps", "link_limit_gbps"),
    "sync": ("steps", "sync_every_step_s", "sync_once_s"),
}
# The crossover holds one list per device, one entry per matrix size.
CROSSOVER_SERIES = ("sizes", "cpu_s", "cuda_s", "cuda_with_copy_s")
RECORDED = Path(__file__).parent / "data"


class GpuResultsError(ValueError):
    """A GPU results file that is missing pieces or is not one at all."""


def _bad_value(name: str, section: str, field: str, value: Any) -> GpuResultsError:
    return GpuResultsError(
        message("gpu_results.bad_value", name=name, section=section, field=field, value=value)
    )


def read_gpu_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a ``cuda-<gpu>.json`` file written by ``make bench``.

    Raises:
        GpuResultsError: when the file is not JSON, has another schema, or lacks a field
            or has a non-positive number where a measurement belongs.

    Example:
        >>> import json, tempfile, pathlib
        >>> from builders_guide.gpu_results import read_gpu_results
        >>> bad = pathlib.Path(tempfile.mkdtemp()) / "cuda-x.json"
        >>> _ = bad.write_text(json.dumps({"schema": "something else"}))
        >>> read_gpu_results(bad)
        Traceback (most recent call last):
        ...
        builders_guide.gpu_results.GpuResultsError: 'cuda-x.json' is not a GPU results file ...
    """
    path = Path(path)
    if not path.is_file():
        raise GpuResultsError(message("gpu_results.no_file", name=path.name))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GpuResultsError(message("gpu_results.not_json", name=path.name, error=err)) from err
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise GpuResultsError(message("gpu_results.wrong_schema", name=path.name, schema=SCHEMA))
    for key in ("date", "gpu", "torch"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise GpuResultsError(message("gpu_results.missing_field", name=path.name, key=key))
    for section, fields in REQUIRED.items():
        values = data.get(section)
        if not isinstance(values, dict):
            raise GpuResultsError(
                message("gpu_results.missing_section", name=path.name, section=section)
            )
        for field in fields:
            value = values.get(field)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok or (field != "relative_difference" and value <= 0):
                raise _bad_value(path.name, section, field, value)
    _check_crossover(path.name, data)
    return data


def _check_crossover(name: str, data: dict[str, Any]) -> None:
    cross = data.get("crossover")
    if not isinstance(cross, dict):
        raise GpuResultsError(
            message("gpu_results.missing_section", name=name, section="crossover")
        )
    lengths = set()
    for field in CROSSOVER_SERIES:
        series = cross.get(field)
        numbers = isinstance(series, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in series
        )
        if not numbers or not series:
            raise _bad_value(name, "crossover", field, series)
        lengths.add(len(series))
    if len(lengths) != 1:
        raise GpuResultsError(message("gpu_results.ragged", name=name))
    for field in ("gpu_wins_from", "gpu_with_copy_wins_from"):
        value = cross.get(field)
        if value is not None and value not in cross["sizes"]:
            raise _bad_value(name, "crossover", field, value)
    if not isinstance(cross.get("cpu"), str) or not isinstance(cross.get("cpu_threads"), int):
        raise GpuResultsError(message("gpu_results.missing_field", name=name, key="crossover.cpu"))


def recorded_gpu_results() -> list[dict[str, Any]]:
    """The GPU measurements that ship with the package, oldest first (read and checked).

    They are copies of ``benchmarks/results/cuda-*.json``, written by ``make bench`` on a
    CUDA machine. Sorted by date, then by GPU name.

    Example:
        >>> from builders_guide.gpu_results import recorded_gpu_results
        >>> all("crossover" in r for r in recorded_gpu_results())
        True
    """
    results = [read_gpu_results(p) for p in sorted(RECORDED.glob("cuda-*.json"))]
    return sorted(results, key=lambda r: (r["date"], r["gpu"]))


def gpu_results_summary(results: dict[str, Any]) -> str:
    """The numbers behind :func:`plot_gpu_results`, as sentences and a crossover table.

    Ratios are worked out here (helper against the best run, TF32 on against off, the time
    one extra sync costs), so a reader need not compute them from the bars. The text
    follows :func:`builders_guide.set_language`, number marks included.

    Example:
        >>> from builders_guide.gpu_results import gpu_results_summary, recorded_gpu_results
        >>> print(gpu_results_summary(recorded_gpu_results()[-1]))  # doctest: +ELLIPSIS
        Measured on ...
        timing check: bg.benchmark ... ms, CUDA events ... ms (...% apart)
        ...
    """
    t, mm, copy, sync = (results[k] for k in ("timing_agreement", "matmul", "copy", "sync"))
    cross = results["crossover"]
    lines = [
        message("gpu_results.measured_on", **{k: results[k] for k in ("gpu", "date", "torch")}),
        message(
            "gpu_results.summary_timing",
            helper=1e3 * t["benchmark_median_s"],
            events=1e3 * t["cuda_events_median_s"],
            apart=t["relative_difference"],
        ),
        message(
            "gpu_results.summary_bf16",
            n=mm["n"],
            helper=mm["bf16_helper_tflops"],
            of_best=mm["bf16_helper_tflops"] / mm["bf16_reference_tflops"],
            of_peak=mm["bf16_helper_tflops"] / mm["bf16_peak_tflops"],
            peak=mm["bf16_peak_tflops"],
        ),
        message(
            "gpu_results.summary_tf32",
            on=mm["fp32_tf32_on_tflops"],
            off=mm["fp32_tf32_off_tflops"],
            ratio=mm["fp32_tf32_on_tflops"] / mm["fp32_tf32_off_tflops"],
        ),
        message(
            "gpu_results.summary_copy",
            megabytes=copy["megabytes"],
            pinned=copy["pinned_gbps"],
            pageable=copy["pageable_gbps"],
            limit=copy["link_limit_gbps"],
        ),
        message(
            "gpu_results.summary_sync",
            steps=sync["steps"],
            every=1e3 * sync["sync_every_step_s"],
            once=1e3 * sync["sync_once_s"],
            per_sync=1e6 * (sync["sync_every_step_s"] - sync["sync_once_s"]) / sync["steps"],
        ),
        "",
        message(
            "gpu_results.crossover_head",
            dtype=cross["dtype"],
            cpu=cross["cpu"],
            threads=cross["cpu_threads"],
        ),
        "{:>6}{:>11}{:>11}{:>16}".format(
            "n", "CPU", "GPU", message("gpu_results.crossover_copies_column")
        ),
    ]
    rows = zip(
        cross["sizes"], cross["cpu_s"], cross["cuda_s"], cross["cuda_with_copy_s"], strict=True
    )
    for n, cpu, gpu, with_copy in rows:
        cells = (number(1e6 * t, ".1f") for t in (cpu, gpu, with_copy))
        lines.append("{:>6}{:>11}{:>11}{:>16}".format(n, *cells))
    wins, copy_wins = cross["gpu_wins_from"], cross["gpu_with_copy_wins_from"]
    if wins is None:
        lines.append(message("gpu_results.crossover_never"))
    elif copy_wins is None:
        lines.append(message("gpu_results.crossover_wins_no_copy", n=wins))
    else:
        lines.append(message("gpu_results.crossover_wins", n=wins, copy_n=copy_wins))
    return "\n".join(lines)


def plot_gpu_results(results: dict[str, Any]) -> Figure:
    """Draw matmul throughput, copy bandwidth, sync cost and the CPU/GPU crossover.

    The title says which GPU and which day the numbers come from. Titles, labels and legends
    follow :func:`builders_guide.set_language`; units and dtype names stay as they are.

    Example:
        >>> from builders_guide.gpu_results import plot_gpu_results, read_gpu_results
        >>> from builders_guide.gpu_results import recorded_gpu_results
        >>> fig = plot_gpu_results(recorded_gpu_results()[-1])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    mm, copy, sync = results["matmul"], results["copy"], results["sync"]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    (ax1, ax2), (ax3, ax4) = axes

    labels = [
        "bf16\n(bg)",
        message("gpu_results.bf16_best"),
        message("gpu_results.tf32_on"),
        message("gpu_results.tf32_off"),
    ]
    values = [
        mm["bf16_helper_tflops"],
        mm["bf16_reference_tflops"],
        mm["fp32_tf32_on_tflops"],
        mm["fp32_tf32_off_tflops"],
    ]
    ax1.bar(labels, values, color=["tab:blue", "tab:cyan", "tab:orange", "tab:red"])
    ax1.axhline(
        mm["bf16_peak_tflops"],
        color="black",
        linestyle="--",
        label=message("gpu_results.bf16_peak"),
    )
    ax1.set_title(message("gpu_results.matmul_title", n=mm["n"]))
    ax1.set_ylabel("TFLOP/s")
    ax1.legend(loc="upper right", fontsize=8)

    ax2.bar(
        [message("gpu_results.pinned"), message("gpu_results.pageable")],
        [copy["pinned_gbps"], copy["pageable_gbps"]],
        color=["tab:green", "tab:gray"],
    )
    ax2.axhline(
        copy["link_limit_gbps"],
        color="black",
        linestyle="--",
        label=message("gpu_results.link_limit"),
    )
    ax2.set_title(message("gpu_results.copy_title", megabytes=copy["megabytes"]))
    ax2.set_ylabel("GB/s")
    ax2.legend(loc="upper right", fontsize=8)

    per_step_ms = [1e3 * sync["sync_every_step_s"], 1e3 * sync["sync_once_s"]]
    ax3.bar(
        [message("gpu_results.sync_every_step"), message("gpu_results.sync_once")],
        per_step_ms,
        color=["tab:red", "tab:green"],
    )
    ax3.set_title(message("gpu_results.sync_title", steps=sync["steps"]))
    ax3.set_ylabel(message("gpu_results.total_time"))

    cross = results["crossover"]
    for field, colour, key in (
        ("cpu_s", "tab:gray", "gpu_results.cpu_line"),
        ("cuda_s", "tab:blue", "gpu_results.gpu_line"),
        ("cuda_with_copy_s", "tab:purple", "gpu_results.gpu_copy_line"),
    ):
        ax4.loglog(
            cross["sizes"],
            [1e6 * t for t in cross[field]],
            marker="o",
            color=colour,
            label=message(key, threads=cross["cpu_threads"]),
        )
    ax4.set_xticks(cross["sizes"], [str(n) for n in cross["sizes"]], fontsize=8)
    ax4.minorticks_off()
    ax4.set_title(message("gpu_results.crossover_title", dtype=cross["dtype"]))
    ax4.set_xlabel("n")
    ax4.set_ylabel(message("gpu_results.time_per_product"))
    ax4.legend(fontsize=8)

    fig.suptitle(
        message(
            "gpu_results.measured_on",
            gpu=results["gpu"],
            date=results["date"],
            torch=results["torch"],
        )
    )
    fig.tight_layout()
    return fig
