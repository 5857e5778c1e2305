import re,sys
from load import T
texts=[T(i) for i in range(5)]; allt='\n'.join(texts)
md=open(sys.argv[1],encoding='utf-8').read()
bad=0
for m in re.finditer(r'"([^"\n]+?)"(?=[\s,;:)\.]|$| ->)', md):
    s=m.group(1)
    for piece in s.split('[...]'):
        piece=piece.strip()
        if not piece: continue
        # allow normal space to match nbsp
        pat=re.escape(piece).replace('\\ ', '[ \u00a0]')
        if not re.search(pat, allt):
            bad+=1; print('NOT FOUND:', repr(piece))
print('bad',bad)
