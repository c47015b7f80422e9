"""The frame of ``bg.check``: starters, progressive hints, odd answers, time limits, threads,
languages, and the promise that no feedback, hint or stored output gives an answer away.

The exercises themselves, right and wrong answers, are in test_check_exercises.py.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import builders_guide as bg
import nbcommon as nbc
import pytest
import torch
from builders_guide import check
from builders_guide.catalog import check as words
from builders_guide.check import _frame
from check_answers import CLASS_CHECKS, CORRECT, FUNCTION_CHECKS, norms
from torch import nn

MODULES = sorted(p.stem for p in Path(_frame.__file__).parent.glob("*.py") if p.stem != "__init__")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    bg.set_language("en")
    _frame._hints_given.clear()
    yield
    bg.set_language("en")
    _frame._hints_given.clear()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event hanging answers wait on; set at teardown so their threads end."""
    event = threading.Event()
    yield event
    event.set()


def run(name: str, answer: object, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    result = getattr(check, name)(answer)
    return result, capsys.readouterr().out


def test_every_exercise_is_registered_with_an_existing_notebook() -> None:
    assert check.exercises() == sorted(CORRECT)
    for exercise in _frame.EXERCISES.values():
        for lang in nbc.LANGUAGES:
            assert (nbc.NOTEBOOKS / lang / f"{exercise.notebook}.ipynb").exists()
            assert (nbc.NOTEBOOKS / lang / "solutions" / f"{exercise.notebook}.ipynb").exists()


# --------------------------------------------------------------------------- the unsolved starter


@pytest.mark.parametrize("starter", [..., NotImplemented, None], ids=["ellipsis", "NI", "None"])
@pytest.mark.parametrize("name", sorted(CORRECT))
def test_starter_says_what_to_aim_for_and_how_to_get_more_help(
    name: str, starter: object, capsys: pytest.CaptureFixture
) -> None:
    result, out = run(name, starter, capsys)
    assert result is False
    assert out.splitlines() == [
        f"Exercise: {name}",
        "Not solved yet: replace the ... with your answer, then run this cell again.",
        f"Hint: {words.EN[f'{name}.hint1']}",
        f'More help, one step at a time: bg.check.hint("{name}")',
    ]


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_first_hint_names_a_section_to_reread(name: str) -> None:
    assert "Reread " in words.EN[f"{name}.hint1"]
    assert "Baca lagi " in words.ID[f"{name}.hint1"]


def test_starter_in_indonesian_says_belum_dikerjakan(capsys: pytest.CaptureFixture) -> None:
    bg.set_language("id")
    result, out = run("parallel_module", ..., capsys)
    assert result is False
    assert out.splitlines() == [
        "Latihan: parallel_module",
        "Belum dikerjakan: ganti ... dengan jawaban Anda, lalu jalankan sel ini lagi.",
        f"Petunjuk: {words.ID['parallel_module.hint1']}",
        'Bantuan lebih lanjut, selangkah demi selangkah: bg.check.hint("parallel_module")',
    ]


def test_function_with_an_empty_body_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    def init(m: nn.Module) -> None:
        """Your code here."""
        ...

    assert "Not solved yet" in run("mixture_init", init, capsys)[1]


def test_class_with_an_empty_forward_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    class Layer(nn.Module):
        def forward(self, X: torch.Tensor) -> torch.Tensor:
            pass

    assert "Not solved yet" in run("fourier_half", Layer, capsys)[1]


def test_not_implemented_error_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    def pick_later(net: nn.Module) -> nn.Parameter:
        raise NotImplementedError

    result, out = run("nested_param", pick_later, capsys)
    assert result is False
    assert "Not solved yet" in out and "Traceback" not in out


# --------------------------------------------------------------------------- progressive hints


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("name", sorted(CORRECT))
def test_hint_gives_one_level_more_per_call_then_points_to_the_solutions(
    name: str, lang: str, capsys: pytest.CaptureFixture
) -> None:
    bg.set_language(lang)
    table = words.EN if lang == "en" else words.ID
    solutions = f"solutions/{_frame.EXERCISES[name].notebook}.ipynb"
    for level in (1, 2, 3):
        assert check.hint(name) is None
        out = capsys.readouterr().out
        assert table[f"{name}.hint{level}"] in out
        assert out.splitlines()[0] == bg.language.message(
            "check.hint_level", name=name, level=level, levels=3
        )
        assert (solutions in out) == (level == 3)
    check.hint(name)
    out = capsys.readouterr().out
    assert solutions in out
    assert out.strip() == bg.language.message(
        "check.hint_none_left", name=name, levels=3, solutions=solutions
    )


def test_hint_levels_are_counted_per_exercise(capsys: pytest.CaptureFixture) -> None:
    check.hint("norm_log")
    check.hint("norm_log")
    check.hint("lazy_mlp")
    out = capsys.readouterr().out
    assert "Hint 2 of 3 for norm_log:" in out and "Hint 1 of 3 for lazy_mlp:" in out


def test_hint_can_show_a_chosen_level_again(capsys: pytest.CaptureFixture) -> None:
    for _ in range(4):
        check.hint("dry_run")
    capsys.readouterr()
    check.hint("dry_run", level=2)
    assert words.EN["dry_run.hint2"] in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("parallel", None, "There is no exercise named 'parallel'. The exercises are: dry_run,"),
        (nn.Linear, None, "There is no exercise named the class Linear. The exercises are:"),
        (None, None, "There is no exercise named None."),
        ("norm_log", 0, 'level must be a whole number from 1 to 3; bg.check.hint("norm_log")'),
        ("norm_log", "2", "level must be a whole number from 1 to 3"),
        ("norm_log", True, "level must be a whole number from 1 to 3"),
    ],
)
def test_hint_never_raises_and_says_what_was_wrong(
    name: object, level: object, expected: str, capsys: pytest.CaptureFixture
) -> None:
    check.hint(name, level)  # type: ignore[arg-type]
    assert expected in capsys.readouterr().out


def test_hint_levels_exist_in_both_languages_for_every_exercise() -> None:
    for name in CORRECT:
        for level in range(1, _frame.HINT_LEVELS + 1):
            assert words.EN[f"{name}.hint{level}"] != words.ID[f"{name}.hint{level}"]


# --------------------------------------------------------------------------- no answer given away


def _normalize(code: str) -> str:
    code = code.replace('"', "'").replace("self.", "")
    return re.sub(r"\s+", "", code)


def _defined_names(tree: ast.AST) -> dict[str, ast.AST]:
    return {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def solution_code() -> dict[str, set[str]]:
    """Per exercise, the solving lines of its reference answers in both solutions notebooks.

    A solving line is a statement of the body of the function or class passed to
    ``bg.check.<exercise>``, without signatures, docstrings and lines the topic notebook
    already shows (a starter's signature, the buggy class of an exercise). Each string
    literal of eight or more characters in those lines counts too ('bi,bj,ijk->bk').
    """
    found: dict[str, set[str]] = {}
    for lang in nbc.LANGUAGES:
        for path in sorted((nbc.NOTEBOOKS / lang / "solutions").glob("*.ipynb")):
            cells = nbc.read(path)["cells"]
            code = "\n\n".join(nbc.source(c) for c in cells if c["cell_type"] == "code")
            code = "\n".join(
                line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))
            )
            topic = nbc.read(nbc.NOTEBOOKS / lang / path.name)["cells"]
            shown = {_normalize(line) for c in topic for line in nbc.source(c).splitlines()}
            defined = _defined_names(ast.parse(code))
            for exercise, answer in re.findall(r"bg\.check\.(\w+)\((\w+)\)", code):
                node = defined.get(answer)
                if node is None:
                    continue
                for stmt in ast.walk(node):
                    if not isinstance(stmt, ast.stmt) or isinstance(
                        stmt, (ast.FunctionDef, ast.ClassDef, ast.Pass)
                    ):
                        continue
                    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                        continue  # a docstring or a bare ...
                    if isinstance(stmt, (ast.With, ast.For, ast.If, ast.Try)):
                        continue
                    text = ast.unparse(stmt)
                    text = re.sub(r"^return\s+", "", text)
                    norm = _normalize(text)
                    if len(norm) >= 16 and norm not in shown and "super().__init__" not in norm:
                        found.setdefault(exercise, set()).add(norm)
                    for const in ast.walk(stmt):
                        if (
                            isinstance(const, ast.Constant)
                            and isinstance(const.value, str)
                            and len(const.value) >= 8
                        ):
                            found.setdefault(exercise, set()).add(_normalize(const.value))
    return found


SOLUTIONS = solution_code()


def leaks(text: str) -> list[str]:
    flat = _normalize(text)
    return sorted(
        f"{exercise}: {line}"
        for exercise, lines in SOLUTIONS.items()
        for line in lines
        if line in flat
    )


def test_solution_scan_finds_the_reference_lines() -> None:
    assert set(SOLUTIONS) == set(CORRECT)
    assert (
        _normalize("torch.cat((self.net1(X), self.net2(X)), dim=1)") in SOLUTIONS["parallel_module"]
    )
    assert _normalize("bi,bj,ijk->bk") in SOLUTIONS["tensor_reduction"]
    assert leaks("Hint: return torch.einsum('bi,bj,ijk->bk', X, X, self.W)")
    assert leaks("the output equals torch.cat((net1(X), net2(X)), dim=1)")


@pytest.mark.parametrize(
    "path",
    [p for lang in nbc.LANGUAGES for p in sorted((nbc.NOTEBOOKS / lang).glob("0[1-7]-*.ipynb"))],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_no_stored_output_of_a_topic_notebook_holds_solution_code(path: Path) -> None:
    found = {}
    for i, cell in enumerate(nbc.read(path)["cells"]):
        text = "".join(
            "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
            for o in cell.get("outputs", [])
        )
        if leaks(text):
            found[f"cell {i}"] = leaks(text)
    assert found == {}, "re-run the notebook after changing the hints"


@pytest.mark.parametrize("table", [words.EN, words.ID], ids=["en", "id"])
def test_no_feedback_or_first_hint_holds_solution_code(table: dict[str, str]) -> None:
    shown_first = {k: v for k, v in table.items() if not re.search(r"\.hint[23]$", k)}
    assert {k: leaks(v) for k, v in shown_first.items() if leaks(v)} == {}


@pytest.mark.parametrize("table", [words.EN, words.ID], ids=["en", "id"])
def test_even_the_last_hint_leaves_the_answer_line_out(table: dict[str, str]) -> None:
    last = {k: v for k, v in table.items() if k.endswith(".hint3")}
    assert {k: leaks(v) for k, v in last.items() if leaks(v)} == {}


@pytest.mark.parametrize("module", MODULES)
def test_no_docstring_example_holds_solution_code(module: str) -> None:
    mod = importlib.import_module(f"builders_guide.check.{module}")
    tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
    docs = [
        ast.get_docstring(n) or ""
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
    ]
    assert leaks("\n".join(docs)) == []
    assert leaks(check.__doc__ or "") == []


# --------------------------------------------------------------------------- odd answers


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_string_fails_without_raising(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, "Parallel", capsys)
    assert result is False
    assert "a value of type str" in out


@pytest.mark.parametrize("name", sorted(CLASS_CHECKS))
def test_an_instance_instead_of_a_class_fails(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, nn.Linear(2, 2), capsys)
    assert result is False
    assert "expected a class (a subclass of nn.Module), but got an object of class Linear" in out
    assert "Pass the class itself (Linear), not an object made from it (Linear(...))" in out


@pytest.mark.parametrize("name", sorted(CLASS_CHECKS))
def test_a_function_instead_of_a_class_fails(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, norms, capsys)
    assert result is False
    assert "but got the function norms" in out


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKS))
def test_a_module_instead_of_a_function_fails(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, nn.Linear(2, 2), capsys)
    assert result is False
    assert "expected a function, but got an object of class Linear" in out
    assert "Pass the function that does the work, not a model" in out


@pytest.mark.parametrize("name", sorted(CLASS_CHECKS))
def test_a_class_whose_init_raises_is_reported_in_one_line(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    class Broken(nn.Module):
        def __init__(self, *args: object) -> None:
            raise ValueError(f"boom {object()!r}\nsecond line")

        def forward(self, X: torch.Tensor) -> torch.Tensor:
            return X

    result, out = run(name, Broken, capsys)
    assert result is False
    assert "✘ calling Broken(" in out
    assert ") raised ValueError: boom <object object>" in out
    assert "0x" not in out and "second line" not in out and "Traceback" not in out
    assert "The error comes from your code, not from the check" in out


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKS))
def test_a_function_that_raises_is_reported_in_one_line(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    def answer(*args: object) -> None:
        return 1 / 0

    result, out = run(name, answer, capsys)
    assert result is False
    assert "✘ calling answer(" in out
    assert "raised ZeroDivisionError: division by zero" in out


class _Slippery:
    """An answer whose every attribute lookup raises."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError("no attributes here")

    def __call__(self, *args: object) -> object:
        return 1


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_an_object_whose_attributes_raise_fails_without_raising(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    result, out = run(name, _Slippery(), capsys)
    assert result is False
    assert "✘ " in out
    assert "the check itself failed" not in out


def test_exit_in_learner_code_does_not_end_the_check(capsys: pytest.CaptureFixture) -> None:
    def answer(net: nn.Module) -> None:
        raise SystemExit(3)

    result, out = run("nested_param", answer, capsys)
    assert result is False
    assert "raised SystemExit: 3" in out


def test_keyboard_interrupt_still_stops_the_check() -> None:
    def answer(net: nn.Module) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check.nested_param(answer)


def test_helper_detection_sees_bg_in_nested_code_and_nothing_else() -> None:
    def plain(net: nn.Module) -> int:
        return sum(p.numel() for p in net.parameters())

    def nested(net: nn.Module) -> int:
        return (lambda: bg.count_params(net))()

    source = "def count(net):\n    return count_params(net)\n"
    imported: dict[str, object] = {"count_params": bg.count_params}
    own: dict[str, object] = {"count_params": lambda net: 0}
    exec(source, imported)
    exec(source, own)
    assert _frame.uses_helpers(plain) is False
    assert _frame.uses_helpers(nested) is True
    assert _frame.uses_helpers(imported["count"]) is True
    assert _frame.uses_helpers(own["count"]) is False


# --------------------------------------------------------------------------- time limits, threads


def _check_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "builders_guide.check"]


def _hanging_answer(name: str, release: threading.Event) -> object:
    if name in FUNCTION_CHECKS:

        def answer(*args: object) -> None:
            release.wait()

        return answer

    class Hangs(nn.Module):
        def forward(self, X: torch.Tensor) -> torch.Tensor:
            release.wait()
            return X

    if name == "fourier_half":  # builds fine, has no parameters: the hang is in forward
        return Hangs

    class HangsInInit(Hangs):
        def __init__(self, *args: object) -> None:
            super().__init__()
            release.wait()

    return HangsInInit


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_code_that_waits_forever_is_cut_off_and_the_kernel_restart_suggested(
    name: str,
    release: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setattr(check, "TIMEOUT_S", 0.3)
    start = time.perf_counter()
    result, out = run(name, _hanging_answer(name, release), capsys)
    assert time.perf_counter() - start < 3
    assert result is False
    assert "took longer than 0.3 s — is there an endless loop?" in out
    assert "could not be stopped: restart the kernel" in out


def test_an_endless_python_loop_is_stopped_and_leaves_no_thread(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def spin(net: nn.Module) -> None:
        while True:
            pass

    monkeypatch.setattr(check, "TIMEOUT_S", 0.3)
    result, out = run("nested_param", spin, capsys)
    assert result is False
    assert "took longer than 0.3 s" in out and "The check stopped your code." in out
    assert _check_threads() == []


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_check_leaves_no_thread_behind(name: str, capsys: pytest.CaptureFixture) -> None:
    before = set(threading.enumerate())
    getattr(check, name)(CORRECT[name])
    assert _check_threads() == []
    assert set(threading.enumerate()) <= before


def test_a_forward_that_hangs_is_named_in_the_message(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(check, "TIMEOUT_S", 0.3)
    result, out = run("fourier_half", _hanging_answer("fourier_half", release), capsys)
    assert result is False
    assert "✘ calling layer(torch.randn(3, 8)) took longer than 0.3 s" in out


# --------------------------------------------------------------------------- language


def test_check_set_language_is_the_package_setting() -> None:
    check.set_language("id")
    assert bg.get_language() == "id" and check.get_language() == "id"
    bg.set_language("en")
    assert check.get_language() == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        check.set_language("fr")
    assert check.get_language() == "en"


def test_old_module_and_its_message_file_are_gone() -> None:
    package = Path(bg.__file__).parent
    assert not (package / "check.py").exists()
    assert not (package / "check_messages.py").exists()


# --------------------------------------------------------------------------- make_nested_net


def test_make_nested_net_is_fixed_and_leaves_the_global_rng_alone() -> None:
    torch.manual_seed(0)
    before = torch.get_rng_state()
    first, second = check.make_nested_net(), check.make_nested_net()
    assert torch.equal(torch.get_rng_state(), before)
    assert [name for name, _ in first.named_children()] == ["stem", "blocks", "head"]
    assert [type(m).__name__ for m in first.blocks[1]] == ["Linear", "ReLU", "Linear"]
    assert first.head.weight.shape == (2, 8)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b)


@pytest.mark.parametrize("module", ["__init__", *MODULES])
def test_docstring_examples_run(module: str) -> None:
    name = "builders_guide.check" + ("" if module == "__init__" else f".{module}")
    mod = importlib.import_module(name)
    results = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert results.failed == 0
    if module not in ("_frame",):
        assert results.attempted >= 1
