"""Tests for builders_guide.init: materializing lazy models and initializing by layer type."""

import doctest

import pytest
import torch
from builders_guide import init
from builders_guide.init import LazyInitError, has_uninitialized, init_layers, materialize
from torch import nn


class MyLinear(nn.Linear):
    """A subclass, which isinstance matching must include."""


class KeywordNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.LazyLinear(2)

    def forward(self, X: torch.Tensor, *, scale: torch.Tensor) -> torch.Tensor:
        return self.layer(X * scale)


def test_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(init, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_lazy_init_error_is_a_runtime_error():
    assert issubclass(LazyInitError, RuntimeError)


def test_has_uninitialized_sees_lazy_parameters_and_buffers():
    assert has_uninitialized(nn.Sequential(nn.Linear(2, 2), nn.LazyLinear(3))) is True
    assert has_uninitialized(nn.LazyBatchNorm1d()) is True
    assert has_uninitialized(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))) is False


def test_materialize_gives_lazy_layers_their_shapes_and_returns_the_model():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))
    out = materialize(net, torch.zeros(3, 5))
    assert out is net
    assert net[0].weight.shape == (8, 5)
    assert net[2].weight.shape == (2, 8)
    assert has_uninitialized(net) is False
    assert type(net[0]) is nn.Linear


def test_materialize_leaves_batchnorm_running_stats_untouched():
    net = nn.Sequential(nn.LazyLinear(4), nn.BatchNorm1d(4))
    materialize(net, torch.randn(8, 3, generator=torch.Generator().manual_seed(0)) * 100)
    assert torch.equal(net[1].running_mean, torch.zeros(4))
    assert torch.equal(net[1].running_var, torch.ones(4))
    assert net[1].num_batches_tracked.item() == 0


def test_materialize_accepts_a_batch_of_one_with_batchnorm():
    net = nn.Sequential(nn.LazyLinear(4), nn.BatchNorm1d(4))
    materialize(net, torch.zeros(1, 3))
    assert net[0].weight.shape == (4, 3)


def test_materialize_restores_train_mode_of_every_submodule():
    net = nn.Sequential(nn.LazyLinear(4), nn.Dropout(0.5), nn.LazyBatchNorm1d())
    net.train()
    net[2].eval()  # a frozen BatchNorm, say
    materialize(net, torch.zeros(2, 3))
    assert [m.training for m in net.modules()] == [True, True, True, False]


def test_materialize_restores_eval_mode():
    net = nn.Sequential(nn.LazyLinear(4)).eval()
    materialize(net, torch.zeros(2, 3))
    assert net.training is False


def test_materialize_restores_mode_when_forward_raises():
    net = nn.Sequential(nn.Linear(3, 4), nn.LazyLinear(2)).train()
    with pytest.raises(RuntimeError):
        materialize(net, torch.zeros(2, 5))  # wrong feature count for Linear(3, 4)
    assert all(m.training for m in net.modules())


def test_materialize_does_not_consume_the_global_random_stream():
    net = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5), nn.LazyLinear(2))
    before = torch.random.get_rng_state()
    # LazyLinear's reset_parameters draws from the global generator; Dropout must not.
    torch.manual_seed(0)
    expected = nn.LazyLinear(2)
    expected(torch.zeros(2, 3))
    after_lazy_only = torch.random.get_rng_state()
    torch.manual_seed(0)
    materialize(net, torch.zeros(2, 3))
    assert torch.equal(torch.random.get_rng_state(), after_lazy_only)
    torch.random.set_rng_state(before)


def test_materialize_builds_no_autograd_graph():
    net = nn.Sequential(nn.LazyLinear(2))
    materialize(net, torch.zeros(2, 3, requires_grad=True))
    assert net[0].weight.grad is None
    assert net[0].weight.requires_grad is True


def test_materialize_passes_keyword_inputs():
    net = KeywordNet()
    materialize(net, torch.zeros(2, 3), scale=torch.ones(1))
    assert net.layer.weight.shape == (2, 3)


def test_materialize_moves_inputs_to_the_model_device():
    # The meta device stands in for a GPU: a CPU input would not run on meta weights.
    net = nn.Sequential(nn.Linear(3, 3, device="meta"), nn.LazyLinear(2, device="meta"))
    materialize(net, torch.zeros(2, 3))
    assert net[1].weight.device == torch.device("meta")
    assert net[1].weight.shape == (2, 3)


@pytest.mark.gpu
def test_materialize_moves_cpu_inputs_to_a_cuda_model():
    net = nn.Sequential(nn.Linear(3, 3), nn.LazyLinear(2)).to("cuda")
    materialize(net, torch.zeros(2, 3))
    assert net[1].weight.device.type == "cuda"


def test_init_layers_initializes_every_matching_layer_and_counts_them():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 3)), MyLinear(3, 1))
    count = init_layers(net, lambda m: nn.init.constant_(m.weight, 0.5))
    assert count == 3
    for layer in (net[0], net[2][0], net[3]):
        assert torch.equal(layer.weight, torch.full_like(layer.weight, 0.5))


def test_init_layers_matches_a_tuple_of_types_only():
    net = nn.Sequential(nn.Linear(2, 3), nn.Conv1d(1, 1, 2), nn.BatchNorm1d(3))
    assert init_layers(net, lambda m: nn.init.ones_(m.weight), (nn.Conv1d, nn.BatchNorm1d)) == 2
    assert not torch.equal(net[0].weight, torch.ones_like(net[0].weight))


def test_init_layers_initializes_a_shared_layer_once():
    shared = nn.Linear(2, 2)
    calls = []
    init_layers(nn.Sequential(shared, nn.ReLU(), shared), calls.append)
    assert calls == [shared]


def test_init_layers_runs_without_grad_so_in_place_writes_work():
    net = nn.Sequential(nn.Linear(2, 2))
    init_layers(net, lambda m: m.weight.mul_(0).add_(1))
    assert net[0].weight.grad_fn is None
    assert net[0].weight.is_leaf


def test_init_layers_matches_lazy_layers_after_materialize():
    net = materialize(nn.Sequential(nn.LazyLinear(4)), torch.zeros(1, 3))
    assert init_layers(net, lambda m: nn.init.zeros_(m.bias)) == 1
    assert torch.equal(net[0].bias, torch.zeros(4))


def test_init_layers_refuses_lazy_layers_and_initializes_nothing():
    net = nn.Sequential(nn.Linear(3, 4), nn.LazyLinear(2))
    before = net[0].weight.detach().clone()
    calls = []
    with pytest.raises(LazyInitError) as excinfo:
        init_layers(net, lambda m: calls.append(nn.init.zeros_(m.weight)))
    assert calls == []
    assert torch.equal(net[0].weight, before)
    message = str(excinfo.value)
    assert "Cannot initialize layer '1' (LazyLinear)" in message
    assert "bg.materialize(model, example_input)" in message


def test_materialize_with_sizes_that_do_not_fit_says_which_input_and_why():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(LazyInitError) as info:
        materialize(net, torch.zeros(3, 4))
    message = str(info.value)
    assert "input of shape (3, 4)" in message
    assert "mat1 and mat2 shapes cannot be multiplied (3x8 and 5x2)" in message
    assert isinstance(info.value.__cause__, RuntimeError)
    assert net.training, "the model's mode is restored even when the dry run fails"


def test_materialize_without_an_example_input_asks_for_one():
    with pytest.raises(LazyInitError, match="needs an example input"):
        materialize(nn.Sequential(nn.LazyLinear(3)))
