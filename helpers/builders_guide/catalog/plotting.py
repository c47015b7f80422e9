"""Words of :mod:`builders_guide.plotting`: default figure text and plotting errors."""

EN: dict[str, str] = {
    "series_mismatch": (
        "plot got {xs} x series but {ys} y series. Pass one x series for all, or one per y series."
    ),
    "nothing_to_draw": "hist_params got no tensors to draw. Pass a tensor, a dict or a module.",
    "lazy_values": (
        "hist_params: {names} are uninitialized (lazy) and have no values yet. "
        "Run bg.materialize(model, example_input) first."
    ),
    "hist_title": "Distribution of values",
    "hist_xlabel": "value",
    "hist_ylabel": "count",
    "hist_series": "values",
    "unknown_unit": "Unknown time unit {unit!r}. Use one of {units}.",
    "bar_title": "Time per call",
    "bar_ylabel": "time ({unit})",
}

ID: dict[str, str] = {
    "series_mismatch": (
        "plot menerima {xs} deret x tetapi {ys} deret y. Berikan satu deret x untuk semuanya, "
        "atau satu deret x untuk tiap deret y."
    ),
    "nothing_to_draw": (
        "hist_params tidak menerima tensor untuk digambar. Berikan sebuah tensor, dict, atau modul."
    ),
    "lazy_values": (
        "hist_params: {names} belum diinisialisasi (tertunda), jadi belum punya nilai. "
        "Jalankan dulu bg.materialize(model, example_input)."
    ),
    "hist_title": "Distribusi nilai",
    "hist_xlabel": "nilai",
    "hist_ylabel": "jumlah",
    "hist_series": "nilai-nilai",
    "unknown_unit": "Satuan waktu {unit!r} tidak dikenal. Pakai salah satu dari {units}.",
    "bar_title": "Waktu per panggilan",
    "bar_ylabel": "waktu ({unit})",
}
