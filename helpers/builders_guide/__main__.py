"""``python -m builders_guide`` prints the environment report, for bug reports.

``python -m builders_guide --lang id`` prints it in Bahasa Indonesia.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from builders_guide.devices import env_report
from builders_guide.language import LANGUAGES, get_language, message, set_language


def main(argv: Sequence[str] = ()) -> None:
    """Print the environment report (Python, platform, library versions, devices).

    Args:
        argv: the command-line arguments (none by default, so a call from Python never
            reads the interpreter's own). ``["--lang", "id"]`` prints the report in Bahasa
            Indonesia for this call only.

    Example:
        >>> from builders_guide.__main__ import main
        >>> main()  # doctest: +ELLIPSIS
        python ...
    """
    parser = argparse.ArgumentParser(
        prog="python -m builders_guide", description=message("main.description")
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=get_language(),
        help=message("main.lang_help", choices=", ".join(LANGUAGES)),
    )
    args = parser.parse_args(list(argv))
    previous = get_language()
    set_language(args.lang)
    try:
        print(env_report())
    finally:
        set_language(previous)


if __name__ == "__main__":
    main(sys.argv[1:])
