"""What the maintenance scripts and the tests share: where notebooks are, how to read and
write them, and the two generated pieces of every notebook (badge row and setup cell).

Nothing here executes a notebook; see `regen.py` for that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LANGUAGES = ("en", "id")

TOPICS = {
    "00-builders-guide": "Chapter overview",
    "01-model-construction": "Layers and modules",
    "02-parameters": "Parameter management",
    "03-init-param": "Parameter initialization",
    "04-lazy-init": "Lazy initialization",
    "05-custom-layer": "Custom layers",
    "06-read-write": "File I/O",
    "07-use-gpu": "GPUs",
}
GPU_NOTEBOOK = "07-use-gpu"

SETUP_TAG = "setup"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"
INTENDED_ERROR_TAGS = frozenset({"raises-exception", "nbval-raises-exception"})
REQUIRES_GPU_TAG = "requires-gpu"


def links() -> dict[str, str]:
    """The repository slug and ref, from `links.toml` (the one place they live)."""
    with open(ROOT / "links.toml", "rb") as f:
        data = tomllib.load(f)
    return {"slug": data["slug"], "ref": data["ref"]}


def notebook_paths(languages: tuple[str, ...] = LANGUAGES) -> Iterator[Path]:
    """Every committed notebook, topics first then solutions, in a stable order."""
    for lang in languages:
        folder = NOTEBOOKS / lang
        yield from sorted(folder.glob("*.ipynb"))
        yield from sorted((folder / "solutions").glob("*.ipynb"))


def language_of(path: Path) -> str:
    rel = path.resolve().relative_to(NOTEBOOKS)
    return rel.parts[0]


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _as_lines(value: str | list[str]) -> list[str]:
    text = "".join(value) if isinstance(value, list) else value
    return text.splitlines(keepends=True)


def write(path: Path, nb: dict) -> None:
    """Write a notebook the way Jupyter does (indent 1, sorted keys, final newline), with
    multi-line text stored as lists of lines, so that diffs show the lines that changed."""
    for cell in nb["cells"]:
        cell["source"] = _as_lines(cell.get("source", ""))
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = _as_lines(out["text"])
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str | list):
                    out["data"][mime] = _as_lines(value)
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def set_source(cell: dict, text: str) -> None:
    lines = text.splitlines(keepends=True)
    cell["source"] = lines


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def repo_path(path: Path) -> str:
    """The notebook's path inside the repository, with forward slashes."""
    return path.resolve().relative_to(ROOT).as_posix()


def badge_row(path: Path, slug: str, ref: str) -> str:
    """The markdown row of launch badges for one notebook."""
    rel = repo_path(path)
    colab = f"https://colab.research.google.com/github/{slug}/blob/{ref}/{rel}"
    binder = f"https://mybinder.org/v2/gh/{slug}/{ref}?labpath={rel.replace('/', '%2F')}"
    kaggle = f"https://kaggle.com/kernels/welcome?src=https://github.com/{slug}/blob/{ref}/{rel}"
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
        f"[![Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)]({kaggle})"
    )


BADGE_PREFIX = "[![Open In Colab]"

_SETUP_TEXT = {
    "en": (
        "# Setup: the same cell opens every notebook (`make links` keeps it in step).",
        "# Colab or Kaggle: install the helpers, never torch or numpy",
        "device in use:",
    ),
    "id": (
        "# Persiapan: sel yang sama membuka setiap notebook (`make links` menjaganya tetap seragam).",
        "# Colab atau Kaggle: pasang paket pembantu, tanpa memasang ulang torch atau numpy",
        "perangkat yang dipakai:",
    ),
}


def setup_source(lang: str, slug: str, ref: str) -> str:
    """The setup cell of every notebook in language `lang`."""
    head, install, device_label = _SETUP_TEXT[lang]
    url = f"git+https://github.com/{slug}@{ref}#subdirectory=helpers"
    return "\n".join(
        [
            head,
            "try:",
            "    import builders_guide as bg",
            f"except ImportError:  {install}",
            f'    %pip install --quiet --no-deps "builders-guide @ {url}"',
            "    import builders_guide as bg",
            "import torch",
            "from torch import nn",
            "",
            "torch.manual_seed(0)",
            "torch.set_printoptions(precision=4, sci_mode=False)",
            f'bg.check.set_language("{lang}")',
            "device = bg.best_device()",
            "print(bg.versions())",
            f'print("{device_label}", device)',
        ]
    )


def colab_gpu_metadata() -> dict:
    """Notebook metadata that makes Colab open a notebook on a GPU runtime."""
    return {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}


def _is_prose(text: str) -> bool:
    """A string literal reads as prose (translatable) when it has a space or a non-ASCII letter."""
    return any(ch.isspace() for ch in text) or any(ord(ch) > 127 for ch in text)


def normalized_code(code: str) -> list[str]:
    """The tokens of a code cell with comments dropped and prose strings blanked.

    Two editions of a notebook must have equal normalized code in every cell: comments and
    string literals that read as prose (printed messages, plot titles, docstrings) may be
    translated; names, numbers, keys and everything else may not. IPython magic and shell
    lines (`%pip ...`, `!nvidia-smi`) are compared as written, minus a trailing comment.
    """
    import io
    import tokenize

    tokens: list[str] = []
    python_lines: list[str] = []
    for line in code.splitlines():
        if line.lstrip().startswith(("%", "!")):
            tokens.append(line.split(" #")[0].strip())
            python_lines.append("")
        else:
            python_lines.append(line)
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
        tokenize.ENCODING,
    }
    stringish = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)}
    try:
        stream = tokenize.generate_tokens(io.StringIO("\n".join(python_lines) + "\n").readline)
        for tok in stream:
            if tok.type in skip:
                continue
            if tok.type in stringish and _is_prose(tok.string):
                tokens.append("<prose>")
            else:
                tokens.append(tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [line.split("#")[0].rstrip() for line in code.splitlines() if line.strip()]
    return tokens
