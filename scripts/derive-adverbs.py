#!/usr/bin/env python3
"""Derive lexicons/adverbs.csv, the word list of the `oddity.adverb` rule, from WordNet 3.0.

Rows (header `adjective,adverb`): an adjective and its -ly adverb, both single words of
letters: the adverb WordNet derives from the adjective (its "derived from adjective" pointer:
angry → angrily, true → truly, whole → wholly), or else the adjective's regular -ly form if
WordNet knows it as an adverb (WordNet's pointers miss many: basic → basically, rapid →
rapidly, correct → correctly). The regular forms: +ly; consonant + y → ily (happy →
happily); consonant + le → ly (possible → possibly); ic → ically; ue → uly (true → truly);
ll → lly (full → fully). Left out: adverbs the CMU Sphinx US-English LM gives a probability
below 10^-7 (too rare to make the pair counts the rule asks for); adjectives ending in -ly
("friendly", "early": one form serves as both); and adjectives that are a verb's -ed or -ing
form or an irregular verb form ("concerned", "according", "done": after a verb such a word is
often a participle, not an adjective). A derived adverb must begin with the adjective's letters
but its last two (WordNet links "even" to "regularly", a synonym, not its form). "due" is left
out by hand (see EXCLUDED). Where an adjective has several -ly adverbs, the most frequent is
kept.

    apt-get install wordnet-base    # WordNet 3.0 database files in /usr/share/wordnet
    python3 scripts/derive-adverbs.py --wordnet /usr/share/wordnet \
        --unigrams ../shared/ngrams/en-us-lm-unigrams.tsv.xz > lexicons/adverbs.csv

Deterministic: rows sorted by adjective.
"""
import argparse
import csv
import lzma
import os
import re
import sys

MIN_ADVERB = -7.0

# Adjectives whose -ly word is not their adverb in use: "due" is nearly always "due to" (a
# preposition: "consumption due to the crisis"), and "duly" means "properly", not "in a due way".
EXCLUDED = {"due"}


def words(fields):
    """The lemmas of a WordNet data line's fields, lowercased, markers like (a) removed."""
    count = int(fields[3], 16)
    return [re.sub(r"\(.*\)$", "", fields[4 + 2 * i].lower()) for i in range(count)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--unigrams", required=True, help="CMU LM unigrams: word<TAB>log10 P")
    args = ap.parse_args()

    logp = {}
    with lzma.open(args.unigrams, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            try:
                logp[parts[0]] = float(parts[1])
            except (IndexError, ValueError):
                sys.exit(f"{args.unigrams}: bad row {line!r}")

    def data(pos):
        out = {}
        with open(os.path.join(args.wordnet, "data." + pos), encoding="latin-1") as f:
            for line in f:
                if not line.startswith("  "):
                    fields = line.split()
                    out[fields[0]] = fields
        return out

    adjectives, adverbs = data("adj"), data("adv")

    def indexed(pos):
        with open(os.path.join(args.wordnet, "index." + pos), encoding="latin-1") as f:
            return {l.split()[0] for l in f if not l.startswith("  ")}

    verbs, adverb_lemmas = indexed("verb"), indexed("adv")
    with open(os.path.join(args.wordnet, "verb.exc"), encoding="latin-1") as f:
        irregular = {l.split()[0] for l in f if l.strip()}

    def participle(w):
        if w in irregular:
            return True
        for suffix in ("ed", "ing"):
            if w.endswith(suffix):
                stem = w[: -len(suffix)]
                if {stem, stem + "e", stem[:-1], w[:-1]} & verbs:
                    return True
        return False

    def regular(a):
        """The adjective's -ly forms by the spelling rules."""
        out = [a + "ly"]
        if len(a) > 2 and a.endswith("y") and a[-2] not in "aeiou":
            out.append(a[:-1] + "ily")
        if len(a) > 3 and a.endswith("le") and a[-3] not in "aeiou":
            out.append(a[:-1] + "y")
        if a.endswith("ic"):
            out.append(a + "ally")
        if a.endswith("ue"):
            out.append(a[:-1] + "ly")
        if a.endswith("ll"):
            out.append(a + "y")
        return out

    def usable(adj, adv):
        return (
            adj.isascii()
            and adj.isalpha()
            and adv.isascii()
            and adv.isalpha()
            and adv.endswith("ly")
            and not adj.endswith("ly")
            and adj != adv
            and adv.startswith(adj[: max(2, len(adj) - 2)])
            and not participle(adj)
            and adj not in EXCLUDED
            and logp.get(adv, -99.0) >= MIN_ADVERB
        )

    def keep(table, adj, adv):
        if adj not in table or (logp[adv], adv) > (logp[table[adj]], table[adj]):
            table[adj] = adv

    best = {}
    for fields in adverbs.values():
        lemmas = words(fields)
        at = 4 + 2 * len(lemmas)
        for p in range(int(fields[at])):
            symbol, offset, pos, st = fields[at + 1 + 4 * p : at + 5 + 4 * p]
            if symbol != "\\" or pos not in ("a", "s") or offset not in adjectives:
                continue
            source, target = int(st[:2], 16), int(st[2:], 16)
            targets = words(adjectives[offset])
            pairs = []
            for i, adv in enumerate(lemmas, 1):
                if source not in (0, i):
                    continue
                for j, adj in enumerate(targets, 1):
                    if target in (0, j):
                        pairs.append((adj, adv))
            for adj, adv in pairs:
                if usable(adj, adv):
                    keep(best, adj, adv)
    derived = {}
    for adj in indexed("adj"):
        if adj not in best:
            for adv in regular(adj):
                if adv in adverb_lemmas and usable(adj, adv):
                    keep(derived, adj, adv)
    best.update(derived)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adjective", "adverb"])
    for adj in sorted(best):
        out.writerow([adj, best[adj]])


if __name__ == "__main__":
    main()
