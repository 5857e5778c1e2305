"""frnewsbench: a gold benchmark for French information extraction, and its harness."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("frnewsbench")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
