"""The package's version: the one place it is written (pyproject.toml reads it from here when the
package is built, so the installed metadata says the same), known without importing
``importlib.metadata`` (a tenth of a quick command's start)."""

__version__ = "0.1.0"
