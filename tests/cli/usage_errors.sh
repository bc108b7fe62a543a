#!/usr/bin/env bash
# Bad flags and input: one clear line on stderr naming what is wrong, exit 2,
# and nothing on stdout (no work started).
set -uo pipefail
swlab=$1
fail=0
expect_usage() {  # expect_usage "<substring of the message>" args...
  local want=$1; shift
  local out err rc
  out=$("$swlab" "$@" 2>/tmp/swlab_usage_err.$$ </dev/null); rc=$?
  err=$(cat /tmp/swlab_usage_err.$$); rm -f /tmp/swlab_usage_err.$$
  if [ $rc -ne 2 ]; then echo "FAIL: swlab $*: exit $rc, want 2"; fail=1; fi
  if [[ "$err" != *"$want"* ]]; then echo "FAIL: swlab $*: stderr '$err' lacks '$want'"; fail=1; fi
  if [ -n "$out" ]; then echo "FAIL: swlab $*: printed to stdout: $out"; fail=1; fi
}
expect_usage "unknown command 'frobnicate'" frobnicate
expect_usage "unknown engine 'nope'" exec --engine nope
expect_usage "--engine needs a value" exec --engine
expect_usage "unknown option '--bogus'" exec --bogus
expect_usage "cannot open '/nonexistent/script'" exec /nonexistent/script
expect_usage "is given twice" exec --symbols A,B,A
expect_usage "must be 1 to 16 characters" exec --symbols A,,B
expect_usage "outside [A-Za-z0-9._-]" exec --symbols 'A,B C'
expect_usage "unexpected argument 'b' (only 1 FILE allowed)" exec a b
expect_usage "unknown option '--nope'" engines --nope
# swlab run / sweep: every problem is found before a single run starts.
expect_usage "--engine: unknown engine 'nope'" run --engine mutex,nope
expect_usage "--preset: unknown preset 'nope'" run --preset nope
expect_usage "--threads: '0' is not a thread count" run --threads 0
expect_usage "--threads: '-2' is not a thread count" run --threads 1,-2
expect_usage "--duration: 'abc' is not a number above 0, at most 86400" run --duration abc
expect_usage "--duration: '-1' is not a number above 0, at most 86400" run --duration -1
expect_usage "--duration: '100000' is not a number above 0, at most 86400" run --duration 100000
expect_usage "--think: '18446744073709551615' is not a number of ns from 0 to 10000000000" run --think 18446744073709551615
expect_usage "--rate: '1e12' is not a rate from 1 to 1000000000" run --mode open --rate 1e12
expect_usage "--rate: '1e-7' is not a rate from 1 to 1000000000" run --mode open --rate 1e-7
# Decimal only: hexadecimal, infinity and NaN are not numbers here (0x10 is not 16 s).
expect_usage "--duration: '0x10' is not a number" run --duration 0x10
expect_usage "--duration: 'inf' is not a number" run --duration inf
expect_usage "--threads: '0x2' is not a thread count" run --threads 0x2
# The same configuration twice would be one run id for two runs.
expect_usage "--threads: 1 is given twice" run --threads 1,1
expect_usage "--engine: mutex is given twice" run --engine mutex,mutex
expect_usage "--rate: 1000 is given twice" run --mode open --rate 1000,1e3
expect_usage "--preset: balanced is given twice" run --preset balanced,balanced
expect_usage "at most one shard per market" run --engine sharded-mutex:shards=9 --markets 8
expect_usage "option channel given twice" run --engine single-writer:channel=spsc:channel=disruptor
# What a flag would make the process allocate is bounded before it allocates.
expect_usage "need about 625000 MB of state" run --markets 4096 --accounts 1000000
expect_usage "more than 4096 symbols" exec --symbols "$(seq -s, -f 'S%g' 0 4096)"
expect_usage "--threads given twice" run --threads 1 --threads 2
expect_usage "--capacity: '0': capacity must be 1..16777216" run --capacity 0
expect_usage "has no option 'bogus' (it takes channel, reply, wait" run --engine single-writer:bogus=1
expect_usage "option channel=x: channel must be one of spsc, moodycamel" run --engine single-writer:channel=x
expect_usage "--window 4: engine 'mutex' completes inline" run --engine mutex --window 4
expect_usage "--rate needs --mode open" run --rate 1000
expect_usage "--mode open needs --rate" run --mode open
expect_usage "--mode: 'half' is not one of closed, open, service" sweep --mode half
expect_usage "--find-knee needs --mode open" sweep --find-knee 100
expect_usage "--repetitions: '0'" sweep --repetitions 0
expect_usage "--warmup needs a value" run --warmup
expect_usage "unexpected argument 'extra'" run extra
expect_usage "--out: cannot write to '/proc/swlab'" run --out /proc/swlab --engine mutex --threads 1
expect_usage "--zipf: 'x'" run --zipf x
# The service shape and command work (docs/methodology.md).
expect_usage "--mode service needs --connections M" run --mode service --workers 2
expect_usage "--mode service: the threads are --workers" run --mode service --connections 8 --threads 2
expect_usage "--connections needs --mode service" run --connections 8
expect_usage "--workers needs --mode service" run --workers 2
expect_usage "--workers 9: more workers than --connections 8" run --mode service --connections 8 --workers 2,9
expect_usage "--mode service: each connection has one request in flight" run --mode service --connections 8 --workers 2 --window 4 --engine single-writer
expect_usage "--connections: '0'" run --mode service --connections 0
expect_usage "--work-ns: '20000000'" run --work-ns 20000000
expect_usage "--parallel-work-ns: 'x'" run --parallel-work-ns x
expect_usage "--rate needs --mode open" run --mode service --connections 4 --workers 1 --rate 1000
# swlab explain: the same checks, before any probe runs.
expect_usage "--engine: unknown engine 'nope'" explain --engine nope
expect_usage "option channel=x: channel must be one of spsc, moodycamel" explain --engine single-writer:channel=x
expect_usage "--preset: 'nope' is not one of" explain --preset nope
expect_usage "--duration: '0' is not a number" explain --duration 0
expect_usage "--duration: 'abc' is not a number" explain --duration abc
expect_usage "unknown option '--bogus'" explain --bogus
expect_usage "--json needs a value" explain --json
expect_usage "--json: " explain --json /nonexistent-dir/budget.json
ln -sf /tmp/swlab_explain_target.$$ /tmp/swlab_explain_link.$$
expect_usage "symbolic link" explain --json /tmp/swlab_explain_link.$$
rm -f /tmp/swlab_explain_link.$$ /tmp/swlab_explain_target.$$

# A protocol error is not a usage error: the run goes on and exits 1.
out=$(printf 'bogus\ntop S0\n' | "$swlab" exec --engine mutex); rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exec with an error line exited $rc, want 1"; fail=1; }
[ "$out" = $'error line 1: unknown command \'bogus\'\ntop S0 bid=- ask=-' ] || { echo "FAIL: unexpected exec output: $out"; fail=1; }
# Custom symbols are honoured.
out=$(printf 'top AAPL\ntop S0\n' | "$swlab" exec --symbols AAPL,MSFT); rc=$?
[ "$out" = $'top AAPL bid=- ask=-\nerror line 2: unknown symbol \'S0\'' ] || { echo "FAIL: --symbols output: $out"; fail=1; }
exit $fail
