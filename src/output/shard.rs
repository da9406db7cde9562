//! Shard directories: the per-trial results and the per-month sketches of a
//! part of a run, in a form that merges exactly.
//!
//! A shard directory holds `manifest.json` (with its `shard` entry),
//! `scenario.toml`, `trials.csv` (unless `--no-trials-csv`), `totals.csv`
//! (each trial's TCO, cash and lost value per strategy: after `trial`, one
//! column `total:NAME` per strategy, then `cash:NAME`, then
//! `lost_value:NAME`), `inputs.csv` (each trial's varying inputs) and
//! `aggregates.json` (sketch buckets, exact minimum and maximum, and exact
//! fixed-point sums). Floats are written in Rust's shortest
//! round-trip form, so reading them back gives the same bits, and merged
//! results are byte-identical to a single run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use crate::engine::{Results, RunPlan};
use crate::stats::exact::ExactSum;
use crate::stats::sketch::Sketch;
use crate::stats::{Aggregates, InputDraws, Totals};

/// The figures of totals.csv, in column order: each is the prefix of one
/// column per strategy (`total:NAME`, ...).
const FIGURES: [&str; 3] = ["total", "cash", "lost_value"];

/// One month's sketch as stored.
#[derive(Debug, Serialize, Deserialize)]
struct StoredSketch {
    min: f64,
    max: f64,
    /// (bucket, count) pairs.
    buckets: Vec<(u16, u64)>,
}

/// Aggregates as stored; sums as decimal strings of the raw fixed point.
#[derive(Debug, Serialize, Deserialize)]
struct StoredAggregates {
    strategies: usize,
    horizon: usize,
    trials: u64,
    cost: Vec<StoredSketch>,
    cost_sum: Vec<String>,
    degradation_sum: Vec<String>,
    category_sum: Vec<String>,
    total_sum: Vec<String>,
    cash_sum: Vec<String>,
    lost_value_sum: Vec<String>,
}

fn raw(v: &[ExactSum]) -> Vec<String> {
    v.iter().map(|s| s.raw().to_string()).collect()
}

fn unraw(v: &[String], path: &Path) -> Result<Vec<ExactSum>> {
    v.iter()
        .map(|s| {
            s.parse::<i128>()
                .map(ExactSum::from_raw)
                .with_context(|| format!("{}: a sum is not an integer", path.display()))
        })
        .collect()
}

/// Writes the shard data files of `r` into `dir` (the manifest is written
/// by the caller).
pub fn write_shard(dir: &Path, r: &Results) -> Result<()> {
    let first = r.plan.first_trial;
    let mut w =
        csv::Writer::from_path(dir.join("totals.csv")).context("cannot create totals.csv")?;
    let mut header = vec!["trial".to_string()];
    for figure in FIGURES {
        header.extend(r.strategies().iter().map(|s| format!("{figure}:{s}")));
    }
    w.write_record(&header)?;
    let rows = r.totals.rows().zip(r.cash.rows()).zip(r.lost_value.rows());
    for (t, ((total, cash), lost_value)) in rows.enumerate() {
        let mut rec = vec![(first + t as u64).to_string()];
        for row in [total, cash, lost_value] {
            rec.extend(row.iter().map(|x| x.to_string()));
        }
        w.write_record(&rec)?;
    }
    w.flush().context("cannot write totals.csv")?;
    let mut w =
        csv::Writer::from_path(dir.join("inputs.csv")).context("cannot create inputs.csv")?;
    let mut header = vec!["trial".to_string()];
    header.extend(r.inputs.names().iter().cloned());
    w.write_record(&header)?;
    let k = r.inputs.names().len();
    for t in 0..r.totals.n_trials() {
        let mut rec = vec![(first + t as u64).to_string()];
        rec.extend((0..k).map(|i| r.inputs.value(t, i).to_string()));
        w.write_record(&rec)?;
    }
    w.flush().context("cannot write inputs.csv")?;
    let a = &r.agg;
    let stored = StoredAggregates {
        strategies: a.strategies,
        horizon: a.horizon,
        trials: a.trials,
        cost: a
            .cost
            .iter()
            .map(|s| {
                let (min, max) = s.min_max();
                StoredSketch {
                    min,
                    max,
                    buckets: s.buckets().collect(),
                }
            })
            .collect(),
        cost_sum: raw(&a.sums.cost),
        degradation_sum: raw(&a.sums.degradation),
        category_sum: raw(&a.sums.category),
        total_sum: raw(&a.sums.total),
        cash_sum: raw(&a.sums.cash),
        lost_value_sum: raw(&a.sums.lost_value),
    };
    let text = serde_json::to_string(&stored)?;
    std::fs::write(dir.join("aggregates.json"), text).context("cannot write aggregates.json")
}

fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<csv::StringRecord>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r.headers()?.iter().map(String::from).collect();
    let rows = r
        .records()
        .collect::<std::result::Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not valid CSV", path.display()))?;
    Ok((header, rows))
}

/// The strategies of a totals.csv header: after `trial`, one `total:NAME`
/// column per strategy, then `cash:NAME` and `lost_value:NAME` for the same
/// names in the same order. A header without them (a shard written before
/// cash and lost value were recorded) is refused.
fn strategies_of(header: &[String], path: &Path) -> Result<Vec<String>> {
    let columns = header.get(1..).unwrap_or_default();
    let n_s = columns.len() / FIGURES.len();
    let names: Vec<String> = columns[..n_s]
        .iter()
        .filter_map(|c| c.strip_prefix("total:").map(String::from))
        .collect();
    let expected = FIGURES
        .iter()
        .flat_map(|f| names.iter().map(move |s| format!("{f}:{s}")));
    if header.first().map(String::as_str) != Some("trial")
        || n_s == 0
        || names.len() != n_s
        || columns.len() != FIGURES.len() * n_s
        || !expected.eq(columns.iter().cloned())
    {
        bail!(
            "{} does not have the columns this tcosim writes (trial, then total:NAME, cash:NAME and lost_value:NAME for every strategy): it lacks the cash and lost value of each trial, so it was written by an older tcosim or edited. Run the shards again with this tcosim",
            path.display()
        );
    }
    Ok(names)
}

/// Reads a shard directory's data back into `Results` for `plan` (its
/// first trial and trial count).
pub fn read_shard(dir: &Path, plan: RunPlan) -> Result<Results> {
    let totals_path = dir.join("totals.csv");
    let (header, rows) = read_rows(&totals_path)?;
    let strategies = strategies_of(&header, &totals_path)?;
    if rows.len() as u64 != plan.trials {
        bail!(
            "{} has {} trials, its manifest says {}",
            totals_path.display(),
            rows.len(),
            plan.trials
        );
    }
    let n_s = strategies.len();
    let mut figures = [(); FIGURES.len()].map(|_| Vec::with_capacity(rows.len() * n_s));
    for (i, rec) in rows.iter().enumerate() {
        if rec.get(0).and_then(|t| t.parse::<u64>().ok()) != Some(plan.first_trial + i as u64) {
            bail!(
                "{}: trial numbers are not the shard's range",
                totals_path.display()
            );
        }
        for (k, f) in rec.iter().skip(1).enumerate() {
            figures[(k / n_s).min(FIGURES.len() - 1)]
                .push(f.parse::<f64>().with_context(|| {
                    format!("{}: `{f}` is not a number", totals_path.display())
                })?);
        }
    }
    let [totals, cash, lost_value] = figures;
    let inputs_path = dir.join("inputs.csv");
    let (header, rows) = read_rows(&inputs_path)?;
    let inputs: Vec<String> = header.into_iter().skip(1).collect();
    let mut input_values = Vec::with_capacity(rows.len() * inputs.len());
    for rec in &rows {
        for f in rec.iter().skip(1) {
            input_values
                .push(f.parse::<f32>().with_context(|| {
                    format!("{}: `{f}` is not a number", inputs_path.display())
                })?);
        }
    }
    let agg_path = dir.join("aggregates.json");
    let stored: StoredAggregates = serde_json::from_str(
        &std::fs::read_to_string(&agg_path)
            .with_context(|| format!("cannot read {}", agg_path.display()))?,
    )
    .with_context(|| format!("{} is not valid", agg_path.display()))?;
    let mut agg = Aggregates::new(stored.strategies, stored.horizon);
    if stored.cost.len() != agg.cost.len() || stored.strategies != strategies.len() {
        bail!(
            "{} does not match the shard's strategies and horizon",
            agg_path.display()
        );
    }
    agg.trials = stored.trials;
    agg.cost = stored
        .cost
        .iter()
        .map(|s| Sketch::from_parts(&s.buckets, s.min, s.max))
        .collect();
    agg.sums.cost = unraw(&stored.cost_sum, &agg_path)?;
    agg.sums.degradation = unraw(&stored.degradation_sum, &agg_path)?;
    agg.sums.category = unraw(&stored.category_sum, &agg_path)?;
    agg.sums.total = unraw(&stored.total_sum, &agg_path)?;
    agg.sums.cash = unraw(&stored.cash_sum, &agg_path)?;
    agg.sums.lost_value = unraw(&stored.lost_value_sum, &agg_path)?;
    let invalid = |e| anyhow::anyhow!("{}: {e}", dir.display());
    Ok(Results {
        plan,
        totals: Totals::new(strategies.clone(), totals).map_err(invalid)?,
        cash: Totals::new(strategies.clone(), cash).map_err(invalid)?,
        lost_value: Totals::new(strategies, lost_value).map_err(invalid)?,
        inputs: InputDraws::new(inputs, input_values).map_err(invalid)?,
        agg,
    })
}

/// Reads every shard's manifest and checks that they belong together.
/// Returns them sorted by shard number.
pub fn check_shards(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, String> {
    let mut shards = read_manifests(dirs)?;
    check_same_run(&shards)?;
    shards.sort_by_key(|(_, m)| m.shard.map_or(0, |s| s.index));
    check_complete(&shards)?;
    Ok(shards)
}

/// Each directory's manifest, refusing whole runs.
fn read_manifests(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, String> {
    let mut shards = Vec::new();
    for d in dirs {
        let path = d.join("manifest.json");
        let m = Manifest::read_any(&path)
            .map_err(|e| format!("{}: not a shard directory: {e:#}", d.display()))?;
        m.check_layout(&path).map_err(|e| format!("{e:#}"))?;
        if m.shard.is_none() {
            return Err(format!(
                "{} is a whole run, not a shard; make shards with `tcosim run SCENARIO --shard I/N`",
                d.display()
            ));
        }
        shards.push((d.clone(), m));
    }
    Ok(shards)
}

/// The same scenario, seed, trials, horizon and number of shards.
fn check_same_run(shards: &[(PathBuf, Manifest)]) -> Result<(), String> {
    let Some((d0, m0)) = shards.first() else {
        return Err("no shards given".into());
    };
    let n = m0.shard.map_or(0, |s| s.count);
    for (d, m) in &shards[1..] {
        let differ = |what: &str, a: String, b: String| {
            format!(
                "{} and {} do not belong together: {what} differs ({a} vs {b})",
                d0.display(),
                d.display()
            )
        };
        if m.scenario_sha256 != m0.scenario_sha256 {
            return Err(differ(
                "the scenario",
                m0.scenario_sha256[..12].to_string(),
                m.scenario_sha256[..12].to_string(),
            ));
        }
        if m.seed != m0.seed {
            return Err(differ("the seed", m0.seed.to_string(), m.seed.to_string()));
        }
        if m.trials != m0.trials {
            return Err(differ(
                "the number of trials",
                m0.trials.to_string(),
                m.trials.to_string(),
            ));
        }
        if m.horizon_months != m0.horizon_months {
            return Err(differ(
                "the horizon",
                m0.horizon_months.to_string(),
                m.horizon_months.to_string(),
            ));
        }
        let k = m.shard.map_or(0, |s| s.count);
        if k != n {
            return Err(differ("the number of shards", n.to_string(), k.to_string()));
        }
    }
    Ok(())
}

/// Every shard of 1..=N exactly once (`shards` sorted by index).
fn check_complete(shards: &[(PathBuf, Manifest)]) -> Result<(), String> {
    let n = shards
        .first()
        .and_then(|(_, m)| m.shard)
        .map_or(0, |s| s.count);
    for w in shards.windows(2) {
        if w[0].1.shard.map(|s| s.index) == w[1].1.shard.map(|s| s.index) {
            return Err(format!(
                "shard {}/{n} is given twice ({} and {})",
                w[0].1.shard.map_or(0, |s| s.index),
                w[0].0.display(),
                w[1].0.display()
            ));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|i| {
            !shards
                .iter()
                .any(|(_, m)| m.shard.map(|s| s.index) == Some(*i))
        })
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard{} {} {} missing; merge needs all {n} shards",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        ));
    }
    Ok(())
}
