"""One language setting for everything the package prints, raises or draws.

Notebooks choose it once, in the setup cell: ``bg.set_language("id")``. Every module then
takes its words from :mod:`builders_guide.catalog` through :func:`message`, so a table
header, an exception, a figure title and an exercise hint all follow the same setting.

Numbers inside messages follow the language too: a field formatted as ``{size:,}`` or
``{ratio:.2f}`` reads ``8,561`` and ``0.53`` in English and ``8.561`` and ``0,53`` in
Bahasa Indonesia. Only ``int`` and ``float`` fields are touched; text, tensor reprs and
code names pass through as they are.

Example:
    >>> from builders_guide import language
    >>> language.set_language("id")
    >>> language.number(8561)
    '8.561'
    >>> language.number(0.53, ".2f")
    '0,53'
    >>> language.set_language("en")
    >>> language.number(8561)
    '8,561'
"""

from __future__ import annotations

import string
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "id")
"""The languages every catalog entry exists in: English and Bahasa Indonesia."""

_language = "en"


def set_language(lang: str) -> None:
    """Choose the language of everything the package prints: ``'en'`` or ``'id'``.

    Args:
        lang: ``'en'`` for English (the default), ``'id'`` for Bahasa Indonesia.

    Raises:
        ValueError: if ``lang`` is not one of :data:`LANGUAGES`.

    Example:
        >>> import builders_guide as bg
        >>> bg.set_language("id")
        >>> bg.get_language()
        'id'
        >>> bg.set_language("en")
    """
    global _language
    if lang not in LANGUAGES:
        raise ValueError(
            message("language.unknown", code=lang, known=", ".join(map(repr, LANGUAGES)))
        )
    _language = lang


def get_language() -> str:
    """Return the current language, ``'en'`` or ``'id'``.

    Example:
        >>> import builders_guide as bg
        >>> bg.get_language()
        'en'
    """
    return _language


def _swap_marks(text: str) -> str:
    """``8,561.25`` -> ``8.561,25``: English number marks to Indonesian ones."""
    return text.translate(str.maketrans({",": ".", ".": ","}))


def number(value: float, spec: str = ",", lang: str | None = None) -> str:
    """Format a number with the marks of the current language.

    Args:
        value: an ``int`` or ``float``.
        spec: a ``format`` spec as for ``format(value, spec)``; the default groups
            thousands.
        lang: a language code, or ``None`` for the current language.

    Returns:
        The formatted number: ``1,234.5`` in English, ``1.234,5`` in Bahasa Indonesia.

    Example:
        >>> from builders_guide.language import number
        >>> number(1234.5, ",.1f", lang="id")
        '1.234,5'
        >>> number(1234.5, ",.1f", lang="en")
        '1,234.5'
    """
    text = format(value, spec)
    return _swap_marks(text) if (lang or _language) == "id" else text


class _Formatter(string.Formatter):
    """``str.format`` that writes ``int`` and ``float`` fields with the language's marks."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return _swap_marks(text) if numeric and self.lang == "id" else text


def message(key: str, /, lang: str | None = None, **fields: Any) -> str:
    """The catalog's text for ``key`` in the current language, with ``fields`` filled in.

    Args:
        key: a catalog key, ``"<section>.<name>"``, for example ``"params.total"``.
        lang: a language code, or ``None`` for the current language.
        **fields: the template's fields.

    Returns:
        The filled-in message.

    Raises:
        KeyError: if the catalog has no such key (a bug in the package, caught by its tests).

    Example:
        >>> from builders_guide.language import message
        >>> message("language.yes", lang="id")
        'ya'
    """
    from builders_guide.catalog import MESSAGES

    lang = lang or _language
    return _Formatter(lang).format(MESSAGES[lang][key], **fields)
