//! `sensitivity`: a tornado chart of the inputs that most decide the choice
//! between the verdict's two strategies (the leaders of
//! [`crate::present::decision::leaders`]), in dollars: how
//! much the gap between their TCOs moves from trials with the input in its
//! bottom decile to trials with it in its top decile (sensitivity.csv's
//! `top_minus_bottom_decile` for the difference target).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{money_tick, short_money};
use super::frame::{self, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::output::rundata::RunData;

/// Inputs shown.
pub const TOP: usize = 12;

/// The data behind the chart: the difference target (labelled `"A - B"`)
/// and up to [`TOP`] inputs with the dollar change of the difference from a
/// low to a high input, largest magnitude first (ties keep file order).
pub fn tornado_bars(data: &RunData) -> Option<(String, Vec<(String, f64)>)> {
    let target = crate::present::decision::leaders_target(data)?;
    let mut rows: Vec<(String, f64)> = data
        .sensitivity
        .iter()
        .filter(|r| r.target == target)
        .map(|r| (r.input.clone(), r.effect))
        .collect();
    rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    rows.truncate(TOP);
    Some((target.label(&data.strategies), rows))
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
    let (first, second) = match crate::present::decision::leaders(data) {
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
                    "Each bar: how much more {first} costs than {second}, on average, in the trials with the input in its top 10% than in its bottom 10% (top {TOP})."
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
    let reach = rows.iter().map(|r| r.1.abs()).fold(1.0, f64::max) * 1.3;
    let mut chart = frame::rows_chart_over(
        &plot,
        &labels,
        -reach..reach,
        &format!(
            "Total cost gap, high vs low input: right, a higher input favours {second}; left, {first}"
        ),
        &|x| money_tick(*x),
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
            EmptyElement::at((*rho, y)) + Text::new(signed_money(*rho), (dx, 0), font),
        ))?;
    }
    Ok(())
}

/// `+$12.3k` or `-$4.0k`.
fn signed_money(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", short_money(x))
    } else {
        short_money(x)
    }
}
