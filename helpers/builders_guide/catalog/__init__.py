"""Every word the package shows a learner, in English and in Bahasa Indonesia.

One module per area (``check``, ``checkpoint``, ``params`` ...), each holding two
dictionaries, ``EN`` and ``ID``, with the same keys and the same ``str.format`` fields. This
module merges them into :data:`MESSAGES`, prefixing each key with its area:
``MESSAGES["id"]["params.total"]``. Modules never read this dictionary themselves; they call
:func:`builders_guide.language.message`.

Why Python dictionaries and not ``gettext``: the package is installed from git with
``--no-deps`` on Colab and Kaggle, so it must work without a compile step (``msgfmt``) or
binary ``.mo`` files in the repository, and the tests check keys, fields and untranslated
entries with plain Python. To add a language, add a dictionary to every area module and its
code to :data:`builders_guide.language.LANGUAGES`.

Example:
    >>> from builders_guide.catalog import MESSAGES
    >>> sorted(MESSAGES)
    ['en', 'id']
    >>> MESSAGES["en"]["language.yes"], MESSAGES["id"]["language.yes"]
    ('yes', 'ya')
"""

from __future__ import annotations

import importlib
import pkgutil

from builders_guide.language import LANGUAGES


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        area = importlib.import_module(f"{__name__}.{info.name}")
        for lang in LANGUAGES:
            table: dict[str, str] = getattr(area, lang.upper())
            merged[lang].update({f"{info.name}.{key}": text for key, text in table.items()})
    return merged


MESSAGES: dict[str, dict[str, str]] = _load()
"""``MESSAGES[lang][key]``: the template for ``key`` in ``lang``."""
