from load import *
def sp(s): return None if s is None else (s['start'],s['end'],s['text'])
def key(q): return (q['type'],sp(q['content']),sp(q['speaker']),q['speaker_entity_id'],sp(q['cue']))
for i in range(5):
    a,b=A(i),B(i)
    print(f'######## frnb-00{i}')
    qa=list(a['quotes']); qb=list(b['quotes'])
    # exact
    ra=[q for q in qa if key(q) not in {key(x) for x in qb}]
    rb=[q for q in qb if key(q) not in {key(x) for x in qa}]
    # pair by content exact, then by cue, then overlap
    used=set()
    for q in ra:
        c=q['content']
        cand=[j for j,x in enumerate(rb) if j not in used and sp(x['content'])==sp(c)] or \
             [j for j,x in enumerate(rb) if j not in used and sp(x['cue'])==sp(q['cue']) and x['content']['start']<c['end'] and c['start']<x['content']['end']] or \
             [j for j,x in enumerate(rb) if j not in used and x['content']['start']<c['end'] and c['start']<x['content']['end']]
        if not cand: print('ONLY A',key(q)); continue
        j=cand[0]; used.add(j); x=rb[j]
        print('DIFF', repr(c['text'][:60]))
        for f,va,vb in zip(['type','content','speaker','sid','cue'],key(q),key(x)):
            if va!=vb: print('   ',f,'A:',va,'\n   ',f,'B:',vb)
    for j,x in enumerate(rb):
        if j not in used: print('ONLY B',key(x))
