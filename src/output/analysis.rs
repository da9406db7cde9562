//! The decision-analysis files: comparison.csv, precision.csv,
//! crossover.csv, sensitivity.csv (layouts in [`super::schema`]).

use std::path::Path;

use anyhow::Result;

use super::schema::{self, ComparisonRecord, CrossoverRecord, PrecisionRecord, SensitivityRecord};
use crate::scenario::strategy_ids;
use crate::stats::analysis::{self, Crossover, PairComparison, Precision, Sensitivity};
use crate::stats::{InputDraws, MonthBand, Summary, Totals};

/// Everything the analysis files hold.
pub struct Analysis {
    pub comparisons: Vec<PairComparison>,
    pub precision: Vec<Precision>,
    pub crossovers: Vec<Crossover>,
    pub sensitivity: Sensitivity,
}

/// Computes the analyses of a run.
pub fn analyse(
    totals: &Totals,
    inputs: &InputDraws,
    summaries: &[Summary],
    bands: &[MonthBand],
    horizon: usize,
) -> Analysis {
    let comparisons = analysis::paired_comparisons(totals);
    // The difference sensitivity.csv explains is that of the verdict's two
    // strategies, so the report and the charts speak of one pair.
    let leaders = crate::decide::verdict::contenders_of(summaries, &comparisons);
    Analysis {
        precision: analysis::precision(totals),
        crossovers: analysis::crossovers(bands, totals.n_strategies(), horizon),
        sensitivity: analysis::sensitivity(totals, inputs, summaries, leaders),
        comparisons,
    }
}

/// Writes the four analysis files into `dir`; `strategies` are the names
/// in scenario order.
pub fn write_all(dir: &Path, a: &Analysis, strategies: &[String]) -> Result<()> {
    let ids = strategy_ids(strategies);
    let rows: Vec<ComparisonRecord> = a
        .comparisons
        .iter()
        .map(|c| ComparisonRecord::of(c, &ids))
        .collect();
    schema::write_file(dir, &rows)?;
    let rows: Vec<PrecisionRecord> = a
        .precision
        .iter()
        .flat_map(|p| PrecisionRecord::of(p, &ids[p.strategy]))
        .collect();
    schema::write_file(dir, &rows)?;
    let rows: Vec<CrossoverRecord> = a
        .crossovers
        .iter()
        .map(|c| CrossoverRecord::of(c, strategies, &ids))
        .collect();
    schema::write_file(dir, &rows)?;
    let rows: Vec<SensitivityRecord> = a
        .sensitivity
        .rows
        .iter()
        .map(|r| SensitivityRecord::of(r, strategies, &ids))
        .collect();
    schema::write_file(dir, &rows)
}
