import json
for doc in ['frnb-003','frnb-004']:
    t=open('/work/scratch/texts/%s.txt'%doc).read()
    d=json.load(open('/work/scratch/ann/first2/%s.json'%doc))
    print('=====',doc)
    for x in d['dates']:
        print(x['id'],x['type'],x['value'],x['mod'],'|',t[max(0,x['start']-20):x['start']].replace('\n',' '),'[[',x['text'],']]',t[x['end']:x['end']+12].replace('\n',' '))
    for q in d['quotes']:
        print(q['id'],q['type'],'SPK=',q['speaker'] and q['speaker']['text'],q['speaker_entity_id'],'CUE=',q['cue'] and q['cue']['text'])
        c=q['content']; print('    [[%s]]'%c['text'][:80], '...', repr(t[c['end']-10:c['end']+3]))
