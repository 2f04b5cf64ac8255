"""Zero-shot accuracy per field with modified weights: python zsw.py PKL 'ADDRESS_WEIGHTS[holds_code]=-0.4' ..."""
import sys, copy
import numpy as np
from evalc import *
from extraction.fields.general import zeroshot as Z
from extraction.fields.general.candidates import Proposal
data = load(sys.argv[1])
def evaluate():
    out = {}
    for fname, entries in data["by_field"].items():
        kind, is_list = data["kinds"][fname], data["is_list"][fname]
        if is_list: continue
        ok = tot = 0
        for e in entries:
            if e.table is None: tot += 1; continue
            s = Z.score(e.table)
            v = e.table.proposals[int(np.argmax(s))].value
            ok += T._correct(kind, e.label, v, False); tot += 1
        out[fname] = (ok, tot)
    return out
base = evaluate()
for spec in sys.argv[2:]:
    table, rest = spec.split("[", 1); name, val = rest.split("]=")
    getattr(Z, table)[name] = float(val)
new = evaluate()
for f in base:
    print(f, base[f], "->", new[f])
