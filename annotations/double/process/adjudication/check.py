"""Checks on the gold files: spans match the text, no overlapping entities, label/type sets,
one canonical name per entity_id corpus-wide, speaker ids used by entity mentions, ids in start
order, TIMEX3 values, span edges, content rules."""
import json, re, sys
sys.path.insert(0, '/work/main/eval')
from frnewsbench.timex import value_problem, type_value_problem
from frnewsbench.schema import ENTITY_LABELS, TIMEX_TYPES, TIMEX_MODS, QUOTE_TYPES
from load import T
G = '/work/scratch/ann/gold'
probs = []
canon, used_ids = {}, set()
docs = {i: json.load(open(f'{G}/frnb-00{i}.json', encoding='utf-8')) for i in range(5)}
EDGE = set(' \u00a0\n\t.,;:«»"\'“”’‘')
def span_ok(i, where, s, edges=True):
    t = T(i)
    if t[s['start']:s['end']] != s['text']: probs.append(f'{i} {where}: text mismatch {s}')
    if edges and s['text'] and (s['text'][0] in EDGE or s['text'][-1] in EDGE):
        probs.append(f'{i} {where}: edge char {s["text"]!r}')
for i, d in docs.items():
    assert d['id'] == f'frnb-00{i}' and list(d) == ['id', 'entities', 'dates', 'quotes']
    es = d['entities']
    for k, e in enumerate(es, 1):
        assert e['id'] == f'e{k}'
        span_ok(i, e['id'], e)
        if e['label'] not in ENTITY_LABELS: probs.append(f'{i} {e["id"]} label')
        canon.setdefault(e['entity_id'], set()).add(e['canonical_name'])
        used_ids.add(e['entity_id'])
        if not re.fullmatch(r'[a-z0-9_]+', e['entity_id']): probs.append(f'{i} {e["id"]} id form')
    for a, b in zip(es, es[1:]):
        if b['start'] < a['end'] or (b['start'], b['end']) <= (a['start'], a['end']): probs.append(f'{i} overlap/order {a["id"]} {b["id"]}')
    ds = d['dates']
    for k, e in enumerate(ds, 1):
        assert e['id'] == f't{k}'
        span_ok(i, e['id'], e)
        if e['type'] not in TIMEX_TYPES: probs.append(f'{i} {e["id"]} type')
        if e['mod'] is not None and e['mod'] not in TIMEX_MODS: probs.append(f'{i} {e["id"]} mod')
        p = value_problem(e['value']) or type_value_problem(e['type'], e['value'])
        if p: probs.append(f'{i} {e["id"]} {p}')
    for a, b in zip(ds, ds[1:]):
        if (b['start'], b['end']) <= (a['start'], a['end']): probs.append(f'{i} date order {a["id"]}')
    qs = d['quotes']
    for k, q in enumerate(qs, 1):
        assert q['id'] == f'q{k}'
        if q['type'] not in QUOTE_TYPES: probs.append(f'{i} {q["id"]} type')
        c = q['content']
        span_ok(i, q['id'] + ' content', c, edges=False)
        tx = c['text']
        if tx != tx.strip(' \u00a0\n') or tx.endswith('.'): probs.append(f'{i} {q["id"]} content edge {tx[-5:]!r}')
        if q['type'] == 'direct' and (tx[0] in '«»"' or tx[-1] in '«»"'): probs.append(f'{i} {q["id"]} direct with marks')
        if q['type'] != 'direct' and re.match(r"(que|qu['’])\s", tx + ' ', re.I): probs.append(f'{i} {q["id"]} starts with que')
        if q['type'] == 'indirect' and re.search('[«»"“”]', tx): probs.append(f'{i} {q["id"]} indirect with marks')
        if q['type'] == 'mixed' and not re.search('[«»"“”]', tx): probs.append(f'{i} {q["id"]} mixed without marks')
        for f in ('speaker', 'cue'):
            if q[f] is not None: span_ok(i, f'{q["id"]} {f}', q[f])
        if q['speaker_entity_id'] is not None and q['speaker'] is None: probs.append(f'{i} {q["id"]} id without speaker')
        if q['speaker_entity_id'] is not None: used_ids.add(('spk', q['speaker_entity_id']))
    for a, b in zip(qs, qs[1:]):
        if a['content']['start'] > b['content']['start']: probs.append(f'{i} quote order {a["id"]}')
for k, v in canon.items():
    if len(v) != 1: probs.append(f'entity_id {k} has canonical names {v}')
spk = {x[1] for x in used_ids if isinstance(x, tuple)}
for s in spk - {x for x in used_ids if isinstance(x, str)}: probs.append(f'speaker_entity_id {s} unused by entities')
print('\n'.join(probs) or 'ALL CHECKS PASS')
for i, d in docs.items(): print(d['id'], len(d['entities']), len(d['dates']), len(d['quotes']))
