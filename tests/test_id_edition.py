"""The Bahasa Indonesia edition stays in step with the English one.

Rules (also in the README): the same notebooks, the same cells in the same order with the
same tags; code identical once comments and prose strings are set aside; outputs identical
wherever the code prints no translated text; prose in Indonesian.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbcommon as nbc
import pytest
import sync_id

EN = list(nbc.notebook_paths(("en",)))
IDS = [nbc.repo_path(p) for p in EN]

ENGLISH = set(
    [
        "the",
        "and",
        "is",
        "are",
        "of",
        "to",
        "we",
        "you",
        "that",
        "this",
        "with",
        "for",
        "it",
        "its",
        "be",
        "by",
        "on",
        "as",
        "an",
        "can",
        "not",
        "what",
        "which",
        "when",
        "where",
        "how",
        "why",
        "there",
        "their",
        "these",
        "those",
        "will",
        "would",
        "should",
        "from",
        "at",
        "or",
        "but",
        "our",
        "your",
        "into",
        "each",
        "every",
        "then",
        "than",
        "only",
        "also",
        "has",
        "have",
        "was",
        "were",
    ]
)
INDONESIAN = set(
    [
        "dan",
        "yang",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "kita",
        "tidak",
        "pada",
        "dari",
        "adalah",
        "akan",
        "atau",
        "dalam",
        "juga",
        "tetapi",
        "bisa",
        "dapat",
        "sebuah",
        "setiap",
        "saat",
        "agar",
        "karena",
        "jika",
        "bahwa",
        "lebih",
        "kami",
        "anda",
        "mana",
        "apa",
        "bagaimana",
        "mengapa",
        "sudah",
        "belum",
        "hanya",
        "oleh",
        "sama",
        "ke",
        "di",
    ]
)


def prose_words(markdown: str) -> list[str]:
    """The words of a markdown cell that are prose: no code, links targets, math or HTML."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"<[^>]+>|https?://\S+", " ", text)
    return re.findall(r"[a-zA-Z]+", text.lower())


def looks_english(markdown: str) -> bool:
    words = prose_words(markdown)
    english = sum(w in ENGLISH for w in words)
    indonesian = sum(w in INDONESIAN for w in words)
    return english >= 3 and english > indonesian


def comparable_outputs(cell: dict) -> list:
    """A cell's outputs without images and execution counts."""
    result = []
    for out in cell.get("outputs", []):
        data = {k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")}
        result.append(
            (
                out["output_type"],
                out.get("name"),
                out.get("text"),
                data,
                out.get("ename"),
                out.get("evalue"),
            )
        )
    return result


def output_kinds(cell: dict) -> list:
    """What a cell showed, without its words: output types, streams, mime types, error classes."""
    return [
        (out["output_type"], out.get("name"), sorted(out.get("data", {})), out.get("ename"))
        for out in cell.get("outputs", [])
    ]


def test_language_heuristic_tells_the_two_languages_apart() -> None:
    assert looks_english(
        "Notice that the list hid the layers from PyTorch, so we use a `ModuleList`."
    )
    assert not looks_english(
        "Perhatikan bahwa daftar itu menyembunyikan layer dari PyTorch, jadi kita memakai `ModuleList`."
    )
    assert not looks_english("## Ringkasan")


@pytest.mark.parametrize("en_path", EN, ids=IDS)
def test_indonesian_notebook_exists_for_every_english_one(en_path: Path) -> None:
    id_path = sync_id.counterpart(en_path)
    assert id_path.exists(), f"{nbc.repo_path(id_path)} is missing (tools/sync_id.py --init)"


@pytest.mark.parametrize("en_path", EN, ids=IDS)
def test_editions_have_the_same_cells_tags_and_code(en_path: Path) -> None:
    id_path = sync_id.counterpart(en_path)
    if not id_path.exists():
        pytest.fail(f"{nbc.repo_path(id_path)} is missing")
    problems = sync_id.drift(nbc.read(en_path), nbc.read(id_path))
    assert problems == [], (
        f"{nbc.repo_path(id_path)} drifted: " + "; ".join(problems) + " (run `make sync-id`)"
    )


def _names(code: str, *, defined: bool) -> set[str]:
    """Top-level names a cell defines (defined=True) or any name it uses (defined=False)."""
    import ast

    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    if not defined:
        return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _without_comments(code: str) -> list[str]:
    return [line.split("#")[0].rstrip() for line in code.splitlines()]


@pytest.mark.parametrize("en_path", EN, ids=IDS)
def test_outputs_match_where_the_code_prints_nothing_translated(en_path: Path) -> None:
    """A cell may print translated text when its own code differs, when it calls `bg.check`,
    when it uses a name defined by a cell whose code differs (a helper that prints a
    translated label), or when it runs a script that a translated `%%writefile` cell wrote. A cell that calls the helper package (`bg.`), which speaks the
    notebook's language, must show the same kinds of output and the same error classes.
    Every other cell must store exactly the English outputs."""
    id_path = sync_id.counterpart(en_path)
    if not id_path.exists():
        pytest.fail(f"{nbc.repo_path(id_path)} is missing")
    en, id_ = nbc.read(en_path), nbc.read(id_path)
    translated_names: set[str] = set()
    translated_files: set[str] = set()
    for i, (a, b) in enumerate(zip(en["cells"], id_["cells"], strict=True)):
        if a["cell_type"] != "code":
            continue
        src_a, src_b = nbc.source(a), nbc.source(b)
        if _without_comments(src_a) != _without_comments(src_b):
            translated_names |= _names(src_a, defined=True)
            if src_a.startswith("%%writefile "):  # a script with translated labels
                translated_files.add(src_a.split()[1])
            continue
        if any(name in src_a for name in translated_files):
            continue
        if {nbc.SETUP_TAG, nbc.IGNORE_OUTPUT_TAG} & nbc.tags(a) or "bg.check." in src_a:
            continue
        if _names(src_a, defined=False) & translated_names:
            continue
        if "bg." in src_a:
            assert output_kinds(a) == output_kinds(b), (
                f"{nbc.repo_path(id_path)} cell {i}: the helper package printed other kinds of "
                "output or another error than in English (run `make sync-id`)"
            )
            continue
        assert comparable_outputs(a) == comparable_outputs(b), (
            f"{nbc.repo_path(id_path)} cell {i}: outputs differ from English for the same code "
            "(run `make sync-id`)"
        )


@pytest.mark.parametrize("en_path", EN, ids=IDS)
def test_no_indonesian_markdown_cell_was_left_in_english(en_path: Path) -> None:
    id_path = sync_id.counterpart(en_path)
    if not id_path.exists():
        pytest.fail(f"{nbc.repo_path(id_path)} is missing")
    for i, cell in enumerate(nbc.read(id_path)["cells"]):
        if cell["cell_type"] == "markdown":
            text = nbc.source(cell)
            assert not looks_english(text), f"cell {i} reads as English: {text[:120]!r}"


def test_glossary_lists_english_and_indonesian_terms() -> None:
    text = (nbc.NOTEBOOKS / "id" / "GLOSSARY.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|") and "---" not in line]
    assert len(rows) >= 25, "the glossary should cover the chapter's vocabulary"


def test_readmes_link_to_each_other() -> None:
    assert "README.id.md" in (nbc.ROOT / "README.md").read_text(encoding="utf-8")
    assert "README.md" in (nbc.ROOT / "README.id.md").read_text(encoding="utf-8")


def test_indonesian_overview_links_to_every_topic() -> None:
    overview = nbc.read(nbc.NOTEBOOKS / "id" / "00-builders-guide.ipynb")
    text = "\n".join(nbc.source(c) for c in overview["cells"] if c["cell_type"] == "markdown")
    for topic in nbc.TOPICS:
        if topic != "00-builders-guide":
            assert f"({topic}.ipynb)" in text, f"no link to {topic}.ipynb"
