"""The book website, read as a reader reads it: both editions, offline, in a real browser.

One build serves every test here. It is made by `tools/bookbuild.py` with the book's own
environment (`.venv-book`, which `make test` and `make site` install from
book/requirements.lock) and kept in the system's temporary folder under a key made from
every input (notebooks, book/, the build script, links.toml, the book's lock), so that a
second run with the same inputs reuses it.

The plain tests read the built HTML; the `browser` tests serve the site on 127.0.0.1 and
drive Debian's headless `chromium` through Playwright, like tests/test_browser.py. Where
Chromium is absent the browser tests are skipped with one line saying so.
"""

from __future__ import annotations

import functools
import hashlib
import html.parser
import http.server
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import bookbuild as book
import chromium
import nbcommon as nbc
import pytest

BOOK_VENV = nbc.ROOT / ".venv-book"
BOOK_PY = BOOK_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
TWIN = {"en": "id", "id": "en"}
# The words the search page shows in each language: Sphinx's own catalogs (the `id` one
# says "Hasil Pencarian"), so a page in the wrong language would fail here.
SEARCH_HEADING = {"en": "Search Results", "id": "Hasil Pencarian"}


def _inputs_key() -> str:
    """A digest of everything the site is built from."""
    files = [
        *nbc.notebook_paths(),
        *sorted(p for p in (nbc.ROOT / "book").rglob("*") if p.is_file()),
        nbc.ROOT / "tools" / "bookbuild.py",
        nbc.ROOT / "tools" / "nbcommon.py",
        nbc.ROOT / "links.toml",
    ]
    digest = hashlib.sha256()
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(nbc.repo_path(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site, from the cache when its inputs have not changed."""
    if not BOOK_PY.exists():
        pytest.fail(
            "The book's tools are not installed (.venv-book is missing). "
            "Run `make site` once, or `make test`, which installs them from "
            "book/requirements.lock.",
            pytrace=False,
        )
    cache_root = Path(tempfile.gettempdir()) / "builders-guide-book"
    cached = cache_root / _inputs_key()
    if (cached / "index.html").exists():
        return cached
    work = tmp_path_factory.mktemp("book")
    started = time.perf_counter()
    result = subprocess.run(
        [str(BOOK_PY), "tools/bookbuild.py", "build", "--out", str(work / "site")],
        cwd=nbc.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"the book did not build:\n{result.stdout}{result.stderr}"
    print(f"built the book in {time.perf_counter() - started:.1f} s")
    shutil.rmtree(cache_root, ignore_errors=True)  # keep only the newest build
    cache_root.mkdir(parents=True, exist_ok=True)
    try:
        (work / "site").rename(cached)
    except OSError:  # another run got there first, or another file system
        return work / "site"
    return cached


def page_of(notebook: Path) -> str:
    """The site path of a notebook's page: `en/solutions/02-parameters.html`."""
    rel = notebook.relative_to(nbc.NOTEBOOKS).with_suffix(".html")
    return rel.as_posix()


NOTEBOOKS = list(nbc.notebook_paths())


class _Sources(html.parser.HTMLParser):
    """Collects what a page would load: script and img sources, link hrefs."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in ("script", "img", "iframe", "source", "video", "audio") and "src" in a:
            self.loads.append((tag, a["src"]))
        if tag == "link" and "href" in a:
            self.loads.append((f"link rel={a.get('rel', '')}", a["href"]))
        if tag == "a":
            self.anchors.append(a)


@functools.cache
def parse(path: Path) -> _Sources:
    parser = _Sources()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.startswith("//")


def test_every_notebook_of_both_editions_has_a_page_in_its_language(site: Path) -> None:
    for notebook in NOTEBOOKS:
        page = site / page_of(notebook)
        assert page.exists(), f"{nbc.repo_path(notebook)} has no page ({page_of(notebook)})"
        assert parse(page).lang == nbc.language_of(notebook), page_of(notebook)


def test_built_pages_load_no_script_style_or_image_from_another_host(site: Path) -> None:
    external = [
        f"{page.relative_to(site).as_posix()}: <{tag}> {url}"
        for page in sorted(site.rglob("*.html"))
        for tag, url in parse(page).loads
        if is_external(url)
    ]
    assert external == []
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    # the notebooks, each edition's index, search and genindex, and the language chooser
    assert len(pages) == len(NOTEBOOKS) + 2 * 3 + 1


def test_math_is_typeset_by_the_mathjax_shipped_with_the_site(site: Path) -> None:
    for lang in nbc.LANGUAGES:
        page = site / lang / "02-parameters.html"
        scripts = [url for tag, url in parse(page).loads if tag == "script"]
        mathjax = [url for url in scripts if "mathjax" in url.lower()]
        assert mathjax == ["_static/mathjax/tex-chtml.js"], scripts
        assert (site / lang / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 500_000
        text = page.read_text(encoding="utf-8")
        assert "$\\frac" not in text, "a $...$ formula was left as raw LaTeX"


def test_badge_rows_are_dropped_and_launch_buttons_match_the_badges(site: Path) -> None:
    for notebook in NOTEBOOKS:
        badges = nbc.source(nbc.read(notebook)["cells"][0])
        colab = re.search(r"\((https://colab\.research\.google\.com/github/[^)]+)\)", badges)
        assert colab, f"{nbc.repo_path(notebook)} has no Colab badge"
        page = parse(site / page_of(notebook))
        hrefs = [a.get("href", "") for a in page.anchors]
        assert colab.group(1) in hrefs, f"{page_of(notebook)}: no launch button to {colab[1]}"
        where = nbc.links()
        binder = f"https://mybinder.org/v2/gh/{where['slug']}/{where['ref']}?"
        assert any(h.startswith(binder) and nbc.repo_path(notebook) in h for h in hrefs)
        assert f"https://github.com/{where['slug']}" in hrefs  # the repository button
        assert not any("badge" in url for _, url in page.loads), page_of(notebook)


def test_every_page_links_to_its_twin_in_the_other_language(site: Path) -> None:
    for notebook in NOTEBOOKS:
        lang = nbc.language_of(notebook)
        path = page_of(notebook)
        switches = [
            a for a in parse(site / path).anchors if "language-switch" in a.get("class", "")
        ]
        assert len(switches) == 1, path
        target = urljoin(path, switches[0]["href"])
        assert target == f"{TWIN[lang]}/{path.split('/', 1)[1]}", (path, target)
        assert switches[0]["hreflang"] == TWIN[lang]
        assert (site / target).exists(), target


def test_readmes_give_the_sites_address_from_links_toml() -> None:
    url = book.site_url(nbc.links()["slug"])
    assert url == "https://d2l-companions.github.io/builders-guide/"
    assert url in (nbc.ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{url}id/" in (nbc.ROOT / "README.id.md").read_text(encoding="utf-8")


def test_staged_notebook_drops_the_badge_row_and_folds_the_setup_cell() -> None:
    nb = nbc.read(nbc.NOTEBOOKS / "id" / "02-parameters.ipynb")
    title = nbc.source(nb["cells"][0]).split("\n")[0]
    staged = book.fold_setup_cell(book.without_badges(nb), "id")
    assert nbc.source(staged["cells"][0]).split("\n")[0] == title
    assert nbc.BADGE_PREFIX not in nbc.source(staged["cells"][0])
    setup = [c for c in staged["cells"] if nbc.SETUP_TAG in nbc.tags(c)]
    assert len(setup) == 1 and "hide-input" in nbc.tags(setup[0])
    assert setup[0]["metadata"]["mystnb"]["code_prompt_show"] == "Tampilkan sel persiapan"


# ------------------------------------------------------------------------------ in a browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path):
    """The site on 127.0.0.1, at a free port, for the module's browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser_page(served: str):
    """One headless Chromium page that records console errors and failed or foreign
    requests; each test reads and clears `problems`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            # A request cut off because the test moved on (net::ERR_ABORTED) is no fault of
            # the site; a missing file shows up as an HTTP 404 response below.
            page.on(
                "requestfailed",
                lambda r: (
                    None
                    if r.failure == "net::ERR_ABORTED"
                    else problems.append(f"failed request: {r.url} ({r.failure})")
                ),
            )
            page.on(
                "response",
                lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
            )
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((served, "data:", "blob:"))
                    else problems.append(f"request to another host: {r.url}")
                ),
            )
            yield page, problems
        finally:
            browser.close()


def _image_outputs(notebook: Path) -> int:
    return sum(
        1
        for cell in nbc.read(notebook)["cells"]
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    )


@pytest.mark.browser
@chromium.needs_chromium
def test_every_page_shows_its_figures_in_the_browser_without_errors(browser_page, served):
    page, problems = browser_page
    missing = []
    for notebook in NOTEBOOKS:
        path = page_of(notebook)
        page.goto(f"{served}/{path}", wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.lang") == nbc.language_of(notebook)
        widths = page.eval_on_selector_all(
            ".cell_output img",
            """imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth, () => 0)))""",
        )
        if len(widths) != _image_outputs(notebook) or not all(w > 0 for w in widths):
            missing.append(f"{path}: {widths} (expected {_image_outputs(notebook)} figures)")
    page.goto(f"{served}/index.html", wait_until="load")
    assert missing == []
    assert problems == []
    assert sum(_image_outputs(nb) for nb in NOTEBOOKS) >= 2 * 8  # the check above saw figures


@pytest.mark.browser
@chromium.needs_chromium
@pytest.mark.parametrize("lang", nbc.LANGUAGES)
def test_search_for_state_dict_finds_pages_in_the_readers_language(browser_page, served, lang):
    page, problems = browser_page
    page.goto(f"{served}/{lang}/search.html?q=state_dict", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelector('#search-results p.search-summary')"
        " && !document.querySelector('#search-results p.search-summary').textContent.includes('...')"
    )
    links = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    assert links, "no search results"
    assert all(urlsplit(h).path.startswith(f"/{lang}/") for h in links), links
    assert any(urlsplit(h).path == f"/{lang}/02-parameters.html" for h in links), links
    assert page.evaluate("document.documentElement.lang") == lang
    assert SEARCH_HEADING[lang] in page.text_content("#search-results")
    assert problems == []


@pytest.mark.browser
@chromium.needs_chromium
@pytest.mark.parametrize("lang", nbc.LANGUAGES)
def test_the_language_link_opens_the_twin_page(browser_page, served, lang):
    page, problems = browser_page
    page.goto(f"{served}/{lang}/solutions/04-lazy-init.html", wait_until="load")
    page.click("a.language-switch")
    page.wait_for_load_state("load")
    twin = TWIN[lang]
    assert urlsplit(page.url).path == f"/{twin}/solutions/04-lazy-init.html"
    assert page.evaluate("document.documentElement.lang") == twin
    title = nbc.source(
        nbc.read(nbc.NOTEBOOKS / twin / "solutions" / "04-lazy-init.ipynb")["cells"][0]
    )
    assert page.inner_text("article h1").strip().rstrip("#").strip() == title.split("\n")[0][2:]
    assert problems == []
