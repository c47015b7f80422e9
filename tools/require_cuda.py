"""Exit with a clear message unless a CUDA device is visible (used by `make test-gpu`)."""

import sys

try:
    import torch
except ImportError:
    sys.exit(
        f"make test-gpu: this interpreter ({sys.executable}) has no torch. "
        "Run plain `make test-gpu` to set up .venv, or pass PY= an interpreter that has torch."
    )

if not torch.cuda.is_available():
    built = torch.version.cuda
    why = (
        f"this torch ({torch.__version__}) is a CPU-only build"
        if built is None
        else f"this torch was built for CUDA {built}, but no device or driver is visible"
    )
    sys.exit(
        "make test-gpu needs a CUDA device, and none is visible: "
        f"{why}.\nRun it on a machine with an NVIDIA GPU (check `nvidia-smi`), "
        "or run `make test` for the CPU suite."
    )
names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
print(f"CUDA {torch.version.cuda}: {names}")
