//! mtlint finds the artifacts of machine translation in English text.
//!
//! The pipeline, one module per stage: [`ingest`] → [`normalise`] → [`segment`] → [`detect`] →
//! [`score`] → [`report`]; [`check`] runs it on one article and [`run`] over many. [`output`]
//! writes every stdout format (human, CSV, JSON, JSON Lines, SARIF, GitHub); [`config`],
//! [`suppress`], [`baseline`] and [`rules`] serve CI use.

pub mod detect;
pub mod error;
pub mod finding;
pub mod lexicon;
pub mod model;
pub mod normalise;
pub mod segment;

pub use error::{Error, Result};
pub use finding::{Category, Finding, Severity};
pub mod baseline;
pub mod check;
pub mod config;
pub mod eval;
pub mod feed;
pub mod html;
pub mod ingest;
pub mod output;
pub mod report;
pub mod rules;
pub mod run;
pub mod score;
mod spill;
pub mod suppress;
pub mod window;
