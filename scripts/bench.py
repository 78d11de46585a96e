#!/usr/bin/env python3
"""scripts/bench.py LOG OUTDIR CONFIG: turn the in-guest benchmark output
(userland/bench) into a table on stdout and OUTDIR/bench.json + bench.csv.

Fails (exit 1) only if the run itself is broken: no calibration line, a
calibration slope other than 2.00 (then the counters do not count
instructions and no figure means anything), or no "bench-done". Figures
never fail it: benchmarks are not tests.
"""
import json
import os
import sys


def main():
    log, outdir, config = sys.argv[1], sys.argv[2], sys.argv[3]
    rows, calib, done = [], None, False
    with open(log, errors="replace") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "calibration" and len(w) >= 3:
                calib = {"slope": w[1], "cycles": w[2]}
            elif w[0] == "bench" and len(w) == 7:
                rows.append({"op": w[1], "min": int(w[2]), "median": int(w[3]),
                             "max": int(w[4]), "reps": int(w[5]), "batch": int(w[6])})
            elif w[0] == "bench-done":
                done = True
    if calib is None or not done:
        print(f"bench: the benchmark run did not complete; see {log}")
        return 1
    print(f"configuration {config}; calibration slope {calib['slope']} "
          f"instructions/iteration (expected 2.00), {calib['cycles']}")
    print(f"{'operation':<28} {'min':>8} {'median':>8} {'max':>8}   (guest instructions per op)")
    for r in rows:
        print(f"{r['op']:<28} {r['min']:>8} {r['median']:>8} {r['max']:>8}")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump({"config": config, "calibration": calib, "results": rows}, f, indent=1)
    with open(os.path.join(outdir, "bench.csv"), "w") as f:
        f.write("operation,min,median,max,reps,batch\n")
        for r in rows:
            f.write(f"{r['op']},{r['min']},{r['median']},{r['max']},{r['reps']},{r['batch']}\n")
    if calib["slope"] != "2.00":
        print("bench: calibration slope is not 2.00: instret does not count instructions")
        return 1
    print(f"written: {outdir}/bench.json, {outdir}/bench.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
