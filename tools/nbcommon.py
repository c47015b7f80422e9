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
            f'bg.set_language("{lang}")',
            "bg.check_versions()",
            "device = bg.best_device()",
            "print(bg.versions())",
            f'print("{device_label}", device)',
        ]
    )


def colab_gpu_metadata() -> dict:
    """Notebook metadata that makes Colab open a notebook on a GPU runtime."""
    return {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}


def _is_prose(text: str) -> bool:
    """A string reads as prose (translatable anywhere) when it has a space or a non-ASCII letter."""
    return any(ch.isspace() for ch in text) or any(ord(ch) > 127 for ch in text)


LABEL_CALLS = frozenset(
    {
        "print",
        "set_title",
        "set_xlabel",
        "set_ylabel",
        "suptitle",
        "supxlabel",
        "supylabel",
        "title",
        "xlabel",
        "ylabel",
        "legend",
        "text",
        "annotate",
        "set_label",
    }
)
"""Calls whose standalone string arguments are shown to the reader: printed labels and
figure text. Such a string is translatable even without a space: `print("doubled:", ok)`."""

LABEL_KEYWORDS = frozenset({"label", "title", "xlabel", "ylabel", "suptitle"})
"""Keyword arguments that carry figure text, in any call: `ax.plot(x, y, label="tied")`."""

_COMPARISONS = frozenset({"==", "!=", "<", ">", "<=", ">=", "in", "is", "not"})


def _split_fstring(body: str) -> list[tuple[str, ...]]:
    """Split an f-string's body into ("lit", text) and ("field", expr, conversion, spec)."""
    parts: list[tuple[str, ...]] = []
    literal: list[str] = []
    i, n = 0, len(body)
    while i < n:
        if body[i : i + 2] in ("{{", "}}"):
            literal.append(body[i])
            i += 2
            continue
        if body[i] != "{":
            literal.append(body[i])
            i += 1
            continue
        parts.append(("lit", "".join(literal)))
        literal = []
        j, depth, quote = i + 1, 0, ""
        while j < n:
            ch = body[j]
            if quote:
                if body.startswith(quote, j):
                    j, quote = j + len(quote), ""
                else:
                    j += 1
                continue
            if ch in "'\"":
                quote = body[j : j + 3] if body[j : j + 3] in ("'''", '"""') else ch
                j += len(quote)
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (ch == ":" or (ch == "!" and body[j + 1 : j + 2] != "=")):
                break
            j += 1
        expr, conversion, spec = body[i + 1 : j], "", ""
        if body[j : j + 1] == "!":
            conversion, j = body[j + 1 : j + 2], j + 2
        if body[j : j + 1] == ":":
            k, depth = j + 1, 0
            while k < n and not (body[k] == "}" and depth == 0):
                depth += {"{": 1, "}": -1}.get(body[k], 0)
                k += 1
            spec, j = body[j + 1 : k], k
        parts.append(("field", expr, conversion, spec))
        i = j + 1
    parts.append(("lit", "".join(literal)))
    return parts


def _string_tokens(literal: str, label: bool) -> list[str]:
    """The normalized tokens of one string literal (an f-string is taken apart)."""
    prefix = literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))]
    if "f" not in prefix.lower():
        return ["<prose>" if label or _is_prose(literal) else literal]
    quote = literal[len(prefix) : len(prefix) + 3]
    quote = quote if quote in ("'''", '"""') else quote[0]
    parts = _split_fstring(literal[len(prefix) + len(quote) : len(literal) - len(quote)])
    literals = [part[1] for part in parts if part[0] == "lit" and part[1]]
    prose = label or any(_is_prose(text) for text in literals)
    fields = [
        " ".join(_normalized_tokens(expr, label=prose))
        + (f"!{conversion}" if conversion else "")
        + (f":{spec}" if spec else "")
        for kind, *rest in parts
        if kind == "field"
        for expr, conversion, spec in [rest]
    ]
    if prose:  # translated prose may reorder its fields, but must show the same ones
        return ["f<", "<prose>", *sorted(fields), ">"]
    ordered = [
        part[1] if part[0] == "lit" else fields.pop(0) for part in parts if part != ("lit", "")
    ]
    return ["f<", *ordered, ">"]


def _is_label(tokens: list[tuple[int, str]], i: int, stack: list[tuple[str, str]]) -> bool:
    """Whether the string at `tokens[i]` is text shown to the reader (see LABEL_CALLS)."""
    if not stack:
        return False
    import tokenize

    prev = tokens[i - 1][1] if i > 0 else ""
    after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
    kind, name = stack[-1]
    if kind == "field":  # a string inside a printed f-string's field: `{name or '(root)'}`
        return name == "label" and prev not in _COMPARISONS and after not in _COMPARISONS
    if kind == "call" and prev == "=" and i >= 2:
        return tokens[i - 2][0] == tokenize.NAME and tokens[i - 2][1] in LABEL_KEYWORDS
    if prev not in ("(", ",", "[") or after not in (",", ")", "]"):
        return False
    for kind, name in reversed(stack):  # through list literals and parentheses, to a call
        if kind == "call":
            return name in LABEL_CALLS  # print("a:", x), legend(["a", "b"]), print(*["a", "b"])
        if kind not in ("[", "("):
            return False  # a subscript d["key"], a dict or a set
    return False


def _merged_tokens(source: str) -> list[tuple[int, str]]:
    """Significant (type, string) tokens; on Python 3.12+ an f-string is one STRING token,
    as it is on 3.11, so that both versions normalize alike."""
    import io
    import tokenize

    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
        tokenize.ENCODING,
    }
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    lines = source.splitlines(keepends=True)
    tokens: list[tuple[int, str]] = []
    depth, start = 0, (0, 0)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if fstring_start is not None and tok.type == fstring_start:
            depth += 1
            if depth == 1:
                start = tok.start
            continue
        if depth:
            if tok.type == fstring_end:
                depth -= 1
                if depth == 0:
                    (r0, c0), (r1, c1) = start, tok.end
                    text = "".join(lines[r0 - 1 : r1])
                    text = text[c0 : len(text) - len(lines[r1 - 1]) + c1]
                    tokens.append((tokenize.STRING, text))
            continue
        if tok.type not in skip:
            tokens.append((tok.type, tok.string))
    return tokens


def _normalized_tokens(code: str, label: bool | None = None) -> list[str]:
    """Normalize Python code; `label` is set when `code` is a field of an f-string
    (True: the f-string is shown to the reader)."""
    import keyword
    import tokenize

    tokens = _merged_tokens(code)
    stack: list[tuple[str, str]] = [] if label is None else [("field", "label" if label else "")]
    out: list[str] = []
    for i, (kind, text) in enumerate(tokens):
        if kind == tokenize.STRING:
            out.extend(_string_tokens(text, _is_label(tokens, i, stack)))
            continue
        out.append(text)
        if kind == tokenize.OP and text in "([{":
            prev_kind, prev = tokens[i - 1] if i > 0 else (None, "")
            callee = prev_kind == tokenize.NAME and not keyword.iskeyword(prev)
            follows_value = callee or prev in (")", "]") or prev_kind == tokenize.STRING
            if text == "(" and follows_value:
                stack.append(("call", prev if callee else ""))
            elif text == "[" and follows_value:
                stack.append(("subscript", ""))
            else:
                stack.append((text, ""))
        elif kind == tokenize.OP and text in ")]}" and stack and stack[-1][0] != "field":
            stack.pop()
    return out


def normalized_code(code: str) -> list[str]:
    """The tokens of a code cell with comments dropped and translatable strings blanked.

    Two editions of a notebook must have equal normalized code in every cell. Translatable
    (blanked to `<prose>`):

    - comments;
    - string literals that read as prose: a space or a non-ASCII letter (messages, docstrings);
    - text shown to the reader even without a space: standalone string arguments of `print`
      and of figure-text calls (`set_title`, `set_xlabel`, `legend`, ... see LABEL_CALLS),
      also as elements of a list or tuple written inside such a call,
      `label=`/`title=`/`xlabel=`/`ylabel=` keyword values, and the literal text of such an
      f-string, so `print("doubled:", ok)` and `print(f"{name or '(root)':<16}")` translate.

    Everything else is compared: names, numbers, dictionary keys and subscripts
    (`d["weight"]`), dtype and device strings (`"cuda"`), file names, the expressions and
    format specs of every f-string field (a translated f-string may reorder its fields, not
    change them), and strings compared with `==` or `in`. IPython magic and shell lines
    (`%pip ...`, `!nvidia-smi`) are compared as written, minus a trailing comment.
    """
    import tokenize

    python_lines: list[str] = []
    magic: list[str] = []
    for line in code.splitlines():
        if line.lstrip().startswith(("%", "!")):
            magic.append(line.split(" #")[0].strip())
            python_lines.append("")
        else:
            python_lines.append(line)
    try:
        tokens = _normalized_tokens("\n".join(python_lines) + "\n")
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [line.split("#")[0].rstrip() for line in code.splitlines() if line.strip()]
    return magic + tokens
