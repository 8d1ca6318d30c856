//! Throughput per pipeline stage and end to end, in MB/s (10^6 bytes of article text per
//! second) on one core unless the bench name says otherwise.
//!
//! The corpus is mixed news text of at least 50 MB. It is built from, in order of preference:
//! `MTLINT_BENCH_CORPUS` (a text, `.csv`, `.jsonl` or `.xz` file); the shared corpora next to
//! the repository when present (`../shared`: Wikinews articles, Wikipedia current-events
//! summaries and machine-translated articles); otherwise the project's own fixtures and the
//! example and native sentences of every lexicon entry, so the bench runs in any clone. Each copy
//! of an article gets a distinct first line, so the corpus is not one article repeated verbatim.
//!
//! Groups: `stage/*` (ingest, normalise, segment, each detector, score, report and output
//! writing, on 4 MB), `end_to_end/*` (the whole check on ≥ 50 MB, with the default detectors
//! and with the experimental `oddity` detector too) and `threads/*` (the same with a pool of 1
//! and 2 worker threads, as `mtlint check -j1/-j2` runs it; divide by the thread count for MB/s
//! per core).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtlint::check::{Checker, Selection};
use mtlint::detect::{DETECTOR_IDS, Resources, registry};
use mtlint::ingest::{Article, Articles, InputFormat, expand};
use mtlint::normalise::normalise;
use mtlint::output::{Emitter, OutputFormat};
use mtlint::segment::Document;
use rayon::prelude::*;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// At least this much text for the end-to-end benches.
const END_TO_END_BYTES: usize = 50_000_000;
/// Per-stage benches use a slice of it.
const STAGE_BYTES: usize = 4_000_000;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_all(paths: &[PathBuf]) -> Vec<String> {
    let inputs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let (sources, _) = expand(&inputs);
    Articles::new(sources, InputFormat::Auto)
        .filter_map(Result::ok)
        .map(|a| match a.title {
            Some(t) if !t.is_empty() => format!("{t}\n{}", a.text),
            _ => a.text,
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// Lines grouped into articles of `per` lines (one-line summaries, one-sentence examples).
fn group_lines(text: &str, per: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines.chunks(per).map(|c| c.join("\n")).collect()
}

/// Mixed news from `../shared`, when it is there.
fn shared_articles() -> Vec<String> {
    let shared = manifest().join("../shared");
    let english = shared.join("corpus/english");
    if !english.is_dir() {
        return Vec::new();
    }
    let mut out = read_all(&[english.join("wikinews-2019.csv.xz")]);
    for summaries in read_all(&[english.join("wikipedia-current-events.txt.xz")]) {
        out.extend(group_lines(&summaries, 30));
    }
    out.extend(read_all(&[shared.join("dev/mt")]));
    out
}

/// The fixtures and every lexicon entry's example and native sentence.
fn own_articles() -> Vec<String> {
    let fixtures = manifest().join("tests/fixtures");
    let mut out = read_all(&[
        fixtures.join("xi-putin-moscow.txt"),
        fixtures.join("mt-short.txt"),
        fixtures.join("native.txt"),
        fixtures.join("feed.jsonl"),
    ]);
    if let Ok(lexicon) = mtlint::lexicon::entry::Lexicon::embedded() {
        let sentences: String = lexicon
            .entries()
            .iter()
            .flat_map(|e| [&*e.row.example, &*e.row.native])
            .map(|s| format!("{s}\n"))
            .collect();
        out.extend(group_lines(&sentences, 25));
    }
    out
}

fn base_articles() -> Vec<String> {
    if let Ok(path) = std::env::var("MTLINT_BENCH_CORPUS") {
        let texts = read_all(&[PathBuf::from(path)]);
        if !texts.is_empty() {
            return texts;
        }
    }
    let shared = shared_articles();
    if !shared.is_empty() {
        return shared;
    }
    own_articles()
}

/// Articles totalling at least `bytes`.
fn corpus(bytes: usize) -> Vec<Article> {
    let base = base_articles();
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < bytes {
        let text = format!("Report number {i} from the wire\n{}", base[i % base.len()]);
        total += text.len();
        out.push(Article {
            id: format!("a{i}"),
            text,
            ..Article::default()
        });
        i += 1;
    }
    out
}

fn bytes_of(articles: &[Article]) -> u64 {
    articles.iter().map(|a| a.text.len() as u64).sum()
}

fn all_detectors() -> Selection {
    let all: Vec<String> = DETECTOR_IDS.iter().map(|s| s.to_string()).collect();
    Selection::parse(&all, &[]).expect("detector ids are valid")
}

fn stages(c: &mut Criterion) {
    let articles = corpus(STAGE_BYTES);
    let bytes = bytes_of(&articles);
    let resources = Resources::load(&[]).expect("embedded lexicons load");
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::BytesDecimal(bytes));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));

    // Ingest: JSON Lines parsing and decoding, from a file as `mtlint check feed.jsonl` reads it.
    let dir = tempfile::tempdir().expect("temporary directory");
    let feed = dir.path().join("feed.jsonl");
    let lines: String = articles
        .iter()
        .map(|a| format!("{}\n", serde_json::json!({"id": a.id, "text": a.text})))
        .collect();
    std::fs::write(&feed, lines).expect("temporary file is writable");
    g.bench_function("ingest/jsonl", |b| {
        b.iter(|| {
            let (sources, _) = expand(&[feed.display().to_string()]);
            for a in Articles::new(sources, InputFormat::Auto) {
                black_box(a.ok());
            }
        })
    });
    g.bench_function("normalise", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(normalise(&a.text));
            }
        })
    });
    // Segmentation includes normalisation (a `Document` owns its normalised text).
    g.bench_function("segment", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(Document::new(&a.text));
            }
        })
    });
    let docs: Vec<Document> = articles.iter().map(|a| Document::new(&a.text)).collect();
    for d in registry(&resources) {
        g.bench_function(format!("detect/{}", d.id()), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(d.check(doc));
                }
            })
        });
    }
    g.bench_function("evidence", |b| {
        b.iter(|| {
            for doc in &docs {
                black_box(resources.foreign.evidence(doc));
            }
        })
    });
    drop(docs);
    // Score and write: from the findings of a full check.
    let checker = Checker::new(&resources, Selection::default(), Default::default());
    let checked: Vec<_> = articles.iter().map(|a| checker.check(a, &a.id)).collect();
    let thresholds = Default::default();
    g.bench_function("score", |b| {
        b.iter(|| {
            for c in &checked {
                let s = &c.summary;
                black_box(mtlint::score::summarise(
                    &s.article,
                    &s.path,
                    s.words,
                    s.sentences,
                    &c.findings,
                    &thresholds,
                ));
            }
        })
    });
    g.bench_function("report/csv", |b| {
        b.iter(|| {
            for c in &checked {
                mtlint::report::write_findings_csv(std::io::sink(), &c.findings)
                    .expect("writing to a sink succeeds");
            }
        })
    });
    for (name, format) in [
        ("jsonl", OutputFormat::JsonLines),
        ("human", OutputFormat::Human),
    ] {
        g.bench_function(format!("output/{name}"), |b| {
            b.iter(|| {
                let mut e = Emitter::new(format, false, &[]);
                let mut out = std::io::sink();
                for c in &checked {
                    e.article(&mut out, "a.txt", "a", &c.summary, &c.findings)
                        .expect("writing to a sink succeeds");
                }
            })
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let articles = corpus(END_TO_END_BYTES);
    let resources = Resources::load(&[]).expect("embedded lexicons load");
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::BytesDecimal(bytes_of(&articles)));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    for (name, selection) in [
        ("default_one_core", Selection::default()),
        ("with_oddity_one_core", all_detectors()),
    ] {
        let checker = Checker::new(&resources, selection, Default::default());
        g.bench_function(name, |b| {
            b.iter(|| {
                for a in &articles {
                    black_box(checker.check(a, &a.id));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("threads");
    g.throughput(Throughput::BytesDecimal(bytes_of(&articles)));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    let checker = Checker::new(&resources, Selection::default(), Default::default());
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        g.bench_function(format!("default_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    articles.par_iter().for_each(|a| {
                        black_box(checker.check(a, &a.id));
                    })
                })
            })
        });
    }
    g.finish();
}

fn start_up(c: &mut Criterion) {
    let mut g = c.benchmark_group("start_up");
    g.sample_size(20);
    g.bench_function("resources_load", |b| {
        b.iter(|| black_box(Resources::load(&[]).expect("embedded lexicons load")))
    });
    g.bench_function("model_load_embedded", |b| {
        b.iter(|| black_box(mtlint::model::Model::embedded().expect("embedded model loads")))
    });
    g.finish();
}

criterion_group!(benches, start_up, stages, end_to_end);
criterion_main!(benches);
