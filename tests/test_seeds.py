from frnewsbench.seeds import clean_seed, to_seed_offset


def test_boilerplate_lines_are_removed_with_a_map_back():
    seed = "Titre\n\n[ad_1]\n\nCorps du texte.\n\n[ad_2]\n\nSource link -31"
    clean = clean_seed(seed)
    assert clean.text == "Titre\n\nCorps du texte."
    for offset, char in enumerate(clean.text):
        assert seed[to_seed_offset(clean.segments, offset)] == char


def test_text_without_boilerplate_is_kept_verbatim():
    seed = "Un texte\u00a0» avec l’apostrophe\n\nfin"
    clean = clean_seed(seed)
    assert clean.text == seed and clean.segments == ((0, 0, len(seed)),)


def test_a_trailing_boilerplate_line_takes_the_break_before_it():
    seed = "Texte.\nBouton retour en haut de la page"
    assert clean_seed(seed).text == "Texte."


def test_a_line_that_only_contains_boilerplate_words_is_kept():
    seed = "Voir [ad_1] ici\nSource link -31 et plus"
    assert clean_seed(seed).text == seed
