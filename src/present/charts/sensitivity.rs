//! `sensitivity`: a tornado chart of the inputs that most decide the choice
//! between the two strategies with the lowest median TCO: Spearman's rank
//! correlation of each input with the difference of their TCOs.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::output::rundata::RunData;
use crate::stats::ranking::Ranking;

/// Inputs shown.
pub const TOP: usize = 12;

/// The data behind the chart: the difference target (`"A - B"`) and up to
/// [`TOP`] inputs with their rank correlation, largest |rho| first.
pub fn tornado_bars(data: &RunData) -> Option<(String, Vec<(String, f64)>)> {
    data.difference_drivers().map(|(t, mut rows)| {
        rows.truncate(TOP);
        (t, rows)
    })
}

/// Draws the chart (a note in place of bars when the run has no difference
/// target, e.g. a single strategy).
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let bars = tornado_bars(data);
    let (_, rows) = bars.clone().unwrap_or_default();
    let (raise, lower) = (RAISES, LOWERS);
    // The leaders by name, never as an "A - B" string (names may hold
    // commas and hyphens): a positive rho means a higher input makes the
    // first dearer relative to the second, so it favours the second.
    let (first, second) = match Ranking::of(&data.summary).leaders() {
        Some((a, b)) => (data.strategies[a].clone(), data.strategies[b].clone()),
        None => (String::new(), String::new()),
    };
    let plot = frame::layout(
        area,
        &Frame {
            what: "What decides the choice",
            scenario: &data.name,
            run: super::run_line(data),
            legend: vec![
                LegendEntry::new(
                    format!("higher input favours {second}"),
                    Marker::Swatch(raise, 1.0),
                ),
                LegendEntry::new(
                    format!("higher input favours {first}"),
                    Marker::Swatch(lower, 1.0),
                ),
            ],
            note: Some(if bars.is_some() {
                format!(
                    "Rank correlation (not dollars) of each input with how much more {first} costs than {second} in a trial (top {TOP}); dollars: the voi chart."
                )
            } else {
                "No sensitivity data: the run has a single strategy or was made without the analysis files.".to_string()
            }),
        },
    )?;
    let labels: Vec<String> = rows.iter().map(|(k, _)| k.clone()).collect();
    let labels = if labels.is_empty() {
        vec![String::new()]
    } else {
        labels
    };
    let mut chart = frame::rows_chart_over(
        &plot,
        &labels,
        -1.0..1.0,
        &format!("Spearman's rho: right, a higher input favours {second}; left, {first}"),
        &|x| format!("{x:.1}"),
    )?;
    let n = rows.len();
    frame::line(
        &mut chart,
        vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
        AXIS.stroke_width(1),
        None,
    )?;
    for (i, (_, rho)) in rows.iter().enumerate() {
        let y = frame::row_y(i, n);
        let color = if *rho >= 0.0 { raise } else { lower };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.32), (*rho, y + 0.32)],
            color.filled(),
        )))?;
        let (anchor, dx) = if *rho >= 0.0 {
            (HPos::Left, 6)
        } else {
            (HPos::Right, -6)
        };
        let font = style::text(ANNOTATION_SIZE, INK).pos(Pos::new(anchor, VPos::Center));
        chart.draw_series(std::iter::once(
            EmptyElement::at((*rho, y)) + Text::new(format!("{rho:+.2}"), (dx, 0), font),
        ))?;
    }
    Ok(())
}
