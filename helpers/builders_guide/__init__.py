"""Helpers for the Builders' Guide companion notebooks (filled in by the integration step)."""

from builders_guide._version import __version__

__all__ = ["__version__"]
