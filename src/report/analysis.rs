//! The decision-analysis files: comparison.csv, precision.csv,
//! crossover.csv, sensitivity.csv.

use std::path::Path;

use anyhow::{Context, Result};

use super::csv::{money, prob};
use crate::engine::Results;
use crate::stats::analysis::{self, Crossover, PairComparison, Precision, Sensitivity};
use crate::stats::{MonthBand, Summary};

fn month(m: Option<usize>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn write<I, R>(path: &Path, header: &[&str], rows: I) -> Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_record(header)?;
    for r in rows {
        w.write_record(r.into_iter().collect::<Vec<String>>())?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Everything the analysis files hold, for the report.
pub struct Analysis {
    pub comparisons: Vec<PairComparison>,
    pub precision: Vec<Precision>,
    pub crossovers: Vec<Crossover>,
    pub sensitivity: Sensitivity,
}

/// Computes the analyses of a run.
pub fn analyse(r: &Results, summaries: &[Summary], bands: &[MonthBand]) -> Analysis {
    Analysis {
        comparisons: analysis::paired_comparisons(r),
        precision: analysis::precision(r),
        crossovers: analysis::crossovers(bands, r.n_strategies(), r.agg.horizon),
        sensitivity: analysis::sensitivity(r, summaries),
    }
}

/// Writes the four analysis files into `dir`.
pub fn write_all(
    dir: &Path,
    r: &Results,
    summaries: &[Summary],
    bands: &[MonthBand],
) -> Result<Analysis> {
    let a = analyse(r, summaries, bands);
    write(
        &dir.join("comparison.csv"),
        &[
            "strategy_a",
            "strategy_b",
            "trials",
            "mean_a_minus_b",
            "ci95_low",
            "ci95_high",
            "p50_a_minus_b",
            "prob_a_cheaper",
            "prob_tie",
            "prob_b_cheaper",
        ],
        a.comparisons.iter().map(|c| {
            [
                c.a_name.clone(),
                c.b_name.clone(),
                c.trials.to_string(),
                money(c.mean),
                money(c.ci_low),
                money(c.ci_high),
                money(c.median),
                prob(c.p_a_cheaper),
                prob(c.p_tie),
                prob(c.p_b_cheaper),
            ]
        }),
    )?;
    write(
        &dir.join("precision.csv"),
        &[
            "strategy",
            "trials",
            "statistic",
            "estimate",
            "se",
            "ci95_low",
            "ci95_high",
        ],
        a.precision.iter().flat_map(|p| {
            let mean = [
                p.name.clone(),
                p.trials.to_string(),
                "mean".into(),
                money(p.mean),
                money(p.mean_se),
                money(p.mean_ci_low),
                money(p.mean_ci_high),
            ];
            let qs = [("p10", &p.p10), ("p50", &p.p50), ("p90", &p.p90)].map(|(n, q)| {
                [
                    p.name.clone(),
                    p.trials.to_string(),
                    n.to_string(),
                    money(q.estimate),
                    money(q.se),
                    money(q.ci_low),
                    money(q.ci_high),
                ]
            });
            std::iter::once(mean).chain(qs)
        }),
    )?;
    write(
        &dir.join("crossover.csv"),
        &["strategy_a", "strategy_b", "median_month", "mean_month"],
        a.crossovers.iter().map(|c| {
            [
                r.strategies[c.a].clone(),
                r.strategies[c.b].clone(),
                month(c.median_month),
                month(c.mean_month),
            ]
        }),
    )?;
    write(
        &dir.join("sensitivity.csv"),
        &["input", "target", "rho"],
        a.sensitivity
            .rows
            .iter()
            .map(|s| [s.input.clone(), s.target.clone(), format!("{:.6}", s.rho)]),
    )?;
    Ok(a)
}
