"""The message catalog: both languages complete, placeholders aligned, every key used, and
everything the package prints, raises or draws following `bg.set_language`.

The last test is the issue's "done when": no stored output of an Indonesian notebook holds
English that the helper package produced.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import builders_guide as bg
import nbcommon as nbc
import pytest
import torch
from builders_guide import catalog, language
from builders_guide.catalog import MESSAGES
from builders_guide.language import message, number
from torch import nn

PACKAGE = Path(bg.__file__).resolve().parent
AREAS = sorted(p.stem for p in (PACKAGE / "catalog").glob("*.py") if p.stem != "__init__")

SAME_IN_BOTH: frozenset[str] = frozenset(
    {
        "check.got_none",  # Python's `None`, as the learner's code returned it
    }
)
"""Keys whose Indonesian text may equal the English one because it is a code name (a
function, a unit, a dtype). Keep it small and say why for each entry."""


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """Every test starts and ends in English, whatever it switched to."""
    bg.set_language("en")
    yield
    bg.set_language("en")


def fields(template: str) -> list[tuple[str, str, str]]:
    """The (name, conversion, spec) of every placeholder, sorted."""
    found = [
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    ]
    return sorted(found)


# --------------------------------------------------------------------------- the catalog


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_the_same_keys_in_english_and_indonesian(area: str) -> None:
    module = importlib.import_module(f"builders_guide.catalog.{area}")
    assert set(module.EN) == set(module.ID), (
        f"catalog/{area}.py: only in EN {sorted(set(module.EN) - set(module.ID))}, "
        f"only in ID {sorted(set(module.ID) - set(module.EN))}"
    )
    assert module.EN, f"catalog/{area}.py is empty"


def test_catalog_merges_every_area_under_its_prefix() -> None:
    assert set(MESSAGES) == set(language.LANGUAGES)
    for area in AREAS:
        module = importlib.import_module(f"builders_guide.catalog.{area}")
        for key, text in module.EN.items():
            assert MESSAGES["en"][f"{area}.{key}"] == text
            assert MESSAGES["id"][f"{area}.{key}"] == module.ID[key]
    assert MESSAGES["en"].keys() == MESSAGES["id"].keys()


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_placeholders_match_between_languages(key: str) -> None:
    assert fields(MESSAGES["en"][key]) == fields(MESSAGES["id"][key])


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_indonesian_text_is_a_translation_not_a_copy(key: str) -> None:
    en, id_ = MESSAGES["en"][key], MESSAGES["id"][key]
    if key in SAME_IN_BOTH:
        assert en == id_, f"{key} is allowed to stay English but no longer does: drop it"
    else:
        assert en != id_, f"{key} is still English in the Indonesian catalog: {id_!r}"


MESSAGE_HELPERS = frozenset({"message", "msg", "say"})
"""Functions that take a catalog key as their first argument: ``language.message`` with a
full key, and the area-local wrappers (``check``'s ``msg``, ``checkpoint``'s ``say``) with a
bare key that the area's prefix completes."""


def _string_constants(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def catalog_references() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """What the package's code says about catalog keys: (used, asked_for).

    ``used``: every key the code names, either in full as a string constant anywhere
    (``"params.totals"``), or bare as a string constant inside the module or package of its
    own area (``"truncated"`` in ``checkpoint/`` for ``checkpoint.truncated``; ``__main__.py``
    is area ``main``). ``asked_for``: the keys the code passes to a message helper
    (:data:`MESSAGE_HELPERS`), each of which must exist. A key built by an f-string in the
    area's code (``msg(f"{name}.hint1")``, ``f"mix_{side}_bad"``) counts every key of the area
    that fits its literal parts; an f-string with fewer than three letters besides the area
    prefix (``message(f"check.{key}")``, the wrapper itself) counts none.
    """
    full = re.compile(rf"^(?:{'|'.join(AREAS)})\.[a-z0-9_]+$")
    bare = re.compile(r"^[a-z0-9_]+$")
    used: dict[str, list[str]] = {}
    asked: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "catalog":
            continue
        area = "main" if rel.stem == "__main__" else rel.parts[0].removesuffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for joined in ast.walk(tree):
            if not isinstance(joined, ast.JoinedStr) or area not in AREAS:
                continue
            literal = "".join(p.value for p in joined.values if isinstance(p, ast.Constant))
            if sum(ch.isalnum() for ch in literal.removeprefix(f"{area}.")) < 3:
                continue
            regex = "".join(
                re.escape(part.value) if isinstance(part, ast.Constant) else r"[a-z0-9_.]+"
                for part in joined.values
            )
            prefix = "" if literal.startswith(f"{area}.") else re.escape(f"{area}.")
            for key in MESSAGES["en"]:
                if re.fullmatch(prefix + regex, key):
                    used.setdefault(key, []).append(rel.as_posix())
        for text in _string_constants(tree):
            if full.match(text):
                used.setdefault(text, []).append(rel.as_posix())
            elif area in AREAS and f"{area}.{text}" in MESSAGES["en"]:
                used.setdefault(f"{area}.{text}", []).append(rel.as_posix())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.lstrip("_") not in MESSAGE_HELPERS:
                continue
            for text in _string_constants(node.args[0]):
                key = text if full.match(text) else f"{area}.{text}" if bare.match(text) else None
                if key is not None:
                    asked.setdefault(key, []).append(rel.as_posix())
    return used, asked


def test_every_key_the_code_asks_for_exists_in_the_catalog() -> None:
    used, asked = catalog_references()
    unknown = {k: v for k, v in {**used, **asked}.items() if k not in MESSAGES["en"]}
    assert unknown == {}, "the code asks for keys the catalog lacks"


def test_reference_scan_sees_full_bare_and_built_keys() -> None:
    used, asked = catalog_references()
    assert used["params.totals"] == ["params.py"]
    assert asked["init.needs_input"] == ["init.py"]
    assert "main.description" in used, "__main__.py belongs to area 'main'"
    assert "params.no_such_key" not in used


def test_every_catalog_key_is_used_by_the_code() -> None:
    used, _ = catalog_references()
    dead = sorted(MESSAGES["en"].keys() - used.keys())
    assert dead == [], "catalog entries that no module names: remove them, or name them"


def test_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError):
        message("params.no_such_key")


@pytest.mark.parametrize("module", [language, catalog])
def test_language_doctests_pass(module) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------- the setting


def test_set_language_switches_every_message_and_rejects_unknown_codes() -> None:
    bg.set_language("id")
    assert bg.get_language() == "id"
    assert message("language.yes") == "ya"
    with pytest.raises(ValueError, match=r"bahasa 'fr' tidak dikenal.*bg\.set_language\('id'\)"):
        bg.set_language("fr")
    assert bg.get_language() == "id", "a refused code leaves the setting as it was"
    bg.set_language("en")
    with pytest.raises(ValueError, match=r"unknown language 'fr'\. The package speaks 'en', 'id'"):
        bg.set_language("fr")


def test_numbers_use_indonesian_marks_in_indonesian_only() -> None:
    assert number(8561, lang="id") == "8.561"
    assert number(8561, lang="en") == "8,561"
    assert number(0.53, ".2f", lang="id") == "0,53"
    assert number(1234567.891, ",.2f", lang="id") == "1.234.567,89"
    assert number(1234567.891, ",.2f", lang="en") == "1,234,567.89"
    assert number(12, lang="id") == "12"
    bg.set_language("id")
    assert number(8561) == "8.561"


def test_message_swaps_marks_of_numbers_but_not_of_text_or_reprs() -> None:
    text = message("params.totals", lang="id", total=1001000, trainable=8561, tensors=2)
    assert text.startswith("total: 1.001.000 parameter (8.561 dapat dilatih) dalam 2 tensor")
    # a repr (conversion !r) and a string field keep their own dots and commas
    bad = message(
        "gpu_results.bad_value", lang="id", name="a.json", section="s", field="f", value=1.5
    )
    assert bad.startswith("'a.json': s.f bernilai 1.5, seharusnya bilangan positif.")
    assert message("timing.result", lang="id", median=1.25, iqr=0.5, unit="ms", runs=7) == (
        "median 1,25 ms (IQR 0,5 ms, 7 pengulangan)"
    )
    # booleans are not numbers to format
    assert language._Formatter("id").format("{x}", x=True) == "True"


# --------------------------------------------------------------------------- the package's output


def tied_model() -> nn.Module:
    shared = nn.Linear(40, 40)
    net = nn.Sequential(nn.Linear(30, 40), shared, nn.ReLU(), shared, nn.BatchNorm1d(40))
    net[0].requires_grad_(False)
    return net


def test_param_table_speaks_indonesian_after_set_language_id() -> None:
    table = bg.param_table(tied_model())
    bg.set_language("id")
    text = str(table)
    lines = text.splitlines()
    assert lines[0].split() == [
        "nama", "jenis", "bentuk", "dtype", "perangkat", "numel", "dapat", "dilatih", "terikat",
        "dengan",
    ]  # fmt: skip
    assert lines[1].split()[-1] == "tidak"  # the frozen first layer
    assert lines[3].split() == [
        "1.weight", "parameter", "(40,", "40)", "float32", "cpu", "1.600", "ya", "3.weight",
    ]  # fmt: skip
    assert lines[-1] == (
        "total: 2.960 parameter (1.720 dapat dilatih) dalam 6 tensor; tensor terikat dihitung sekali"
    )
    html = table._repr_html_()
    assert "<th>terikat dengan</th>" in html and "<td>tidak</td>" in html
    assert "<p>total: 2.960 parameter (1.720 dapat dilatih)" in html
    for english in ("name", "trainable", "tied with", ">yes<", ">no<", "tensors counted"):
        assert english not in text + html


def test_param_table_speaks_english_after_set_language_en() -> None:
    bg.set_language("id")
    table = bg.param_table(tied_model())
    bg.set_language("en")
    text = str(table)
    assert text.splitlines()[0].split() == [
        "name", "kind", "shape", "dtype", "device", "numel", "trainable", "tied", "with",
    ]  # fmt: skip
    assert text.splitlines()[1].split()[-1] == "no"
    assert text.splitlines()[-1] == (
        "total: 2,960 parameters (1,720 trainable) in 6 tensors; tied tensors counted once"
    )
    assert "<th>tied with</th>" in table._repr_html_()


def test_lazy_rows_and_count_params_error_speak_indonesian() -> None:
    net = nn.Sequential(nn.LazyLinear(3))
    bg.set_language("id")
    table = str(bg.param_table(net))
    assert "belum diinisialisasi" in table
    assert table.splitlines()[-1].endswith("; 2 tensor lagi belum diinisialisasi (tertunda)")
    with pytest.raises(ValueError, match=r"^Parameter tidak dapat dihitung: 2 di antaranya"):
        bg.count_params(net)


def test_lazy_init_errors_speak_indonesian() -> None:
    bg.set_language("id")
    with pytest.raises(bg.LazyInitError, match=r"^bg\.materialize memerlukan contoh masukan"):
        bg.materialize(nn.LazyLinear(2))
    with pytest.raises(bg.LazyInitError, match=r"^Tidak dapat menginisialisasi lapisan '1' \("):
        bg.init_layers(nn.Sequential(nn.Linear(2, 2), nn.LazyLinear(3)), nn.init.zeros_)
    with pytest.raises(bg.LazyInitError, match=r"^Lintasan percobaan Sequential pada masukan"):
        bg.materialize(nn.Sequential(nn.LazyLinear(4), nn.Linear(5, 1)), torch.zeros(2, 3))


def test_device_errors_and_env_report_speak_indonesian(monkeypatch) -> None:
    from builders_guide import devices

    monkeypatch.setattr(devices, "accelerator_type", lambda: None)
    bg.set_language("id")
    with pytest.raises(bg.DeviceError, match=r"^Tidak ada perangkat akselerator 3: mesin ini"):
        bg.gpu(3)
    report = bg.env_report()
    labels = [line[:15].strip() for line in report.splitlines()]
    assert "sistem" in labels and "thread torch" in labels and "akselerator" in labels
    assert "akselerator     tidak ada (hanya CPU)" in report
    cpu_line = next(line for line in report.splitlines() if line.startswith("cpu "))
    assert re.search(r"\d+ inti(, \d+,\d GiB)?$", cpu_line), cpu_line
    bg.set_language("en")
    assert "accelerator     none (CPU only)" in bg.env_report()


def test_main_prints_the_report_in_the_language_asked_for(capsys) -> None:
    from builders_guide.__main__ import main

    main(["--lang", "id"])
    assert "thread torch" in capsys.readouterr().out
    assert bg.get_language() == "en", "--lang applies to that one report only"
    main([])
    assert "torch threads" in capsys.readouterr().out


def test_benchmark_results_and_timer_errors_speak_indonesian() -> None:
    result = bg.BenchmarkResult(median=1.23e-3, iqr=5e-5, mean=1.3e-3, number_of_runs=1200)
    bg.set_language("id")
    assert str(result) == "median 1,23 ms (IQR 0,05 ms, 1200 pengulangan)"
    one = bg.BenchmarkResult(median=2.5, iqr=0.0, mean=2.5, number_of_runs=1, label="mm")
    assert str(one) == "mm: median 2,5 s (IQR 0 s, 1 pengulangan)"
    with pytest.raises(RuntimeError, match=r"^Timer\.stop\(\) dipanggil sebelum start\(\)"):
        bg.Timer().stop()
    with pytest.raises(ValueError, match=r"^Timer\.avg\(\): belum ada waktu yang tercatat"):
        bg.Timer().avg()
    bg.set_language("en")
    assert str(result) == "median 1.23 ms (IQR 0.05 ms, 1200 runs)"


def test_default_figure_text_follows_the_language() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bg.set_language("id")
    try:
        ax = bg.hist_params(nn.Linear(3, 3))
        assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
            "Distribusi nilai",
            "nilai",
            "jumlah",
        )
        ax = bg.bar_timings({"a": 1e-3})
        assert (ax.get_title(), ax.get_ylabel()) == ("Waktu per panggilan", "waktu (ms)")
        with pytest.raises(ValueError, match=r"^Satuan waktu 'h' tidak dikenal"):
            bg.bar_timings({"a": 1.0}, unit="h")
        with pytest.raises(ValueError, match=r"^hist_params: \['weight', 'bias'\] belum"):
            bg.hist_params(nn.LazyLinear(2))
        with pytest.raises(ValueError, match=r"^plot menerima 2 deret x tetapi 3 deret y"):
            bg.plot([[0, 1], [0, 1]], [[0, 1], [1, 2], [2, 3]])
    finally:
        plt.close("all")


def gpu_results_fixture() -> dict:
    path = Path(__file__).parent / "fixtures" / "cuda-fixture.json"
    return json.loads(path.read_text(encoding="utf-8"))


def figure_text(fig) -> list[str]:
    texts = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.get_xticklabels()]
        legend = ax.get_legend()
        texts += [t.get_text() for t in legend.get_texts()] if legend else []
    return texts


def test_gpu_results_figure_and_errors_speak_indonesian(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bg.set_language("id")
    try:
        texts = figure_text(bg.plot_gpu_results(gpu_results_fixture()))
    finally:
        plt.close("all")
    assert texts[0].startswith("Diukur pada FIXTURE GPU")
    for expected in ("bf16\n(terbaik)", "puncak bf16 (dense)", "terkunci\n(pinned)",
                     "waktu total (ms)", "sinkron sekali\ndi akhir"):  # fmt: skip
        assert expected in texts
    assert any(t.startswith("salinan host → perangkat") for t in texts)
    english = [t for t in texts if re.search(r"Measured|best|peak|limit|sync|total time", t)]
    assert english == []
    missing = tmp_path / "cuda-none.json"
    with pytest.raises(bg.GpuResultsError, match=r"^Tidak ada berkas hasil GPU 'cuda-none\.json'"):
        bg.read_gpu_results(missing)


# --------------------------------------------------------------------------- done when

FIGURE_ONLY = frozenset(
    {
        "plotting.hist_xlabel",
        "plotting.hist_ylabel",
        "plotting.hist_series",
        "gpu_results.pinned",
        "gpu_results.pageable",
    }
)
"""Short words that only appear inside figures, which notebooks store as PNG: no text output
can hold them, and the figure tests above check them."""

ALIGNED_WORDS = frozenset(
    {
        "params.column_name",
        "params.column_kind",
        "params.column_shape",
        "params.column_device",
        "params.column_trainable",
        "params.uninitialized",
        "language.yes",
        "language.no",
        "devices.report_platform",
        "devices.report_device",
        "devices.not_installed",
    }
)
"""Short words of the parameter table and the environment report: too common to search alone
("device", "shape" and "uninitialized" also appear in PyTorch's own errors, which stay
English), so they are
searched where the package puts them: as an HTML cell, or set off by a two-space gap in a
text table."""

PART_OF_OTHERS = frozenset({"compat.and"})
"""Joiners too short to search alone; they only appear inside other messages, whose own
patterns find them."""

EXEMPT = FIGURE_ONLY | PART_OF_OTHERS | SAME_IN_BOTH


def test_detector_lists_name_real_keys() -> None:
    for listed in (SAME_IN_BOTH, FIGURE_ONLY, ALIGNED_WORDS, PART_OF_OTHERS):
        assert listed <= MESSAGES["en"].keys(), sorted(listed - MESSAGES["en"].keys())


def template_pattern(template: str) -> re.Pattern[str] | None:
    """A regex for a rendering of `template`: its literal text, and in each placeholder any
    text on the line (a formatted number or a repr: no spaces).

    Placeholders at either end are dropped (they could be anything). None when the literal
    text has fewer than four letters: too short to tell English from a name or a number.
    """
    parts: list[str] = []  # re-escaped literal text and placeholder patterns, in order
    literal: list[bool] = []
    for text, name, spec, conversion in string.Formatter().parse(template):
        parts.append(text)
        literal.append(True)
        if name is not None:
            parts.append(r"\S+?" if spec or conversion else r"[^\n]*?")
            literal.append(False)
    if (
        sum(ch.isalpha() for part, lit in zip(parts, literal, strict=True) if lit for ch in part)
        < 4
    ):
        return None
    while not literal[0] or not parts[0].strip():
        parts.pop(0)
        literal.pop(0)
    dropped_tail = False
    while not literal[-1] or not parts[-1].strip():
        dropped_tail |= not literal[-1]
        parts.pop()
        literal.pop()
    whole = template.strip()
    parts[0], parts[-1] = parts[0].lstrip(), parts[-1].rstrip()
    regex = "".join(re.escape(p) if lit else p for p, lit in zip(parts, literal, strict=True))
    start = r"(?<!\w)" if whole.startswith(parts[0]) and parts[0][:1].isalnum() else ""
    end = r"(?!\w)" if not dropped_tail and parts[-1][-1:].isalnum() else ""
    return re.compile(start + regex + end)


def english_patterns() -> dict[str, list[re.Pattern[str]]]:
    """For every catalog key, what its English rendering looks like in a stored output."""
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for key, template in MESSAGES["en"].items():
        if key in EXEMPT:
            patterns[key] = []
        elif key in ALIGNED_WORDS:
            word = re.escape(template)
            patterns[key] = [
                re.compile(rf"<t[hd]>{word}</t[hd]>"),
                re.compile(rf"(?:^|  ){word}(?:  |$)", re.MULTILINE),
            ]
        else:
            pattern = template_pattern(template)
            patterns[key] = [] if pattern is None else [pattern]
    return patterns


PATTERNS = english_patterns()


def english_found(text: str) -> list[str]:
    """The catalog keys whose English rendering occurs in `text`."""
    return sorted(key for key, found in PATTERNS.items() if any(p.search(text) for p in found))


def test_every_key_is_covered_by_the_english_detector() -> None:
    uncovered = sorted(k for k, found in PATTERNS.items() if not found and k not in EXEMPT)
    assert uncovered == [], "add these to ALIGNED_WORDS, FIGURE_ONLY or PART_OF_OTHERS"


def sample_fields(template: str) -> dict[str, object]:
    """A value for every placeholder, of a type its format spec accepts."""
    values: dict[str, object] = {}
    for name, _, spec in fields(template):
        kind = spec[-1:]
        values[name] = 1234.5 if kind and kind in "fgeE%" else 4321 if "," in spec else "xyz"
    return values


@pytest.mark.parametrize("key", sorted(set(MESSAGES["en"]) - EXEMPT - ALIGNED_WORDS))
def test_english_detector_finds_the_english_message_and_not_the_indonesian_one(key: str) -> None:
    values = sample_fields(MESSAGES["en"][key])
    assert key in english_found(message(key, lang="en", **values))
    assert english_found(message(key, lang="id", **values)) == []


def test_english_detector_finds_the_english_table_and_report_words_only() -> None:
    table = bg.param_table(nn.Sequential(tied_model(), nn.LazyLinear(2)))
    english = str(table) + table._repr_html_() + bg.env_report()
    assert {k for k in ALIGNED_WORDS if k.startswith(("params.", "language."))} <= set(
        english_found(english)
    )
    assert "devices.report_platform" in english_found(english)
    bg.set_language("id")
    assert english_found(str(table) + table._repr_html_() + bg.env_report()) == []


def output_text(cell: dict) -> str:
    """Everything a cell's stored outputs show as text (images aside), ANSI codes removed."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/"):
                parts.append("".join(value))
        if out.get("output_type") == "error":
            parts += [out.get("evalue", ""), *out.get("traceback", [])]
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(parts))


ID_NOTEBOOKS = list(nbc.notebook_paths(("id",)))


@pytest.mark.parametrize("path", ID_NOTEBOOKS, ids=[nbc.repo_path(p) for p in ID_NOTEBOOKS])
def test_indonesian_outputs_hold_no_english_from_the_helper_package(path: Path) -> None:
    found = {}
    for i, cell in enumerate(nbc.read(path)["cells"]):
        if cell["cell_type"] == "code" and (keys := english_found(output_text(cell))):
            found[f"cell {i}"] = keys
    assert found == {}, "English from the helper package in stored outputs: re-run the notebook"
