"""The frame every exercise check shares: printing, running learner code, hints.

Nothing here is an exercise. The checks live in one module per notebook and call
:func:`exercise` with a body; the body reports each verified item through a :class:`Report`
and runs the learner's code only through :func:`run`, which bounds it in time and turns
every error into a line of feedback.
"""

from __future__ import annotations

import ctypes
import dis
import re
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from builders_guide.language import message

HINT_LEVELS = 3
"""Hints per exercise: 1 says what to aim for, 2 names the key idea, 3 gives an outline."""


@dataclass(frozen=True)
class Exercise:
    """What the frame needs to know about one exercise."""

    name: str
    notebook: str
    """The notebook's stem, e.g. ``'01-model-construction'``: its solution has the same name."""


EXERCISES: dict[str, Exercise] = {}
"""Every exercise check, by name; each check module registers its own."""


def register(name: str, notebook: str) -> None:
    EXERCISES[name] = Exercise(name, notebook)


def msg(key: str, /, **fields: Any) -> str:
    """The catalog's text for ``check.<key>`` in the current language."""
    return message(f"check.{key}", **fields)


def timeout_s() -> float:
    """The package's ``TIMEOUT_S``, read at call time so that tests and learners may change it."""
    return float(sys.modules["builders_guide.check"].TIMEOUT_S)


# --------------------------------------------------------------------------- report


class Failed(Exception):
    """An item failed; its line and hint are printed already."""


class Unsolved(Exception):
    """The learner's answer is still the starter."""


class Report:
    """Prints the lines of one check and stops it at the first failure."""

    def ok(self, key: str, /, **fields: Any) -> None:
        print("✔ " + msg(key, **fields))

    def fail(self, key: str, hint: str, /, **fields: Any) -> NoReturn:
        print("✘ " + msg(key, **fields))
        print(msg("hint", text=msg(hint, **fields)))
        raise Failed


# --------------------------------------------------------------------------- describing answers


def is_placeholder(obj: object) -> bool:
    return obj is None or obj is ... or obj is NotImplemented


def attr(obj: object, name: str) -> Any:
    """``getattr(obj, name, None)`` that survives objects whose attribute lookup raises."""
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


def is_stub(func: object) -> bool:
    """True for a Python function whose body is only ``...``, ``pass`` or a docstring."""
    code = attr(func, "__code__")
    if not isinstance(code, types.CodeType):
        return False
    for ins in dis.get_instructions(code):
        if ins.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is None:
            continue
        return False
    return True


def name_of(obj: object, default: str) -> str:
    name = attr(obj, "__name__")
    return name if isinstance(name, str) and name.isidentifier() else default


def describe(obj: object) -> str:
    """Say what an object is, without its repr (which may hold an address or random values)."""
    if obj is None:
        return msg("got_none")
    if isinstance(obj, type):
        return msg("got_class", name=obj.__name__)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return msg("got_function", name=attr(obj, "__name__"))
    if isinstance(obj, nn.Module):
        return msg("got_instance", name=type(obj).__name__)
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(x, torch.Tensor) for x in obj):
        return msg("got_tensors", kind=type(obj).__name__, count=len(obj))
    return msg("got_value", name=type(obj).__name__)


_ADDRESS = re.compile(r"\s*\bat 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")


def one_line(error: BaseException) -> str:
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


def uses_helpers(func: object) -> bool:
    """True when the learner's function (or a function nested in it) calls into ``bg``.

    It looks at the global names the code reads: a name bound to the ``builders_guide``
    package, or to something defined in it, counts.
    """
    code = attr(func, "__code__")
    glb = attr(func, "__globals__")
    if not isinstance(code, types.CodeType) or not isinstance(glb, dict):
        return False
    stack, names = [code], set()
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    for name in names:
        value = glb.get(name)
        module = (
            value.__name__ if isinstance(value, types.ModuleType) else attr(value, "__module__")
        )
        if isinstance(module, str) and module.split(".")[0] == "builders_guide":
            return True
    return False


# --------------------------------------------------------------------------- running learner code


class _Abandoned(BaseException):
    """Raised inside a learner's thread that ran past the time limit, to end it."""


_PLACEHOLDER_FORWARD = 'missing the required "forward"'


def _stop(worker: threading.Thread, wait_s: float = 1.0) -> bool:
    """Ask a thread that ran too long to stop; return True once it has ended.

    It waits at most ``wait_s`` seconds for the thread to end, and never longer than the
    time limit itself (``TIMEOUT_S``), so a short limit also gives a short wait.

    Python cannot kill a thread. It can raise an exception in it, which takes effect at
    the thread's next Python instruction: enough for an endless Python loop, not for a
    thread blocked inside one long C call (it ends when that call returns).
    """
    ident = worker.ident
    if ident is not None and worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(_Abandoned)
        )
    worker.join(min(wait_s, timeout_s()))
    return not worker.is_alive()


def run(
    report: Report,
    call: str,
    func: Callable[..., Any],
    *args: Any,
    hint_for: Callable[[BaseException], str | None] | None = None,
) -> Any:
    """Run learner code in a helper thread, bounded by ``TIMEOUT_S``; report errors and hangs.

    ``call`` is the code shown in the messages. ``hint_for`` picks the hint for an error
    (``None``: the general one). A bare ``NotImplementedError`` counts as the unsolved
    starter, and so does a returned ``...`` or ``NotImplemented``. A thread still running
    at the time limit is stopped (see :func:`_stop`), so that it does not keep a core busy.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func(*args)
        except _Abandoned:
            pass
        except BaseException as error:  # reported below, in the checking thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="builders_guide.check", daemon=True)
    worker.start()
    worker.join(timeout_s())
    if worker.is_alive():
        stopped = _stop(worker)
        hint = "hint_timeout" if stopped else "hint_timeout_stuck"
        report.fail("timeout", hint, call=call, seconds=timeout_s())
    error = outcome.get("error")
    if isinstance(error, KeyboardInterrupt):
        raise error
    if isinstance(error, NotImplementedError):
        text = str(error)
        if not text:
            raise Unsolved
        if _PLACEHOLDER_FORWARD in text:
            report.fail("no_forward", "hint_no_forward", call=call, error=one_line(error))
    if error is not None:
        hint = (hint_for(error) if hint_for is not None else None) or "hint_raised"
        report.fail("raised", hint, call=call, error=one_line(error))
    value = outcome.get("value")
    if value is ... or value is NotImplemented:
        raise Unsolved
    return value


@contextmanager
def quiet_rng() -> Iterator[None]:
    """Seed the CPU generator for the check and give the notebook its own stream back."""
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(0)
        yield


# --------------------------------------------------------------------------- the frame


def exercise(name: str, answer: object, body: Callable[[Report, Any], None]) -> bool:
    """Print the title, run ``body`` on the answer, print the verdict; never raise."""
    print(msg("title", name=name))
    report = Report()
    try:
        if is_placeholder(answer) or is_stub(answer):
            raise Unsolved
        with quiet_rng():
            body(report, answer)
    except Unsolved:
        print(msg("unsolved"))
        print(msg("hint", text=msg(f"{name}.hint1")))
        print(msg("more_help", name=name))
        return False
    except Failed:
        return False
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a bug here, or an answer too odd to inspect
        print("✘ " + msg("internal", error=one_line(error)))
        return False
    print(msg("success"))
    return True


_hints_given: dict[str, int] = {}


def hint(name: object, level: object = None) -> None:
    """Print the next hint for an exercise (see :func:`builders_guide.check.hint`)."""
    try:
        _hint(name, level)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a hint must never break a notebook
        print(msg("internal", error=one_line(error)))


def _hint(name: object, level: object) -> None:
    if not isinstance(name, str) or name not in EXERCISES:
        shown = repr(name) if isinstance(name, str) else describe(name)
        print(msg("hint_unknown", name=shown, names=", ".join(sorted(EXERCISES))))
        return
    if level is None:
        level = _hints_given.get(name, 0) + 1
    elif not isinstance(level, int) or isinstance(level, bool) or level < 1:
        print(msg("hint_bad_level", name=name, levels=HINT_LEVELS))
        return
    exercise_ = EXERCISES[name]
    solutions = f"solutions/{exercise_.notebook}.ipynb"
    if level > HINT_LEVELS:
        _hints_given[name] = HINT_LEVELS
        print(msg("hint_none_left", name=name, levels=HINT_LEVELS, solutions=solutions))
        return
    _hints_given[name] = max(_hints_given.get(name, 0), level)
    print(msg("hint_level", name=name, level=level, levels=HINT_LEVELS))
    print(msg(f"{name}.hint{level}"))
    if level < HINT_LEVELS:
        print(msg("hint_next", name=name))
    else:
        print(msg("hint_last", solutions=solutions))


# --------------------------------------------------------------------------- common items


def need_module_class(report: Report, cls: object) -> None:
    if isinstance(cls, type) and issubclass(cls, nn.Module):
        forward = attr(cls, "forward")
        if forward is getattr(nn.Module, "forward", None) or is_stub(forward):
            raise Unsolved
        return
    hint = "hint_pass_class" if isinstance(cls, nn.Module) else "hint_define_class"
    report.fail("want_class", hint, got=describe(cls), name=type(cls).__name__)


def need_function(report: Report, fn: object) -> None:
    if not callable(fn) or isinstance(fn, nn.Module):
        hint = "hint_pass_function_not_model" if isinstance(fn, nn.Module) else "hint_pass_function"
        report.fail("want_function", hint, got=describe(fn))


def need_plain_pytorch(report: Report, fn: object, helper: str) -> None:
    """Refuse an answer that calls ``bg``: the exercise is about what the helper hides."""
    if uses_helpers(fn):
        report.fail("uses_bg", "hint_uses_bg", helper=helper)
    report.ok("plain_pytorch")


def build(report: Report, call: str, func: Callable[..., Any], *args: Any) -> nn.Module:
    """Run a constructor or factory of the learner's and insist on an nn.Module."""
    model = run(report, call, func, *args)
    if not isinstance(model, nn.Module):
        hint = "hint_init_module" if isinstance(func, type) else "hint_return_module"
        report.fail("not_module", hint, call=call, got=describe(model))
    report.ok("builds_module", call=call)
    return model


def shape_text(shape: tuple[int, ...] | torch.Size) -> str:
    return str(tuple(shape))


def tensor_out(
    report: Report,
    call: str,
    value: object,
    shape: tuple[int, ...],
    shape_hint: str,
    *,
    function: bool = False,
    dtype: torch.dtype | None = None,
) -> torch.Tensor:
    """Insist that ``value`` is a tensor of the given shape (and dtype, when given).

    ``function`` says whether ``call`` is a plain function (its hint then speaks of the
    function's return value) or a module's forward pass.
    """
    if not isinstance(value, torch.Tensor):
        if isinstance(value, (list, tuple)) and value and all(torch.is_tensor(v) for v in value):
            hint = "hint_return_one_tensor"
        elif function:
            hint = "hint_return_tensor_fn"
        else:
            hint = "hint_return_tensor"
        report.fail("not_tensor", hint, call=call, got=describe(value))
    if tuple(value.shape) != shape:
        report.fail(
            "shape_bad",
            shape_hint,
            call=call,
            got=shape_text(value.shape),
            expected=shape_text(shape),
        )
    if dtype is not None and value.dtype != dtype:
        report.fail("dtype_bad", shape_hint, call=call, got=str(value.dtype), expected=str(dtype))
    report.ok("shape_ok", call=call, shape=shape_text(shape))
    return value


def close(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    if actual.is_complex() != expected.is_complex():
        return False
    try:
        actual = actual.detach().to(device=expected.device, dtype=expected.dtype)
        return bool(torch.allclose(actual, expected, rtol=1e-4, atol=1e-5))
    except Exception:
        return False


def forward_call(module: nn.Module, *inputs: torch.Tensor) -> Callable[[], Any]:
    """A call of ``module`` with gradients on (grad mode is per thread; be explicit)."""

    def call() -> Any:
        with torch.enable_grad():
            return module(*inputs)

    return call


def forward(report: Report, call: str, module: nn.Module, X: torch.Tensor, **kw: Any) -> Any:
    """Run ``module(X)`` on a copy of ``X``; fail if forward changed its input in place."""
    given = X.clone()
    out = run(report, call, forward_call(module, given), **kw)
    if given.shape != X.shape or not torch.equal(given, X):
        report.fail("input_changed", "hint_input_changed", call=call)
    return out


def backward(report: Report, out: torch.Tensor) -> None:
    def call() -> None:
        with torch.enable_grad():
            out.sum().backward()

    run(report, "out.sum().backward()", call)


class ParamWatch(TorchFunctionMode):
    """Records reads and writes of ``.data`` on the watched tensors (thread-local)."""

    def __init__(self, watched: list[torch.Tensor]) -> None:
        super().__init__()
        self.ids = {id(t) for t in watched}
        self.data_used = False

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        if attr(func, "__self__") is torch.Tensor.data and args and id(args[0]) in self.ids:
            self.data_used = True
        return func(*args, **(kwargs or {}))


def watched_call(watch: TorchFunctionMode, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` run inside ``watch`` (modes are per thread: enter it in the learner's thread)."""

    def call(*args: Any) -> Any:
        with watch, torch.enable_grad():
            return func(*args)

    return call
