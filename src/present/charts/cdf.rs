//! `cdf`: S-curves of the probability that the TCO is at most x, per
//! strategy, with P10/P50/P90 guides.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::distribution::{clip_note, distribution_bins};
use super::format::{money_tick, percent_tick};
use super::frame::{self, Axes, DrawResult, Frame};
use super::style::{self, *};
use crate::output::rundata::RunData;
use crate::stats::quantile_sorted;

/// Points of the curve drawn for the distribution of `totals`: the
/// quantile at 201 evenly spaced probabilities, from `lo` and cut at `hi`
/// (where the curve ends at the share of totals at most `hi`).
pub fn cdf_points(totals: &[f64], lo: f64, hi: f64) -> Vec<(f64, f64)> {
    const STEPS: usize = 200;
    let mut sorted = totals.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return Vec::new();
    }
    let mut out = vec![(lo, 0.0)];
    for k in 0..=STEPS {
        let p = k as f64 / STEPS as f64;
        let x = quantile_sorted(&sorted, p);
        if x > hi {
            let at_most = sorted.partition_point(|v| *v <= hi) as f64 / sorted.len() as f64;
            out.push((hi, at_most));
            break;
        }
        out.push((x.max(lo), p));
    }
    out
}

/// One S-curve: its colour, dash (`None` for solid) and the totals.
pub(crate) type Curve<'a> = (RGBColor, Option<(u32, u32)>, &'a [f64]);

/// Draws one S-curve per series on a money axis cut at `hi`; shared with
/// `compare_cdf`.
pub(crate) fn draw_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: Frame,
    lo: f64,
    hi: f64,
    curves: &[Curve],
) -> DrawResult<DB> {
    let plot = frame::layout(area, &frame)?;
    let mut chart = frame::chart(&plot, lo..hi, 0.0..1.0, Y_LABEL_AREA)?;
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: "Total cost of ownership over the horizon",
            y_desc: "Probability that TCO is at most x",
            x_fmt: &|x| money_tick(*x),
            y_fmt: &|y| percent_tick(*y),
            x_labels: 12,
            y_labels: 11,
            x_grid: true,
            y_grid: false,
        },
    )?;
    frame::y_guides(
        &mut chart,
        lo..hi,
        &[(0.1, "P10"), (0.5, "P50 (median)"), (0.9, "P90")],
    )?;
    for (color, dash, totals) in curves {
        frame::line(
            &mut chart,
            cdf_points(totals, lo, hi),
            color.stroke_width(LINE_WIDTH),
            *dash,
        )?;
    }
    Ok(())
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let bins = distribution_bins(data);
    let lens: Vec<usize> = data.totals.iter().map(Vec::len).collect();
    let legend = frame::strategy_legend(&data.strategies);
    let curves: Vec<_> = data
        .totals
        .iter()
        .enumerate()
        .map(|(s, t)| (style::strategy_color(s), None, t.as_slice()))
        .collect();
    draw_curves(
        area,
        Frame {
            what: "Chance that TCO stays under a budget",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: clip_note(bins.hi(), &bins.above, &lens),
        },
        bins.edges[0],
        bins.hi(),
        &curves,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_rises_and_is_cut() {
        let t: Vec<f64> = (1..=100).map(f64::from).collect();
        let pts = cdf_points(&t, 0.0, 50.0);
        assert_eq!(pts[0], (0.0, 0.0));
        assert!(pts.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
        assert_eq!(*pts.last().unwrap(), (50.0, 0.5));
        let all = cdf_points(&t, 0.0, 1000.0);
        assert_eq!(*all.last().unwrap(), (100.0, 1.0));
    }
}
