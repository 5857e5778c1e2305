from load import *
import re
pat=r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|mai\b|juin|juillet|août|septembre|octobre|novembre|décembre|\b1\d\d\d\b|\b20\d\d\b|semaine|mois|\ban\b|\bans\b|année|jour|heure|matin|soir|hier|demain|aujourd|maintenant|actuel|présent|époque|récem|récent|bientôt|passé|avenir|futur|depuis|désormais|précédemment|auparavant|prochain|dernier|dernière|tôt|tard|début|fin\b|moment|période|décennie|siècle|longtemps|autrefois|alors|déjà|encore|ce jour|temps)"
for i in range(5):
    t=T(i); a=A(i)
    cov=[(e['start'],e['end']) for e in a['dates']]
    print('##',i)
    for m in re.finditer(pat,t,re.I):
        c=any(s<=m.start()<e for s,e in cov)
        print('  ','+' if c else '-',m.group(), '|', t[max(0,m.start()-25):m.end()+15].replace('\n',' '))
