"""callqa: listen to every recorded call and say which ones deserve a human ear, and why."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("callqa")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
