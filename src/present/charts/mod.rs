//! Charts of a run, drawn from its [`RunData`] (the files the run wrote).
//!
//! Each chart is one function generic over the plotters backend, so it is
//! written once and rendered both as PNG (1280x720) and as SVG. Styles are
//! in [`style`]; what every chart shares (title block, legend strip above
//! the plot, axes) is in `frame` (internal). The data behind a chart (bins, bands,
//! bars) comes from a pure function beside it, which the tests check
//! against the CSV files.

pub mod breakdown;
pub mod cdf;
pub mod compare;
pub mod cost_over_time;
pub mod distribution;
pub(crate) mod format;
pub(crate) mod frame;
pub mod quality;
pub mod sensitivity;
pub mod style;
pub mod sweep;
pub mod voi;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

pub use breakdown::{Segment, breakdown_bars};
pub use cost_over_time::{CostPoint, Crossing, cost_over_time_series, median_crossings};
pub use distribution::{Bins, distribution_bins};
pub use frame::DrawResult;

use crate::output::rundata::RunData;

/// Which chart formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Write PNG files.
    pub png: bool,
    /// Write SVG files.
    pub svg: bool,
}

impl Formats {
    /// No charts.
    pub const NONE: Formats = Formats {
        png: false,
        svg: false,
    };

    /// Whether anything is drawn.
    pub fn any(&self) -> bool {
        self.png || self.svg
    }

    /// Parses `png,svg`, `png`, `svg` or `none`.
    pub fn parse(s: &str) -> Result<Formats, String> {
        let mut f = Formats::NONE;
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
}

/// Names of the charts of one run, in the order they are drawn.
pub const RUN_CHARTS: [&str; 7] = [
    "distribution",
    "cdf",
    "cost_over_time",
    "breakdown",
    "quality",
    "sensitivity",
    "voi",
];

/// Names of the charts of a comparison.
pub const COMPARE_CHARTS: [&str; 2] = ["compare_cdf", "compare_medians"];

/// A chart and the data it shows.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// TCO histograms of a run.
    Distribution(&'a RunData),
    /// The S-curves of a run.
    Cdf(&'a RunData),
    /// Cumulative cost by month.
    CostOverTime(&'a RunData),
    /// Mean cost per category.
    Breakdown(&'a RunData),
    /// Mean model quality by month.
    Quality(&'a RunData),
    /// What decides the choice (tornado in dollars).
    Sensitivity(&'a RunData),
    /// What to learn first (value of information).
    Voi(&'a RunData),
    /// The S-curves of labelled runs overlaid.
    CompareCdf(&'a [(String, RunData)]),
    /// The medians of labelled runs side by side.
    CompareMedians(&'a [(String, RunData)]),
    /// A one-key sweep: TCO against the swept value.
    SweepLine(&'a sweep::SweepData),
    /// A two-key sweep: the cheapest strategy by median at each point.
    SweepHeatmap(&'a sweep::SweepData),
}

impl<'a> Chart<'a> {
    /// The charts of one run, in the order of [`RUN_CHARTS`].
    pub fn of_run(data: &'a RunData) -> [Chart<'a>; 7] {
        [
            Chart::Distribution(data),
            Chart::Cdf(data),
            Chart::CostOverTime(data),
            Chart::Breakdown(data),
            Chart::Quality(data),
            Chart::Sensitivity(data),
            Chart::Voi(data),
        ]
    }

    /// The charts of a comparison of labelled runs, in the order of
    /// [`COMPARE_CHARTS`].
    pub fn of_comparison(runs: &'a [(String, RunData)]) -> [Chart<'a>; 2] {
        [Chart::CompareCdf(runs), Chart::CompareMedians(runs)]
    }

    /// The file stem: `distribution`, `cdf`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Chart::Distribution(_) => RUN_CHARTS[0],
            Chart::Cdf(_) => RUN_CHARTS[1],
            Chart::CostOverTime(_) => RUN_CHARTS[2],
            Chart::Breakdown(_) => RUN_CHARTS[3],
            Chart::Quality(_) => RUN_CHARTS[4],
            Chart::Sensitivity(_) => RUN_CHARTS[5],
            Chart::Voi(_) => RUN_CHARTS[6],
            Chart::CompareCdf(_) => COMPARE_CHARTS[0],
            Chart::CompareMedians(_) => COMPARE_CHARTS[1],
            Chart::SweepLine(_) | Chart::SweepHeatmap(_) => "sweep",
        }
    }

    /// Draws the chart on any backend (without presenting it).
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        match *self {
            Chart::Distribution(d) => distribution::draw(area, d),
            Chart::Cdf(d) => cdf::draw(area, d),
            Chart::CostOverTime(d) => cost_over_time::draw(area, d),
            Chart::Breakdown(d) => breakdown::draw(area, d),
            Chart::Quality(d) => quality::draw(area, d),
            Chart::Sensitivity(d) => sensitivity::draw(area, d),
            Chart::Voi(d) => voi::draw(area, d),
            Chart::CompareCdf(r) => compare::draw_cdf(area, r),
            Chart::CompareMedians(r) => compare::draw_medians(area, r),
            Chart::SweepLine(d) => sweep::draw_line(area, d),
            Chart::SweepHeatmap(d) => sweep::draw_heatmap(area, d),
        }
    }

    /// The chart as SVG text (1280x720 user units).
    pub fn to_svg(&self) -> Result<String> {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, style::SIZE).into_drawing_area();
            self.draw(&area)
                .map_err(|e| anyhow!("cannot draw the {} chart: {e}", self.name()))?;
            area.present()
                .map_err(|e| anyhow!("cannot finish the {} chart: {e}", self.name()))?;
        }
        Ok(out)
    }

    /// Writes the chart as a 1280x720 PNG file.
    pub fn write_png(&self, path: &Path) -> Result<()> {
        let area = BitMapBackend::new(path, style::SIZE).into_drawing_area();
        self.draw(&area)
            .map_err(|e| anyhow!("cannot draw the {} chart: {e}", self.name()))?;
        area.present()
            .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
    }
}

/// The run's circumstances for a subtitle.
fn run_line(data: &RunData) -> String {
    format::run_line(data.trials, data.horizon, data.seed)
}

/// Writes each chart as `dir/charts/NAME.png` and/or `.svg`; returns the
/// files written, with the time each took. The charts are drawn in
/// parallel (each file on its own); the list keeps the order of `charts`.
fn write_charts(
    charts: &[Chart],
    dir: &Path,
    png: bool,
    svg: bool,
) -> Result<Vec<(PathBuf, Duration)>> {
    let out = dir.join("charts");
    if png || svg {
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create the directory {}", out.display()))?;
    }
    let files: Vec<(&Chart, bool)> = charts
        .iter()
        .flat_map(|c| [(c, true), (c, false)])
        .filter(|(_, is_png)| if *is_png { png } else { svg })
        .collect();
    let written: Vec<Result<(PathBuf, Duration)>> = files
        .par_iter()
        .map(|(chart, is_png)| {
            let clock = Instant::now();
            let path = out.join(format!(
                "{}.{}",
                chart.name(),
                if *is_png { "png" } else { "svg" }
            ));
            if *is_png {
                chart.write_png(&path)?;
            } else {
                std::fs::write(&path, chart.to_svg()?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok((path, clock.elapsed()))
        })
        .collect();
    // The first failure in chart order, whichever thread met it first.
    written.into_iter().collect()
}

/// The paths of [`write_charts`]'s files.
fn paths(written: Vec<(PathBuf, Duration)>) -> Vec<PathBuf> {
    written.into_iter().map(|(p, _)| p).collect()
}

/// Draws every chart of a run into `dir/charts/`, as PNG and/or SVG.
pub fn write_all(data: &RunData, dir: &Path, png: bool, svg: bool) -> Result<Vec<PathBuf>> {
    write_all_timed(data, dir, png, svg).map(paths)
}

/// [`write_all`], with the wall time each file took to draw and write.
pub fn write_all_timed(
    data: &RunData,
    dir: &Path,
    png: bool,
    svg: bool,
) -> Result<Vec<(PathBuf, Duration)>> {
    write_charts(&Chart::of_run(data), dir, png, svg)
}

/// Draws the `sweep` chart of a sweep (a line chart for one key, a heat map
/// for two) into `dir/charts/`.
pub fn write_sweep(
    data: &sweep::SweepData,
    dir: &Path,
    png: bool,
    svg: bool,
) -> Result<Vec<PathBuf>> {
    let chart = if data.keys.len() == 1 {
        Chart::SweepLine(data)
    } else {
        Chart::SweepHeatmap(data)
    };
    write_charts(&[chart], dir, png, svg).map(paths)
}

/// Draws `compare_cdf` and `compare_medians` of labelled runs into
/// `dir/charts/`, as PNG and/or SVG.
pub fn write_compare(
    runs: &[(String, RunData)],
    dir: &Path,
    png: bool,
    svg: bool,
) -> Result<Vec<PathBuf>> {
    write_charts(&Chart::of_comparison(runs), dir, png, svg).map(paths)
}
