//! Throughput per pipeline stage and end to end, in bytes per second on one core.
//!
//! The corpus is built from the project's own fixtures (so the bench runs in any clone); set
//! `MTLINT_BENCH_CORPUS` to a text, `.csv`, `.jsonl` or `.xz` file to bench on other text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtlint::check::{Checker, Selection};
use mtlint::detect::{Resources, registry};
use mtlint::ingest::{Article, Articles, InputFormat, expand};
use mtlint::normalise::normalise;
use mtlint::segment::Document;
use std::hint::black_box;

/// At least this much text for the end-to-end bench.
const END_TO_END_BYTES: usize = 50 << 20;
/// Per-stage benches use a slice of it.
const STAGE_BYTES: usize = 4 << 20;

fn base_articles() -> Vec<String> {
    if let Ok(path) = std::env::var("MTLINT_BENCH_CORPUS") {
        let (sources, _) = expand(&[path]);
        let texts: Vec<String> = Articles::new(sources, InputFormat::Auto)
            .filter_map(Result::ok)
            .map(|a| a.text)
            .filter(|t| !t.is_empty())
            .collect();
        if !texts.is_empty() {
            return texts;
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    ["xi-putin-moscow.txt", "mt-short.txt", "native.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{dir}{f}")).expect("fixture exists"))
        .collect()
}

/// Articles totalling at least `bytes`. Each copy gets a distinct first line so the corpus is not
/// one article repeated verbatim.
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

fn stages(c: &mut Criterion) {
    let articles = corpus(STAGE_BYTES);
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(bytes_of(&articles)));
    g.sample_size(10);
    g.bench_function("normalise", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(normalise(&a.text));
            }
        })
    });
    g.bench_function("segment", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(Document::new(&a.text));
            }
        })
    });
    let docs: Vec<Document> = articles.iter().map(|a| Document::new(&a.text)).collect();
    let resources = Resources::load(&[]).expect("embedded lexicons load");
    for d in registry(&resources) {
        g.bench_function(format!("detect/{}", d.id()), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(d.check(doc));
                }
            })
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let articles = corpus(END_TO_END_BYTES);
    let resources = Resources::load(&[]).expect("embedded lexicons load");
    let checker = Checker::new(&resources, Selection::default(), Default::default());
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Bytes(bytes_of(&articles)));
    g.sample_size(10);
    g.bench_function("check_one_core", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(checker.check(a, &a.id));
            }
        })
    });
    g.finish();
}

fn model_load(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.sample_size(20);
    g.bench_function("load_embedded", |b| {
        b.iter(|| black_box(mtlint::model::Model::embedded().expect("embedded model loads")))
    });
    g.finish();
}

criterion_group!(benches, stages, end_to_end, model_load);
criterion_main!(benches);
