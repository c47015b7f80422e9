"""Time code honestly: a simple stopwatch, and benchmarks built on ``torch.utils.benchmark``.

Accelerators run asynchronously, so a clock read right after a call measures only the
queueing. Both tools here wait for the device (synchronize) before reading the clock.

What they print or raise follows :func:`builders_guide.set_language`: a result reads
``median 1.23 ms (IQR 0.05 ms, 120 runs)`` in English and
``median 1,23 ms (IQR 0,05 ms, 120 pengulangan)`` in Bahasa Indonesia.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from types import TracebackType
from typing import Any

import torch

from builders_guide.devices import best_device, synchronize
from builders_guide.language import message


class Timer:
    """A stopwatch based on ``time.perf_counter`` that keeps every measured time.

    Args:
        device: if given, wait for this device's queued work before each clock reading,
            so that accelerator work is included in the time.

    Example:
        >>> from builders_guide.timing import Timer
        >>> with Timer() as t:
        ...     total = sum(range(1000))
        >>> t.elapsed >= 0, len(t.times)
        (True, 1)
    """

    def __init__(self, device: torch.device | str | None = None) -> None:
        self.device = device
        self.times: list[float] = []
        self.elapsed = 0.0
        self._started_at: float | None = None

    def _now(self) -> float:
        if self.device is not None:
            synchronize(self.device)
        return time.perf_counter()

    def start(self) -> None:
        """Start (or restart) the stopwatch."""
        self._started_at = self._now()

    def stop(self) -> float:
        """Stop the stopwatch, record the time and return it in seconds.

        Raises:
            RuntimeError: if ``start()`` was not called first.
        """
        if self._started_at is None:
            raise RuntimeError(message("timing.stop_before_start"))
        self.elapsed = self._now() - self._started_at
        self._started_at = None
        self.times.append(self.elapsed)
        return self.elapsed

    def sum(self) -> float:
        """Return the sum of the recorded times in seconds."""
        return sum(self.times)

    def avg(self) -> float:
        """Return the mean of the recorded times in seconds.

        Raises:
            ValueError: if no time was recorded yet.
        """
        if not self.times:
            raise ValueError(message("timing.no_times"))
        return self.sum() / len(self.times)

    def cumsum(self) -> list[float]:
        """Return the running totals of the recorded times in seconds."""
        return list(accumulate(self.times))

    def __enter__(self) -> Timer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


_SCALES = (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


@dataclass(frozen=True)
class BenchmarkResult:
    """The result of :func:`benchmark`; all times are in seconds.

    Printing it shows the median and the IQR in one readable unit, in the current language.

    Example:
        >>> from builders_guide.timing import BenchmarkResult
        >>> result = BenchmarkResult(median=1.23e-3, iqr=5e-5, mean=1.25e-3, number_of_runs=120)
        >>> print(result)
        median 1.23 ms (IQR 0.05 ms, 120 runs)
        >>> import builders_guide as bg
        >>> bg.set_language("id")
        >>> print(result)
        median 1,23 ms (IQR 0,05 ms, 120 pengulangan)
        >>> bg.set_language("en")
    """

    median: float
    iqr: float
    mean: float
    number_of_runs: int
    label: str = ""
    device: str = "cpu"

    def __str__(self) -> str:
        unit, scale = next(((u, s) for u, s in _SCALES if self.median >= s), _SCALES[-1])
        text = message(
            "timing.result_one_run" if self.number_of_runs == 1 else "timing.result",
            median=self.median / scale,
            iqr=self.iqr / scale,
            unit=unit,
            runs=self.number_of_runs,
        )
        return f"{self.label}: {text}" if self.label else text


def _find_device(values: list[Any]) -> torch.device:
    """The device of the first tensor among ``values``, else the CPU."""
    for value in values:
        if torch.is_tensor(value):
            return value.device
    return torch.device("cpu")


def _torch_benchmark() -> Any:
    """``torch.utils.benchmark``, imported on first use: it pulls in setuptools and costs
    ~0.4 s at import. Its import also loads ``torch.utils.cpp_extension``, which on a CUDA
    build of torch without a GPU, on a machine with a CUDA toolkit (Colab's CPU runtime),
    logs "No CUDA runtime is found, using CUDA_HOME=..." to stderr. That line says nothing
    about timing, so it is held back during this import only."""
    cpp_logger = logging.getLogger("torch.utils.cpp_extension")
    level = cpp_logger.level
    cpp_logger.setLevel(logging.ERROR)
    try:
        from torch.utils import benchmark as torch_benchmark
    finally:
        cpp_logger.setLevel(level)
    return torch_benchmark


def benchmark(
    fn: Callable[..., Any],
    *args: Any,
    device: torch.device | str | None = None,
    min_run_time: float = 0.2,
    num_threads: int | None = None,
    label: str = "",
    **kwargs: Any,
) -> BenchmarkResult:
    """Time ``fn(*args, **kwargs)`` with ``torch.utils.benchmark`` and return the median.

    ``torch.utils.benchmark.Timer.blocked_autorange`` warms up, picks how many calls to put
    in a block, and repeats blocks for at least ``min_run_time`` seconds. The median and the
    interquartile range (IQR) are robust to the odd slow run.

    Two differences from calling ``torch.utils.benchmark`` directly:

    - ``num_threads`` defaults to ``torch.get_num_threads()``, the number PyTorch normally
      uses. The library's own default is 1 thread, which makes CPU code look slower than it
      runs in the notebook.
    - Older ``torch.utils.benchmark`` waits only for CUDA devices. On other accelerators
      (``mps``, ``xpu``) each call here is followed by a synchronize, so the device's work
      is timed and not just its queueing.

    Args:
        fn: the function to time.
        *args: positional arguments for ``fn``.
        device: the device to synchronize; by default that of the first tensor argument,
            else the CPU.
        min_run_time: seconds to keep measuring, at least.
        num_threads: CPU threads during the measurement; default ``torch.get_num_threads()``.
        label: a name printed with the result.
        **kwargs: keyword arguments for ``fn``.

    Returns:
        A :class:`BenchmarkResult` with median, IQR and mean per call, in seconds.

    Example:
        >>> import torch
        >>> from builders_guide.timing import benchmark
        >>> X = torch.ones(64, 64)
        >>> result = benchmark(torch.mm, X, X, min_run_time=0.01, label="mm 64")
        >>> result.median > 0, result.label
        (True, 'mm 64')
        >>> print(result)  # doctest: +SKIP
        mm 64: median 10.2 µs (IQR 0.31 µs, 980 runs)
    """
    if device is None:
        device = _find_device([*args, *kwargs.values()])
    device = torch.device(device)
    stmt = "fn(*args, **kwargs)"
    if device.type not in ("cpu", "cuda", "meta"):
        stmt += "; synchronize(device)"
    synchronize(device)
    torch_benchmark = _torch_benchmark()

    timer = torch_benchmark.Timer(
        stmt=stmt,
        globals={
            "fn": fn,
            "args": args,
            "kwargs": kwargs,
            "synchronize": synchronize,
            "device": device,
        },
        label=label or None,
        num_threads=torch.get_num_threads() if num_threads is None else num_threads,
    )
    measurement = timer.blocked_autorange(min_run_time=min_run_time)
    return BenchmarkResult(
        median=measurement.median,
        iqr=measurement.iqr,
        mean=measurement.mean,
        number_of_runs=measurement.number_per_run * len(measurement.times),
        label=label,
        device=str(device),
    )


def matmul_tflops(
    n: int,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str | None = None,
    min_run_time: float = 0.2,
) -> float:
    """Return the speed of an ``n × n`` by ``n × n`` matrix product in TFLOP/s.

    The product takes ``2 n³`` floating-point operations; we divide by the median time
    from :func:`benchmark`. The inputs are drawn from a private generator, so the global
    random stream of the notebook is left untouched.

    Args:
        n: the matrix size.
        dtype: the element type, e.g. ``torch.float16`` on a GPU.
        device: where to compute; default ``bg.best_device()``.
        min_run_time: seconds to keep measuring, at least.

    Returns:
        Trillions of floating-point operations per second.

    Example:
        >>> import torch
        >>> from builders_guide.timing import matmul_tflops
        >>> matmul_tflops(128, device="cpu", min_run_time=0.01) > 0
        True
    """
    device = best_device() if device is None else torch.device(device)
    generator = torch.Generator().manual_seed(0)
    A = torch.randn(n, n, generator=generator).to(device=device, dtype=dtype)
    B = torch.randn(n, n, generator=generator).to(device=device, dtype=dtype)
    result = benchmark(torch.mm, A, B, device=device, min_run_time=min_run_time)
    return 2 * n**3 / result.median / 1e12
