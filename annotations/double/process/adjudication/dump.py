from load import *
import sys
i=int(sys.argv[1]); w=sys.argv[2] if len(sys.argv)>2 else 'A'
d=A(i) if w=='A' else B(i)
for e in d['entities']: print(e['id'],e['start'],e['end'],repr(e['text']),e['label'],e['entity_id'],'|',e['canonical_name'])
for e in d['dates']: print(e['id'],e['start'],e['end'],repr(e['text']),e['type'],e['value'],e.get('mod'))
def sp(s): return None if s is None else f"{s['start']}-{s['end']} {s['text']!r}"
for q in d['quotes']: print(q['id'],q['type'],'\n   C',sp(q['content']),'\n   S',sp(q['speaker']),q['speaker_entity_id'],'\n   V',sp(q['cue']))
print([k for k in d])
