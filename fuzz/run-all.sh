#!/usr/bin/env bash
# Runs every fuzz target in turn, one job each (the machine is shared): `fuzz/run-all.sh [SECONDS]
# [TARGET...]`. Corpora grow under fuzz/corpus/ (not committed), seeded from fuzz/seeds/; crashes
# land in fuzz/artifacts/<target>/; logs in fuzz/logs/.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check normalise segment decode suppress jsonl csv_input lexicon config baseline)
seed_of() {
  case $1 in
    check | normalise | segment | decode) echo text ;;
    suppress) echo "suppress text" ;;
    *) echo "$1" ;;
  esac
}
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  for s in $(seed_of "$t"); do cp -n seeds/"$s"/* "corpus/$t/"; done
  echo "== $t $(date -u +%FT%TZ)"
  RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=16384 -print_final_stats=1 \
    >"logs/$t.log" 2>&1
  echo "   exit $? $(grep -E '^Done|stat::number_of_executed_units' "logs/$t.log" | tr '\n' ' ')"
done
