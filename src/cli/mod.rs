//! The command line: clap definitions and the commands.
//!
//! Two layers, as in ripgrep: what the user typed ([`Cli`]) and the checked
//! plan built from it. Every error a user can cause becomes a [`CliError`]
//! whose exit code `main` returns: 2 for mistakes in the input (scenario
//! files, flags), 1 for failures of the machine (disk full, standard output
//! unwritable, ...), 0 when standard output was closed by its reader.

mod charts;
mod ecosystem;
mod json;
mod memory;
mod merge;
mod out;
mod plan;
mod run;
mod signals;
mod sweep;
mod watch;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

pub use charts::{ChartsArgs, CompareArgs};
pub use ecosystem::{CompletionsArgs, ManArgs, SchemaArgs};
pub use merge::MergeArgs;
pub use plan::RunArgs;
pub use sweep::SweepArgs;
pub use watch::WatchArgs;

use out::{Format, Out, status};

use crate::scenario::{DEFAULT_SCENARIO, Scenario, ScenarioError};

/// Label of the embedded default scenario in messages and the manifest.
pub const BUILTIN_LABEL: &str = "<built-in default scenario>";

#[derive(Debug, Parser)]
#[command(
    name = "tcosim",
    max_term_width = ecosystem::help_width(),
    version = concat!(env!("CARGO_PKG_VERSION"), env!("TCOSIM_VERSION_SUFFIX")),
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
    /// Simulate a scenario and write its results: report.html, charts, summary.csv, trials.csv, inputs.csv, monthly.csv and the analyses (columns and units: docs/OUTPUTS.md).
    #[command(
        after_help = "Examples:\n  tcosim run\n  tcosim run scenarios/proof-of-concept.toml --trials 50000 --seed 7\n  tcosim run my.toml --horizon 60 --out results/five-years --threads 4"
    )]
    Run(RunArgs),
    /// Run a scenario at every value of one or two keys and show where the best strategy changes.
    #[command(
        after_help = "Examples:\n  tcosim sweep scenarios/default.toml \\\n      --set simulation.horizon_months=3..60:3 --trials 5000\n  tcosim sweep my.toml \\\n      --set engagements.freelancer.hourly_rate=80,120,160 \\\n      --set drift.events_per_month=0.05,0.1,0.2"
    )]
    Sweep(SweepArgs),
    /// Redraw the charts and report.html of a results directory from its files.
    #[command(after_help = "Example:\n  tcosim charts results/default")]
    Charts(ChartsArgs),
    /// Compare runs (the same scenario before and after a change, or two scenarios).
    #[command(
        after_help = "Prints, per strategy, the median and mean of each run with the change against the first run in $ and %, whether the lowest median moved, and every input and strategy added, removed or changed; compare.csv has the change columns.\n\nRuns of different horizons are refused (exit code 2) unless --allow-different-horizons: totals over different horizons are not comparable. Runs of different trial counts are compared with a warning: their Monte Carlo precision differs, the comparison is still valid.\n\nExample:\n  tcosim run scenarios/default.toml --out results/before\n  tcosim run my-changed.toml --out results/after\n  tcosim compare results/before results/after --out results/before-vs-after"
    )]
    Compare(CompareArgs),
    /// Run a scenario again at every save of its file: print what changed and keep a page open in a browser up to date.
    #[command(
        after_help = "Ctrl-C stops it (exit code 0); a run in progress is abandoned and the results stay those of the last good run.\n\nThe page to open is <DIR>.watch.html beside the results directory (results/my.watch.html for results/my): the last good report.html under a banner with what changed, or the error of the latest save; it reloads itself every 2 s, without scripts.\n\nExample:\n  tcosim watch my.toml --trials 2000\n  (open results/my.watch.html, edit my.toml in another window and save)"
    )]
    Watch(WatchArgs),
    /// Merge the shard directories of a run made with `run --shard I/N` into one result.
    #[command(
        after_help = "Example:\n  for i in 1 2 3 4; do tcosim run my.toml --shard $i/4 --out shards/$i; done\n  tcosim merge shards/1 shards/2 shards/3 shards/4 --out results/my"
    )]
    Merge(MergeArgs),
    /// Check scenario files and report every problem found.
    #[command(
        after_help = "Examples:\n  tcosim validate scenarios/*.toml\n  sed 's/= 120/= 140/' my.toml | tcosim validate - --format json"
    )]
    Validate {
        /// Scenario files to check; `-` reads one from standard input (named <stdin> in messages).
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
        /// What to print on standard output: text, or one JSON document (see docs/JSON.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a commented starter scenario to edit.
    #[command(
        after_help = "Example:\n  tcosim init my-scenario.toml && tcosim run my-scenario.toml"
    )]
    Init {
        /// Where to write it (refuses to overwrite an existing file).
        #[arg(default_value = "scenario.toml", value_name = "PATH")]
        path: PathBuf,
        /// Also write tcosim.schema.json beside it, which its first line
        /// (`#:schema`) points editors to; without it that line is left out.
        #[arg(long)]
        schema: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  tcosim completions bash > ~/.local/share/bash-completion/completions/tcosim\n  tcosim completions zsh > ~/.zfunc/_tcosim\n  tcosim completions fish > ~/.config/fish/completions/tcosim.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page of tcosim or of one of its commands, in roff.
    #[command(after_help = "Examples:\n  tcosim man | man -l -\n  tcosim man run | man -l -")]
    Man(ManArgs),
    /// Print the JSON Schema of scenario files, for editors (taplo, Even Better TOML).
    #[command(
        after_help = "A scenario's first line `#:schema ./tcosim.schema.json` points editors to\nthe schema beside it: they then complete keys and flag mistakes as you type.\n\nExamples:\n  tcosim schema --out scenarios/tcosim.schema.json\n  tcosim init --schema my-scenario.toml"
    )]
    Schema(SchemaArgs),
}

/// An error with the exit code it deserves.
#[derive(Debug)]
pub enum CliError {
    /// A mistake in the user's input: exit code 2.
    Input(String),
    /// A scenario file with problems: exit code 2.
    Scenario(ScenarioError),
    /// Interrupted by Ctrl-C or SIGTERM: exit code 130.
    Interrupted,
    /// Standard output could not be written (see [`out`]): exit code 1, or
    /// 0 and no message when its reader closed it (a broken pipe).
    Stdout {
        error: std::io::Error,
        /// Where the command's results are (they were written first).
        results: Option<PathBuf>,
    },
    /// Anything else: exit code 1.
    Failure(anyhow::Error),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Scenario(_) => 2,
            CliError::Interrupted => 130,
            CliError::Stdout { error, .. } if out::reader_gone(error) => 0,
            CliError::Stdout { .. } | CliError::Failure(_) => 1,
        }
    }

    /// Whether the command ends without a message: its reader closed
    /// standard output, and what it wrote is in place.
    pub fn is_quiet(&self) -> bool {
        matches!(self, CliError::Stdout { error, .. } if out::reader_gone(error))
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(m) => write!(f, "{m}"),
            CliError::Scenario(e) => write!(f, "{}", e.to_string().trim_end()),
            CliError::Interrupted => write!(
                f,
                "interrupted; nothing was written and earlier results are as they were"
            ),
            CliError::Stdout { error, results } => {
                write!(f, "cannot write to standard output: {error}")?;
                match results {
                    Some(dir) => write!(f, "; the results are in {}", dir.display()),
                    None => Ok(()),
                }
            }
            CliError::Failure(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failure(e)
    }
}

impl From<crate::pipeline::Failure> for CliError {
    fn from(e: crate::pipeline::Failure) -> Self {
        use crate::pipeline::Failure;
        match e {
            Failure::Interrupted => CliError::Interrupted,
            Failure::Input(m) => CliError::Input(m),
            Failure::Failed(e) => CliError::Failure(e),
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    // Every command stops the same way on Ctrl-C (see `signals`).
    signals::install();
    match cli.command {
        Command::Run(args) => run::run_command(args),
        Command::Sweep(args) => sweep::sweep_command(args),
        Command::Merge(args) => merge::merge_command(args),
        Command::Charts(args) => charts::charts_command(args),
        Command::Compare(args) => charts::compare_command(args),
        Command::Watch(args) => watch::watch_command(args),
        Command::Validate { files, format } => validate_command(&files, format),
        Command::Init { path, schema } => init_command(&path, schema),
        Command::Completions(args) => ecosystem::completions_command(args),
        Command::Man(args) => ecosystem::man_command(args),
        Command::Schema(args) => ecosystem::schema_command(args),
    }
}

/// The worker threads of a command: `threads` of them, or rayon's default
/// (all cores, or RAYON_NUM_THREADS).
pub(crate) fn worker_pool(threads: Option<u32>) -> Result<rayon::ThreadPool, CliError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n as usize);
    }
    b.build()
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot start the worker threads: {e}")))
}

/// A scenario ready to run, with where it came from.
pub struct Loaded {
    pub scenario: Scenario,
    /// Its text (hashed into the manifest, copied into the results).
    pub text: String,
    /// How messages name it.
    pub label: String,
    /// File stem, for the default output directory.
    pub stem: String,
}

impl Loaded {
    /// The file given, or the built-in default scenario.
    pub fn from_arg(path: Option<&Path>) -> Result<Loaded, CliError> {
        match path {
            Some(p) => {
                let (scenario, text) = load_scenario(p)?;
                let stem = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "scenario".to_string());
                Ok(Loaded {
                    scenario,
                    text,
                    label: p.display().to_string(),
                    stem,
                })
            }
            None => Ok(Loaded {
                scenario: Scenario::from_toml(DEFAULT_SCENARIO, BUILTIN_LABEL)
                    .map_err(CliError::Scenario)?,
                text: DEFAULT_SCENARIO.to_string(),
                label: BUILTIN_LABEL.to_string(),
                stem: "default".to_string(),
            }),
        }
    }
}

/// How messages name a scenario read from standard input (`validate -`).
pub const STDIN_LABEL: &str = "<stdin>";

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
    scenario_from_bytes(bytes, &label)
}

/// Reads and checks a scenario from standard input, named [`STDIN_LABEL`].
fn load_stdin() -> Result<(Scenario, String), CliError> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| CliError::Input(format!("{STDIN_LABEL}: cannot read standard input: {e}")))?;
    scenario_from_bytes(bytes, STDIN_LABEL)
}

/// Checks the bytes of a scenario named `label`: UTF-8 text, then a valid
/// scenario.
fn scenario_from_bytes(bytes: Vec<u8>, label: &str) -> Result<(Scenario, String), CliError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let head = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
        let line = head.matches('\n').count() + 1;
        let col = head.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        CliError::Scenario(ScenarioError::whole_file(
            label,
            line,
            col,
            "the file is not valid UTF-8 text; save it as UTF-8".to_string(),
        ))
    })?;
    let sc = Scenario::from_toml(&text, label).map_err(CliError::Scenario)?;
    Ok((sc, text))
}

fn validate_command(files: &[PathBuf], format: Format) -> Result<(), CliError> {
    let is_stdin = |f: &PathBuf| f.as_os_str() == "-";
    if files.iter().filter(|f| is_stdin(f)).count() > 1 {
        return Err(CliError::Input(
            "`-` (standard input) is given more than once; it can be read only once".to_string(),
        ));
    }
    let out = Out::new();
    let mut checked = Vec::new();
    for f in files {
        let (label, loaded) = if is_stdin(f) {
            (STDIN_LABEL.to_string(), load_stdin())
        } else {
            (f.display().to_string(), load_scenario(f))
        };
        let result = loaded.map(|(sc, _)| scenario_warnings(&sc, sc.simulation.horizon_months));
        match (&result, format) {
            (Ok(warnings), Format::Text) => {
                out.line(format_args!("{label}: ok"))?;
                for w in warnings {
                    status(format_args!("warning: {label}: {w}"));
                }
            }
            (Err(e), Format::Text) => status(e),
            (_, Format::Json) => {}
        }
        checked.push((label, result));
    }
    if format.is_json() {
        out.json(&json::validation(&checked))?;
    }
    let failed = checked.iter().filter(|(_, r)| r.is_err()).count();
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

/// The warnings of a valid scenario over `horizon` months, as sentences.
fn scenario_warnings(sc: &Scenario, horizon: u32) -> Vec<String> {
    crate::scenario::scenario_warnings(sc, horizon)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Warns on stderr about settings that make a strategy or the comparison
/// mean less than it seems over `horizon` months: phases or a launch target
/// past the horizon, a build too long for it, identical strategies, a phase
/// asked for more work than one engineer can do (the scenario stays valid).
pub(crate) fn warn_scenario(label: &str, sc: &Scenario, horizon: u32) {
    for w in scenario_warnings(sc, horizon) {
        status(format_args!("warning: {label}: {w}"));
    }
}

fn init_command(path: &Path, with_schema: bool) -> Result<(), CliError> {
    if path.exists() {
        return Err(CliError::Input(format!(
            "{} already exists; tcosim init never overwrites a file. Give another path: tcosim init my-scenario.toml",
            path.display()
        )));
    }
    let (starter, schema) = ecosystem::prepare_init(path, with_schema)?;
    // Written beside it first and linked into place: whole or not at all,
    // and never over a file made in the meantime.
    crate::output::write_new_file(path, starter.as_bytes()).map_err(|e| {
        CliError::Input(format!(
            "cannot write {}: {e:#}; give a path in a writable directory",
            path.display()
        ))
    })?;
    status(format_args!(
        "Wrote a starter scenario to {}.\nEdit it, check it with `tcosim validate {0}`, then run `tcosim run {0}`.",
        path.display()
    ));
    if let Some(schema) = schema {
        status(format_args!(
            "Wrote {} beside it: editors with taplo or Even Better TOML complete and check its keys.",
            schema.display()
        ));
    }
    Ok(())
}
