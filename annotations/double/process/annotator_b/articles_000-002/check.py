import json
ids = {}; used=set(); sids=[]
ok=True
def chk(t, s, where):
    global ok
    if s is None: return
    if t[s['start']:s['end']] != s['text']: print('MISMATCH', where, s); ok=False
    if s['text'] != s['text'].strip(' \xa0\n') : print('WS', where, s); ok=False
for doc in ['frnb-000','frnb-001','frnb-002']:
    t = open('/work/scratch/texts/'+doc+'.txt', encoding='utf-8').read()
    a = json.load(open('../'+doc+'.json', encoding='utf-8'))
    assert a['id']==doc and list(a)==['id','entities','dates','quotes']
    E=a['entities']
    for i,e in enumerate(E):
        assert e['id']==f'e{i+1}'; chk(t,e,doc+e['id'])
        assert e['label'] in {'PER','ORG','LOC','MISC'}
        if i: assert E[i-1]['end'] <= e['start'], (doc, e)
        if ids.setdefault(e['entity_id'], e['canonical_name']) != e['canonical_name']: print('CANON', e); ok=False
        used.add(e['entity_id'])
        if e['text'][-1] in '.,;:»«"\'’': print('PUNCT', e)
    D=a['dates']
    for i,d in enumerate(D):
        assert d['id']==f't{i+1}'; chk(t,d,doc+d['id'])
        assert d['type'] in {'DATE','TIME','DURATION','SET'}
        if i: assert D[i-1]['start'] <= d['start']
    Q=a['quotes']
    for i,q in enumerate(Q):
        assert q['id']==f'q{i+1}'; assert q['type'] in {'direct','indirect','mixed'}
        for k in ['content','speaker','cue']: chk(t,q[k],doc+q['id']+k)
        if i: assert Q[i-1]['content']['start'] <= q['content']['start']
        if q['speaker_entity_id']: sids.append(q['speaker_entity_id'])
        if q['speaker'] is None: assert q['speaker_entity_id'] is None
        c=q['content']['text']
        if q['type']=='direct' and ('«' in c or '»' in c or '"' in c): print('direct with marks', q['id'])
        if q['type']=='indirect' and ('«' in c or '»' in c or '"' in c): print('indirect with marks', q['id'])
        if q['type']=='mixed' and not ('«' in c or '»' in c or '"' in c): print('mixed w/o marks', q['id'])
for s in sids:
    if s not in used: print('UNUSED speaker id', s); ok=False
print('OK' if ok else 'FAIL', len(ids), 'entity ids')
for k,v in sorted(ids.items()): print(' ',k,'=',v)
