import json, re, sys
for doc in ['frnb-003','frnb-004']:
    t=open('/work/scratch/texts/%s.txt'%doc).read()
    d=json.load(open('/work/scratch/ann/first2/%s.json'%doc))
    print('=====',doc)
    cov=set()
    for e in d['entities']:
        cov.update(range(e['start'],e['end']))
        print(e['id'],e['label'],e['entity_id'],'|',t[max(0,e['start']-25):e['start']].replace('\n',' '),'[[',e['text'],']]',t[e['end']:e['end']+15].replace('\n',' '))
    print('--- uncovered capitalised words')
    for m in re.finditer(r'\b[A-ZÉÈÀÂÎÔ][\w’\'-]*',t):
        if m.start() not in cov: print(repr(m.group()), end=' ')
    print()
