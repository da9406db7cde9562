//! The decision-analysis files: comparison.csv, precision.csv,
//! crossover.csv, sensitivity.csv (layouts in [`super::schema`]).

use std::path::Path;

use anyhow::Result;

use super::schema::{self, ComparisonRecord, CrossoverRecord, PrecisionRecord, SensitivityRecord};
use crate::stats::analysis::{self, Crossover, PairComparison, Precision, Sensitivity};
use crate::stats::{InputDraws, MonthBand, Summary, Totals};

/// Everything the analysis files hold.
pub struct Analysis {
    pub comparisons: Vec<PairComparison>,
    pub precision: Vec<Precision>,
    pub crossovers: Vec<Crossover>,
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
    let ((comparisons, precision), (crossovers, sensitivity)) = rayon::join(
        || {
            rayon::join(
                || analysis::paired_comparisons(totals),
                || analysis::precision(totals),
            )
        },
        || {
            rayon::join(
                || analysis::crossovers(bands, totals.n_strategies(), horizon),
                || analysis::sensitivity(totals, inputs, summaries),
            )
        },
    );
    Analysis {
        comparisons,
        precision,
        crossovers,
        sensitivity,
    }
}

/// Writes the four analysis files into `dir`, in parallel.
pub fn write_all(dir: &Path, a: &Analysis, strategies: &[String]) -> Result<()> {
    super::write_in_parallel(vec![
        Box::new(|| {
            let rows: Vec<ComparisonRecord> =
                a.comparisons.iter().map(ComparisonRecord::from).collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<PrecisionRecord> =
                a.precision.iter().flat_map(PrecisionRecord::of).collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<CrossoverRecord> = a
                .crossovers
                .iter()
                .map(|c| CrossoverRecord::of(c, strategies))
                .collect();
            schema::write_file(dir, &rows)
        }),
        Box::new(|| {
            let rows: Vec<SensitivityRecord> = a
                .sensitivity
                .rows
                .iter()
                .map(SensitivityRecord::from)
                .collect();
            schema::write_file(dir, &rows)
        }),
    ])
}
