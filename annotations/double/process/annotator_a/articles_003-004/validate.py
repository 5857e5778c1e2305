import json
ids={}; used=set(); ok=True
docs={}
for doc in ['frnb-003','frnb-004']:
    t=open('/work/scratch/texts/%s.txt'%doc, encoding='utf-8').read()
    d=json.load(open('/work/scratch/ann/first2/%s.json'%doc, encoding='utf-8'))
    docs[doc]=(t,d)
    def chk(sp, what):
        global ok
        if t[sp['start']:sp['end']]!=sp['text']: print('MISMATCH',doc,what,sp); ok=False
        if sp['text'][0] in ' \xa0,.;:«»"\'' or sp['text'][-1] in ' \xa0,.;:«"\'': print('EDGE',doc,what,repr(sp['text'][:30]),repr(sp['text'][-10:])); ok=False
    ents=d['entities']
    for i,e in enumerate(ents):
        chk(e,e['id']); assert e['label'] in {'PER','ORG','LOC','MISC'}; assert e['id']==f'e{i+1}'
        used.add(e['entity_id'])
        if ids.setdefault(e['entity_id'],e['canonical_name'])!=e['canonical_name']: print('CANON',e); ok=False
        if i and ents[i-1]['end']>e['start']: print('OVERLAP',e); ok=False
        if i: assert ents[i-1]['start']<=e['start']
    for i,x in enumerate(d['dates']):
        chk(x,x['id']); assert x['type'] in {'DATE','TIME','DURATION','SET'}; assert x['id']==f't{i+1}'
        if i: assert d['dates'][i-1]['start']<=x['start']
    for i,q in enumerate(d['quotes']):
        assert q['type'] in {'direct','indirect','mixed'}; assert q['id']==f'q{i+1}'
        chk(q['content'],q['id']+'c')
        if q['speaker']: chk(q['speaker'],q['id']+'s')
        if q['cue']: chk(q['cue'],q['id']+'q')
        assert list(q)==['id','type','content','speaker','speaker_entity_id','cue']
for doc,(t,d) in docs.items():
    for q in d['quotes']:
        if q['speaker_entity_id'] and q['speaker_entity_id'] not in used: print('SPKID',q['id'],q['speaker_entity_id']); ok=False
print('OK' if ok else 'PROBLEMS')
