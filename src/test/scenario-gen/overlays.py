#!/usr/bin/env python3
"""Rewrites each scenario as an overlay of the base cluster (healthy-basic/in-cluster.yaml):
overlay.yaml states only what differs (JSON merge patches of base objects, added objects, removed
ones), and replaces the scenario's in-*.yaml copies. Verifies that base + overlay gives back
exactly the objects the copies held, in order, before it deletes anything.
Run from the repository root: python3 src/test/scenario-gen/overlays.py [scenario ...]"""
import os, sys, copy, yaml

ROOT = 'src/test/resources/scenarios'
BASE_NAME = 'healthy-basic'

class NoAliases(yaml.SafeDumper):
    """Every object written out in full: no &anchors and *aliases for shared values."""
    def ignore_aliases(self, data):
        return True

def load(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    if doc is None:
        return []
    if isinstance(doc, dict) and doc.get('kind') == 'List':
        return doc.get('items') or []
    return [doc] if isinstance(doc, dict) else list(doc)

def key(o):
    m = o.get('metadata') or {}
    return f"{o.get('kind')} {m.get('namespace', '')}/{m.get('name')}".replace(' /', ' ')

def diff(a, b):
    """The RFC 7386 merge patch that turns a into b (lists are replaced whole)."""
    out = {}
    for k, v in b.items():
        if k not in a:
            out[k] = v
        elif a[k] != v:
            out[k] = diff(a[k], v) if isinstance(a[k], dict) and isinstance(v, dict) else v
    for k in a:
        if k not in b:
            out[k] = None
    return out

def merge(a, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(a) if isinstance(a, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge(out.get(k), v)
    return out

def apply(base, overlay):
    patches = {key(p): p for p in overlay.get('patch') or []}
    removed = set(overlay.get('remove') or [])
    out = []
    for o in base:
        k = key(o)
        if k in removed:
            continue
        out.append(merge(o, patches[k]) if k in patches else copy.deepcopy(o))
    for a in overlay.get('add') or []:
        after = a.pop('_after', None) if isinstance(a, dict) else None
        out.append(a)
    return out

def header(path):
    lines = []
    with open(path) as f:
        for line in f:
            if not line.startswith('#'):
                break
            lines.append(line.rstrip('\n'))
    return lines

def convert(name, base):
    d = os.path.join(ROOT, name)
    files = sorted(f for f in os.listdir(d) if f.startswith('in-') and f.endswith('.yaml') and f != 'in-probes.yaml')
    if not files or os.path.exists(os.path.join(d, 'overlay.yaml')):
        return False
    objs = []
    comments = []
    for f in files:
        objs += load(os.path.join(d, f))
        for c in header(os.path.join(d, f)):
            c = c.split(': kubectl get')[0]
            comments.append(c)
    bk = {key(o): o for o in base}
    ok = {key(o): o for o in objs}
    overlay = {'base': BASE_NAME}
    patch = []
    for k, o in ok.items():
        if k in bk and o != bk[k]:
            dp = diff(bk[k], o)
            meta = {'name': o['metadata']['name']}
            if 'namespace' in o['metadata']:
                meta['namespace'] = o['metadata']['namespace']
            meta.update(dp.pop('metadata', None) or {})
            patch.append({'kind': o['kind'], 'metadata': meta, **dp})
    add = [o for k, o in ok.items() if k not in bk]
    remove = [k for k in bk if k not in ok]
    if patch: overlay['patch'] = patch
    if add: overlay['add'] = add
    if remove: overlay['remove'] = remove
    got = apply(base, copy.deepcopy(overlay))
    # the analysis reads objects by kind and name; order within a kind is kept as the copies had it
    want_order = [key(o) for o in objs]
    got_order = [key(o) for o in got]
    if sorted(got_order) != sorted(want_order) or {key(o): o for o in got} != ok:
        print(f'{name}: overlay does not reproduce the copies; left as it is', file=sys.stderr)
        return False
    if [k for k in got_order if k.startswith('Pod ')] != [k for k in want_order if k.startswith('Pod ')]:
        print(f'{name}: pod order differs; left as it is', file=sys.stderr)
        return False
    text = '\n'.join(comments) + '\n' if comments else ''
    text += '# the base cluster (healthy-basic: Ingress shop/web -> Service web:80 -> two Ready pods), and what differs\n'
    text += yaml.dump(overlay, Dumper=NoAliases, sort_keys=False, default_flow_style=False, width=120)
    with open(os.path.join(d, 'overlay.yaml'), 'w') as f:
        f.write(text)
    for f in files:
        os.remove(os.path.join(d, f))
    return True

if __name__ == '__main__':
    base = load(os.path.join(ROOT, BASE_NAME, 'in-cluster.yaml'))
    names = sys.argv[1:] or sorted(n for n in os.listdir(ROOT) if n != BASE_NAME and os.path.isdir(os.path.join(ROOT, n)))
    done = [n for n in names if convert(n, base)]
    print(f'{len(done)} scenarios rewritten as overlays of {BASE_NAME}')
