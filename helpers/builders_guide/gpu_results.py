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
      "sync": {"steps": ..., "sync_every_step_s": ..., "sync_once_s": ...}
    }
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders_guide.language import message

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


class GpuResultsError(ValueError):
    """A GPU results file that is missing pieces or is not one at all."""


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
                raise GpuResultsError(
                    message(
                        "gpu_results.bad_value",
                        name=path.name,
                        section=section,
                        field=field,
                        value=value,
                    )
                )
    return data


def plot_gpu_results(results: dict[str, Any]) -> Figure:
    """Draw matmul throughput, copy bandwidth and sync cost from one results file.

    The title says which GPU and which day the numbers come from. Titles, labels and legends
    follow :func:`builders_guide.set_language`; units and dtype names stay as they are.

    Example:
        >>> from builders_guide.gpu_results import plot_gpu_results, read_gpu_results
        >>> path = "benchmarks/results/cuda-nvidia-h100-80gb-hbm3.json"
        >>> fig = plot_gpu_results(read_gpu_results(path))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    mm, copy, sync = results["matmul"], results["copy"], results["sync"]
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(11, 3.6))

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
