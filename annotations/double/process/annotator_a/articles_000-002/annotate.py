import json, re, sys
TXT = '/work/scratch/texts/%s.txt'
OUT = '/work/scratch/ann/first/%s.json'

# ---------- entity gazetteer: surface -> (label, entity_id, canonical) ----------
ENT = {
 'Alexandre Loukachenko': ('PER','alexandre_loukachenko','Alexandre Loukachenko'),
 'Loukachenko': ('PER','alexandre_loukachenko','Alexandre Loukachenko'),
 'Vladimir Poutine': ('PER','vladimir_poutine','Vladimir Poutine'),
 'Poutine': ('PER','vladimir_poutine','Vladimir Poutine'),
 'Xi Jinping': ('PER','xi_jinping','Xi Jinping'),
 'Xi': ('PER','xi_jinping','Xi Jinping'),
 'Hua Chunying': ('PER','hua_chunying','Hua Chunying'),
 'Qin Gang': ('PER','qin_gang','Qin Gang'),
 'Qin': ('PER','qin_gang','Qin Gang'),
 'Sergei Aleinik': ('PER','sergei_aleinik','Sergueï Aleïnik'),
 'Sergueï Aleïnik': ('PER','sergei_aleinik','Sergueï Aleïnik'),
 'Aleinik': ('PER','sergei_aleinik','Sergueï Aleïnik'),
 'Volodomyr Zelenskyy': ('PER','volodymyr_zelensky','Volodymyr Zelensky'),
 'Zelenskyy': ('PER','volodymyr_zelensky','Volodymyr Zelensky'),
 'Mykhailo Podolyak': ('PER','mykhailo_podolyak','Mykhailo Podolyak'),
 'Emmanuel Macron': ('PER','emmanuel_macron','Emmanuel Macron'),
 'Macron': ('PER','emmanuel_macron','Emmanuel Macron'),
 'Li Shangfu': ('PER','li_shangfu','Li Shangfu'),
 'Li': ('PER','li_shangfu','Li Shangfu'),
 'ministère chinois des Affaires étrangères': ('ORG','ministere_chinois_des_affaires_etrangeres','ministère chinois des Affaires étrangères'),
 'Kremlin': ('ORG','kremlin','Kremlin'),
 'AFP': ('ORG','agence_france_presse','Agence France-Presse'),
 'Xinhua': ('ORG','xinhua','Xinhua'),
 'Union européenne': ('ORG','union_europeenne','Union européenne'),
 'www.ntv.de': ('ORG','n_tv','n-tv'),
 'Chine': ('LOC','chine','Chine'),
 'Ukraine': ('LOC','ukraine','Ukraine'),
 'Russie': ('LOC','russie','Russie'),
 'Biélorussie': ('LOC','bielorussie','Biélorussie'),
 'Moscou': ('LOC','moscou','Moscou'),
 'Pékin': ('LOC','pekin','Pékin'),
 'Minsk': ('LOC','minsk','Minsk'),
 'Kiev': ('LOC','kiev','Kiev'),
 'Samarkand': ('LOC','samarcande','Samarcande'),
 'Samarcande': ('LOC','samarcande','Samarcande'),
 'Ouzbékistan': ('LOC','ouzbekistan','Ouzbékistan'),
 'Union soviétique': ('LOC','union_sovietique','Union soviétique'),
 'Occident': ('LOC','occident','Occident'),
 "Europe de l'Est": ('LOC','europe_de_l_est',"Europe de l'Est"),
 'parc industriel Chine-Bélarus': ('LOC','parc_industriel_chine_belarus','parc industriel Chine-Bélarus'),
 'service ferroviaire express Chine-Europe': ('MISC','service_ferroviaire_express_chine_europe','service ferroviaire express Chine-Europe'),
 'Ceinture et la Route': ('MISC','ceinture_et_la_route','Ceinture et la Route'),
}

def find_entities(t):
    cands = []
    for s,(lab,eid,can) in ENT.items():
        for m in re.finditer(r'(?<![\w.-])'+re.escape(s)+r'(?![\w-])', t):
            cands.append((m.start(), m.end(), s, lab, eid, can))
    # longest match first, no overlap
    cands.sort(key=lambda c: (-(c[1]-c[0]), c[0]))
    taken = []
    for c in cands:
        if any(not (c[1] <= o[0] or c[0] >= o[1]) for o in taken):
            continue
        taken.append(c)
    taken.sort()
    return taken

def _pat(s):
    return re.escape(s).replace('\\ ', '[ \u00a0]')

def _findall(t, s):
    return [m.span() for m in re.finditer(_pat(s), t)]

def loc(t, span, ctx=None):
    """locate span inside a unique context string (ctx defaults to span itself);
    a space in span/ctx matches a space or a no-break space"""
    ctx = ctx or span
    hits = _findall(t, ctx)
    assert len(hits) == 1, ('ctx not unique/found', ctx, hits)
    cs, ce = hits[0]
    sub = t[cs:ce]
    inner = _findall(sub, span)
    assert len(inner) == 1, ('span not unique in ctx', span, ctx, inner)
    return cs+inner[0][0], cs+inner[0][1]

def sp(t, span, ctx=None):
    if span is None: return None
    s,e = loc(t, span, ctx)
    return {'start': s, 'end': e, 'text': t[s:e]}

from decisions import DOCS

allents = {}
for did, D in DOCS.items():
    t = open(TXT % did, encoding='utf-8').read()
    ents = find_entities(t)
    entities = [dict(start=s, end=e, text=t[s:e], label=lab, entity_id=eid, canonical_name=can)
                for (s,e,_,lab,eid,can) in ents]
    dates = []
    for (txt, ctx, typ, val, mod) in D['dates']:
        s,e = loc(t, txt, ctx)
        dates.append(dict(start=s, end=e, text=t[s:e], type=typ, value=val, mod=mod))
    dates.sort(key=lambda d: d['start'])
    quotes = []
    for q in D['quotes']:
        c = sp(t, q['content'], q.get('cctx'))
        quotes.append(dict(type=q['type'], content=c,
                           speaker=sp(t, q['speaker'], q.get('sctx')),
                           speaker_entity_id=q['sid'],
                           cue=sp(t, q['cue'], q.get('qctx'))))
    quotes.sort(key=lambda q: (q['content']['start'], q['content']['end']))
    out = {'id': did,
           'entities': [dict(id='e%d'%(i+1), **x) for i,x in enumerate(entities)],
           'dates': [dict(id='t%d'%(i+1), **x) for i,x in enumerate(dates)],
           'quotes': [dict(id='q%d'%(i+1), **x) for i,x in enumerate(quotes)]}
    # reorder keys so id first
    with open(OUT % did, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(did, len(entities), len(dates), len(quotes))
