"""The Bahasa Indonesia edition uses the terms that notebooks/id/GLOSSARY.md records.

The glossary table has a machine-readable column, "Hindari" (avoid): the variants that the
edition does not use, each between backticks. These tests read that column and check every
markdown cell and every code comment of notebooks/id (solutions included), and README.id.md,
for those variants. Code spans, fenced code, link targets, URLs, HTML and math are not prose
and are not checked, so code names such as `layer` or `bg.init_layers` never count.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbcommon as nbc
import pytest

GLOSSARY = nbc.NOTEBOOKS / "id" / "GLOSSARY.md"
README_ID = nbc.ROOT / "README.id.md"
ID_NOTEBOOKS = list(nbc.notebook_paths(("id",)))

NOT_PROSE = re.compile(
    r"```.*?```"  # fenced code
    r"|`[^`]*`"  # inline code, possibly wrapped over lines
    r"|\]\([^)]*\)"  # link target
    r"|https?://\S+"  # bare URL
    r"|<[^>\n]+>"  # HTML tag
    r"|\$[^$\n]+\$",  # inline math
    re.S,
)


@dataclass(frozen=True)
class Term:
    english: str
    indonesian: str
    avoid: tuple[str, ...]


def read_glossary(text: str) -> list[Term]:
    """The rows of the glossary table (header and separator rows skipped)."""
    terms = []
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4:
            raise ValueError(f"glossary row should have 4 columns, not {len(cells)}: {line!r}")
        if cells[0] == "English":
            continue
        avoid = tuple(re.findall(r"`([^`]+)`", cells[2]))
        terms.append(Term(english=cells[0], indonesian=cells[1], avoid=avoid))
    return terms


def english_glosses(terms: list[Term]) -> set[str]:
    """The italic English glosses the glossary prescribes, such as '(*layer*)'."""
    return {f"({gloss})" for term in terms for gloss in re.findall(r"\*[^*]+\*", term.indonesian)}


def prose_of_markdown(text: str, allowed: frozenset[str] = frozenset()) -> str:
    """Markdown with code, links' targets, URLs, HTML and math blanked, the allowed English
    glosses ('lapisan (*layer*)') blanked, and emphasis marks removed."""
    blanked = NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)
    for gloss in allowed:
        blanked = blanked.replace(gloss, " " * len(gloss))
    return blanked.replace("*", " ")


def comments_of_code(code: str) -> str:
    """The comments of a code cell, one per line (IPython magics and shell lines skipped)."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()]
    comments = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if tok.type == tokenize.COMMENT:
                comments.append(tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        comments = [line[line.index("#") :] for line in lines if "#" in line]
    return "\n".join(comments)


def variant_pattern(variant: str) -> re.Pattern[str]:
    """A whole-word, case-insensitive match for a variant; spaces match any whitespace."""
    words = [re.escape(word) for word in variant.split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])", re.IGNORECASE)


def violations(prose: str, terms: list[Term]) -> list[tuple[str, Term]]:
    """Every (text found, glossary row) where prose uses a variant the glossary avoids."""
    found = []
    for term in terms:
        for variant in term.avoid:
            for match in variant_pattern(variant).finditer(prose):
                found.append((" ".join(match.group(0).split()), term))
    return found


def describe(where: str, hits: list[tuple[str, Term]]) -> list[str]:
    return [
        f"{where}: '{text}' is avoided; GLOSSARY.md says '{term.indonesian}' for '{term.english}'"
        for text, term in hits
    ]


TERMS = read_glossary(GLOSSARY.read_text(encoding="utf-8"))
GLOSSES = frozenset(english_glosses(TERMS))


def test_glossary_rows_are_complete_and_never_avoid_their_own_choice() -> None:
    assert len(TERMS) >= 100, "the glossary should cover the chapter's vocabulary"
    problems = []
    for term in TERMS:
        if not term.english or not term.indonesian:
            problems.append(f"row {term.english!r}: an empty English or Indonesian column")
        chosen = prose_of_markdown(term.indonesian, GLOSSES)
        for variant in term.avoid:
            if variant_pattern(variant).search(chosen):
                problems.append(f"row {term.english!r}: avoids {variant!r}, its own choice")
    assert problems == []


def test_glossary_records_the_choices_the_edition_depends_on() -> None:
    by_english = {term.english: term for term in TERMS}
    assert by_english["layer"].indonesian.startswith("lapisan")
    assert "layer" in by_english["layer"].avoid
    assert by_english["lazy initialization"].indonesian.startswith("inisialisasi tertunda")
    assert {"malas", "kemalasan"} <= set(by_english["lazy initialization"].avoid)
    assert by_english["raise (an exception)"].indonesian == "memunculkan"
    assert "bita" in by_english["byte"].avoid
    assert "linier" in by_english["linear / nonlinear"].avoid


def test_checker_finds_a_variant_in_prose_and_comments_but_not_in_code() -> None:
    terms = [Term("layer", "lapisan (*layer*)", ("layer",)), Term("byte", "byte", ("bita",))]
    allowed = frozenset(english_glosses(terms))
    markdown = (
        "Sebuah lapisan (*layer*) memetakan tensor ke tensor.\n"
        "Setiap *layer* punya bobot; `layer.weight` dan `bg.init_layers` adalah kode,\n"
        "begitu pula [tautan](05-custom-layer.ipynb) dan https://example.com/layer.\n"
        "Sebuah `RuntimeError: the layer\nfailed` tetap kode. Ukurannya 8 BITA."
    )
    found = [text for text, _ in violations(prose_of_markdown(markdown, allowed), terms)]
    assert found == ["layer", "BITA"]
    code = 'for layer in net:  # setiap layer\n    print("layer")\n'
    assert [text for text, _ in violations(comments_of_code(code), terms)] == ["layer"]
    assert violations(prose_of_markdown("*multilayer perceptron*, sublapisan"), terms) == []


def test_checker_matches_phrases_across_line_breaks() -> None:
    terms = [Term("error (exception)", "error", ("pesan galat",))]
    hits = violations(prose_of_markdown("membaca pesan\ngalat ketika"), terms)
    assert [text for text, _ in hits] == ["pesan galat"]


@pytest.mark.parametrize("path", ID_NOTEBOOKS, ids=[nbc.repo_path(p) for p in ID_NOTEBOOKS])
def test_notebook_prose_uses_the_glossary_terms(path: Path) -> None:
    problems = []
    for index, cell in enumerate(nbc.read(path)["cells"]):
        text = nbc.source(cell)
        if cell["cell_type"] == "markdown":
            prose, kind = prose_of_markdown(text, GLOSSES), "markdown"
        elif cell["cell_type"] == "code":
            prose, kind = comments_of_code(text), "comment"
        else:
            continue
        where = f"{nbc.repo_path(path)} cell {index} ({kind})"
        problems += describe(where, violations(prose, TERMS))
    assert problems == [], "\n".join(problems)


def test_readme_id_uses_the_glossary_terms() -> None:
    prose = prose_of_markdown(README_ID.read_text(encoding="utf-8"), GLOSSES)
    problems = []
    for text, term in violations(prose, TERMS):
        problems += describe("README.id.md", [(text, term)])
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", ID_NOTEBOOKS, ids=[nbc.repo_path(p) for p in ID_NOTEBOOKS])
def test_english_gloss_appears_at_most_once_per_notebook(path: Path) -> None:
    """'lapisan (*layer*)' at first use, then 'lapisan': the English gloss in italics once."""
    glosses = set()
    for term in TERMS:
        match = re.fullmatch(r"[^*(]+ \((\*[^*]+\*)\)", term.indonesian)
        if match:
            glosses.add(match.group(1))
    assert "*layer*" in glosses
    markdown = "\n".join(
        NOT_PROSE.sub(" ", nbc.source(cell))
        for cell in nbc.read(path)["cells"]
        if cell["cell_type"] == "markdown"
    )
    repeated = {
        gloss: markdown.count(f"({gloss})")
        for gloss in sorted(glosses)
        if markdown.count(f"({gloss})") > 1
    }
    assert repeated == {}, f"{nbc.repo_path(path)}: English glosses repeated: {repeated}"
