//! `breakdown`: mean cost per category per strategy, as stacked horizontal
//! bars, so a reader sees why a strategy costs what it costs.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::short_money;
use super::frame::{self, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::model::CATEGORIES;
use crate::output::rundata::RunData;

/// One category's part of a strategy's bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// The category's name.
    pub category: &'static str,
    /// Where the segment starts and ends on the money axis: the sum of the
    /// categories before it, and that plus its mean cost.
    pub start: f64,
    /// Where it ends.
    pub end: f64,
}

/// The data behind the chart: per strategy (scenario order), the eleven
/// categories of summary.csv's `mean_*` columns stacked in the order of
/// `model::CATEGORIES`.
pub fn breakdown_bars(data: &RunData) -> Vec<Vec<Segment>> {
    data.summary
        .iter()
        .map(|s| {
            let mut at = 0.0;
            CATEGORIES
                .iter()
                .zip(s.mean_categories.iter())
                .map(|(category, &v)| {
                    let seg = Segment {
                        category,
                        start: at,
                        end: at + v,
                    };
                    at += v;
                    seg
                })
                .collect()
        })
        .collect()
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let bars = breakdown_bars(data);
    let used: Vec<bool> = (0..CATEGORIES.len())
        .map(|c| bars.iter().any(|b| b[c].end > b[c].start))
        .collect();
    let legend = CATEGORIES
        .iter()
        .enumerate()
        .filter(|(c, _)| used[*c])
        .map(|(c, name)| LegendEntry::new(*name, Marker::Swatch(CATEGORY_COLORS[c], 1.0)))
        .collect();
    let total = |b: &[Segment]| b.last().map_or(0.0, |s| s.end);
    let x_max = bars.iter().map(|b| total(b)).fold(0.0, f64::max).max(1.0) * 1.14;
    let plot = frame::layout(
        area,
        &Frame {
            what: "Where the money goes (mean per trial)",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: Some(
                "Degradation and delay are business value lost, not invoices; unfinished is work still due at the horizon."
                    .to_string(),
            ),
        },
    )?;
    let mut chart = frame::rows_chart(
        &plot,
        &data.strategies,
        x_max,
        "Mean cost per trial, by category",
    )?;
    let n = bars.len();
    let value_font = style::text(ANNOTATION_SIZE, INK);
    for (i, bar) in bars.iter().enumerate() {
        let y = frame::row_y(i, n);
        let (y0, y1) = (y - 0.3, y + 0.3);
        for (c, seg) in bar.iter().enumerate() {
            if seg.end <= seg.start {
                continue;
            }
            let r = [(seg.start, y0), (seg.end, y1)];
            chart.draw_series([
                Rectangle::new(r, CATEGORY_COLORS[c].filled()),
                Rectangle::new(r, BACKGROUND.stroke_width(1)),
            ])?;
            // The value inside the segment when it fits.
            let label = short_money(seg.end - seg.start);
            let width =
                chart.backend_coord(&(seg.end, y)).0 - chart.backend_coord(&(seg.start, y)).0;
            if plot.estimate_text_size(&label, &value_font)?.0 as i32 + 10 <= width {
                let font = style::text(ANNOTATION_SIZE, style::text_on(CATEGORY_COLORS[c]))
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(
                    label,
                    ((seg.start + seg.end) / 2.0, y),
                    font,
                )))?;
            }
        }
        let font = style::bold(ANNOTATION_SIZE + 1.0, INK).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(std::iter::once(
            EmptyElement::at((total(bar), y))
                + Text::new(format!("mean {}", short_money(total(bar))), (8, 0), font),
        ))?;
    }
    Ok(())
}
