//! `tcosim run`: simulate a scenario and write its results directory.
//! Arguments become a checked job ([`super::plan`]), the library's pipeline
//! runs it, and this prints what happened.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use super::out::{Out, status};
use super::plan::RunArgs;
use super::{CliError, Loaded, json, signals};
use crate::output::{OutputKind, StagedDir};
use crate::pipeline::{self, Hooks, RunJob, RunReport, Stop};
use crate::present;

pub fn run_command(args: RunArgs) -> Result<(), CliError> {
    let clock = Instant::now();
    let loaded = Loaded::from_arg(args.scenario.as_deref())?;
    let label = loaded.label.clone();
    let (job, out) = super::plan::run_job(&args, loaded)?;
    let staged =
        StagedDir::new(&out, OutputKind::Run).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let pool = super::worker_pool(args.threads)?;
    if !args.quiet {
        print_start(&job, &label, pool.current_num_threads());
    }
    super::warn_scenario(&label, &job.scenario, job.plan.horizon);
    let bar = progress_bar(&job, args.quiet);
    let progress = |done: u64, expected: u64| {
        if let Some(pb) = &bar {
            pb.set_length(expected);
            pb.set_position(done);
        }
    };
    let hooks = Hooks {
        progress: &progress,
        cancel: signals::cancel_flag(),
    };
    let done = pipeline::run(&job, staged, &pool, &hooks);
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let done = done.map_err(|e| writing_into(&out)(e.into()))?;
    // The results are in place: a failure to print them now loses nothing.
    let stdout = Out::results_in(&done.dir);
    if args.format.is_json() {
        let doc = json::run(&json::RunDone {
            scenario_name: &job.scenario.name,
            scenario_label: &label,
            dir: &done.dir,
            files: &done.manifest.files,
            trials: done.results.plan.trials,
            horizon: done.results.plan.horizon,
            seed: done.results.plan.seed,
            include_business_impact: done.include_business_impact,
            shard: job
                .shard
                .map(|(i, n, all)| (i, n, all, done.results.plan.first_trial)),
            precision: job.precision.zip(done.stop).map(|(goal, stop)| {
                (
                    goal.rel,
                    goal.max_trials,
                    match stop {
                        Stop::Reached => "reached",
                        Stop::Cap => "cap",
                    },
                )
            }),
        })?;
        stdout.json(&doc)?;
    } else if !args.quiet {
        print_done(&job, &done, &stdout)?;
    }
    if !args.quiet {
        print_wrote(&done, clock);
    }
    if std::env::var_os("TCOSIM_TIMINGS").is_some_and(|v| v == "1") {
        eprint!(
            "{}",
            timings_table(&done.timings, clock.elapsed().as_secs_f64())
        );
    }
    Ok(())
}

/// The `TCOSIM_TIMINGS=1` breakdown: each phase's wall time, then the
/// whole command's.
fn timings_table(phases: &[(String, f64)], total: f64) -> String {
    let width = phases
        .iter()
        .map(|(p, _)| p.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = String::from("timings (wall seconds; phases side by side overlap):\n");
    for (phase, secs) in phases.iter().chain([&("total".to_string(), total)]) {
        out.push_str(&format!("  {phase:<width$}  {secs:>8.3}\n"));
    }
    out
}

/// Names the output directory in a failure to write it (a full disk, ...):
/// the message then says which file, which operation and which results.
pub(super) fn writing_into(out: &Path) -> impl Fn(CliError) -> CliError + '_ {
    move |e| match e {
        CliError::Failure(e) => {
            CliError::Failure(e.context(format!("cannot write the results to `{}`", out.display())))
        }
        e => e,
    }
}

fn print_start(job: &RunJob, label: &str, threads: usize) {
    let plan = &job.plan;
    status(format_args!("Scenario: {} ({label})", job.scenario.name));
    status(format_args!(
        "Simulating {} trials x {} strategies x {} months (seed {}, {} thread{}){}",
        plan.trials,
        job.scenario.strategies.len(),
        plan.horizon,
        plan.seed,
        threads,
        if threads == 1 { "" } else { "s" },
        match job.precision {
            Some(goal) => format!(
                ", in batches until the means are within {:.2}% and the cheapest is settled (at most {} trials)",
                goal.rel * 100.0,
                goal.max_trials
            ),
            None => String::new(),
        }
    ));
}

/// A progress bar for runs of more than about a second (some 2e7
/// strategy-trial-months), when stderr is a terminal.
fn progress_bar(job: &RunJob, quiet: bool) -> Option<indicatif::ProgressBar> {
    let trials = job.precision.map_or(job.plan.trials, |p| p.max_trials);
    let work = trials * job.scenario.strategies.len() as u64 * u64::from(job.plan.horizon);
    (!quiet && work > 20_000_000 && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(job.plan.trials);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} trials  {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    })
}

/// The table, the verdict and what changed on standard output; the
/// status (a shard's range, where the files went) on standard error.
fn print_done(job: &RunJob, done: &RunReport, out: &Out) -> Result<(), CliError> {
    let r = &done.results;
    if let Some((i, n, all)) = job.shard {
        status(format_args!(
            "Shard {i}/{n}: trials {} to {} of {all}. Merge all {n} shards with `tcosim merge`.",
            r.plan.first_trial,
            r.plan.first_trial + r.plan.trials - 1
        ));
    } else {
        // The blank line after the status lines is status too, so that
        // standard output starts with the table (`| head -1` is its header).
        status("");
        out.print(present::terminal::summary_table(
            &done.summaries,
            done.include_business_impact,
        ))?;
        out.line("")?;
        out.line(present::terminal::verdict(&done.dir))?;
        match present::changes::against_previous(&done.dir) {
            Ok(Some(changes)) => out.line(changes)?,
            Ok(None) => {}
            Err(e) => status(format_args!(
                "warning: not compared with the previous run: {e:#}"
            )),
        }
    }
    if let (Some(goal), Some(stop)) = (job.precision, done.stop) {
        let settled = crate::stats::analysis::cheapest_settled(&r.totals);
        out.line(match stop {
            Stop::Reached => format!(
                "Precision reached with {} trials: every mean within {:.2}% (95%), and {} is settled as most often cheapest.",
                r.plan.trials,
                goal.rel * 100.0,
                settled.leader.name
            ),
            Stop::Cap => format!(
                "Stopped at the cap of {} trials before the precision target ({:.2}%, cheapest settled) was reached; raise --max-trials or loosen --precision.",
                r.plan.trials,
                goal.rel * 100.0
            ),
        })?;
    }
    Ok(())
}

/// "Wrote FILES to DIR in S s", on standard error.
fn print_wrote(done: &RunReport, clock: Instant) {
    status(format_args!(
        "Wrote {} to {} in {:.2} s",
        done.manifest.files.join(", "),
        done.dir.display(),
        clock.elapsed().as_secs_f64()
    ));
}
