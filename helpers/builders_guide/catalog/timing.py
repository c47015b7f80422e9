"""Words of :mod:`builders_guide.timing`: benchmark results and ``Timer`` errors.

``median`` and ``IQR`` (interquartile range) are the same terms in both languages.
"""

EN: dict[str, str] = {
    "result": "median {median:.3g} {unit} (IQR {iqr:.3g} {unit}, {runs} runs)",
    "result_one_run": "median {median:.3g} {unit} (IQR {iqr:.3g} {unit}, {runs} run)",
    "stop_before_start": "Timer.stop() called before start(). Call start() first.",
    "no_times": "Timer.avg(): no times recorded yet. Call start() and stop() first.",
}

ID: dict[str, str] = {
    "result": "median {median:.3g} {unit} (IQR {iqr:.3g} {unit}, {runs} pengulangan)",
    "result_one_run": "median {median:.3g} {unit} (IQR {iqr:.3g} {unit}, {runs} pengulangan)",
    "stop_before_start": "Timer.stop() dipanggil sebelum start(). Panggil start() lebih dulu.",
    "no_times": (
        "Timer.avg(): belum ada waktu yang tercatat. Panggil start() dan stop() lebih dulu."
    ),
}
