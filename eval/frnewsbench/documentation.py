"""The format documents, where an installed user can read them offline (``frnewsbench docs``).

One copy of each lives in git, ``eval/PREDICTIONS.md`` and ``eval/METRICS.md``; the wheel ships
them as ``frnewsbench/docs/`` (pyproject.toml: package-dir), and an editable install reads the
checkout's.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DOCS = PACKAGE_DIR / "docs"  # where the wheel puts them
CHECKOUT_DOCS = PACKAGE_DIR.parent  # an editable install: the checkout's eval/

# name -> (file, what it tells)
DOCUMENTS = {
    "predictions": ("PREDICTIONS.md", "the predictions contract: the JSON Lines format, spans given by their text, "
                                      "the Document a system receives"),
    "metrics": ("METRICS.md", "what every figure of score and run means, with worked examples"),
}


class DocumentationError(LookupError):
    """A document that is not known, or not installed; the message says which and what to do."""


def documentation_path(name: str) -> Path:
    """The installed file of the document ``name`` (a key of :data:`DOCUMENTS`)."""
    if name not in DOCUMENTS:
        raise DocumentationError(f"no document {name!r}; expected one of {', '.join(DOCUMENTS)}")
    file = DOCUMENTS[name][0]
    places = [SHIPPED_DOCS / file]
    if (CHECKOUT_DOCS.parent / "pyproject.toml").is_file():
        places.append(CHECKOUT_DOCS / file)
    for place in places:
        if place.is_file():
            return place
    raise DocumentationError(f"this frnewsbench installation has no {file} (looked for "
                             f"{' and '.join(map(str, places))}); reinstall frnewsbench from its wheel or checkout")
