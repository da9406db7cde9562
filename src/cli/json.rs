//! The JSON documents of `--format json` (`run`, `validate`, `compare`,
//! `sweep`), one per command, documented field by field in docs/JSON.md.
//!
//! Every document starts with `"format": "tcosim-<kind>"` and
//! `"version"`: a field is never renamed or given another meaning within a
//! version (fields may be added). Figures are numbers, not formatted text,
//! and equal what the command's CSV files hold: amounts and shares are
//! rounded as the CSV writes them (two and six decimals), so a script
//! reading either gets the same value.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::CliError;
use super::out::status;
use crate::decide::verdict::{MIN_TRIALS, PairDifference, contenders};
use crate::decide::{Ranking, highest_first, lowest_first};
use crate::output::rundata::RunData;
use crate::output::schema::{Money, Percent, Prob};
use crate::present::changes::{self, RunFigures};
use crate::present::decision;
use crate::stats::{Brief, Summary};

/// The version of every document's shape.
pub const VERSION: u32 = 1;

/// The head every document starts with.
fn head(kind: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("format".into(), json!(format!("tcosim-{kind}")));
    m.insert("version".into(), json!(VERSION));
    m
}

/// An amount as the CSV files write it (two decimals).
fn money(x: f64) -> Value {
    number(Money::as_written(x))
}

/// A share as the CSV files write it (six decimals).
fn prob(x: f64) -> Value {
    number(Prob::as_written(x))
}

/// A percentage as compare.csv writes it.
fn percent(x: f64) -> Value {
    number(Percent::as_written(x))
}

/// A JSON number (null when it is not finite).
fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A path as text.
fn path(p: &Path) -> Value {
    json!(p.display().to_string())
}

/// The entries of a results directory, sorted, directories with a trailing
/// `/` (hidden entries, such as the `.tcosim` marker, left out).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let slash = if e.path().is_dir() { "/" } else { "" };
            (!name.starts_with('.')).then(|| format!("{name}{slash}"))
        })
        .collect();
    names.sort();
    names
}

fn brief(b: &Brief) -> Value {
    json!({
        "mean": money(b.mean),
        "p10": money(b.p10),
        "p50": money(b.p50),
        "p90": money(b.p90),
        "prob_lowest": prob(b.prob_lowest),
    })
}

/// One strategy's line of summary.csv, with its `strategy_id`.
fn summary(s: &Summary, id: &str) -> Value {
    let by_category: Map<String, Value> = crate::model::CATEGORIES
        .iter()
        .zip(s.mean_categories.as_array())
        .map(|(name, x)| (name.to_string(), money(*x)))
        .collect();
    json!({
        "strategy": s.strategy,
        "strategy_id": id,
        "trials": s.trials,
        "mean": money(s.mean),
        "sd": money(s.sd),
        "sem": money(s.sem),
        "p5": money(s.p5),
        "p10": money(s.p10),
        "p25": money(s.p25),
        "p50": money(s.p50),
        "p75": money(s.p75),
        "p90": money(s.p90),
        "p95": money(s.p95),
        "cvar95": money(s.cvar95),
        "min": money(s.min),
        "max": money(s.max),
        "prob_cheapest": prob(s.prob_cheapest),
        "prob_strictly_cheapest": prob(s.prob_strictly_cheapest),
        "prob_tied_cheapest": prob(s.prob_tied_cheapest),
        "mean_by_category": by_category,
        "cash": brief(&s.cash),
        "lost_value": brief(&s.lost_value),
    })
}

/// A − B trial by trial, as comparison.csv holds it.
fn difference(d: &PairDifference) -> Value {
    json!({
        "mean": money(d.mean),
        "ci95_low": money(d.ci_low),
        "ci95_high": money(d.ci_high),
        "p50": money(d.p50),
        "prob_a_cheaper": prob(d.prob_a_cheaper),
        "prob_tie": prob(d.prob_tie),
        "prob_b_cheaper": prob(d.prob_b_cheaper()),
        "interval_excludes_zero": d.separated(),
        "close": d.close(),
    })
}

/// The verdict of a whole run: its sentences (as the terminal and the
/// report state them) and the facts they rest on.
fn verdict(data: &RunData) -> Value {
    let e = decision::evidence(data);
    let sm = &data.summary;
    let name = |i: usize| json!(sm[i].strategy);
    let ranking = Ranking::of(sm);
    let lowest = ranking.places().first().map(|p| p.median);
    let tied: Vec<Value> = ranking
        .places()
        .iter()
        .filter(|p| Some(p.median) == lowest)
        .map(|p| name(p.strategy))
        .collect();
    let means: Vec<f64> = sm.iter().map(|s| s.mean).collect();
    let shares: Vec<f64> = sm.iter().map(|s| s.prob_cheapest).collect();
    let twins = e.twins();
    let same: Vec<Value> = (0..sm.len())
        .filter(|&i| twins[i] != i)
        .map(|i| json!({"strategy": sm[i].strategy, "same_as": sm[twins[i]].strategy}))
        .collect();
    let pair = contenders(&e).map(|(a, b)| {
        json!({
            "a": name(a),
            "b": name(b),
            "a_minus_b": e.pair(a, b).as_ref().map(difference),
        })
    });
    json!({
        "brief": decision::brief(data),
        "sentences": decision::verdict(data),
        "facts": {
            "trials": data.trials,
            "enough_trials": data.trials >= MIN_TRIALS,
            "min_trials": MIN_TRIALS,
            "horizon_months": data.horizon,
            "target_launch_month": data.target_launch_month(),
            "ranking_by_median": ranking.places().iter().map(|p| json!({
                "strategy": sm[p.strategy].strategy,
                "p50": money(p.median),
                "prob_cheapest": prob(p.prob_cheapest),
            })).collect::<Vec<_>>(),
            "lowest_median": tied,
            "lowest_mean": lowest_first(&means).first().map(|&i| name(i)),
            "most_often_cheapest": highest_first(&shares).first().map(|&i| name(i)),
            "same_in_every_trial": same,
            "contenders": pair,
        },
    })
}

/// What `run` did, for [`run`].
pub struct RunDone<'a> {
    pub scenario_name: &'a str,
    pub scenario_label: &'a str,
    pub dir: &'a Path,
    pub files: &'a [String],
    pub trials: u64,
    pub horizon: u32,
    pub seed: u64,
    pub include_business_impact: bool,
    /// (I, N, trials of the whole run, first trial) of a shard.
    pub shard: Option<(u64, u64, u64, u64)>,
    /// (target, cap, "reached" or "cap") of a `--precision` run.
    pub precision: Option<(f64, u64, &'static str)>,
}

/// The document of `tcosim run`.
pub fn run(done: &RunDone<'_>) -> Result<Value, CliError> {
    let mut m = head("run");
    m.insert(
        "scenario".into(),
        json!({"name": done.scenario_name, "source": done.scenario_label}),
    );
    m.insert("output_dir".into(), path(done.dir));
    m.insert("trials".into(), json!(done.trials));
    m.insert("horizon_months".into(), json!(done.horizon));
    m.insert("seed".into(), json!(done.seed));
    m.insert(
        "include_business_impact".into(),
        json!(done.include_business_impact),
    );
    m.insert(
        "shard".into(),
        json!(done.shard.map(|(i, n, all, first)| json!({
            "index": i, "count": n, "trials_of_run": all, "first_trial": first,
        }))),
    );
    m.insert(
        "precision".into(),
        json!(done.precision.map(|(rel, cap, stop)| json!({
            "target": rel, "max_trials": cap, "stopped": stop,
        }))),
    );
    let (strategies, verdict_doc, previous) = if done.shard.is_some() {
        (Vec::new(), Value::Null, Value::Null)
    } else {
        let data = RunData::load(done.dir, Some(Vec::new())).map_err(|e| {
            CliError::Failure(e.context(format!("cannot read back {}", done.dir.display())))
        })?;
        let previous = previous(done.dir);
        (
            {
                let ids = crate::scenario::strategy_ids(&data.strategies);
                data.summary
                    .iter()
                    .zip(&ids)
                    .map(|(s, id)| summary(s, id))
                    .collect()
            },
            verdict(&data),
            previous,
        )
    };
    m.insert("strategies".into(), Value::Array(strategies));
    m.insert("verdict".into(), verdict_doc);
    m.insert("previous".into(), previous);
    m.insert("files".into(), json!(done.files));
    Ok(Value::Object(m))
}

/// What changed against the run kept in `<dir>/previous/` (null without
/// one, or when it cannot be compared, which is said on stderr as in text
/// mode).
fn previous(dir: &Path) -> Value {
    match changes::previous_and_this(dir) {
        Ok(Some((before, after))) => changes(&[before, after]),
        Ok(None) => Value::Null,
        Err(e) => {
            status(format_args!(
                "warning: not compared with the previous run: {e:#}"
            ));
            Value::Null
        }
    }
}

/// Each run against the first: per strategy its figures and changes (as
/// compare.csv), the lowest median, and what differs (settings, scenario
/// keys, comparability warnings).
fn changes(runs: &[RunFigures]) -> Value {
    let Some((base, rest)) = runs.split_first() else {
        return Value::Null;
    };
    let leader = |r: &RunFigures| {
        Ranking::of(&r.summary)
            .best()
            .map(|i| r.summary[i].strategy.clone())
    };
    let table: Vec<Value> = runs
        .iter()
        .map(|r| {
            let rows: Vec<Value> = r
                .summary
                .iter()
                .map(|s| {
                    let b = base.summary.iter().find(|x| x.strategy == s.strategy);
                    let delta = |f: fn(&Summary) -> f64| {
                        b.map(|b| changes::change(f(b), f(s)))
                            .map_or((Value::Null, Value::Null), |(d, p)| {
                                (money(d), p.map_or(Value::Null, percent))
                            })
                    };
                    let (mean_change, mean_pct) = delta(|x| x.mean);
                    let (p50_change, p50_pct) = delta(|x| x.p50);
                    json!({
                        "strategy": s.strategy,
                        "mean": money(s.mean),
                        "p10": money(s.p10),
                        "p50": money(s.p50),
                        "p90": money(s.p90),
                        "mean_change": mean_change,
                        "mean_change_pct": mean_pct,
                        "p50_change": p50_change,
                        "p50_change_pct": p50_pct,
                    })
                })
                .collect();
            json!({
                "run": r.label,
                "trials": r.trials,
                "horizon_months": r.horizon,
                "seed": r.seed,
                "lowest_median": leader(r),
                "strategies": rows,
            })
        })
        .collect();
    let differences: Vec<Value> = rest
        .iter()
        .map(|r| {
            let (keys, error) =
                match changes::scenario_differences(&base.scenario_text, &r.scenario_text) {
                    Ok(d) => (
                        d.iter()
                            .map(|d| {
                                json!({
                                    "key": d.key,
                                    "change": d.kind(),
                                    "before": d.before,
                                    "after": d.after,
                                })
                            })
                            .collect(),
                        Value::Null,
                    ),
                    Err(e) => (Vec::new(), json!(format!("{e:#}"))),
                };
            json!({
                "run": r.label,
                "against": base.label,
                "lowest_median_moved": leader(r) != leader(base),
                "settings": changes::setting_differences(base, r),
                "scenario": keys,
                "scenario_error": error,
                "warnings": changes::comparability_warnings(base, r),
            })
        })
        .collect();
    json!({
        "against": base.label,
        "runs": table,
        "differences": differences,
    })
}

/// The document of `tcosim compare`.
pub fn compare(dirs: &[std::path::PathBuf], runs: &[RunFigures], out: &Path) -> Value {
    let mut m = head("compare");
    m.insert(
        "inputs".into(),
        Value::Array(
            dirs.iter()
                .zip(runs)
                .map(|(d, r)| json!({"run": r.label, "dir": path(d)}))
                .collect(),
        ),
    );
    if let Value::Object(c) = changes(runs) {
        m.extend(c);
    }
    m.insert("output_dir".into(), path(out));
    m.insert("files".into(), json!(listing(out)));
    Value::Object(m)
}

/// The document of `tcosim validate`: per input, ok or its problems, and
/// the warnings of a valid one.
pub fn validation(checked: &[(String, Result<Vec<String>, CliError>)]) -> Value {
    let files: Vec<Value> = checked
        .iter()
        .map(|(label, r)| match r {
            Ok(warnings) => json!({
                "file": label, "ok": true, "problems": [], "warnings": warnings,
            }),
            Err(CliError::Scenario(e)) => json!({
                "file": label,
                "ok": false,
                "problems": e.diags.iter().map(|d| json!({
                    "file": e.file,
                    "line": d.line,
                    "column": d.col,
                    "key": (!d.path.is_empty()).then_some(&d.path),
                    "message": d.message,
                })).collect::<Vec<_>>(),
                "warnings": [],
            }),
            Err(e) => json!({
                "file": label,
                "ok": false,
                "problems": [{
                    "file": label, "line": null, "column": null, "key": null,
                    "message": e.to_string(),
                }],
                "warnings": [],
            }),
        })
        .collect();
    let mut m = head("validate");
    m.insert("ok".into(), json!(checked.iter().all(|(_, r)| r.is_ok())));
    m.insert("files".into(), Value::Array(files));
    Value::Object(m)
}

/// What `sweep` did, for [`sweep`].
pub struct SweepDone<'a> {
    pub scenario_name: &'a str,
    pub scenario_label: &'a str,
    pub keys: Vec<&'a str>,
    pub trials: u64,
    pub seed: u64,
    pub table: &'a [(Vec<f64>, Vec<Summary>)],
    pub statement: &'a str,
    pub dir: &'a Path,
}

/// The document of `tcosim sweep`: every point with each strategy's
/// figures as sweep.csv holds them.
pub fn sweep(done: &SweepDone<'_>) -> Value {
    let points: Vec<Value> = done
        .table
        .iter()
        .map(|(values, sums)| {
            let at: Map<String, Value> = done
                .keys
                .iter()
                .zip(values)
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            json!({
                "values": at,
                "lowest_median": Ranking::of(sums).best().map(|i| &sums[i].strategy),
                "strategies": sums.iter().map(|s| json!({
                    "strategy": s.strategy,
                    "trials": s.trials,
                    "mean": money(s.mean),
                    "p10": money(s.p10),
                    "p50": money(s.p50),
                    "p90": money(s.p90),
                    "prob_cheapest": prob(s.prob_cheapest),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut m = head("sweep");
    m.insert(
        "scenario".into(),
        json!({"name": done.scenario_name, "source": done.scenario_label}),
    );
    m.insert("keys".into(), json!(done.keys));
    m.insert("trials".into(), json!(done.trials));
    m.insert("seed".into(), json!(done.seed));
    m.insert("points".into(), Value::Array(points));
    m.insert("statement".into(), json!(done.statement));
    m.insert("output_dir".into(), path(done.dir));
    m.insert("files".into(), json!(listing(done.dir)));
    Value::Object(m)
}

/// The document of `tcosim sweep --emit-jobs`: every point's values, its
/// scenario file and its results directory.
pub fn sweep_jobs(keys: &[&str], points: &[(Vec<f64>, String, String)], dir: &Path) -> Value {
    let mut m = head("sweep-jobs");
    m.insert("keys".into(), json!(keys));
    m.insert(
        "points".into(),
        Value::Array(
            points
                .iter()
                .enumerate()
                .map(|(i, (values, scenario, out))| {
                    let at: Map<String, Value> = keys
                        .iter()
                        .zip(values)
                        .map(|(k, v)| (k.to_string(), json!(v)))
                        .collect();
                    json!({"point": i + 1, "values": at, "scenario": scenario, "out": out})
                })
                .collect(),
        ),
    );
    m.insert("output_dir".into(), path(dir));
    m.insert("files".into(), json!(listing(dir)));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_numbers_rounded_as_the_csv_writes_them() {
        assert_eq!(money(1234.5678), json!(1234.57));
        assert_eq!(prob(0.12345678), json!(0.123457));
        assert_eq!(money(f64::NAN), Value::Null);
    }
}
