import json, re
from annotate import CANON
TEXTS='/work/scratch/texts/'; OUT='/work/scratch/ann/second2/'
ids_all={}
used=set()
for d in ['frnb-003','frnb-004']:
    doc=open(TEXTS+d+'.txt').read(); a=json.load(open(OUT+d+'.json'))
    E=a['entities']
    for x in E:
        assert doc[x['start']:x['end']]==x['text'], x
        assert x['label'] in ('PER','ORG','LOC','MISC')
        if x['entity_id'] in ids_all: assert ids_all[x['entity_id']]==x['canonical_name']
        ids_all[x['entity_id']]=x['canonical_name']; used.add(x['entity_id'])
        assert x['text']==x['text'].strip(' \xa0.,;:«»') , x
    for a1,b1 in zip(E,E[1:]): assert a1['end']<=b1['start'], (a1,b1)
    assert [x['start'] for x in E]==sorted(x['start'] for x in E)
    for x in a['dates']:
        assert doc[x['start']:x['end']]==x['text'], x
        assert x['type'] in ('DATE','TIME','DURATION','SET')
    for q in a['quotes']:
        assert q['type'] in ('direct','indirect','mixed')
        for k in ('content','speaker','cue'):
            if q[k]: assert doc[q[k]['start']:q[k]['end']]==q[k]['text'], q
            if q[k]: assert q[k]['text']==q[k]['text'].strip(' \xa0.,;:') , q
    # coverage: every occurrence of each annotated surface form is covered
    covered=[(x['start'],x['end']) for x in E]
    for s in sorted(set(x['text'] for x in E)):
        for m in re.finditer(r'(?<!\w)'+re.escape(s)+r'(?!\w)', doc):
            if not any(a0<=m.start() and m.end()<=b0 for a0,b0 in covered):
                print(d,'UNCOVERED',s,m.start(),repr(doc[m.start()-30:m.end()+30]))
    # capitalised words not covered
    for m in re.finditer(r'\b[A-ZÀ-Ý][\w\-’]*', doc):
        if not any(a0<=m.start()<b0 for a0,b0 in covered):
            print(d,'cap',m.group(), end=' | ')
    print()
    print(d, len(E), len(a['dates']), len(a['quotes']))
for d in ['frnb-003','frnb-004']:
    a=json.load(open(OUT+d+'.json'))
    for q in a['quotes']:
        if q['speaker_entity_id']: assert q['speaker_entity_id'] in used, q
print('ok')
