"""Tests for builders_guide.devices: real CPU fallbacks, and accelerator branches faked."""

import doctest
import re

import pytest
import torch
from builders_guide import __main__ as main_module
from builders_guide import devices
from builders_guide.devices import (
    DeviceError,
    accelerator_type,
    best_device,
    cpu,
    gpu,
    num_gpus,
    synchronize,
    try_all_gpus,
    try_gpu,
    versions,
)

CPU = torch.device("cpu")
NO_ACCELERATOR_API = "torch.accelerator exists from torch 2.6 on; this torch has none to patch"
needs_accelerator_api = pytest.mark.skipif(
    not hasattr(torch, "accelerator"), reason=NO_ACCELERATOR_API
)


@pytest.fixture
def no_accelerator(monkeypatch):
    """Pretend this machine has no accelerator, whatever it really has."""
    monkeypatch.setattr(devices, "accelerator_type", lambda: None)


@pytest.fixture
def two_cuda_devices(monkeypatch):
    """Pretend torch.accelerator and torch.cuda both report two CUDA devices."""
    if not hasattr(torch, "accelerator"):
        pytest.skip(NO_ACCELERATOR_API)
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: 2)
    monkeypatch.setattr(
        torch.accelerator, "current_accelerator", lambda *a, **k: torch.device("cuda")
    )
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)


def test_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(devices, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_cpu_is_the_cpu_device():
    assert cpu() == torch.device("cpu")


def test_try_all_gpus_never_returns_empty_list(no_accelerator):
    assert try_all_gpus() == [CPU]


def test_num_gpus_is_zero_without_accelerator(no_accelerator):
    assert num_gpus() == 0


def test_try_gpu_falls_back_to_cpu_without_accelerator(no_accelerator):
    assert try_gpu() == CPU
    assert try_gpu(3) == CPU


def test_best_device_is_cpu_without_accelerator(no_accelerator):
    assert best_device() == CPU


def test_gpu_without_accelerator_raises_actionable_device_error(no_accelerator):
    with pytest.raises(DeviceError) as excinfo:
        gpu(1)
    message = str(excinfo.value)
    assert "No accelerator device 1: this machine has 0 (CPU only)" in message
    assert "bg.try_gpu(1)" in message
    assert "Runtime > Change runtime type > GPU" in message


def test_device_error_is_a_runtime_error():
    assert issubclass(DeviceError, RuntimeError)


def test_two_cuda_devices_are_all_listed(two_cuda_devices):
    assert accelerator_type() == "cuda"
    assert num_gpus() == 2
    assert try_all_gpus() == [torch.device("cuda", 0), torch.device("cuda", 1)]
    assert best_device() == torch.device("cuda", 0)
    assert gpu(1) == torch.device("cuda", 1)


def test_try_gpu_beyond_device_count_falls_back_to_cpu(two_cuda_devices):
    assert try_gpu(5) == CPU
    assert try_gpu(-1) == CPU


def test_gpu_beyond_device_count_names_the_valid_range(two_cuda_devices):
    with pytest.raises(DeviceError, match=r"has 2 cuda device\(s\), numbered 0 to 1"):
        gpu(5)


@needs_accelerator_api
def test_compiled_in_but_absent_accelerator_is_treated_as_absent(monkeypatch):
    # A CUDA build on a machine without a GPU: the backend is named, but no device exists.
    monkeypatch.setattr(
        torch.accelerator, "current_accelerator", lambda *a, **k: torch.device("cuda")
    )
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: 0)
    assert accelerator_type() is None
    assert num_gpus() == 0
    assert try_all_gpus() == [CPU]


@needs_accelerator_api
def test_accelerator_is_checked_against_its_backend(monkeypatch):
    # torch.accelerator claims a device, but torch.cuda disagrees: trust the backend.
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: 1)
    monkeypatch.setattr(
        torch.accelerator, "current_accelerator", lambda *a, **k: torch.device("cuda")
    )
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert accelerator_type() is None
    assert try_all_gpus() == [CPU]


def test_older_torch_without_accelerator_module_asks_cuda(monkeypatch):
    monkeypatch.delattr(torch, "accelerator", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert try_all_gpus() == [torch.device("cuda", 0), torch.device("cuda", 1)]


def test_older_torch_counts_mps_as_one_device(monkeypatch):
    monkeypatch.delattr(torch, "accelerator", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    if hasattr(torch, "xpu"):
        monkeypatch.setattr(torch.xpu, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert accelerator_type() == "mps"
    assert try_all_gpus() == [torch.device("mps", 0)]


def test_older_torch_without_any_accelerator_falls_back_to_cpu(monkeypatch):
    monkeypatch.delattr(torch, "accelerator", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    if hasattr(torch, "xpu"):
        monkeypatch.setattr(torch.xpu, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert accelerator_type() is None
    assert try_all_gpus() == [CPU]


def test_synchronize_is_a_no_op_on_cpu(no_accelerator):
    assert synchronize("cpu") is None
    assert synchronize(CPU) is None
    assert synchronize() is None


def test_synchronize_calls_the_cuda_backend_for_cuda_devices(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append(device))
    synchronize("cuda:1")
    assert calls == [torch.device("cuda", 1)]


def test_versions_has_the_exact_shape_setup_cells_print():
    line = versions()
    pattern = r"python (\S+) · torch (\S+) · numpy (\S+) · matplotlib (\S+) · builders_guide (\S+)"
    match = re.fullmatch(pattern, line)
    assert match is not None, line
    assert match.group(2) == torch.__version__
    assert match.group(5) == "0.1.0"


def test_env_report_lists_versions_threads_and_devices():
    report = devices.env_report()
    labels = [line.split()[0] for line in report.splitlines()]
    for label in ("python", "platform", "torch", "numpy", "matplotlib", "safetensors"):
        assert label in labels
    assert "builders_guide  0.1.0" in report
    assert f"torch threads   {torch.get_num_threads()}" in report


def test_env_report_lists_each_fake_cuda_device_with_memory(two_cuda_devices, monkeypatch):
    class Props:
        name = "Fake GPU"
        total_memory = 8 * 2**30

    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda i: Props())
    report = devices.env_report()
    assert "accelerator     cuda" in report
    assert "cuda:0: Fake GPU, 8.0 GiB" in report
    assert "cuda:1: Fake GPU, 8.0 GiB" in report


def test_python_m_builders_guide_prints_the_env_report(capsys):
    main_module.main()
    assert capsys.readouterr().out == devices.env_report() + "\n"


def test_main_module_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(main_module, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0
