"""The mismatch hints: Unicode normalisation named, the nearest occurrence shown."""

import unicodedata

from frnewsbench.spantext import mismatch_hint, nearest_occurrence, normalisation_mismatch

TEXT = "Pékin a reçu Pékin. Puis Pékin a parlé."  # "Pékin" at 0, 13 and 25


def test_the_nearest_occurrence_is_shown_not_the_first():
    assert [TEXT.index("Pékin", i) for i in (0, 1, 14)] == [0, 13, 25]
    assert nearest_occurrence(TEXT, "Pékin", 24) == 25
    assert nearest_occurrence(TEXT, "Pékin", 12) == 13
    assert nearest_occurrence(TEXT, "Pékin", 6) == 0  # 6 from 0, 7 from 13
    assert mismatch_hint(TEXT, 24, 29, "Pékin") == " (the given text occurs at [25, 30), +1 characters away)"


def test_overlapping_occurrences_count():
    assert nearest_occurrence("aaaa", "aa", 2) == 2


def test_a_normalisation_difference_is_named():
    nfd = unicodedata.normalize("NFD", "Pékin")
    assert len(nfd) == 6
    assert normalisation_mismatch("Pékin", nfd) == (
        "the same characters in another Unicode normalisation form (the document's text is NFC, the given text NFD)")
    assert mismatch_hint(TEXT, 13, 18, nfd) == (
        " (the same characters in another Unicode normalisation form (the document's text is NFC, the given text NFD))")
    # offsets counted on the NFD text: the normalised occurrence nearest to them is shown
    assert mismatch_hint(TEXT, 13, 19, nfd) == (
        " (the given text occurs in NFC at [13, 18): the given text is NFD, the document's text is not)")
