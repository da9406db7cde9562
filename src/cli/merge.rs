//! `tcosim merge`: combine shard directories into what a single run writes.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Context;
use clap::Args;

use super::CliError;
use super::run::write_outputs;
use crate::engine::{Results, RunPlan};
use crate::report::manifest::{Manifest, read_manifest};
use crate::report::{self, StagedDir};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard directories written by `tcosim run --shard I/N`, all N of them (any order).
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Chart formats: png,svg (the default), png, svg or none.
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = super::charts::parse_formats)]
    pub charts: super::charts::Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Reads every shard's manifest and checks that they belong together.
/// Returns them sorted by shard number.
fn check_shards(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, CliError> {
    let mut shards = Vec::new();
    for d in dirs {
        let m = read_manifest(&d.join("manifest.json")).map_err(|e| {
            CliError::Input(format!("{}: not a shard directory: {e:#}", d.display()))
        })?;
        if m.shard.is_none() {
            return Err(CliError::Input(format!(
                "{} is a whole run, not a shard; make shards with `tcosim run SCENARIO --shard I/N`",
                d.display()
            )));
        }
        shards.push((d.clone(), m));
    }
    let (d0, m0) = &shards[0];
    let n = m0.shard.map_or(0, |s| s.count);
    for (d, m) in &shards[1..] {
        let differ = |what: &str, a: String, b: String| {
            CliError::Input(format!(
                "{} and {} do not belong together: {what} differs ({a} vs {b})",
                d0.display(),
                d.display()
            ))
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
    shards.sort_by_key(|(_, m)| m.shard.map_or(0, |s| s.index));
    for w in shards.windows(2) {
        if w[0].1.shard.map(|s| s.index) == w[1].1.shard.map(|s| s.index) {
            return Err(CliError::Input(format!(
                "shard {}/{n} is given twice ({} and {})",
                w[0].1.shard.map_or(0, |s| s.index),
                w[0].0.display(),
                w[1].0.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|i| {
            !shards
                .iter()
                .any(|(_, m)| m.shard.map(|s| s.index) == Some(*i))
        })
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(CliError::Input(format!(
            "shard{} {} {} missing; merge needs all {n} shards",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        )));
    }
    Ok(shards)
}

/// Appends a shard's trials.csv rows (without its header) to `out`.
fn append_rows(path: &Path, out: &mut impl Write) -> anyhow::Result<()> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let mut header = Vec::new();
    r.read_until(b'\n', &mut header)?;
    std::io::copy(&mut r, out)?;
    Ok(())
}

pub fn merge_command(args: MergeArgs) -> Result<(), CliError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let shards = check_shards(&args.shards)?;
    let (d0, m0) = &shards[0];
    let text = std::fs::read_to_string(d0.join("scenario.toml"))
        .with_context(|| format!("cannot read {}", d0.join("scenario.toml").display()))?;
    let staged = StagedDir::new(&args.out).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let dir = staged.path();
    let mut results: Option<Results> = None;
    let with_rows = shards.iter().all(|(d, _)| d.join("trials.csv").exists());
    let mut rows = if with_rows {
        Some(report::csv::TrialsFile::create(&dir.join("trials.csv"))?)
    } else {
        None
    };
    for (d, m) in &shards {
        let s = m
            .shard
            .ok_or_else(|| CliError::Input(format!("{} is not a shard", d.display())))?;
        let plan = RunPlan {
            trials: s.trials,
            horizon: m.horizon_months,
            seed: m.seed,
            first_trial: s.first_trial,
        };
        let part =
            report::shard::read_shard(d, plan).map_err(|e| CliError::Input(format!("{e:#}")))?;
        if let Some(w) = rows.as_mut() {
            append_rows(&d.join("trials.csv"), w)?;
        }
        match results.as_mut() {
            None => results = Some(part),
            Some(r) => {
                if r.plan.first_trial + r.plan.trials != part.plan.first_trial {
                    return Err(CliError::Input(format!(
                        "{} does not continue the trials of the shard before it",
                        d.display()
                    )));
                }
                r.append(part);
            }
        }
    }
    if let Some(w) = rows.take() {
        w.finish()?;
    }
    let results = results.ok_or_else(|| CliError::Input("no shards given".into()))?;
    let summaries = write_outputs(dir, &text, &results)?;
    let manifest = Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: m0.scenario_name.clone(),
        scenario_file: m0.scenario_file.clone(),
        scenario_sha256: m0.scenario_sha256.clone(),
        seed: m0.seed,
        trials: results.plan.trials,
        horizon_months: m0.horizon_months,
        threads: rayon::current_num_threads(),
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        wall_seconds: (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        files: super::run::files_in(dir, "manifest.json")?,
        shard: None,
        precision: None,
    };
    report::manifest::write_manifest(&dir.join("manifest.json"), &manifest)?;
    let totals = Some(super::charts::totals_as_written(&results));
    super::charts::draw_run(dir, totals, args.charts)?;
    let manifest = Manifest {
        files: super::run::files_in(dir, "manifest.json")?,
        ..manifest
    };
    report::manifest::write_manifest(&dir.join("manifest.json"), &manifest)?;
    let target = staged.commit()?;
    if !args.quiet {
        print!("{}", report::terminal::summary_table(&summaries));
        println!(
            "Merged {} shards ({} trials) into {}",
            shards.len(),
            results.plan.trials,
            target.display()
        );
    }
    Ok(())
}
