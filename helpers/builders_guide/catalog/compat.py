"""Words of :mod:`builders_guide.compat`: the setup cell's one-line version warning.

Package names, versions and the ``%pip`` command are code and stay as they are; the Colab
menu path stays in English, as Colab shows it.
"""

EN: dict[str, str] = {
    "too_old": (
        "Version check: too old or missing for these notebooks: {found}; they need {needed}, so some "
        "cells would fail or show no figure. This environment ships its own versions (Colab, "
        "Kaggle and the helpers' --no-deps install do not upgrade them). Run "
        "%pip install --upgrade {command}, then restart the kernel (on Colab: "
        "Runtime > Restart session)."
    ),
    "and": " and ",
    "missing": "{name} (not installed)",
}

ID: dict[str, str] = {
    "too_old": (
        "Pemeriksaan versi: terlalu lama atau belum terpasang untuk notebook ini: {found}; notebook ini butuh "
        "{needed}, sehingga beberapa sel bisa gagal atau tidak menampilkan gambar. "
        "Lingkungan ini membawa versinya sendiri (Colab, Kaggle, dan pemasangan paket "
        "pembantu dengan --no-deps tidak memperbaruinya). Jalankan "
        "%pip install --upgrade {command}, lalu mulai ulang kernel (di Colab: "
        "Runtime > Restart session)."
    ),
    "and": " dan ",
    "missing": "{name} (tidak terpasang)",
}
