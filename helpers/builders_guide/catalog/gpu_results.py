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
    "ragged": (
        "'{name}': the crossover lists have different lengths. Re-run `make bench` on the "
        "CUDA machine."
    ),
    "cpu_line": "CPU ({threads} threads)",
    "gpu_line": "GPU, data already there",
    "gpu_copy_line": "GPU, copies there and back",
    "crossover_title": "one n×n {dtype} matmul",
    "time_per_product": "time per product (µs)",
    "summary_timing": (
        "timing check: bg.benchmark {helper:.3f} ms, CUDA events {events:.3f} ms "
        "({apart:.2%} apart)"
    ),
    "summary_bf16": (
        "bf16 {n}³ matmul: bg.matmul_tflops {helper:.0f} TFLOP/s, {of_best:.1%} of the best "
        "PyTorch run, {of_peak:.0%} of the data-sheet peak ({peak:.0f})"
    ),
    "summary_tf32": "fp32: TF32 on {on:.0f}, off {off:.0f} TFLOP/s ({ratio:.1f}× faster with TF32)",
    "summary_copy": (
        "host → device, {megabytes:.0f} MB: pinned {pinned:.1f} GB/s, pageable "
        "{pageable:.1f} GB/s (link limit {limit:.0f})"
    ),
    "summary_sync": (
        "{steps} small steps: a sync on every step {every:.1f} ms, one sync at the end "
        "{once:.1f} ms, so each extra sync costs {per_sync:.0f} µs"
    ),
    "crossover_head": "one {dtype} n×n matmul, median µs (CPU: {cpu}, {threads} threads)",
    "crossover_copies_column": "GPU + copies",
    "crossover_wins": "the GPU wins from n = {n} on; counting the copies, from n = {copy_n} on",
    "crossover_wins_no_copy": (
        "the GPU wins from n = {n} on; counting the copies, at no measured size"
    ),
    "crossover_never": "the GPU wins at no measured size",
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
    "ragged": (
        "'{name}': daftar-daftar crossover tidak sama panjang. Jalankan ulang `make bench` "
        "di mesin CUDA."
    ),
    "cpu_line": "CPU ({threads} thread)",
    "gpu_line": "GPU, data sudah di sana",
    "gpu_copy_line": "GPU, disalin pergi-pulang",
    "crossover_title": "satu perkalian matriks n×n {dtype}",
    "time_per_product": "waktu per perkalian (µs)",
    "summary_timing": (
        "pemeriksaan pengukuran waktu: bg.benchmark {helper:.3f} ms, event CUDA {events:.3f} ms "
        "(selisih {apart:.2%})"
    ),
    "summary_bf16": (
        "perkalian matriks bf16 {n}³: bg.matmul_tflops {helper:.0f} TFLOP/s, {of_best:.1%} "
        "dari hasil PyTorch terbaik, {of_peak:.0%} dari puncak di lembar data ({peak:.0f})"
    ),
    "summary_tf32": (
        "fp32: TF32 aktif {on:.0f}, mati {off:.0f} TFLOP/s ({ratio:.1f}× lebih cepat dengan TF32)"
    ),
    "summary_copy": (
        "host → perangkat, {megabytes:.0f} MB: pinned {pinned:.1f} GB/s, pageable "
        "{pageable:.1f} GB/s (batas jalur data {limit:.0f})"
    ),
    "summary_sync": (
        "{steps} langkah kecil: sinkron di setiap langkah {every:.1f} ms, sekali di akhir "
        "{once:.1f} ms, jadi setiap sinkronisasi tambahan memakan {per_sync:.0f} µs"
    ),
    "crossover_head": (
        "satu perkalian matriks n×n {dtype}, median dalam µs (CPU: {cpu}, {threads} thread)"
    ),
    "crossover_copies_column": "GPU + salinan",
    "crossover_wins": "GPU menang mulai n = {n}; bila salinannya ikut dihitung, mulai n = {copy_n}",
    "crossover_wins_no_copy": (
        "GPU menang mulai n = {n}; bila salinannya ikut dihitung, tidak di ukuran mana pun "
        "yang diukur"
    ),
    "crossover_never": "GPU tidak menang di ukuran mana pun yang diukur",
}
