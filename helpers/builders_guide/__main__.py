"""``python -m builders_guide`` prints the environment report, for bug reports."""

from builders_guide.devices import env_report


def main() -> None:
    """Print the environment report (Python, platform, library versions, devices).

    Example:
        >>> from builders_guide.__main__ import main
        >>> main()  # doctest: +ELLIPSIS
        python ...
    """
    print(env_report())


if __name__ == "__main__":
    main()
