//! Charts that overlay several runs (`tcosim compare`): `compare_cdf` and
//! `compare_medians`. A strategy keeps its colour across runs (by its
//! position among the strategies of all runs, first seen first, which is
//! its scenario position when the runs share a scenario); runs differ by
//! line dash and bar opacity.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::cdf::{CurveName, draw_curves};
use super::distribution::{clip_note, distribution_bins};
use super::format::{short_money, thousands};
use super::frame::{self, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::output::rundata::RunData;

/// The strategies of all runs, each once, in order of first appearance.
pub fn strategy_union(runs: &[(String, RunData)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, r) in runs {
        for s in &r.strategies {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// The colour of `strategy` in comparison charts.
fn color_of(union: &[String], strategy: &str) -> RGBColor {
    style::strategy_color(union.iter().position(|s| s == strategy).unwrap_or(0))
}

/// The title parts shared by both charts: scenario names and a count of
/// runs (each run's trials and horizon are in the legend).
fn frame_text(runs: &[(String, RunData)]) -> (String, String) {
    let mut names: Vec<&str> = Vec::new();
    for (_, r) in runs {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    (names.join(" vs "), format!("{} runs compared", runs.len()))
}

/// Legend: strategies by colour (`strategy_marker` of a colour), then runs
/// by `run_marker` of their position.
fn legend(
    runs: &[(String, RunData)],
    union: &[String],
    strategy_marker: impl Fn(RGBColor) -> Marker,
    run_marker: impl Fn(usize) -> Marker,
) -> Vec<LegendEntry> {
    let mut out: Vec<LegendEntry> = union
        .iter()
        .enumerate()
        .map(|(i, s)| LegendEntry::new(s, strategy_marker(style::strategy_color(i))))
        .collect();
    out.push(LegendEntry::new("Runs:", Marker::Heading));
    out.extend(runs.iter().enumerate().map(|(k, (label, r))| {
        LegendEntry::new(
            format!(
                "{label} ({} trials, {} months)",
                thousands(r.trials),
                r.horizon
            ),
            run_marker(k),
        )
    }));
    out
}

/// `compare_cdf`: the S-curve of every strategy of every run.
pub fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[(String, RunData)],
) -> DrawResult<DB> {
    let union = strategy_union(runs);
    let bins: Vec<_> = runs.iter().map(|(_, r)| distribution_bins(r)).collect();
    let lo = bins.iter().map(|b| b.edges[0]).fold(0.0, f64::min);
    let hi = bins.iter().map(|b| b.hi()).fold(1.0, f64::max);
    let mut above = Vec::new();
    let mut lens = Vec::new();
    let mut curves = Vec::new();
    let mut names = Vec::new();
    for (k, (label, r)) in runs.iter().enumerate() {
        for (s, t) in r.totals.iter().enumerate() {
            above.push(t.iter().filter(|x| **x > hi).count() as u64);
            lens.push(t.len());
            curves.push((
                color_of(&union, &r.strategies[s]),
                style::run_dash(k),
                t.as_slice(),
            ));
            names.push(CurveName {
                strategy: &r.strategies[s],
                run: Some(label),
            });
        }
    }
    let (scenario, run) = frame_text(runs);
    draw_curves(
        area,
        Frame {
            what: "Chance that TCO stays under a budget, by run",
            scenario: &scenario,
            run,
            legend: legend(
                runs,
                &union,
                |c| Marker::Line(c, None),
                |k| Marker::Line(MUTED, style::run_dash(k)),
            ),
            note: clip_note(hi, &above, &lens),
        },
        lo,
        hi,
        &curves,
        &names,
    )
}

/// `compare_medians`: per strategy and run, a bar to the median TCO and a
/// whisker from P10 to P90.
pub fn draw_medians<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[(String, RunData)],
) -> DrawResult<DB> {
    let union = strategy_union(runs);
    // Rows: for each strategy, one per run that has it; a blank row between
    // strategies.
    let mut rows: Vec<Option<(usize, &crate::stats::Summary)>> = Vec::new();
    for s in &union {
        if !rows.is_empty() {
            rows.push(None);
        }
        for (k, (_, r)) in runs.iter().enumerate() {
            if let Some(sm) = r.summary.iter().find(|x| &x.strategy == s) {
                rows.push(Some((k, sm)));
            }
        }
    }
    let labels: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Some((k, sm)) => format!("{} · {}", sm.strategy, runs[*k].0),
            None => String::new(),
        })
        .collect();
    let x_max = rows
        .iter()
        .flatten()
        .map(|(_, sm)| sm.p90.max(sm.p50))
        .fold(1.0, f64::max)
        * 1.2;
    let (scenario, run) = frame_text(runs);
    let plot = frame::layout(
        area,
        &Frame {
            what: "Median TCO and its P10-P90 range, by run",
            scenario: &scenario,
            run,
            legend: legend(
                runs,
                &union,
                |c| Marker::Swatch(c, 1.0),
                |k| Marker::Swatch(MUTED, style::run_alpha(k)),
            ),
            note: Some("Bars: median (P50) TCO; whiskers: P10 to P90 (80% of trials).".to_string()),
        },
    )?;
    let mut chart = frame::rows_chart(&plot, &labels, x_max, "Total cost of ownership")?;
    let n = rows.len();
    let font = style::text(ANNOTATION_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, row) in rows.iter().enumerate() {
        let Some((k, sm)) = row else { continue };
        let y = frame::row_y(i, n);
        let color = color_of(&union, &sm.strategy);
        let r = [(0.0, y - 0.32), (sm.p50, y + 0.32)];
        chart.draw_series([
            Rectangle::new(r, color.mix(style::run_alpha(*k)).filled()),
            Rectangle::new(r, color.stroke_width(1)),
        ])?;
        let whisker = INK.stroke_width(THIN_LINE);
        chart.draw_series([
            PathElement::new(vec![(sm.p10, y), (sm.p90, y)], whisker),
            PathElement::new(vec![(sm.p10, y - 0.18), (sm.p10, y + 0.18)], whisker),
            PathElement::new(vec![(sm.p90, y - 0.18), (sm.p90, y + 0.18)], whisker),
        ])?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((sm.p90.max(sm.p50), y))
                + Text::new(
                    format!("P50 {}", short_money(sm.p50)),
                    (10, 0),
                    font.clone(),
                ),
        ))?;
    }
    Ok(())
}
