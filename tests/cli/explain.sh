#!/usr/bin/env bash
# swlab explain, short: the table names every part of a single-writer budget and the
# residual, a lock engine's budget says what it is made of, and the JSON parses with
# parts + residual = total.
set -uo pipefail
swlab=$1
plot=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
"$swlab" explain --engine single-writer,mutex --duration 0.2 --json "$dir/budget.json" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; cat "$dir/err"; fail=1; }
for want in "floor (cross-core ping-pong) before" "line transfers" "queue operations" "reply operations" \
            "book work" "generator" \
            "wake-ups" "engine alone" "residual (unexplained)" "total (end to end, 1 client)" "floor (one cross-core round trip)" \
            "not a single writer" "its floor"; do
  grep -qF "$want" "$dir/out" || { echo "FAIL: the table lacks '$want'"; fail=1; }
done
/usr/bin/python3 - "$dir/budget.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["budget_version"] == 1, d["budget_version"]
assert d["placement"] in ("near", "far"), d["placement"]
assert len(d["configurations"]) == 2, len(d["configurations"])
for c in d["configurations"]:
    s = sum(p["p50_ns"] for p in c["parts"]) + c["residual"]["p50_ns"]
    assert s == c["total"]["p50_ns"], (c["spec"], s, c["total"]["p50_ns"])
for c in d["configurations"]:  # each configuration bracketed by two floor probes of its own
    assert c["placement"] in ("near", "far") and isinstance(c["unstable"], bool), c["spec"]
    assert c["floor_before"]["round_trip"]["p50_ns"] > 0 and c["floor_after"]["round_trip"]["p50_ns"] > 0, c["spec"]
assert d["configurations"][0]["floor_after"] == d["configurations"][1]["floor_before"], "one probe between two"
sw = d["configurations"][0]
assert sw["single_writer"] and sw["transfers"] == 3, sw["transfers"]  # the default: the slot, the reply line both ways
PY
/usr/bin/python3 "$plot" "$dir/budget.json" -o "$dir/budget.png" || { echo "FAIL: budget_plot.py"; fail=1; }
[ -s "$dir/budget.png" ] || { echo "FAIL: no figure"; fail=1; }
exit $fail
