"""What a save accepts: plain data that a safe load reads back exactly.

The walk is iterative and visits each container once, so self-referential, deeply nested
and heavily shared structures cost time linear in the number of distinct objects, and no
``RecursionError`` can escape. Anything that ``bg.load`` would refuse, or could not give
back exactly, is refused here before a byte is written.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from builders_guide.checkpoint.errors import say

MAX_DEPTH = 100
"""Containers nested deeper than this are refused: pickling them could exhaust the stack."""

_PLAIN_TYPES = (type(None), bool, int, float, complex, str, bytes, bytearray)
_TORCH_PLAIN_TYPES = (torch.dtype, torch.device, torch.Size)
_TENSOR_TYPES = (torch.Tensor, nn.Parameter)
_CONTAINERS = (dict, OrderedDict, list, tuple, set)


def user_safe_globals() -> set[Any]:
    """Classes the user allowed with ``torch.serialization.add_safe_globals``."""
    found = set()
    for entry in torch.serialization.get_safe_globals():
        found.add(entry[0] if isinstance(entry, tuple) else entry)
    return found


def check_tensor(tensor: torch.Tensor, where: str, *, safetensors: bool = False) -> None:
    """Raise if a save could not give `tensor` back exactly, as it is."""
    if is_lazy(tensor):
        raise ValueError(say("lazy", where=where))
    if type(tensor) not in _TENSOR_TYPES and (
        safetensors or type(tensor) not in user_safe_globals()
    ):
        raise TypeError(say("tensor_subclass", where=where, type=type(tensor).__qualname__))
    attributes = sorted(vars(tensor)) if type(tensor) in _TENSOR_TYPES else []
    if attributes:
        raise TypeError(say("tensor_attributes", where=where, names=", ".join(attributes)))
    if tensor.is_meta:
        raise ValueError(say("meta_tensor", where=where))
    if safetensors and tensor.layout != torch.strided:
        raise TypeError(say("safetensors_layout", where=where, layout=str(tensor.layout)))


def check_plain(value: Any, where: str = "obj") -> None:
    """Raise if `value` holds anything that ``torch.load(weights_only=True)`` would refuse.

    Raises:
        TypeError: an object outside plain data, or a tensor subclass or a tensor with
            Python attributes.
        ValueError: a lazy or meta tensor, or containers nested deeper than ``MAX_DEPTH``.
    """
    allowed = None
    seen: set[int] = set()
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, place, depth = stack.pop()
        if isinstance(item, torch.Tensor):
            check_tensor(item, place)
            continue
        kind = type(item)
        if kind in _PLAIN_TYPES or isinstance(item, _TORCH_PLAIN_TYPES):
            continue
        if kind in _CONTAINERS:
            if id(item) in seen:
                continue
            seen.add(id(item))
            if depth >= MAX_DEPTH:
                raise ValueError(say("too_deep", where=place, limit=MAX_DEPTH))
            if kind in (dict, OrderedDict):
                children = []
                for key, child in item.items():
                    if type(key) not in _PLAIN_TYPES:
                        children.append((key, say("key_of", where=place), depth + 1))
                    children.append((child, f"{place}[{key!r}]", depth + 1))
            else:
                children = [(child, f"{place}[{i}]", depth + 1) for i, child in enumerate(item)]
            stack.extend(reversed(children))
            continue
        allowed = user_safe_globals() if allowed is None else allowed
        if kind in allowed:
            continue
        raise TypeError(say("not_plain", where=place, type=kind.__qualname__))
