"""What every committed notebook must be, beyond what nbval compares.

nbval re-runs each notebook and compares outputs; these tests check the stored notebooks
themselves: that nbval has something to compare, that nothing unintended was stored, and
that every notebook follows the same skeleton.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbcommon as nbc
import pytest

NOTEBOOKS = list(nbc.notebook_paths())
IDS = [nbc.repo_path(p) for p in NOTEBOOKS]

# An absolute path of somebody's machine: a home folder, a temp folder, a Windows user dir,
# or any path of three or more components starting at the root.
ABSOLUTE_PATH = re.compile(
    r"(?<![\w:/.])/(?:home|root|Users|tmp|var|private|work|opt|usr|mnt|content)/"
    r"|[A-Za-z]:\\\\(?:Users|Documents)"
    r"|(?<![\w:/.<])/(?:[\w.-]+/){2,}[\w.-]+"
)
HEADINGS = {
    "en": {"learn": "You will learn", "summary": "## Summary", "exercises": "## Exercises"},
    "id": {"learn": "Anda akan belajar", "summary": "## Ringkasan", "exercises": "## Latihan"},
}


def code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def lock_versions() -> dict[str, str]:
    pins = {}
    for line in (nbc.ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_every_topic_has_a_notebook_in_each_language() -> None:
    for lang in ("en",):
        names = {p.stem for p in (nbc.NOTEBOOKS / lang).glob("*.ipynb")}
        assert names == set(nbc.TOPICS), f"{lang}: missing {set(nbc.TOPICS) - names}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_executed_in_order(path: Path) -> None:
    """nbval does not compare cells that were never run, so each must carry its count."""
    nb = nbc.read(path)
    counts = []
    for i, cell in code_cells(nb):
        if not nbc.source(cell).strip():
            continue
        if nbc.REQUIRES_GPU_TAG in nbc.tags(cell):
            assert nbc.IGNORE_OUTPUT_TAG in nbc.tags(cell), (
                f"cell {i} is tagged requires-gpu; tag it {nbc.IGNORE_OUTPUT_TAG} too, "
                "because its stored outputs come from a CPU run"
            )
            continue
        assert cell.get("execution_count") is not None, (
            f"cell {i} was never executed; run `make regen`"
        )
        counts.append(cell["execution_count"])
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts} are not 1..n: run the notebook top to bottom (`make regen`)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_errors_appear_only_in_cells_tagged_as_intended(path: Path) -> None:
    for i, cell in code_cells(nbc.read(path)):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        intended = bool(nbc.INTENDED_ERROR_TAGS & nbc.tags(cell))
        if intended:
            assert errors, f"cell {i} is tagged as an intended error but raised nothing"
        else:
            names = [e["ename"] for e in errors]
            assert not errors, f"cell {i} stored an error {names} without a raises-exception tag"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stderr_svg_or_absolute_path_in_outputs(path: Path) -> None:
    for i, cell in code_cells(nbc.read(path)):
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                assert out["name"] != "stderr", f"cell {i} wrote to stderr: {out['text']!r:.200}"
            data = out.get("data", {})
            assert "image/svg+xml" not in data, f"cell {i} stored an SVG figure; use PNG"
            texts = [out.get("text", ""), "\n".join(out.get("traceback", []))]
            texts += [v for k, v in data.items() if k.startswith("text/")]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                match = ABSOLUTE_PATH.search(text)
                assert match is None, f"cell {i} shows a path of this machine: {match.group(0)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_come_from_the_locked_versions(path: Path) -> None:
    """The setup cell prints the versions it ran with; they must be the lock's."""
    import builders_guide

    nb = nbc.read(path)
    setup = [c for c in nb["cells"] if nbc.SETUP_TAG in nbc.tags(c)]
    assert len(setup) == 1, "expected exactly one setup cell"
    text = "".join("".join(o.get("text", "")) for o in setup[0].get("outputs", []) if "text" in o)
    found = dict(re.findall(r"(\w+) ([\w.+]+)", text.splitlines()[0] if text else ""))
    pins = lock_versions()
    assert found, "the setup cell has no stored version line; run `make regen`"
    for name in ("torch", "numpy", "matplotlib"):
        stored = found.get(name, "missing").split("+")[0]
        assert stored == pins[name], f"{name} {stored} in the outputs, {pins[name]} in the lock"
    assert found.get("builders_guide") == builders_guide.__version__


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_follows_the_house_skeleton(path: Path) -> None:
    """Title, badges, 'you will learn', setup; topic notebooks end with summary and exercises."""
    nb = nbc.read(path)
    lang = nbc.language_of(path)
    cells = nb["cells"]
    first = nbc.source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# "), "no title"
    assert nbc.BADGE_PREFIX in first, "no badge row under the title"
    setup_index = next(i for i, c in enumerate(cells) if nbc.SETUP_TAG in nbc.tags(c))
    assert nbc.IGNORE_OUTPUT_TAG in nbc.tags(cells[setup_index]), "setup output names the device"
    intro = "\n".join(nbc.source(c) for c in cells[:setup_index])
    assert HEADINGS[lang]["learn"] in intro, "no 'you will learn' list before the setup cell"
    is_topic = path.parent.name == lang and path.stem != "00-builders-guide"
    if is_topic:
        headings = [nbc.source(c).split("\n")[0] for c in cells if c["cell_type"] == "markdown"]
        for key in ("summary", "exercises"):
            assert HEADINGS[lang][key] in headings, f"no '{HEADINGS[lang][key]}' section"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_every_solution_belongs_to_a_topic() -> None:
    for lang in nbc.LANGUAGES:
        for path in (nbc.NOTEBOOKS / lang / "solutions").glob("*.ipynb"):
            assert path.stem in nbc.TOPICS, f"{nbc.repo_path(path)} matches no topic"


def test_gpu_notebook_opens_on_a_colab_gpu_runtime() -> None:
    for lang in nbc.LANGUAGES:
        path = nbc.NOTEBOOKS / lang / f"{nbc.GPU_NOTEBOOK}.ipynb"
        if path.exists():
            meta = nbc.read(path)["metadata"]
            assert meta.get("accelerator") == "GPU"
            assert meta.get("colab", {}).get("gpuType")


UNSOLVED = {"en": "Not solved yet", "id": "Belum dikerjakan"}


def check_cells(nb: dict) -> list[tuple[int, str]]:
    """(index, stored text output) of every cell that calls an exercise check."""
    found = []
    for i, cell in code_cells(nb):
        src = nbc.source(cell)
        if re.search(r"bg\.check\.(?!make_nested_net)\w+\(", src):
            text = "".join(
                "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                for o in cell.get("outputs", [])
            )
            found.append((i, text))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_topic_notebooks_keep_unsolved_starters_and_solutions_pass(path: Path) -> None:
    """A topic notebook's checks say 'not solved yet' and return False (the learner's turn);
    a solutions notebook never shows an unsolved check, and its reference answers pass
    (a deliberately wrong answer shown for contrast may return False)."""
    nb = nbc.read(path)
    unsolved = UNSOLVED[nbc.language_of(path)]
    checks = check_cells(nb)
    if path.parent.name == "solutions":
        assert all(unsolved not in text for _, text in checks), "a solution left unsolved"
        if checks:
            assert any(text.strip().endswith("True") for _, text in checks), "no check passes"
        return
    for i, text in checks:
        assert unsolved in text and text.strip().endswith("False"), (
            f"cell {i}: the committed exercise must hold the unsolved starter"
        )
