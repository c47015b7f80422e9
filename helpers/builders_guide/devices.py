"""Pick devices: the CPU, or an accelerator (CUDA, XPU or Apple MPS) that really exists.

PyTorch 2.6+ has ``torch.accelerator``, which names the accelerator backend this build was
compiled for. A name alone does not mean a device is present (a CUDA build on a laptop
without a GPU still names ``cuda``), so every answer here is checked against the device
count and the backend's own ``is_available()``. On older PyTorch we ask the backends directly.

The messages of :class:`DeviceError` and the labels of :func:`env_report` follow
:func:`builders_guide.set_language`; library names and device types stay as code.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform

import torch

from builders_guide.language import message, number

_BACKENDS = ("cuda", "xpu", "mps")


class DeviceError(RuntimeError):
    """Raised when a requested accelerator device does not exist."""


def _backend_available(kind: str) -> bool:
    """Ask the backend itself whether at least one device of this kind is usable."""
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "xpu":
        return hasattr(torch, "xpu") and torch.xpu.is_available()
    if kind == "mps":
        return torch.backends.mps.is_available()
    return False


def cpu() -> torch.device:
    """Return the CPU device.

    Example:
        >>> from builders_guide.devices import cpu
        >>> cpu()
        device(type='cpu')
    """
    return torch.device("cpu")


def accelerator_type() -> str | None:
    """Return the kind of accelerator present: ``'cuda'``, ``'xpu'``, ``'mps'`` or ``None``.

    ``None`` means no accelerator device really exists, even if this PyTorch build
    was compiled with support for one.

    Example:
        >>> from builders_guide.devices import accelerator_type
        >>> accelerator_type() in {"cuda", "xpu", "mps", None}
        True
    """
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None:
        if not accelerator.is_available() or accelerator.device_count() < 1:
            return None
        current = accelerator.current_accelerator()
        kind = None if current is None else current.type
        return kind if kind in _BACKENDS and _backend_available(kind) else None
    for kind in _BACKENDS:
        if _backend_available(kind):
            return kind
    return None


def num_gpus() -> int:
    """Return how many accelerator devices this machine really has (0 on a CPU-only machine).

    An Apple MPS device counts as one.

    Example:
        >>> from builders_guide.devices import num_gpus
        >>> num_gpus() >= 0
        True
    """
    kind = accelerator_type()
    if kind is None:
        return 0
    if kind == "mps":
        return 1
    if kind == "xpu":
        return torch.xpu.device_count()
    return torch.cuda.device_count()


def gpu(i: int = 0) -> torch.device:
    """Return accelerator device ``i``.

    Args:
        i: index of the device, from 0.

    Returns:
        The device, e.g. ``device(type='cuda', index=0)``.

    Raises:
        DeviceError: if device ``i`` does not exist on this machine.

    Example:
        >>> from builders_guide.devices import gpu
        >>> gpu(0)  # doctest: +SKIP
        device(type='cuda', index=0)
    """
    count = num_gpus()
    if 0 <= i < count:
        return torch.device(accelerator_type(), i)
    if count == 0:
        raise DeviceError(message("devices.no_accelerator", i=i))
    raise DeviceError(
        message(
            "devices.index_out_of_range", i=i, count=count, kind=accelerator_type(), last=count - 1
        )
    )


def try_gpu(i: int = 0) -> torch.device:
    """Return accelerator device ``i`` if it exists, else the CPU.

    Example:
        >>> from builders_guide.devices import try_gpu
        >>> try_gpu(10_000)
        device(type='cpu')
    """
    return gpu(i) if 0 <= i < num_gpus() else cpu()


def try_all_gpus() -> list[torch.device]:
    """Return every accelerator device, or ``[cpu()]`` when there is none; never empty.

    Example:
        >>> from builders_guide.devices import try_all_gpus
        >>> len(try_all_gpus()) >= 1
        True
    """
    return [gpu(i) for i in range(num_gpus())] or [cpu()]


def best_device() -> torch.device:
    """Return the first accelerator device, else the CPU.

    Example:
        >>> from builders_guide.devices import best_device
        >>> best_device().type in {"cuda", "xpu", "mps", "cpu"}
        True
    """
    return try_gpu(0)


def synchronize(device: torch.device | str | None = None) -> None:
    """Wait until all work queued on ``device`` has finished; a no-op on the CPU.

    Accelerators run asynchronously: a call returns before the device has done the work.
    Call this before reading a clock, or a timing measures only the queueing.

    Args:
        device: the device to wait for. ``None`` means the current accelerator, if any.

    Example:
        >>> from builders_guide.devices import synchronize
        >>> synchronize("cpu")
    """
    if device is None:
        kind = accelerator_type()
        if kind is None:
            return
        device = torch.device(kind)
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "xpu":
        torch.xpu.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _version(distribution: str) -> str:
    """Return an installed distribution's version without importing it."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return message("devices.not_installed")


def versions() -> str:
    """Return one line with the versions of Python, torch, numpy, matplotlib and this package.

    Example:
        >>> from builders_guide.devices import versions
        >>> versions()  # doctest: +SKIP
        'python 3.11.7 · torch 2.13.0+cpu · numpy 2.4.6 · matplotlib 3.11.2 · builders_guide 0.1.0'
    """
    from builders_guide._version import __version__

    parts = [
        ("python", platform.python_version()),
        ("torch", torch.__version__),
        ("numpy", _version("numpy")),
        ("matplotlib", _version("matplotlib")),
        ("builders_guide", __version__),
    ]
    return " · ".join(f"{name} {version}" for name, version in parts)


def _gib(n_bytes: int) -> str:
    return f"{number(n_bytes / 2**30, '.1f')} GiB"


def _cpu_line() -> str:
    """The CPU: its architecture, core count and, where the OS tells, total memory."""
    line = message(
        "devices.cpu_cores",
        machine=platform.processor() or platform.machine(),
        cores=os.cpu_count(),
    )
    try:
        return line + f", {_gib(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))}"
    except (AttributeError, ValueError, OSError):
        return line  # not on Linux or macOS


def _device_lines() -> list[str]:
    """One line per accelerator device: its name and total memory."""
    kind = accelerator_type()
    lines = []
    for i in range(num_gpus()):
        if kind == "cuda":
            props = torch.cuda.get_device_properties(i)
            name, memory = props.name, _gib(props.total_memory)
        elif kind == "xpu":
            props = torch.xpu.get_device_properties(i)
            name, memory = props.name, _gib(props.total_memory)
        else:
            recommended = getattr(torch.mps, "recommended_max_memory", None)
            name = f"Apple MPS ({platform.machine()})"
            memory = (
                message("devices.memory_unknown") if recommended is None else _gib(recommended())
            )
        lines.append(f"{kind}:{i}: {name}, {memory}")
    return lines


def env_report() -> str:
    """Return a multi-line report of the environment, to paste into a bug report.

    It lists Python, the platform, library versions, torch threads, every device with its
    name and memory, and the CUDA and cuDNN versions when present.
    ``python -m builders_guide`` prints it. Labels and numbers follow
    :func:`builders_guide.set_language` (``16 cores, 125.5 GiB`` or ``16 inti, 125,5 GiB``).

    Example:
        >>> from builders_guide.devices import env_report
        >>> print(env_report())  # doctest: +ELLIPSIS
        python          ...
        platform        ...
        torch           ...
    """
    from builders_guide._version import __version__

    rows = [
        ("python", f"{platform.python_version()} ({platform.python_implementation()})"),
        (message("devices.report_platform"), platform.platform()),
        ("torch", torch.__version__),
        ("numpy", _version("numpy")),
        ("matplotlib", _version("matplotlib")),
        ("safetensors", _version("safetensors")),
        ("builders_guide", __version__),
        (message("devices.report_threads"), str(torch.get_num_threads())),
        ("cpu", _cpu_line()),
    ]
    if torch.version.cuda is not None:
        rows.append(("cuda", torch.version.cuda))
        cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
        rows.append(("cudnn", str(cudnn)))
    devices = _device_lines()
    accelerator = accelerator_type() or message("devices.no_accelerator_short")
    rows.append((message("devices.report_accelerator"), accelerator))
    rows.extend((message("devices.report_device"), line) for line in devices)
    return "\n".join(f"{name:<15} {value}" for name, value in rows)
