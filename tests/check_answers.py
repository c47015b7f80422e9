"""Right and wrong answers to every exercise of ``bg.check``, shared by the check tests.

``CORRECT`` maps each exercise to a reference answer. ``WRONG`` lists, per exercise, the
mistakes a learner makes, each with the facts its feedback must state: the failing line and
the hint that names that mistake.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import builders_guide as bg
import torch
from torch import nn

# --------------------------------------------------------------------------- reference answers


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


def count(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def mixture(m: nn.Module) -> None:
    with torch.no_grad():
        nn.init.uniform_(m.weight, -10, 10)
        m.weight *= m.weight.abs() >= 5


def lazy() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(10))


def dry(model: nn.Module, example: torch.Tensor) -> nn.Module:
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            model(example)
    finally:
        for m, training in modes:
            m.training = training
    return model


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


def load_safely(path: str, model: nn.Module) -> nn.Module:
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model


def norms(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.norm() for g in grads])


CORRECT: dict[str, Any] = {
    "parallel_module": Parallel,
    "stack_blocks": stack,
    "registered_layers": MLP,
    "nested_param": pick,
    "param_count": count,
    "mixture_init": mixture,
    "lazy_mlp": lazy,
    "dry_run": dry,
    "tensor_reduction": Reduction,
    "fourier_half": HalfFFT,
    "partial_load": load_matching,
    "safe_load": load_safely,
    "norm_log": norms,
}
CLASS_CHECKS = {"parallel_module", "registered_layers", "tensor_reduction", "fourier_half"}
FUNCTION_CHECKS = set(CORRECT) - CLASS_CHECKS

# --------------------------------------------------------------------------- wrong: 01


class ParallelInList(nn.Module):
    def __init__(self, net1: nn.Module, net2: nn.Module) -> None:
        super().__init__()
        self.nets = [net1, net2]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat([net(X) for net in self.nets], dim=1)


class ParallelCopies(Parallel):
    def __init__(self, net1: nn.Module, net2: nn.Module) -> None:
        super().__init__(copy.deepcopy(net1), copy.deepcopy(net2))


class ParallelDim0(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net1(X), self.net2(X)), dim=0)


class ParallelDefaultDim(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net1(X), self.net2(X)))


class ParallelStacked(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.stack((self.net1(X), self.net2(X)), dim=1)


class ParallelSwapped(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.net2(X), self.net1(X)), dim=1)


class ParallelDetached(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(X).detach()


class ParallelNoGrad(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return super().forward(X)


class ParallelChangesInput(Parallel):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        out = super().forward(X)
        X.zero_()
        return out


class ParallelReturnsTuple(Parallel):
    def forward(self, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.net1(X), self.net2(X)


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


def stack_in_module_list(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return nn.ModuleList(make_block() for _ in range(n))


def stack_deep_copies(make_block: Callable[[], nn.Module], n: int) -> nn.Module:
    return nn.Sequential(*[copy.deepcopy(make_block()) for _ in range(n)])


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


class MLPHardCoded(MLP):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__([4, 8, 8, 2])


# --------------------------------------------------------------------------- wrong: 02


def pick_by_shape(net: nn.Module) -> nn.Parameter:
    return [p for p in net.parameters() if p.shape == (8, 8)][-1]


def pick_by_position(net: nn.Module) -> nn.Parameter:
    return list(net.parameters())[8]


def pick_replacing(net: nn.Module) -> nn.Parameter:
    layer = net.blocks[1][2]
    layer.weight = nn.Parameter(layer.weight.detach().clone())
    return layer.weight


def count_with_helper(net: nn.Module) -> int:
    return bg.count_params(net)


def count_named(net: nn.Module) -> int:
    return sum(p.numel() for _, p in net.named_parameters(remove_duplicate=False))


def count_state_dict(net: nn.Module) -> int:
    return sum(t.numel() for t in net.state_dict().values())


def count_with_buffers(net: nn.Module) -> int:
    return count(net) + sum(b.numel() for b in net.buffers())


def count_trainable(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def count_tensors(net: nn.Module) -> int:
    return len(list(net.parameters()))


def count_as_tensor(net: nn.Module) -> torch.Tensor:
    return torch.tensor(count(net))


# --------------------------------------------------------------------------- wrong: 03


def mixture_without_no_grad(m: nn.Module) -> None:
    nn.init.uniform_(m.weight, -10, 10)
    m.weight *= m.weight.abs() >= 5


def mixture_through_data(m: nn.Module) -> None:
    m.weight.data.uniform_(-10, 10)
    m.weight.data *= m.weight.data.abs() >= 5


def mixture_assigning_data(m: nn.Module) -> None:
    w = torch.empty_like(m.weight).uniform_(-10, 10)
    m.weight.data = w * (w.abs() >= 5)


def mixture_new_parameter(m: nn.Module) -> None:
    w = torch.empty_like(m.weight).uniform_(-10, 10)
    m.weight = nn.Parameter(w * (w.abs() >= 5))


def mixture_returning_a_new_layer(m: nn.Module) -> nn.Module:
    layer = nn.Linear(m.in_features, m.out_features)
    mixture(layer)
    return layer


def mixture_uniform_only(m: nn.Module) -> None:
    with torch.no_grad():
        nn.init.uniform_(m.weight, -10, 10)


def mixture_tails_at_five(m: nn.Module) -> None:
    with torch.no_grad():
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.copy_(torch.where(m.weight.abs() >= 5, 5 * m.weight.sign(), 0.0))


def mixture_changes_bias(m: nn.Module) -> None:
    mixture(m)
    with torch.no_grad():
        m.bias.fill_(1.0)


def mixture_fixed_shape(m: nn.Module) -> None:
    with torch.no_grad():
        w = torch.empty(500, 400).uniform_(-10, 10)
        m.weight.copy_(w * (w.abs() >= 5))


# --------------------------------------------------------------------------- wrong: 04


def lazy_fixed_inputs() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 10))


def lazy_then_fixed() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.LazyLinear(10))


def lazy_five_outputs() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(5))


_ONE_MODEL = lazy()
_ONE_LAYER = nn.LazyLinear(16)


def lazy_same_model() -> nn.Module:
    return _ONE_MODEL


def lazy_shared_first_layer() -> nn.Module:
    return nn.Sequential(_ONE_LAYER, nn.ReLU(), nn.LazyLinear(10))


def dry_with_helper(model: nn.Module, example: torch.Tensor) -> nn.Module:
    return bg.materialize(model, example)


def dry_with_grad(model: nn.Module, example: torch.Tensor) -> nn.Module:
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    model(example)
    for m, training in modes:
        m.training = training
    return model


def dry_in_train_mode(model: nn.Module, example: torch.Tensor) -> nn.Module:
    with torch.no_grad():
        model(example)
    return model


def dry_left_in_eval(model: nn.Module, example: torch.Tensor) -> nn.Module:
    model.eval()
    with torch.no_grad():
        model(example)
    return model


def dry_train_after(model: nn.Module, example: torch.Tensor) -> nn.Module:
    model.eval()
    with torch.no_grad():
        model(example)
    return model.train()


def dry_without_return(model: nn.Module, example: torch.Tensor) -> None:
    dry(model, example)


def dry_own_example(model: nn.Module, example: torch.Tensor) -> nn.Module:
    return dry(model, torch.zeros(2, 10))


def dry_nothing(model: nn.Module, example: torch.Tensor) -> nn.Module:
    return model


# --------------------------------------------------------------------------- wrong: 05


class ReductionData(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bj,ijk->bk", X, X, self.W.data)


class ReductionNoGrad(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return super().forward(X)


class ReductionSquares(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bi,ijk->bk", X, X, self.W)


class ReductionFlat(nn.Module):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X @ self.W


class ReductionWithBias(Reduction):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__(in_features, out_features)
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(X) + self.b


class ReductionHardCoded(Reduction):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__(4, 3)


class ReductionBadSubscripts(Reduction):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.einsum("bi,bj,ij->bk", X, X, self.W)


class HalfFFTAbs(HalfFFT):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(X).abs()


class HalfRFFT(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.rfft(X, dim=-1)


class FullFFT(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.fft(X, dim=-1)


class HalfFFTScaled(HalfFFT):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))


class HalfFFTDim0(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.fft(X, dim=0)[..., : X.shape[-1] // 2]


class SecondHalfFFT(nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return torch.fft.fft(X, dim=-1)[..., X.shape[-1] // 2 :]


class HalfFFTInPlace(HalfFFT):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        out = super().forward(X)
        X.mul_(0)
        return out


# --------------------------------------------------------------------------- wrong: 06


def load_non_strict(state_dict: dict, model: nn.Module) -> nn.Module:
    model.load_state_dict(state_dict, strict=False)
    return model


def load_silencing_errors(state_dict: dict, model: nn.Module) -> nn.Module:
    try:  # noqa: SIM105  (the mistake this answer shows)
        model.load_state_dict(state_dict, strict=False)
    except RuntimeError:
        pass
    return model


def load_without_return(state_dict: dict, model: nn.Module) -> None:
    load_matching(state_dict, model)


def load_into_a_copy(state_dict: dict, model: nn.Module) -> nn.Module:
    return load_matching(state_dict, copy.deepcopy(model))


def load_nothing(state_dict: dict, model: nn.Module) -> nn.Module:
    return model


def load_by_deleting(state_dict: dict, model: nn.Module) -> nn.Module:
    own = model.state_dict()
    for key in list(state_dict):
        if key not in own or own[key].shape != state_dict[key].shape:
            del state_dict[key]
    model.load_state_dict(state_dict, strict=False)
    return model


def load_new_parameters(state_dict: dict, model: nn.Module) -> nn.Module:
    for name, param in list(model.named_parameters()):
        if name in state_dict and state_dict[name].shape == param.shape:
            module = model.get_submodule(name.rpartition(".")[0])
            setattr(module, name.rpartition(".")[2], nn.Parameter(state_dict[name].clone()))
    return model


def load_through_data(state_dict: dict, model: nn.Module) -> nn.Module:
    for name, tensor in model.state_dict(keep_vars=True).items():
        if name in state_dict and state_dict[name].shape == tensor.shape:
            tensor.data.copy_(state_dict[name])
    return model


def load_parameters_only(state_dict: dict, model: nn.Module) -> nn.Module:
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name in state_dict and state_dict[name].shape == param.shape:
                param.copy_(state_dict[name])
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


def safe_with_helper(path: str, model: nn.Module) -> nn.Module:
    return bg.load(path, model)


def safe_implicit(path: str, model: nn.Module) -> nn.Module:
    model.load_state_dict(torch.load(path))
    return model


def safe_unsafe(path: str, model: nn.Module) -> nn.Module:
    state = torch.load(path, weights_only=False)
    model.load_state_dict({k: v for k, v in state.items() if k != "extra"})
    return model


def safe_falling_back(path: str, model: nn.Module) -> nn.Module:
    import pickle

    try:
        state = torch.load(path, weights_only=True)
    except pickle.UnpicklingError:
        state = torch.load(path, weights_only=False)
    model.load_state_dict({k: v for k, v in state.items() if k != "extra"})
    return model


def safe_swallowing(path: str, model: nn.Module) -> nn.Module:
    try:  # noqa: SIM105  (the mistake this answer shows)
        model.load_state_dict(torch.load(path, weights_only=True))
    except Exception:
        pass
    return model


def safe_without_return(path: str, model: nn.Module) -> None:
    load_safely(path, model)


def safe_new_parameters(path: str, model: nn.Module) -> nn.Module:
    state = torch.load(path, weights_only=True)
    for name in list(dict(model.named_parameters())):
        module = model.get_submodule(name.rpartition(".")[0])
        setattr(module, name.rpartition(".")[2], nn.Parameter(state[name]))
    return model


def safe_reading_only(path: str, model: nn.Module) -> nn.Module:
    torch.load(path, weights_only=True)
    return model


# --------------------------------------------------------------------------- wrong: 07


def norms_item(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.tensor([g.norm().item() for g in grads])


def norms_to_cpu(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.norm() for g in grads]).to("cpu")


def norms_squared(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([(g * g).sum() for g in grads])


def norms_l1(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.abs().sum() for g in grads])


def norms_list(grads: list[torch.Tensor]) -> list[torch.Tensor]:
    return [g.norm() for g in grads]


def norms_column(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.norm().reshape(1) for g in grads])


def norms_in_place(grads: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack([g.pow_(2).sum().sqrt() for g in grads])


def norms_without_return(grads: list[torch.Tensor]) -> None:
    torch.stack([g.norm() for g in grads])


def norms_on_cpu(grads: list[torch.Tensor]) -> torch.Tensor:
    out = torch.zeros(len(grads))
    for i, g in enumerate(grads):
        out[i] = g.norm()
    return out


WRONG: list[tuple[str, Any, list[str]]] = [
    ("parallel_module", ParallelInList, ["lacks 6 of the 6", "a plain list or dict hides them"]),
    ("parallel_module", ParallelCopies, ["lacks 6 of the 6", "not copies"]),
    ("parallel_module", ParallelDim0, ["Sizes of tensors must match", "You joined along dim=0"]),
    ("parallel_module", ParallelDefaultDim, ["You joined along dim=0, the batch dimension"]),
    ("parallel_module", ParallelStacked, ["stack expects each tensor", "torch.stack puts"]),
    ("parallel_module", ParallelSwapped, ["not net1's output followed", "wrong order"]),
    ("parallel_module", ParallelDetached, ["requires_grad is False", "no .detach()"]),
    ("parallel_module", ParallelNoGrad, ["requires_grad is False", "torch.no_grad() in forward"]),
    ("parallel_module", ParallelChangesInput, ["changed its input in place", "Leave the input"]),
    ("parallel_module", ParallelReturnsTuple, ["a tuple of 2 tensors", "Return one tensor"]),
    ("stack_blocks", stack_one_block, ["called 1 time(s), expected n = 3", "once per block"]),
    ("stack_blocks", stack_reusing_first, ["same block is used several times", "fresh block"]),
    ("stack_blocks", stack_in_list, ["only 0 of the 3 blocks", "plain Python list"]),
    ("stack_blocks", stack_in_module_list, ['missing the required "forward"', "no forward"]),
    ("stack_blocks", stack_deep_copies, ["only 0 of the 3 blocks", "not copies"]),
    ("stack_blocks", stack_reversed, ["differs from applying the 3 blocks", "order"]),
    ("registered_layers", MLPInList, ["0 parameter values, expected 130", "registers its"]),
    ("registered_layers", MLPReluAtEnd, ["none after the last", "ReLU after the last layer"]),
    ("registered_layers", MLPNoBias, ["112 parameter values, expected 130", "with bias"]),
    ("registered_layers", MLPHardCoded, ["MLPHardCoded([3, 5, 2]) has 130", "sizes argument"]),
    ("nested_param", lambda net: net.blocks[1][2].weight.clone(), ["not the same Parameter"]),
    ("nested_param", lambda net: net.blocks[1][2].weight.data, ["not the same Parameter"]),
    ("nested_param", lambda net: net.blocks[0][2].weight, ["blocks.0.2.weight", "has index 1"]),
    ("nested_param", lambda net: net.blocks[1][0].weight, ["blocks.1.0.weight", "Right block"]),
    ("nested_param", lambda net: net.head.weight, ["head.weight", "not inside net.blocks"]),
    ("nested_param", lambda net: net.blocks[1][2], ["an object of class Linear", "its weight"]),
    ("nested_param", lambda net: print(net.blocks), ["returned None", "return statement"]),
    ("nested_param", pick_by_shape, ["(other_net) returned the parameter head.weight", "tree"]),
    ("nested_param", pick_by_position, ["(other_net) returned the parameter", "position"]),
    ("nested_param", pick_replacing, ["changed the model", "Only read the model"]),
    ("param_count", count_with_helper, ["calls the helper package (bg)", "bg.count_params"]),
    ("param_count", count_named, ["returned 69, expected 49", "tied layer twice"]),
    ("param_count", count_state_dict, ["returned 78, expected 49", "also holds the buffers"]),
    ("param_count", count_with_buffers, ["returned 58, expected 49", "counted the buffers"]),
    ("param_count", count_trainable, ["returned 44, expected 49", "frozen parameters"]),
    ("param_count", count_tensors, ["returned 8, expected 49", "tensors, not values"]),
    ("param_count", count_as_tensor, ["returned a tensor, expected a Python int"]),
    ("mixture_init", mixture_without_no_grad, ["leaf Variable", "with torch.no_grad():"]),
    ("mixture_init", mixture_through_data, ["edited m.weight through .data", "version counter"]),
    ("mixture_init", mixture_assigning_data, ["through .data", "hides the edit from autograd"]),
    ("mixture_init", mixture_new_parameter, ["a new Parameter object", "optimizer", "untied"]),
    ("mixture_init", mixture_returning_a_new_layer, ["same values as before", "in place"]),
    ("mixture_init", mixture_uniform_only, ["0.000 of the weights are exactly 0"]),
    ("mixture_init", mixture_tails_at_five, ["[5, 10] have mean 5.00", "not piled at one value"]),
    ("mixture_init", mixture_changes_bias, ["bias was changed", "leave m.bias alone"]),
    ("mixture_init", mixture_fixed_shape, ["nn.Linear(300, 200)) raised", "from m.weight itself"]),
    ("lazy_mlp", lazy_fixed_inputs, ["no uninitialized (lazy) parameters", "first layer lazy"]),
    ("lazy_mlp", lazy_then_fixed, ["shapes cannot be multiplied", "fixed input size"]),
    ("lazy_mlp", lazy_five_outputs, ["has shape (5, 5), expected (5, 10)", "10 outputs"]),
    ("lazy_mlp", lazy_same_model, ["returned the same model twice", "inside the function"]),
    ("lazy_mlp", lazy_shared_first_layer, ["share a layer", "made once outside"]),
    ("dry_run", dry_with_helper, ["calls the helper package (bg)", "bg.materialize"]),
    ("dry_run", dry_with_grad, ["recorded gradients", "torch.no_grad()"]),
    ("dry_run", dry_in_train_mode, ["ran in train mode", "num_batches_tracked = 1", "eval"]),
    ("dry_run", dry_left_in_eval, ["5 submodule(s) did not get", "left in eval mode"]),
    ("dry_run", dry_train_after, ["1 submodule(s) did not get", "model.train() switches"]),
    ("dry_run", dry_without_return, ["returned None", "returning the model"]),
    ("dry_run", dry_own_example, ["materialized for 10 input features", "example you are"]),
    ("dry_run", dry_nothing, ["still has lazy parameters", "Run the model once"]),
    ("tensor_reduction", ReductionData, ["requires_grad is False", "W.data"]),
    ("tensor_reduction", ReductionNoGrad, ["requires_grad is False", "torch.no_grad()"]),
    ("tensor_reduction", ReductionSquares, ["output differs from y[b, k]", "two different"]),
    ("tensor_reduction", ReductionFlat, ["shape (4, 4, 3) is 0, expected exactly 1"]),
    ("tensor_reduction", ReductionWithBias, ["has 2 parameters, expected only W", "no bias"]),
    (
        "tensor_reduction",
        ReductionHardCoded,
        ["(2, 5) has parameters of shapes (4, 4, 3)", "not from numbers"],
    ),
    ("tensor_reduction", ReductionBadSubscripts, ["raised ", "one letter"]),
    ("fourier_half", HalfFFTAbs, ["is real (torch.float32)", "not .abs()"]),
    ("fourier_half", HalfRFFT, ["has shape (3, 5), expected (3, 4)", "n // 2 + 1"]),
    ("fourier_half", FullFFT, ["has shape (3, 8), expected (3, 4)", "all n coefficients"]),
    ("fourier_half", HalfFFTScaled, ["parameters() yields 1", "no nn.Parameter"]),
    ("fourier_half", HalfFFTDim0, ["for n = 8 the output differs", "batch dimension (dim=0)"]),
    ("fourier_half", SecondHalfFFT, ["for n = 8 the output differs", "kept the last"]),
    ("fourier_half", HalfFFTInPlace, ["changed its input in place"]),
    ("partial_load", load_non_strict, ["size mismatch for 5.weight", "Filter the dict first"]),
    ("partial_load", load_silencing_errors, ["silenced it", "happens to copy"]),
    ("partial_load", load_without_return, ["returned None", "returning the model"]),
    ("partial_load", load_into_a_copy, ["not the model it was given", "not a copy"]),
    ("partial_load", load_nothing, ["0.weight was not copied"]),
    ("partial_load", load_by_deleting, ["changed the state dict it was given", "new dict"]),
    ("partial_load", load_new_parameters, ["0.bias is a new tensor object", "breaks an optimizer"]),
    ("partial_load", load_through_data, ["through .data", "hides the copy"]),
    ("partial_load", load_parameters_only, ["1.running_mean was not copied", "is a buffer"]),
    ("partial_load", load_overlapping_slices, ["5.weight was changed", "Load only the entries"]),
    ("safe_load", safe_with_helper, ["calls the helper package (bg)", "bg.load"]),
    ("safe_load", safe_implicit, ["without weights_only=True", "explicitly"]),
    ("safe_load", safe_unsafe, ["without weights_only=True"]),
    ("safe_load", safe_falling_back, ["ran the code hidden in the file", "never use it"]),
    ("safe_load", safe_swallowing, ["returned normally on a hostile file", "caught the refusal"]),
    ("safe_load", safe_without_return, ["returned None", "returning the model"]),
    ("safe_load", safe_new_parameters, ["parameters are new objects", "existing parameters"]),
    ("safe_load", safe_reading_only, ["weights differ from the checkpoint's", "Copy every"]),
    ("norm_log", norms_item, ["transfers counted: 5 (.item())", "copy it once"]),
    ("norm_log", norms_to_cpu, ["transfers counted: 1 (.to('cpu'))"]),
    ("norm_log", norms_squared, ["differ from the L2 norm", "squared norms"]),
    ("norm_log", norms_l1, ["differ from the L2 norm", "L1 norms"]),
    ("norm_log", norms_list, ["returned a list of 5 tensors", "Return one tensor"]),
    ("norm_log", norms_column, ["has shape (5, 1), expected (5,)", "without an extra dim"]),
    ("norm_log", norms_in_place, ["changed its input in place", "Leave the gradients"]),
    ("norm_log", norms_without_return, ["returned None", "Your function must return one"]),
    ("norm_log", norms_on_cpu, ["g.to('meta') for g in grads", "torch.zeros(n) create it"]),
]
