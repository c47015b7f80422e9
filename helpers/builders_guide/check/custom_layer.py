"""Checks for the exercises of ``05-custom-layer``: a tensor reduction, half a Fourier transform."""

from __future__ import annotations

import traceback
from typing import Any

import torch

from builders_guide.check import _frame as f

NOTEBOOK = "05-custom-layer"
for _name in ("tensor_reduction", "fourier_half"):
    f.register(_name, NOTEBOOK)


# --------------------------------------------------------------------------- tensor_reduction


def tensor_reduction(cls: object) -> bool:
    """Check a layer ``cls(in_features, out_features)`` computing ``y_k = Σ_ij W_ijk x_i x_j``.

    With ``cls(4, 3)`` it verifies that the layer has exactly one parameter, of shape
    ``(4, 4, 3)``, that a ``(5, 4)`` batch maps to ``(5, 3)`` with
    ``y[b, k] = Σ_i Σ_j W[i, j, k] · X[b, i] · X[b, j]`` without changing ``X``, and that
    gradients reach ``W``. ``cls(2, 5)`` must follow its own sizes.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.tensor_reduction(...)
        Exercise: tensor_reduction
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for a layer with one weight tensor that has a slot for every (i, j, k) of the formula; forward sums over i and j and keeps the batch and k. Reread "A layer with its own parameters".
        More help, one step at a time: bg.check.hint("tensor_reduction")
        False
    """
    return f.exercise("tensor_reduction", cls, _tensor_reduction)


def _reduction(X: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """The formula written out as sums of products, independent of how the learner wrote it."""
    outer = X[:, :, None] * X[:, None, :]  # (b, i, j)
    return (outer[:, :, :, None] * W[None]).sum(dim=(1, 2))


def _tr_hint(error: BaseException) -> str | None:
    """The einsum hint when the error came from ``torch.einsum``, in any torch version.

    torch 2.13 says ``einsum(): ...`` (a RuntimeError); older releases raise a ValueError
    whose message does not name einsum, so we also look for an ``einsum`` frame.
    """
    if "einsum()" in str(error):
        return "hint_tr_einsum"
    frames = traceback.extract_tb(error.__traceback__)
    if any(frame.name == "einsum" for frame in frames):
        return "hint_tr_einsum"
    return None


def _tensor_reduction(report: f.Report, cls: Any) -> None:
    f.need_module_class(report, cls)
    d_in, d_out = 4, 3
    shape = (d_in, d_in, d_out)
    name = f.name_of(cls, "cls")
    layer = f.build(report, f"{name}({d_in}, {d_out})", cls, d_in, d_out)

    params = f.run(report, "layer.parameters()", lambda: list(layer.parameters()))
    matches = [p for p in params if tuple(p.shape) == shape]
    if len(matches) != 1:
        report.fail("tr_param_bad", "hint_tr_param", count=len(matches), shape=f.shape_text(shape))
    if len(params) != 1:
        report.fail("tr_extra", "hint_tr_extra", count=len(params))
    W = matches[0]
    report.ok("tr_param_ok", shape=f.shape_text(shape))

    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():  # known values, whatever the learner's initialization
        W.copy_(torch.randn(shape, generator=generator))
    X = torch.randn(5, d_in, generator=generator)
    expected = _reduction(X, W.detach())

    out = f.forward(report, "layer(X)", layer, X, hint_for=_tr_hint)
    out = f.tensor_out(report, "layer(X)", out, (5, d_out), "hint_tr_shape")
    if not f.close(out, expected):
        report.fail("tr_values_bad", "hint_tr_values")
    report.ok("tr_values_ok")

    W.grad = None
    if not out.requires_grad:
        report.fail("detached", "hint_tr_grad", call="layer(X)")
    f.backward(report, out)
    if W.grad is None:
        report.fail("tr_grad_bad", "hint_tr_grad")
    report.ok("tr_grad_ok")

    other_call = f"{name}(2, 5)"
    other = f.build(report, other_call, cls, 2, 5)
    shapes = f.run(
        report, "layer.parameters()", lambda: [tuple(p.shape) for p in other.parameters()]
    )
    if shapes != [(2, 2, 5)]:
        report.fail(
            "tr_sizes_bad", "hint_tr_sizes", call=other_call, got=", ".join(map(str, shapes))
        )
    report.ok("tr_sizes_ok", call=other_call)


# --------------------------------------------------------------------------- fourier_half


def fourier_half(cls: object) -> bool:
    """Check a layer ``cls()`` returning the first half of the Fourier coefficients.

    For inputs ``(B, n)`` with ``n = 8`` and ``n = 16`` the output must hold the first
    ``n // 2`` coefficients of the discrete Fourier transform of each row (complex values),
    and leave the input unchanged; the layer must have no parameters.

    Args:
        cls: the learner's class, a subclass of ``nn.Module``.

    Returns:
        ``True`` when every item passes, else ``False``. Never raises.

    Example:
        >>> from builders_guide import check
        >>> check.fourier_half(...)
        Exercise: fourier_half
        Not solved yet: replace the ... with your answer, then run this cell again.
        Hint: Aim for a layer without parameters whose output row holds the first n // 2 complex coefficients of the discrete Fourier transform of the input row. Reread "A layer without parameters".
        More help, one step at a time: bg.check.hint("fourier_half")
        False
    """
    return f.exercise("fourier_half", cls, _fourier_half)


def _fourier_half(report: f.Report, cls: Any) -> None:
    f.need_module_class(report, cls)
    layer = f.build(report, f"{f.name_of(cls, 'cls')}()", cls)
    params = f.run(report, "layer.parameters()", lambda: list(layer.parameters()))
    if params:
        report.fail("ft_params_bad", "hint_ft_params", count=len(params))
    report.ok("ft_params_ok")

    generator = torch.Generator().manual_seed(6)
    for n in (8, 16):
        X = torch.randn(3, n, generator=generator)
        full = torch.fft.fft(X, dim=-1)
        expected = full[..., : n // 2]
        where = f"layer(torch.randn(3, {n}))"
        out = f.forward(report, where, layer, X)
        if isinstance(out, torch.Tensor) and tuple(out.shape) == (3, n):
            report.fail(
                "shape_bad",
                "hint_ft_all",
                call=where,
                got=f.shape_text(out.shape),
                expected=f.shape_text(expected.shape),
            )
        if isinstance(out, torch.Tensor) and tuple(out.shape) == (3, n // 2 + 1):
            report.fail(
                "shape_bad",
                "hint_ft_rfft",
                call=where,
                got=f.shape_text(out.shape),
                expected=f.shape_text(expected.shape),
            )
        out = f.tensor_out(report, where, out, tuple(expected.shape), "hint_ft_shape")
        if not out.is_complex():
            report.fail("ft_real", "hint_ft_real", call=where, dtype=str(out.dtype))
        if not f.close(out, expected):
            along_batch = torch.fft.fft(X, dim=0)[..., : n // 2]
            if f.close(out, along_batch):
                hint = "hint_ft_dim"
            elif f.close(out, full[..., n - n // 2 :]):
                hint = "hint_ft_second_half"
            else:
                hint = "hint_ft_values"
            report.fail("ft_values_bad", hint, n=n)
        report.ok("ft_values_ok", n=n)


__all__ = ["fourier_half", "tensor_reduction"]
