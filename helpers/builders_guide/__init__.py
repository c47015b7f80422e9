"""Helpers for the Builders' Guide companion notebooks.

Notebooks write ``import builders_guide as bg``. The package holds what several notebooks
reuse and the plumbing that is not itself the lesson; the lesson code lives in the notebooks.

Example:
    >>> import builders_guide as bg
    >>> bg.try_all_gpus()[0].type in {"cpu", "cuda", "mps", "xpu"}
    True
"""

from builders_guide import check, compat
from builders_guide._version import __version__
from builders_guide.checkpoint import (
    ArchitectureMismatchError,
    CheckpointError,
    CheckpointNotFoundError,
    CorruptCheckpointError,
    NotACheckpointError,
    UnsafeCheckpointError,
    load,
    load_metadata,
    load_training_state,
    save,
    save_training_state,
)
from builders_guide.compat import check_versions
from builders_guide.devices import (
    DeviceError,
    accelerator_type,
    best_device,
    cpu,
    env_report,
    gpu,
    num_gpus,
    synchronize,
    try_all_gpus,
    try_gpu,
    versions,
)
from builders_guide.gpu_results import (
    GpuResultsError,
    gpu_results_summary,
    plot_gpu_results,
    read_gpu_results,
    recorded_gpu_results,
)
from builders_guide.init import LazyInitError, has_uninitialized, init_layers, materialize
from builders_guide.language import get_language, set_language
from builders_guide.params import ParamRow, ParamTable, count_params, param_table, tied_groups
from builders_guide.plotting import bar_timings, hist_params, plot, set_figsize
from builders_guide.timing import BenchmarkResult, Timer, benchmark, matmul_tflops

__all__ = [
    "ArchitectureMismatchError",
    "BenchmarkResult",
    "CheckpointError",
    "CheckpointNotFoundError",
    "CorruptCheckpointError",
    "DeviceError",
    "GpuResultsError",
    "LazyInitError",
    "NotACheckpointError",
    "ParamRow",
    "ParamTable",
    "Timer",
    "UnsafeCheckpointError",
    "__version__",
    "accelerator_type",
    "bar_timings",
    "benchmark",
    "best_device",
    "check",
    "check_versions",
    "compat",
    "count_params",
    "cpu",
    "env_report",
    "get_language",
    "gpu",
    "gpu_results_summary",
    "has_uninitialized",
    "hist_params",
    "init_layers",
    "load",
    "load_metadata",
    "load_training_state",
    "materialize",
    "matmul_tflops",
    "num_gpus",
    "param_table",
    "plot",
    "plot_gpu_results",
    "read_gpu_results",
    "recorded_gpu_results",
    "save",
    "save_training_state",
    "set_figsize",
    "set_language",
    "synchronize",
    "tied_groups",
    "try_all_gpus",
    "try_gpu",
    "versions",
]
