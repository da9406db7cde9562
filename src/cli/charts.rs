//! `tcosim charts` (redraw a run's charts and report from its files) and
//! `tcosim compare` (runs side by side), and the chart step of `run`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::CliError;
use crate::output::rundata::RunData;
use crate::output::schema::{self, CompareRecord, Money};
use crate::output::{OutputKind, StagedDir};
use crate::present::charts::{self, Formats};
use crate::present::html;

#[derive(Debug, Args)]
pub struct ChartsArgs {
    /// A results directory written by `tcosim run` (or `tcosim merge`).
    #[arg(value_name = "RUN_DIR")]
    pub dir: PathBuf,
    /// Chart formats: png,svg, png, svg or none (report.html only, without the images).
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Redraws a run's charts and report: the run directory is staged (its
/// other files hard-linked), the new charts and report drawn there, and the
/// whole exchanged with the run directory in one step, so a failure or a
/// stop leaves the old ones.
pub fn charts_command(args: ChartsArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !dir.join("manifest.json").is_file() {
        return Err(CliError::Input(format!(
            "{} is not a tcosim results directory (no manifest.json)",
            dir.display()
        )));
    }
    crate::output::refuse_shard(dir).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let staged = StagedDir::update(dir, OutputKind::Run, &["charts", "report.html"])
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    // A signal ends this at once (loading and drawing are not steps that
    // check for one): the staged directory goes, the run is as it was.
    let data = RunData::load(dir, None).map_err(|e| CliError::Input(format!("{e:#}")))?;
    crate::pipeline::draw_report(&data, staged.path(), args.charts)
        .with_context(|| format!("cannot draw the charts of {}", dir.display()))?;
    let target = staged.commit()?;
    if !args.quiet {
        println!(
            "Drew the charts and report.html of {} in {}",
            data.name,
            target.display()
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Results directories of `tcosim run` to compare (the same scenario before and after a
    /// change, or different scenarios).
    #[arg(value_name = "RUN_DIR", required = true, num_args = 2..)]
    pub dirs: Vec<PathBuf>,
    /// Output directory for compare.csv, the charts and report.html.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Chart formats: png,svg, png, svg or none.
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn compare_command(args: CompareArgs) -> Result<(), CliError> {
    let mut runs: Vec<(String, RunData)> = Vec::new();
    for d in &args.dirs {
        crate::output::refuse_shard(d).map_err(|e| CliError::Input(format!("{e:#}")))?;
        let data = RunData::load(d, None)
            .map_err(|e| CliError::Input(format!("{}: {e:#}", d.display())))?;
        let mut label = d
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| d.display().to_string());
        if runs.iter().any(|(l, _)| *l == label) {
            label = d.display().to_string();
        }
        runs.push((label, data));
    }
    let staged = StagedDir::new(&args.out, OutputKind::Compare)
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let dir = staged.path();
    let rows: Vec<CompareRecord> = runs
        .iter()
        .flat_map(|(label, data)| {
            data.summary.iter().map(|s| CompareRecord {
                run: label.clone(),
                strategy: s.strategy.clone(),
                mean: Money(s.mean),
                p10: Money(s.p10),
                p50: Money(s.p50),
                p90: Money(s.p90),
            })
        })
        .collect();
    schema::write_file(dir, &rows)?;
    if args.charts.any() {
        charts::write_compare(&runs, dir, args.charts.png, args.charts.svg)?;
    }
    let report = html::render_compare_report(&runs, &[])?;
    std::fs::write(dir.join("report.html"), report).context("cannot write report.html")?;
    let target = staged.commit()?;
    if !args.quiet {
        println!("Compared {} runs into {}", runs.len(), target.display());
    }
    Ok(())
}
