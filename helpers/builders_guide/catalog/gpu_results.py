"""Words of :mod:`builders_guide.gpu_results`: ``GpuResultsError`` and the GPU figure.

Units (``TFLOP/s``, ``GB/s``), dtype names and ``bf16 (bg)`` (this package's own
measurement) are code and stay as they are.
"""

EN: dict[str, str] = {
    "no_file": (
        "There is no GPU results file '{name}'. Run `make bench` on a CUDA machine to measure one."
    ),
    "not_json": (
        "'{name}' could not be read as JSON ({error}). Re-run `make bench` on the CUDA "
        "machine to write it again."
    ),
    "wrong_schema": (
        "'{name}' is not a GPU results file (expected schema '{schema}'). Only files written "
        "by `make bench` on a CUDA machine can be drawn."
    ),
    "missing_field": "'{name}' has no '{key}'. Re-run `make bench`.",
    "missing_section": "'{name}' has no '{section}' section. Re-run `make bench`.",
    "bad_value": (
        "'{name}': {section}.{field} is {value!r}, expected a positive number. Re-run "
        "`make bench` on the CUDA machine."
    ),
    "bf16_best": "bf16\n(best)",
    "tf32_on": "fp32\nTF32 on",
    "tf32_off": "fp32\nTF32 off",
    "bf16_peak": "bf16 dense peak",
    "matmul_title": "{n}³ matmul",
    "pinned": "pinned",
    "pageable": "pageable",
    "link_limit": "link limit",
    "copy_title": "host → device copy, {megabytes:.0f} MB",
    "sync_every_step": "sync every\nstep",
    "sync_once": "sync once\nat the end",
    "sync_title": "{steps} small steps",
    "total_time": "total time (ms)",
    "measured_on": "Measured on {gpu}, {date} (torch {torch})",
}

ID: dict[str, str] = {
    "no_file": (
        "Tidak ada berkas hasil GPU '{name}'. Jalankan `make bench` di mesin CUDA untuk "
        "mengukurnya."
    ),
    "not_json": (
        "'{name}' tidak dapat dibaca sebagai JSON ({error}). Jalankan ulang `make bench` di "
        "mesin CUDA untuk menulisnya kembali."
    ),
    "wrong_schema": (
        "'{name}' bukan berkas hasil GPU (skema yang diharapkan: '{schema}'). Hanya berkas "
        "yang ditulis `make bench` di mesin CUDA yang dapat digambar."
    ),
    "missing_field": "'{name}' tidak memiliki '{key}'. Jalankan ulang `make bench`.",
    "missing_section": "'{name}' tidak memiliki bagian '{section}'. Jalankan ulang `make bench`.",
    "bad_value": (
        "'{name}': {section}.{field} bernilai {value!r}, seharusnya bilangan positif. "
        "Jalankan ulang `make bench` di mesin CUDA."
    ),
    "bf16_best": "bf16\n(terbaik)",
    "tf32_on": "fp32\nTF32 aktif",
    "tf32_off": "fp32\nTF32 mati",
    "bf16_peak": "puncak bf16 (dense)",
    "matmul_title": "perkalian matriks {n}³",
    "pinned": "terkunci\n(pinned)",
    "pageable": "biasa\n(pageable)",
    "link_limit": "batas jalur data",
    "copy_title": "salinan host → perangkat, {megabytes:.0f} MB",
    "sync_every_step": "sinkron tiap\nlangkah",
    "sync_once": "sinkron sekali\ndi akhir",
    "sync_title": "{steps} langkah kecil",
    "total_time": "waktu total (ms)",
    "measured_on": "Diukur pada {gpu}, {date} (torch {torch})",
}
