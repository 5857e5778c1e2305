"""The Label Studio round trip: labeling config, converters and a server client.

``config.xml`` is the labeling config; :mod:`.convert` turns gold documents and predictions
into Label Studio tasks and a Label Studio JSON export back into documents;
:mod:`.importer` checks an export and writes it into ``annotations/``;
:mod:`.server` pushes and pulls through ``label-studio-sdk`` (imported lazily, only there).
"""

from __future__ import annotations

from pathlib import Path

CONFIG_PATH = Path(__file__).with_name("config.xml")


def label_config() -> str:
    """The labeling config (XML) that every frnewsbench project uses."""
    return CONFIG_PATH.read_text(encoding="utf-8")
