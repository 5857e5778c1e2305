from load import *
import re
for i in range(5):
    t=T(i); a=A(i)
    cov=[(e['start'],e['end']) for e in a['entities']]
    print('##',i)
    for m in re.finditer(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*",t):
        if not any(s<=m.start()<e for s,e in cov):
            # skip sentence-initial? show with context
            print('  ',m.group(), '|', t[max(0,m.start()-15):m.end()+10].replace('\n',' '))
