"""Exercise checks: ``bg.check.<exercise>(answer)`` prints friendly feedback and returns a bool.

Every check follows the same pattern. It prints the exercise name, then one line per
verified item (✔ passed, ✘ failed), stops at the first failure with a hint, and returns
``True`` only when every item passed. A check never raises, whatever it is given: the
unsolved starter (``...``, ``NotImplemented``, ``None``, or a function whose body is still
empty), the wrong kind of object, code that raises, or code that never finishes. The
learner's code runs in a helper thread with a time limit (:data:`TIMEOUT_S` seconds).

The output is deterministic, so notebook outputs can be compared byte for byte: messages
hold no addresses, timings or random values, the test data come from local seeded
generators, and a check leaves the notebook's global random stream as it found it.

Messages exist in English and in Bahasa Indonesia; choose with :func:`set_language`.

Example:
    >>> from builders_guide import check
    >>> check.fourier_half(...)
    Exercise: fourier_half
    Not solved yet: replace the ... with your answer, then run this cell again.
    Hint: In forward, compute torch.fft.fft(X, dim=-1) and keep the first half of the last dimension: [..., : n // 2].
    False
"""

from __future__ import annotations

import itertools
import re
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import torch
from torch import nn
from torch.nn.parameter import is_lazy
from torch.overrides import TorchFunctionMode

from builders_guide.check_messages import MESSAGES

__all__ = [
    "fourier_half",
    "get_language",
    "lazy_mlp",
    "make_nested_net",
    "mixture_init",
    "nested_param",
    "norm_log",
    "parallel_module",
    "partial_load",
    "registered_layers",
    "set_language",
    "stack_blocks",
    "tensor_reduction",
]

TIMEOUT_S: float = 5.0
"""Seconds one call into the learner's code may take before the check gives up on it."""

LANGUAGES: tuple[str, ...] = ("en", "id")

_language = "en"


def set_language(lang: str) -> None:
    """Choose the language of the check messages: ``'en'`` (the default) or ``'id'``.

    Args:
        lang: ``'en'`` for English, ``'id'`` for Bahasa Indonesia.

    Raises:
        ValueError: if ``lang`` is not one of :data:`LANGUAGES`.

    Example:
        >>> from builders_guide import check
        >>> check.set_language("id")
        >>> check.get_language()
        'id'
        >>> check.set_language("en")
    """
    global _language
    if lang not in MESSAGES:
        raise ValueError(
            f"unknown language {lang!r} for the exercise checks. "
            f"The messages exist in {', '.join(map(repr, LANGUAGES))}; "
            "call bg.check.set_language('en') or bg.check.set_language('id')."
        )
    _language = lang


def get_language() -> str:
    """Return the language the checks currently print in, ``'en'`` or ``'id'``.

    Example:
        >>> from builders_guide import check
        >>> check.get_language()
        'en'
    """
    return _language


def _msg(key: str, /, **fields: Any) -> str:
    return MESSAGES[_language][key].format(**fields)


# --------------------------------------------------------------------------- machinery


class _Failed(Exception):
    """An item failed; its line and hint are printed already."""


class _Unsolved(Exception):
    """The learner's answer is still the starter."""


class _Report:
    """Prints the lines of one check and stops it at the first failure."""

    def ok(self, key: str, /, **fields: Any) -> None:
        print("✔ " + _msg(key, **fields))

    def fail(self, key: str, hint: str, /, **fields: Any) -> NoReturn:
        print("✘ " + _msg(key, **fields))
        print(_msg("hint", text=_msg(hint, **fields)))
        raise _Failed


def _is_placeholder(obj: object) -> bool:
    return obj is None or obj is ... or obj is NotImplemented


def _attr(obj: object, name: str) -> Any:
    """``getattr(obj, name, None)`` that survives objects whose attribute lookup raises."""
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


def _is_stub(func: object) -> bool:
    """True for a Python function whose body is only ``...``, ``pass`` or a docstring."""
    code = _attr(func, "__code__")
    if not isinstance(code, types.CodeType):
        return False
    import dis

    for ins in dis.get_instructions(code):
        if ins.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is None:
            continue
        return False
    return True


def _is_placeholder_error(error: NotImplementedError) -> bool:
    """A bare ``raise NotImplementedError`` (or nn.Module's missing forward), not torch's."""
    text = str(error)
    return not text or 'missing the required "forward"' in text


def _name(obj: object, default: str) -> str:
    name = _attr(obj, "__name__")
    return name if isinstance(name, str) and name.isidentifier() else default


def _describe(obj: object) -> str:
    """Say what an object is, without its repr (which may hold an address or random values)."""
    if obj is None:
        return _msg("got_none")
    if isinstance(obj, type):
        return _msg("got_class", name=obj.__name__)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return _msg("got_function", name=_attr(obj, "__name__"))
    if isinstance(obj, nn.Module):
        return _msg("got_instance", name=type(obj).__name__)
    return _msg("got_value", name=type(obj).__name__)


_ADDRESS = re.compile(r"\s*\bat 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")


def _one_line(error: BaseException) -> str:
    """``TypeError: first line of the message``, without memory addresses, at most ~200 chars.

    A first line that ends in a colon announces the next one, which is kept too.
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        lines[0] += " " + lines[1]
    text = _ADDRESS.sub("", lines[0]) if lines else ""
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _run(
    report: _Report,
    call: str,
    func: Callable[..., Any],
    *args: Any,
    hint_for: Callable[[BaseException], str] | None = None,
) -> Any:
    """Run learner code in a daemon thread, bounded by TIMEOUT_S; report errors and hangs.

    ``call`` is the code shown in the messages. ``hint_for`` picks the hint for an error
    (default: read the error). A bare ``NotImplementedError`` counts as the unsolved
    starter, and so does a returned ``...`` or ``NotImplemented``.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as error:  # reported below, in the checking thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="builders_guide.check", daemon=True)
    worker.start()
    worker.join(TIMEOUT_S)
    if worker.is_alive():
        report.fail("timeout", "hint_timeout", call=call, seconds=TIMEOUT_S)
    error = outcome.get("error")
    if isinstance(error, KeyboardInterrupt):
        raise error
    if isinstance(error, NotImplementedError) and _is_placeholder_error(error):
        raise _Unsolved
    if error is not None:
        hint = hint_for(error) if hint_for is not None else "hint_raised"
        report.fail("raised", hint, call=call, error=_one_line(error))
    value = outcome.get("value")
    if value is ... or value is NotImplemented:
        raise _Unsolved
    return value


@contextmanager
def _quiet_rng() -> Iterator[None]:
    """Seed the CPU generator for the check and give the notebook its own stream back."""
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(0)
        yield


def _exercise(
    name: str,
    answer: object,
    start_hint: str,
    body: Callable[[_Report, Any], None],
) -> bool:
    print(_msg("title", name=name))
    report = _Report()
    try:
        if _is_placeholder(answer) or _is_stub(answer):
            raise _Unsolved
        with _quiet_rng():
            body(report, answer)
    except _Unsolved:
        print(_msg("unsolved"))
        print(_msg("hint", text=_msg(start_hint)))
        return False
    except _Failed:
        return False
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a bug here, or an answer too odd to inspect
        print("✘ " + _msg("internal", error=_one_line(error)))
        return False
    print(_msg("success"))
    return True


def _need_module_class(report: _Report, cls: object) -> None:
    if isinstance(cls, type) and issubclass(cls, nn.Module):
        forward = _attr(cls, "forward")
        if forward is getattr(nn.Module, "forward", None) or _is_stub(forward):
            raise _Unsolved
        return
    hint = "hint_pass_class" if isinstance(cls, nn.Module) else "hint_define_class"
    report.fail("want_class", hint, got=_describe(cls), name=type(cls).__name__)


def _need_function(report: _Report, fn: object) -> None:
    if not callable(fn) or isinstance(fn, nn.Module):
        report.fail("want_function", "hint_pass_function", got=_describe(fn))


def _build(report: _Report, call: str, func: Callable[..., Any], *args: Any) -> nn.Module:
    """Run a constructor or factory of the learner's and insist on an nn.Module."""
    model = _run(report, call, func, *args)
    if not isinstance(model, nn.Module):
        hint = "hint_init_module" if isinstance(func, type) else "hint_return_module"
        report.fail("not_module", hint, call=call, got=_describe(model))
    report.ok("builds_module", call=call)
    return model


def _shape(shape: tuple[int, ...] | torch.Size) -> str:
    return str(tuple(shape))


def _tensor_out(
    report: _Report,
    call: str,
    value: object,
    shape: tuple[int, ...],
    shape_hint: str,
    dtype: torch.dtype | None = None,
) -> torch.Tensor:
    """Insist that ``value`` is a tensor of the given shape (and dtype, when given)."""
    if not isinstance(value, torch.Tensor):
        report.fail("not_tensor", "hint_return_tensor", call=call, got=_describe(value))
    if tuple(value.shape) != shape:
        report.fail(
            "shape_bad", shape_hint, call=call, got=_shape(value.shape), expected=_shape(shape)
        )
    if dtype is not None and value.dtype != dtype:
        report.fail("dtype_bad", shape_hint, call=call, got=str(value.dtype), expected=str(dtype))
    report.ok("shape_ok", call=call, shape=_shape(shape))
    return value


def _close(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    if actual.is_complex() != expected.is_complex():
        return False
    try:
        actual = actual.detach().to(device=expected.device, dtype=expected.dtype)
        return bool(torch.allclose(actual, expected, rtol=1e-4, atol=1e-5))
    except Exception:
        return False


def _grad_enabled_call(module: nn.Module, *inputs: torch.Tensor) -> Callable[[], Any]:
    """A call of ``module`` with gradients on (grad mode is per thread; be explicit)."""

    def call() -> Any:
        with torch.enable_grad():
            return module(*inputs)

    return call


def _backward(report: _Report, out: torch.Tensor) -> None:
    def call() -> None:
        with torch.enable_grad():
            out.sum().backward()

    _run(report, "out.sum().backward()", call)


# --------------------------------------------------------------------------- 1. parallel_module


def parallel_module(cls: object) -> bool:
    """Check a ``Parallel(net1, net2)`` module that concatenates the outputs of two networks.

    Verifies that ``Parallel(net1, net2)`` registers both sub-networks (its ``parameters()``
    are exactly theirs), that ``forward(X)`` equals
    ``torch.cat((net1(X), net2(X)), dim=1)`` with shape ``(B, o1 + o2)``, and that
    gradients reach both networks.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.parallel_module(...)
        Exercise: parallel_module
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: In __init__, keep both networks as attributes (self.net1 = net1, self.net2 = net2); in forward, return torch.cat((self.net1(X), self.net2(X)), dim=1).
        False
    """
    return _exercise("parallel_module", cls, "hint_par_start", _parallel_module)


def _parallel_module(report: _Report, cls: Any) -> None:
    _need_module_class(report, cls)
    net1 = nn.Linear(4, 3)
    net2 = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 5))
    X = torch.randn(2, 4, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = torch.cat((net1(X), net2(X)), dim=1)

    call = f"{_name(cls, 'cls')}(net1, net2)"
    model = _build(report, call, cls, net1, net2)

    params = _run(report, "model.parameters()", lambda: list(model.parameters()))
    want = {id(p) for p in [*net1.parameters(), *net2.parameters()]}
    got = {id(p) for p in params}
    if want - got:
        report.fail("par_missing", "hint_par_register", missing=len(want - got), total=len(want))
    if got - want:
        report.fail("par_extra", "hint_par_extra", extra=len(got - want))
    report.ok("par_registered")

    out = _run(report, "model(X)", _grad_enabled_call(model, X))
    out = _tensor_out(report, "model(X)", out, tuple(expected.shape), "hint_par_dim")
    if not _close(out, expected):
        report.fail("par_values_bad", "hint_par_values")
    report.ok("par_values_ok")

    if not out.requires_grad:
        report.fail("detached", "hint_par_grad", call="model(X)")
    _backward(report, out)
    missing = [
        name
        for name, net in (("net1", net1), ("net2", net2))
        if any(p.grad is None for p in net.parameters())
    ]
    if missing:
        report.fail("par_grad_bad", "hint_par_grad", which=" + ".join(missing))
    report.ok("par_grad_ok")


# --------------------------------------------------------------------------- 2. stack_blocks


def stack_blocks(fn: object) -> bool:
    """Check ``fn(make_block, n)``, which stacks ``n`` fresh blocks into one module.

    Verifies that ``make_block()`` is called ``n`` times, that no parameter is shared
    between the blocks, that all ``n`` blocks are registered submodules, and that the
    output equals applying the blocks one after another in the order they were made.

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
        Hint: Call make_block() n times to get n fresh blocks and put them in nn.Sequential(*blocks).
        False
    """
    return _exercise("stack_blocks", fn, "hint_stk_start", _stack_blocks)


def _stack_blocks(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    n = 3
    made: list[nn.Module] = []

    def make_block() -> nn.Module:
        block = nn.Sequential(nn.Linear(6, 6), nn.Tanh())
        made.append(block)
        return block

    call = f"{_name(fn, 'fn')}(make_block, {n})"
    model = _build(report, call, fn, make_block, n)

    if len(made) != n:
        report.fail("stk_calls_bad", "hint_stk_calls", calls=len(made), n=n)
    report.ok("stk_calls_ok", n=n)

    named = _run(
        report,
        "model.named_parameters()",
        lambda: list(model.named_parameters(remove_duplicate=False)),
    )
    ids = [id(p) for _, p in named]
    if len(ids) != len(set(ids)):
        report.fail("stk_shared", "hint_stk_shared")
    report.ok("stk_unshared")

    modules = _run(report, "model.modules()", lambda: {id(m) for m in model.modules()})
    found = sum(id(block) in modules for block in made)
    if found != n:
        report.fail("stk_unregistered", "hint_stk_register", found=found, n=n)
    report.ok("stk_registered", n=n)

    X = torch.randn(4, 6, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = X
        for block in made:
            expected = block(expected)
    out = _run(report, "model(X)", _grad_enabled_call(model, X))
    out = _tensor_out(report, "model(X)", out, (4, 6), "hint_stk_values")
    if not _close(out, expected):
        report.fail("stk_values_bad", "hint_stk_values", n=n)
    report.ok("stk_values_ok")


# --------------------------------------------------------------------------- 3. registered_layers


def registered_layers(cls: object) -> bool:
    """Check an MLP ``cls(sizes)`` whose Linear layers are properly registered.

    With ``sizes = [4, 8, 8, 2]`` it verifies the parameter count (130), that
    ``state_dict()`` holds 3 weights and 3 biases, that forward computes
    Linear, ReLU, Linear, ReLU, Linear on a ``(B, 4)`` input giving ``(B, 2)``, and that
    ``.to(torch.float64)`` converts every parameter.

    Args:
        cls: the learner's class ``cls(sizes: list[int])``, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.registered_layers(...)
        Exercise: registered_layers
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Keep the layers in an nn.ModuleList built from consecutive pairs of sizes; in forward, apply ReLU after every layer except the last.
        False
    """
    return _exercise("registered_layers", cls, "hint_reg_start", _registered_layers)


def _registered_layers(report: _Report, cls: Any) -> None:
    _need_module_class(report, cls)
    sizes = [4, 8, 8, 2]
    pairs = list(itertools.pairwise(sizes))
    expected_count = sum(i * o + o for i, o in pairs)

    call = f"{_name(cls, 'cls')}({sizes})"
    model = _build(report, call, cls, list(sizes))

    params = _run(report, "model.parameters()", lambda: list(model.parameters()))
    found = sum(p.numel() for p in {id(p): p for p in params}.values())
    if found != expected_count:
        hint = "hint_reg_modulelist" if found == 0 else "hint_reg_count"
        report.fail("reg_count_bad", hint, found=found, expected=expected_count)
    report.ok("reg_count_ok", expected=expected_count)

    state = _run(report, "model.state_dict()", model.state_dict)
    weights = sum(key.endswith("weight") for key in state)
    biases = sum(key.endswith("bias") for key in state)
    if weights != len(pairs) or biases != len(pairs):
        report.fail("reg_state_bad", "hint_reg_count", weights=weights, biases=biases, n=len(pairs))
    report.ok("reg_state_ok", n=len(pairs))

    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    X = torch.randn(5, sizes[0], generator=torch.Generator().manual_seed(3))
    out = _run(report, "model(X)", _grad_enabled_call(model, X))
    out = _tensor_out(report, "model(X)", out, (5, sizes[-1]), "hint_reg_values")
    expected = None
    if [(m.in_features, m.out_features) for m in layers] == pairs:
        with torch.no_grad():
            expected = X
            for k, layer in enumerate(layers):
                expected = layer(expected)
                if k < len(layers) - 1:
                    expected = torch.relu(expected)
    if expected is None or not _close(out, expected):
        report.fail("reg_values_bad", "hint_reg_values")
    report.ok("reg_values_ok")

    def to_double() -> list[nn.Parameter]:
        model.to(torch.float64)
        return list(model.parameters())

    params = _run(report, "model.to(torch.float64)", to_double)
    left = sum(p.dtype != torch.float64 for p in params)
    if left:
        report.fail("reg_double_bad", "hint_reg_modulelist", count=left)
    out = _run(report, "model(X.double())", _grad_enabled_call(model, X.double()))
    _tensor_out(
        report, "model(X.double())", out, (5, sizes[-1]), "hint_reg_modulelist", torch.float64
    )
    report.ok("reg_double_ok")


# --------------------------------------------------------------------------- 4. nested_param


def make_nested_net() -> nn.Sequential:
    """Build the fixed, seeded model of the ``nested_param`` exercise.

    The structure is::

        Sequential(
          (stem): Linear(4, 8)
          (blocks): Sequential(
            (0): Sequential((0): Linear(8, 8), (1): ReLU(), (2): Linear(8, 8))
            (1): Sequential((0): Linear(8, 8), (1): ReLU(), (2): Linear(8, 8))
          )
          (head): Linear(8, 2)
        )

    The values are the same on every call, and building it leaves the global random
    stream untouched. The answer to the exercise is ``net.blocks[1][2].weight``.

    Returns:
        a new ``nn.Sequential`` with that structure.

    Example:
        >>> from builders_guide import check
        >>> net = check.make_nested_net()
        >>> net.blocks[1][2].weight.shape
        torch.Size([8, 8])
        >>> torch.equal(net.head.bias, check.make_nested_net().head.bias)
        True
    """
    from collections import OrderedDict

    def block() -> nn.Sequential:
        return nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8))

    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(2024)
        return nn.Sequential(
            OrderedDict(
                stem=nn.Linear(4, 8),
                blocks=nn.Sequential(block(), block()),
                head=nn.Linear(8, 2),
            )
        )


def nested_param(fn: object) -> bool:
    """Check ``fn(net)``, which returns the weight of the second Linear in ``net.blocks[1]``.

    The learner's function gets a model from :func:`make_nested_net` and must return the
    parameter ``net.blocks[1][2].weight`` itself (checked by identity, ``is``); a copy with
    the same values does not count.

    Args:
        fn: the learner's function ``fn(net: nn.Module) -> nn.Parameter``.

    Returns:
        ``True`` when the right parameter comes back, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.nested_param(lambda net: net.blocks[1][2].weight)
        Exercise: nested_param
        ✔ you returned net.blocks[1][2].weight itself
        Well done! Every check passed.
        True
    """
    return _exercise("nested_param", fn, "hint_nest_start", _nested_param)


def _nested_param(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    net = make_nested_net()
    target = net.blocks[1][2].weight
    answer = _run(report, f"{_name(fn, 'fn')}(net)", fn, net)
    if answer is target:
        report.ok("nest_ok")
        return
    if answer is None:
        report.fail("nest_none", "hint_nest_none")
    for name, param in net.named_parameters():
        if answer is param:
            report.fail("nest_other", "hint_nest_other", name=name)
    if (
        isinstance(answer, torch.Tensor)
        and answer.shape == target.shape
        and answer.dtype == target.dtype
        and torch.equal(answer.detach(), target.detach())
    ):
        report.fail("nest_copy", "hint_nest_copy")
    report.fail("nest_wrong", "hint_nest_other", got=_describe(answer))


# --------------------------------------------------------------------------- 5. mixture_init


def mixture_init(fn: object) -> bool:
    """Check an initializer ``fn(m)`` that draws weights from a zero-or-tails mixture.

    Applied to ``nn.Linear(400, 500)`` (200,000 weights): about 1/2 of the weights must be
    exactly 0, about 1/4 uniform in [5, 10] and about 1/4 uniform in [-10, -5]
    (fractions within ± 0.03, tail means within ± 0.2 of ± 7.5), with no other values.
    The weight must stay a leaf ``nn.Parameter`` that requires grad, and the bias must be
    untouched or zero. The learner's code runs with gradients enabled, so it needs
    ``torch.no_grad()`` itself.

    Args:
        fn: the learner's initializer ``fn(m: nn.Module) -> None``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.mixture_init(...)
        Exercise: mixture_init
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Inside with torch.no_grad(): fill m.weight uniformly in [-10, 10] with nn.init.uniform_, then multiply it by (m.weight.abs() >= 5).
        False
    """
    return _exercise("mixture_init", fn, "hint_mix_start", _mixture_init)


def _mixture_init(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    m = nn.Linear(400, 500)
    bias_before = m.bias.detach().clone()
    call = f"{_name(fn, 'fn')}(m)"

    def run() -> None:
        with torch.enable_grad():
            fn(m)

    def hint_for(error: BaseException) -> str:
        in_place_on_leaf = "leaf Variable that requires grad" in str(error)
        return "hint_mix_no_grad" if in_place_on_leaf else "hint_raised"

    _run(report, call, run, hint_for=hint_for)
    report.ok("mix_ran", call=call)

    weight = getattr(m, "weight", None)
    if not (
        isinstance(weight, nn.Parameter)
        and weight.is_leaf
        and weight.requires_grad
        and weight.grad_fn is None
    ):
        report.fail("mix_leaf_bad", "hint_mix_leaf", call=call)
    report.ok("mix_leaf_ok")
    if tuple(weight.shape) != (500, 400) or weight.dtype != torch.float32:
        report.fail(
            "mix_shape_bad",
            "hint_mix_leaf",
            call=call,
            got=_shape(weight.shape),
            dtype=str(weight.dtype),
        )

    w = weight.detach()
    total = w.numel()
    zero = w == 0
    pos = (w >= 5) & (w <= 10)
    neg = (w >= -10) & (w <= -5)
    for key, mask, want in (("zero", zero, 0.5), ("pos", pos, 0.25), ("neg", neg, 0.25)):
        frac = int(mask.sum()) / total
        if abs(frac - want) > 0.03:
            report.fail(f"mix_{key}_bad", "hint_mix_dist", frac=frac)
        report.ok(f"mix_{key}_ok")
    other = total - int((zero | pos | neg).sum())
    if other:
        report.fail("mix_other_bad", "hint_mix_dist", count=other)
    report.ok("mix_other_ok")
    for tail, mask, mean_want in (("[5, 10]", pos, 7.5), ("[-10, -5]", neg, -7.5)):
        mean = float(w[mask].mean())
        if abs(mean - mean_want) > 0.2:
            report.fail("mix_mean_bad", "hint_mix_dist", tail=tail, mean=mean, expected=mean_want)
    report.ok("mix_mean_ok")

    bias = getattr(m, "bias", None)
    if isinstance(bias, torch.Tensor) and bias.shape == bias_before.shape:
        bias = bias.detach()
        if torch.equal(bias, bias_before) or not bool(bias.any()):
            report.ok("mix_bias_ok")
            return
    report.fail("mix_bias_bad", "hint_mix_bias")


# --------------------------------------------------------------------------- 6. lazy_mlp


def lazy_mlp(fn: object) -> bool:
    """Check ``fn()``, which builds an MLP that accepts any number of input features.

    Verifies that a fresh model has uninitialized (lazy) parameters, and that a fresh model
    maps inputs with 3 features, and another fresh one inputs with 7 features, to ``(B, 10)``.

    Args:
        fn: the learner's function ``fn() -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.lazy_mlp(...)
        Exercise: lazy_mlp
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Build nn.Sequential with nn.LazyLinear(...) layers: they learn their input size on the first forward.
        False
    """
    return _exercise("lazy_mlp", fn, "hint_lazy_start", _lazy_mlp)


def _lazy_mlp(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    call = f"{_name(fn, 'fn')}()"
    first = _build(report, call, fn)
    params = _run(report, "model.parameters()", lambda: list(first.parameters()))
    if not any(is_lazy(p) for p in params):
        report.fail("lazy_bad", "hint_lazy")
    report.ok("lazy_ok")

    generator = torch.Generator().manual_seed(4)
    for features in (3, 7):
        model = first if features == 3 else _run(report, call, fn)
        if features != 3 and model is first:
            report.fail("lazy_same", "hint_lazy_same", call=call)
        if not isinstance(model, nn.Module):
            report.fail("not_module", "hint_return_module", call=call, got=_describe(model))
        X = torch.randn(5, features, generator=generator)
        where = f"model(torch.randn(5, {features}))"
        out = _run(report, where, _grad_enabled_call(model, X))
        _tensor_out(report, where, out, (5, 10), "hint_lazy_out")


# --------------------------------------------------------------------------- 7. tensor_reduction


def tensor_reduction(cls: object) -> bool:
    """Check a layer ``cls(in_features, out_features)`` computing ``y_k = Σ_ij W_ijk x_i x_j``.

    With ``cls(4, 3)`` it verifies that there is exactly one parameter of shape
    ``(4, 4, 3)``, that a ``(5, 4)`` batch maps to ``(5, 3)`` equal to
    ``torch.einsum('bi,bj,ijk->bk', X, X, W)``, and that gradients reach ``W``.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.tensor_reduction(...)
        Exercise: tensor_reduction
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Keep W = nn.Parameter(torch.randn(in_features, in_features, out_features)); forward can return torch.einsum('bi,bj,ijk->bk', X, X, self.W).
        False
    """
    return _exercise("tensor_reduction", cls, "hint_tr_start", _tensor_reduction)


def _tensor_reduction(report: _Report, cls: Any) -> None:
    _need_module_class(report, cls)
    d_in, d_out = 4, 3
    shape = (d_in, d_in, d_out)
    layer = _build(report, f"{_name(cls, 'cls')}({d_in}, {d_out})", cls, d_in, d_out)

    params = _run(report, "layer.parameters()", lambda: list(layer.parameters()))
    matches = list({id(p): p for p in params if tuple(p.shape) == shape}.values())
    if len(matches) != 1:
        report.fail("tr_param_bad", "hint_tr_param", count=len(matches), shape=_shape(shape))
    W = matches[0]
    report.ok("tr_param_ok", shape=_shape(shape))

    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():  # known values, whatever the learner's initialization
        W.copy_(torch.randn(shape, generator=generator))
    X = torch.randn(5, d_in, generator=generator)
    expected = torch.einsum("bi,bj,ijk->bk", X, X, W.detach())

    out = _run(report, "layer(X)", _grad_enabled_call(layer, X))
    out = _tensor_out(report, "layer(X)", out, (5, d_out), "hint_tr_shape")
    if not _close(out, expected):
        report.fail("tr_values_bad", "hint_tr_values")
    report.ok("tr_values_ok")

    W.grad = None
    if not out.requires_grad:
        report.fail("detached", "hint_tr_grad", call="layer(X)")
    _backward(report, out)
    if W.grad is None:
        report.fail("tr_grad_bad", "hint_tr_grad")
    report.ok("tr_grad_ok")


# --------------------------------------------------------------------------- 8. fourier_half


def fourier_half(cls: object) -> bool:
    """Check a layer ``cls()`` returning the first half of the Fourier coefficients.

    For inputs ``(B, n)`` with ``n = 8`` and ``n = 16`` the output must equal
    ``torch.fft.fft(X, dim=-1)[..., : n // 2]`` (complex values); the layer must have no
    parameters.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.fourier_half(...)
        Exercise: fourier_half
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: In forward, compute torch.fft.fft(X, dim=-1) and keep the first half of the last dimension: [..., : n // 2].
        False
    """
    return _exercise("fourier_half", cls, "hint_ft_start", _fourier_half)


def _fourier_half(report: _Report, cls: Any) -> None:
    _need_module_class(report, cls)
    layer = _build(report, f"{_name(cls, 'cls')}()", cls)
    params = _run(report, "layer.parameters()", lambda: list(layer.parameters()))
    if params:
        report.fail("ft_params_bad", "hint_ft_params", count=len(params))
    report.ok("ft_params_ok")

    generator = torch.Generator().manual_seed(6)
    for n in (8, 16):
        X = torch.randn(3, n, generator=generator)
        expected = torch.fft.fft(X, dim=-1)[..., : n // 2]
        where = f"layer(torch.randn(3, {n}))"
        out = _run(report, where, _grad_enabled_call(layer, X))
        out = _tensor_out(report, where, out, tuple(expected.shape), "hint_ft_shape")
        if not out.is_complex():
            report.fail("ft_real", "hint_ft_real", call=where, dtype=str(out.dtype))
        if not _close(out, expected):
            report.fail("ft_values_bad", "hint_ft_values", n=n)
        report.ok("ft_values_ok", n=n)


# --------------------------------------------------------------------------- 9. partial_load


def _partial_load_nets() -> tuple[dict[str, torch.Tensor], nn.Module]:
    """A source state dict and a target model that only partly match it.

    Target keys ``0.*`` and ``2.weight`` match by name and shape; ``2.bias`` is missing from
    the dict; ``4.*`` differ in shape; ``extra.weight`` exists only in the dict.
    """

    def mlp(out_features: int) -> nn.Sequential:
        return nn.Sequential(
            nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, out_features)
        )

    source = {key: value.clone() for key, value in mlp(3).state_dict().items()}
    del source["2.bias"]
    source["extra.weight"] = torch.ones(2, 2)
    return source, mlp(5)


def partial_load(fn: object) -> bool:
    """Check ``fn(state_dict, model)``, which loads the matching part of a checkpoint.

    The dict and the model share some keys with equal shapes, some keys with different
    shapes, and each has keys the other lacks. The function must copy every tensor whose
    key and shape match, leave the rest of the model untouched, not raise, and return the
    model.

    Args:
        fn: the learner's function ``fn(state_dict: dict, model: nn.Module) -> nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.partial_load(...)
        Exercise: partial_load
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Keep the entries of state_dict whose key is in model.state_dict() with the same shape, load them with model.load_state_dict(kept, strict=False), and return model.
        False
    """
    return _exercise("partial_load", fn, "hint_pl_start", _partial_load)


def _partial_load(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    source, model = _partial_load_nets()
    before = {key: value.detach().clone() for key, value in model.state_dict().items()}
    given = {key: value.clone() for key, value in source.items()}
    call = f"{_name(fn, 'fn')}(state_dict, model)"

    def hint_for(error: BaseException) -> str:
        return "hint_pl_raised" if "state_dict" in str(error) else "hint_raised"

    result = _run(report, call, fn, given, model, hint_for=hint_for)
    report.ok("pl_ran", call=call)
    if result is not model:
        hint = "hint_pl_return" if result is None else "hint_pl_start"
        report.fail("pl_not_model", hint, call=call, got=_describe(result))
    report.ok("pl_returned", call=call)

    after = model.state_dict()
    for key, old in before.items():
        new = source.get(key)
        matches = new is not None and new.shape == old.shape
        copied = after.get(key)
        if matches and (copied is None or not torch.equal(copied, new)):
            report.fail("pl_copied_bad", "hint_pl_copied", key=key)
    report.ok("pl_copied_ok")
    for key, old in before.items():
        new = source.get(key)
        matches = new is not None and new.shape == old.shape
        if not matches and (key not in after or not torch.equal(after[key], old)):
            report.fail("pl_kept_bad", "hint_pl_kept", key=key)
    report.ok("pl_kept_ok")


# --------------------------------------------------------------------------- 10. norm_log

_HOST_CALLS = {
    "item": ".item()",
    "tolist": ".tolist()",
    "cpu": ".cpu()",
    "numpy": ".numpy()",
    "__float__": "float()",
    "__int__": "int()",
}


class _HostCallCounter(TorchFunctionMode):
    """Counts calls that copy a tensor's values to the host (each one waits for the device)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        name = _HOST_CALLS.get(getattr(func, "__name__", ""))
        if name is not None:
            self.calls.append(name)
        return func(*args, **(kwargs or {}))


def norm_log(fn: object) -> bool:
    """Check ``fn(grads)``, which logs the L2 norm of each gradient without host syncs.

    The result must be a 1-D tensor whose values match
    ``torch.stack([g.norm() for g in grads])``, computed without ``.item()``,
    ``.tolist()``, ``.cpu()``, ``.numpy()`` or ``float()`` (each waits for the device),
    and kept on the inputs' device (tested with tensors on the ``'meta'`` device).

    Args:
        fn: the learner's function ``fn(grads: list[Tensor]) -> Tensor``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.norm_log(...)
        Exercise: norm_log
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Compute each norm with g.norm() and collect them with torch.stack([...]).
        False
    """
    return _exercise("norm_log", fn, "hint_nl_start", _norm_log)


def _norm_log(report: _Report, fn: Any) -> None:
    _need_function(report, fn)
    generator = torch.Generator().manual_seed(7)
    shapes = [(8, 4), (8,), (3, 8, 2), (5,), (2, 2)]
    grads = [torch.randn(shape, generator=generator) for shape in shapes]
    expected = torch.stack([g.norm() for g in grads])
    call = f"{_name(fn, 'fn')}(grads)"

    counter = _HostCallCounter()

    def watched(inputs: list[torch.Tensor]) -> Any:
        with counter:
            return fn(inputs)

    out = _run(report, call, watched, [g.clone() for g in grads])
    out = _tensor_out(report, call, out, (len(grads),), "hint_nl_shape")
    if not _close(out, expected):
        report.fail("nl_values_bad", "hint_nl_values")
    report.ok("nl_values_ok")
    if counter.calls:
        calls = ", ".join(sorted(set(counter.calls)))
        report.fail("nl_sync_bad", "hint_nl_sync", count=len(counter.calls), calls=calls)
    report.ok("nl_sync_ok")

    meta = [torch.empty(shape, device="meta") for shape in shapes]
    torch.stack([g.norm() for g in meta])  # the first use of 'meta' is slow; not theirs to pay
    where = f"{_name(fn, 'fn')}([g.to('meta') for g in grads])"
    out = _run(report, where, fn, meta, hint_for=lambda error: "hint_nl_device")
    if not isinstance(out, torch.Tensor) or out.device.type != "meta":
        device = out.device.type if isinstance(out, torch.Tensor) else "-"
        report.fail("nl_device_bad", "hint_nl_device", device=device)
    report.ok("nl_device_ok")
