"""Is this environment new enough for the notebooks? The setup cell's version check.

``pip install builders-guide`` enforces the floors in ``helpers/pyproject.toml``. On Colab
and Kaggle the setup cell installs the helpers with ``--no-deps``, so that it never
replaces the platform's torch; there nothing enforces them, and an old torch or matplotlib
shows up later as a confusing error or a figure that never appears. :func:`check_versions`
compares what is installed with the floors and prints one line when something is too old.
It never installs anything. (pip still enforces ``requires-python``, even with ``--no-deps``.)

The floors have one source: the ``dependencies`` of ``helpers/pyproject.toml``. They are
read from the installed package's metadata, or from ``pyproject.toml`` itself when the
package runs from a source checkout that was never installed.

Example:
    >>> import builders_guide as bg
    >>> sorted(bg.compat.floors())
    ['matplotlib', 'numpy', 'safetensors', 'torch']
    >>> bg.check_versions()  # new enough here: prints nothing
    True
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from builders_guide.language import message

DISTRIBUTION = "builders-guide"
"""The helper package's name on PyPI and in its metadata."""

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9.]*)\s*$")
_RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_floors(requirements: list[str]) -> dict[str, str]:
    """The lower bound of each requirement written as ``name>=version``.

    Requirements with an environment marker (``; extra == 'docs'``) are optional and left
    out.

    Args:
        requirements: requirement strings, as in ``pyproject.toml`` or the package metadata.

    Returns:
        ``{name: floor}``, names normalized as pip does (lower case, ``-`` separators).

    Raises:
        ValueError: if a requirement is not of the form ``name>=version``; the package
            declares lower bounds only, so this means ``pyproject.toml`` was edited by hand
            into a form the check cannot read.

    Example:
        >>> from builders_guide.compat import parse_floors
        >>> parse_floors(["torch>=2.10", "numpy >= 1.26", "pytest>=8; extra == 'test'"])
        {'torch': '2.10', 'numpy': '1.26'}
    """
    floors = {}
    for requirement in requirements:
        if ";" in requirement:
            continue
        match = _REQUIREMENT.match(requirement)
        if match is None:
            raise ValueError(
                f"cannot read the requirement {requirement!r}: the helper package declares "
                "lower bounds only, as 'name>=version'. Write it in that form in "
                "helpers/pyproject.toml."
            )
        floors[_normalize(match.group(1))] = match.group(2)
    return floors


@functools.cache
def _declared() -> tuple[tuple[str, str], ...]:
    """The floors, read once per process (the setup cell runs in every notebook)."""
    try:
        requirements = importlib.metadata.requires(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        requirements = None
    if requirements is None:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        if not pyproject.is_file():
            raise RuntimeError(
                f"cannot find the version floors: {DISTRIBUTION} is not installed and "
                f"{pyproject.name} is not beside the package. It was probably copied without "
                "its metadata. Install it with pip (pip install -e ./helpers in a checkout)."
            ) from None
        import tomllib

        with open(pyproject, "rb") as f:
            requirements = tomllib.load(f)["project"]["dependencies"]
    return tuple(parse_floors(requirements).items())


def floors() -> dict[str, str]:
    """The oldest supported version of each dependency, as ``helpers/pyproject.toml`` declares.

    Returns:
        ``{name: floor}``, for example ``{'torch': '2.10', ...}``.

    Raises:
        RuntimeError: if the package is neither installed (no metadata) nor running from a
            source checkout that holds ``pyproject.toml``.

    Example:
        >>> from builders_guide.compat import floors
        >>> floors()["matplotlib"]
        '3.9'
    """
    return dict(_declared())


def release(version: str) -> tuple[int, ...]:
    """The numeric release part of a version: ``'2.10.0+cpu'`` -> ``(2, 10, 0)``.

    Local labels (``+cpu``) and pre-release or development suffixes are ignored, so a
    nightly ``2.11.0.dev20260101`` counts as 2.11.0; trailing zeros are dropped, so
    ``'2.10'`` and ``'2.10.0'`` compare equal.

    Args:
        version: a version string as packages report it.

    Returns:
        The release numbers; ``()`` when the string does not start with a number.

    Example:
        >>> from builders_guide.compat import release
        >>> release("2.10.0+cpu"), release("3.9"), release("2.9.1") < release("2.10")
        ((2, 10), (3, 9), True)
    """
    match = _RELEASE.match(version)
    if match is None:
        return ()
    numbers = [int(part) for part in match.group(1).split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _installed(name: str) -> str | None:
    """The installed version; a module already imported (torch, numpy) answers for itself,
    which is faster than a metadata lookup and is what this kernel really runs."""
    module = sys.modules.get(name)
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def too_old(installed: Mapping[str, str | None] | None = None) -> dict[str, str | None]:
    """The dependencies whose installed version is below the floor, or that are missing.

    Args:
        installed: ``{name: version or None}`` to judge instead of this environment
            (``None`` for a missing package); ``None`` reads the installed versions.

    Returns:
        ``{name: installed version or None}`` for each dependency that fails; empty when
        every one is new enough.

    Example:
        >>> from builders_guide.compat import too_old
        >>> too_old({"torch": "2.4.1", "numpy": "2.4.6", "matplotlib": None,
        ...          "safetensors": "0.8.0"})
        {'torch': '2.4.1', 'matplotlib': None}
    """
    failing: dict[str, str | None] = {}
    for name, floor in floors().items():
        version = _installed(name) if installed is None else installed.get(name)
        if version is None or release(version) < release(floor):
            failing[name] = version
    return failing


def check_versions(installed: Mapping[str, str | None] | None = None) -> bool:
    """Print one line, in the current language, if a dependency is too old or missing.

    Prints nothing when every dependency meets its floor. Never installs anything: the
    line says which command would.

    Args:
        installed: ``{name: version or None}`` to judge instead of this environment
            (for tests and examples); ``None`` reads the installed versions.

    Returns:
        ``True`` when every dependency is new enough, ``False`` when the line was printed.

    Example:
        >>> import builders_guide as bg
        >>> bg.check_versions({"torch": "2.4.1", "numpy": "2.4.6", "matplotlib": "3.11.2",
        ...                    "safetensors": "0.8.0"})  # doctest: +ELLIPSIS
        Version check: too old or missing for these notebooks: torch 2.4.1; they need torch>=2.10, ...
        False
    """
    failing = too_old(installed)
    if not failing:
        return True
    needed = floors()
    found = [
        f"{name} {version}" if version else message("compat.missing", name=name)
        for name, version in failing.items()
    ]
    wanted = [f"{name}>={needed[name]}" for name in failing]
    print(
        message(
            "compat.too_old",
            found=message("compat.and").join(found),
            needed=", ".join(wanted),
            command=" ".join(f'"{spec}"' for spec in wanted),
        )
    )
    return False
