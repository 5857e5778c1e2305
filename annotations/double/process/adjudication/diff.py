from load import *
import sys
def sp(s): return None if s is None else (s['start'],s['end'],s['text'])
for i in range(5):
    a,b=A(i),B(i)
    print(f'######## frnb-00{i}')
    # entities
    ka={(e['start'],e['end']):e for e in a['entities']}
    kb={(e['start'],e['end']):e for e in b['entities']}
    print('--- entities A',len(ka),'B',len(kb))
    for k in sorted(set(ka)|set(kb)):
        ea,eb=ka.get(k),kb.get(k)
        if ea and eb:
            fa=(ea['label'],ea['entity_id'],ea['canonical_name']); fb=(eb['label'],eb['entity_id'],eb['canonical_name'])
            if fa!=fb: print('ATTR',k,ea['text'],'A',fa,'B',fb)
        elif ea: print('ONLY A',k,repr(ea['text']),ea['label'],ea['entity_id'])
        else: print('ONLY B',k,repr(eb['text']),eb['label'],eb['entity_id'])
    ka={(e['start'],e['end']):e for e in a['dates']}
    kb={(e['start'],e['end']):e for e in b['dates']}
    print('--- dates A',len(ka),'B',len(kb))
    for k in sorted(set(ka)|set(kb)):
        ea,eb=ka.get(k),kb.get(k)
        if ea and eb:
            fa=(ea['type'],ea['value'],ea.get('mod')); fb=(eb['type'],eb['value'],eb.get('mod'))
            if fa!=fb: print('ATTR',k,ea['text'],'A',fa,'B',fb)
        elif ea: print('ONLY A',k,repr(ea['text']),ea['type'],ea['value'],ea.get('mod'))
        else: print('ONLY B',k,repr(eb['text']),eb['type'],eb['value'],eb.get('mod'))
    print('--- quotes A',len(a['quotes']),'B',len(b['quotes']))
    usedb=set()
    for qa in a['quotes']:
        ca=qa['content']
        m=[j for j,qb in enumerate(b['quotes']) if qb['content']['start']<ca['end'] and ca['start']<qb['content']['end']]
        if not m: print('ONLY A', qa['type'], repr(ca['text']), sp(qa['speaker']), qa['speaker_entity_id'], sp(qa['cue'])); continue
        for j in m:
            usedb.add(j); qb=b['quotes'][j]
            diffs=[]
            for f in ['type','content','speaker','speaker_entity_id','cue']:
                va=qa[f] if f in('type','speaker_entity_id') else sp(qa[f]); vb=qb[f] if f in('type','speaker_entity_id') else sp(qb[f])
                if va!=vb: diffs.append((f,va,vb))
            if len(m)>1: print('MULTI-MATCH',len(m))
            if diffs:
                print('DIFF q', repr(ca['text'][:70]))
                for d in diffs: print('    ',d[0],'A:',d[1],'\n     ',' '*len(d[0]),'B:',d[2])
    for j,qb in enumerate(b['quotes']):
        if j not in usedb: print('ONLY B', qb['type'], repr(qb['content']['text']), sp(qb['speaker']), qb['speaker_entity_id'], sp(qb['cue']))
