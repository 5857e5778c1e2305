import json, re
for doc in ['frnb-000','frnb-001','frnb-002']:
    t = open('/work/scratch/texts/'+doc+'.txt', encoding='utf-8').read()
    a = json.load(open('../'+doc+'.json', encoding='utf-8'))
    print('=====', doc, len(a['entities']), len(a['dates']), len(a['quotes']))
    for e in a['entities']:
        print(f"  {e['id']:>4} {e['start']:5} {e['label']:4} {e['text']!r:45} {e['entity_id']}")
    cov = [(e['start'], e['end']) for e in a['entities']]
    print('  -- uncovered capitalized words:')
    for m in re.finditer(r'\b[A-ZÉÈÀÂÎÔ][\w\-]*', t):
        if not any(s <= m.start() < e for s,e in cov):
            print('    ', m.start(), m.group(), '|', t[max(0,m.start()-20):m.end()+20].replace('\n',' '))
    for d in a['dates']:
        print(f"  {d['id']:>4} {d['start']:5} {d['type']:8} {d['text']!r:25} {d['value']} {d['mod']}")
    for q in a['quotes']:
        sp = q['speaker']['text'] if q['speaker'] else None
        cu = q['cue']['text'] if q['cue'] else None
        print(f"  {q['id']:>4} {q['type']:8} sp={sp!r} ({q['speaker_entity_id']}) cue={cu!r}\n        C={q['content']['text']!r}")
