import json, re, sys, unicodedata

TEXTS = '/work/scratch/texts/'
OUT = '/work/scratch/ann/second2/'

# entity_id -> canonical name (shared across articles)
CANON = {
    'hong_kong': 'Hong Kong', 'cnn': 'CNN', 'xi_jinping': 'Xi Jinping',
    'alexandre_loukachenko': 'Alexandre Loukachenko', 'vladimir_poutine': 'Vladimir Poutine',
    'occident': 'Occident', 'chine': 'Chine', 'ukraine': 'Ukraine',
    'grand_palais_du_peuple_de_pekin': 'Grand Palais du Peuple de Pékin', 'belta': 'BelTA',
    'organisation_de_cooperation_de_shanghai': 'Organisation de coopération de Shanghai',
    'ouzbekistan': 'Ouzbékistan', 'bielorussie': 'Biélorussie', 'etats_unis': 'États-Unis',
    'washington': 'Washington', 'pekin': 'Pékin', 'kremlin': 'Kremlin',
    'antony_blinken': 'Antony Blinken', 'russie': 'Russie', 'kazakhstan': 'Kazakhstan',
    'g20': 'G20', 'new_delhi': 'New Delhi', 'inde': 'Inde',
    'ministere_chinois_des_affaires_etrangeres': 'ministère chinois des Affaires étrangères',
    'li_keqiang': 'Li Keqiang', 'minsk': 'Minsk', 'union_europeenne': 'Union européenne',
    'moscou': 'Moscou', 'kiev': 'Kiev', 'volodymyr_zelensky': 'Volodymyr Zelensky',
    'wang_yi': 'Wang Yi', 'munich': 'Munich', 'martin_koilando': 'Martin Koilando',
    'sandy_sidhu': 'Sandy Sidhu', 'europe': 'Europe', 'wang_wenbin': 'Wang Wenbin',
    'dmitri_peskov': 'Dmitri Peskov', 'alibaba': 'Alibaba', 'qin_gang': 'Qin Gang',
    'dmytro_kuleba': 'Dmytro Kuleba', 'twitter': 'Twitter', 'otan': 'OTAN',
    'jeux_olympiques_d_hiver': "Jeux olympiques d'hiver", 'asie_centrale': 'Asie centrale',
}

# ---------------------------------------------------------------- frnb-003
# entities in text order: (surface, label, entity_id)
ENT_003 = [
    ('Hong-Kong', 'LOC', 'hong_kong'), ('CNN', 'ORG', 'cnn'), ('Xi Jinping', 'PER', 'xi_jinping'),
    ('Alexandre Loukachenko', 'PER', 'alexandre_loukachenko'), ('Vladimir Poutine', 'PER', 'vladimir_poutine'),
    ('Occident', 'LOC', 'occident'), ('Chine', 'LOC', 'chine'), ('Poutine', 'PER', 'vladimir_poutine'),
    ('Ukraine', 'LOC', 'ukraine'),
    # l.2
    ('Xi', 'PER', 'xi_jinping'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    ('Grand Palais du Peuple de Pékin', 'LOC', 'grand_palais_du_peuple_de_pekin'), ('Belda', 'ORG', 'belta'),
    # l.3
    ('Organisation de coopération de Shanghai', 'ORG', 'organisation_de_cooperation_de_shanghai'),
    ('OCS', 'ORG', 'organisation_de_cooperation_de_shanghai'), ('Ouzbékistan', 'LOC', 'ouzbekistan'),
    # l.4
    ('Biélorussie', 'LOC', 'bielorussie'), ('Ukraine', 'LOC', 'ukraine'), ('États-Unis', 'LOC', 'etats_unis'),
    ('Chine', 'LOC', 'chine'), ('Washington', 'LOC', 'washington'), ('Pékin', 'LOC', 'pekin'),
    ('Kremlin', 'ORG', 'kremlin'), ('Pékin', 'LOC', 'pekin'),
    # l.5
    ('Anthony Blinken', 'PER', 'antony_blinken'), ('États-Unis', 'LOC', 'etats_unis'), ('Chine', 'LOC', 'chine'),
    ('Russie', 'LOC', 'russie'),
    # l.6
    ('Kazakhstan', 'LOC', 'kazakhstan'), ('Blinken', 'PER', 'antony_blinken'), ('Washington', 'LOC', 'washington'),
    ('Russie', 'LOC', 'russie'), ('Ukraine', 'LOC', 'ukraine'), ('G20', 'ORG', 'g20'),
    ('New Delhi', 'LOC', 'new_delhi'), ('Inde', 'LOC', 'inde'),
    # l.7
    ('Pékin', 'LOC', 'pekin'), ('ministère des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('Chine', 'LOC', 'chine'), ('États-Unis', 'LOC', 'etats_unis'), ('Ukraine', 'LOC', 'ukraine'),
    # l.8
    ('Pékin', 'LOC', 'pekin'), ('Xi', 'PER', 'xi_jinping'), ('Chine', 'LOC', 'chine'),
    ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    # l.9
    ('Chine', 'LOC', 'chine'), ('Xi', 'PER', 'xi_jinping'), ('Chine', 'LOC', 'chine'),
    # l.10
    ('Xi', 'PER', 'xi_jinping'),
    # l.11
    ('Loukachenko', 'PER', 'alexandre_loukachenko'), ('Chine', 'LOC', 'chine'), ('Chine', 'LOC', 'chine'),
    # l.12
    ('Chine', 'LOC', 'chine'), ('Russie', 'LOC', 'russie'), ('Xi', 'PER', 'xi_jinping'),
    ('Loukachenko', 'PER', 'alexandre_loukachenko'), ('Blinken', 'PER', 'antony_blinken'), ('Chine', 'LOC', 'chine'),
    ('Vladimir Poutine', 'PER', 'vladimir_poutine'),
    # l.13
    ('Chine', 'LOC', 'chine'), ('Chine', 'LOC', 'chine'), ('Ukraine', 'LOC', 'ukraine'),
    # l.14
    ('Blinken', 'PER', 'antony_blinken'), ('Chine', 'LOC', 'chine'), ('Ukraine', 'LOC', 'ukraine'),
    ('Russie', 'LOC', 'russie'), ('Russie', 'LOC', 'russie'),
    # l.15
    ('Loukachenko', 'PER', 'alexandre_loukachenko'), ('Li Keqiang', 'PER', 'li_keqiang'),
    # l.16
    ('Loukachenko', 'PER', 'alexandre_loukachenko'), ('Li', 'PER', 'li_keqiang'),
    # l.17
    ('Minsk', 'LOC', 'minsk'), ('Pékin', 'LOC', 'pekin'), ('Biélorussie', 'LOC', 'bielorussie'),
    ('Union européenne', 'ORG', 'union_europeenne'), ('Russie', 'LOC', 'russie'),
    # l.18
    ('États-Unis', 'LOC', 'etats_unis'), ('Moscou', 'LOC', 'moscou'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    ('Ukraine', 'LOC', 'ukraine'), ('Kiev', 'LOC', 'kiev'),
    # l.19
    ('UE', 'ORG', 'union_europeenne'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    # l.20
    ('Ukraine', 'LOC', 'ukraine'), ('Biélorussie', 'LOC', 'bielorussie'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    ('Moscou', 'LOC', 'moscou'), ('Loukachenko', 'PER', 'alexandre_loukachenko'), ('Ukraine', 'LOC', 'ukraine'),
    # l.21
    ('Chine', 'LOC', 'chine'), ('Biélorussie', 'LOC', 'bielorussie'), ('États-Unis', 'LOC', 'etats_unis'),
    # l.22
    ('Moscou', 'LOC', 'moscou'), ('Poutine', 'PER', 'vladimir_poutine'), ('Loukachenko', 'PER', 'alexandre_loukachenko'),
    ('États-Unis', 'LOC', 'etats_unis'), ('Volodymyr Zelensky', 'PER', 'volodymyr_zelensky'),
    # l.23
    ('Amérique', 'LOC', 'etats_unis'),
    # l.24
    ('Pékin', 'LOC', 'pekin'), ('Wang Yi', 'PER', 'wang_yi'), ('Munich', 'LOC', 'munich'), ('Chine', 'LOC', 'chine'),
    ('États-Unis', 'LOC', 'etats_unis'),
    # l.25
    ('Martin Koilando', 'PER', 'martin_koilando'), ('Sandy Sidhu', 'PER', 'sandy_sidhu'), ('CNN', 'ORG', 'cnn'),
]

# dates in text order: (surface, type, value, mod)
DATE_003 = [
    ('mercredi', 'DATE', '2023-03-01', None),
    ('mercredi', 'DATE', '2023-03-01', None),
    ('septembre', 'DATE', '2022-09', None),
    ('ces dernières semaines', 'DURATION', 'PXW', None),
    ('un jour', 'DURATION', 'P1D', None),
    ('mardi', 'DATE', '2023-02-28', None),
    ('à ce jour', 'DATE', 'PRESENT_REF', None),
    ('2 mars', 'DATE', '2023-03-02', None),
    ('lundi', 'DATE', '2023-02-27', None),
    ('semaine dernière', 'DATE', '2023-W08', None),
    ('un an', 'DURATION', 'P1Y', None),
    ('année dernière', 'DATE', '2022', None),
    ('mercredi', 'DATE', '2023-03-01', None),
    ('des années', 'DURATION', 'PXY', None),
    ('2020', 'DATE', '2020', None),
    ('début du mois', 'DATE', '2023-02', 'START'),
    ('précédemment', 'DATE', 'PAST_REF', None),
    ('plus tôt ce mois-ci', 'DATE', '2023-02', None),
    ('plus tôt ce mois-ci', 'DATE', '2023-02', None),
]

# quotes: dict(type, content=(text, ctx), speaker=(text, ctx)|None, sid, cue=(text, ctx)|None)
# ctx: a unique string of the doc containing the span (span is searched inside ctx)
Q_003 = [
    dict(type='indirect',
         content=('Xi a accueilli mercredi Loukachenko au Grand Palais du Peuple de Pékin avant que les deux responsables n’entament les pourparlers', None),
         speaker=('le média d’État biélorusse Belda', None), sid='belta',
         cue=('selon', 'pourparlers, selon le média')),
    dict(type='direct',
         content=('partenariat stratégique global par tous les temps', None),
         speaker=('les deux dirigeants', 'les deux dirigeants ont convenu'), sid=None,
         cue=('ont convenu', None)),
    dict(type='indirect',
         content=('être une partie neutre dans le conflit', None),
         speaker=('Pékin', 'Pékin – qui prétend'), sid='pekin',
         cue=('prétend', None)),
    dict(type='indirect',
         content=('il envisageait d’envoyer l’euthanasie', None),
         speaker=('les implications américaines', None), sid=None,
         cue=('selon lesquelles', None)),
    dict(type='indirect',
         content=('Washington ciblerait toutes les entreprises ou citoyens chinois impliqués dans toute tentative d’envoyer une aide dangereuse à la Russie pour sa guerre en Ukraine', None),
         speaker=('Blinken', 'Blinken a averti'), sid='antony_blinken',
         cue=('a averti', 'Blinken a averti')),
    dict(type='indirect',
         content=('il n’était pas prévu de rencontrer ses homologues russes ou chinois lors de la réunion des ministres des Affaires étrangères du G20 à New Delhi, en Inde, le 2 mars', None),
         speaker=('Il', 'Il a déclaré qu’il n’était'), sid='antony_blinken',
         cue=('a déclaré', 'Il a déclaré qu’il n’était')),
    dict(type='mixed',
         content=('la Chine « favorisait activement des pourparlers de paix et une solution politique à la crise », tandis que les États-Unis « déversaient des armes meurtrières sur le champ de bataille en Ukraine »', None),
         speaker=('Son ministère des Affaires étrangères', None), sid='ministere_chinois_des_affaires_etrangeres',
         cue=('a déclaré', 'Affaires étrangères a déclaré lundi')),
    dict(type='direct',
         content=('solution politique', 'une « solution politique »'),
         speaker=('Pékin', 'Pékin a publié la semaine'), sid='pekin',
         cue=('a publié', 'Pékin a publié la semaine')),
    dict(type='indirect',
         content=('Xi a réaffirmé la position de la Chine sur le conflit avec Loukachenko', None),
         speaker=('un rapport de la réunion', None), sid=None,
         cue=('selon', 'Loukachenko, selon un rapport')),
    dict(type='direct',
         content=('La déclaration de la Chine sur la solution politique à la crise ukrainienne a été publiée', None),
         speaker=('Xi', 'a déclaré Xi.'), sid='xi_jinping',
         cue=('a déclaré', 'a déclaré Xi.')),
    dict(type='direct',
         content=('La position de la Chine est de promouvoir la paix et les pourparlers. Nous devons adhérer à la direction du règlement politique, abandonner toute mentalité de guerre froide, respecter les préoccupations légitimes de sécurité de tous les pays et construire une architecture de sécurité européenne équilibrée, efficace et stable', None),
         speaker=('Xi', 'a déclaré Xi.'), sid='xi_jinping', cue=None),
    dict(type='direct',
         content=('Les pays liés doivent cesser de politiser et d’instrumentaliser l’économie mondiale et faire des choses qui aideront à arrêter le feu et la guerre et à résoudre la crise pacifiquement', None),
         speaker=('M. Xi', None), sid='xi_jinping',
         cue=('a ajouté', 'a ajouté M. Xi')),
    dict(type='mixed',
         content=('la partie biélorusse « reconnaît et soutient pleinement la position et la proposition de la Chine pour une solution politique à la crise ukrainienne, qui est essentielle pour résoudre la crise »', None),
         speaker=('Loukachenko', 'Loukachenko a déclaré que la partie'), sid='alexandre_loukachenko',
         cue=('a déclaré', 'Loukachenko a déclaré que la partie')),
    dict(type='indirect',
         content=('la Chine de prendre déjà parti pour la Russie', None),
         speaker=('les dirigeants occidentaux', 'par les dirigeants occidentaux, qui ont accusé'), sid=None,
         cue=('ont accusé', 'qui ont accusé la Chine')),
    dict(type='mixed',
         content=('la Chine « ne peut pas gagner sur les deux tableaux », « se présentant généralement comme une force de paix », alors qu’elle « continue d’alimenter les flammes de cet incendie allumé par Vladimir Poutine »', None),
         speaker=('Blinken', 'Blinken a déclaré que la Chine'), sid='antony_blinken',
         cue=('a déclaré', 'Blinken a déclaré que la Chine')),
    dict(type='mixed',
         content=('il y avait « quelques éléments positifs » dans le plan de paix de la Chine', None),
         speaker=('Il', 'Il a dit qu’il y avait'), sid='antony_blinken',
         cue=('a dit', 'Il a dit qu’il y avait')),
    dict(type='direct',
         content=('Si la Chine est vraiment sérieuse à ce sujet, la première politique d’affirmation de la souveraineté, qu’elle s’est efforcée de soutenir tout au long de l’année dernière, est de restaurer la pleine souveraineté de l’Ukraine. , pleine souveraineté', None),
         speaker=('Il', 'Il a dit qu’il y avait'), sid='antony_blinken',
         cue=('a averti', 'mais a averti :')),
    dict(type='mixed',
         content=('la Chine de faire le contraire de soutenir la paix en Ukraine « sur la base d’efforts pour faire avancer la propagande russe et la désinformation sur la dissuasion de la Russie et les relations avec la Russie »', None),
         speaker=('Blinken', 'Blinken a accusé'), sid='antony_blinken',
         cue=('a accusé', 'Blinken a accusé')),
    dict(type='mixed',
         content=('les deux pays à « intensifier » leurs relations', None),
         speaker=('Loukachenko', 'Loukachenko a rencontré mercredi'), sid='alexandre_loukachenko',
         cue=('a appelé', 'et a appelé les deux pays')),
    dict(type='direct',
         content=('Nous n’avons pas de sujets de coopération fermés. Nous coopérons de toutes les manières. Plus important encore, nous n’avons jamais cherché à agir en amis ou contre des pays tiers', None),
         speaker=('M. Loukachenko', None), sid='alexandre_loukachenko',
         cue=('a déclaré', 'a déclaré M. Loukachenko')),
    dict(type='mixed',
         content=('il n’y avait « aucun moyen » d’envoyer des troupes en Ukraine à moins qu’elle ne soit attaquée', None),
         speaker=('Loukachenko', 'Loukachenko a déclaré qu’il n’y avait'), sid='alexandre_loukachenko',
         cue=('a déclaré', 'Loukachenko a déclaré qu’il n’y avait')),
    dict(type='indirect',
         content=('les États-Unis ne souhaitaient pas voir la fin du conflit', None),
         speaker=('La Chine et la Biélorussie', None), sid=None,
         cue=('ont précédemment indiqué', None)),
    dict(type='mixed',
         content=('il souhaitait voir des « négociations pacifiques »', None),
         speaker=('Loukachenko', 'Loukachenko a déclaré aux journalistes'), sid='alexandre_loukachenko',
         cue=('a déclaré', 'Loukachenko a déclaré aux journalistes')),
    dict(type='indirect',
         content=('les États-Unis d’empêcher le président ukrainien Volodymyr Zelensky de pourparlers', None),
         speaker=('Loukachenko', 'Loukachenko a déclaré aux journalistes'), sid='alexandre_loukachenko',
         cue=('a accusé', 'et a accusé les États-Unis')),
    dict(type='direct',
         content=('L’Amérique n’a besoin et ne veut que ce carnage', None),
         speaker=('il', 'a-t-il déclaré'), sid='alexandre_loukachenko',
         cue=('a-t-il déclaré', None)),
    dict(type='mixed',
         content=('la Chine « n’ajoutait pas de carburant au feu » et « ne récoltait pas les bénéfices de cette crise »', None),
         speaker=('le haut diplomate chinois Wang Yi', None), sid='wang_yi',
         cue=('affirmant', 'ce mois-ci, affirmant')),
    dict(type='indirect',
         content=('les États-Unis prolongent délibérément la guerre pour faire avancer leurs propres intérêts géopolitiques et augmenter les profits de leurs fabricants d’armes', None),
         speaker=('Cela', 'Cela envoie'), sid=None,
         cue=('envoie le message', None)),
]

# ---------------------------------------------------------------- frnb-004
ENT_004 = [
    ('états-unis', 'LOC', 'etats_unis'),
    ('Xi', 'PER', 'xi_jinping'), ('Poutine', 'PER', 'vladimir_poutine'), ('Russie', 'LOC', 'russie'),
    ('Hong Kong', 'LOC', 'hong_kong'), ('CNN', 'ORG', 'cnn'),
    ('Xi Jinping', 'PER', 'xi_jinping'), ('Moscou', 'LOC', 'moscou'), ('Vladimir Poutine', 'PER', 'vladimir_poutine'),
    ('Russie', 'LOC', 'russie'), ('Poutine', 'PER', 'vladimir_poutine'), ('Ukraine', 'LOC', 'ukraine'),
    ('Pékin', 'LOC', 'pekin'), ('Moscou', 'LOC', 'moscou'), ('Europe', 'LOC', 'europe'),
    ('Xi', 'PER', 'xi_jinping'),
    ('Pékin', 'LOC', 'pekin'), ('Kremlin', 'ORG', 'kremlin'),
    ('ministère chinois des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Ukraine', 'LOC', 'ukraine'),
    ('Chine', 'LOC', 'chine'), ('ministère des Affaires étrangères', 'ORG', 'ministere_chinois_des_affaires_etrangeres'),
    ('Wang Wenbin', 'PER', 'wang_wenbin'),
    ('Kremlin', 'ORG', 'kremlin'), ('Russie', 'LOC', 'russie'), ('Chine', 'LOC', 'chine'),
    ('Kremlin', 'ORG', 'kremlin'),
    ('Kremlin', 'ORG', 'kremlin'), ('Xi', 'PER', 'xi_jinping'), ('Poutine', 'PER', 'vladimir_poutine'),
    ('Kremlin', 'ORG', 'kremlin'), ('Dmitri Peskov', 'PER', 'dmitri_peskov'),
    ('Chine', 'LOC', 'chine'), ('Alibaba', 'ORG', 'alibaba'),
    ('Chine', 'LOC', 'chine'), ('Ukraine', 'LOC', 'ukraine'),
    ('Qin Gang', 'PER', 'qin_gang'), ('Dmytro Kuleba', 'PER', 'dmytro_kuleba'), ('Kuleba', 'PER', 'dmytro_kuleba'),
    ('Twitter', 'ORG', 'twitter'),
    ('Chine', 'LOC', 'chine'), ('Russie', 'LOC', 'russie'),
    ('Xi', 'PER', 'xi_jinping'), ('Poutine', 'PER', 'vladimir_poutine'), ('Volodymyr Zelensky', 'PER', 'volodymyr_zelensky'),
    ('Xi', 'PER', 'xi_jinping'), ('Poutine', 'PER', 'vladimir_poutine'), ('Pékin', 'LOC', 'pekin'),
    ("Jeux olympiques d’hiver", 'MISC', 'jeux_olympiques_d_hiver'),
    ('Xi', 'PER', 'xi_jinping'), ('Chine', 'LOC', 'chine'), ('OTAN', 'ORG', 'otan'), ('Kremlin', 'ORG', 'kremlin'),
    ('Moscou', 'LOC', 'moscou'),
    ('Chine', 'LOC', 'chine'), ('Russie', 'LOC', 'russie'), ('Pékin', 'LOC', 'pekin'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Xi Jinping', 'PER', 'xi_jinping'),
    ('CNN', 'ORG', 'cnn'), ('Russie', 'LOC', 'russie'), ('Chine', 'LOC', 'chine'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Wang Yi', 'PER', 'wang_yi'), ('Moscou', 'LOC', 'moscou'),
    ('Ukraine', 'LOC', 'ukraine'), ('Kremlin', 'ORG', 'kremlin'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Wang', 'PER', 'wang_yi'), ('Chine', 'LOC', 'chine'), ('Wang', 'PER', 'wang_yi'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Xi', 'PER', 'xi_jinping'),
    ('États-Unis', 'LOC', 'etats_unis'), ('Chine', 'LOC', 'chine'), ('Russie', 'LOC', 'russie'),
    ('Occident', 'LOC', 'occident'),
    ('Xi', 'PER', 'xi_jinping'), ('Poutine', 'PER', 'vladimir_poutine'), ('Xi', 'PER', 'xi_jinping'),
    ('Poutine', 'PER', 'vladimir_poutine'), ('Chine', 'LOC', 'chine'), ('Asie centrale', 'LOC', 'asie_centrale'),
    ('Cnn', 'ORG', 'cnn'),
]

DATE_004 = [
    ('semaine prochaine', 'DATE', '2023-W12', None),
    ('semaine prochaine', 'DATE', '2023-W12', None),
    ('il y a plus d’un an', 'DATE', '2022', 'BEFORE'),
    ('semaine dernière', 'DATE', '2023-W10', None),
    ('vendredi', 'DATE', '2023-03-17', None),
    ('lundi', 'DATE', '2023-03-20', None),
    ('mercredi', 'DATE', '2023-03-22', None),
    ('lundi', 'DATE', '2023-03-20', None),
    ('mardi', 'DATE', '2023-03-21', None),
    ('Jeudi', 'DATE', '2023-03-16', None),
    ('février de l’année dernière', 'DATE', '2022-02', None),
    ('Ces dernières semaines', 'DURATION', 'PXW', None),
    ('mois dernier', 'DATE', '2023-02', None),
    ('quelques jours', 'DURATION', 'PXD', None),
    ('décembre', 'DATE', '2022-12', None),
    ('2019', 'DATE', '2019', None),
    ('septembre', 'DATE', '2022-09', None),
]

NB = '\xa0'
Q_004 = [
    dict(type='indirect',
         content=('la visite aura lieu de lundi à mercredi à l’invitation de Poutine', None),
         speaker=('Le ministère chinois des Affaires étrangères', None), sid='ministere_chinois_des_affaires_etrangeres',
         cue=('a déclaré', 'Affaires étrangères a déclaré que la visite')),
    dict(type='indirect',
         content=('la guerre en Ukraine serait au cœur des pourparlers', None),
         speaker=('Le ministère chinois des Affaires étrangères', None), sid='ministere_chinois_des_affaires_etrangeres',
         cue=('a confirmé', None)),
    dict(type='direct',
         content=('La proposition de la Chine se résume à une phrase, qui est d’exhorter à la paix et de promouvoir les pourparlers', None),
         speaker=('le porte-parole du ministère des Affaires étrangères Wang Wenbin', None), sid='wang_wenbin',
         cue=('a déclaré', 'a déclaré le porte-parole du ministère')),
    dict(type='mixed',
         content=('les deux dirigeants discuteront des «' + NB + 'questions d’actualité du développement ultérieur des relations de partenariat global et de la coopération stratégique entre la Russie et la Chine' + NB + '»', None),
         speaker=('Le Kremlin', 'Le Kremlin a déclaré que les deux'), sid='kremlin',
         cue=('a déclaré', 'Le Kremlin a déclaré que les deux')),
    dict(type='direct',
         content=('Un échange de vues est également prévu dans le cadre de l’approfondissement de la coopération russo-chinoise sur la scène internationale', None),
         speaker=('le Kremlin', 'a ajouté le Kremlin'), sid='kremlin',
         cue=('a ajouté', 'a ajouté le Kremlin')),
    dict(type='direct',
         content=('Un certain nombre de documents bilatéraux importants seront signés', None),
         speaker=('le Kremlin', 'a ajouté le Kremlin'), sid='kremlin', cue=None),
    dict(type='mixed',
         content=('Les deux dirigeants commenceront lundi par un tête-à-tête suivi d’un «' + NB + 'déjeuner informel' + NB + '», les négociations devant avoir lieu mardi', None),
         speaker=('le porte-parole du Kremlin, Dmitri Peskov', None), sid='dmitri_peskov',
         cue=('selon', 'mardi, selon le porte-parole')),
    dict(type='mixed',
         content=('Les deux hommes ont discuté de «' + NB + 'l’importance du principe d’intégrité territoriale' + NB + '»', None),
         speaker=('Kuleba', 'a déclaré Kuleba'), sid='dmytro_kuleba',
         cue=('a déclaré', 'a déclaré Kuleba')),
    dict(type='direct',
         content=('sans limites', None),
         speaker=('Xi et Poutine', 'Xi et Poutine ont déclaré'), sid=None,
         cue=('ont déclaré', 'Xi et Poutine ont déclaré')),
    dict(type='indirect',
         content=('l’OTAN d’avoir provoqué le conflit', None),
         speaker=('la Chine', 'la Chine a refusé de condamner'), sid='chine',
         cue=('accusant', 'accusant plutôt')),
    dict(type='indirect',
         content=('la Chine envisageait de fournir à la Russie une assistance militaire létale', None),
         speaker=('des responsables occidentaux', None), sid=None,
         cue=('ont commencé à faire part', None)),
    dict(type='indirect',
         content=('la Russie reçoit le soutien militaire de la Chine', None),
         speaker=('Un rapport', 'Un rapport obtenu par CNN'), sid=None,
         cue=('montre', 'CNN montre que')),
    dict(type='mixed',
         content=('les relations entre son pays et la Chine «' + NB + 'atteignaient de nouvelles étapes' + NB + '»', None),
         speaker=('Poutine', 'Poutine a déclaré à Wang'), sid='vladimir_poutine',
         cue=('a déclaré', 'Poutine a déclaré à Wang')),
    dict(type='direct',
         content=('renforcer davantage notre partenariat stratégique global', None),
         speaker=('Wang', 'tandis que Wang s’était'), sid='wang_yi',
         cue=('s’était engagé', None)),
    dict(type='direct',
         content=('les meilleures de l’histoire', None),
         speaker=('le dirigeant russe', 'au cours de laquelle le dirigeant russe'), sid='vladimir_poutine',
         cue=('a décrit', 'russe a décrit')),
    dict(type='mixed',
         content=('elles pouvaient « résister à toutes les épreuves »', None),
         speaker=('le dirigeant russe', 'au cours de laquelle le dirigeant russe'), sid='vladimir_poutine',
         cue=('affirmant', 'affirmant qu’elles')),
    dict(type='indirect',
         content=('sont déterminés à maintenir la Chine et la Russie au sol', None),
         speaker=('eux', 'selon eux'), sid=None,
         cue=('selon', 'selon eux')),
    dict(type='direct',
         content=('meilleur ami', None),
         speaker=('Xi', 'Xi décrivant'), sid='xi_jinping',
         cue=('décrivant', None)),
]


def find_unique(doc, s):
    i = doc.find(s)
    assert i >= 0, ('not found', s)
    assert doc.find(s, i + 1) < 0, ('not unique', s)
    return i


def span(doc, text, ctx=None):
    if ctx is None:
        ctx = text
    c = find_unique(doc, ctx)
    j = ctx.find(text)
    assert j >= 0, ('text not in ctx', text, ctx)
    assert ctx.find(text, j + 1) < 0, ('text not unique in ctx', text, ctx)
    s = c + j
    return {'start': s, 'end': s + len(text), 'text': text}


def word_re(s):
    return re.compile(r'(?<![\w])' + re.escape(s) + r'(?![\w])')


def sequential(doc, items):
    """Locate items in text order; each surface must match as a whole word after the cursor."""
    out = []
    cur = 0
    for it in items:
        m = word_re(it[0]).search(doc, cur)
        assert m, ('sequential not found', it, cur)
        out.append((m.start(), m.end(), it))
        cur = m.end()
    return out


def build(doc_id, ents, dates, quotes):
    doc = open(TEXTS + doc_id + '.txt', encoding='utf-8').read()
    E = []
    for s, e, (txt, lab, eid) in sequential(doc, ents):
        E.append({'start': s, 'end': e, 'text': txt, 'label': lab, 'entity_id': eid, 'canonical_name': CANON[eid]})
    E.sort(key=lambda x: x['start'])
    for k, x in enumerate(E, 1):
        x.update(id='e%d' % k)
    E = [{'id': x['id'], **{k: x[k] for k in ('start', 'end', 'text', 'label', 'entity_id', 'canonical_name')}} for x in E]
    D = []
    for s, e, (txt, ty, val, mod) in sequential(doc, dates):
        D.append({'start': s, 'end': e, 'text': txt, 'type': ty, 'value': val, 'mod': mod})
    D.sort(key=lambda x: x['start'])
    D = [{'id': 't%d' % k, **x} for k, x in enumerate(D, 1)]
    Q = []
    for q in quotes:
        c = span(doc, *q['content'])
        sp = span(doc, *q['speaker']) if q['speaker'] else None
        cu = span(doc, *q['cue']) if q['cue'] else None
        Q.append({'type': q['type'], 'content': c, 'speaker': sp, 'speaker_entity_id': q['sid'], 'cue': cu})
    Q.sort(key=lambda x: x['content']['start'])
    Q = [{'id': 'q%d' % k, **x} for k, x in enumerate(Q, 1)]
    res = {'id': doc_id, 'entities': E, 'dates': D, 'quotes': Q}
    with open(OUT + doc_id + '.json', 'w', encoding='utf-8') as f:
        json.dump(res, f, ensure_ascii=False, indent=1)
    return doc, res


if __name__ == '__main__':
    build('frnb-003', ENT_003, DATE_003, Q_003)
    build('frnb-004', ENT_004, DATE_004, Q_004)
    print('written')
