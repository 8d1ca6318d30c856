#!/usr/bin/env bash
# Builds every fuzz target once, then runs each in turn, one job at a time (the machine is
# shared): `fuzz/run-all.sh [SECONDS] [TARGET...]`. Corpora grow under fuzz/corpus/ (not
# committed), seeded from fuzz/seeds/; crashes land in fuzz/artifacts/<target>/; logs in
# fuzz/logs/. Needs cargo-fuzz; on stable Rust, RUSTC_BOOTSTRAP=1 lets it use -Zsanitizer.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check normalise segment decode suppress jsonl csv_input html lexicon config baseline model xml)
seed_of() {
  case $1 in
    check | normalise | segment | decode) echo text ;;
    suppress) echo "suppress text" ;;
    xml) echo "" ;;
    *) echo "$1" ;;
  esac
}
export RUSTC_BOOTSTRAP=1
nice -n 10 cargo fuzz build -O || exit 1
bin=${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  for s in $(seed_of "$t"); do cp -n seeds/"$s"/* "corpus/$t/"; done
  # HTML pages are also seeded from the test suite's web fixtures.
  [ "$t" = html ] && cp -n ../tests/fixtures/web/*.html "corpus/$t/"
  # XML inputs are seeded from the feed, XLIFF and TMX fixtures.
  [ "$t" = xml ] && cp -n ../tests/fixtures/web/*.{rss,atom,xml} ../tests/fixtures/bilingual/* "corpus/$t/"
  echo "== $t $(date -u +%FT%TZ)"
  nice -n 10 "$bin/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$secs" \
    -rss_limit_mb=2048 -timeout=10 -max_len=16384 -print_final_stats=1 "corpus/$t" \
    >"logs/$t.log" 2>&1
  echo "   exit $? $(grep -E '^Done|stat::number_of_executed_units|SUMMARY|ERROR' "logs/$t.log" | tr '\n' ' ')"
done
