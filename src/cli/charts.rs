//! `tcosim charts` (redraw a run's charts and report from its files) and
//! `tcosim compare` (runs side by side), and the chart step of `run`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::CliError;
use crate::charts;
use crate::engine::Results;
use crate::report::rundata::RunData;
use crate::report::{StagedDir, decision, html};

/// Which chart formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub png: bool,
    pub svg: bool,
}

impl Formats {
    /// Whether anything is drawn.
    pub fn any(&self) -> bool {
        self.png || self.svg
    }
}

/// Parses `png,svg`, `png`, `svg` or `none`.
pub fn parse_formats(s: &str) -> Result<Formats, String> {
    let mut f = Formats {
        png: false,
        svg: false,
    };
    for part in s.split(',').map(str::trim) {
        match part {
            "png" => f.png = true,
            "svg" => f.svg = true,
            "none" if s.trim() == "none" => {}
            _ => {
                return Err(format!(
                    "`{s}` is not a list of chart formats; give png,svg (the default), png, svg or none"
                ));
            }
        }
    }
    Ok(f)
}

/// Each strategy's totals as trials.csv writes them (to the cent): the
/// charts of a run are drawn from these rather than from reading trials.csv
/// back, and are identical to what `tcosim charts RUN_DIR` draws from it.
pub fn totals_as_written(r: &Results) -> Vec<Vec<f64>> {
    (0..r.n_strategies())
        .map(|s| {
            r.totals_of(s)
                .iter()
                .map(|x| format!("{x:.2}").parse().unwrap_or(*x))
                .collect()
        })
        .collect()
}

/// Draws the charts and writes report.html (which shows them) into `dir`
/// from its files; with no format, neither.
pub fn draw_run(dir: &Path, totals: Option<Vec<Vec<f64>>>, formats: Formats) -> anyhow::Result<()> {
    if !formats.any() {
        return Ok(());
    }
    let data = RunData::load(dir, totals)?;
    charts::write_all(&data, dir, formats.png, formats.svg)?;
    let report = html::render_report(&data, &decision::sections(&data))?;
    std::fs::write(dir.join("report.html"), report)
        .with_context(|| format!("cannot write {}", dir.join("report.html").display()))
}

#[derive(Debug, Args)]
pub struct ChartsArgs {
    /// A results directory written by `tcosim run` (or `tcosim merge`).
    #[arg(value_name = "RUN_DIR")]
    pub dir: PathBuf,
    /// Chart formats: png,svg, png, svg or none (report.html only, without the images).
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = parse_formats)]
    pub charts: Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Redraws a run's charts and report in place: drawn into a temporary
/// directory first, so a failure leaves the old ones.
pub fn charts_command(args: ChartsArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !dir.join("manifest.json").is_file() {
        return Err(CliError::Input(format!(
            "{} is not a tcosim results directory (no manifest.json)",
            dir.display()
        )));
    }
    let data = RunData::load(dir, None).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let tmp = dir.join(format!(".charts.tmp-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot write in {}", dir.display()))?;
    let cleanup = |e: CliError| {
        let _ = std::fs::remove_dir_all(&tmp);
        e
    };
    if args.charts.any() {
        charts::write_all(&data, &tmp, args.charts.png, args.charts.svg)
            .map_err(|e| cleanup(e.into()))?;
    }
    let report =
        html::render_report(&data, &decision::sections(&data)).map_err(|e| cleanup(e.into()))?;
    std::fs::write(tmp.join("report.html"), report)
        .map_err(|e| cleanup(CliError::Failure(e.into())))?;
    // Swap the new charts and report in.
    if args.charts.any() {
        let old = dir.join("charts");
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| cleanup(CliError::Failure(e.into())))?;
        }
        std::fs::rename(tmp.join("charts"), &old)
            .map_err(|e| cleanup(CliError::Failure(e.into())))?;
    }
    std::fs::rename(tmp.join("report.html"), dir.join("report.html"))
        .map_err(|e| cleanup(CliError::Failure(e.into())))?;
    let _ = std::fs::remove_dir_all(&tmp);
    if !args.quiet {
        println!(
            "Drew the charts and report.html of {} in {}",
            data.name,
            dir.display()
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
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = parse_formats)]
    pub charts: Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn compare_command(args: CompareArgs) -> Result<(), CliError> {
    let mut runs: Vec<(String, RunData)> = Vec::new();
    for d in &args.dirs {
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
    let staged = StagedDir::new(&args.out).map_err(|e| CliError::Input(format!("{e:#}")))?;
    let dir = staged.path();
    let mut w =
        csv::Writer::from_path(dir.join("compare.csv")).context("cannot create compare.csv")?;
    w.write_record(["run", "strategy", "mean", "p10", "p50", "p90"])
        .context("cannot write compare.csv")?;
    for (label, data) in &runs {
        for s in &data.summary {
            let money = crate::report::csv::money;
            w.write_record([
                label.clone(),
                s.strategy.clone(),
                money(s.mean),
                money(s.p10),
                money(s.p50),
                money(s.p90),
            ])
            .context("cannot write compare.csv")?;
        }
    }
    w.flush().context("cannot write compare.csv")?;
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
