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
use crate::model::CATEGORIES;
use crate::stats::exact::ExactSum;
use crate::stats::sketch::{BUCKETS, Sketch};
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
    super::csv::write_inputs(dir, &r.inputs, first)?;
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
    let header = r
        .headers()
        .with_context(|| format!("{} is not valid CSV", path.display()))?
        .iter()
        .map(String::from)
        .collect();
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

/// Checks that `rows` are the trials of `plan`, in order, each with
/// `fields` fields.
fn check_trial_rows(
    rows: &[csv::StringRecord],
    fields: usize,
    plan: RunPlan,
    path: &Path,
) -> Result<()> {
    if rows.len() as u64 != plan.trials {
        bail!(
            "{}: {} trials, the manifest says {} (rows were added or removed)",
            path.display(),
            rows.len(),
            plan.trials
        );
    }
    for (i, rec) in rows.iter().enumerate() {
        let trial = plan.first_trial.saturating_add(i as u64);
        if rec.len() != fields {
            bail!(
                "{}: the row of trial {trial} has {} fields, not {fields}",
                path.display(),
                rec.len()
            );
        }
        if rec.get(0).and_then(|t| t.parse::<u64>().ok()) != Some(trial) {
            bail!(
                "{}: row {} is not trial {trial}: trial numbers are not the shard's range in order",
                path.display(),
                i + 2
            );
        }
    }
    Ok(())
}

/// The numbers of a row after its trial number.
fn numbers<T: std::str::FromStr>(rec: &csv::StringRecord, path: &Path) -> Result<Vec<T>> {
    rec.iter()
        .skip(1)
        .map(|f| {
            f.parse::<T>()
                .map_err(|_| anyhow::anyhow!("{}: `{f}` is not a number", path.display()))
        })
        .collect()
}

/// Checks a shard's trials.csv without holding it: the header of
/// [`TrialRecord`], then one well-formed row per trial of `plan` and
/// strategy, in order. (merge copies its rows as they are.)
fn check_trials_csv(path: &Path, strategies: &[String], plan: RunPlan) -> Result<()> {
    use super::schema::{CsvFile, TrialRecord};
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r
        .byte_headers()
        .with_context(|| format!("{} is not valid CSV", path.display()))?
        .clone();
    if header
        .iter()
        .ne(TrialRecord::HEADER.iter().map(|h| h.as_bytes()))
    {
        bail!(
            "{} does not have the columns tcosim writes ({})",
            path.display(),
            TrialRecord::HEADER.join(",")
        );
    }
    let mut rec = csv::ByteRecord::new();
    let mut row = 0u64;
    let s_count = strategies.len() as u64;
    let ids = crate::scenario::strategy_ids(strategies);
    let want_rows = plan.trials.saturating_mul(s_count);
    while r
        .read_byte_record(&mut rec)
        .with_context(|| format!("{}: row {} is not valid CSV", path.display(), row + 2))?
    {
        let trial = plan.first_trial.saturating_add(row / s_count.max(1));
        let strategy =
            super::schema::cell::neutralise(&strategies[(row % s_count.max(1)) as usize])
                .into_owned();
        if row >= want_rows
            || rec.len() != TrialRecord::HEADER.len()
            || rec.get(0) != Some(trial.to_string().as_bytes())
            || rec.get(1) != Some(strategy.as_bytes())
            || rec.get(2) != Some(ids[(row % s_count.max(1)) as usize].as_bytes())
        {
            bail!(
                "{}: row {} is not the row of {} in trial {trial} with {} fields (the manifest says {} trials of {} strategies)",
                path.display(),
                row + 2,
                strategies[(row % s_count.max(1)) as usize],
                TrialRecord::HEADER.len(),
                plan.trials,
                strategies.len()
            );
        }
        row += 1;
    }
    if row != want_rows {
        bail!(
            "{}: {row} rows, but the manifest's {} trials of {} strategies make {want_rows}",
            path.display(),
            plan.trials,
            strategies.len()
        );
    }
    Ok(())
}

/// Checks stored aggregates against the shard: its strategies, horizon and
/// trials, every sketch counting each trial once in a valid bucket within
/// a finite range, and every sum present. Nothing is allocated from the
/// stored sizes before they are checked against what the file holds.
fn check_aggregates(
    stored: &StoredAggregates,
    n_s: usize,
    plan: RunPlan,
    path: &Path,
) -> Result<()> {
    let bad = |what: String| anyhow::anyhow!("{}: {what}", path.display());
    let h = plan.horizon as usize;
    if stored.strategies != n_s || stored.horizon != h || stored.trials != plan.trials {
        return Err(bad(format!(
            "{} strategies, {} months and {} trials, but the shard has {n_s}, {h} and {}",
            stored.strategies, stored.horizon, stored.trials, plan.trials
        )));
    }
    let sm = n_s * h;
    let lengths = [
        ("cost", stored.cost.len(), sm),
        ("cost_sum", stored.cost_sum.len(), sm),
        ("degradation_sum", stored.degradation_sum.len(), sm),
        (
            "category_sum",
            stored.category_sum.len(),
            n_s * CATEGORIES.len(),
        ),
        ("total_sum", stored.total_sum.len(), n_s),
        ("cash_sum", stored.cash_sum.len(), n_s),
        ("lost_value_sum", stored.lost_value_sum.len(), n_s),
    ];
    for (name, got, want) in lengths {
        if got != want {
            return Err(bad(format!(
                "`{name}` has {got} entries, not {want} (one per strategy{})",
                if want == sm {
                    " and month"
                } else if name == "category_sum" {
                    " and category"
                } else {
                    ""
                }
            )));
        }
    }
    for (i, sk) in stored.cost.iter().enumerate() {
        let (s, m) = (i / h.max(1), i % h.max(1));
        let mut n = 0u64;
        let mut last = None;
        for &(b, c) in &sk.buckets {
            if u32::from(b) >= BUCKETS || last.is_some_and(|l| b <= l) || c == 0 {
                return Err(bad(format!(
                    "the sketch of strategy {} month {m} has bucket {b} with count {c} (buckets run from 0 to {} in increasing order, counts from 1)",
                    s + 1,
                    BUCKETS - 1
                )));
            }
            last = Some(b);
            n = n.saturating_add(c);
        }
        if n != plan.trials {
            return Err(bad(format!(
                "the sketch of strategy {} month {m} counts {n} values, not one per trial ({})",
                s + 1,
                plan.trials
            )));
        }
        if !(super::rundata::plausible(sk.min)
            && super::rundata::plausible(sk.max)
            && sk.min <= sk.max)
        {
            return Err(bad(format!(
                "the sketch of strategy {} month {m} has the range {} to {}",
                s + 1,
                sk.min,
                sk.max
            )));
        }
    }
    Ok(())
}

/// Reads a shard directory's data back into `Results` for `plan` (its
/// first trial and trial count), checking that every file agrees with it
/// and with the shard's scenario (see [`check_shards`] for the files'
/// checksums): a damaged shard is refused with a message naming the file.
pub fn read_shard(dir: &Path, plan: RunPlan) -> Result<Results> {
    let scenario_path = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&scenario_path)
        .with_context(|| format!("cannot read {}", scenario_path.display()))?;
    let scenario =
        crate::scenario::Scenario::from_toml(&text, &scenario_path.display().to_string())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let totals_path = dir.join("totals.csv");
    let (header, rows) = read_rows(&totals_path)?;
    let strategies = strategies_of(&header, &totals_path)?;
    if !strategies
        .iter()
        .eq(scenario.strategies.iter().map(|s| &s.name))
    {
        bail!(
            "{}: its strategies ({}) are not those of {}",
            totals_path.display(),
            strategies.join(", "),
            scenario_path.display()
        );
    }
    let n_s = strategies.len();
    check_trial_rows(&rows, 1 + FIGURES.len() * n_s, plan, &totals_path)?;
    let mut figures = [(); FIGURES.len()].map(|_| Vec::with_capacity(rows.len() * n_s));
    for rec in &rows {
        for (k, x) in numbers::<f64>(rec, &totals_path)?.into_iter().enumerate() {
            if !super::rundata::plausible(x) {
                bail!(
                    "{}: `{x}` is not an amount of money (at most 1e18 dollars)",
                    totals_path.display()
                );
            }
            figures[k / n_s].push(x);
        }
    }
    let [totals, cash, lost_value] = figures;
    let inputs_path = dir.join("inputs.csv");
    let (header, rows) = read_rows(&inputs_path)?;
    if header.first().map(String::as_str) != Some("trial") {
        bail!("{}: the first column is not `trial`", inputs_path.display());
    }
    let inputs: Vec<String> = header.into_iter().skip(1).collect();
    check_trial_rows(&rows, 1 + inputs.len(), plan, &inputs_path)?;
    let mut input_values = Vec::with_capacity(rows.len() * inputs.len());
    for rec in &rows {
        for x in numbers::<f32>(rec, &inputs_path)? {
            if !x.is_finite() {
                bail!("{}: `{x}` is not a finite number", inputs_path.display());
            }
            input_values.push(x);
        }
    }
    let trials_path = dir.join("trials.csv");
    if trials_path.exists() {
        check_trials_csv(&trials_path, &strategies, plan)?;
    }
    let agg_path = dir.join("aggregates.json");
    let stored: StoredAggregates = serde_json::from_str(
        &std::fs::read_to_string(&agg_path)
            .with_context(|| format!("cannot read {}", agg_path.display()))?,
    )
    .with_context(|| format!("{} is not valid", agg_path.display()))?;
    check_aggregates(&stored, n_s, plan, &agg_path)?;
    let mut agg = Aggregates::new(stored.strategies, stored.horizon);
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
    // The exact sums of each trial's figures are those of totals.csv, so
    // the mean (from the sums) and the spread (from the trials) of the
    // merged summary describe the same trials.
    for (name, values, sums) in [
        ("total", &totals, &agg.sums.total),
        ("cash", &cash, &agg.sums.cash),
        ("lost_value", &lost_value, &agg.sums.lost_value),
    ] {
        for (s, sum) in sums.iter().enumerate() {
            let mut again = ExactSum::default();
            values
                .iter()
                .skip(s)
                .step_by(n_s)
                .for_each(|x| again.add(*x));
            if again != *sum {
                bail!(
                    "{}: the sum of `{name}` of {} is not that of {} (one of them was changed)",
                    agg_path.display(),
                    strategies[s],
                    totals_path.display()
                );
            }
        }
    }
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
    check_ranges(&shards)?;
    for (d, m) in &shards {
        m.verify_files(d, &SHARD_READS, &rerun(m))
            .map_err(|e| format!("{e:#}"))?;
    }
    Ok(shards)
}

/// The files [`read_shard`] and merge read.
const SHARD_READS: [&str; 5] = [
    "scenario.toml",
    "totals.csv",
    "inputs.csv",
    "aggregates.json",
    "trials.csv",
];

/// How a message refusing a damaged shard ends.
fn rerun(m: &Manifest) -> String {
    let (i, n) = m.shard.map_or((0, 0), |s| (s.index, s.count));
    format!("re-run that shard (`tcosim run SCENARIO --shard {i}/{n}` with the run's options)")
}

/// The shards' trials (sorted by index) follow each other from trial 0 and
/// add up to the run's.
fn check_ranges(shards: &[(PathBuf, Manifest)]) -> Result<(), String> {
    let mut next = 0u64;
    for (d, m) in shards {
        let Some(s) = m.shard else { continue };
        if s.first_trial != next || s.trials == 0 {
            return Err(format!(
                "{}: shard {}/{} holds trials {} to {}, but the shards before it end at trial {next}; re-run the shards",
                d.join("manifest.json").display(),
                s.index,
                s.count,
                s.first_trial,
                s.first_trial as u128 + s.trials as u128
            ));
        }
        next = next.saturating_add(s.trials);
    }
    if let Some((d, m)) = shards.first()
        && next != m.trials
    {
        return Err(format!(
            "{}: the shards hold {next} trials, the manifests say the run has {}; re-run the shards",
            d.join("manifest.json").display(),
            m.trials
        ));
    }
    Ok(())
}

/// Each directory's manifest, refusing whole runs.
fn read_manifests(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, String> {
    let mut shards = Vec::new();
    for d in dirs {
        let path = d.join("manifest.json");
        let m = Manifest::read_any(&path)
            .map_err(|e| format!("{}: not a shard directory: {e:#}", d.display()))?;
        m.check_layout(&path).map_err(|e| format!("{e:#}"))?;
        m.check_seal(&path, &rerun(&m))
            .map_err(|e| format!("{e:#}"))?;
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
    if let Some((d, m)) = shards
        .iter()
        .find(|(_, m)| m.shard.is_none_or(|s| s.index == 0 || s.index > n))
    {
        return Err(format!(
            "{}: shard {} of {n} is not a shard number from 1 to {n}",
            d.join("manifest.json").display(),
            m.shard.map_or(0, |s| s.index)
        ));
    }
    // At most ten listed, found within the first shards + 10 numbers
    // whatever the count says.
    let missing: Vec<String> = (1..=n)
        .filter(|i| {
            !shards
                .iter()
                .any(|(_, m)| m.shard.map(|s| s.index) == Some(*i))
        })
        .take(10)
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
