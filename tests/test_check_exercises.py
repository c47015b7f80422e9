"""Every exercise check of ``bg.check`` against right and wrong answers (see check_answers.py).

A check returns True for a reference answer, and False for each typical mistake, with a ✘
line and a hint that name that mistake; its output is the same on every run, in either
language, and it leaves the notebook's random stream alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import builders_guide as bg
import pytest
import torch
from builders_guide import check
from check_answers import CORRECT, WRONG
from torch import nn


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    bg.set_language("en")
    yield
    bg.set_language("en")


def run(name: str, answer: object, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    result = getattr(check, name)(answer)
    return result, capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_reference_solution_passes_every_item(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, CORRECT[name], capsys)
    lines = out.splitlines()
    assert result is True, out
    assert lines[0] == f"Exercise: {name}"
    assert all(line.startswith("✔ ") for line in lines[1:-1])
    assert lines[-1] == "Well done! Every check passed."


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_output_is_identical_on_a_second_run(name: str, capsys: pytest.CaptureFixture) -> None:
    assert run(name, CORRECT[name], capsys)[1] == run(name, CORRECT[name], capsys)[1]


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_check_leaves_the_global_rng_stream_unchanged(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    torch.manual_seed(123)
    before = torch.get_rng_state()
    getattr(check, name)(CORRECT[name])
    assert torch.equal(torch.get_rng_state(), before)


@pytest.mark.parametrize(
    ("name", "answer", "facts"), WRONG, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(WRONG)]
)
def test_wrong_solution_fails_with_a_hint_that_names_the_mistake(
    name: str, answer: object, facts: list[str], capsys: pytest.CaptureFixture
) -> None:
    result, out = run(name, answer, capsys)
    assert result is False, out
    assert "✘ " in out
    assert out.splitlines()[-1].startswith("Hint: ")
    for fact in facts:
        assert fact in out, out
    assert "The error comes from your code" not in out, "a known mistake got the general hint"


def test_every_check_has_at_least_three_wrong_solutions() -> None:
    counts = {name: sum(n == name for n, _, _ in WRONG) for name in CORRECT}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_indonesian_messages_for_right_and_wrong_answers(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    bg.set_language("id")
    ok, out_ok = run(name, CORRECT[name], capsys)
    wrong = next(answer for n, answer, _ in WRONG if n == name)
    bad, out_bad = run(name, wrong, capsys)
    assert ok is True and bad is False
    assert out_ok.startswith(f"Latihan: {name}\n✔ ")
    assert out_ok.endswith("Bagus sekali! Semua pemeriksaan lolos.\n")
    assert "✘ " in out_bad
    assert out_bad.splitlines()[-1].startswith("Petunjuk: ")


def test_mixture_numbers_use_indonesian_marks(capsys: pytest.CaptureFixture) -> None:
    def uniform_only(m: nn.Module) -> None:
        with torch.no_grad():
            nn.init.uniform_(m.weight, -10, 10)

    bg.set_language("id")
    _, out = run("mixture_init", uniform_only, capsys)
    assert "✘ 0,000 dari bobot bernilai tepat 0, seharusnya sekitar 0,5 (± 0,03)" in out


# --------------------------------------------------------------------------- accepted variants


def test_stack_blocks_also_accepts_a_module_class_as_the_function(
    capsys: pytest.CaptureFixture,
) -> None:
    class Stack(nn.Sequential):
        def __init__(self, make_block: Callable[[], nn.Module], n: int) -> None:
            super().__init__(*[make_block() for _ in range(n)])

    assert run("stack_blocks", Stack, capsys)[0] is True


def test_mixture_init_accepts_a_zeroed_bias_and_masked_fill(
    capsys: pytest.CaptureFixture,
) -> None:
    def init(m: nn.Module) -> None:
        with torch.no_grad():
            nn.init.uniform_(m.weight, -10, 10)
            m.weight.masked_fill_(m.weight.abs() < 5, 0.0)
        nn.init.zeros_(m.bias)

    assert run("mixture_init", init, capsys)[0] is True


def test_nested_param_accepts_get_parameter_by_name(capsys: pytest.CaptureFixture) -> None:
    assert run("nested_param", lambda net: net.get_parameter("blocks.1.2.weight"), capsys)[0]


def test_partial_load_accepts_a_copy_under_no_grad(capsys: pytest.CaptureFixture) -> None:
    def load(state_dict: dict, model: nn.Module) -> nn.Module:
        with torch.no_grad():
            for key, tensor in model.state_dict(keep_vars=True).items():
                if key in state_dict and state_dict[key].shape == tensor.shape:
                    tensor.copy_(state_dict[key])
        return model

    assert run("partial_load", load, capsys)[0] is True


def test_norm_log_accepts_vector_norm(capsys: pytest.CaptureFixture) -> None:
    def log(grads: list[torch.Tensor]) -> torch.Tensor:
        return torch.stack([torch.linalg.vector_norm(g) for g in grads])

    assert run("norm_log", log, capsys)[0] is True


def test_safe_load_leaves_torch_load_as_it_found_it(capsys: pytest.CaptureFixture) -> None:
    original = torch.load
    run("safe_load", CORRECT["safe_load"], capsys)
    assert torch.load is original and torch.serialization.load is original


def test_partial_load_leaves_load_state_dict_as_it_found_it(capsys: pytest.CaptureFixture) -> None:
    seen: list[nn.Module] = []

    def load(state_dict: dict, model: nn.Module) -> nn.Module:
        seen.append(model)
        return CORRECT["partial_load"](state_dict, model)

    run("partial_load", load, capsys)
    assert "load_state_dict" not in vars(seen[0])
