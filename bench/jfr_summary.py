#!/usr/bin/python3
"""Where ftp-alg's threads spend their time, from a JFR recording (scripts/bench-e2e --jfr):

  jfr_summary.py RECORDING.jfr [TOP]

Counts jdk.ExecutionSample (Java code running) and jdk.NativeMethodSample (in a native call: poll, sendto,
...) per thread, then per thread the TOP frames (top of stack, and the first io.ftpalg frame below it)."""
import collections
import json
import subprocess
import sys

rec = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 8
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "40", "--events",
                      "jdk.ExecutionSample,jdk.NativeMethodSample", rec],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]


def name(f):
    m = f["method"]
    return f'{m["type"]["name"].split(".")[-1]}.{m["name"]}:{f.get("lineNumber", "?")}'


per_thread = collections.Counter()
frames = collections.defaultdict(collections.Counter)
ours = collections.defaultdict(collections.Counter)
for e in events:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or "?"
    kind = "java" if e["type"] == "jdk.ExecutionSample" else "native"
    st = (v.get("stackTrace") or {}).get("frames") or []
    per_thread[(t, kind)] += 1
    if st:
        frames[(t, kind)][name(st[0])] += 1
        own = next((f for f in st if f["method"]["type"]["name"].startswith("io.ftpalg")), None)
        if own:
            ours[(t, kind)][name(own)] += 1
total = sum(per_thread.values())
print(f"{total} samples")
for (t, kind), n in per_thread.most_common():
    if n < total * 0.01:
        continue
    print(f"\n{t} [{kind}] {n} samples ({100 * n / total:.0f} %)")
    for f, c in frames[(t, kind)].most_common(top):
        print(f"   {100 * c / n:5.1f} %  top {f}")
    for f, c in ours[(t, kind)].most_common(top // 2):
        print(f"   {100 * c / n:5.1f} %  in  {f}")
