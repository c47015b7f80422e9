"""Words shared by several areas (yes and no), and the language setting's own error."""

EN: dict[str, str] = {
    "yes": "yes",
    "no": "no",
    "unknown": (
        "unknown language {code!r}. The package speaks {known}; call bg.set_language('en') "
        "or bg.set_language('id')."
    ),
}

ID: dict[str, str] = {
    "yes": "ya",
    "no": "tidak",
    "unknown": (
        "bahasa {code!r} tidak dikenal. Paket ini mengenal {known}; panggil "
        "bg.set_language('en') atau bg.set_language('id')."
    ),
}
