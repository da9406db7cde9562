//! The command line: clap definitions and the commands.
//!
//! Two layers, as in ripgrep: what the user typed ([`Cli`]) and the checked
//! plan built from it. Every error a user can cause becomes a [`CliError`]
//! whose exit code `main` returns: 2 for mistakes in the input (scenario
//! files, flags), 1 for failures of the machine (disk full, ...).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::engine::{self, RunPlan};
use crate::report::{self, StagedDir, manifest::Manifest};
use crate::scenario::{self, DEFAULT_SCENARIO, STARTER_SCENARIO, Scenario, ScenarioError};
use crate::stats;

/// Label of the embedded default scenario in messages and the manifest.
pub const BUILTIN_LABEL: &str = "<built-in default scenario>";

#[derive(Debug, Parser)]
#[command(
    name = "tcosim",
    version,
    about = "Monte Carlo total cost of ownership of staffing AI work: freelance, dedicated engineer, or a mix",
    long_about = "tcosim simulates months of an AI system's life under each hiring strategy of a scenario \
(freelance, dedicated engineer, start freelance and hire later, ...), thousands of trials in parallel, \
and reports the distribution of total cost of ownership: hiring time and fees, idle capacity, missing \
context and rework, knowledge lost at handovers, products without traction, and model drift.",
    after_help = "Examples:\n  tcosim run                          run the built-in default scenario\n  tcosim run scenarios/core-product.toml --trials 20000\n  tcosim validate my-scenario.toml\n  tcosim init my-scenario.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write summary.csv, trials.csv, monthly.csv and manifest.json.
    #[command(
        after_help = "Examples:\n  tcosim run\n  tcosim run scenarios/proof-of-concept.toml --trials 50000 --seed 7\n  tcosim run my.toml --horizon 60 --out results/five-years --threads 4"
    )]
    Run(RunArgs),
    /// Check scenario files and report every problem found.
    #[command(after_help = "Example:\n  tcosim validate scenarios/*.toml")]
    Validate {
        /// Scenario files to check.
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
    },
    /// Write a commented starter scenario to edit.
    #[command(
        after_help = "Example:\n  tcosim init my-scenario.toml && tcosim run my-scenario.toml"
    )]
    Init {
        /// Where to write it (refuses to overwrite an existing file).
        #[arg(default_value = "scenario.toml", value_name = "PATH")]
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in default scenario runs.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Number of trials (overrides [simulation] trials).
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
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// An error with the exit code it deserves.
#[derive(Debug)]
pub enum CliError {
    /// A mistake in the user's input: exit code 2.
    Input(String),
    /// A scenario file with problems: exit code 2.
    Scenario(ScenarioError),
    /// Anything else: exit code 1.
    Failure(anyhow::Error),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Scenario(_) => 2,
            CliError::Failure(_) => 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(m) => write!(f, "{m}"),
            CliError::Scenario(e) => write!(f, "{}", e.to_string().trim_end()),
            CliError::Failure(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failure(e)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Validate { files } => validate_command(&files),
        Command::Init { path } => init_command(&path),
    }
}

/// Reads and checks a scenario file. Returns the scenario and its text.
pub fn load_scenario(path: &Path) -> Result<(Scenario, String), CliError> {
    let label = path.display().to_string();
    if path.is_dir() {
        return Err(CliError::Input(format!(
            "{label} is a directory, not a scenario file; give a .toml file such as scenarios/default.toml"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::Input(match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "{label}: no such file; check the path, or run `tcosim init {label}` to create a starter scenario"
            ),
            _ => format!("{label}: cannot read the scenario file: {e}"),
        })
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let head = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
        let line = head.matches('\n').count() + 1;
        let col = head.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        CliError::Scenario(ScenarioError::whole_file(
            &label,
            line,
            col,
            "the file is not valid UTF-8 text; save it as UTF-8".to_string(),
        ))
    })?;
    let sc = Scenario::from_toml(&text, &label).map_err(CliError::Scenario)?;
    Ok((sc, text))
}

fn validate_command(files: &[PathBuf]) -> Result<(), CliError> {
    let mut failed = 0;
    for f in files {
        match load_scenario(f) {
            Ok(_) => println!("{}: ok", f.display()),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    if failed > 0 {
        Err(CliError::Input(format!(
            "{failed} of {} scenario file{} failed validation",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        )))
    } else {
        Ok(())
    }
}

fn init_command(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Err(CliError::Input(format!(
            "{} already exists; tcosim init never overwrites a file. Give another path: tcosim init my-scenario.toml",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::Input(format!(
                "cannot create the directory {} for {}: {e}; give a path in a writable directory",
                parent.display(),
                path.display()
            ))
        })?;
    }
    std::fs::write(path, STARTER_SCENARIO).map_err(|e| {
        CliError::Input(format!(
            "cannot write {}: {e}; give a path in a writable directory",
            path.display()
        ))
    })?;
    println!(
        "Wrote a starter scenario to {}.\nEdit it, check it with `tcosim validate {0}`, then run `tcosim run {0}`.",
        path.display()
    );
    Ok(())
}

/// Memory the machine has available, if known (Linux).
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// The files in a results directory, sorted, with `extra` (a file about
/// to be written) included.
fn files_in(dir: &Path, extra: &str) -> anyhow::Result<Vec<String>> {
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

fn run_command(args: RunArgs) -> Result<(), CliError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let (sc, text, label, stem) = match &args.scenario {
        Some(p) => {
            let (sc, text) = load_scenario(p)?;
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".to_string());
            (sc, text, p.display().to_string(), stem)
        }
        None => {
            let sc =
                Scenario::from_toml(DEFAULT_SCENARIO, BUILTIN_LABEL).map_err(CliError::Scenario)?;
            (
                sc,
                DEFAULT_SCENARIO.to_string(),
                BUILTIN_LABEL.to_string(),
                "default".to_string(),
            )
        }
    };
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
    let need = plan.memory_estimate(&sc);
    let have = available_memory().unwrap_or(8 << 30);
    if need > have / 10 * 8 {
        return Err(CliError::Input(format!(
            "this run would need about {} of memory for its results ({} trials x {} strategies x {} months), \
more than the {} this machine has available; use fewer trials (--trials) or a shorter horizon (--horizon)",
            gib(need),
            plan.trials,
            sc.strategies.len(),
            plan.horizon,
            gib(have)
        )));
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&stem));
    let staged = StagedDir::new(&out_dir).map_err(|e| CliError::Input(format!("{e:#}")))?;

    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            b = b.num_threads(n as usize);
        }
        b.build().context("cannot start the worker threads")?
    };
    let threads = pool.current_num_threads();
    if !args.quiet {
        println!("Scenario: {} ({label})", sc.name);
        println!(
            "Simulating {} trials x {} strategies x {} months (seed {}, {} thread{})",
            plan.trials,
            sc.strategies.len(),
            plan.horizon,
            plan.seed,
            threads,
            if threads == 1 { "" } else { "s" }
        );
    }
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(plan.trials);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} trials  {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let progress = |done: u64| {
        if let Some(pb) = &bar {
            pb.set_position(done);
        }
    };
    let dir = staged.path();
    let trials_path = dir.join("trials.csv");
    let mut rows = report::csv::TrialsFile::create(&trials_path)?;
    let results = pool
        .install(|| engine::run_streaming(&sc, plan, Some(&mut rows), &progress))
        .with_context(|| format!("cannot write {}", trials_path.display()))?;
    rows.finish()?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }

    let summaries = stats::summarize(&results);
    let bands = stats::monthly(&results);
    report::csv::write_summary(&dir.join("summary.csv"), &summaries)?;
    report::csv::write_monthly(&dir.join("monthly.csv"), &results, &bands)?;
    report::csv::write_quality(&dir.join("quality.csv"), &results, &bands)?;
    std::fs::write(dir.join("scenario.toml"), &text).context("cannot write scenario.toml")?;
    let manifest = Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: sc.name.clone(),
        scenario_file: label,
        scenario_sha256: report::manifest::sha256_hex(&text),
        seed: plan.seed,
        trials: plan.trials,
        horizon_months: plan.horizon,
        threads,
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        wall_seconds: (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        files: files_in(dir, "manifest.json")?,
    };
    report::manifest::write_manifest(&dir.join("manifest.json"), &manifest)?;
    let target = staged.commit()?;
    if !args.quiet {
        println!();
        print!("{}", report::terminal::summary_table(&summaries));
        println!();
        println!(
            "Wrote {} to {} in {:.2} s",
            manifest.files.join(", "),
            target.display(),
            clock.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
