import json
from load import A,B
def sp(s): return None if s is None else (s['start'],s['end'],s['text'])
def keys(d):
    E={(e['start'],e['end'],e['label'],e['entity_id'],e['canonical_name']) for e in d['entities']}
    D={(e['start'],e['end'],e['type'],e['value'],e.get('mod')) for e in d['dates']}
    Q={(q['type'],sp(q['content']),sp(q['speaker']),q['speaker_entity_id'],sp(q['cue'])) for q in d['quotes']}
    return E,D,Q
for i in range(5):
    g=json.load(open(f'../frnb-00{i}.json'))
    for name,o in (('A',A(i)),('B',B(i))):
        for L,x,y in zip('EDQ',keys(g),keys(o)):
            for k in sorted(x-y,key=str): print(i,name,L,'gold-only',k)
            for k in sorted(y-x,key=str): print(i,name,L,name+'-only',k)
