"""Words of ``python -m builders_guide`` (:mod:`builders_guide.__main__`)."""

EN: dict[str, str] = {
    "description": (
        "Print the environment report (Python, platform, library versions, devices), "
        "to paste into a bug report."
    ),
    "lang_help": "language of the report: {choices}",
}

ID: dict[str, str] = {
    "description": (
        "Cetak laporan lingkungan (Python, sistem, versi pustaka, perangkat), untuk "
        "ditempelkan ke laporan bug."
    ),
    "lang_help": "bahasa laporan: {choices}",
}
