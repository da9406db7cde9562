//! The `run` command's raw arguments ([`RunArgs`]) -> a checked [`RunJob`]: flag overrides of the
//! scenario's `[simulation]`, the shard's range of trials, the precision
//! goal, the memory check and the output directory. Nothing is simulated or
//! written here.

use std::path::{Path, PathBuf};

use clap::Args;

use super::out::Format;
use super::{CliError, Loaded};
use crate::engine::RunPlan;
use crate::pipeline::{PrecisionGoal, RunJob};
use crate::present::charts::Formats;
use crate::scenario::{self, Scenario};

/// Largest seed: the largest a scenario file can hold (TOML integers are
/// signed 64-bit), so that a seed given on the command line can always be
/// written into `[simulation] seed`, and the other way round.
pub(super) const LIMIT_SEED: u64 = i64::MAX as u64;

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
    /// At most 9223372036854775807, the largest a scenario file can hold.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=LIMIT_SEED))]
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
    /// Skip the per-trial files trials.csv and inputs.csv (everything else is written); for
    /// very large runs. A shard still writes the inputs that `tcosim merge` needs.
    #[arg(long)]
    pub no_trials_csv: bool,
    /// Chart formats: png,svg (the default), png, svg, or none to skip the charts and
    /// report.html (`tcosim charts RUN_DIR` draws them later).
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// Run even if the memory estimate exceeds what the machine has available.
    #[arg(long)]
    pub force: bool,
    /// What to print on standard output: text (the table and the verdict), or one JSON
    /// document (see docs/JSON.md). Status goes to standard error either way.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print nothing but errors (and the JSON document of --format json).
    #[arg(long, short)]
    pub quiet: bool,
}

/// The job `args` ask for, and where its results go.
pub fn run_job(args: &RunArgs, loaded: Loaded) -> Result<(RunJob, PathBuf), CliError> {
    let Loaded {
        scenario: sc,
        text,
        label,
        stem,
    } = loaded;
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
    let mut shard = None;
    if let Some((i, n)) = args.shard {
        if n > plan.trials {
            return Err(CliError::Input(format!(
                "--shard {i}/{n}: {n} shards is more than the {} trials; use at most {} shards",
                plan.trials, plan.trials
            )));
        }
        let (first, count) = shard_range(plan.trials, i, n);
        shard = Some((i, n, plan.trials));
        plan.first_trial = first;
        plan.trials = count;
    }
    let precision = args.precision.map(|rel| PrecisionGoal {
        rel,
        max_trials: args
            .max_trials
            .unwrap_or(DEFAULT_MAX_TRIALS)
            .max(plan.trials),
    });
    check_memory(
        &sc,
        &RunPlan {
            trials: precision.map_or(plan.trials, |p| p.max_trials),
            ..plan
        },
        args.force,
    )?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&stem));
    let job = RunJob {
        scenario: sc,
        text,
        label,
        plan,
        shard,
        precision,
        trials_csv: !args.no_trials_csv,
        charts: args.charts,
    };
    Ok((job, out))
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

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Refuses a plan whose estimated memory exceeds 80% of what is available.
fn check_memory(sc: &Scenario, plan: &RunPlan, force: bool) -> Result<(), CliError> {
    let need = plan.memory_estimate(sc);
    let Some(have) = super::memory::available() else {
        return Ok(());
    };
    if force || need <= have.bytes / 10 * 8 {
        return Ok(());
    }
    Err(CliError::Input(format!(
        "this run needs about {} of memory ({} trials x {} strategies, {} months), more than 80% of the {} \
this process may use (the {}); use fewer trials (--trials N, or --max-trials N with --precision), or \
--force to run anyway",
        gib(need),
        plan.trials,
        sc.strategies.len(),
        plan.horizon,
        gib(have.bytes),
        have.source
    )))
}
