"""Materialize lazy models and initialize layers by type.

The messages of :class:`LazyInitError` follow :func:`builders_guide.set_language`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.language import message


class LazyInitError(RuntimeError):
    """A lazy model that cannot be used yet: parameters still uninitialized, or a dry run
    that failed because the sizes do not fit."""


def has_uninitialized(model: nn.Module) -> bool:
    """Return whether any lazy parameter or buffer of ``model`` is still uninitialized.

    Example:
        >>> from torch import nn
        >>> from builders_guide.init import has_uninitialized
        >>> has_uninitialized(nn.LazyLinear(3)), has_uninitialized(nn.Linear(2, 3))
        (True, False)
    """
    return any(is_lazy(t) for t in chain(model.parameters(), model.buffers()))


def _model_device(model: nn.Module) -> torch.device | None:
    """The device of the model's first initialized parameter or buffer, if any."""
    for tensor in chain(model.parameters(), model.buffers()):
        if not is_lazy(tensor):
            return tensor.device
    return None


def materialize(
    model: nn.Module, *example_inputs: torch.Tensor, **example_kwargs: Any
) -> nn.Module:
    """Run one forward pass so that lazy layers learn their shapes; return ``model``.

    The dry run happens under ``torch.no_grad()`` and in eval mode, then every submodule
    gets its previous train/eval mode back. Eval mode matters: in train mode BatchNorm
    would update its running statistics from the example (and refuse a batch of one),
    and Dropout would draw random numbers, shifting the random stream of the notebook.

    Tensor inputs are moved to the model's device (that of its first initialized parameter
    or buffer); a fully lazy model runs on the inputs' device.

    Args:
        model: the model, usually containing lazy layers such as ``nn.LazyLinear``.
        *example_inputs: positional inputs for ``model(...)``, e.g. one batch.
        **example_kwargs: keyword inputs for ``model(...)``.

    Returns:
        The same model, now with initialized parameters.

    Raises:
        LazyInitError: when no example input is given, or the dry run fails (a size that
            does not fit); the message keeps the original error and names the input shape.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from builders_guide.init import materialize
        >>> net = materialize(nn.Sequential(nn.LazyLinear(8), nn.ReLU()), torch.zeros(2, 4))
        >>> net[0].weight.shape
        torch.Size([8, 4])
    """
    device = _model_device(model)

    def move(value: Any) -> Any:
        return value.to(device) if device is not None and torch.is_tensor(value) else value

    if not example_inputs and not example_kwargs:
        raise LazyInitError(message("init.needs_input"))
    inputs = [move(x) for x in example_inputs]
    kwargs = {name: move(value) for name, value in example_kwargs.items()}
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            model(*inputs, **kwargs)
    except (RuntimeError, TypeError, ValueError, IndexError) as err:
        shapes = ", ".join(str(tuple(x.shape)) for x in inputs if torch.is_tensor(x))
        raise LazyInitError(
            message(
                "init.dry_run_failed",
                model=type(model).__name__,
                shapes=shapes or message("init.unknown_shape"),
                error=str(err).rstrip("."),
            )
        ) from err
    finally:
        for module, training in modes:
            module.training = training
    return model


def init_layers(
    model: nn.Module,
    initializer: Callable[[nn.Module], None],
    types: type | tuple[type, ...] = nn.Linear,
) -> int:
    """Call ``initializer(m)`` on every submodule ``m`` that is an instance of ``types``.

    Matching uses ``isinstance``, so subclasses (and lazy layers, once materialized) match.
    The calls run under ``torch.no_grad()``, so the initializer may write into weights in place.
    A module used twice (shared) is initialized once.

    Args:
        model: the model whose layers to initialize.
        initializer: a function taking one module, e.g. ``lambda m: nn.init.zeros_(m.bias)``.
        types: a layer class or a tuple of classes to match.

    Returns:
        How many modules were initialized.

    Raises:
        LazyInitError: if a matching module still has uninitialized (lazy) parameters.
            Nothing is initialized in that case.

    Example:
        >>> from torch import nn
        >>> from builders_guide.init import init_layers
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> init_layers(net, lambda m: nn.init.zeros_(m.bias))
        2
        >>> net[2].bias
        Parameter containing:
        tensor([0.], requires_grad=True)
    """
    targets = [(name, m) for name, m in model.named_modules() if isinstance(m, types)]
    lazy = [
        message("init.lazy_layer", name=name, type=type(m).__name__)
        if name
        else message("init.lazy_model", type=type(m).__name__)
        for name, m in targets
        if has_uninitialized(m)
    ]
    if lazy:
        raise LazyInitError(message("init.cannot_init", modules=", ".join(lazy)))
    with torch.no_grad():
        for _, module in targets:
            initializer(module)
    return len(targets)
