#!/bin/bash
# What a page costs the machine beside the training it shows: opens URL in headless Chromium (as
# StudioOverhead does), lets it load for SETTLE seconds, then counts over SECONDS the CPU time and
# the wake-ups (voluntary context switches) of every Chromium thread, and prints the busy ones and
# the totals. On a 2-core host each wake-up can preempt a training thread, so both figures matter.
#
#   bin/gatun studio --port 18556 &                        # prints URL
#   bin/gatun train configs/fashion-mlp.yaml --live --epochs 200 &
#   bench/tools/browser_wakeups.sh 'URL#live-runs' 12
#
# Linux only (/proc); needs /usr/bin/chromium.
set -euo pipefail
url=${1:?usage: browser_wakeups.sh URL [SECONDS] [SETTLE]}
seconds=${2:-12}
settle=${3:-12}
ticks=$(getconf CLK_TCK)

chromium --headless=new --no-sandbox --disable-gpu --no-proxy-server --window-size=1400,1000 \
  --remote-debugging-port=0 "$url" >/dev/null 2>&1 &
browser=$!
trap 'kill $browser 2>/dev/null; pkill -P $browser 2>/dev/null || true' EXIT
sleep "$settle"

# One line a thread: pid/tid name cpu-ticks voluntary-switches
snapshot() {
  for p in $browser $(pgrep -P $browser) $(pgrep -f 'chromium.*--type=' || true); do
    for t in /proc/$p/task/*; do
      [ -r "$t/stat" ] || continue
      cpu=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null) || continue
      woke=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null) || continue
      echo "$p/$(basename "$t") $(tr ' ' _ < "$t/comm") $cpu $woke"
    done
  done | sort -u
}

snapshot > /tmp/browser-wakeups.$$.a
sleep "$seconds"
snapshot > /tmp/browser-wakeups.$$.b
join <(sort /tmp/browser-wakeups.$$.a) <(sort /tmp/browser-wakeups.$$.b) | awk -v s="$seconds" -v hz="$ticks" '
  { cpu = ($6 - $3) / hz / s * 100; woke = ($7 - $4) / s
    if (cpu > 0.05 || woke > 5) printf "%-14s %-16s %5.1f%% of a core  %6.1f wake-ups/s\n", $1, $2, cpu, woke
    tc += cpu; tw += woke }
  END { printf "Chromium in all: %.1f%% of a core, %.0f wake-ups a second\n", tc, tw }'
rm -f /tmp/browser-wakeups.$$.a /tmp/browser-wakeups.$$.b
