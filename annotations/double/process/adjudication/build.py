"""Build the adjudicated gold from annotator A's files plus the decisions logged in
ADJUDICATION.md. Offsets are never typed: new spans are found with str.find and context."""
import json, copy, os
from load import A, B, T

OUT = '/work/scratch/ann/gold'

def find(text, span, context=None, occurrence=0):
    """Offsets of `span` inside the (unique) `context` (default: span itself)."""
    ctx = context or span
    pos, k = -1, -1
    for _ in range(occurrence + 1):
        pos = text.find(ctx, pos + 1)
        assert pos >= 0, (span, ctx)
    assert context is None or text.find(ctx, pos + 1) < 0 or occurrence, f'context not unique: {ctx!r}'
    start = pos + ctx.index(span)
    return {'start': start, 'end': start + len(span), 'text': span}

def ent(d, start):
    return next(e for e in d['entities'] if e['start'] == start)

def date(d, start):
    return next(e for e in d['dates'] if e['start'] == start)

def quote(d, content_start, cue_start=None):
    qs = [q for q in d['quotes'] if q['content']['start'] == content_start
          and (cue_start is None or (q['cue'] or {}).get('start') == cue_start)]
    assert len(qs) == 1, (content_start, qs)
    return qs[0]

def bq(i, content_start, cue_start=None):
    return quote(B(i), content_start, cue_start)

docs = {}
# ---------- frnb-000 ----------
i, t = 0, T(0); g = copy.deepcopy(A(i))
# entities: A's ids (AFP -> agence_france_presse; Aleinik canonical "Sergueï Aleïnik") already in A.
# quotes: speaker of the "selon une chaîne ..." quote: head noun phrase without its participial modifier
q = quote(g, t.find('Séparément vendredi'))
q['speaker'] = find(t, 'une chaîne de médias sociaux', 'selon une chaîne de médias sociaux liée')
docs[i] = g
# ---------- frnb-001 ----------
i, t = 1, T(1); g = copy.deepcopy(A(i)); docs[i] = g
# ---------- frnb-002 ----------
i, t = 2, T(2); g = copy.deepcopy(A(i))
d = date(g, t.find("jusqu'à présent"))
d.update(find(t, 'présent', "n'a jusqu'à présent pas"))
docs[i] = g
# ---------- frnb-003 ----------
i, t = 3, T(3); g = copy.deepcopy(A(i))
d = date(g, t.find('à ce jour'))
d.update(find(t, 'ce jour', 'les plus directs à ce jour'))
q = quote(g, t.find('Xi a réaffirmé la position'))
q['speaker'] = copy.deepcopy(bq(i, q['content']['start'])['speaker'])   # B: "un rapport de la réunion"
assert q['speaker']['text'] == 'un rapport de la réunion'
docs[i] = g
# ---------- frnb-004 ----------
i, t = 4, T(4); g = copy.deepcopy(A(i))
e = ent(g, t.find('Jeux olympiques'))
e.update(entity_id='jeux_olympiques_d_hiver', canonical_name="Jeux olympiques d'hiver")
e = ent(g, t.find('OTAN'))
e.update(entity_id='otan', canonical_name='OTAN')
date(g, t.find('il y a plus d’un an'))['mod'] = 'BEFORE'
q = quote(g, t.find('la Russie reçoit le soutien'))
q['speaker'] = copy.deepcopy(bq(i, q['content']['start'])['speaker'])   # B: "Un rapport"
assert q['speaker']['text'] == 'Un rapport'
docs[i] = g

# ---------- renumber, key order, write ----------
def norm_span(s):
    return None if s is None else {'start': s['start'], 'end': s['end'], 'text': s['text']}
os.makedirs(OUT, exist_ok=True)
for i, g in docs.items():
    ents = sorted(g['entities'], key=lambda e: (e['start'], e['end']))
    dates = sorted(g['dates'], key=lambda e: (e['start'], e['end']))
    quotes = sorted(g['quotes'], key=lambda q: (q['content']['start'], -q['content']['end'], (q['cue'] or {'start': -1})['start']))
    out = {'id': g['id'],
           'entities': [{'id': f'e{k}', 'start': e['start'], 'end': e['end'], 'text': e['text'], 'label': e['label'],
                         'entity_id': e['entity_id'], 'canonical_name': e['canonical_name']} for k, e in enumerate(ents, 1)],
           'dates': [{'id': f't{k}', 'start': e['start'], 'end': e['end'], 'text': e['text'], 'type': e['type'],
                      'value': e['value'], 'mod': e.get('mod')} for k, e in enumerate(dates, 1)],
           'quotes': [{'id': f'q{k}', 'type': q['type'], 'content': norm_span(q['content']), 'speaker': norm_span(q['speaker']),
                       'speaker_entity_id': q['speaker_entity_id'], 'cue': norm_span(q['cue'])} for k, q in enumerate(quotes, 1)]}
    with open(f'{OUT}/frnb-00{i}.json', 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1); f.write('\n')
print('written')
