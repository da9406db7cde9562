//! The data behind the charts and the report, read back from a run
//! directory's files.
//!
//! Charts and the HTML report are drawn from a [`RunData`] loaded from the
//! files a run wrote (not from the engine's memory), so `tcosim charts
//! RUN_DIR` redraws exactly what the run drew.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::manifest::Manifest;
use super::schema::{
    self, ComparisonRecord, CsvFile, MonthlyRecord, PrecisionRecord, QualityRecord,
    SensitivityRecord, SummaryRecord, TrialRecord, VoiRecord,
};
use crate::decide::verdict::PairDifference;
use crate::scenario::Scenario;
use crate::stats::analysis::SensitivityRow;
use crate::stats::voi::VoiRow;
use crate::stats::{MonthBand, Summary};

/// Everything a chart or the report may show.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The scenario's name and description.
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub trials: u64,
    pub horizon: u32,
    /// Strategy names in scenario order (their position fixes their colour).
    pub strategies: Vec<String>,
    /// summary.csv rows, in strategy order.
    pub summary: Vec<Summary>,
    /// monthly.csv and quality.csv: `[s * horizon + m]`.
    pub monthly: Vec<MonthBand>,
    /// Each strategy's TCO per trial (from trials.csv), in trial order.
    pub totals: Vec<Vec<f64>>,
    /// The scenario text the run used (scenario.toml).
    pub scenario_text: String,
    /// The checked scenario.
    pub scenario: Scenario,
    /// sensitivity.csv rows (empty if the file is absent).
    pub sensitivity: Vec<SensitivityRow>,
    /// comparison.csv rows (empty if the file is absent).
    pub comparisons: Vec<ComparisonRow>,
    /// Standard error of each strategy's mean, from precision.csv (empty if
    /// the file is absent).
    pub mean_se: Vec<f64>,
    /// voi.csv rows, largest EVPPI first (empty if the file is absent).
    pub voi: Vec<VoiRow>,
    /// Per strategy and trial (as `totals`), whether the product was
    /// retired for lack of traction (trials.csv's `retired`); empty without
    /// trials.csv.
    pub retired: Vec<Vec<bool>>,
}

/// One row of comparison.csv: strategy A against strategy B.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub a: usize,
    pub b: usize,
    /// A - B, trial by trial.
    pub diff: PairDifference,
}

impl RunData {
    /// Loads a run directory. `totals` replaces trials.csv when given (runs
    /// made with `--no-trials-csv`, and a run drawing its own charts from
    /// the totals in memory, rounded as trials.csv holds them).
    pub fn load(dir: &Path, totals: Option<Vec<Vec<f64>>>) -> Result<RunData> {
        let manifest_path = dir.join("manifest.json");
        if !manifest_path.is_file() {
            bail!(
                "{} is not a tcosim run directory (no manifest.json)",
                dir.display()
            );
        }
        RunData::load_with(dir, &Manifest::read(&manifest_path)?, totals)
    }

    /// Loads a run directory whose manifest is `manifest` (a run being
    /// written, whose manifest is written last).
    pub fn load_with(
        dir: &Path,
        manifest: &Manifest,
        totals: Option<Vec<Vec<f64>>>,
    ) -> Result<RunData> {
        let scenario_path = dir.join("scenario.toml");
        let scenario_text = std::fs::read_to_string(&scenario_path)
            .with_context(|| format!("cannot read {}", scenario_path.display()))?;
        let scenario = Scenario::from_toml(&scenario_text, &scenario_path.display().to_string())
            .map_err(|e| anyhow::anyhow!("{e}"))?;

        let summary: Vec<Summary> = schema::read_file::<SummaryRecord>(dir)?
            .into_iter()
            .map(Summary::from)
            .collect();
        let strategies: Vec<String> = summary.iter().map(|s| s.strategy.clone()).collect();
        if strategies.is_empty() {
            bail!("{} has no strategies", dir.join("summary.csv").display());
        }
        let index = |name: &str, file: &str| {
            strategies.iter().position(|s| s == name).with_context(|| {
                format!("{}: unknown strategy \"{name}\"", dir.join(file).display())
            })
        };
        let monthly = read_monthly(
            dir,
            &index,
            strategies.len() * manifest.horizon_months as usize,
        )?;
        let totals = match totals {
            Some(t) => t,
            None => read_totals(dir, &index, strategies.len(), manifest.trials)?,
        };
        let sensitivity = read_optional::<SensitivityRecord>(dir)?
            .into_iter()
            .map(SensitivityRow::from)
            .collect();
        let mut comparisons = Vec::new();
        for c in read_optional::<ComparisonRecord>(dir)? {
            comparisons.push(ComparisonRow {
                a: index(&c.strategy_a, ComparisonRecord::FILE)?,
                b: index(&c.strategy_b, ComparisonRecord::FILE)?,
                diff: PairDifference {
                    mean: c.mean_a_minus_b.0,
                    ci_low: c.ci95_low.0,
                    ci_high: c.ci95_high.0,
                    p50: c.p50_a_minus_b.0,
                    prob_a_cheaper: c.prob_a_cheaper.0,
                    prob_tie: c.prob_tie.0,
                },
            });
        }
        let mean_se = read_optional::<PrecisionRecord>(dir)?
            .into_iter()
            .filter(|p| p.statistic == "mean")
            .map(|p| p.se.0)
            .collect();
        let mut voi = Vec::new();
        for v in read_optional::<VoiRecord>(dir)? {
            voi.push(VoiRow {
                input: v.input,
                evppi: v.evppi.0,
                se: v.se.0,
                bias: v.bias.0,
                bins: v.bins,
                choice_now: index(&v.choice_now, VoiRecord::FILE)?,
                choice_if_low: index(&v.choice_if_low, VoiRecord::FILE)?,
                choice_if_high: index(&v.choice_if_high, VoiRecord::FILE)?,
                share_changed: v.share_changed.0,
            });
        }
        let retired = read_retired(dir, &index, strategies.len())?;
        Ok(RunData {
            retired,
            voi,
            sensitivity,
            comparisons,
            mean_se,
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            seed: manifest.seed,
            trials: manifest.trials,
            horizon: manifest.horizon_months,
            strategies,
            summary,
            monthly,
            totals,
            scenario_text,
            scenario,
        })
    }

    /// The sensitivity target that is a difference of two strategies, and
    /// its inputs sorted by |rho| (largest first; ties in file order).
    pub fn difference_drivers(&self) -> Option<(String, Vec<(String, f64)>)> {
        let target = self
            .sensitivity
            .iter()
            .map(|r| &r.target)
            .find(|t| !self.strategies.contains(t))?
            .clone();
        let mut rows: Vec<(String, f64)> = self
            .sensitivity
            .iter()
            .filter(|r| r.target == target)
            .map(|r| (r.input.clone(), r.rho))
            .collect();
        rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        Some((target, rows))
    }

    /// The comparison of A against B, if recorded.
    pub fn comparison(&self, a: usize, b: usize) -> Option<&ComparisonRow> {
        self.comparisons.iter().find(|c| c.a == a && c.b == b)
    }

    /// The band of strategy `s` at month `m`.
    pub fn band(&self, s: usize, m: usize) -> &MonthBand {
        &self.monthly[s * self.horizon as usize + m]
    }

    /// The target launch month if it is fixed (the chart marks it), or its
    /// median otherwise.
    pub fn target_launch_month(&self) -> f64 {
        let d = &self.scenario.inputs[self.scenario.world.target_launch_month].dist;
        d.fixed_value().unwrap_or_else(|| d.median())
    }
}

/// A file the run may not have written (older runs): empty when absent.
fn read_optional<R: CsvFile>(dir: &Path) -> Result<Vec<R>> {
    if dir.join(R::FILE).exists() {
        schema::read_file(dir)
    } else {
        Ok(Vec::new())
    }
}

/// monthly.csv and quality.csv, which must hold `rows` rows (one per
/// strategy and month) for the same strategies and months.
fn read_monthly(
    dir: &Path,
    index: &dyn Fn(&str, &str) -> Result<usize>,
    rows: usize,
) -> Result<Vec<MonthBand>> {
    let monthly = schema::read_file::<MonthlyRecord>(dir)?;
    let quality = schema::read_file::<QualityRecord>(dir)?;
    if monthly.len() != rows || quality.len() != rows {
        bail!(
            "{} and {} do not have one row per strategy and month",
            dir.join(MonthlyRecord::FILE).display(),
            dir.join(QualityRecord::FILE).display()
        );
    }
    monthly
        .into_iter()
        .zip(quality)
        .map(|(m, q)| {
            Ok(MonthBand {
                strategy: index(&m.strategy, MonthlyRecord::FILE)?,
                month: m.month,
                mean: m.mean.0,
                p10: m.p10.0,
                p50: m.p50.0,
                p90: m.p90.0,
                quality: q.mean_quality.0,
            })
        })
        .collect()
}

/// Each strategy's totals from trials.csv, in trial order.
fn read_totals(
    dir: &Path,
    index: &dyn Fn(&str, &str) -> Result<usize>,
    strategies: usize,
    trials: u64,
) -> Result<Vec<Vec<f64>>> {
    let path = dir.join(TrialRecord::FILE);
    if !path.exists() {
        bail!(
            "{} has no trials.csv (the run used --no-trials-csv), which the distribution charts need; run it again without --no-trials-csv",
            dir.display()
        );
    }
    let mut t = vec![Vec::with_capacity(trials.min(1 << 24) as usize); strategies];
    schema::read_each(dir, |row: TrialRecord<'static>| {
        t[index(&row.strategy, TrialRecord::FILE)?].push(row.total.0);
        Ok(())
    })?;
    Ok(t)
}

/// trials.csv's `retired` column per strategy, in trial order (empty when
/// the run has no trials.csv). Reads only the two columns it needs.
fn read_retired(
    dir: &Path,
    index: &dyn Fn(&str, &str) -> Result<usize>,
    strategies: usize,
) -> Result<Vec<Vec<bool>>> {
    let path = dir.join(TrialRecord::FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut r =
        csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r.byte_headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name.as_bytes())
            .with_context(|| format!("{} has no column {name}", path.display()))
    };
    let (cs, cr) = (col("strategy")?, col("retired")?);
    let mut out = vec![Vec::new(); strategies];
    let mut row = csv::ByteRecord::new();
    while r.read_byte_record(&mut row)? {
        let name = schema::cell::restore(String::from_utf8_lossy(&row[cs]).into_owned());
        out[index(&name, TrialRecord::FILE)?].push(&row[cr] == b"1");
    }
    Ok(out)
}
