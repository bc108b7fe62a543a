#!/usr/bin/env bash
# Issue 25, "scripts/chaos.sh's read-only faults inject nothing as root": a fault
# whose writer never acknowledged a command (refused at start-up, as nobody in a
# root-owned directory) was still counted, and counted "recovered". Here every
# writer after the first is refused at once and acknowledges nothing, so the
# faults that need a running writer (kill-9, second-writer, full-disk, read-only)
# cannot be injected: chaos.sh must report each as not injected and count none of
# them, and go on until its faults were injected (the damage faults need no writer).
set -uo pipefail
swlab=$1
chaos=$2
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# A swlab whose first `run` is real and every later one is refused, acknowledging nothing.
cat > "$tmp/swlab" <<EOF
#!/usr/bin/env bash
if [ "\$1" = run ] && [ -e "$tmp/first-run-done" ]; then
  echo "swlab run: refused (the chaos_counts stub: this writer acknowledges nothing)" >&2
  exit 1
fi
[ "\$1" = run ] && touch "$tmp/first-run-done"
exec "$swlab" "\$@"
EOF
chmod 755 "$tmp/swlab"

out=$(timeout 600 bash "$chaos" --faults 4 --seed 11 "$tmp/swlab" 2>"$tmp/err")
rc=$?
line=$(grep '^  faults:' <<<"$out")
for kind in kill-9 second-writer full-disk read-only; do
  [[ "$line" == *" $kind 0"* ]] || bad "$kind counted although no writer ever acknowledged: $line"
done
truncate=$(sed -n 's/.* truncate \([0-9]*\).*/\1/p' <<<"$line")
flip=$(sed -n 's/.* bit-flip \([0-9]*\).*/\1/p' <<<"$line")
[ $((truncate + flip)) -eq 4 ] || bad "4 faults asked, $truncate + $flip damage faults injected: $out"
grep -q '^chaos: 4 faults injected' <<<"$out" || bad "the tally does not say 4 injected: $out"
skipped=$(grep -c 'not injected: ' "$tmp/err")
[ "$skipped" -gt 0 ] || bad "no fault was reported as not injected: $(tail -5 "$tmp/err")"
grep -q "^  not injected $skipped " <<<"$out" || bad "the tally's not-injected count is not $skipped: $out"
recovered=$(sed -n 's/.*recovered \([0-9]*\), refused \([0-9]*\),.*/\1 \2/p' <<<"$out")
read -r r f <<<"$recovered"
[ $((r + f)) -eq 4 ] || bad "recovered $r + refused $f is not the 4 injected faults: $out"
[ $rc -eq 0 ] || bad "chaos.sh exited $rc: $out $(tail -5 "$tmp/err")"
exit $fail
