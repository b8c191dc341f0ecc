"""The paper's stack as a peer for `npm run bench -w @actnas/cli`: PuLP + CBC (Debian's
python3-pulp and coinor-cbc) on the same cost tables, the same budget, top-k with a minimum
Hamming distance between proposals (one cut per earlier proposal), as one process.

usage: python3 pulp-peer.py DIR K D MAX_ACCURACY_DROP   (DIR holds latency.csv, accuracy.csv)
prints the proposals' objectives as JSON.
"""
import csv
import json
import sys

import pulp


def read(path):
    cells = {}
    reference = None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            cells[(row["layer"], row["activation"])] = float(row["delta"])
            reference = float(row["reference"])
    return reference, cells


def main():
    folder, k, d, drop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    lat_ref, lat = read(f"{folder}/latency.csv")
    _, acc = read(f"{folder}/accuracy.csv")
    sites = list(dict.fromkeys(s for s, _ in lat))
    acts = list(dict.fromkeys(a for _, a in lat))
    prob = pulp.LpProblem("actnas", pulp.LpMinimize)
    x = {(s, a): pulp.LpVariable(f"x_{i}_{j}", cat="Binary") for i, s in enumerate(sites) for j, a in enumerate(acts) if (s, a) in lat}
    prob += lat_ref + pulp.lpSum(lat[key] * v for key, v in x.items())
    for s in sites:
        prob += pulp.lpSum(v for (site, _), v in x.items() if site == s) == 1
    prob += pulp.lpSum(acc.get(key, 0.0) * v for key, v in x.items()) >= -drop
    objectives = []
    for _ in range(k):
        status = prob.solve(pulp.COIN_CMD(msg=False))
        if pulp.LpStatus[status] != "Optimal":
            break
        objectives.append(pulp.value(prob.objective))
        chosen = [key for key, v in x.items() if v.value() > 0.5]
        prob += pulp.lpSum(x[key] for key in chosen) <= len(sites) - d
    print(json.dumps({"objectives": objectives}))


main()
