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
    /// Every ordered pair, trial by trial (comparison.csv).
    pub comparisons: Vec<PairComparison>,
    /// Monte Carlo error of each strategy's figures (precision.csv).
    pub precision: Vec<Precision>,
    /// Every ordered pair's crossover month (crossover.csv).
    pub crossovers: Vec<Crossover>,
    /// Rank correlations and dollar effects of the inputs (sensitivity.csv).
    pub sensitivity: Sensitivity,
}

/// Computes the analyses of a run, each on its own (in parallel).
pub fn analyse(
    totals: &Totals,
    inputs: &InputDraws,
    summaries: &[Summary],
    bands: &[MonthBand],
    horizon: usize,
) -> Analysis {
    // The verdict's two strategies need the comparisons; the rest of the
    // analyses are independent of each other.
    let ((comparisons, precision), crossovers) = rayon::join(
        || {
            rayon::join(
                || analysis::paired_comparisons(totals),
                || analysis::precision(totals),
            )
        },
        || analysis::crossovers(bands, totals.n_strategies(), horizon),
    );
    // The difference sensitivity.csv explains is that of the verdict's two
    // strategies, so the report and the charts speak of one pair.
    let leaders = crate::decide::verdict::contenders_of(summaries, &comparisons);
    let sensitivity = analysis::sensitivity(totals, inputs, summaries, leaders);
    Analysis {
        comparisons,
        precision,
        crossovers,
        sensitivity,
    }
}

/// Writes the four analysis files into `dir`, in parallel; `strategies`
/// are the names in scenario order.
pub fn write_all(dir: &Path, a: &Analysis, strategies: &[String]) -> Result<()> {
    let ids = &strategy_ids(strategies);
    super::write_in_parallel(vec![
        Box::new(|| {
            let rows: Vec<ComparisonRecord> = a
                .comparisons
                .iter()
                .map(|c| ComparisonRecord::of(c, ids))
                .collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<PrecisionRecord> = a
                .precision
                .iter()
                .flat_map(|p| PrecisionRecord::of(p, &ids[p.strategy]))
                .collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<CrossoverRecord> = a
                .crossovers
                .iter()
                .map(|c| CrossoverRecord::of(c, strategies, ids))
                .collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<SensitivityRecord> = a
                .sensitivity
                .rows
                .iter()
                .map(|r| SensitivityRecord::of(r, strategies, ids))
                .collect();
            schema::write_file(dir, &rows)
        }),
    ])
}
