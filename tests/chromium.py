"""The headless Chromium that the browser tests drive (the site's pages, JupyterLab).

One place for how it is found and started, so the two browser test modules agree.
"""

from __future__ import annotations

import shutil

import pytest

# Debian's package, or Google Chrome where that is what a machine has (GitHub's runners).
CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
# Quiet and offline: no sandbox (containers run as root), no GPU, no background traffic.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def launch(playwright):
    """A headless browser from a started ``sync_playwright()``; the caller closes it."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
