import json, re, sys
TX = '/work/scratch/texts/'
OUT = '/work/scratch/ann/second/'

# entity lexicon: surface -> (label, id, canonical)
LEX = {
 'Alexandre Loukachenko': ('PER','alexandre_loukachenko','Alexandre Loukachenko'),
 'Loukachenko': ('PER','alexandre_loukachenko','Alexandre Loukachenko'),
 'Vladimir Poutine': ('PER','vladimir_poutine','Vladimir Poutine'),
 'Poutine': ('PER','vladimir_poutine','Vladimir Poutine'),
 'Xi Jinping': ('PER','xi_jinping','Xi Jinping'),
 'Xi': ('PER','xi_jinping','Xi Jinping'),
 'Hua Chunying': ('PER','hua_chunying','Hua Chunying'),
 'Qin Gang': ('PER','qin_gang','Qin Gang'),
 'Qin': ('PER','qin_gang','Qin Gang'),
 'Sergei Aleinik': ('PER','sergei_aleinik','Sergei Aleinik'),
 'Sergueï Aleïnik': ('PER','sergei_aleinik','Sergei Aleinik'),
 'Aleinik': ('PER','sergei_aleinik','Sergei Aleinik'),
 'Volodomyr Zelenskyy': ('PER','volodymyr_zelensky','Volodymyr Zelensky'),
 'Zelenskyy': ('PER','volodymyr_zelensky','Volodymyr Zelensky'),
 'Mykhailo Podolyak': ('PER','mykhailo_podolyak','Mykhailo Podolyak'),
 'Emmanuel Macron': ('PER','emmanuel_macron','Emmanuel Macron'),
 'Macron': ('PER','emmanuel_macron','Emmanuel Macron'),
 'Li Shangfu': ('PER','li_shangfu','Li Shangfu'),
 'Li': ('PER','li_shangfu','Li Shangfu'),
 'ministère chinois des Affaires étrangères': ('ORG','ministere_chinois_des_affaires_etrangeres','ministère chinois des Affaires étrangères'),
 'Kremlin': ('ORG','kremlin','Kremlin'),
 'AFP': ('ORG','afp','AFP'),
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

def find_all_entities(t):
    cands = []
    for s,(lab,eid,can) in LEX.items():
        for m in re.finditer(r'(?<![\w])'+re.escape(s)+r'(?![\w])', t):
            cands.append((m.start(), m.end(), s, lab, eid, can))
    # longest first, greedy non-overlap
    cands.sort(key=lambda c: (-(c[1]-c[0]), c[0]))
    taken = []
    for c in cands:
        if any(not (c[1] <= o[0] or c[0] >= o[1]) for o in taken):
            continue
        taken.append(c)
    taken.sort()
    return taken

def loc(t, span, ctx=None, occ=1):
    """locate span inside the occ-th occurrence of ctx (default ctx=span); ctx must be unique when occ=1"""
    ctx = ctx or span
    idx = -1
    if occ == 1 and t.count(ctx) != 1:
        raise ValueError(f'context not unique ({t.count(ctx)}): {ctx!r}')
    for _ in range(occ):
        idx = t.find(ctx, idx+1)
        if idx < 0: raise ValueError(f'context not found: {ctx!r}')
    j = ctx.find(span)
    if j < 0: raise ValueError(f'span {span!r} not in ctx {ctx!r}')
    if ctx.count(span) != 1: raise ValueError(f'span {span!r} ambiguous in ctx {ctx!r}')
    s = idx + j
    return s, s+len(span)

def sp(t, span, ctx=None, occ=1):
    if span is None: return None
    s,e = loc(t, span, ctx, occ)
    return {'start': s, 'end': e, 'text': t[s:e]}

def build(doc, dates, quotes, ent_exclude=()):
    t = open(TX+doc+'.txt', encoding='utf-8').read()
    ents = find_all_entities(t)
    ents = [e for e in ents if (e[0],e[2]) not in ent_exclude]
    E = [{'id': f'e{i+1}', 'start': s, 'end': e, 'text': t[s:e], 'label': lab, 'entity_id': eid, 'canonical_name': can}
         for i,(s,e,_,lab,eid,can) in enumerate(ents)]
    D = []
    for d in dates:
        text, ctx, occ, typ, val, mod = d
        s,e = loc(t, text, ctx, occ)
        D.append({'start': s, 'end': e, 'text': t[s:e], 'type': typ, 'value': val, 'mod': mod})
    D.sort(key=lambda x: x['start'])
    D = [{'id': f't{i+1}', **x} for i,x in enumerate(D)]
    Q = []
    for q in quotes:
        typ, content, speaker, sid, cue = q
        c = sp(t, *content) if isinstance(content, tuple) else sp(t, content)
        s_ = None if speaker is None else (sp(t, *speaker) if isinstance(speaker, tuple) else sp(t, speaker))
        cu = None if cue is None else (sp(t, *cue) if isinstance(cue, tuple) else sp(t, cue))
        Q.append({'type': typ, 'content': c, 'speaker': s_, 'speaker_entity_id': sid, 'cue': cu})
    Q.sort(key=lambda x: (x['content']['start'], x['content']['end']))
    Q = [{'id': f'q{i+1}', **x} for i,x in enumerate(Q)]
    out = {'id': doc, 'entities': E, 'dates': D, 'quotes': Q}
    with open(OUT+doc+'.json', 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    return t, out
