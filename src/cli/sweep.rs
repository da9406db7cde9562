//! `tcosim sweep`: run a scenario at every combination of fixed values of
//! one or two keys, with the same seed (common random numbers across
//! points), and report where the best strategy changes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::out::{Format, Out, status};
use super::{CliError, Loaded, json, signals};
use crate::decide::best_by_median;
use crate::decide::format::swept_value;
use crate::decide::verdict::sweep_statement;
use crate::engine::RunPlan;
use crate::output::schema::{Money, Prob, cell};
use crate::output::{OutputKind, StagedDir};
use crate::pipeline;
use crate::present::charts::{self, Formats, sweep::SweepData};
use crate::scenario::{self, Scenario, strategy_ids};
use crate::stats::Summary;

/// Most points a sweep may have.
pub const LIMIT_POINTS: usize = 10_000;

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// A key and its values: KEY=V1,V2,... or KEY=START..END:STEP (at most two --set).
    /// KEY is a dotted path such as simulation.horizon_months or engagements.freelancer.hourly_rate;
    /// a fixed value replaces the key's distribution.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    pub sets: Vec<String>,
    /// Trials per point (overrides [simulation] trials).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=scenario::LIMIT_TRIALS))]
    pub trials: Option<u64>,
    /// Random seed (overrides [simulation] seed); every point uses it.
    /// At most 9223372036854775807, the largest a scenario file can hold.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=super::plan::LIMIT_SEED))]
    pub seed: Option<u64>,
    /// Output directory [default: results/<scenario file stem>-sweep].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Do not simulate: write each point's scenario, and one runnable `tcosim run` command
    /// per point in DIR/jobs.txt (for a scheduler: one job per point), with DIR/points.csv
    /// saying which values each point has and where its results go.
    #[arg(long, value_name = "DIR")]
    pub emit_jobs: Option<PathBuf>,
    /// Chart formats of the sweep chart: png,svg (the default), png, svg or none.
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// What to print on standard output: text (where the best strategy changes), or one JSON
    /// document (see docs/JSON.md). Status goes to standard error either way.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print nothing but errors (and the JSON document of --format json).
    #[arg(long, short)]
    pub quiet: bool,
}

/// One swept key and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<f64>,
}

/// Parses `KEY=V1,V2` or `KEY=START..END:STEP`.
pub fn parse_set(s: &str) -> Result<Axis, String> {
    let (key, vals) = s
        .split_once('=')
        .ok_or_else(|| format!("--set {s}: expected KEY=V1,V2,... or KEY=START..END:STEP"))?;
    let key = key.trim().to_string();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!(
            "--set {s}: `{key}` is not a dotted key path such as drift.events_per_month"
        ));
    }
    let num = |t: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("--set {s}: `{}` is not a number", t.trim()))
    };
    let values = if let Some((range, step)) = vals.split_once(':').filter(|_| vals.contains("..")) {
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| format!("--set {s}: expected START..END:STEP"))?;
        let (a, b, step) = (num(a)?, num(b)?, num(step)?);
        if step <= 0.0 || b < a {
            return Err(format!(
                "--set {s}: a range needs START <= END and STEP > 0"
            ));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize + 1;
        if n > LIMIT_POINTS {
            return Err(format!(
                "--set {s}: {n} values is more than the limit of {LIMIT_POINTS}"
            ));
        }
        (0..n)
            .map(|i| a + step * i as f64)
            .map(|x| (x * 1e9).round() / 1e9)
            .collect()
    } else {
        vals.split(',')
            .map(num)
            .collect::<Result<Vec<f64>, String>>()?
    };
    if values.is_empty() {
        return Err(format!("--set {s}: no values"));
    }
    Ok(Axis { key, values })
}

/// The scenario text with `key` set to the fixed value `v`.
pub fn set_key(text: &str, key: &str, v: f64) -> Result<String, String> {
    let mut doc: toml::Table = text
        .parse()
        .map_err(|e| format!("the scenario is not valid TOML: {e}"))?;
    let parts: Vec<&str> = key.split('.').collect();
    let (last, parents) = parts
        .split_last()
        .ok_or_else(|| format!("`{key}` is empty"))?;
    let mut table = &mut doc;
    for (i, p) in parents.iter().enumerate() {
        table = match table.get_mut(*p) {
            Some(toml::Value::Table(t)) => t,
            _ => {
                return Err(format!(
                    "`{key}` is not a key of this scenario: it has no table `{}`",
                    parts[..=i].join(".")
                ));
            }
        };
    }
    let value = if v == v.trunc() && v.abs() < 9e15 {
        toml::Value::Integer(v as i64)
    } else {
        toml::Value::Float(v)
    };
    table.insert((*last).to_string(), value);
    toml::to_string(&doc).map_err(|e| format!("cannot write the modified scenario: {e}"))
}

/// The scenario text with `key` set to `v`, and the scenario it makes;
/// its problems become one message about the `--set`. `fixed` are the keys
/// set so far, `key` included: correlations naming them are left out.
fn checked(
    text: &str,
    key: &str,
    v: f64,
    fixed: &[String],
) -> Result<(String, Scenario), CliError> {
    let t = set_key(text, key, v).map_err(|m| CliError::Input(format!("--set {key}: {m}")))?;
    let sc = scenario::parse_scenario_with_fixed(&t, "sweep", fixed).map_err(|e| {
        let msgs: Vec<String> = e
            .diags
            .iter()
            .map(|d| format!("{}: {}", d.path, d.message))
            .collect();
        CliError::Input(format!(
            "--set {key}={v}: the scenario is not valid with this value: {}",
            msgs.join("; ")
        ))
    })?;
    Ok((t, sc))
}

/// Every point of the sweep: the values of each axis.
fn points(axes: &[Axis]) -> Vec<Vec<f64>> {
    axes.iter().fold(vec![Vec::new()], |acc, a| {
        acc.iter()
            .flat_map(|p| a.values.iter().map(move |v| [p.clone(), vec![*v]].concat()))
            .collect()
    })
}

pub fn sweep_command(args: SweepArgs) -> Result<(), CliError> {
    let Loaded {
        scenario: base,
        text,
        stem,
        label,
    } = Loaded::from_arg(Some(&args.scenario))?;
    let axes = parse_axes(&args.sets)?;
    let pts = points(&axes);
    if pts.len() > LIMIT_POINTS {
        return Err(CliError::Input(format!(
            "{} points is more than the limit of {LIMIT_POINTS}",
            pts.len()
        )));
    }
    // Check every point before simulating any.
    let (texts, scenarios) = point_scenarios(&text, &axes, &pts)?;
    if !args.quiet {
        for note in left_out_notes(&scenarios) {
            status(note);
        }
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(format!("{stem}-sweep")));
    if let Some(jobs) = &args.emit_jobs {
        return emit_jobs(jobs, &out_dir, &texts, &axes, &pts, &args)
            .map_err(super::run::writing_into(jobs));
    }
    let staged = StagedDir::new(&out_dir, OutputKind::Sweep)
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let pool = super::worker_pool(args.threads)?;
    if !args.quiet {
        status(format_args!(
            "Sweeping {} over {} points ({})",
            base.name,
            pts.len(),
            axes.iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(" x ")
        ));
    }
    let show = !args.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |done: u64, all: u64| {
        if show {
            use std::io::Write;
            let _ = write!(std::io::stderr().lock(), "\r{done}/{all} points");
        }
    };
    let hooks = pipeline::Hooks {
        progress: &progress,
        cancel: signals::cancel_flag(),
    };
    let summaries = pipeline::sweep_points(&scenarios, args.trials, args.seed, &pool, &hooks);
    if show {
        status("");
    }
    let table: Vec<(Vec<f64>, Vec<Summary>)> = pts.into_iter().zip(summaries?).collect();
    let written = super::run::writing_into(&out_dir);
    let statement = write_sweep_dir(
        staged.path(),
        &args,
        &text,
        &base,
        &scenarios[0],
        &axes,
        &table,
    )
    .map_err(&written)?;
    let target = staged.commit().map_err(|e| written(e.into()))?;
    // The results are in place: a failure to print them now loses nothing.
    let stdout = Out::results_in(&target);
    if args.format.is_json() {
        let first = RunPlan::from_scenario(&scenarios[0]);
        stdout.json(&json::sweep(&json::SweepDone {
            scenario_name: &base.name,
            scenario_label: &label,
            keys: axes.iter().map(|a| a.key.as_str()).collect(),
            trials: args.trials.unwrap_or(first.trials),
            seed: args.seed.unwrap_or(first.seed),
            table: &table,
            statement: &statement,
            dir: &target,
        }))?;
    } else if !args.quiet {
        stdout.line(&statement)?;
    }
    if !args.quiet {
        status(format_args!(
            "Wrote sweep.csv, sweep.txt, scenario.toml{} to {}",
            if args.charts.any() {
                " and charts/sweep"
            } else {
                ""
            },
            target.display()
        ));
    }
    Ok(())
}

/// Writes sweep.csv, sweep.txt, scenario.toml and the sweep chart into
/// `dir`; returns the statement of where the best strategy changes.
fn write_sweep_dir(
    dir: &Path,
    args: &SweepArgs,
    text: &str,
    base: &Scenario,
    first_point: &Scenario,
    axes: &[Axis],
    table: &[(Vec<f64>, Vec<Summary>)],
) -> Result<String, CliError> {
    let names: Vec<String> = base.strategies.iter().map(|s| s.name.clone()).collect();
    write_sweep_csv(&dir.join("sweep.csv"), axes, table)?;
    let statement = statements(axes, table, &names);
    std::fs::write(dir.join("sweep.txt"), format!("{statement}\n"))
        .context("cannot write sweep.txt")?;
    std::fs::write(dir.join("scenario.toml"), text).context("cannot write scenario.toml")?;
    if args.charts.any() {
        let first = RunPlan::from_scenario(first_point);
        let data = SweepData {
            name: base.name.clone(),
            trials: args.trials.unwrap_or(first.trials),
            seed: args.seed.unwrap_or(first.seed),
            keys: axes.iter().map(|a| a.key.clone()).collect(),
            values: axes.iter().map(|a| a.values.clone()).collect(),
            strategies: names,
            points: table.iter().map(|(_, s)| s.clone()).collect(),
        };
        charts::write_sweep(&data, dir, args.charts.png, args.charts.svg)?;
    }
    Ok(statement)
}

/// The `--set` arguments as axes: one or two distinct keys.
fn parse_axes(sets: &[String]) -> Result<Vec<Axis>, CliError> {
    let axes = sets
        .iter()
        .map(|s| parse_set(s))
        .collect::<Result<Vec<Axis>, String>>()
        .map_err(CliError::Input)?;
    if axes.len() > 2 {
        return Err(CliError::Input(
            "a sweep takes one or two --set keys".into(),
        ));
    }
    if axes.len() == 2 && axes[0].key == axes[1].key {
        return Err(CliError::Input(format!(
            "--set {} is given twice",
            axes[0].key
        )));
    }
    Ok(axes)
}

/// The text and the checked scenario of every point. A correlation naming
/// an input a point fixes is left out of its scenario and its text (a fixed
/// value has no rank), so the text runs as it is.
fn point_scenarios(
    text: &str,
    axes: &[Axis],
    pts: &[Vec<f64>],
) -> Result<(Vec<String>, Vec<Scenario>), CliError> {
    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let mut texts = Vec::with_capacity(pts.len());
    let mut scenarios = Vec::with_capacity(pts.len());
    for p in pts {
        let (mut t, mut sc) = (text.to_string(), None);
        for (i, (a, v)) in axes.iter().zip(p).enumerate() {
            let (next, s) = checked(&t, &a.key, *v, &keys[..=i])?;
            (t, sc) = (next, Some(s));
        }
        if let Some(s) = &sc
            && !s.correlations.left_out.is_empty()
        {
            let entries: Vec<usize> = s.correlations.left_out.iter().map(|l| l.entry).collect();
            t = without_correlations(&t, &entries).map_err(CliError::Input)?;
        }
        texts.push(t);
        scenarios.extend(sc);
    }
    Ok((texts, scenarios))
}

/// The scenario text without the `[[correlations]]` entries `entries`
/// (indices among them).
fn without_correlations(text: &str, entries: &[usize]) -> Result<String, String> {
    let mut doc: toml::Table = text
        .parse()
        .map_err(|e| format!("the scenario is not valid TOML: {e}"))?;
    if let Some(toml::Value::Array(a)) = doc.get_mut("correlations") {
        let mut i = 0;
        a.retain(|_| {
            i += 1;
            !entries.contains(&(i - 1))
        });
        if a.is_empty() {
            doc.remove("correlations");
        }
    }
    toml::to_string(&doc).map_err(|e| format!("cannot write the modified scenario: {e}"))
}

/// One note per correlation a point leaves out because `--set` fixes one of
/// its inputs (each once, whatever the number of points).
fn left_out_notes(scenarios: &[Scenario]) -> Vec<String> {
    let mut seen: Vec<usize> = Vec::new();
    let mut notes = Vec::new();
    for l in scenarios.iter().flat_map(|s| &s.correlations.left_out) {
        if seen.contains(&l.entry) {
            continue;
        }
        seen.push(l.entry);
        notes.push(format!(
            "note: the sweep leaves out {}: --set fixes {}, and a fixed value has no rank; the other correlations are kept",
            l.describe(),
            l.fixed.join(" and ")
        ));
    }
    notes
}

fn sh_quote(s: &[u8]) -> Vec<u8> {
    let safe = |b: &u8| b.is_ascii_alphanumeric() || b"/._-=,:".contains(b);
    if !s.is_empty() && s.iter().all(safe) {
        return s.to_vec();
    }
    // Inside single quotes the shell takes every byte as it is, except the
    // quote itself, written '\'' (close, an escaped quote, reopen).
    let mut q = vec![b'\''];
    for b in s {
        if *b == b'\'' {
            q.extend_from_slice(b"'\\''");
        } else {
            q.push(*b);
        }
    }
    q.push(b'\'');
    q
}

/// A path's bytes for jobs.txt; a line break would split its command over
/// two lines of a file that holds one command per line, so it is refused.
fn job_path(p: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = p.as_os_str().as_encoded_bytes();
    if bytes.iter().any(|b| *b == b'\n' || *b == b'\r') {
        return Err(CliError::Input(format!(
            "{:?} holds a line break; jobs.txt has one command per line, so its paths cannot: choose an --out and --emit-jobs without line breaks",
            p
        )));
    }
    Ok(sh_quote(bytes))
}

/// Writes one scenario and one command line per point.
fn emit_jobs(
    dir: &Path,
    out_dir: &Path,
    texts: &[String],
    axes: &[Axis],
    pts: &[Vec<f64>],
    args: &SweepArgs,
) -> Result<(), CliError> {
    // Refuse a path jobs.txt cannot hold before writing anything.
    job_path(dir)?;
    job_path(out_dir)?;
    let staged =
        StagedDir::new(dir, OutputKind::Jobs).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let mut jobs: Vec<u8> = Vec::new();
    let mut listed: Vec<(Vec<f64>, String, String)> = Vec::new();
    let mut index = csv::Writer::from_path(staged.path().join("points.csv"))
        .context("cannot create points.csv")?;
    let mut header = vec!["point".to_string()];
    header.extend(axes.iter().map(|a| a.key.clone()));
    header.extend(["scenario".to_string(), "out".to_string()]);
    index
        .write_record(&header)
        .context("cannot write points.csv")?;
    for (i, (p, t)) in pts.iter().zip(texts).enumerate() {
        let name = format!("point-{:04}", i + 1);
        std::fs::write(staged.path().join(format!("{name}.toml")), t)
            .with_context(|| format!("cannot write {name}.toml"))?;
        let scenario = staged.target().join(format!("{name}.toml"));
        let out = out_dir.join(&name);
        jobs.extend_from_slice(b"tcosim run ");
        jobs.extend(job_path(&scenario)?);
        jobs.extend_from_slice(b" --out ");
        jobs.extend(job_path(&out)?);
        jobs.extend_from_slice(b" --quiet");
        if let Some(n) = args.trials {
            jobs.extend_from_slice(format!(" --trials {n}").as_bytes());
        }
        if let Some(s) = args.seed {
            jobs.extend_from_slice(format!(" --seed {s}").as_bytes());
        }
        jobs.push(b'\n');
        listed.push((
            p.clone(),
            scenario.display().to_string(),
            out.display().to_string(),
        ));
        let mut rec = vec![(i + 1).to_string()];
        rec.extend(p.iter().map(|v| swept_value(*v)));
        rec.extend(
            [scenario.display().to_string(), out.display().to_string()]
                .map(|p| cell::neutralise(&p).into_owned()),
        );
        index
            .write_record(&rec)
            .context("cannot write points.csv")?;
    }
    index.flush().context("cannot write points.csv")?;
    std::fs::write(staged.path().join("jobs.txt"), jobs).context("cannot write jobs.txt")?;
    let target = staged.commit()?;
    if !args.quiet {
        status(format_args!(
            "Wrote {} point scenarios, jobs.txt (one `tcosim run` per line) and points.csv to {}.\nRun line N of jobs.txt as job N (e.g. sed -n \"${{SLURM_ARRAY_TASK_ID}}p\" jobs.txt | sh); see docs/SCALING.md.",
            pts.len(),
            target.display()
        ));
    }
    if args.format.is_json() {
        let keys: Vec<&str> = axes.iter().map(|a| a.key.as_str()).collect();
        Out::results_in(&target).json(&json::sweep_jobs(&keys, &listed, &target))?;
    }
    Ok(())
}

/// Plain statements of where the best strategy flips.
fn statements(axes: &[Axis], table: &[(Vec<f64>, Vec<Summary>)], names: &[String]) -> String {
    let best: Vec<usize> = table.iter().map(|(_, s)| best_by_median(s)).collect();
    let axes: Vec<(&str, &[f64])> = axes
        .iter()
        .map(|a| (a.key.as_str(), a.values.as_slice()))
        .collect();
    sweep_statement(&axes, &best, names)
}

fn write_sweep_csv(
    path: &Path,
    axes: &[Axis],
    table: &[(Vec<f64>, Vec<Summary>)],
) -> anyhow::Result<()> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let mut header: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    header.extend(
        [
            "strategy",
            "strategy_id",
            "trials",
            "mean",
            "p10",
            "p50",
            "p90",
            "prob_cheapest",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for (p, sums) in table {
        let ids = strategy_ids(&sums.iter().map(|s| &s.strategy).collect::<Vec<_>>());
        for (s, id) in sums.iter().zip(ids) {
            let mut rec: Vec<String> = p.iter().map(|v| swept_value(*v)).collect();
            rec.push(cell::neutralise(&s.strategy).into_owned());
            rec.push(id);
            rec.push(s.trials.to_string());
            rec.extend([s.mean, s.p10, s.p50, s.p90].map(|x| Money(x).to_string()));
            rec.push(Prob(s.prob_cheapest).to_string());
            w.write_record(&rec)?;
        }
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_ranges() {
        assert_eq!(
            parse_set("a.b=1,2.5,4").unwrap().values,
            vec![1.0, 2.5, 4.0]
        );
        assert_eq!(
            parse_set("simulation.horizon_months=3..12:3")
                .unwrap()
                .values,
            vec![3.0, 6.0, 9.0, 12.0]
        );
        assert_eq!(
            parse_set("x.y=0.1..0.3:0.1").unwrap().values,
            vec![0.1, 0.2, 0.3]
        );
        assert!(parse_set("novalue").is_err());
        assert!(parse_set("a.b=1,x").is_err());
        assert!(parse_set("a.b=5..1:1").is_err());
        assert!(parse_set("a..b=1").is_err());
    }

    #[test]
    fn sets_keys_and_refuses_missing_tables() {
        let t = "[a]\nb = { dist = \"beta\", alpha = 1, beta = 2 }\n";
        let out = set_key(t, "a.b", 0.5).unwrap();
        assert!(out.contains("b = 0.5"), "{out}");
        assert!(set_key(t, "a.c", 3.0).unwrap().contains("c = 3"));
        assert!(set_key(t, "z.b", 1.0).unwrap_err().contains("no table `z`"));
    }
}
