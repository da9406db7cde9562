//! `cdf`: S-curves of the probability that the TCO is at most x, per
//! strategy, with P10/P50/P90 guides.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::distribution::{clip_note, distribution_bins};
use super::format::{money_tick, percent_tick};
use super::frame::{self, Axes, DrawResult, Frame, LegendEntry, Marker};
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

/// Two curves closer than this share of the axis's width at every level
/// (a few pixels) are drawn on top of each other.
pub const COINCIDE: f64 = 0.005;

/// The curves a reader could not tell apart: groups of two or more (in
/// curve order, each group led by its first curve) whose quantiles at the
/// levels 1%, 1.5%, ..., 99% (the extremes are single trials, and the
/// drawn curve is flat there), on the axis from `lo` to `hi`, are all
/// within [`COINCIDE`] of the axis width of the group's first curve.
pub fn coinciding(totals: &[&[f64]], lo: f64, hi: f64) -> Vec<Vec<usize>> {
    const STEPS: usize = 200;
    let tolerance = COINCIDE * (hi - lo).abs();
    let levels: Vec<Vec<f64>> = totals
        .iter()
        .map(|t| {
            let mut sorted = t.to_vec();
            sorted.sort_by(f64::total_cmp);
            if sorted.is_empty() {
                return Vec::new();
            }
            (2..=STEPS - 2)
                .map(|k| quantile_sorted(&sorted, k as f64 / STEPS as f64).clamp(lo, hi))
                .collect()
        })
        .collect();
    let mut group_of: Vec<Option<usize>> = vec![None; totals.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..totals.len() {
        if group_of[i].is_some() || levels[i].is_empty() {
            continue;
        }
        let mut group = vec![i];
        for j in i + 1..totals.len() {
            let close = group_of[j].is_none()
                && !levels[j].is_empty()
                && levels[i]
                    .iter()
                    .zip(&levels[j])
                    .all(|(a, b)| (a - b).abs() <= tolerance);
            if close {
                group_of[j] = Some(groups.len());
                group.push(j);
            }
        }
        if group.len() > 1 {
            group_of[i] = Some(groups.len());
            groups.push(group);
        }
    }
    groups
}

/// How a curve is named in the legend's note of coinciding curves: its
/// strategy and, in a comparison, its run.
pub(crate) struct CurveName<'a> {
    pub strategy: &'a str,
    pub run: Option<&'a str>,
}

/// The members of a group of coinciding curves: "A = B" in a single run,
/// "A = B (r1)" in a comparison, "A = B in r1 = r2" when the same
/// strategies coincide in several runs, "A (r1) = B = C (r2)" otherwise.
fn group_label(names: &[&CurveName]) -> String {
    let mut runs: Vec<Option<&str>> = Vec::new();
    for n in names {
        if !runs.contains(&n.run) {
            runs.push(n.run);
        }
    }
    let of_run = |r: Option<&str>| -> String {
        names
            .iter()
            .filter(|n| n.run == r)
            .map(|n| n.strategy)
            .collect::<Vec<_>>()
            .join(" = ")
    };
    let first = of_run(runs[0]);
    match runs.as_slice() {
        [None] => first,
        [Some(r)] => format!("{first} ({r})"),
        _ if runs.iter().all(|&r| of_run(r) == first) => format!(
            "{first} in {}",
            runs.iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" = ")
        ),
        _ => runs
            .iter()
            .map(|&r| match r {
                Some(r) => format!("{} ({r})", of_run(Some(r))),
                None => of_run(None),
            })
            .collect::<Vec<_>>()
            .join(" = "),
    }
}

/// Draws one S-curve per series on a money axis cut at `hi`; shared with
/// `compare_cdf`. Curves that coincide ([`coinciding`]) are drawn cased,
/// each wider than the ones drawn over it, and named in the legend under
/// "Drawn on top of each other", so that none hides another unsaid.
pub(crate) fn draw_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mut frame: Frame,
    lo: f64,
    hi: f64,
    curves: &[Curve],
    names: &[CurveName],
) -> DrawResult<DB> {
    let totals: Vec<&[f64]> = curves.iter().map(|c| c.2).collect();
    let groups = coinciding(&totals, lo, hi);
    let mut width = vec![LINE_WIDTH; curves.len()];
    if !groups.is_empty() {
        frame.legend.push(LegendEntry::new(
            "Drawn on top of each other:",
            Marker::Heading,
        ));
    }
    for g in &groups {
        for (k, &i) in g.iter().enumerate() {
            width[i] = LINE_WIDTH + CASING * (g.len() - 1 - k) as u32;
        }
        let members: Vec<&CurveName> = g.iter().map(|&i| &names[i]).collect();
        let (under, over) = (curves[g[0]], curves[g[g.len() - 1]]);
        frame.legend.push(LegendEntry::new(
            group_label(&members),
            Marker::Cased(under.0, over.0, over.1),
        ));
    }
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
    for ((color, dash, totals), w) in curves.iter().zip(width) {
        frame::line(
            &mut chart,
            cdf_points(totals, lo, hi),
            color.stroke_width(w),
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
    let names: Vec<CurveName> = data
        .strategies
        .iter()
        .map(|s| CurveName {
            strategy: s,
            run: None,
        })
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
        &names,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coinciding_curves_are_grouped_with_the_first() {
        let a: Vec<f64> = (1..=100).map(f64::from).collect();
        let twin = a.clone();
        let near: Vec<f64> = a.iter().map(|x| x + 0.2).collect();
        let far: Vec<f64> = a.iter().map(|x| x + 5.0).collect();
        // Within half a percent of the axis (0.5 of 100): a, twin, near.
        assert_eq!(
            coinciding(&[&a, &far, &twin, &near], 0.0, 100.0),
            [vec![0, 2, 3]]
        );
        assert!(coinciding(&[&a, &far], 0.0, 100.0).is_empty());
        let n = |strategy, run| CurveName { strategy, run };
        assert_eq!(group_label(&[&n("A", None), &n("B", None)]), "A = B");
        assert_eq!(
            group_label(&[&n("A", Some("r1")), &n("B", Some("r1"))]),
            "A = B (r1)"
        );
        assert_eq!(
            group_label(&[&n("A", Some("r1")), &n("A", Some("r2"))]),
            "A in r1 = r2"
        );
        assert_eq!(
            group_label(&[&n("A", Some("r1")), &n("B", Some("r2"))]),
            "A (r1) = B (r2)"
        );
        assert_eq!(
            group_label(&[
                &n("A", Some("r1")),
                &n("B", Some("r1")),
                &n("A", Some("r2")),
                &n("B", Some("r2"))
            ]),
            "A = B in r1 = r2"
        );
    }

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
