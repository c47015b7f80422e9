"""Tests for builders_guide.check: every exercise check against right, wrong and odd answers.

Each check must return True for a reference solution, False with a telling message for
wrong ones, say "Not solved yet" for the starter, and never raise nor hang.
"""

from __future__ import annotations

import doctest
import itertools
import string
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import torch
from builders_guide import check
from torch import nn

# --------------------------------------------------------------------------- reference solutions


class Parallel(nn.Module):
    def __init__(self, net1: nn.Module, net2: nn.Module) -> None:
        super().__init__()
        self.net1 = net1
        self.net2 = net2

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net1(X), self.net2(X)), dim=1)


def stack(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return nn.Sequential(*[make_block() for _ in range(n)])


class MLP(nn.Module):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            X = torch.relu(layer(X))
        return self.layers[-1](X)


def pick(net: nn.Module) -> nn.Parameter:
    return net.blocks[1][2].weight


def mixture(m: nn.Module) -> None:
    with torch.no_grad():
        nn.init.uniform_(m.weight, -10, 10)
        m.weight *= m.weight.abs() >= 5


def lazy() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(10))


class Reduction(nn.Module):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, in_features, out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bj,ijk->bk", X, X, self.W)


class HalfFFT(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.fft(X, dim=-1)[..., : X.shape[-1] // 2]


def load_matching(state_dict: dict, model: nn.Module) -> nn.Module:
    own = model.state_dict()
    kept = {k: v for k, v in state_dict.items() if k in own and own[k].shape == v.shape}
    model.load_state_dict(kept, strict=False)
    return model


def norms(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.norm() for g in grads])


CORRECT: dict[str, Any] = {
    "parallel_module": Parallel,
    "stack_blocks": stack,
    "registered_layers": MLP,
    "nested_param": pick,
    "mixture_init": mixture,
    "lazy_mlp": lazy,
    "tensor_reduction": Reduction,
    "fourier_half": HalfFFT,
    "partial_load": load_matching,
    "norm_log": norms,
}
CLASS_CHECKS = {"parallel_module", "registered_layers", "tensor_reduction", "fourier_half"}
FUNCTION_CHECKS = set(CORRECT) - CLASS_CHECKS

# --------------------------------------------------------------------------- wrong solutions


class ParallelInList(nn.Module):
    def __init__(self, net1: nn.Module, net2: nn.Module) -> None:
        super().__init__()
        self.nets = [net1, net2]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat([net(X) for net in self.nets], dim=1)


class ParallelDim0(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net1(X), self.net2(X)), dim=0)


class ParallelSwapped(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net2(X), self.net1(X)), dim=1)


class ParallelDetached(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(X).detach()


def stack_one_block(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return nn.Sequential(*[make_block()] * n)


def stack_reusing_first(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    blocks = [make_block() for _ in range(n)]
    return nn.Sequential(*[blocks[0]] * n)


class _ListStack(nn.Module):
    def __init__(self, blocks: list[nn.Module]) -> None:
        super().__init__()
        self.blocks = blocks

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            X = block(X)
        return X


def stack_in_list(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return _ListStack([make_block() for _ in range(n)])


def stack_reversed(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return nn.Sequential(*reversed([make_block() for _ in range(n)]))


class MLPInList(MLP):
    def __init__(self, sizes: list[int]) -> None:
        nn.Module.__init__(self)
        self.layers = [nn.Linear(a, b) for a, b in itertools.pairwise(sizes)]


class MLPReluAtEnd(MLP):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            X = torch.relu(layer(X))
        return X


class MLPNoBias(MLP):
    def __init__(self, sizes: list[int]) -> None:
        nn.Module.__init__(self)
        pairs = itertools.pairwise(sizes)
        self.layers = nn.ModuleList(nn.Linear(a, b, bias=False) for a, b in pairs)


def mixture_without_no_grad(m: nn.Module) -> None:
    nn.init.uniform_(m.weight, -10, 10)
    m.weight *= m.weight.abs() >= 5


def mixture_uniform_only(m: nn.Module) -> None:
    nn.init.uniform_(m.weight, -10, 10)


def mixture_tails_at_five(m: nn.Module) -> None:
    with torch.no_grad():
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.copy_(torch.where(m.weight.abs() >= 5, 5 * m.weight.sign(), 0.0))


def mixture_changes_bias(m: nn.Module) -> None:
    mixture(m)
    with torch.no_grad():
        m.bias.fill_(1.0)


def lazy_fixed_inputs() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 10))


def lazy_five_outputs() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(5))


_ONE_MODEL = lazy()


def lazy_same_model() -> nn.Module:
    return _ONE_MODEL


class ReductionData(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bj,ijk->bk", X, X, self.W.data)


class ReductionSquares(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bi,ijk->bk", X, X, self.W)


class ReductionFlat(nn.Module):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X @ self.W


class HalfFFTAbs(HalfFFT):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(X).abs()


class HalfRFFT(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.rfft(X, dim=-1)


class HalfFFTScaled(HalfFFT):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))


class HalfFFTDim0(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.fft(X, dim=0)[..., : X.shape[-1] // 2]


def load_non_strict(state_dict: dict, model: nn.Module) -> nn.Module:
    model.load_state_dict(state_dict, strict=False)
    return model


def load_without_return(state_dict: dict, model: nn.Module) -> None:
    load_matching(state_dict, model)


def load_nothing(state_dict: dict, model: nn.Module) -> nn.Module:
    return model


def load_overlapping_slices(state_dict: dict, model: nn.Module) -> nn.Module:
    with torch.no_grad():
        for key, target in model.state_dict().items():
            if key in state_dict:
                source = state_dict[key]
                region = tuple(
                    slice(0, min(a, b)) for a, b in zip(target.shape, source.shape, strict=True)
                )
                target[region] = source[region]
    return model


def norms_item(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.tensor([g.norm().item() for g in grads])


def norms_squared(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([(g * g).sum() for g in grads])


def norms_list(grads: list[torch.Tensor]) -> list[torch.Tensor]:
    return [g.norm() for g in grads]


def norms_on_cpu(grads: list[torch.Tensor]) -> torch.Tensor:
    out = torch.zeros(len(grads))
    for i, g in enumerate(grads):
        out[i] = g.norm()
    return out


WRONG: list[tuple[str, Any, list[str]]] = [
    ("parallel_module", ParallelInList, ["lacks 6 of the 6", "self.net1 = net1"]),
    ("parallel_module", ParallelDim0, ["raised RuntimeError", "Sizes of tensors must match"]),
    ("parallel_module", ParallelSwapped, ["differs from torch.cat", "net1's output first"]),
    ("parallel_module", ParallelDetached, ["requires_grad is False", "do not detach"]),
    ("stack_blocks", stack_one_block, ["called 1 time(s), expected n = 3", "inside the loop"]),
    ("stack_blocks", stack_reusing_first, ["same block is used several times", "fresh block"]),
    ("stack_blocks", stack_in_list, ["only 0 of the 3 blocks", "nn.ModuleList"]),
    ("stack_blocks", stack_reversed, ["differs from applying the 3 blocks", "order"]),
    ("registered_layers", MLPInList, ["0 parameter values, expected 130", "nn.ModuleList"]),
    ("registered_layers", MLPReluAtEnd, ["none after the last", "not after the last"]),
    ("registered_layers", MLPNoBias, ["112 parameter values, expected 130", "with bias"]),
    ("nested_param", lambda net: net.blocks[1][2].weight.clone(), ["not the same Parameter"]),
    ("nested_param", lambda net: net.blocks[1][2].weight.data, ["not the same Parameter"]),
    ("nested_param", lambda net: net.blocks[0][2].weight, ["blocks.0.2.weight", "starts at 0"]),
    ("nested_param", lambda net: net.blocks[1][2], ["an object of class Linear"]),
    ("nested_param", lambda net: print(net.blocks), ["returned None", "return net.blocks"]),
    ("mixture_init", mixture_without_no_grad, ["leaf Variable", "with torch.no_grad():"]),
    ("mixture_init", mixture_uniform_only, ["0.000 of the weights are exactly 0"]),
    ("mixture_init", mixture_tails_at_five, ["[5, 10] have mean 5.00, expected about 7.5"]),
    ("mixture_init", mixture_changes_bias, ["bias was changed", "leave m.bias alone"]),
    ("lazy_mlp", lazy_fixed_inputs, ["no uninitialized (lazy) parameters", "nn.LazyLinear"]),
    ("lazy_mlp", lazy_five_outputs, ["has shape (5, 5), expected (5, 10)", "10 outputs"]),
    ("lazy_mlp", lazy_same_model, ["returned the same model twice", "inside the function"]),
    ("tensor_reduction", ReductionData, ["requires_grad is False", "W.data"]),
    ("tensor_reduction", ReductionSquares, ["output differs from y[b, k]"]),
    ("tensor_reduction", ReductionFlat, ["shape (4, 4, 3) is 0, expected exactly 1"]),
    ("fourier_half", HalfFFTAbs, ["is real (torch.float32)", "not .abs()"]),
    ("fourier_half", HalfRFFT, ["has shape (3, 5), expected (3, 4)", "n // 2"]),
    ("fourier_half", HalfFFTScaled, ["parameters() yields 1", "no nn.Parameter"]),
    ("fourier_half", HalfFFTDim0, ["for n = 8 the output differs", "dim=-1"]),
    (
        "partial_load",
        load_non_strict,
        ["size mismatch for 4.weight", "Filter the dict first"],
    ),
    ("partial_load", load_without_return, ["returned None", "return model"]),
    ("partial_load", load_nothing, ["0.weight was not copied"]),
    ("partial_load", load_overlapping_slices, ["4.weight was changed"]),
    ("norm_log", norms_item, ["transfers counted: 5 (.item())", "torch.stack(...) then one"]),
    ("norm_log", norms_squared, ["values differ from the L2 norm", "not its square"]),
    ("norm_log", norms_list, ["returned a value of type list, not a tensor"]),
    (
        "norm_log",
        norms_on_cpu,
        ["g.to('meta') for g in grads", "torch.zeros(n) create it on the CPU"],
    ),
]

# --------------------------------------------------------------------------- fixtures, helpers


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    check.set_language("en")
    yield
    check.set_language("en")


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event hanging answers wait on; set at teardown so their threads end."""
    event = threading.Event()
    yield event
    event.set()


def run(name: str, answer: object, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    result = getattr(check, name)(answer)
    return result, capsys.readouterr().out


# --------------------------------------------------------------------------- right answers


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_reference_solution_passes_every_item(name: str, capsys: pytest.CaptureFixture) -> None:
    result, out = run(name, CORRECT[name], capsys)
    lines = out.splitlines()
    assert result is True, out
    assert lines[0] == f"Exercise: {name}"
    assert all(line.startswith("✔ ") for line in lines[1:-1])
    assert lines[-1] == "Well done! Every check passed."
    assert "✘" not in out


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_output_is_identical_on_a_second_run(name: str, capsys: pytest.CaptureFixture) -> None:
    _, first = run(name, CORRECT[name], capsys)
    _, second = run(name, CORRECT[name], capsys)
    assert first == second


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_check_leaves_the_global_rng_stream_unchanged(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    torch.manual_seed(123)
    before = torch.get_rng_state()
    getattr(check, name)(CORRECT[name])
    assert torch.equal(torch.get_rng_state(), before)


def test_stack_blocks_also_accepts_a_module_class_as_the_function(
    capsys: pytest.CaptureFixture,
) -> None:
    class Stack(nn.Sequential):
        def __init__(self, make_block: Callable[[], nn.Module], n: int) -> None:
            super().__init__(*[make_block() for _ in range(n)])

    assert run("stack_blocks", Stack, capsys)[0] is True


def test_mixture_init_accepts_a_zeroed_bias(capsys: pytest.CaptureFixture) -> None:
    def init(m: nn.Module) -> None:
        mixture(m)
        nn.init.zeros_(m.bias)

    assert run("mixture_init", init, capsys)[0] is True


# --------------------------------------------------------------------------- wrong answers


@pytest.mark.parametrize(
    ("name", "answer", "facts"), WRONG, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(WRONG)]
)
def test_wrong_solution_fails_with_a_hint(
    name: str, answer: object, facts: list[str], capsys: pytest.CaptureFixture
) -> None:
    result, out = run(name, answer, capsys)
    assert result is False
    assert "✘ " in out
    assert out.splitlines()[-1].startswith("Hint: ")
    for fact in facts:
        assert fact in out, out


def test_every_check_has_at_least_two_wrong_solutions() -> None:
    counts = {name: sum(n == name for n, _, _ in WRONG) for name in CORRECT}
    assert min(counts.values()) >= 2, counts


# --------------------------------------------------------------------------- the unsolved starter


@pytest.mark.parametrize("starter", [..., NotImplemented, None], ids=["ellipsis", "NI", "None"])
@pytest.mark.parametrize("name", sorted(CORRECT))
def test_starter_says_not_solved_yet(
    name: str, starter: object, capsys: pytest.CaptureFixture
) -> None:
    result, out = run(name, starter, capsys)
    assert result is False
    lines = out.splitlines()
    assert lines[0] == f"Exercise: {name}"
    assert lines[1] == (
        "Not solved yet: replace the ... with your answer, then run this cell again."
    )
    assert lines[2].startswith("Hint: ")
    assert len(lines) == 3


def test_starter_in_indonesian_says_belum_dikerjakan(capsys: pytest.CaptureFixture) -> None:
    check.set_language("id")
    result, out = run("parallel_module", ..., capsys)
    assert result is False
    assert out.splitlines()[:2] == [
        "Latihan: parallel_module",
        "Belum dikerjakan: ganti ... dengan jawaban Anda, lalu jalankan sel ini lagi.",
    ]
    assert out.splitlines()[2].startswith("Petunjuk: ")


def test_function_with_an_empty_body_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    def init(m: nn.Module) -> None:
        """Your code here."""
        ...

    result, out = run("mixture_init", init, capsys)
    assert result is False
    assert "Not solved yet" in out


def test_class_with_an_empty_forward_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    class Layer(nn.Module):
        def forward(self, X: torch.Tensor) -> torch.Tensor:
            pass

    result, out = run("fourier_half", Layer, capsys)
    assert result is False
    assert "Not solved yet" in out


def test_not_implemented_error_counts_as_not_solved(capsys: pytest.CaptureFixture) -> None:
    def pick_later(net: nn.Module) -> nn.Parameter:
        raise NotImplementedError

    result, out = run("nested_param", pick_later, capsys)
    assert result is False
    assert "Not solved yet" in out
    assert "Traceback" not in out


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


def test_keyboard_interrupt_still_stops_the_check(capsys: pytest.CaptureFixture) -> None:
    def answer(net: nn.Module) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check.nested_param(answer)


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
def test_code_that_never_finishes_is_cut_off(
    name: str,
    release: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setattr(check, "TIMEOUT_S", 0.5)
    start = time.perf_counter()
    result, out = run(name, _hanging_answer(name, release), capsys)
    assert time.perf_counter() - start < 3
    assert result is False
    assert "took longer than 0.5 s — is there an endless loop?" in out


def test_a_forward_that_hangs_is_named_in_the_message(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(check, "TIMEOUT_S", 0.5)
    result, out = run("fourier_half", _hanging_answer("fourier_half", release), capsys)
    assert result is False
    assert "✘ calling layer(torch.randn(3, 8)) took longer than 0.5 s" in out


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_indonesian_messages_for_right_and_wrong_answers(
    name: str, capsys: pytest.CaptureFixture
) -> None:
    check.set_language("id")
    ok, out_ok = run(name, CORRECT[name], capsys)
    wrong = next(answer for n, answer, _ in WRONG if n == name)
    bad, out_bad = run(name, wrong, capsys)
    assert ok is True and bad is False
    assert out_ok.startswith(f"Latihan: {name}\n✔ ")
    assert out_ok.endswith("Bagus sekali! Semua pemeriksaan lolos.\n")
    assert "✘ " in out_bad
    assert out_bad.splitlines()[-1].startswith("Petunjuk: ")


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_both_languages_have_the_same_messages_and_fields() -> None:
    english, indonesian = check.MESSAGES["en"], check.MESSAGES["id"]
    assert english.keys() == indonesian.keys()
    for key in english:
        assert _fields(english[key]) == _fields(indonesian[key]), key
        assert english[key] != indonesian[key] or key == "got_none", key


def test_set_language_switches_and_rejects_unknown_languages() -> None:
    assert check.get_language() == "en"
    check.set_language("id")
    assert check.get_language() == "id"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        check.set_language("fr")
    assert check.get_language() == "id"


# --------------------------------------------------------------------------- make_nested_net


def test_make_nested_net_is_fixed_and_leaves_the_global_rng_alone() -> None:
    torch.manual_seed(0)
    before = torch.get_rng_state()
    first, second = check.make_nested_net(), check.make_nested_net()
    assert torch.equal(torch.get_rng_state(), before)
    assert [name for name, _ in first.named_children()] == ["stem", "blocks", "head"]
    assert [type(m).__name__ for m in first.blocks[1]] == ["Linear", "ReLU", "Linear"]
    assert first.blocks[1][2].weight.shape == (8, 8)
    assert first.head.weight.shape == (2, 8)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b)


def test_docstring_examples_run() -> None:
    results = doctest.testmod(check, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted >= 12
    assert results.failed == 0
