//! `tcosim run`: simulate a scenario and write its results directory.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Context;
use clap::Args;

use super::{CliError, Loaded, signals};
use crate::engine::{self, Results, RunError, RunPlan};
use crate::report::manifest::{Manifest, PrecisionInfo, ShardInfo};
use crate::report::{self, StagedDir};
use crate::scenario::{self, Scenario};
use crate::stats::{self, analysis};

/// Default cap of `--precision` runs.
const DEFAULT_MAX_TRIALS: u64 = 1_000_000;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in default scenario runs.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Number of trials (overrides [simulation] trials); with --precision, the size of each batch.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=scenario::LIMIT_TRIALS))]
    pub trials: Option<u64>,
    /// Random seed (overrides [simulation] seed); the same seed gives the same results.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Months simulated (overrides [simulation] horizon_months).
    #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(1..=scenario::LIMIT_HORIZON as i64))]
    pub horizon: Option<u32>,
    /// Output directory [default: results/<scenario file stem>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores, or RAYON_NUM_THREADS]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Keep running batches of trials until every strategy's mean is known to within REL
    /// (95% half-width / mean, e.g. 0.01) and the most-often-cheapest strategy is settled.
    #[arg(long, value_name = "REL", value_parser = parse_rel)]
    pub precision: Option<f64>,
    /// Cap on the trials of a --precision run [default: 1000000].
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u64).range(1..=scenario::LIMIT_TRIALS))]
    pub max_trials: Option<u64>,
    /// Run only shard I of N (1-based): trials split into N contiguous ranges; writes a shard
    /// directory for `tcosim merge`. Shard I uses exactly the random streams its trials have in
    /// a whole run.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, conflicts_with = "precision")]
    pub shard: Option<(u64, u64)>,
    /// Skip trials.csv (everything else is written); for very large runs.
    #[arg(long)]
    pub no_trials_csv: bool,
    /// Chart formats: png,svg (the default), png, svg, or none to skip the charts and
    /// report.html (`tcosim charts RUN_DIR` draws them later).
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = super::charts::parse_formats)]
    pub charts: super::charts::Formats,
    /// Run even if the memory estimate exceeds what the machine has available.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{s}` is not a shard; write I/N with 1 <= I <= N, e.g. 2/8");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n) = (
        i.trim().parse::<u64>().map_err(|_| bad())?,
        n.trim().parse::<u64>().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The trials of shard `i` of `n` (1-based) of a run of `trials`:
/// `[floor((i-1) T / n), floor(i T / n))`.
pub fn shard_range(trials: u64, i: u64, n: u64) -> (u64, u64) {
    let at = |k: u64| (u128::from(k) * u128::from(trials) / u128::from(n)) as u64;
    (at(i - 1), at(i) - at(i - 1))
}

fn parse_rel(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "`{s}` is not a relative precision; give a number between 0 and 1, e.g. 0.01 for 1%"
        )),
    }
}

/// Memory the machine has available, if known (Linux).
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Refuses a plan whose estimated memory exceeds 80% of what is available.
fn check_memory(sc: &Scenario, plan: &RunPlan, force: bool) -> Result<(), CliError> {
    let need = plan.memory_estimate(sc);
    let Some(have) = available_memory() else {
        return Ok(());
    };
    if force || need <= have / 10 * 8 {
        return Ok(());
    }
    Err(CliError::Input(format!(
        "this run needs about {} of memory ({} trials x {} strategies, {} months), more than the {} \
this machine has available; use fewer trials (--trials N, or --max-trials N with --precision), or \
--force to run anyway",
        gib(need),
        plan.trials,
        sc.strategies.len(),
        plan.horizon,
        gib(have)
    )))
}

/// The files in a results directory, sorted, with `extra` (a file about
/// to be written) included.
pub(super) fn files_in(dir: &Path, extra: &str) -> anyhow::Result<Vec<String>> {
    let mut files = vec![extra.to_string()];
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        files.push(if e.path().is_dir() {
            format!("{name}/")
        } else {
            name
        });
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// How a --precision run ended.
enum Stop {
    Reached,
    Cap,
}

/// Writes every analysis file of a run into `dir` and returns the
/// summaries (for the terminal table).
pub fn write_outputs(
    dir: &Path,
    text: &str,
    results: &Results,
) -> anyhow::Result<Vec<stats::Summary>> {
    let summaries = stats::summarize(results);
    let bands = stats::monthly(results);
    report::csv::write_summary(&dir.join("summary.csv"), &summaries)?;
    report::csv::write_monthly(&dir.join("monthly.csv"), results, &bands)?;
    report::csv::write_quality(&dir.join("quality.csv"), results, &bands)?;
    report::analysis::write_all(dir, results, &summaries, &bands)?;
    std::fs::write(dir.join("scenario.toml"), text).context("cannot write scenario.toml")?;
    Ok(summaries)
}

pub fn run_command(args: RunArgs) -> Result<(), CliError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let Loaded {
        scenario: sc,
        text,
        label,
        stem,
    } = Loaded::from_arg(args.scenario.as_deref())?;
    let mut plan = RunPlan::from_scenario(&sc);
    if let Some(t) = args.trials {
        plan.trials = t;
    }
    if let Some(s) = args.seed {
        plan.seed = s;
    }
    if let Some(h) = args.horizon {
        plan.horizon = h;
    }
    let total_trials = plan.trials;
    if let Some((i, n)) = args.shard {
        if n > plan.trials {
            return Err(CliError::Input(format!(
                "--shard {i}/{n}: {n} shards is more than the {} trials; use at most {} shards",
                plan.trials, plan.trials
            )));
        }
        let (first, count) = shard_range(plan.trials, i, n);
        plan.first_trial = first;
        plan.trials = count;
    }
    let cap = args.precision.map(|_| {
        args.max_trials
            .unwrap_or(DEFAULT_MAX_TRIALS)
            .max(plan.trials)
    });
    check_memory(
        &sc,
        &RunPlan {
            trials: cap.unwrap_or(plan.trials),
            ..plan
        },
        args.force,
    )?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&stem));
    let staged = StagedDir::new(&out_dir).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let cancel = signals::cancel_flag();

    let pool = super::worker_pool(args.threads)?;
    let threads = pool.current_num_threads();
    if !args.quiet {
        println!("Scenario: {} ({label})", sc.name);
        println!(
            "Simulating {} trials x {} strategies x {} months (seed {}, {} thread{}){}",
            plan.trials,
            sc.strategies.len(),
            plan.horizon,
            plan.seed,
            threads,
            if threads == 1 { "" } else { "s" },
            match (args.precision, cap) {
                (Some(rel), Some(cap)) => format!(
                    ", in batches until the means are within {:.2}% and the cheapest is settled (at most {cap} trials)",
                    rel * 100.0
                ),
                _ => String::new(),
            }
        );
    }
    // A progress bar for runs of more than about a second (some 2e7
    // strategy-trial-months), when stderr is a terminal.
    let work = cap.unwrap_or(plan.trials) * sc.strategies.len() as u64 * u64::from(plan.horizon);
    let bar = (!args.quiet && work > 20_000_000 && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(plan.trials);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} trials  {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let dir = staged.path();
    let trials_path = dir.join("trials.csv");
    let mut rows = if args.no_trials_csv {
        None
    } else {
        Some(report::csv::TrialsFile::create(&trials_path)?)
    };
    let mut batch = |first: u64, n: u64| -> Result<Results, CliError> {
        let done_before = first;
        let progress = |done: u64| {
            if let Some(pb) = &bar {
                pb.set_position(done_before + done);
            }
        };
        let sink = rows.as_mut().map(|r| r as &mut (dyn std::io::Write + Send));
        let p = RunPlan {
            trials: n,
            first_trial: plan.first_trial + first,
            ..plan
        };
        pool.install(|| engine::run_streaming(&sc, p, sink, &progress, cancel))
            .map_err(|e| match e {
                RunError::Cancelled => CliError::Interrupted,
                RunError::Io(e) => CliError::Failure(
                    anyhow::Error::new(e)
                        .context(format!("cannot write {}", trials_path.display())),
                ),
            })
    };
    let mut results = batch(0, plan.trials)?;
    let mut stop = None;
    if let (Some(rel), Some(cap)) = (args.precision, cap) {
        loop {
            let settled = analysis::cheapest_settled(&results);
            if analysis::precision_reached(&analysis::precision(&results), &settled, rel) {
                stop = Some(Stop::Reached);
                break;
            }
            let done = results.plan.trials;
            if done >= cap {
                stop = Some(Stop::Cap);
                break;
            }
            let n = plan.trials.min(cap - done);
            if let Some(pb) = &bar {
                pb.set_length(done + n);
            }
            let next = batch(done, n)?;
            results.append(next);
        }
    }
    if let Some(r) = rows.take() {
        r.finish()?;
    }
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    if signals::cancelled() {
        return Err(CliError::Interrupted);
    }

    let summaries = match args.shard {
        Some(_) => {
            report::shard::write_shard(dir, &results)?;
            std::fs::write(dir.join("scenario.toml"), &text)
                .context("cannot write scenario.toml")?;
            Vec::new()
        }
        None => {
            let summaries = write_outputs(dir, &text, &results)?;
            if signals::cancelled() {
                return Err(CliError::Interrupted);
            }
            summaries
        }
    };
    if signals::cancelled() {
        return Err(CliError::Interrupted);
    }
    let manifest = Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: sc.name.clone(),
        scenario_file: label,
        scenario_sha256: report::manifest::sha256_hex(&text),
        seed: plan.seed,
        trials: if args.shard.is_some() {
            total_trials
        } else {
            results.plan.trials
        },
        horizon_months: plan.horizon,
        threads,
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        wall_seconds: (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        files: files_in(dir, "manifest.json")?,
        shard: args.shard.map(|(index, count)| ShardInfo {
            index,
            count,
            first_trial: results.plan.first_trial,
            trials: results.plan.trials,
        }),
        precision: match (args.precision, cap, &stop) {
            (Some(target), Some(max_trials), Some(stop)) => Some(PrecisionInfo {
                target,
                reached: matches!(stop, Stop::Reached),
                max_trials,
            }),
            _ => None,
        },
    };
    report::manifest::write_manifest(&dir.join("manifest.json"), &manifest)?;
    let manifest = if args.shard.is_none() {
        // Charts and the report are drawn from the files just written (and
        // the totals as trials.csv holds them, without reading it back).
        let totals = Some(super::charts::totals_as_written(&results));
        super::charts::draw_run(dir, totals, args.charts)?;
        if signals::cancelled() {
            return Err(CliError::Interrupted);
        }
        let mut m = manifest;
        m.files = files_in(dir, "manifest.json")?;
        m.wall_seconds = (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        report::manifest::write_manifest(&dir.join("manifest.json"), &m)?;
        m
    } else {
        manifest
    };
    let target = staged.commit()?;
    if !args.quiet {
        if let Some((i, n)) = args.shard {
            println!(
                "Shard {i}/{n}: trials {} to {} of {total_trials}. Merge all {n} shards with `tcosim merge`.",
                results.plan.first_trial,
                results.plan.first_trial + results.plan.trials - 1
            );
        } else {
            println!();
            print!("{}", report::terminal::summary_table(&summaries));
            println!();
        }
        if let (Some(rel), Some(stop)) = (args.precision, stop) {
            let settled = analysis::cheapest_settled(&results);
            println!(
                "{}",
                match stop {
                    Stop::Reached => format!(
                        "Precision reached with {} trials: every mean within {:.2}% (95%), and {} is settled as most often cheapest.",
                        results.plan.trials,
                        rel * 100.0,
                        settled.leader.name
                    ),
                    Stop::Cap => format!(
                        "Stopped at the cap of {} trials before the precision target ({:.2}%, cheapest settled) was reached; raise --max-trials or loosen --precision.",
                        results.plan.trials,
                        rel * 100.0
                    ),
                }
            );
        }
        println!(
            "Wrote {} to {} in {:.2} s",
            manifest.files.join(", "),
            target.display(),
            clock.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
