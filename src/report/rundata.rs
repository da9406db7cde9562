//! The data behind the charts and the report, read back from a run
//! directory's files.
//!
//! Charts and the HTML report are drawn from a [`RunData`] loaded from the
//! files a run wrote (not from the engine's memory), so `tcosim charts
//! RUN_DIR` redraws exactly what the run drew.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::model::CATEGORIES;
use crate::scenario::Scenario;
use crate::stats::analysis::SensitivityRow;
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
}

/// One row of comparison.csv: strategy A against strategy B.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub a: usize,
    pub b: usize,
    /// Mean of A - B and its 95% confidence interval.
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Median of A - B.
    pub p50: f64,
    pub prob_a_cheaper: f64,
    pub prob_tie: f64,
}

fn read_csv(path: &Path) -> Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r.headers()?.clone();
    let rows = r
        .records()
        .collect::<std::result::Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not valid CSV", path.display()))?;
    Ok((header, rows))
}

fn num(rec: &csv::StringRecord, i: usize, path: &Path) -> Result<f64> {
    rec.get(i)
        .and_then(|s| s.parse::<f64>().ok())
        .with_context(|| {
            format!(
                "{}: expected a number in column {} of a row",
                path.display(),
                i + 1
            )
        })
}

impl RunData {
    /// Loads a run directory. `totals` replaces trials.csv when given (runs
    /// made with `--no-trials-csv`).
    pub fn load(dir: &Path, totals: Option<Vec<Vec<f64>>>) -> Result<RunData> {
        let manifest_path = dir.join("manifest.json");
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest_path).with_context(|| {
                format!(
                    "{} is not a tcosim run directory (no manifest.json)",
                    dir.display()
                )
            })?)
            .with_context(|| format!("{} is not valid JSON", manifest_path.display()))?;
        let field = |k: &str| {
            manifest
                .get(k)
                .and_then(|v| v.as_u64())
                .with_context(|| format!("{}: missing `{k}`", manifest_path.display()))
        };
        let (seed, trials, horizon) = (
            field("seed")?,
            field("trials")?,
            field("horizon_months")? as u32,
        );

        let scenario_path = dir.join("scenario.toml");
        let scenario_text = std::fs::read_to_string(&scenario_path)
            .with_context(|| format!("cannot read {}", scenario_path.display()))?;
        let scenario = Scenario::from_toml(&scenario_text, &scenario_path.display().to_string())
            .map_err(|e| anyhow::anyhow!("{e}"))?;

        let summary_path = dir.join("summary.csv");
        let (_, rows) = read_csv(&summary_path)?;
        let mut summary = Vec::new();
        for rec in &rows {
            let v = |i| num(rec, i, &summary_path);
            let mut cats = [0.0; 11];
            for (c, x) in cats.iter_mut().enumerate() {
                *x = v(16 + c)?;
            }
            summary.push(Summary {
                strategy: rec.get(0).unwrap_or_default().to_string(),
                trials: v(1)? as u64,
                mean: v(2)?,
                sd: v(3)?,
                sem: v(4)?,
                p5: v(5)?,
                p10: v(6)?,
                p25: v(7)?,
                p50: v(8)?,
                p75: v(9)?,
                p90: v(10)?,
                p95: v(11)?,
                cvar95: v(12)?,
                min: v(13)?,
                max: v(14)?,
                prob_cheapest: v(15)?,
                mean_categories: cats,
            });
        }
        let strategies: Vec<String> = summary.iter().map(|s| s.strategy.clone()).collect();
        if strategies.is_empty() {
            bail!("{} has no strategies", summary_path.display());
        }
        debug_assert_eq!(CATEGORIES.len(), 11);
        let index = |name: &str, path: &Path| {
            strategies
                .iter()
                .position(|s| s == name)
                .with_context(|| format!("{}: unknown strategy \"{name}\"", path.display()))
        };

        let monthly_path = dir.join("monthly.csv");
        let quality_path = dir.join("quality.csv");
        let (_, mrows) = read_csv(&monthly_path)?;
        let (_, qrows) = read_csv(&quality_path)?;
        if mrows.len() != strategies.len() * horizon as usize || qrows.len() != mrows.len() {
            bail!(
                "{} and {} do not have one row per strategy and month",
                monthly_path.display(),
                quality_path.display()
            );
        }
        let mut monthly = Vec::with_capacity(mrows.len());
        for (m, q) in mrows.iter().zip(&qrows) {
            monthly.push(MonthBand {
                strategy: index(m.get(0).unwrap_or_default(), &monthly_path)?,
                month: num(m, 1, &monthly_path)? as u32,
                mean: num(m, 2, &monthly_path)?,
                p10: num(m, 3, &monthly_path)?,
                p50: num(m, 4, &monthly_path)?,
                p90: num(m, 5, &monthly_path)?,
                quality: num(q, 2, &quality_path)?,
            });
        }

        let totals = match totals {
            Some(t) => t,
            None => {
                let trials_path = dir.join("trials.csv");
                if !trials_path.exists() {
                    bail!(
                        "{} has no trials.csv (the run used --no-trials-csv), which the distribution charts need; run it again without --no-trials-csv",
                        dir.display()
                    );
                }
                let mut t = vec![Vec::with_capacity(trials as usize); strategies.len()];
                let mut r = csv::Reader::from_path(&trials_path)
                    .with_context(|| format!("cannot read {}", trials_path.display()))?;
                for rec in r.records() {
                    let rec =
                        rec.with_context(|| format!("{} is not valid CSV", trials_path.display()))?;
                    let s = index(rec.get(1).unwrap_or_default(), &trials_path)?;
                    t[s].push(num(&rec, 2, &trials_path)?);
                }
                t
            }
        };
        let mut sensitivity = Vec::new();
        let sens_path = dir.join("sensitivity.csv");
        if sens_path.exists() {
            for rec in read_csv(&sens_path)?.1 {
                sensitivity.push(SensitivityRow {
                    input: rec.get(0).unwrap_or_default().to_string(),
                    target: rec.get(1).unwrap_or_default().to_string(),
                    rho: num(&rec, 2, &sens_path)?,
                });
            }
        }
        let mut comparisons = Vec::new();
        let cmp_path = dir.join("comparison.csv");
        if cmp_path.exists() {
            for rec in read_csv(&cmp_path)?.1 {
                comparisons.push(ComparisonRow {
                    a: index(rec.get(0).unwrap_or_default(), &cmp_path)?,
                    b: index(rec.get(1).unwrap_or_default(), &cmp_path)?,
                    mean: num(&rec, 3, &cmp_path)?,
                    ci_low: num(&rec, 4, &cmp_path)?,
                    ci_high: num(&rec, 5, &cmp_path)?,
                    p50: num(&rec, 6, &cmp_path)?,
                    prob_a_cheaper: num(&rec, 7, &cmp_path)?,
                    prob_tie: num(&rec, 8, &cmp_path)?,
                });
            }
        }
        let mut mean_se = Vec::new();
        let prec_path = dir.join("precision.csv");
        if prec_path.exists() {
            for rec in read_csv(&prec_path)?.1 {
                if rec.get(2) == Some("mean") {
                    mean_se.push(num(&rec, 4, &prec_path)?);
                }
            }
        }
        Ok(RunData {
            sensitivity,
            comparisons,
            mean_se,
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            seed,
            trials,
            horizon,
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
