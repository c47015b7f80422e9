"""Behaviours of PyTorch that the notebooks' prose states as fact.

Strict nbval proves the stored outputs; these tests pin the *sentences*. Each test names
the notebook and the section whose text depends on the behaviour, so when a torch upgrade
changes one, the failure says which sentence is now wrong. Every test is small and runs on
the CPU (the ``meta`` device stands in for "another device"); the module runs in a few
seconds.
"""

from __future__ import annotations

import collections
import inspect
import math
import os
import pickle
import warnings
import zipfile

import pytest
import torch
import torch.utils.benchmark
from torch import nn
from torch.nn.parameter import UninitializedParameter

# --------------------------------------------------------------------------------------
# 01-model-construction
# --------------------------------------------------------------------------------------


def test_assigning_a_module_before_super_init_raises_but_a_float_does_not():
    """01-model-construction, 'Forgetting super().__init__()'; solutions/01, exercise 4."""

    class LateInit(nn.Module):
        def __init__(self) -> None:
            self.scale = 2.0  # a plain value: stored as usual
            self.hidden = nn.Linear(4, 4)
            super().__init__()

    class LateParam(nn.Module):
        def __init__(self) -> None:
            self.weight = nn.Parameter(torch.ones(2))
            super().__init__()

    with pytest.raises(
        AttributeError, match=r"cannot assign module before Module\.__init__\(\) call"
    ):
        LateInit()
    with pytest.raises(
        AttributeError, match=r"cannot assign parameters before Module\.__init__\(\) call"
    ):
        LateParam()


def test_plain_list_hides_layers_from_parameters_state_dict_and_to():
    """01-model-construction, 'The plain-list trap'; solutions/01, exercise 3."""

    class ListChain(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.steps = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]

    listed = ListChain()
    assert list(listed.parameters()) == []
    assert list(listed.state_dict()) == []
    listed.to(torch.float64)
    assert listed.steps[0].weight.dtype == torch.float32
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        torch.optim.SGD(listed.parameters(), lr=0.1)


def test_modulelist_and_moduledict_register_but_have_no_forward():
    """01-model-construction, 'nn.ModuleList and nn.ModuleDict'."""
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    heads = nn.ModuleDict({"label": nn.Linear(2, 3)})
    assert len(list(layers.parameters())) == 4
    assert [name for name, _ in heads.named_parameters()] == ["label.weight", "label.bias"]
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        layers(torch.ones(1, 2))


def test_children_yields_in_insertion_order_and_skips_a_repeated_module():
    """01-model-construction, 'Writing our own Sequential' (Chain iterates children()).

    children() yields registered modules in the order they were added, but each object
    once: a Chain given the same layer twice applies it once, unlike nn.Sequential.
    """
    first, second = nn.Linear(2, 2), nn.ReLU()
    owner = nn.Module()
    owner.add_module("step0", first)
    owner.add_module("step1", second)
    assert list(owner.children()) == [first, second]
    owner.add_module("step2", first)
    assert list(owner.children()) == [first, second]
    assert len(nn.Sequential(first, first)) == 2


def test_call_runs_forward_hooks_and_forward_skips_them():
    """01-model-construction, "Why net(X) and not net.forward(X)"; solutions/01, exercise 5."""
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    calls: list[str] = []
    outer = net.register_forward_hook(lambda m, i, o: calls.append("net"))
    inner = net[0].register_forward_hook(lambda m, i, o: calls.append("net[0]"))
    pre = net.register_forward_pre_hook(lambda m, i: calls.append(f"pre{len(i)}"))
    net(torch.ones(1, 2))
    assert calls == ["pre1", "net[0]", "net"]
    calls.clear()
    net.forward(torch.ones(1, 2))
    assert calls == ["net[0]"]
    for handle in (outer, inner, pre):
        handle.remove()
    calls.clear()
    net(torch.ones(1, 2))
    assert calls == []


def test_plain_attribute_buffer_and_non_persistent_buffer_differ_in_state_dict_and_to():
    """01-model-construction, 'Constants: plain attributes and buffers'; 05, exercise 3."""

    class Constants(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.plain = torch.ones(3)
            self.register_buffer("mean", torch.zeros(3))
            self.register_buffer("mask", torch.ones(3), persistent=False)

    consts = Constants().to(torch.float64)
    assert list(consts.state_dict()) == ["mean"]
    assert [name for name, _ in consts.named_buffers()] == ["mean", "mask"]
    assert (consts.plain.dtype, consts.mean.dtype, consts.mask.dtype) == (
        torch.float32,
        torch.float64,
        torch.float64,
    )


def test_assigning_nn_buffer_registers_a_buffer():
    """01-model-construction, 'The plain-list trap' ("buffers ... are registered explicitly").

    Since torch 2.5 an attribute assignment of nn.Buffer registers a buffer too.
    """

    class WithBuffer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mean = nn.Buffer(torch.zeros(2))
            self.mask = nn.Buffer(torch.ones(2), persistent=False)

    module = WithBuffer()
    assert [name for name, _ in module.named_buffers()] == ["mean", "mask"]
    assert list(module.state_dict()) == ["mean"]
    assert type(module.mean) is torch.Tensor


def test_named_modules_names_the_root_with_the_empty_string():
    """01-model-construction, 'Nesting modules and reading the tree'."""
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "1.0"]
    assert [name for name, _ in model.named_children()] == ["0", "1"]


# --------------------------------------------------------------------------------------
# 02-parameters
# --------------------------------------------------------------------------------------


def test_state_dict_values_are_detached_tensors_sharing_memory_with_parameters():
    """02-parameters, 'state_dict: every tensor a module needs, by name' (a view, not a snapshot)."""
    layer = nn.Linear(2, 2)
    state = layer.state_dict()
    assert type(state) is collections.OrderedDict
    assert not state["weight"].requires_grad
    assert type(state["weight"]) is torch.Tensor
    assert state["weight"].data_ptr() == layer.weight.data_ptr()
    with torch.no_grad():
        layer.bias += 1.0
    assert torch.equal(state["bias"], layer.bias)


def test_data_shares_storage_and_is_invisible_to_autograd():
    """02-parameters, 'A parameter, its .data and its .grad'; 05, 'The bug: .data in forward'."""
    weight = nn.Linear(3, 2).weight
    assert type(weight.data) is torch.Tensor
    assert weight.data.data_ptr() == weight.data_ptr()
    assert not weight.data.requires_grad
    X = torch.ones(1, 3)
    assert (X @ weight.T).grad_fn is not None
    out = X @ weight.data.T
    assert out.grad_fn is None and not out.requires_grad
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        out.sum().backward()


def test_grad_starts_none_accumulates_and_zero_grad_sets_none_by_default():
    """02-parameters, "A parameter, its .data and its .grad" (gradients accumulate)."""
    layer = nn.Linear(2, 1)
    assert layer.weight.grad is None
    layer(torch.ones(1, 2)).sum().backward()
    first = layer.weight.grad.clone()
    layer(torch.ones(1, 2)).sum().backward()
    assert torch.equal(layer.weight.grad, 2 * first)
    layer.zero_grad()
    assert layer.weight.grad is None
    assert inspect.signature(torch.optim.Optimizer.zero_grad).parameters["set_to_none"].default


def test_batchnorm_buffers_are_saved_not_trained_and_count_training_batches_only():
    """02-parameters, 'Every parameter at once, and buffers'; 05, 'Readable printouts and buffers'."""
    bn = nn.BatchNorm1d(3)
    assert [name for name, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [name for name, _ in bn.named_buffers()] == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert len(bn.state_dict()) == 5
    before = bn.running_mean.clone()
    bn(torch.randn(8, 3))
    assert not torch.equal(before, bn.running_mean)
    bn.eval()
    bn(torch.randn(8, 3))
    assert bn.num_batches_tracked.item() == 1


def test_in_place_edit_of_a_parameter_needs_no_grad():
    """02-parameters, 'Tied parameters'; 03-init-param, 'Writing your own initializer'."""
    weight = nn.Linear(3, 3).weight
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
        weight.uniform_(-0.5, 0.5)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        weight[0, 0] = 5.0
    with torch.no_grad():
        weight[0, 0] = 5.0
    assert weight.is_leaf and weight.requires_grad and weight[0, 0].item() == 5.0


def test_tied_parameter_listed_once_unless_remove_duplicate_is_false():
    """02-parameters, 'A tied parameter is listed once'."""
    shared = nn.Linear(4, 4)
    tied = nn.Sequential(nn.Linear(3, 4), shared, nn.Tanh(), shared)
    assert len(list(tied.parameters())) == 4
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [n for n, _ in tied.named_parameters(remove_duplicate=False)] == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "3.weight",
        "3.bias",
    ]


def test_get_parameter_returns_the_parameter_object_itself():
    """02-parameters, 'Reaching a layer's parameters'."""
    net = nn.Sequential(collections.OrderedDict(hidden=nn.Linear(3, 6), out=nn.Linear(6, 1)))
    assert net.get_parameter("out.weight") is net[1].weight is net.out.weight


def test_requires_grad_false_freezes_every_parameter_and_eval_freezes_none():
    """02-parameters, 'Freezing parameters'."""
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(), nn.Linear(8, 1))
    model.eval()
    assert all(p.requires_grad for p in model.parameters())
    model[0].requires_grad_(False)
    assert [p.requires_grad for p in model.parameters()] == [False, False, True, True]
    model(torch.randn(2, 4)).sum().backward()
    assert model[0].weight.grad is None and model[2].weight.grad is not None


def test_embedding_weight_has_the_shape_of_the_transposed_linear_head():
    """solutions/02-parameters, exercise 3 (tying an embedding to the output layer)."""
    assert nn.Embedding(10, 4).weight.shape == nn.Linear(4, 10).weight.shape == (10, 4)


def test_safetensors_refuses_one_tensor_under_two_names():
    """solutions/02-parameters, exercise 3 ('some file formats (safetensors) refuse ...')."""
    safetensors_torch = pytest.importorskip("safetensors.torch")
    weight = torch.ones(2, 2)
    with pytest.raises(RuntimeError, match="share memory"):
        safetensors_torch.save({"a": weight, "b": weight})


# --------------------------------------------------------------------------------------
# 03-init-param
# --------------------------------------------------------------------------------------


def test_linear_default_init_is_kaiming_uniform_a_sqrt5_on_1_over_sqrt_fan_in():
    """03-init-param, 'What a fresh layer already contains'."""
    torch.manual_seed(0)
    layer = nn.Linear(256, 128)
    torch.manual_seed(0)
    weight = torch.empty(128, 256)
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    bound = 1 / math.sqrt(256)
    bias = torch.empty(128).uniform_(-bound, bound)
    assert torch.equal(layer.weight.detach(), weight)
    assert torch.equal(layer.bias.detach(), bias)
    assert layer.weight.abs().max().item() <= bound
    assert nn.init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))


def test_calculate_gain_for_tanh_and_relu():
    """03-init-param, 'Why the scale matters'; solutions/03, exercise 2 (5/3 and sqrt(2))."""
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))


def test_exactly_the_random_initializers_accept_a_generator():
    """03-init-param, 'Reproducible initialization' ("every random initializer ... generator=")."""
    random = {
        "uniform_",
        "normal_",
        "trunc_normal_",
        "xavier_uniform_",
        "xavier_normal_",
        "kaiming_uniform_",
        "kaiming_normal_",
        "orthogonal_",
        "sparse_",
    }
    deterministic = {"constant_", "zeros_", "ones_", "eye_", "dirac_"}
    public = {n for n in dir(nn.init) if n.endswith("_") and not n.startswith("_")}
    assert public == random | deterministic
    takes = {n for n in public if "generator" in inspect.signature(getattr(nn.init, n)).parameters}
    assert takes == random
    before = torch.get_rng_state()
    nn.init.kaiming_normal_(torch.empty(3, 3), generator=torch.Generator().manual_seed(1))
    assert torch.equal(before, torch.get_rng_state())


def test_every_initializer_works_on_a_parameter_without_no_grad():
    """03-init-param, 'The toolbox' ("each one runs under torch.no_grad() internally")."""
    weight = nn.Parameter(torch.empty(4, 4))
    for init in (
        nn.init.uniform_,
        nn.init.normal_,
        nn.init.trunc_normal_,
        nn.init.xavier_uniform_,
        nn.init.xavier_normal_,
        nn.init.kaiming_uniform_,
        nn.init.kaiming_normal_,
        nn.init.orthogonal_,
        lambda w: nn.init.sparse_(w, 0.5),
        lambda w: nn.init.constant_(w, 0.1),
        nn.init.zeros_,
        nn.init.ones_,
        nn.init.eye_,
    ):
        init(weight)
        assert weight.is_leaf and weight.requires_grad and weight.grad_fn is None


def test_trunc_normal_draws_a_normal_cut_at_a_and_b():
    """03-init-param, 'The toolbox' ("a normal distribution cut off at a and b", ~88% std).

    Only the distribution is promised: torch up to 2.11 draws it by inverting the CDF, newer
    releases redraw values that fall outside, and the two give different numbers.
    """
    w = torch.empty(200_000)
    nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04, generator=torch.Generator().manual_seed(3))
    assert w.abs().max().item() <= 0.04
    # a standard normal cut at ±2: std = sqrt(1 - 2·2·φ(2) / (Φ(2) − Φ(−2))) = 0.8796
    phi = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    ratio = math.sqrt(1 - 4 * phi / mass)
    assert abs(ratio - 0.8796) < 1e-4
    assert abs(w.std().item() / 0.02 - ratio) < 0.005
    assert abs(w.mean().item()) < 0.0005
    # the shape inside [a, b] is the normal's: a quarter-width band at the centre holds
    # (Φ(0.5) − Φ(−0.5)) / (Φ(2) − Φ(−2)) of the values
    centre = (w.abs() <= 0.01).float().mean().item()
    assert abs(centre - math.erf(0.5 / math.sqrt(2)) / mass) < 0.005


def test_apply_visits_children_first_and_the_root_last():
    """03-init-param, 'Choosing an initializer per layer'."""
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 1)))
    visited: list[str] = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]


def test_multihead_attention_output_projection_is_a_linear_subclass():
    """00-builders-guide, 'Where this companion departs'; 03-init-param, 'Why isinstance'."""
    out_proj = nn.MultiheadAttention(16, 2).out_proj
    assert isinstance(out_proj, nn.Linear) and type(out_proj) is not nn.Linear


def test_data_edit_after_forward_gives_silently_wrong_gradients_no_grad_edit_errors():
    """03-init-param, 'Writing your own initializer' (the .data versus no_grad paragraph)."""
    layer = nn.Linear(3, 3)
    X = torch.randn(2, 3, requires_grad=True)
    out = layer(X).sum()
    layer.weight.data.mul_(2.0)
    out.backward()
    assert torch.allclose(X.grad, layer.weight.sum(0).expand(2, 3))  # uses the *new* weights

    layer = nn.Linear(3, 3)
    out = layer(torch.randn(2, 3, requires_grad=True)).sum()
    with torch.no_grad():
        layer.weight.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


# --------------------------------------------------------------------------------------
# 04-lazy-init
# --------------------------------------------------------------------------------------


def test_lazy_layers_are_built_without_a_warning():
    """04-lazy-init, 'Does PyTorch still warn about lazy modules?'."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.LazyLinear(8)
        nn.LazyConv2d(4, 3)
    assert caught == []


def test_uninitialized_parameter_refuses_most_questions_but_reports_ndim_1():
    """04-lazy-init, 'Parameters that do not exist yet'."""
    layer = nn.LazyLinear(64)
    weight = layer.weight
    assert type(weight) is UninitializedParameter
    assert layer.in_features == 0
    with pytest.raises(ValueError, match="uninitialized parameter"):
        weight.numel()
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        _ = weight.shape
    with pytest.raises(ValueError, match="uninitialized parameter"):
        nn.init.normal_(weight)
    assert weight.ndim == 1 and weight.size() == torch.Size([0])
    assert all(type(v) is UninitializedParameter for v in layer.state_dict().values())


def test_materialization_keeps_the_parameter_object_and_changes_classes():
    """04-lazy-init, 'Materializing with a dry run' and 'Initializing after materialization'."""
    layer = nn.LazyLinear(3)
    weight = layer.weight
    assert isinstance(layer, nn.Linear) and type(layer) is nn.LazyLinear
    layer(torch.zeros(1, 5))
    assert layer.weight is weight
    assert type(weight) is nn.Parameter and weight.shape == (3, 5)
    assert type(layer) is nn.Linear and layer.in_features == 5
    conv = nn.LazyConv2d(6, kernel_size=5)
    conv(torch.zeros(1, 2, 28, 28))
    assert conv.in_channels == 2 and conv.weight.shape == (6, 2, 5, 5)


def test_sgd_and_adam_built_before_materialization_train_but_adagrad_refuses():
    """04-lazy-init, 'The optimizer: before or after materialization?'."""
    for make in (torch.optim.SGD, torch.optim.Adam):
        torch.manual_seed(1)
        net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
        optimizer = make(net.parameters(), lr=0.1)
        held = optimizer.param_groups[0]["params"]
        net(torch.randn(4, 3))
        assert all(a is b for a, b in zip(held, net.parameters(), strict=True))
        before = net[0].weight.detach().clone()
        net(torch.randn(4, 3)).sum().backward()
        optimizer.step()
        assert not torch.equal(before, net[0].weight)
    with pytest.raises(ValueError, match="uninitialized parameter"):
        torch.optim.Adagrad(nn.LazyLinear(4).parameters())


def test_load_state_dict_materializes_a_lazy_layer_without_changing_its_class():
    """04-lazy-init, 'Loading a state dict materializes a lazy model'."""
    lazy = nn.LazyLinear(4)
    lazy.load_state_dict(nn.Linear(6, 4).state_dict())
    assert lazy.weight.shape == (4, 6)
    assert type(lazy) is nn.LazyLinear and lazy.in_features == 0
    lazy(torch.zeros(1, 6))
    assert type(lazy) is nn.Linear and lazy.in_features == 6


def test_shape_mismatch_message_names_mat1_and_mat2():
    """04-lazy-init, 'When the sizes do not fit'."""
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x30 and 24x64\)"
    ):
        nn.Linear(24, 64)(torch.randn(2, 30))


# --------------------------------------------------------------------------------------
# 05-custom-layer
# --------------------------------------------------------------------------------------


def test_dense_layout_differs_from_linear_layout():
    """05-custom-layer, 'A layer with parameters' (Dense stores (in, out), nn.Linear (out, in))."""
    layer = nn.Linear(6, 4)
    assert layer.weight.shape == (4, 6)
    X = torch.randn(3, 6)
    assert torch.allclose(layer(X), X @ layer.weight.T + layer.bias)


def test_module_to_dtype_converts_floating_tensors_only():
    """05-custom-layer, 'Readable printouts and buffers' (the integer counter stays int64)."""
    module = nn.Module()
    module.register_buffer("mask", torch.ones(2))
    module.register_buffer("calls", torch.zeros((), dtype=torch.long))
    module.to(torch.float64)
    assert (module.mask.dtype, module.calls.dtype) == (torch.float64, torch.int64)


def test_naive_softplus_overflows_and_its_gradient_is_nan():
    """05-custom-layer, 'A backward of your own' (inf value, 0 * inf = nan gradient)."""
    x = torch.tensor([-100.0, 0.0, 100.0], requires_grad=True)
    naive = torch.log(1 + torch.exp(x))
    naive.sum().backward()
    assert math.isinf(naive[2].item()) and math.isnan(x.grad[2].item())
    big = torch.tensor([-30.0, 1.0, 500.0])
    assert nn.functional.softplus(big)[2].item() == 500.0


def test_gradcheck_fails_on_float32_and_passes_on_float64():
    """05-custom-layer, 'A backward of your own' ("It needs float64")."""
    x32 = torch.linspace(-3, 3, 10).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not torch.autograd.gradcheck(nn.functional.softplus, (x32,), raise_exception=False)
    x64 = torch.linspace(-3, 3, 10, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(nn.functional.softplus, (x64,))


def test_first_half_of_the_fft_drops_the_real_nyquist_coefficient():
    """solutions/05-custom-layer, exercise 2 (keeping n // 2 coefficients loses information)."""
    n = 8
    x = torch.randn(n, dtype=torch.float64)
    alternating = (-1.0) ** torch.arange(n, dtype=torch.float64)
    y = x + 0.7 * alternating
    X, Y = torch.fft.fft(x), torch.fft.fft(y)
    assert torch.allclose(X[: n // 2], Y[: n // 2])
    assert not torch.allclose(x, y)
    assert X[n // 2].imag.abs().item() < 1e-12
    assert torch.allclose(X[1 : n // 2], X[n // 2 + 1 :].flip(0).conj())
    assert torch.fft.rfft(x).shape == (n // 2 + 1,)


# --------------------------------------------------------------------------------------
# 06-read-write
# --------------------------------------------------------------------------------------


class _Payload:
    """A pickle whose rebuild calls os.makedirs: the crafted file of 06-read-write.

    os.makedirs is written in Python, so pickle names it ``os.makedirs`` on every Python
    (io.open would be ``io.open`` on 3.11 and ``_io.open`` from 3.12 on).
    """

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.makedirs, (self.target,))


class _Config:
    """A small class of our own: not on the weights_only allowlist until we add it."""

    def __init__(self, width: int) -> None:
        self.width = width


def test_torch_load_defaults_to_weights_only_and_refuses_a_payload(tmp_path):
    """06-read-write, 'Tensors, lists and dicts' and 'Why torch.load ... is dangerous'."""
    assert (
        inspect.signature(torch.load).parameters["weights_only"].default is None
    )  # True since 2.6
    marker = tmp_path / "marker.txt"
    torch.save({"0.weight": torch.ones(2), "extra": _Payload(str(marker))}, tmp_path / "bad.pt")
    for kwargs in ({}, {"weights_only": True}):
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            torch.load(tmp_path / "bad.pt", **kwargs)
    assert not marker.exists()


def test_get_unsafe_globals_in_checkpoint_names_globals_without_running_them(tmp_path):
    """06-read-write, 'Why torch.load ... is dangerous'; solutions/06, exercise 2."""
    marker = tmp_path / "marker.txt"
    torch.save({"w": torch.ones(2), "extra": _Payload(str(marker))}, tmp_path / "bad.pt")
    assert torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "bad.pt") == [
        "os.makedirs"
    ]
    assert not marker.exists()
    torch.save(nn.Linear(2, 2).state_dict(), tmp_path / "good.pt")
    assert torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "good.pt") == []


def test_weights_only_allowlist_takes_plain_data_and_classes_you_add(tmp_path):
    """06-read-write, 'Tensors, lists and dicts' (what the safe loader rebuilds)."""
    plain = {
        "tensor": torch.arange(3),
        "numbers": [1, 2.5, complex(1, 2), True, None],
        "text": ("demo", b"raw"),
        "ordered": collections.OrderedDict(a=1),
        "set": {1, 2},
        "torch": (torch.Size([2]), torch.float16, torch.device("cpu")),
    }
    torch.save(plain, tmp_path / "plain.pt")
    back = torch.load(tmp_path / "plain.pt", weights_only=True)
    assert back["numbers"] == plain["numbers"] and back["torch"] == plain["torch"]
    torch.save(_Config(3), tmp_path / "config.pt")
    with pytest.raises(pickle.UnpicklingError, match="_Config"):
        torch.load(tmp_path / "config.pt", weights_only=True)
    with torch.serialization.safe_globals([_Config]):
        assert torch.load(tmp_path / "config.pt", weights_only=True).width == 3


def test_failed_torch_save_has_already_emptied_the_old_file(tmp_path):
    """06-read-write, 'Atomic checkpoints' (torch.save first empties the target)."""

    class Exploding(torch.Tensor):
        def __reduce_ex__(self, protocol):
            raise RuntimeError("simulated crash while saving")

    path = tmp_path / "plain.pt"
    torch.save({"0.weight": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match="simulated crash"):
        torch.save({"boom": torch.zeros(3).as_subclass(Exploding)}, path)
    with zipfile.ZipFile(path) as archive:
        assert not any(name.endswith("data.pkl") for name in archive.namelist())


def test_truncated_checkpoint_cannot_be_loaded(tmp_path):
    """06-read-write, 'Atomic checkpoints' ("PyTorch cannot read what is left")."""
    path = tmp_path / "ckpt.pt"
    torch.save(nn.Linear(8, 32).state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises((OSError, RuntimeError)):
        torch.load(path, weights_only=True)


def test_load_state_dict_non_strict_reports_names_but_raises_on_shape_mismatch():
    """06-read-write, 'Reusing the first layers of a trained model'; solutions/06, exercise 1."""
    target = nn.Sequential(nn.Linear(2, 3))
    result = target.load_state_dict(
        {"0.weight": torch.ones(3, 2), "x": torch.ones(1)}, strict=False
    )
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["x"]
    with pytest.raises(RuntimeError, match=r"size mismatch for 0\.weight"):
        target.load_state_dict({"0.weight": torch.ones(4, 2)}, strict=False)


def test_optimizer_state_names_and_shapes():
    """solutions/06-read-write, exercise 3 (what SGD with momentum and Adam keep)."""
    layer = nn.Linear(3, 2)
    shapes = {}
    for optimizer in (
        torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9),
        torch.optim.Adam(layer.parameters()),
    ):
        layer(torch.ones(1, 3)).sum().backward()
        optimizer.step()
        state = optimizer.state_dict()["state"][0]
        shapes[type(optimizer).__name__] = {key: tuple(value.shape) for key, value in state.items()}
    assert shapes == {
        "SGD": {"momentum_buffer": (2, 3)},
        "Adam": {"step": (), "exp_avg": (2, 3), "exp_avg_sq": (2, 3)},
    }


# --------------------------------------------------------------------------------------
# 07-use-gpu
# --------------------------------------------------------------------------------------


def test_tensor_to_returns_self_when_nothing_changes():
    """07-use-gpu, 'Copying between devices'."""
    X = torch.randn(2, 3)
    assert X.to("cpu") is X
    assert X.to(torch.float32) is X
    assert X.to("cpu", copy=True) is not X
    assert X.to(torch.float64) is not X


def test_device_object_checks_nothing():
    """07-use-gpu, 'Finding the devices' ("making one checks nothing")."""
    assert str(torch.device("cuda", 1)) == "cuda:1"


def test_module_to_is_in_place_and_keeps_parameter_objects():
    """07-use-gpu, 'Models on a device'; 04-lazy-init (the optimizer keeps valid references).

    Module.to() assigns new data to the same Parameter objects, unless a torch.__future__
    flag asks to overwrite them (then an optimizer built earlier holds stale objects).
    """
    net = nn.Linear(3, 3)
    weight = net.weight
    assert net.to(torch.float64) is net
    assert net.weight is weight and weight.dtype == torch.float64
    assert not torch.__future__.get_overwrite_module_params_on_conversion()
    assert not torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_overwrite_module_params_on_conversion(True)
    try:
        net = nn.Linear(3, 3)
        weight = net.weight
        net.to(torch.float64)
        assert net.weight is not weight
    finally:
        torch.__future__.set_overwrite_module_params_on_conversion(False)
    torch.__future__.set_swap_module_params_on_conversion(True)
    try:
        net = nn.Linear(3, 3)
        weight = net.weight
        net.to(torch.float64)
        assert net.weight is weight and weight.dtype == torch.float64
    finally:
        torch.__future__.set_swap_module_params_on_conversion(False)


def test_operands_on_different_devices_raise_except_zero_dim_cpu_tensors():
    """07-use-gpu, 'Keep the operands together' (meta stands in for another device)."""
    ghost = nn.Linear(3, 2).to("meta")
    with pytest.raises(RuntimeError, match="is not on the expected device"):
        ghost(torch.ones(4, 3))
    with pytest.raises(RuntimeError, match="is not on the expected device"):
        torch.ones(3, device="meta") * torch.ones(3)
    assert (torch.ones(3, device="meta") * torch.tensor(2.0)).device.type == "meta"


def test_numpy_refuses_a_tensor_that_is_not_on_the_cpu():
    """07-use-gpu, 'The hidden cost of synchronization' (.numpy() raises; .cpu() is the sync)."""
    with pytest.raises(TypeError, match="can't convert meta device type tensor to numpy"):
        torch.ones(2, device="meta").numpy()


def test_tensor_split_gives_exactly_n_slices_and_chunk_may_give_fewer():
    """07-use-gpu, 'Several GPUs' (tensor_split versus chunk)."""
    X = torch.randn(10, 4)
    assert [len(s) for s in X.tensor_split(4)] == [3, 3, 2, 2]
    assert [len(s) for s in X.chunk(4)] == [3, 3, 3, 1]
    assert [len(s) for s in torch.arange(6).chunk(4)] == [2, 2, 2]
    assert [len(s) for s in torch.arange(2).tensor_split(3)] == [1, 1, 0]


def test_benchmark_timer_uses_one_thread_unless_told_otherwise():
    """07-use-gpu, 'Timing done right' ("torch.utils.benchmark uses one CPU thread")."""
    signature = inspect.signature(torch.utils.benchmark.Timer.__init__)
    assert signature.parameters["num_threads"].default == 1
