//! `cost_over_time`: cumulative cost by month, the median line and the
//! P10-P90 band per strategy, with the target launch month marked.
//!
//! Months count from the start: month `k` is the end of the k-th month
//! (`month = k - 1` in monthly.csv), so the target launch month `6` of a
//! scenario sits at 6, and the cost at the horizon is the TCO.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
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

/// The crossing of the two strategies with the lowest median cumulative
/// cost at the horizon (from monthly.csv), if they part for good after the
/// first month.
pub fn leaders_crossing(data: &RunData) -> Option<Crossing> {
    let h = data.horizon as usize;
    let at_horizon: Vec<f64> = (0..data.strategies.len())
        .map(|s| data.band(s, h - 1).p50)
        .collect();
    decide::leaders_crossing(&median_crossings(data), &at_horizon)
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

/// The line under the chart: how to read it, and why the last month jumps
/// when work is left unfinished at the horizon.
fn note(data: &RunData) -> String {
    let mut note =
        "Lines: median (P50) cumulative cost; bands: P10 to P90 (80% of trials).".to_string();
    if data
        .summary
        .iter()
        .any(|s| s.mean_categories[Category::Unfinished] > 0.0)
    {
        note.push_str(" The last month adds the cost of work still unfinished at the horizon.");
    }
    note
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let series = cost_over_time_series(data);
    let horizon = data.horizon as f64;
    let top = series
        .iter()
        .flatten()
        .map(|p| p.p90.max(p.p50))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.05;
    let mut legend: Vec<LegendEntry> = frame::strategy_legend(&data.strategies);
    legend.push(LegendEntry::new(
        "band: P10 to P90",
        Marker::Swatch(MUTED, 2.0 * BAND_ALPHA),
    ));
    let plot = frame::layout(
        area,
        &Frame {
            what: "Cumulative cost by month",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: Some(note(data)),
        },
    )?;
    let mut chart = frame::chart(&plot, 0.0..horizon, 0.0..top, Y_LABEL_AREA)?;
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
    draw_bands(&mut chart, &series)?;
    mark_crossing(&mut chart, data, top)?;
    mark_target_launch(&mut chart, data, top)?;
    Ok(())
}

/// The chart's plotting area.
type Plot<'a, DB> = ChartContext<'a, DB, frame::Plane>;

/// Each strategy's P10-P90 band with its edges, then the medians on top.
fn draw_bands<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    series: &[Vec<CostPoint>],
) -> DrawResult<DB> {
    let (band, edge) = style::band_alpha(series.len());
    for (s, pts) in series.iter().enumerate() {
        let mut polygon: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
            .chain(pts.iter().map(|p| (p.end_of_month as f64, p.p90)))
            .collect();
        polygon.extend(pts.iter().rev().map(|p| (p.end_of_month as f64, p.p10)));
        polygon.push((0.0, 0.0));
        let color = style::strategy_color(s);
        chart.draw_series(std::iter::once(Polygon::new(
            polygon,
            color.mix(band).filled(),
        )))?;
        for quantile in [|p: &CostPoint| p.p10, |p: &CostPoint| p.p90] {
            let pts = std::iter::once((0.0, 0.0))
                .chain(pts.iter().map(|p| (p.end_of_month as f64, quantile(p))))
                .collect();
            frame::line(chart, pts, color.mix(edge).stroke_width(1), None)?;
        }
    }
    for (s, pts) in series.iter().enumerate() {
        let line = std::iter::once((0.0, 0.0))
            .chain(pts.iter().map(|p| (p.end_of_month as f64, p.p50)))
            .collect();
        frame::line(
            chart,
            line,
            style::strategy_color(s).stroke_width(LINE_WIDTH),
            None,
        )?;
    }
    Ok(())
}

/// The month from which the leader at the horizon stays cheaper than the
/// runner-up, if any.
fn mark_crossing<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    data: &RunData,
    top: f64,
) -> DrawResult<DB> {
    let horizon = data.horizon as f64;
    // The month from which the leader at the horizon stays cheaper than the
    // runner-up (crossover.csv's median month, counted from 1 here).
    if let Some(c) = leaders_crossing(data) {
        let x = f64::from(c.from_month);
        frame::line(
            chart,
            vec![(x, 0.0), (x, top)],
            MUTED.stroke_width(THIN_LINE),
            Some(GUIDE_DOTS),
        )?;
        let right = x < 0.6 * horizon;
        let (anchor, dx) = if right {
            (HPos::Left, 6)
        } else {
            (HPos::Right, -6)
        };
        // At the top, under the target launch label's row, where the
        // cumulative curves (rising from zero) leave room.
        let font = style::text(ANNOTATION_SIZE, MUTED).pos(Pos::new(anchor, VPos::Top));
        let label = verdict::crossing_label(&c, &data.strategies);
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, top)) + Text::new(label, (dx, 30), font),
        ))?;
    }
    Ok(())
}

/// The target launch month, when it lies within the horizon.
fn mark_target_launch<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    data: &RunData,
    top: f64,
) -> DrawResult<DB> {
    let horizon = data.horizon as f64;
    let target = data.target_launch_month();
    if target > 0.0 && target <= horizon {
        frame::line(
            chart,
            vec![(target, 0.0), (target, top)],
            INK.stroke_width(THIN_LINE),
            Some(MARKER_DASH),
        )?;
        let right = target < 0.7 * horizon;
        let (anchor, dx) = if right {
            (HPos::Left, 6)
        } else {
            (HPos::Right, -6)
        };
        let font = style::text(ANNOTATION_SIZE, INK).pos(Pos::new(anchor, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((target, top)) + Text::new(target_launch_label(data), (dx, 4), font),
        ))?;
    }
    Ok(())
}
