"""Words of :mod:`builders_guide.devices`: ``DeviceError`` and the environment report.

Library names (``python``, ``torch``, ``numpy`` ...) and device types (``cpu``, ``cuda``)
are code and stay as they are; the Colab menu path stays in English, as Colab shows it.
"""

EN: dict[str, str] = {
    "no_accelerator": (
        "No accelerator device {i}: this machine has 0 (CPU only). Either no GPU is attached "
        "or this PyTorch build has no GPU support. Use bg.try_gpu({i}) to fall back to the "
        "CPU, or on Colab choose Runtime > Change runtime type > GPU."
    ),
    "index_out_of_range": (
        "No accelerator device {i}: this machine has {count} {kind} device(s), numbered 0 to "
        "{last}. Use an index in that range, or bg.try_gpu({i}) to fall back to the CPU."
    ),
    "report_platform": "platform",
    "report_threads": "torch threads",
    "report_accelerator": "accelerator",
    "report_device": "device",
    "cpu_cores": "{machine}, {cores} cores",
    "no_accelerator_short": "none (CPU only)",
    "memory_unknown": "memory unknown",
    "not_installed": "missing",
}

ID: dict[str, str] = {
    "no_accelerator": (
        "Tidak ada perangkat akselerator {i}: mesin ini punya 0 (hanya CPU). Mungkin tidak ada "
        "GPU yang terpasang, atau build PyTorch ini tidak mendukung GPU. Pakai "
        "bg.try_gpu({i}) agar kembali ke CPU, atau di Colab pilih "
        "Runtime > Change runtime type > GPU."
    ),
    "index_out_of_range": (
        "Tidak ada perangkat akselerator {i}: mesin ini punya {count} perangkat {kind}, "
        "bernomor 0 sampai {last}. Pakai indeks dalam rentang itu, atau bg.try_gpu({i}) agar "
        "kembali ke CPU."
    ),
    "report_platform": "sistem",
    "report_threads": "thread torch",
    "report_accelerator": "akselerator",
    "report_device": "perangkat",
    "cpu_cores": "{machine}, {cores} inti",
    "no_accelerator_short": "tidak ada (hanya CPU)",
    "memory_unknown": "memori tidak diketahui",
    "not_installed": "tidak terpasang",
}
