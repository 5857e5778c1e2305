import json
docs=['frnb-000','frnb-001','frnb-002']
canon={}; used=set(); errs=[]
J={d:json.load(open(f'/work/scratch/ann/first/{d}.json',encoding='utf-8')) for d in docs}
for d in docs:
    t=open(f'/work/scratch/texts/{d}.txt',encoding='utf-8').read()
    j=J[d]; assert j['id']==d
    def chk(s,what):
        if s is None: return
        if t[s['start']:s['end']]!=s['text']: errs.append((d,what,'text mismatch',s))
        if s['text'][0] in ' \xa0,.;:«»"\'' or s['text'][-1] in ' \xa0,.;:«"\'': errs.append((d,what,'edge',s['text'][:20],s['text'][-20:]))
    prev=-1
    for i,e in enumerate(j['entities']):
        chk(e,e['id']); assert e['id']==f'e{i+1}'
        assert e['label'] in {'PER','ORG','LOC','MISC'}
        if e['start']<prev: errs.append((d,'overlap/order',e))
        prev=e['end']
        canon.setdefault(e['entity_id'],set()).add((e['canonical_name'],e['label'])); used.add(e['entity_id'])
    ps=-1
    for i,x in enumerate(j['dates']):
        chk(x,x['id']); assert x['id']==f't{i+1}'; assert x['type'] in {'DATE','TIME','DURATION','SET'}
        assert x['start']>=ps; ps=x['start']
    ps=-1
    for i,q in enumerate(j['quotes']):
        assert q['id']==f'q{i+1}'; assert q['type'] in {'direct','indirect','mixed'}
        for k in ('content','speaker','cue'): chk(q[k],q['id']+k)
        assert q['content']['start']>=ps; ps=q['content']['start']
        if q['type']=='direct' and any(c in q['content']['text'] for c in '«»"'): errs.append((d,q['id'],'direct has marks'))
        if q['type']=='indirect' and any(c in q['content']['text'] for c in '«»"'): errs.append((d,q['id'],'indirect has marks'))
        if q['type']=='mixed' and not any(c in q['content']['text'] for c in '«»"'): errs.append((d,q['id'],'mixed no marks'))
for d in docs:
    for q in J[d]['quotes']:
        if q['speaker_entity_id'] and q['speaker_entity_id'] not in used: errs.append((d,q['id'],'bad sid'))
        if q['speaker'] is None and q['speaker_entity_id']: errs.append((d,q['id'],'sid w/o speaker'))
for k,v in canon.items():
    if len(v)>1: errs.append(('canon',k,v))
print('errors:',errs)
for d in docs: print(d, len(J[d]['entities']),len(J[d]['dates']),len(J[d]['quotes']))
