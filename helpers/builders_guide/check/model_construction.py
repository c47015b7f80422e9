"""Checks for the exercises of ``01-model-construction``: Parallel, stack, FixedMLP."""

from __future__ import annotations

import itertools
from typing import Any

import torch
from torch import nn

from builders_guide.check import _frame as f

NOTEBOOK = "01-model-construction"
for _name in ("parallel_module", "stack_blocks", "registered_layers"):
    f.register(_name, NOTEBOOK)


# --------------------------------------------------------------------------- parallel_module


def parallel_module(cls: object) -> bool:
    """Check a ``Parallel(net1, net2)`` module that joins the outputs of two networks.

    Verifies that ``Parallel(net1, net2)`` registers both sub-networks (its ``parameters()``
    are exactly theirs), that ``forward(X)`` puts ``net1``'s output and ``net2``'s output
    side by side, shape ``(B, o1 + o2)``, without changing ``X``, and that gradients reach
    both networks.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.parallel_module(...)
        Exercise: parallel_module
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for a module that owns both networks and returns their outputs side by side, one row per sample. Reread "Writing a module: subclass nn.Module" and "nn.ModuleList and nn.ModuleDict".
        More help, one step at a time: bg.check.hint("parallel_module")
        False
    """
    return f.exercise("parallel_module", cls, _parallel_module)


def _parallel_hint(error: BaseException) -> str | None:
    text = str(error)
    if "Sizes of tensors must match except in dimension 0" in text:
        return "hint_par_dim0"
    if "stack expects each tensor to be equal size" in text:
        return "hint_par_stack"
    return None


def _parallel_module(report: f.Report, cls: Any) -> None:
    f.need_module_class(report, cls)
    net1 = nn.Linear(4, 3)
    net2 = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 5))
    X = torch.randn(2, 4, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        first, second = net1(X), net2(X)
        expected = torch.cat((first, second), dim=1)

    call = f"{f.name_of(cls, 'cls')}(net1, net2)"
    model = f.build(report, call, cls, net1, net2)

    params = f.run(report, "model.parameters()", lambda: list(model.parameters()))
    want = {id(p) for p in [*net1.parameters(), *net2.parameters()]}
    got = {id(p) for p in params}
    if want - got:
        hint = "hint_par_copies" if len(got) == len(want) else "hint_par_register"
        report.fail("par_missing", hint, missing=len(want - got), total=len(want))
    if got - want:
        report.fail("par_extra", "hint_par_extra", extra=len(got - want))
    report.ok("par_registered")

    out = f.forward(report, "model(X)", model, X, hint_for=_parallel_hint)
    out = f.tensor_out(report, "model(X)", out, tuple(expected.shape), "hint_par_dim")
    if not f.close(out, expected):
        swapped = torch.cat((second, first), dim=1)
        hint = "hint_par_order" if f.close(out, swapped) else "hint_par_values"
        report.fail("par_values_bad", hint)
    report.ok("par_values_ok")

    if not out.requires_grad:
        report.fail("detached", "hint_par_grad", call="model(X)")
    f.backward(report, out)
    missing = [
        name
        for name, net in (("net1", net1), ("net2", net2))
        if any(p.grad is None for p in net.parameters())
    ]
    if missing:
        report.fail("par_grad_bad", "hint_par_grad", which=" + ".join(missing))
    report.ok("par_grad_ok")


# --------------------------------------------------------------------------- stack_blocks


def stack_blocks(fn: object) -> bool:
    """Check ``fn(make_block, n)``, which stacks ``n`` fresh blocks into one module.

    With ``n = 3`` and a ``make_block`` that counts its calls it verifies that
    ``make_block()`` was called exactly ``n`` times, that no parameter is shared between
    blocks, that all ``n`` blocks are registered submodules, and that the module applies
    them one after another in the order they were made.

    Args:
        fn: the learner's function ``fn(make_block: Callable[[], nn.Module], n: int)
            -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.stack_blocks(...)
        Exercise: stack_blocks
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for one module holding n different blocks, each with its own parameters, applied in the order they were made. Reread "nn.Sequential: a chain of modules".
        More help, one step at a time: bg.check.hint("stack_blocks")
        False
    """
    return f.exercise("stack_blocks", fn, _stack_blocks)


def _stack_blocks(report: f.Report, fn: Any) -> None:
    f.need_function(report, fn)
    n = 3
    made: list[nn.Module] = []

    def make_block() -> nn.Module:
        block = nn.Sequential(nn.Linear(6, 6), nn.Tanh())
        made.append(block)
        return block

    call = f"{f.name_of(fn, 'fn')}(make_block, {n})"
    model = f.build(report, call, fn, make_block, n)

    if len(made) != n:
        report.fail("stk_calls_bad", "hint_stk_calls", calls=len(made), n=n)
    report.ok("stk_calls_ok", n=n)

    named = f.run(
        report,
        "model.named_parameters()",
        lambda: list(model.named_parameters(remove_duplicate=False)),
    )
    ids = [id(p) for _, p in named]
    if len(ids) != len(set(ids)):
        report.fail("stk_shared", "hint_stk_shared")
    report.ok("stk_unshared")

    modules = f.run(report, "model.modules()", lambda: {id(m) for m in model.modules()})
    found = sum(id(block) in modules for block in made)
    if found != n:
        made_ids = {id(block) for block in made}
        others = [
            m
            for m in model.modules()
            if m is not model and type(m) is nn.Sequential and id(m) not in made_ids
        ]
        hint = "hint_stk_copies" if len(others) >= n - found else "hint_stk_register"
        report.fail("stk_unregistered", hint, found=found, n=n)
    report.ok("stk_registered", n=n)

    X = torch.randn(4, 6, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = X
        for block in made:
            expected = block(expected)
    out = f.forward(report, "model(X)", model, X)
    out = f.tensor_out(report, "model(X)", out, (4, 6), "hint_stk_values")
    if not f.close(out, expected):
        report.fail("stk_values_bad", "hint_stk_values", n=n)
    report.ok("stk_values_ok")


# --------------------------------------------------------------------------- registered_layers


def _reference_mlp(layers: list[nn.Linear], X: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        for k, layer in enumerate(layers):
            X = layer(X)
            if k < len(layers) - 1:
                X = torch.relu(X)
    return X


def registered_layers(cls: object) -> bool:
    """Check an MLP ``cls(sizes)`` whose Linear layers are properly registered.

    With ``sizes = [4, 8, 8, 2]`` it verifies the parameter count (130), that
    ``state_dict()`` holds 3 weights and 3 biases, that forward computes
    Linear, ReLU, Linear, ReLU, Linear on a ``(B, 4)`` input giving ``(B, 2)``, and that
    ``.to(torch.float64)`` converts every parameter. A second model, ``cls([3, 5, 2])``,
    must follow its own sizes.

    Args:
        cls: the learner's class ``cls(sizes: list[int])``, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.registered_layers(...)
        Exercise: registered_layers
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for the same layers and the same forward pass as BuggyMLP, but layers that PyTorch can see: parameters() must list them. Reread "nn.ModuleList and nn.ModuleDict".
        More help, one step at a time: bg.check.hint("registered_layers")
        False
    """
    return f.exercise("registered_layers", cls, _registered_layers)


def _count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _registered_layers(report: f.Report, cls: Any) -> None:
    f.need_module_class(report, cls)
    sizes = [4, 8, 8, 2]
    pairs = list(itertools.pairwise(sizes))
    expected_count = sum(i * o + o for i, o in pairs)

    call = f"{f.name_of(cls, 'cls')}({sizes})"
    model = f.build(report, call, cls, list(sizes))

    found = f.run(report, "model.parameters()", lambda: _count(model))
    if found != expected_count:
        hint = "hint_reg_modulelist" if found == 0 else "hint_reg_count"
        report.fail("reg_count_bad", hint, found=found, expected=expected_count)
    report.ok("reg_count_ok", expected=expected_count)

    state = f.run(report, "model.state_dict()", model.state_dict)
    weights = sum(key.endswith("weight") for key in state)
    biases = sum(key.endswith("bias") for key in state)
    if weights != len(pairs) or biases != len(pairs):
        report.fail("reg_state_bad", "hint_reg_count", weights=weights, biases=biases, n=len(pairs))
    report.ok("reg_state_ok", n=len(pairs))

    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    X = torch.randn(5, sizes[0], generator=torch.Generator().manual_seed(3))
    out = f.forward(report, "model(X)", model, X)
    out = f.tensor_out(report, "model(X)", out, (5, sizes[-1]), "hint_reg_values")
    ok = [(m.in_features, m.out_features) for m in layers] == pairs
    if not ok or not f.close(out, _reference_mlp(layers, X)):
        hint = "hint_reg_values"
        if ok and f.close(out, torch.relu(_reference_mlp(layers, X))):
            hint = "hint_reg_relu_last"
        report.fail("reg_values_bad", hint)
    report.ok("reg_values_ok")

    other = [3, 5, 2]
    other_call = f"{f.name_of(cls, 'cls')}({other})"
    small = f.run(report, other_call, cls, list(other))
    other_count = sum(i * o + o for i, o in itertools.pairwise(other))
    if not isinstance(small, nn.Module):
        report.fail("not_module", "hint_init_module", call=other_call, got=f.describe(small))
    got = f.run(report, "model.parameters()", lambda: _count(small))
    if got != other_count:
        report.fail(
            "reg_sizes_bad", "hint_reg_sizes", call=other_call, found=got, expected=other_count
        )
    report.ok("reg_sizes_ok", call=other_call, expected=other_count)

    def to_double() -> list[nn.Parameter]:
        model.to(torch.float64)
        return list(model.parameters())

    params = f.run(report, "model.to(torch.float64)", to_double)
    left = sum(p.dtype != torch.float64 for p in params)
    if left:
        report.fail("reg_double_bad", "hint_reg_modulelist", count=left)
    out = f.forward(report, "model(X.double())", model, X.double())
    f.tensor_out(
        report, "model(X.double())", out, (5, sizes[-1]), "hint_reg_modulelist", dtype=torch.float64
    )
    report.ok("reg_double_ok")


__all__ = ["parallel_module", "registered_layers", "stack_blocks"]
