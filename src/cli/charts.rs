//! `tcosim charts` (redraw a run's charts and report from its files) and
//! `tcosim compare` (runs side by side), and the chart step of `run`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::out::{Format, Out, status};
use super::{CliError, json};
use crate::output::rundata::RunData;
use crate::output::schema::{self, CompareRecord, Money, Percent};
use crate::output::{OutputKind, StagedDir};
use crate::present::changes::{self, RunFigures};
use crate::present::charts::{self, Formats};
use crate::present::html;
use crate::scenario::strategy_ids;

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
        status(format_args!(
            "Drew the charts and report.html of {} in {}",
            data.name,
            target.display()
        ));
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Results directories of `tcosim run` to compare (the same scenario before and after a
    /// change, or different scenarios). Changes are against the first.
    #[arg(value_name = "RUN_DIR", required = true, num_args = 2..)]
    pub dirs: Vec<PathBuf>,
    /// Output directory for compare.csv, the charts and report.html.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Compare runs of different horizons anyway. Without it such runs are refused (exit code
    /// 2): a total over 48 months is not comparable with one over 36, most of the difference
    /// is the extra year. (Runs with different trial counts are compared with a warning: their
    /// Monte Carlo precision differs, the comparison is still valid.)
    #[arg(long)]
    pub allow_different_horizons: bool,
    /// Chart formats: png,svg, png, svg or none.
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// What to print on standard output: text (what changed), or one JSON document (see
    /// docs/JSON.md). Status and warnings go to standard error either way.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print nothing but errors and warnings (and the JSON document of --format json).
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
    let figures: Vec<RunFigures> = runs
        .iter()
        .map(|(label, data)| RunFigures::from_data(label, data))
        .collect();
    let base = &figures[0];
    if !args.allow_different_horizons
        && let Some(why) = figures[1..]
            .iter()
            .find_map(|r| changes::horizon_mismatch(base, r))
    {
        return Err(CliError::Input(format!(
            "{why}. Run both with the same --horizon, or pass --allow-different-horizons to compare them anyway"
        )));
    }
    for r in &figures[1..] {
        for w in changes::comparability_warnings(base, r) {
            status(format_args!("warning: {w}"));
        }
    }
    let staged = StagedDir::new(&args.out, OutputKind::Compare)
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let dir = staged.path();
    let rows: Vec<CompareRecord> = runs
        .iter()
        .flat_map(|(label, data)| {
            let ids = strategy_ids(&data.strategies);
            data.summary.iter().zip(ids).map(move |(s, strategy_id)| {
                let b = base.summary.iter().find(|x| x.strategy == s.strategy);
                let (mean_change, mean_pct) = b.map_or((None, None), |b| {
                    let (d, p) = changes::change(b.mean, s.mean);
                    (Some(Money(d)), p.map(Percent))
                });
                let (p50_change, p50_pct) = b.map_or((None, None), |b| {
                    let (d, p) = changes::change(b.p50, s.p50);
                    (Some(Money(d)), p.map(Percent))
                });
                CompareRecord {
                    run: label.clone(),
                    strategy: s.strategy.clone(),
                    strategy_id,
                    mean: Money(s.mean),
                    p10: Money(s.p10),
                    p50: Money(s.p50),
                    p90: Money(s.p90),
                    mean_change,
                    mean_change_pct: mean_pct,
                    p50_change,
                    p50_change_pct: p50_pct,
                }
            })
        })
        .collect();
    schema::write_file(dir, &rows)?;
    if args.charts.any() {
        charts::write_compare(&runs, dir, args.charts.png, args.charts.svg)?;
    }
    let extra = [(
        format!("What changed against {}", base.label),
        changes::report_html(&figures),
    )];
    let report = html::render_compare_report(&runs, &extra)?;
    std::fs::write(dir.join("report.html"), report).context("cannot write report.html")?;
    let target = staged.commit()?;
    let stdout = Out::results_in(&target);
    if !args.quiet {
        status(format_args!(
            "Compared {} runs into {}",
            runs.len(),
            target.display()
        ));
    }
    if args.format.is_json() {
        stdout.json(&json::compare(&args.dirs, &figures, &target))?;
    } else if !args.quiet {
        stdout.line(format_args!(
            "Changes against {} (the first run):",
            base.label
        ))?;
        stdout.print(changes::report_text(&figures))?;
    }
    Ok(())
}
