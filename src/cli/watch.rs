//! `tcosim watch`: run a scenario again every time its file is saved, print
//! what changed against the run before, and keep a page open in a browser
//! up to date: `<out>.watch.html`, beside the results directory, is the last
//! good report.html with a `<meta http-equiv="refresh">` and a banner above
//! it (what changed, or the error of the latest save). It lives beside the
//! results directory, not in it, because a run replaces its directory as a
//! whole and refuses one holding files it does not write.
//!
//! Saves are seen through the operating system's file events (the `notify`
//! crate, debounced): the scenario's directory is watched rather than the
//! file, because editors often save by writing a new file and renaming it
//! over the old one. A save that leaves the text as it was runs nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use notify_debouncer_mini::notify::{self, PollWatcher, RecursiveMode};
use notify_debouncer_mini::{Config, DebounceEventResult, new_debouncer, new_debouncer_opt};

use super::out::{Format, Out, status};
use super::plan::RunArgs;
use super::{CliError, Loaded, signals};
use crate::output::{OutputKind, StagedDir};
use crate::pipeline::{self, Hooks};
use crate::present::changes::{self, RunFigures};
use crate::present::charts::Formats;
use crate::present::terminal;

/// How long the file must be quiet before a save counts (editors write in
/// several steps).
const DEBOUNCE: Duration = Duration::from_millis(200);
/// How often the loop looks at Ctrl-C while no save comes.
const TICK: Duration = Duration::from_millis(200);
/// How often the directory is polled where file events are not available.
const POLL: Duration = Duration::from_millis(300);

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Scenario file (TOML) to run now and again at every save.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Output directory [default: results/<scenario file stem>]; the page to open,
    /// <DIR>.watch.html, is written beside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Number of trials (overrides [simulation] trials); fewer trials, faster feedback.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=crate::scenario::LIMIT_TRIALS))]
    pub trials: Option<u64>,
    /// Random seed (overrides [simulation] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Months simulated (overrides [simulation] horizon_months).
    #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(1..=crate::scenario::LIMIT_HORIZON as i64))]
    pub horizon: Option<u32>,
    /// Worker threads [default: all cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Chart files to write beside report.html: svg (the default: no PNG to encode, so faster), png,svg or png
    /// (the report shows the charts either way; `none` is refused, as it skips the report).
    #[arg(long, value_name = "FORMATS", default_value = "svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// Skip the per-trial files trials.csv and inputs.csv (everything else is written).
    #[arg(long)]
    pub no_trials_csv: bool,
    /// Run even if the memory estimate exceeds what the machine has available.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl WatchArgs {
    /// The arguments of one run.
    fn run_args(&self) -> RunArgs {
        RunArgs {
            scenario: Some(self.scenario.clone()),
            trials: self.trials,
            seed: self.seed,
            horizon: self.horizon,
            out: self.out.clone(),
            threads: self.threads,
            precision: None,
            max_trials: None,
            shard: None,
            no_trials_csv: self.no_trials_csv,
            charts: self.charts,
            force: self.force,
            format: Format::Text,
            quiet: self.quiet,
        }
    }
}

/// The page that `watch` keeps up to date for the results directory `out`:
/// `<parent>/<name>.watch.html`.
pub fn page_path(out: &Path) -> PathBuf {
    let normalised: PathBuf = out.components().collect();
    let name = normalised
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".to_string());
    normalised.with_file_name(format!("{name}.watch.html"))
}

/// What the loop remembers between saves.
struct Watcher<'a> {
    args: &'a WatchArgs,
    out: PathBuf,
    page: PathBuf,
    pool: rayon::ThreadPool,
    cancel: &'static AtomicBool,
    /// The time of the last good run, for the banner.
    last_good: Option<String>,
}

pub fn watch_command(args: WatchArgs) -> Result<(), CliError> {
    if !args.charts.any() {
        return Err(CliError::Input(
            "--charts none writes no report.html, which watch shows; give --charts svg (the default), png or png,svg".to_string(),
        ));
    }
    let file = args.scenario.clone();
    if !file.is_file() {
        return Err(CliError::Input(format!(
            "{}: no such file; watch needs an existing scenario file (create one with `tcosim init {0}`)",
            file.display()
        )));
    }
    let name = file
        .file_name()
        .map(|n| n.to_os_string())
        .ok_or_else(|| CliError::Input(format!("{} is not a file name", file.display())))?;
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = dir.canonicalize().map_err(|e| {
        CliError::Input(format!(
            "cannot watch the directory of {}: {e}",
            file.display()
        ))
    })?;
    let target = dir.join(&name);
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(stem));
    let cancel = signals::cancel_flag();
    let (tx, rx) = mpsc::channel();
    let _watch = start_watch(&dir, tx)?;
    let mut w = Watcher {
        args: &args,
        page: page_path(&out),
        out,
        pool: super::worker_pool(args.threads)?,
        cancel,
        last_good: None,
    };
    if !args.quiet {
        status(format_args!(
            "Watching {} (Ctrl-C to stop). Results go to {}; open {} in a browser: it reloads itself every 2 s.",
            file.display(),
            w.out.display(),
            w.page.display()
        ));
    }
    let mut seen = std::fs::read(&file).ok();
    let mut stopped = w.attempt()?;
    while !stopped && !cancel.load(Ordering::SeqCst) {
        let saved = match rx.recv_timeout(TICK) {
            Ok(Ok(events)) => events.iter().any(|e| e.path == target),
            Ok(Err(e)) => {
                status(format_args!("warning: watching {}: {e}", file.display()));
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(CliError::Failure(anyhow::anyhow!(
                    "the watch on {} stopped",
                    dir.display()
                )));
            }
        };
        if !saved {
            continue;
        }
        // Removed or half-renamed: wait for the next event.
        let Ok(text) = std::fs::read(&file) else {
            continue;
        };
        if seen.as_ref() == Some(&text) {
            continue;
        }
        seen = Some(text);
        stopped = w.attempt()?;
    }
    if !args.quiet {
        status(format_args!(
            "\nStopped watching {}; the results in {} are those of the last good run.",
            file.display(),
            w.out.display()
        ));
    }
    Ok(())
}

/// Watches `dir` (not recursively) and sends its debounced events to `tx`
/// until the returned guard is dropped: through the operating system's file
/// events, or, where they cannot be had (inotify instances used up, some
/// network file systems), by polling the directory every 300 ms.
fn start_watch(
    dir: &Path,
    tx: mpsc::Sender<DebounceEventResult>,
) -> Result<Box<dyn std::any::Any>, CliError> {
    let native = new_debouncer(DEBOUNCE, tx.clone()).and_then(|mut d| {
        d.watcher().watch(dir, RecursiveMode::NonRecursive)?;
        Ok(d)
    });
    let e = match native {
        Ok(d) => return Ok(Box::new(d)),
        Err(e) => e,
    };
    status(format_args!(
        "warning: no file events for {} ({e}); looking for saves every 300 ms instead",
        dir.display()
    ));
    let config = Config::default()
        .with_timeout(DEBOUNCE)
        .with_notify_config(notify::Config::default().with_poll_interval(POLL));
    let mut d = new_debouncer_opt::<_, PollWatcher>(config, tx)
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot watch {}: {e}", dir.display())))?;
    d.watcher()
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot watch {}: {e}", dir.display())))?;
    Ok(Box::new(d))
}

/// The current time of day, UTC: "08:21:15".
fn clock() -> String {
    let t = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    t.get(11..19).unwrap_or(&t).to_string()
}

impl Watcher<'_> {
    /// Runs the scenario as it is now. Returns whether Ctrl-C stopped the
    /// run; every other failure of the run is printed and shown on the page,
    /// and watching goes on. A standard output that can no longer be
    /// written (its reader gone) ends watching: the error is returned.
    fn attempt(&mut self) -> Result<bool, CliError> {
        let started = Instant::now();
        let at = clock();
        let label = self.args.scenario.display().to_string();
        match self.run_once() {
            Ok((summary_table, changed)) => {
                self.last_good = Some(at.clone());
                self.write_page(
                    &format!("{label}: run at {at} UTC is shown. This page reloads every 2 s."),
                    None,
                    changed.as_deref(),
                );
                if !self.args.quiet {
                    status(format_args!(
                        "\n[{at}] {label}: ran in {:.2} s; results in {}",
                        started.elapsed().as_secs_f64(),
                        self.out.display()
                    ));
                    let stdout = Out::results_in(&self.out);
                    stdout.print(&summary_table)?;
                    if let Some(c) = &changed {
                        stdout.print(format_args!("\n{c}"))?;
                    }
                }
                Ok(false)
            }
            Err(CliError::Interrupted) => Ok(true),
            Err(e) => {
                let msg = e.to_string();
                status(format_args!("[{at}] {label}: not run: {msg}"));
                let status = match &self.last_good {
                    Some(t) => format!(
                        "{label}: the save at {at} UTC was not run (below: why). The report is still that of the last good run, at {t} UTC."
                    ),
                    None if self.out.join("report.html").is_file() => format!(
                        "{label}: the save at {at} UTC was not run (below: why). The report is that of the results already in {}.",
                        self.out.display()
                    ),
                    None => format!("{label}: the save at {at} UTC was not run (below: why)."),
                };
                self.write_page(&status, Some(&msg), None);
                Ok(false)
            }
        }
    }

    /// One run into the output directory: the summary table, and what
    /// changed against the results that were there (if they were a run).
    fn run_once(&self) -> Result<(String, Option<String>), CliError> {
        let loaded = Loaded::from_arg(Some(&self.args.scenario))?;
        let label = loaded.label.clone();
        let (job, out) = super::plan::run_job(&self.args.run_args(), loaded)?;
        let before = if out.join("manifest.json").is_file() {
            RunFigures::load(&out, "previous").ok()
        } else {
            None
        };
        let staged =
            StagedDir::new(&out, OutputKind::Run).map_err(|e| CliError::Input(format!("{e:#}")))?;
        super::warn_scenario(&label, &job.scenario, job.plan.horizon);
        let progress = |_: u64, _: u64| {};
        let hooks = Hooks {
            progress: &progress,
            cancel: self.cancel,
        };
        let done = pipeline::run(&job, staged, &self.pool, &hooks)?;
        let table = terminal::summary_table(&done.summaries, done.include_business_impact);
        let changed = match before {
            Some(b) => match RunFigures::load(&done.dir, "this run") {
                Ok(after) => Some(changes::changes_text(&b, &after)),
                Err(e) => Some(format!("not compared with the previous run: {e:#}")),
            },
            None => None,
        };
        Ok((table, changed))
    }

    /// Rewrites the page: the last good report.html under a banner. Written
    /// to a temporary file and renamed, so a browser never reads half a page.
    fn write_page(&self, status: &str, error: Option<&str>, changed: Option<&str>) {
        let report = std::fs::read_to_string(self.out.join("report.html")).ok();
        let page = changes::watch_page(report.as_deref(), status, error, changed);
        let tmp = self.page.with_extension("html.tmp");
        if let Some(parent) = self.page.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(parent);
        }
        let written = std::fs::write(&tmp, page).and_then(|()| std::fs::rename(&tmp, &self.page));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            super::out::status(format_args!(
                "warning: cannot write {}: {e}",
                self.page.display()
            ));
        }
    }
}
