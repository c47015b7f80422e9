"""Exercise checks: ``bg.check.<exercise>(answer)`` prints friendly feedback and returns a bool.

Every check follows the same pattern. It prints the exercise name, then one line per
verified item (✔ passed, ✘ failed), stops at the first failure with a hint for that
mistake, and returns ``True`` only when every item passed. A check never raises, whatever
it is given: the unsolved starter (``...``, ``NotImplemented``, ``None``, or a function whose
body is still empty), the wrong kind of object, code that raises, or code that never
finishes. The learner's code runs in a helper thread with a time limit (:data:`TIMEOUT_S`
seconds); a thread still running at the limit is stopped before the check returns.

Feedback never shows the answer. The unsolved starter gets the first hint: what to aim
for and which section to reread. :func:`hint` gives one more level of help per call; the
full answer lives only in the solutions notebook.

The output is deterministic, so notebook outputs can be compared byte for byte: messages
hold no addresses, timings or random values, the test data come from local seeded
generators, and a check leaves the notebook's global random stream as it found it.

Messages follow the package's language, :func:`builders_guide.set_language`; their words
live in :mod:`builders_guide.catalog.check`. The checks are grouped by notebook:
:mod:`.model_construction` (01), :mod:`.parameters` (02), :mod:`.init_param` (03),
:mod:`.lazy_init` (04), :mod:`.custom_layer` (05), :mod:`.read_write` (06) and
:mod:`.use_gpu` (07).

Example:
    >>> from builders_guide import check
    >>> check.fourier_half(...)
    Exercise: fourier_half
    Not solved yet: replace the ... with your answer, then run this cell again.
    Hint: Aim for a layer without parameters whose output row holds the first n // 2 complex coefficients of the discrete Fourier transform of the input row. Reread "A layer without parameters".
    More help, one step at a time: bg.check.hint("fourier_half")
    False
"""

from __future__ import annotations

from builders_guide import language
from builders_guide.check import _frame
from builders_guide.check.custom_layer import fourier_half, tensor_reduction
from builders_guide.check.init_param import mixture_init
from builders_guide.check.lazy_init import dry_run, lazy_mlp
from builders_guide.check.model_construction import (
    parallel_module,
    registered_layers,
    stack_blocks,
)
from builders_guide.check.parameters import make_nested_net, nested_param, param_count
from builders_guide.check.read_write import partial_load, safe_load
from builders_guide.check.use_gpu import norm_log
from builders_guide.language import LANGUAGES

__all__ = [
    "LANGUAGES",
    "TIMEOUT_S",
    "dry_run",
    "exercises",
    "fourier_half",
    "get_language",
    "hint",
    "lazy_mlp",
    "make_nested_net",
    "mixture_init",
    "nested_param",
    "norm_log",
    "parallel_module",
    "param_count",
    "partial_load",
    "registered_layers",
    "safe_load",
    "set_language",
    "stack_blocks",
    "tensor_reduction",
]

TIMEOUT_S: float = 5.0
"""Seconds one call into the learner's code may take before the check gives up on it."""


def set_language(lang: str) -> None:
    """Choose the language of the whole package; the same as :func:`builders_guide.set_language`.

    Kept so that older notebooks, which called ``bg.check.set_language``, still work.

    Args:
        lang: ``'en'`` for English, ``'id'`` for Bahasa Indonesia.

    Raises:
        ValueError: if ``lang`` is not one of :data:`LANGUAGES`.

    Example:
        >>> import builders_guide as bg
        >>> bg.check.set_language("id")
        >>> bg.get_language()
        'id'
        >>> bg.set_language("en")
    """
    language.set_language(lang)


def get_language() -> str:
    """Return the package's language, ``'en'`` or ``'id'``; the same as :func:`builders_guide.get_language`.

    Example:
        >>> import builders_guide as bg
        >>> bg.check.get_language()
        'en'
    """
    return language.get_language()


def exercises() -> list[str]:
    """The names of every exercise that has a check, sorted.

    Example:
        >>> from builders_guide import check
        >>> "parallel_module" in check.exercises()
        True
    """
    return sorted(_frame.EXERCISES)


def hint(name: str, level: int | None = None) -> None:
    """Print more help for an exercise: one level more on every call.

    Level 1 says what to aim for and which section to reread (the same hint the unsolved
    starter shows), level 2 names the key idea or API, level 3 gives an outline that still
    leaves the answer line to you. After that the function says that no more hints exist
    and points to the solutions notebook. It never raises: an unknown name prints the list
    of exercises.

    Args:
        name: the exercise's name, as in ``bg.check.<name>(...)``.
        level: show this level again instead of the next one.

    Example:
        >>> from builders_guide import check
        >>> check.hint("no_such_exercise")  # doctest: +ELLIPSIS
        There is no exercise named 'no_such_exercise'. The exercises are: dry_run, fourier_half, ...
    """
    _frame.hint(name, level)
