"""Sphinx configuration shared by both editions of the book (see tools/bookbuild.py).

`tools/bookbuild.py` runs Sphinx once per edition with BOOK_LANGUAGE set to `en` or `id`, on a
staged copy of that edition's notebooks. The notebooks are rendered with their stored
outputs (myst-nb, execution off): nbval already proves those outputs.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(ROOT / "tools"))

import nbcommon as nbc  # noqa: E402

language = os.environ.get("BOOK_LANGUAGE", "")
if language not in nbc.LANGUAGES:
    raise RuntimeError(
        f"BOOK_LANGUAGE is {language!r}, expected one of {nbc.LANGUAGES}. "
        "This configuration is run by tools/bookbuild.py, which sets it: use `make site`."
    )
TWIN = {"en": "id", "id": "en"}[language]
EDITION = {
    "en": {
        "title": "Builders' Guide",
        "project": "Builders' Guide: a hands-on companion",
        "language_name": "English",
        "twin_label": "Bahasa Indonesia",
        "twin_title": "Baca halaman ini dalam Bahasa Indonesia",
    },
    "id": {
        "title": "Panduan Pembuat",
        "project": "Panduan Pembuat: pendamping praktik",
        "language_name": "Bahasa Indonesia",
        "twin_label": "English",
        "twin_title": "Read this page in English",
    },
}
LINKS = nbc.links()

project = EDITION[language]["project"]
author = "Builders' Guide companion contributors"
copyright = author
root_doc = "index"

extensions = ["myst_nb", "sphinx_copybutton"]
exclude_patterns = ["**/.ipynb_checkpoints"]
templates_path = [str(BOOK / "_templates")]

# Notebooks: stored outputs only; MyST markdown with $...$ and $$...$$ math.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
copybutton_exclude = ".linenos, .gp, .go"
# Tracebacks of intended errors: IPython's traceback colours (see _TracebackLexer).
nb_render_error_lexer = "book-traceback"

# Math: MathJax 3 from the sphinx-mathjax-offline package, copied into _static at build
# time (Sphinx would load it from a CDN otherwise).
mathjax_path = "mathjax/tex-chtml.js"
MATHJAX_PARTS = ("tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors")

html_theme = "sphinx_book_theme"
html_title = EDITION[language]["title"]
html_static_path = [str(BOOK / "_static")]
html_css_files = ["book.css"]
html_favicon = str(BOOK / "_static" / "favicon.svg")
html_show_sourcelink = False
html_last_updated_fmt = None
html_context = {
    "default_mode": "light",  # the figures are drawn on white
    "twin_language": TWIN,
    "twin_label": EDITION[language]["twin_label"],
    "twin_title": EDITION[language]["twin_title"],
}
html_theme_options = {
    "repository_url": f"https://github.com/{LINKS['slug']}",
    "repository_branch": LINKS["ref"],
    "path_to_docs": f"notebooks/{language}",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "navbar_persistent": [],  # search lives in the sidebar, no extra top bar
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}


def _traceback_lexer() -> type:
    """IPython's traceback lexer, made total: a character it cannot place (a backtick in
    an exception message, say) stays plain text instead of failing the highlight, which
    Sphinx would report as a warning, fatal under -W."""
    from ipython_pygments_lexers import IPythonTracebackLexer
    from pygments.filter import simplefilter
    from pygments.token import Error, Text

    @simplefilter
    def errors_as_text(self, lexer, stream, options):
        for ttype, value in stream:
            yield (Text if ttype is Error else ttype), value

    class TracebackLexer(IPythonTracebackLexer):
        name = "IPython traceback, lenient"
        aliases = ("book-traceback",)

        def __init__(self, **options):
            super().__init__(**options)
            self.add_filter(errors_as_text())

    return TracebackLexer


def _copy_mathjax(app, exception) -> None:
    """Copy the parts of MathJax that tex-chtml.js loads into the edition's _static."""
    if exception is not None or app.builder.format != "html":
        return
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "sphinx-mathjax-offline is not installed, so MathJax cannot be shipped with the "
            "book. Install the book's tools with `make site` (book/requirements.lock)."
        )
    source = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


def setup(app) -> None:
    app.add_lexer("book-traceback", _traceback_lexer())
    app.connect("build-finished", _copy_mathjax)
