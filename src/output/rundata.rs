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
    SensitivityRecord, SummaryRecord, TargetKind, TrialRecord, VoiRecord,
};
use crate::decide::verdict::PairDifference;
use crate::scenario::Scenario;
use crate::scenario::strategy_ids;
use crate::stats::analysis::{SensitivityRow, Target};
use crate::stats::voi::VoiRow;
use crate::stats::{MonthBand, Summary};

/// Everything a chart or the report may show.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The scenario's name.
    pub name: String,
    /// The scenario's description.
    pub description: String,
    /// Seed of the run.
    pub seed: u64,
    /// Trials of the run.
    pub trials: u64,
    /// Months simulated.
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

/// The largest amount of money (in dollars, either sign) a file read back
/// may hold: far beyond any cost of ownership, and small enough that exact
/// sums of billions of them cannot overflow and charts can scale them.
pub const MAX_AMOUNT: f64 = 1e18;

/// Whether `x` is an amount a results file can hold: finite, within
/// [`MAX_AMOUNT`].
pub fn plausible(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_AMOUNT
}

/// How a message refusing a damaged run directory ends.
const RERUN: &str = "run the scenario again to get its results";

/// The files [`RunData::load`] reads.
const READS: [&str; 9] = [
    "scenario.toml",
    SummaryRecord::FILE,
    MonthlyRecord::FILE,
    QualityRecord::FILE,
    TrialRecord::FILE,
    SensitivityRecord::FILE,
    ComparisonRecord::FILE,
    PrecisionRecord::FILE,
    VoiRecord::FILE,
];

/// One row of comparison.csv: strategy A against strategy B.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Index of strategy A.
    pub a: usize,
    /// Index of strategy B.
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
        let manifest = Manifest::read(&manifest_path, RERUN)?;
        if let Some(s) = manifest.shard {
            bail!(
                "{} is shard {}/{} of a run, not a whole run; merge the shards first (`tcosim merge`)",
                dir.display(),
                s.index,
                s.count
            );
        }
        manifest.verify_files(dir, &READS, RERUN)?;
        RunData::load_with(dir, &manifest, totals)
    }

    /// Loads a run directory whose manifest is `manifest` (a run being
    /// written, whose manifest is written last). Whatever the files hold,
    /// what they say must agree with the manifest and the scenario (the
    /// strategies, one row per strategy and month, the trials of every
    /// strategy, finite figures), or the directory is refused.
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

        let records = schema::read_file::<SummaryRecord>(dir)?;
        let strategies: Vec<String> = records.iter().map(|s| s.strategy.clone()).collect();
        let ids = strategy_ids(&strategies);
        let summary_path = dir.join(SummaryRecord::FILE);
        let mismatch = records
            .iter()
            .zip(&ids)
            .find(|(r, id)| r.strategy_id != **id)
            .map(|(r, id)| (r.strategy.clone(), r.strategy_id.clone(), id.clone()));
        let summary: Vec<Summary> = records.into_iter().map(Summary::from).collect();
        if strategies.is_empty() {
            bail!("{} has no strategies", summary_path.display());
        }
        if !strategies
            .iter()
            .eq(scenario.strategies.iter().map(|s| &s.name))
        {
            bail!(
                "{}: its strategies ({}) are not those of {} in its order",
                summary_path.display(),
                strategies.join(", "),
                scenario_path.display()
            );
        }
        if let Some((name, id, slug)) = mismatch {
            bail!(
                "{}: the id of {name} is \"{id}\", not \"{slug}\" (the slug of its name); {RERUN}",
                summary_path.display(),
            );
        }
        for s in &summary {
            check_summary(s, manifest.trials, &summary_path)?;
        }
        // A strategy named in `file` by its name and id: its index.
        let index = |name: &str, id: &str, file: &str| {
            let i = strategies.iter().position(|s| s == name).with_context(|| {
                format!("{}: unknown strategy \"{name}\"", dir.join(file).display())
            })?;
            if ids[i] != id {
                bail!(
                    "{}: the id of {name} is \"{id}\", not \"{}\" as in {}; {RERUN}",
                    dir.join(file).display(),
                    ids[i],
                    summary_path.display()
                );
            }
            Ok(i)
        };
        let monthly = read_monthly(dir, &index, strategies.len(), manifest.horizon_months)?;
        // trials.csv's `retired` column: read with the totals when they
        // come from the file, on its own when they were given.
        let mut retired = Vec::new();
        let totals = match totals {
            Some(t) => t,
            None => read_totals(dir, &strategies, &ids, manifest.trials, &mut retired)?,
        };
        let mut sensitivity = Vec::new();
        for r in read_optional::<SensitivityRecord>(dir)? {
            sensitivity.push(sensitivity_row(r, &index, dir)?);
        }
        let mut comparisons = Vec::new();
        for c in read_optional::<ComparisonRecord>(dir)? {
            let path = dir.join(ComparisonRecord::FILE);
            let figures = [
                c.mean_a_minus_b.0,
                c.ci95_low.0,
                c.ci95_high.0,
                c.p50_a_minus_b.0,
            ];
            let shares = [c.prob_a_cheaper.0, c.prob_tie.0, c.prob_b_cheaper.0];
            if c.trials != manifest.trials
                || figures.iter().any(|x| !plausible(*x))
                || shares.iter().any(|p| !(0.0..=1.0).contains(p))
            {
                bail!(
                    "{}: the row of {} against {} does not agree with the manifest's {} trials or has a figure out of range",
                    path.display(),
                    c.strategy_a,
                    c.strategy_b,
                    manifest.trials
                );
            }
            comparisons.push(ComparisonRow {
                a: index(&c.strategy_a, &c.strategy_a_id, ComparisonRecord::FILE)?,
                b: index(&c.strategy_b, &c.strategy_b_id, ComparisonRecord::FILE)?,
                diff: PairDifference::from(&c),
            });
        }
        let mut mean_se = Vec::new();
        for p in read_optional::<PrecisionRecord>(dir)? {
            let figures = [p.estimate.0, p.se.0, p.ci95_low.0, p.ci95_high.0];
            if p.trials != manifest.trials || figures.iter().any(|x| !plausible(*x)) {
                bail!(
                    "{}: the {} of {} does not agree with the manifest's {} trials or is not an amount of money",
                    dir.join(PrecisionRecord::FILE).display(),
                    p.statistic,
                    p.strategy,
                    manifest.trials
                );
            }
            if p.statistic == "mean" {
                // In strategy order, one per strategy.
                if index(&p.strategy, &p.strategy_id, PrecisionRecord::FILE)? != mean_se.len() {
                    bail!(
                        "{}: the means are not one per strategy in the order of {}",
                        dir.join(PrecisionRecord::FILE).display(),
                        summary_path.display()
                    );
                }
                mean_se.push(p.se.0);
            }
        }
        let mut voi = Vec::new();
        for v in read_optional::<VoiRecord>(dir)? {
            if ![v.evppi.0, v.se.0, v.bias.0].iter().all(|x| plausible(*x))
                || !(0.0..=1.0).contains(&v.share_changed.0)
            {
                bail!(
                    "{}: the row of {} holds a value out of range; {RERUN}",
                    dir.join(VoiRecord::FILE).display(),
                    v.input
                );
            }
            voi.push(VoiRow {
                input: v.input,
                evppi: v.evppi.0,
                se: v.se.0,
                bias: v.bias.0,
                bins: v.bins,
                choice_now: index(&v.choice_now, &v.choice_now_id, VoiRecord::FILE)?,
                choice_if_low: index(&v.choice_if_low, &v.choice_if_low_id, VoiRecord::FILE)?,
                choice_if_high: index(&v.choice_if_high, &v.choice_if_high_id, VoiRecord::FILE)?,
                share_changed: v.share_changed.0,
            });
        }
        if retired.is_empty() {
            retired = read_retired(dir, &index, strategies.len())?;
        }
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

    /// The sensitivity target that is a difference of two strategies, as
    /// the report labels it (`"A - B"`), and its inputs sorted by |rho|
    /// (largest first; ties in file order).
    pub fn difference_drivers(&self) -> Option<(String, Vec<(String, f64)>)> {
        let target = self.difference_target()?;
        let mut rows: Vec<(String, f64)> = self
            .sensitivity
            .iter()
            .filter(|r| r.target == target)
            .map(|r| (r.input.clone(), r.rho))
            .collect();
        rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        Some((target.label(&self.strategies), rows))
    }

    /// The sensitivity target that is a difference of two strategies, if
    /// sensitivity.csv has one.
    pub fn difference_target(&self) -> Option<Target> {
        self.sensitivity
            .iter()
            .map(|r| r.target)
            .find(|t| matches!(t, Target::Difference(..)))
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

/// A sensitivity.csv row with its strategies resolved by `index`: a
/// `strategy` row names one strategy and leaves `versus` empty, a
/// `difference` row names two different ones; rho lies within -1 to 1.
fn sensitivity_row(r: SensitivityRecord, index: &Index<'_>, dir: &Path) -> Result<SensitivityRow> {
    let file = SensitivityRecord::FILE;
    let path = dir.join(file);
    let a = index(&r.strategy, &r.strategy_id, file)?;
    let target = match r.target_kind {
        TargetKind::Strategy if r.versus.is_empty() && r.versus_id.is_empty() => {
            Target::Strategy(a)
        }
        TargetKind::Difference if !r.versus.is_empty() => {
            let b = index(&r.versus, &r.versus_id, file)?;
            if a == b {
                bail!(
                    "{}: the row of {} is the difference of {} with itself; {RERUN}",
                    path.display(),
                    r.input,
                    r.strategy
                );
            }
            Target::Difference(a, b)
        }
        kind => bail!(
            "{}: the row of {} has target_kind {} but versus \"{}\" (a strategy target has no versus, a difference needs one); {RERUN}",
            path.display(),
            r.input,
            if kind == TargetKind::Strategy {
                "strategy"
            } else {
                "difference"
            },
            r.versus
        ),
    };
    if !(r.rho.0.is_finite() && r.rho.0.abs() <= 1.0) {
        bail!(
            "{}: the correlation of {} with {} is {}, outside -1 to 1",
            path.display(),
            r.input,
            r.strategy,
            r.rho.0
        );
    }
    Ok(SensitivityRow {
        input: r.input,
        target,
        rho: r.rho.0,
        effect: r.top_minus_bottom_decile.0,
    })
}

/// How [`RunData::load_with`] resolves a strategy named in a file by its
/// name and id: its index in scenario order, or why not.
type Index<'a> = dyn Fn(&str, &str, &str) -> Result<usize> + 'a;

/// A file the run may not have written (older runs): empty when absent.
fn read_optional<R: CsvFile>(dir: &Path) -> Result<Vec<R>> {
    if dir.join(R::FILE).exists() {
        schema::read_file(dir)
    } else {
        Ok(Vec::new())
    }
}

/// A summary.csv row: the manifest's trials, finite figures, shares from 0
/// to 1.
fn check_summary(s: &Summary, trials: u64, path: &Path) -> Result<()> {
    if s.trials != trials {
        bail!(
            "{}: {} has {} trials, the manifest says {trials}",
            path.display(),
            s.strategy,
            s.trials
        );
    }
    let shares = [
        s.prob_cheapest,
        s.cash.prob_lowest,
        s.lost_value.prob_lowest,
    ];
    let figures = [
        s.mean,
        s.sd,
        s.sem,
        s.p5,
        s.p10,
        s.p25,
        s.p50,
        s.p75,
        s.p90,
        s.p95,
        s.cvar95,
        s.min,
        s.max,
        s.cash.mean,
        s.cash.p10,
        s.cash.p50,
        s.cash.p90,
        s.lost_value.mean,
        s.lost_value.p10,
        s.lost_value.p50,
        s.lost_value.p90,
    ];
    if shares.iter().any(|p| !(0.0..=1.0).contains(p))
        || figures
            .iter()
            .chain(s.mean_categories.as_array().iter())
            .any(|x| !plausible(*x))
    {
        bail!(
            "{}: the row of {} has a figure that is not an amount of money (at most 1e18 dollars) or a share outside 0 to 1",
            path.display(),
            s.strategy
        );
    }
    Ok(())
}

/// monthly.csv and quality.csv, which must hold one row per strategy and
/// month, strategy by strategy and month by month, with finite figures.
fn read_monthly(
    dir: &Path,
    index: &Index<'_>,
    strategies: usize,
    horizon: u32,
) -> Result<Vec<MonthBand>> {
    let monthly = schema::read_file::<MonthlyRecord>(dir)?;
    let quality = schema::read_file::<QualityRecord>(dir)?;
    let h = horizon as usize;
    let wrong = || {
        anyhow::anyhow!(
            "{} and {} do not have one row per strategy and month of the manifest's {horizon} months, in order",
            dir.join(MonthlyRecord::FILE).display(),
            dir.join(QualityRecord::FILE).display()
        )
    };
    if h == 0 || strategies.checked_mul(h) != Some(monthly.len()) || quality.len() != monthly.len()
    {
        return Err(wrong());
    }
    monthly
        .into_iter()
        .zip(quality)
        .enumerate()
        .map(|(i, (m, q))| {
            let strategy = index(&m.strategy, &m.strategy_id, MonthlyRecord::FILE)?;
            if strategy != i / h
                || m.month as usize != i % h
                || q.strategy != m.strategy
                || q.strategy_id != m.strategy_id
                || q.month != m.month
            {
                return Err(wrong());
            }
            let band = MonthBand {
                strategy,
                month: m.month,
                mean: m.mean.0,
                p10: m.p10.0,
                p50: m.p50.0,
                p90: m.p90.0,
                quality: q.mean_quality.0,
            };
            if [band.mean, band.p10, band.p50, band.p90]
                .iter()
                .any(|x| !plausible(*x))
                || !(0.0..=1.0).contains(&band.quality)
            {
                bail!(
                    "{} or {}: month {} of {} is not an amount of money (at most 1e18 dollars) or a quality from 0 to 1",
                    dir.join(MonthlyRecord::FILE).display(),
                    dir.join(QualityRecord::FILE).display(),
                    m.month,
                    m.strategy
                );
            }
            Ok(band)
        })
        .collect()
}

/// Each strategy's totals from trials.csv, in trial order: `trials` trials,
/// each one row per strategy in scenario order, every total finite. Memory
/// is reserved for no more rows than the file can hold. Each row's
/// `retired` flag goes to `retired`, per strategy in trial order (as
/// [`read_retired`] reads it), so the file is read once.
fn read_totals(
    dir: &Path,
    strategies: &[String],
    ids: &[String],
    trials: u64,
    retired: &mut Vec<Vec<bool>>,
) -> Result<Vec<Vec<f64>>> {
    let path = dir.join(TrialRecord::FILE);
    if !path.exists() {
        bail!(
            "{} has no trials.csv (the run used --no-trials-csv), which the distribution charts need; run it again without --no-trials-csv",
            dir.display()
        );
    }
    let s_count = strategies.len() as u64;
    // A row has a field per column, each at least a byte with its comma.
    let fields = TrialRecord::HEADER.len() as u64;
    let fit = std::fs::metadata(&path).map_or(0, |m| m.len()) / fields / s_count.max(1);
    let mut t = vec![Vec::with_capacity(trials.min(fit) as usize); strategies.len()];
    *retired = vec![Vec::with_capacity(trials.min(fit) as usize); strategies.len()];
    let mut row = 0u64;
    schema::read_each(dir, |r: TrialRecord<'static>| {
        let (trial, s) = (row / s_count, (row % s_count) as usize);
        if trial >= trials
            || r.trial != trial
            || r.strategy != strategies[s]
            || r.strategy_id != ids[s]
        {
            bail!(
                "{}: row {} is not trial {trial} of {} (the manifest says {trials} trials of {} strategies)",
                path.display(),
                row + 1,
                strategies[s],
                strategies.len()
            );
        }
        if !plausible(r.total.0) {
            bail!(
                "{}: the total of {} in trial {trial} is not an amount of money (at most 1e18 dollars)",
                path.display(),
                strategies[s]
            );
        }
        t[s].push(r.total.0);
        retired[s].push(r.retired == 1);
        row += 1;
        Ok(())
    })?;
    if row != trials.saturating_mul(s_count) {
        bail!(
            "{}: {} rows, but the manifest's {trials} trials of {} strategies make {}",
            path.display(),
            row,
            strategies.len(),
            trials as u128 * s_count as u128
        );
    }
    Ok(t)
}

/// trials.csv's `retired` column per strategy, in trial order (empty when
/// the run has no trials.csv). Reads only the two columns it needs.
fn read_retired(dir: &Path, index: &Index<'_>, strategies: usize) -> Result<Vec<Vec<bool>>> {
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
    let (cs, ci, cr) = (col("strategy")?, col("strategy_id")?, col("retired")?);
    let mut out = vec![Vec::new(); strategies];
    let mut row = csv::ByteRecord::new();
    while r.read_byte_record(&mut row)? {
        let name = schema::cell::restore(String::from_utf8_lossy(&row[cs]).into_owned());
        let id = String::from_utf8_lossy(&row[ci]);
        out[index(&name, &id, TrialRecord::FILE)?].push(&row[cr] == b"1");
    }
    Ok(out)
}
