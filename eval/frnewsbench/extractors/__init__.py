"""Extractors: the protocol, the registry, adapters and the baseline systems."""

from .base import (
    Extractor,
    RegistryError,
    entry_point_problems,
    get_extractor,
    register,
    registered_names,
    strip_gold,
)

__all__ = ["Extractor", "RegistryError", "entry_point_problems", "get_extractor", "register", "registered_names",
           "strip_gold"]
