//! The run pipeline: from a checked plan to a complete results directory.
//!
//! `run`, `merge` and `sweep` all go through here, so a run directory is
//! written one way whoever asks for it: simulate (in batches for a precision
//! target, streaming trials.csv), compute the statistics and analyses, write
//! every file, draw the charts and report from the files just written, then
//! the manifest, last, and move the staged directory into place. The
//! command line only checks arguments, calls these functions and prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use anyhow::Context;

use crate::engine::{self, Results, RunError, RunPlan};
use crate::output::manifest::{FileCheck, Manifest, PrecisionInfo, SCHEMA_VERSION, ShardInfo};
use crate::output::rundata::RunData;
use crate::output::schema::Money;
use crate::output::{self, StagedDir, csv::TrialsFile};
use crate::present::charts::{self, Formats};
use crate::present::{decision, html};
use crate::scenario::Scenario;
use crate::stats::{self, Summary, analysis};

/// Why the pipeline stopped without results.
#[derive(Debug)]
pub enum Failure {
    /// The cancel flag was raised (Ctrl-C, SIGTERM); nothing was committed.
    Interrupted,
    /// A mistake in what the user gave (shards that do not belong together,
    /// a damaged shard): exit code 2.
    Input(String),
    /// Anything else (a file that cannot be written, invalid results).
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Failed(e)
    }
}

/// A `--precision` goal: keep adding batches until every mean is known to
/// within `rel` (95% half-width over the mean) and the most-often-cheapest
/// strategy is settled, or until `max_trials`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionGoal {
    /// The relative 95% half-width every mean must reach.
    pub rel: f64,
    /// The most trials to run.
    pub max_trials: u64,
}

/// How a precision run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The goal was reached.
    Reached,
    /// The cap on trials came first.
    Cap,
}

/// A checked plan of one run: what to simulate and what to write.
#[derive(Debug, Clone)]
pub struct RunJob {
    /// The checked scenario.
    pub scenario: Scenario,
    /// The scenario's text (hashed into the manifest, copied beside the results).
    pub text: String,
    /// How messages and the manifest name the scenario.
    pub label: String,
    /// The trials to simulate (for a shard, its own range).
    pub plan: RunPlan,
    /// For a shard `(index, count)`, 1-based, and the trials of the whole run.
    pub shard: Option<(u64, u64, u64)>,
    /// Run until this goal (`--precision`), if any.
    pub precision: Option<PrecisionGoal>,
    /// Whether to write trials.csv.
    pub trials_csv: bool,
    /// The chart formats (none: no charts and no report).
    pub charts: Formats,
}

/// What a finished run reports back for printing.
#[derive(Debug)]
pub struct RunReport {
    /// Every trial's results.
    pub results: Results,
    /// Summaries in scenario order (empty for a shard).
    pub summaries: Vec<Summary>,
    /// Whether the scenario counts lost value in the total.
    pub include_business_impact: bool,
    /// How a precision run ended (`None` for a run of fixed size).
    pub stop: Option<Stop>,
    /// The run's manifest, as written.
    pub manifest: Manifest,
    /// The committed results directory.
    pub dir: PathBuf,
    /// The wall time of each phase (see [`Timings`]).
    pub timings: Vec<(String, f64)>,
}

/// What the pipeline tells its caller while it runs.
pub struct Hooks<'a> {
    /// Trials done so far, and the trials the run will have at least.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
    /// Raised to stop (between waves of trials and between files).
    pub cancel: &'a AtomicBool,
}

impl Hooks<'_> {
    fn check(&self) -> Result<(), Failure> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Failure::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// The wall time of each phase of a run, in the order they finished (for
/// `TCOSIM_TIMINGS=1`). Phases that run at the same time (the analyses, the
/// charts) each record their own time, so the figures can sum to more than
/// the run's wall time.
#[derive(Debug, Default)]
pub struct Timings(std::sync::Mutex<Vec<(String, f64)>>);

impl Timings {
    /// Runs `f`, recording its wall time as `phase`.
    pub fn time<T>(&self, phase: &str, f: impl FnOnce() -> T) -> T {
        let clock = Instant::now();
        let out = f();
        self.record(phase, clock.elapsed().as_secs_f64());
        out
    }

    /// Records `seconds` for `phase`.
    pub fn record(&self, phase: &str, seconds: f64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((phase.to_string(), seconds));
    }

    /// Every phase recorded, with its seconds.
    pub fn phases(self) -> Vec<(String, f64)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

fn engine_failure(e: RunError, what: &Path) -> Failure {
    match e {
        RunError::Cancelled => Failure::Interrupted,
        RunError::Io(e) => Failure::Failed(
            anyhow::Error::new(e).context(format!("cannot write {}", what.display())),
        ),
        RunError::Invalid(e) => Failure::Failed(anyhow::anyhow!("{e}")),
    }
}

/// Runs a job in `pool` and writes its results directory into `staged`,
/// committing it at the end. Everything runs on `pool`'s threads: the
/// simulation, the analyses, the files, the charts.
pub fn run(
    job: &RunJob,
    staged: StagedDir,
    pool: &rayon::ThreadPool,
    hooks: &Hooks<'_>,
) -> Result<RunReport, Failure> {
    pool.install(|| run_in_pool(job, staged, pool, hooks))
}

fn run_in_pool(
    job: &RunJob,
    staged: StagedDir,
    pool: &rayon::ThreadPool,
    hooks: &Hooks<'_>,
) -> Result<RunReport, Failure> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let timings = Timings::default();
    let dir = staged.path().to_path_buf();
    let (results, stop, known) = timings.time("simulation", || simulate(job, &dir, pool, hooks))?;
    hooks.check()?;
    let mut manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: job.scenario.name.clone(),
        scenario_file: job.label.clone(),
        scenario_sha256: output::manifest::sha256_hex(&job.text),
        seed: job.plan.seed,
        trials: job.shard.map_or(results.plan.trials, |(_, _, all)| all),
        horizon_months: job.plan.horizon,
        threads: pool.current_num_threads(),
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        wall_seconds: 0.0,
        files: Vec::new(),
        checksums: Default::default(),
        manifest_sha256: String::new(),
        shard: job.shard.map(|(index, count, _)| ShardInfo {
            index,
            count,
            first_trial: results.plan.first_trial,
            trials: results.plan.trials,
        }),
        precision: match (job.precision, stop) {
            (Some(goal), Some(stop)) => Some(PrecisionInfo {
                target: goal.rel,
                reached: stop == Stop::Reached,
                max_trials: goal.max_trials,
            }),
            _ => None,
        },
    };
    let summaries = if job.shard.is_some() {
        output::shard::write_shard(&dir, &results)?;
        std::fs::write(dir.join("scenario.toml"), &job.text)
            .context("cannot write scenario.toml")?;
        Vec::new()
    } else {
        let files = RunFiles {
            per_trial: job.trials_csv,
            charts: job.charts,
        };
        write_run_files(&dir, &job.text, &results, &manifest, files, hooks, &timings)?
    };
    hooks.check()?;
    timings.time("manifest (checksums)", || {
        finish_manifest(&mut manifest, &dir, clock, known)
    })?;
    let dir = timings.time("commit", || staged.commit())?;
    Ok(RunReport {
        results,
        summaries,
        include_business_impact: job.scenario.include_business_impact,
        stop,
        manifest,
        dir,
        timings: timings.phases(),
    })
}

/// The checks (size and SHA-256) of files computed as they were written,
/// by name.
type KnownChecks = BTreeMap<String, FileCheck>;

/// Simulates the job's trials (in batches until the precision goal, if
/// any), streaming trials.csv into `dir` when asked; returns trials.csv's
/// check with the results.
fn simulate(
    job: &RunJob,
    dir: &Path,
    pool: &rayon::ThreadPool,
    hooks: &Hooks<'_>,
) -> Result<(Results, Option<Stop>, KnownChecks), Failure> {
    let plan = job.plan;
    let rows = if job.trials_csv {
        Some(TrialsFile::create(dir, &names(&job.scenario))?)
    } else {
        None
    };
    let trials_path = dir.join("trials.csv");
    // inputs.csv (with trials.csv, and in every shard, which merge reads)
    // needs every trial's draws; otherwise only the trials sensitivity and
    // value of information read are kept (a 1,000,000-trial run: 24 MB of
    // draws instead of 120 MB).
    let inputs_kept = if job.trials_csv || job.shard.is_some() {
        engine::ALL_INPUTS
    } else {
        analysis::SENSITIVITY_TRIALS.max(stats::voi::VOI_TRIALS) as u64
    };
    let batch = |first: u64, n: u64, expected: u64| -> Result<Results, Failure> {
        let progress = |done: u64| (hooks.progress)(first + done, expected);
        let p = RunPlan {
            trials: n,
            first_trial: plan.first_trial + first,
            ..plan
        };
        pool.install(|| {
            engine::run_with_sink(
                &job.scenario,
                p,
                &rows,
                &progress,
                hooks.cancel,
                inputs_kept,
            )
        })
        .map_err(|e| engine_failure(e, &trials_path))
    };
    let mut results = batch(0, plan.trials, plan.trials)?;
    let mut stop = None;
    if let Some(goal) = job.precision {
        let cap = goal.max_trials.max(plan.trials);
        loop {
            let settled = analysis::cheapest_settled(&results.totals);
            if analysis::precision_reached(
                &analysis::precision(&results.totals),
                &settled,
                goal.rel,
            ) {
                stop = Some(Stop::Reached);
                break;
            }
            let done = results.plan.trials;
            if done >= cap {
                stop = Some(Stop::Cap);
                break;
            }
            // Each batch as large as all before it: the analyses above,
            // repeated after every batch, then cost at most twice those of
            // one run of the final size.
            let n = done.min(cap - done);
            let next = batch(done, n, done + n)?;
            results
                .append(next)
                .map_err(|e| Failure::Failed(anyhow::anyhow!("{e}")))?;
        }
    }
    let mut known = KnownChecks::new();
    if let Some(r) = rows {
        known.insert(TrialsFile::FILE.to_string(), r.finish()?);
    }
    Ok((results, stop, known))
}

/// Which of the optional files of a run directory to write.
#[derive(Debug, Clone, Copy)]
pub struct RunFiles {
    /// inputs.csv, each trial's inputs (trials.csv, written as the run
    /// goes, is the caller's): off with `--no-trials-csv`.
    pub per_trial: bool,
    /// The chart formats (none: no charts and no report).
    pub charts: Formats,
}

/// Writes every file of a whole run (not a shard) into `dir`: the CSVs, the
/// analyses, scenario.toml, then the charts and report drawn from them.
/// `manifest` describes the run (its file list is filled in later).
/// Returns the summaries.
///
/// Independent work runs in parallel on the current rayon pool (the value
/// of information beside the summaries and analyses, each file beside the
/// others); each result is computed and written exactly as it would be
/// alone, so the files do not depend on the threads.
pub fn write_run_files(
    dir: &Path,
    text: &str,
    results: &Results,
    manifest: &Manifest,
    files: RunFiles,
    hooks: &Hooks<'_>,
    timings: &Timings,
) -> Result<Vec<Summary>, Failure> {
    let strategies = results.strategies();
    // inputs.csv needs no analysis: it is written beside the analyses, so
    // its file writes (serial) overlap their parallel work.
    let (analyses, inputs_written) = rayon::join(
        || timings.time("analysis", || analyses(results, manifest.seed, timings)),
        || {
            timings.time("writing inputs.csv (beside the analyses)", || {
                if files.per_trial {
                    output::csv::write_inputs(dir, &results.inputs, results.plan.first_trial)
                } else {
                    Ok(())
                }
            })
        },
    );
    inputs_written?;
    let RunAnalyses {
        summaries,
        bands,
        a,
        voi,
    } = analyses;
    timings.time("writing CSVs", || {
        output::write_in_parallel(vec![
            Box::new(|| output::csv::write_summary(dir, &summaries)),
            Box::new(|| output::csv::write_monthly(dir, strategies, &bands)),
            Box::new(|| output::analysis::write_all(dir, &a, strategies)),
            Box::new(|| write_voi(dir, &voi)),
            Box::new(|| {
                std::fs::write(dir.join("scenario.toml"), text)
                    .context("cannot write scenario.toml")
            }),
        ])
    })?;
    hooks.check()?;
    // Charts and the report are drawn from the files just written, with the
    // totals as trials.csv holds them (to the cent) rather than reading it
    // back, so they equal what `tcosim charts RUN_DIR` draws later.
    draw_run(
        dir,
        manifest,
        Some(totals_as_written(results)),
        files.charts,
        timings,
    )?;
    Ok(summaries)
}

/// What [`analyses`] computes from a run.
struct RunAnalyses {
    summaries: Vec<Summary>,
    bands: Vec<stats::MonthBand>,
    /// Comparisons, precision, crossovers and sensitivity.
    a: output::analysis::Analysis,
    voi: stats::voi::Voi,
}

/// Every analysis of a whole run, side by side: the summaries and monthly
/// bands, then the comparisons, precision, crossovers and sensitivity;
/// beside them the value of information.
fn analyses(results: &Results, seed: u64, timings: &Timings) -> RunAnalyses {
    let ((summaries, bands, a), voi) = rayon::join(
        || {
            let (summaries, bands) = rayon::join(
                || {
                    timings.time("analysis: summaries", || {
                        stats::summarize(&results.per_trial(), &results.agg)
                    })
                },
                || stats::monthly(&results.agg),
            );
            let a = timings.time(
                "analysis: comparison, precision, crossover, sensitivity",
                || {
                    output::analysis::analyse(
                        &results.totals,
                        &results.inputs,
                        &summaries,
                        &bands,
                        results.agg.horizon,
                    )
                },
            );
            (summaries, bands, a)
        },
        || {
            timings.time("analysis: value of information", || {
                stats::voi::voi(&results.totals, &results.inputs, seed)
            })
        },
    );
    RunAnalyses {
        summaries,
        bands,
        a,
        voi,
    }
}

/// Writes voi.csv: the value of perfect information on each input (see
/// [`stats::voi`]), largest first; its streams are keyed by the run's seed.
fn write_voi(dir: &Path, voi: &stats::voi::Voi) -> anyhow::Result<()> {
    let ids = crate::scenario::strategy_ids(&voi.strategies);
    let rows: Vec<output::schema::VoiRecord> = voi
        .ranked()
        .into_iter()
        .map(|(r, ..)| output::schema::VoiRecord::of(r, &voi.strategies, &ids))
        .collect();
    output::schema::write_file(dir, &rows)
}

/// The scenario's strategy names, in its order.
fn names(s: &Scenario) -> Vec<String> {
    s.strategies.iter().map(|s| s.name.clone()).collect()
}

/// Each strategy's totals as trials.csv holds them.
fn totals_as_written(r: &Results) -> Vec<Vec<f64>> {
    (0..r.totals.n_strategies())
        .map(|s| {
            r.totals
                .totals_of(s)
                .into_iter()
                .map(Money::as_written)
                .collect()
        })
        .collect()
}

/// Draws the charts and writes report.html (which shows them) into `dir`
/// from its files; with no chart format, neither.
pub fn draw_run(
    dir: &Path,
    manifest: &Manifest,
    totals: Option<Vec<Vec<f64>>>,
    formats: Formats,
    timings: &Timings,
) -> anyhow::Result<()> {
    if !formats.any() {
        return Ok(());
    }
    let data = timings.time("reading the run back", || {
        RunData::load_with(dir, manifest, totals)
    })?;
    draw_report_timed(&data, dir, formats, timings)
}

/// Draws the charts of `data` (in `formats`) and its report.html into `dir`.
pub fn draw_report(data: &RunData, dir: &Path, formats: Formats) -> anyhow::Result<()> {
    draw_report_timed(data, dir, formats, &Timings::default())
}

/// [`draw_report`], recording the time of each chart file and of the
/// report in `timings`. The chart files and the report (which draws the
/// charts again, inline) are made at the same time.
pub fn draw_report_timed(
    data: &RunData,
    dir: &Path,
    formats: Formats,
    timings: &Timings,
) -> anyhow::Result<()> {
    let (charts, report) = rayon::join(
        || -> anyhow::Result<()> {
            if formats.any() {
                let written = timings.time("charts", || {
                    charts::write_all_timed(data, dir, formats.png, formats.svg)
                })?;
                for (path, took) in written {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    timings.record(&format!("chart: {name}"), took.as_secs_f64());
                }
            }
            Ok(())
        },
        || {
            timings.time("report.html", || -> anyhow::Result<()> {
                let report = html::render_report(data, &decision::sections(data))?;
                std::fs::write(dir.join("report.html"), report)
                    .with_context(|| format!("cannot write {}", dir.join("report.html").display()))
            })
        },
    );
    charts.and(report)
}

/// Fills in the manifest's file list (with each file's size and SHA-256,
/// taken from `known` for the files checked as they were written) and wall
/// time and writes it: the last file of a run directory.
pub fn finish_manifest(
    m: &mut Manifest,
    dir: &Path,
    clock: Instant,
    known: KnownChecks,
) -> anyhow::Result<()> {
    m.record_files_with(dir, known)?;
    m.wall_seconds = (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    m.write(&dir.join("manifest.json"))
}

/// Simulates every point of a sweep (no files), each with `trials` and
/// `seed` overriding its scenario's: the summaries of each point, in order.
/// Points run side by side on `pool`'s threads (each point's trials too,
/// when threads are left over): a small point has too few chunks of trials
/// to keep every thread busy on its own. A point's summaries are the same
/// however it is scheduled.
pub fn sweep_points(
    scenarios: &[Scenario],
    trials: Option<u64>,
    seed: Option<u64>,
    pool: &rayon::ThreadPool,
    hooks: &Hooks<'_>,
) -> Result<Vec<Vec<Summary>>, Failure> {
    use rayon::prelude::*;
    let done = std::sync::atomic::AtomicU64::new(0);
    let all = scenarios.len() as u64;
    let out: Vec<Result<Vec<Summary>, Failure>> = pool.install(|| {
        scenarios
            .par_iter()
            .map(|sc| {
                let mut plan = RunPlan::from_scenario(sc);
                if let Some(t) = trials {
                    plan.trials = t;
                }
                if let Some(s) = seed {
                    plan.seed = s;
                }
                // A point keeps no input draws: it is summarised only.
                let r = engine::run_with_sink(sc, plan, &engine::NoSink, &|_| {}, hooks.cancel, 0)
                    .map_err(|e| engine_failure(e, Path::new("(no file)")))?;
                let summaries = stats::summarize(&r.per_trial(), &r.agg);
                (hooks.progress)(done.fetch_add(1, Ordering::Relaxed) + 1, all);
                Ok(summaries)
            })
            .collect()
    });
    hooks.check()?;
    out.into_iter().collect()
}

// ---------------------------------------------------------------- merge
/// Checks that shard directories belong together; see [`output::shard::check_shards`].
pub fn check_shards(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, Failure> {
    output::shard::check_shards(dirs).map_err(Failure::Input)
}

/// Appends a shard's trials.csv rows (without its header) to `out`.
fn append_rows(path: &Path, out: &TrialsFile) -> anyhow::Result<()> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let mut header = Vec::new();
    r.read_until(b'\n', &mut header)?;
    out.append(r)
}

/// Merges shard directories (checked with [`check_shards`], in shard order)
/// into `staged`: the same files, byte for byte, as one run of all their
/// trials writes. Returns the summaries, the merged results and the
/// committed directory.
pub fn merge(
    shards: &[(PathBuf, Manifest)],
    staged: StagedDir,
    formats: Formats,
    hooks: &Hooks<'_>,
) -> Result<RunReport, Failure> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let (d0, m0) = shards
        .first()
        .ok_or_else(|| Failure::Input("no shards given".into()))?;
    let text = std::fs::read_to_string(d0.join("scenario.toml"))
        .with_context(|| format!("cannot read {}", d0.join("scenario.toml").display()))?;
    let scenario = Scenario::from_toml(&text, &d0.join("scenario.toml").display().to_string())
        .map_err(|e| Failure::Input(format!("{e}")))?;
    let dir = staged.path().to_path_buf();
    let with_rows = shards.iter().all(|(d, _)| d.join("trials.csv").exists());
    let rows = if with_rows {
        Some(TrialsFile::create(&dir, &names(&scenario))?)
    } else {
        None
    };
    let mut results: Option<Results> = None;
    for (d, m) in shards {
        let s = m
            .shard
            .ok_or_else(|| Failure::Input(format!("{} is not a shard", d.display())))?;
        let plan = RunPlan {
            trials: s.trials,
            horizon: m.horizon_months,
            seed: m.seed,
            first_trial: s.first_trial,
        };
        let part =
            output::shard::read_shard(d, plan).map_err(|e| Failure::Input(format!("{e:#}")))?;
        if let Some(w) = rows.as_ref() {
            append_rows(&d.join("trials.csv"), w)?;
        }
        match results.as_mut() {
            None => results = Some(part),
            Some(r) => r.append(part).map_err(|_| {
                Failure::Input(format!(
                    "{} does not continue the trials of the shard before it",
                    d.display()
                ))
            })?,
        }
        hooks.check()?;
    }
    let mut known = KnownChecks::new();
    if let Some(w) = rows {
        known.insert(TrialsFile::FILE.to_string(), w.finish()?);
    }
    let results = results.ok_or_else(|| Failure::Input("no shards given".into()))?;
    let mut manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        trials: results.plan.trials,
        threads: rayon::current_num_threads(),
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        wall_seconds: 0.0,
        files: Vec::new(),
        shard: None,
        precision: None,
        ..m0.clone()
    };
    let files = RunFiles {
        per_trial: with_rows,
        charts: formats,
    };
    let timings = Timings::default();
    let summaries = write_run_files(&dir, &text, &results, &manifest, files, hooks, &timings)?;
    finish_manifest(&mut manifest, &dir, clock, known)?;
    let dir = staged.commit()?;
    Ok(RunReport {
        results,
        summaries,
        include_business_impact: scenario.include_business_impact,
        stop: None,
        manifest,
        dir,
        timings: timings.phases(),
    })
}
