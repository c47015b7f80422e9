"""End to end, as a learner does it: JupyterLab in a real browser runs the overview notebook.

The test starts `jupyter lab` on 127.0.0.1 with a token, over a temporary copy of the
notebook (so autosave never touches the repository), opens it in headless Chromium through
Playwright, runs all cells from the Run menu, and checks that no error or stderr output
appears. It saves a screenshot in its temporary directory.

It needs Debian's `chromium` (Playwright's own browser download cannot work offline), or
a Google Chrome already installed, as on GitHub's Linux runners; where neither is found
the test is skipped with one line saying so.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import chromium
import nbcommon as nbc
import pytest

NOTEBOOK = "00-builders-guide.ipynb"

pytestmark = [
    pytest.mark.browser,
    chromium.needs_chromium,
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"jupyter lab exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url} within {seconds} s")


def run_all_cells(page, attempts: int = 3) -> None:
    """Run > Run All Cells, retried until a cell is seen running (a click made while the
    kernel is still connecting can be dropped)."""
    started = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .some(el => /\\[(\\*|\\d+)\\]/.test(el.textContent))"""
    for _ in range(attempts):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(started, timeout=20_000)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"Run All Cells did not start any cell after {attempts} attempts")


def quiet_settings(settings_dir: Path) -> None:
    """JupyterLab settings for a test: no news pop-up, no update check."""
    folder = settings_dir / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True)
    (folder / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on a temporary copy of the overview notebook."""
    work = tmp_path / "notebooks"
    work.mkdir()
    nb = nbc.read(nbc.NOTEBOOKS / "en" / NOTEBOOK)
    for cell in nb["cells"]:  # a fresh notebook, so every prompt and output must be earned
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nbc.write(work / NOTEBOOK, nb)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for var in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "IPYTHONDIR",
    ):
        env[var] = str(tmp_path / var.lower())
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    quiet_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp_path / "jupyter.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/status?token={token}", server)
        yield {"url": f"{base}/lab/tree/{NOTEBOOK}?token={token}", "dir": tmp_path}
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_overview_notebook_runs_in_jupyterlab_without_errors(lab) -> None:
    from playwright.sync_api import sync_playwright

    nb = nbc.read(nbc.NOTEBOOKS / "en" / NOTEBOOK)
    n_code = sum(1 for c in nb["cells"] if c["cell_type"] == "code")
    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(lab["url"])
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
            run_all_cells(page)
            shot = lab["dir"] / "overview.png"
            try:
                page.wait_for_function(
                    """n => {
                    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                        .map(el => el.textContent.trim());
                    return prompts.length === n && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
                }""",
                    arg=n_code,
                    timeout=120_000,
                )
            except Exception:
                page.screenshot(path=str(shot), full_page=True)
                prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
                raise AssertionError(
                    f"the cells did not all finish within 120 s; prompts: {prompts}; "
                    f"screenshot: {shot}; server log: {lab['dir'] / 'jupyter.log'}"
                ) from None
            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            page.screenshot(path=str(shot), full_page=True)
            assert errors.count() == 0, "an error output appeared:\n" + "\n".join(
                errors.all_inner_texts()
            )
            assert stderr.count() == 0, "stderr output appeared:\n" + "\n".join(
                stderr.all_inner_texts()
            )
            assert page.locator(".jp-OutputArea-output img").count() >= 1, "no figure rendered"
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
