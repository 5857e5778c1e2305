"""frnewsbench: a gold benchmark for French information extraction, and its harness."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("frnewsbench")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"


def predictions_from_ner_tags(tags, *, gold=None, source="ner tags"):
    """Entity predictions from IOB2 tags of the ``ner`` config's rows (:mod:`frnewsbench.ner_tags`)."""
    from .ner_tags import predictions_from_ner_tags as from_tags

    return from_tags(tags, gold=gold, source=source)
