import json, re, sys
TX = '/work/scratch/texts/'
OUT = '/work/scratch/ann/first2/'

def load(doc):
    return open(TX + doc + '.txt', encoding='utf-8').read()

def _pat(s):
    out = []
    for ch in s:
        if ch in ' \xa0':
            out.append('[ \xa0]')
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return ''.join(out)

def locate(t, s, ctx=None, n=0):
    """Find span s (spaces match space/nbsp, apostrophes match ' or ’); if ctx is given, ctx must be
    unique in t and contain s (n-th occurrence inside ctx). Returns (start, end, actual_text)."""
    if ctx is None:
        idxs = [(m.start(), m.end()) for m in re.finditer(_pat(s), t)]
        assert len(idxs) > n, (s, idxs)
        if n == 0:
            assert len(idxs) == 1, ('ambiguous', s, len(idxs))
        a, b = idxs[n]
    else:
        c = [m for m in re.finditer(_pat(ctx), t)]
        assert len(c) == 1, ('ctx not unique', ctx, len(c))
        c0 = c[0].start(); ct = t[c0:c[0].end()]
        inner = [(m.start(), m.end()) for m in re.finditer(_pat(s), ct)]
        assert len(inner) > n, (s, ctx)
        a, b = c0 + inner[n][0], c0 + inner[n][1]
    return a, b, t[a:b]

# ---------------- entities: canonical table
CANON = {}
def ent(eid, name):
    CANON[eid] = name

for eid, name in [
    ('hong_kong', 'Hong Kong'), ('cnn', 'CNN'), ('xi_jinping', 'Xi Jinping'),
    ('alexandre_loukachenko', 'Alexandre Loukachenko'), ('vladimir_poutine', 'Vladimir Poutine'),
    ('occident', 'Occident'), ('chine', 'Chine'), ('ukraine', 'Ukraine'),
    ('grand_palais_du_peuple_de_pekin', 'Grand Palais du Peuple de Pékin'),
    ('belta', 'BelTA'),
    ('organisation_de_cooperation_de_shanghai', 'Organisation de coopération de Shanghai'),
    ('ouzbekistan', 'Ouzbékistan'), ('bielorussie', 'Biélorussie'), ('etats_unis', 'États-Unis'),
    ('washington', 'Washington'), ('pekin', 'Pékin'), ('kremlin', 'Kremlin'),
    ('antony_blinken', 'Antony Blinken'), ('russie', 'Russie'), ('kazakhstan', 'Kazakhstan'),
    ('g20', 'G20'), ('new_delhi', 'New Delhi'), ('inde', 'Inde'),
    ('ministere_chinois_des_affaires_etrangeres', 'ministère chinois des Affaires étrangères'),
    ('li_keqiang', 'Li Keqiang'), ('minsk', 'Minsk'), ('union_europeenne', 'Union européenne'),
    ('moscou', 'Moscou'), ('kiev', 'Kiev'), ('volodymyr_zelensky', 'Volodymyr Zelensky'),
    ('wang_yi', 'Wang Yi'), ('munich', 'Munich'), ('martin_koilando', 'Martin Koilando'),
    ('sandy_sidhu', 'Sandy Sidhu'), ('europe', 'Europe'), ('wang_wenbin', 'Wang Wenbin'),
    ('dmitri_peskov', 'Dmitri Peskov'), ('alibaba', 'Alibaba'), ('qin_gang', 'Qin Gang'),
    ('dmytro_kuleba', 'Dmytro Kuleba'), ('twitter', 'Twitter'),
    ('jeux_olympiques_d_hiver_de_2022', "Jeux olympiques d'hiver de 2022"),
    ('organisation_du_traite_de_l_atlantique_nord', "Organisation du traité de l'Atlantique nord"),
    ('asie_centrale', 'Asie centrale'),
]:
    ent(eid, name)

# surface form -> (label, entity_id); matched on whole words, longest first, non-overlapping
SURF = {
 'frnb-003': [
    ('Hong-Kong', 'LOC', 'hong_kong'), ('CNN', 'ORG', 'cnn'),
    ('Xi Jinping', 'PER', 'xi_jinping'), ('Xi', 'PER', 'xi_jinping'),
    ('Alexandre Loukachenko', 'PER', 'alexandre_loukachenko'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    ('Vladimir Poutine', 'PER', 'vladimir_poutine'), ('Poutine', 'PER', 'vladimir_poutine'),
    ('Occident', 'LOC', 'occident'), ('Chine', 'LOC', 'chine'), ('Ukraine', 'LOC', 'ukraine'),
    ('Grand Palais du Peuple de Pékin', 'LOC', 'grand_palais_du_peuple_de_pekin'),
    ('Belda', 'ORG', 'belta'),
    ('Organisation de coopération de Shanghai', 'ORG', 'organisation_de_cooperation_de_shanghai'),
    ('OCS', 'ORG', 'organisation_de_cooperation_de_shanghai'),
    ('Ouzbékistan', 'LOC', 'ouzbekistan'), ('Biélorussie', 'LOC', 'bielorussie'),
    ('États-Unis', 'LOC', 'etats_unis'), ('Amérique', 'LOC', 'etats_unis'),
    ('Washington', 'LOC', 'washington'), ('Pékin', 'LOC', 'pekin'), ('Kremlin', 'ORG', 'kremlin'),
    ('Anthony Blinken', 'PER', 'antony_blinken'), ('Blinken', 'PER', 'antony_blinken'),
    ('Russie', 'LOC', 'russie'), ('Kazakhstan', 'LOC', 'kazakhstan'), ('G20', 'ORG', 'g20'),
    ('New Delhi', 'LOC', 'new_delhi'), ('Inde', 'LOC', 'inde'),
    ('ministère des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('Li Keqiang', 'PER', 'li_keqiang'), ('Li', 'PER', 'li_keqiang'),
    ('Minsk', 'LOC', 'minsk'), ('Union européenne', 'ORG', 'union_europeenne'),
    ('UE', 'ORG', 'union_europeenne'), ('Moscou', 'LOC', 'moscou'), ('Kiev', 'LOC', 'kiev'),
    ('Volodymyr Zelensky', 'PER', 'volodymyr_zelensky'), ('Wang Yi', 'PER', 'wang_yi'),
    ('Munich', 'LOC', 'munich'), ('Martin Koilando', 'PER', 'martin_koilando'),
    ('Sandy Sidhu', 'PER', 'sandy_sidhu'),
 ],
 'frnb-004': [
    ('états-unis', 'LOC', 'etats_unis'), ('États-Unis', 'LOC', 'etats_unis'),
    ('Xi Jinping', 'PER', 'xi_jinping'), ('Xi', 'PER', 'xi_jinping'),
    ('Vladimir Poutine', 'PER', 'vladimir_poutine'), ('Poutine', 'PER', 'vladimir_poutine'),
    ('Russie', 'LOC', 'russie'), ('Hong Kong', 'LOC', 'hong_kong'), ('CNN', 'ORG', 'cnn'),
    ('Cnn', 'ORG', 'cnn'), ('Moscou', 'LOC', 'moscou'), ('Ukraine', 'LOC', 'ukraine'),
    ('Pékin', 'LOC', 'pekin'), ('Europe', 'LOC', 'europe'), ('Kremlin', 'ORG', 'kremlin'),
    ('ministère chinois des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('ministère des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('Chine', 'LOC', 'chine'), ('Wang Wenbin', 'PER', 'wang_wenbin'),
    ('Dmitri Peskov', 'PER', 'dmitri_peskov'), ('Alibaba', 'ORG', 'alibaba'),
    ('Qin Gang', 'PER', 'qin_gang'), ('Dmytro Kuleba', 'PER', 'dmytro_kuleba'),
    ('Kuleba', 'PER', 'dmytro_kuleba'), ('Twitter', 'ORG', 'twitter'),
    ('Volodymyr Zelensky', 'PER', 'volodymyr_zelensky'),
    ("Jeux olympiques d’hiver", 'MISC', 'jeux_olympiques_d_hiver_de_2022'),
    ("Jeux olympiques d'hiver", 'MISC', 'jeux_olympiques_d_hiver_de_2022'),
    ('OTAN', 'ORG', 'organisation_du_traite_de_l_atlantique_nord'),
    ('Wang Yi', 'PER', 'wang_yi'), ('Wang', 'PER', 'wang_yi'),
    ('Occident', 'LOC', 'occident'), ('Asie centrale', 'LOC', 'asie_centrale'),
 ],
}

def entities(doc, t):
    taken = []
    out = []
    for s, lab, eid in sorted(SURF[doc], key=lambda x: -len(x[0])):
        for m in re.finditer(r'(?<!\w)' + re.escape(s) + r'(?!\w)', t):
            a, b = m.start(), m.end()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            out.append(dict(start=a, end=b, text=s, label=lab, entity_id=eid, canonical_name=CANON[eid]))
    out.sort(key=lambda e: e['start'])
    for i, e in enumerate(out, 1):
        e2 = {'id': f'e{i}'}; e2.update(e); out[i-1] = e2
    return out

# ---------------- dates: (text, ctx, n, type, value, mod)
DATES = {
 'frnb-003': [
    ('mercredi', "d’Etat mercredi alors", 0, 'DATE', '2023-03-01', None),
    ('mercredi', "Xi a accueilli mercredi", 0, 'DATE', '2023-03-01', None),
    ('septembre', "ont convenu en septembre", 0, 'DATE', '2022-09', None),
    ('ces dernières semaines', "la Chine ces dernières semaines", 0, 'DURATION', 'PXW', None),
    ('un jour', "a eu lieu un jour après", 0, 'DURATION', 'P1D', None),
    ('mardi', "a fait mardi ses", 0, 'DATE', '2023-02-28', None),
    ('à ce jour', "plus directs à ce jour", 0, 'DATE', 'PRESENT_REF', None),
    ('2 mars', "le 2 mars", 0, 'DATE', '2023-03-02', None),
    ('lundi', "a déclaré lundi que", 0, 'DATE', '2023-02-27', None),
    ('semaine dernière', "a publié la semaine dernière", 0, 'DATE', '2023-W08', None),
    ('un an', "qui dure depuis un an", 0, 'DURATION', 'P1Y', None),
    ('année dernière', "tout au long de l’année dernière", 0, 'DATE', '2022', None),
    ('mercredi', "a rencontré mercredi le Premier", 0, 'DATE', '2023-03-01', None),
    ('des années', "après des années de", 0, 'DURATION', 'PXY', None),
    ('2020', "en 2020", 0, 'DATE', '2020', None),
    ('début du mois', "au début du mois", 0, 'DATE', '2023-02', 'START'),
    ('précédemment', "ont précédemment indiqué", 0, 'DATE', 'PAST_REF', None),
    ('plus tôt ce mois-ci', "aux journalistes plus tôt ce mois-ci", 0, 'DATE', '2023-02', None),
    ('plus tôt ce mois-ci', "à Munich plus tôt ce mois-ci", 0, 'DATE', '2023-02', None),
 ],
 'frnb-004': [
    ('semaine prochaine', "en Russie la semaine prochaine", 0, 'DATE', '2023-W12', None),
    ('semaine prochaine', "à Moscou la semaine prochaine", 0, 'DATE', '2023-W12', None),
    ('il y a plus d’un an', None, 0, 'DATE', '2022', 'MORE_THAN'),
    ('semaine dernière', "caoutchouc la semaine dernière", 0, 'DATE', '2023-W10', None),
    ('vendredi', "a été révélé vendredi", 0, 'DATE', '2023-03-17', None),
    ('lundi', "de lundi à mercredi", 0, 'DATE', '2023-03-20', None),
    ('mercredi', "de lundi à mercredi", 0, 'DATE', '2023-03-22', None),
    ('lundi', "commenceront lundi", 0, 'DATE', '2023-03-20', None),
    ('mardi', "avoir lieu mardi", 0, 'DATE', '2023-03-21', None),
    ('Jeudi', None, 0, 'DATE', '2023-03-16', None),
    ('février de l’année dernière', None, 0, 'DATE', '2022-02', None),
    ('Ces dernières semaines', None, 0, 'DURATION', 'PXW', None),
    ('mois dernier', "Le mois dernier", 0, 'DATE', '2023-02', None),
    ('quelques jours', None, 0, 'DURATION', 'PXD', None),
    ('décembre', None, 0, 'DATE', '2022-12', None),
    ('2019', None, 0, 'DATE', '2019', None),
    ('septembre', "récemment en septembre", 0, 'DATE', '2022-09', None),
 ],
}

def dates(doc, t):
    out = []
    for s, ctx, n, typ, val, mod in DATES[doc]:
        a, b, s = locate(t, s, ctx, n)
        out.append(dict(start=a, end=b, text=s, type=typ, value=val, mod=mod))
    out.sort(key=lambda e: e['start'])
    return [dict({'id': f't{i}'}, **e) for i, e in enumerate(out, 1)]

# ---------------- quotes
# each: type, content (text, ctx) , speaker (text, ctx, n) or None, speaker_entity_id, cue (text, ctx, n) or None
QUOTES = {
 'frnb-003': [
    ('indirect', ("Xi a accueilli mercredi Loukachenko au Grand Palais du Peuple de Pékin avant que les deux responsables n’entament les pourparlers", None),
        ('le média d’État biélorusse Belda', None, 0), 'belta', ('selon', "pourparlers, selon le média", 0)),
    ('direct', ("partenariat stratégique global par tous les temps", None),
        ('les deux dirigeants', "depuis que les deux dirigeants ont convenu", 0), None, ('ont convenu', None, 0)),
    ('indirect', ("Washington ciblerait toutes les entreprises ou citoyens chinois impliqués dans toute tentative d’envoyer une aide dangereuse à la Russie pour sa guerre en Ukraine", None),
        ('Blinken', "Kazakhstan, Blinken a averti", 0), 'antony_blinken', ('a averti', "Blinken a averti que", 0)),
    ('indirect', ("il n’était pas prévu de rencontrer ses homologues russes ou chinois lors de la réunion des ministres des Affaires étrangères du G20 à New Delhi, en Inde, le 2 mars", None),
        ('Il', "Il a déclaré qu’il n’était pas prévu", 0), 'antony_blinken', ('a déclaré', "Il a déclaré qu’il n’était pas prévu", 0)),
    ('indirect', ("être une partie neutre dans le conflit", None),
        ('Pékin', "Pékin – qui prétend", 0), 'pekin', ('prétend', None, 0)),
    ('indirect', ("il envisageait d’envoyer l’euthanasie", None),
        ('les implications américaines', None, 0), None, ('selon', "américaines selon lesquelles", 0)),
    ('mixed', ("la Chine « favorisait activement des pourparlers de paix et une solution politique à la crise », tandis que les États-Unis « déversaient des armes meurtrières sur le champ de bataille en Ukraine »", None),
        ('Son ministère des Affaires étrangères', None, 0), 'ministere_chinois_des_affaires_etrangeres', ('a déclaré', "étrangères a déclaré lundi", 0)),
    ('direct', ("solution politique", "sur une « solution politique » à la crise"),
        ('Pékin', "Pékin a publié la semaine", 0), 'pekin', ('a publié', "Pékin a publié la semaine", 0)),
    ('indirect', ("Xi a réaffirmé la position de la Chine sur le conflit avec Loukachenko", None),
        ('un rapport de la réunion lu par les Chinois', None, 0), None, ('selon', "Loukachenko, selon un rapport", 0)),
    ('direct', ("La déclaration de la Chine sur la solution politique à la crise ukrainienne a été publiée", None),
        ('Xi', "a déclaré Xi.", 0), 'xi_jinping', ('a déclaré', "a déclaré Xi.", 0)),
    ('direct', ("La position de la Chine est de promouvoir la paix et les pourparlers. Nous devons adhérer à la direction du règlement politique, abandonner toute mentalité de guerre froide, respecter les préoccupations légitimes de sécurité de tous les pays et construire une architecture de sécurité européenne équilibrée, efficace et stable", None),
        ('Xi', "a déclaré Xi.", 0), 'xi_jinping', None),
    ('direct', ("Les pays liés doivent cesser de politiser et d’instrumentaliser l’économie mondiale et faire des choses qui aideront à arrêter le feu et la guerre et à résoudre la crise pacifiquement", None),
        ('M. Xi', None, 0), 'xi_jinping', ('a ajouté', "a ajouté M. Xi", 0)),
    ('mixed', ("la partie biélorusse « reconnaît et soutient pleinement la position et la proposition de la Chine pour une solution politique à la crise ukrainienne, qui est essentielle pour résoudre la crise »", None),
        ('Loukachenko', "Loukachenko a déclaré que la partie", 0), 'alexandre_loukachenko', ('a déclaré', "Loukachenko a déclaré que la partie", 0)),
    ('indirect', ("prendre déjà parti pour la Russie", None),
        ('les dirigeants occidentaux', None, 0), None, ('ont accusé', None, 0)),
    ('mixed', ("la Chine « ne peut pas gagner sur les deux tableaux », « se présentant généralement comme une force de paix », alors qu’elle « continue d’alimenter les flammes de cet incendie allumé par Vladimir Poutine »", None),
        ('Blinken', "Loukachenko, Blinken a déclaré", 0), 'antony_blinken', ('a déclaré', "Blinken a déclaré que la Chine", 0)),
    ('mixed', ("il y avait « quelques éléments positifs » dans le plan de paix de la Chine", None),
        ('Il', "Il a dit qu’il y avait", 0), 'antony_blinken', ('a dit', "Il a dit qu’il y avait", 0)),
    ('direct', ("Si la Chine est vraiment sérieuse à ce sujet, la première politique d’affirmation de la souveraineté, qu’elle s’est efforcée de soutenir tout au long de l’année dernière, est de restaurer la pleine souveraineté de l’Ukraine. , pleine souveraineté", None),
        ('Il', "Il a dit qu’il y avait", 0), 'antony_blinken', ('a averti', "mais a averti :", 0)),
    ('mixed', ("faire le contraire de soutenir la paix en Ukraine « sur la base d’efforts pour faire avancer la propagande russe et la désinformation sur la dissuasion de la Russie et les relations avec la Russie »", None),
        ('Blinken', "Blinken a accusé la Chine de faire", 0), 'antony_blinken', ('a accusé', "Blinken a accusé la Chine de faire", 0)),
    ('mixed', ("« intensifier » leurs relations", None),
        ('Loukachenko', "Loukachenko a rencontré mercredi", 0), 'alexandre_loukachenko', ('a appelé', None, 0)),
    ('direct', ("Nous n’avons pas de sujets de coopération fermés. Nous coopérons de toutes les manières. Plus important encore, nous n’avons jamais cherché à agir en amis ou contre des pays tiers", None),
        ('M. Loukachenko', None, 0), 'alexandre_loukachenko', ('a déclaré', "a déclaré M. Loukachenko", 0)),
    ('mixed', ("il n’y avait « aucun moyen » d’envoyer des troupes en Ukraine à moins qu’elle ne soit attaquée", None),
        ('Loukachenko', "Loukachenko a déclaré qu’il n’y avait", 0), 'alexandre_loukachenko', ('a déclaré', "Loukachenko a déclaré qu’il n’y avait", 0)),
    ('indirect', ("les États-Unis ne souhaitaient pas voir la fin du conflit", None),
        ('La Chine et la Biélorussie', None, 0), None, ('ont précédemment indiqué', None, 0)),
    ('mixed', ("il souhaitait voir des « négociations pacifiques »", None),
        ('Loukachenko', "Loukachenko a déclaré aux journalistes", 0), 'alexandre_loukachenko', ('a déclaré', "Loukachenko a déclaré aux journalistes", 0)),
    ('indirect', ("empêcher le président ukrainien Volodymyr Zelensky de pourparlers", None),
        ('Loukachenko', "Loukachenko a déclaré aux journalistes", 0), 'alexandre_loukachenko', ('a accusé', "et a accusé les États-Unis d’empêcher", 0)),
    ('direct', ("L’Amérique n’a besoin et ne veut que ce carnage", None),
        ('il', "a-t-il déclaré", 0), 'alexandre_loukachenko', ('a-t-il déclaré', None, 0)),
    ('mixed', ("la Chine « n’ajoutait pas de carburant au feu » et « ne récoltait pas les bénéfices de cette crise »", None),
        ('le haut diplomate chinois Wang Yi', None, 0), 'wang_yi', ('affirmant', None, 0)),
 ],
 'frnb-004': [
    ('indirect', ("la visite aura lieu de lundi à mercredi à l’invitation de Poutine", None),
        ('Le ministère chinois des Affaires étrangères', None, 0), 'ministere_chinois_des_affaires_etrangeres', ('a déclaré', "étrangères a déclaré que la visite", 0)),
    ('indirect', ("la guerre en Ukraine serait au cœur des pourparlers", None),
        ('Le ministère chinois des Affaires étrangères', None, 0), 'ministere_chinois_des_affaires_etrangeres', ('a confirmé', None, 0)),
    ('direct', ("La proposition de la Chine se résume à une phrase, qui est d’exhorter à la paix et de promouvoir les pourparlers", None),
        ('le porte-parole du ministère des Affaires étrangères Wang Wenbin', None, 0), 'wang_wenbin', ('a déclaré', "a déclaré le porte-parole du ministère", 0)),
    ('mixed', ("les deux dirigeants discuteront des « questions d’actualité du développement ultérieur des relations de partenariat global et de la coopération stratégique entre la Russie et la Chine »", None),
        ('Le Kremlin', "Le Kremlin a déclaré que", 0), 'kremlin', ('a déclaré', "Le Kremlin a déclaré que", 0)),
    ('direct', ("Un échange de vues est également prévu dans le cadre de l’approfondissement de la coopération russo-chinoise sur la scène internationale", None),
        ('le Kremlin', "a ajouté le Kremlin", 0), 'kremlin', ('a ajouté', "a ajouté le Kremlin", 0)),
    ('direct', ("Un certain nombre de documents bilatéraux importants seront signés", None),
        ('le Kremlin', "a ajouté le Kremlin", 0), 'kremlin', None),
    ('mixed', ("Les deux dirigeants commenceront lundi par un tête-à-tête suivi d’un « déjeuner informel », les négociations devant avoir lieu mardi", None),
        ('le porte-parole du Kremlin, Dmitri Peskov', None, 0), 'dmitri_peskov', ('selon', "mardi, selon le porte-parole", 0)),
    ('mixed', ("Les deux hommes ont discuté de « l’importance du principe d’intégrité territoriale »", None),
        ('Kuleba', "a déclaré Kuleba sur Twitter", 0), 'dmytro_kuleba', ('a déclaré', "a déclaré Kuleba sur Twitter", 0)),
    ('direct', ("sans limites", None),
        ('Xi et Poutine', "Xi et Poutine ont déclaré une amitié", 0), None, ('ont déclaré', "Poutine ont déclaré une amitié", 0)),
    ('indirect', ("avoir provoqué le conflit", None),
        ('la Chine', "sous Xi, la Chine a refusé", 0), 'chine', ('accusant', None, 0)),
    ('indirect', ("la Chine envisageait de fournir à la Russie une assistance militaire létale", None),
        ('des responsables occidentaux', None, 0), None, ('ont commencé à faire part', None, 0)),
    ('indirect', ("la Russie reçoit le soutien militaire de la Chine", None),
        ('Un rapport obtenu par CNN', None, 0), None, ('montre', None, 0)),
    ('mixed', ("les relations entre son pays et la Chine « atteignaient de nouvelles étapes »", None),
        ('Poutine', "Poutine a déclaré à Wang", 0), 'vladimir_poutine', ('a déclaré', "Poutine a déclaré à Wang", 0)),
    ('direct', ("renforcer davantage notre partenariat stratégique global", None),
        ('Wang', "tandis que Wang s’était engagé", 0), 'wang_yi', ('s’était engagé', None, 0)),
    ('direct', ("les meilleures de l’histoire", None),
        ('le dirigeant russe', "laquelle le dirigeant russe a décrit", 0), 'vladimir_poutine', ('a décrit', None, 0)),
    ('mixed', ("elles pouvaient « résister à toutes les épreuves »", None),
        ('le dirigeant russe', "laquelle le dirigeant russe a décrit", 0), 'vladimir_poutine', ('affirmant', None, 0)),
    ('indirect', ("sont déterminés à maintenir la Chine et la Russie au sol", None),
        ('eux', "selon eux", 0), None, ('selon', "selon eux", 0)),
    ('direct', ("meilleur ami", None),
        ('Xi', "Xi décrivant Poutine", 0), 'xi_jinping', ('décrivant', None, 0)),
 ],
}

def quotes(doc, t):
    out = []
    for typ, (ctext, cctx), spk, seid, cue in QUOTES[doc]:
        a, b, ctext = locate(t, ctext, cctx)
        q = {'type': typ, 'content': dict(start=a, end=b, text=ctext)}
        if spk:
            s, sc, sn = spk; x, y, s = locate(t, s, sc, sn)
            q['speaker'] = dict(start=x, end=y, text=s)
        else:
            q['speaker'] = None
        q['speaker_entity_id'] = seid
        if cue:
            s, sc, sn = cue; x, y, s = locate(t, s, sc, sn)
            q['cue'] = dict(start=x, end=y, text=s)
        else:
            q['cue'] = None
        out.append(q)
    out.sort(key=lambda q: q['content']['start'])
    return [dict({'id': f'q{i}'}, **q) for i, q in enumerate(out, 1)]

if __name__ == '__main__':
    for doc in ['frnb-003', 'frnb-004']:
        t = load(doc)
        d = {'id': doc, 'entities': entities(doc, t), 'dates': dates(doc, t), 'quotes': quotes(doc, t)}
        with open(OUT + doc + '.json', 'w', encoding='utf-8') as f:
            json.dump(d, f, ensure_ascii=False, indent=1)
        print(doc, len(d['entities']), len(d['dates']), len(d['quotes']))
