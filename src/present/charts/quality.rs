//! `quality`: mean model quality (1 - degradation) by month per strategy,
//! how drift plays out under each.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::format::percent_tick;
use super::frame::{self, Axes, DrawResult, Frame};
use super::style::{self, *};
use crate::output::rundata::RunData;

/// The bottom of the y axis: the lowest mean quality rounded down to a
/// multiple of 5%, with some room, or 0 when the data goes that low.
pub fn quality_floor(data: &RunData) -> f64 {
    let min = data.monthly.iter().map(|b| b.quality).fold(1.0, f64::min);
    (((min - 0.01) * 20.0).floor() / 20.0).clamp(0.0, 0.95)
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let floor = quality_floor(data);
    let horizon = data.horizon as f64;
    let legend = frame::strategy_legend(&data.strategies);
    let mut note = "Quality: 1 minus the model's degradation from drift, averaged over trials; 100% is as built.".to_string();
    if floor > 0.0 {
        note.push_str(&format!(" The y axis starts at {}.", percent_tick(floor)));
    }
    let plot = frame::layout(
        area,
        &Frame {
            what: "Model quality by month",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: Some(note),
        },
    )?;
    let mut chart = frame::chart(&plot, 0.0..horizon, floor..1.0 + (1.0 - floor) * 0.03, 96)?;
    let y_desc = if floor > 0.0 {
        format!("Mean quality (axis from {})", percent_tick(floor))
    } else {
        "Mean quality".to_string()
    };
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: "Months since the start",
            y_desc: &y_desc,
            x_fmt: &|x| format!("{x:.0}"),
            y_fmt: &|y| {
                if *y > 1.0 + 1e-9 {
                    String::new()
                } else {
                    percent_tick(*y)
                }
            },
            x_labels: (data.horizon as usize + 1).min(13),
            y_labels: 8,
            x_grid: true,
            y_grid: true,
        },
    )?;
    for s in 0..data.strategies.len() {
        let pts = (0..data.horizon as usize)
            .map(|m| {
                let b = data.band(s, m);
                ((b.month + 1) as f64, b.quality)
            })
            .collect();
        frame::line(
            &mut chart,
            pts,
            style::strategy_color(s).stroke_width(LINE_WIDTH),
            None,
        )?;
    }
    Ok(())
}
