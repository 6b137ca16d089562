import json, sys, numpy as np
sys.path.insert(0, __import__('os').environ.get('NESTKIT_PKG', '/work/main/python'))
import nestkit.nest as nest
S='/work/shared/parity/'
def sel(nodes, p):
    if isinstance(p, str): return nodes[p]
    a,b = p['slice']; return nodes[p['id']][a:b]
def run(name, seed=None):
    sc = json.load(open(S+'scenarios/'+name+'.json'))
    nest.ResetKernel()
    k = dict(sc.get('kernel', {}))
    if seed: k['rng_seed'] = seed
    nest.SetKernelStatus(k)
    for d in sc.get('defaults', []): nest.SetDefaults(d['model'], d['params'])
    nodes = {}
    for nd in sc['nodes']:
        nodes[nd['id']] = nest.Create(nd['model'], nd.get('n', 1))
        if nd.get('params'): nodes[nd['id']].set(nd['params'])
    for c in sc['connect']:
        pre, post = sel(nodes, c['pre']), sel(nodes, c['post'])
        if 'sources' in c:
            s = np.array(pre.tolist())[c['sources']]; t = np.array(post.tolist())[c['targets']]
            syn = {k: (np.array(v) if isinstance(v, list) else v) for k, v in c.get('syn_spec', {}).items()}
            nest.Connect(s, t, 'one_to_one', syn)
        else:
            nest.Connect(pre, post, c.get('conn_spec'), c.get('syn_spec'))
    for t in sc['simulate']: nest.Simulate(t)
    return sc, nodes
name = sys.argv[1]
sc, nodes = run(name)
ref = json.load(open(S+'reference/'+name+'.json'))['runs'][0]
for dev, ev in ref['events'].items():
    mine = nodes[dev].get('events')
    for k, r in ev.items():
        m = np.asarray(mine.get(k, []))
        r = np.asarray(r)
        if m.shape != r.shape:
            print(dev, k, 'SHAPE', m.shape, r.shape); 
            if k=='times': print(' mine', m[:12], '\n ref ', r[:12])
            continue
        if k == 'senders' and set(ev.keys()) == {'senders','times'}:
            continue
        d = np.max(np.abs(m - r)) if len(r) else 0
        print(dev, k, 'maxdev', d)
for nid, st in ref.get('status', {}).items():
    for k, r in st.items():
        print('status', nid, k, np.max(np.abs(np.asarray(nodes[nid].get(k)) - np.asarray(r))))
