import json
P='/work/scratch'
def A(i):
    d='first' if i<3 else 'first2'
    return json.load(open(f'{P}/ann/{d}/frnb-00{i}.json'))
def B(i):
    d='second' if i<3 else 'second2'
    return json.load(open(f'{P}/ann/{d}/frnb-00{i}.json'))
def T(i):
    return open(f'{P}/texts/frnb-00{i}.txt',encoding='utf-8').read()
