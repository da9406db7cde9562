//! `cost_over_time`: cumulative cost by month, the median line of every
//! strategy and the P10-P90 bands of the two leaders (the verdict's two,
//! [`crate::present::decision::leaders`]; more bands would blend into one
//! mass), with the
//! target launch month marked. The cost of work still unfinished at the
//! horizon is not drawn as a last-month jump of the line: the line stops a
//! month before the horizon and a ring at the horizon marks the median TCO
//! that includes it.
//!
//! Months count from the start: month `k` is the end of the k-th month
//! (`month = k - 1` in monthly.csv), so the target launch month `6` of a
//! scenario sits at 6, and the cost at the horizon is the TCO.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::format::money_tick;
use super::frame::{self, Axes, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
pub use crate::decide::Crossing;
use crate::decide::{self, verdict};
use crate::model::Category;
use crate::output::rundata::RunData;
use crate::stats::analysis::crossovers;

/// Cumulative cost of one strategy at the end of one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostPoint {
    /// Months since the start (1 = the end of the first month).
    pub end_of_month: u32,
    /// Mean cumulative cost.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// The data behind the chart: per strategy (scenario order), one point per
/// month of the horizon, from monthly.csv.
pub fn cost_over_time_series(data: &RunData) -> Vec<Vec<CostPoint>> {
    (0..data.strategies.len())
        .map(|s| {
            (0..data.horizon as usize)
                .map(|m| {
                    let b = data.band(s, m);
                    CostPoint {
                        end_of_month: b.month + 1,
                        mean: b.mean,
                        p10: b.p10,
                        p50: b.p50,
                        p90: b.p90,
                    }
                })
                .collect()
        })
        .collect()
}

/// For every pair of strategies whose median cumulative costs differ at
/// the horizon, the month from which the cheaper one stays below: the run's
/// crossovers (as crossover.csv holds them) read by
/// [`decide::median_crossings`].
pub fn median_crossings(data: &RunData) -> Vec<Crossing> {
    let crossovers = crossovers(&data.monthly, data.strategies.len(), data.horizon as usize);
    decide::median_crossings(&crossovers)
}

/// The crossing of the leaders (the verdict's two strategies, those with
/// bands), if their median cumulative costs part for good after the first
/// month.
pub fn leaders_crossing(data: &RunData) -> Option<Crossing> {
    let pair = crate::present::decision::leaders(data)?;
    decide::leaders_crossing(&median_crossings(data), pair)
}

/// The label of the target launch month: fixed, or the median of its
/// distribution.
pub fn target_launch_label(data: &RunData) -> String {
    let d = &data.scenario.inputs[data.scenario.world.target_launch_month].dist;
    let m = data.target_launch_month();
    let m = if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    };
    if d.is_fixed() {
        format!("target launch: month {m}")
    } else {
        format!("target launch: month {m} (median)")
    }
}

/// A polyline: (months since the start, dollars).
pub type Path = Vec<(f64, f64)>;

/// What the chart draws for one strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnSeries {
    /// The median line, from (0, 0); it stops at the month before the
    /// horizon when the strategy leaves work unfinished (whose cost the
    /// horizon month adds at once).
    pub line: Vec<(f64, f64)>,
    /// The P10 and P90 edges of its band over the same months, for the two
    /// leaders only.
    pub band: Option<(Path, Path)>,
    /// With unfinished work: the ring at the horizon, the median TCO
    /// including the cost to finish it.
    pub horizon_marker: Option<(f64, f64)>,
}

/// Whether strategy `s` leaves work unfinished at the horizon in some trial
/// (its mean unfinished cost is above zero).
fn leaves_unfinished(data: &RunData, s: usize) -> bool {
    data.summary
        .get(s)
        .is_some_and(|sm| sm.mean_categories[Category::Unfinished] > 0.0)
}

/// The data the chart draws, per strategy (scenario order).
pub fn drawn_series(data: &RunData) -> Vec<DrawnSeries> {
    let series = cost_over_time_series(data);
    let leaders = crate::present::decision::leaders(data);
    let banded = |s: usize| leaders.is_some_and(|(a, b)| s == a || s == b) || series.len() == 1;
    series
        .iter()
        .enumerate()
        .map(|(s, pts)| {
            let unfinished = leaves_unfinished(data, s) && pts.len() > 1;
            let shown = if unfinished {
                &pts[..pts.len() - 1]
            } else {
                &pts[..]
            };
            let path = |q: fn(&CostPoint) -> f64| -> Vec<(f64, f64)> {
                std::iter::once((0.0, 0.0))
                    .chain(shown.iter().map(|p| (f64::from(p.end_of_month), q(p))))
                    .collect()
            };
            DrawnSeries {
                line: path(|p| p.p50),
                band: banded(s).then(|| (path(|p| p.p10), path(|p| p.p90))),
                horizon_marker: if unfinished {
                    pts.last().map(|p| (f64::from(p.end_of_month), p.p50))
                } else {
                    None
                },
            }
        })
        .collect()
}

/// The line under the chart: how to read it.
fn note(data: &RunData, drawn: &[DrawnSeries]) -> String {
    let banded: Vec<&str> = drawn
        .iter()
        .zip(&data.strategies)
        .filter(|(d, _)| d.band.is_some())
        .map(|(_, n)| n.as_str())
        .collect();
    let mut note = format!(
        "Lines: median cumulative cost; bands: P10 to P90 of the verdict's two ({}).",
        banded.join(" and ")
    );
    if drawn.iter().any(|d| d.horizon_marker.is_some()) {
        note.push_str(" Rings: median TCO, unfinished work included.");
    }
    note
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let series = cost_over_time_series(data);
    let drawn = drawn_series(data);
    let horizon = data.horizon as f64;
    let top = series
        .iter()
        .flatten()
        .map(|p| p.p90.max(p.p50))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.12;
    let mut legend: Vec<LegendEntry> = frame::strategy_legend(&data.strategies);
    legend.push(LegendEntry::new(
        "band: P10 to P90 (the verdict's two)",
        Marker::Swatch(MUTED, 2.0 * BAND_ALPHA),
    ));
    if drawn.iter().any(|d| d.horizon_marker.is_some()) {
        legend.push(LegendEntry::new(
            "TCO with unfinished work (median)",
            Marker::Ring(MUTED),
        ));
    }
    let marks = month_marks(data);
    for m in &marks {
        legend.push(LegendEntry::new(
            m.text.clone(),
            Marker::Line(m.color, Some(m.dash)),
        ));
    }
    let plot = frame::layout(
        area,
        &Frame {
            what: "Cumulative cost by month",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: Some(note(data, &drawn)),
        },
    )?;
    let mut chart = frame::chart(&plot, 0.0..horizon + 0.5, 0.0..top, Y_LABEL_AREA)?;
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: "Months since the start",
            y_desc: "Cumulative cost",
            x_fmt: &|x| format!("{x:.0}"),
            y_fmt: &|y| money_tick(*y),
            x_labels: (data.horizon as usize + 1).min(13),
            y_labels: 8,
            x_grid: true,
            y_grid: true,
        },
    )?;
    draw_series(&mut chart, &drawn)?;
    mark_months(&mut chart, &marks, top)?;
    Ok(())
}

/// The chart's plotting area.
type Plot<'a, DB> = ChartContext<'a, DB, frame::Plane>;

/// The leaders' bands, then every median line, then the horizon rings.
fn draw_series<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    drawn: &[DrawnSeries],
) -> DrawResult<DB> {
    let (band, edge) = (2.0 * BAND_ALPHA, BAND_EDGE_ALPHA);
    for (s, d) in drawn.iter().enumerate() {
        let Some((p10, p90)) = &d.band else { continue };
        let color = style::strategy_color(s);
        let mut polygon = p90.clone();
        polygon.extend(p10.iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(
            polygon,
            color.mix(band).filled(),
        )))?;
        for q in [p10, p90] {
            frame::line(chart, q.clone(), color.mix(edge).stroke_width(1), None)?;
        }
    }
    for (s, d) in drawn.iter().enumerate() {
        let color = style::strategy_color(s);
        frame::line(chart, d.line.clone(), color.stroke_width(LINE_WIDTH), None)?;
    }
    for (s, d) in drawn.iter().enumerate() {
        if let Some(p) = d.horizon_marker {
            let color = style::strategy_color(s);
            chart.draw_series([
                Circle::new(p, 7, BACKGROUND.filled()),
                Circle::new(p, 7, color.stroke_width(THIN_LINE + 1)),
            ])?;
        }
    }
    Ok(())
}

/// A marked month: a vertical line at `x`, its colour and dash, and what it
/// means (said in the legend, so that no label sits over a line or another
/// label).
struct MonthMark {
    x: f64,
    text: String,
    color: RGBColor,
    dash: (u32, u32),
}

/// The target launch month (when within the horizon) and the month from
/// which the leader stays cheaper than the runner-up.
fn month_marks(data: &RunData) -> Vec<MonthMark> {
    let horizon = data.horizon as f64;
    let mut marks = Vec::new();
    let target = data.target_launch_month();
    if target > 0.0 && target <= horizon {
        marks.push(MonthMark {
            x: target,
            text: target_launch_label(data),
            color: INK,
            dash: MARKER_DASH,
        });
    }
    if let Some(c) = leaders_crossing(data) {
        marks.push(MonthMark {
            x: f64::from(c.from_month),
            text: verdict::crossing_label(&c, &data.strategies),
            color: MUTED,
            dash: GUIDE_DOTS,
        });
    }
    marks
}

/// The marked months as vertical lines (explained in the legend).
fn mark_months<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    marks: &[MonthMark],
    top: f64,
) -> DrawResult<DB> {
    for m in marks {
        frame::line(
            chart,
            vec![(m.x, 0.0), (m.x, top)],
            m.color.stroke_width(THIN_LINE),
            Some(m.dash),
        )?;
    }
    Ok(())
}
