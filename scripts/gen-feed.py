#!/usr/bin/env python3
"""Generate a large JSON Lines feed of articles for throughput and memory measurements.

Articles are built from the shared native English corpora (../shared/corpus/english/*.xz): runs of
consecutive lines grouped into paragraphs, each article with an id, a title, a URL on one of a few
fake sites, and, on most articles of a site, that site's footer paragraph (so boilerplate
discovery has work to do). Deterministic for a given seed.

    python3 scripts/gen-feed.py --size 1G > /tmp/feed-1g.jsonl

Write the output outside the repository: it is measurement data, never committed.
"""
import argparse
import csv
import glob
import io
import json
import lzma
import os
import random
import sys

SITES = [
    ("dagblad-noord.example.nl", "Do you have a tip for our newsroom? Mail us at tips@dagblad-noord.example."),
    ("rheinblick.example.de", "Would you like to receive our newsletter? Sign up for free on our website."),
    ("le-courrier.example.fr", "Follow us on Facebook and Instagram for the latest news from the region."),
    ("el-diario-sur.example.es", "This article was written with the help of our regional correspondents."),
    ("gazzetta-nord.example.it", "Unlimited access to all our articles? Try our digital subscription today."),
    ("worldwire.example.com", "Copyright WorldWire. All rights reserved. Do not republish without permission."),
]


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(s[:-1]) * units[s[-1].upper()]) if s[-1].upper() in units else int(s)


def load_lines(corpus_dir):
    lines = []
    for path in sorted(glob.glob(os.path.join(corpus_dir, "*.xz"))):
        text = lzma.open(path, "rt", encoding="utf-8").read()
        if path.endswith(".csv.xz"):
            for row in csv.DictReader(io.StringIO(text)):
                lines.extend(p.strip() for p in row.get("text", "").split("\n") if p.strip())
        else:
            lines.extend(l.strip() for l in text.split("\n") if 20 <= len(l.strip()) <= 2000)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100M", help="approximate output size (e.g. 100M, 1G)")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "english"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    target = parse_size(args.size)
    lines = load_lines(args.corpus)
    if not lines:
        sys.exit(f"no corpus lines under {args.corpus}")
    rng = random.Random(args.seed)
    out = sys.stdout
    written = 0
    n = 0
    while written < target:
        n += 1
        site, footer = SITES[rng.randrange(len(SITES))]
        start = rng.randrange(len(lines))
        count = rng.randint(12, 40)
        body = lines[start:start + count]
        paragraphs = []
        i = 0
        while i < len(body):
            k = rng.randint(1, 4)
            paragraphs.append(" ".join(body[i:i + k]))
            i += k
        if rng.random() < 0.6:
            paragraphs.append(footer)
        title = " ".join(body[0].split()[:8]) if body else f"Article {n}"
        rec = {
            "id": f"{site.split('.')[0]}-{n:08d}",
            "title": title,
            "url": f"https://www.{site}/news/{n}",
            "text": "\n\n".join(paragraphs),
        }
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
    print(f"gen-feed: {n} articles, {written} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
