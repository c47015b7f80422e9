"""Words shared by several areas: yes and no."""

EN: dict[str, str] = {
    "yes": "yes",
    "no": "no",
}

ID: dict[str, str] = {
    "yes": "ya",
    "no": "tidak",
}
