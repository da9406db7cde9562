//! `voi`: what to learn first. For each input, the expected saving in mean
//! total cost from choosing the strategy after learning the input's value
//! exactly (EVPPI, from voi.csv), ranked, with its 95% Monte Carlo interval
//! and the estimator's bias (what an irrelevant input scores).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{short_money, thousands};
use super::frame::{self, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::output::rundata::RunData;
use crate::stats::analysis::Z95_TWO_SIDED;
use crate::stats::voi::{self, VoiRow};

/// Inputs shown.
pub const TOP: usize = 12;

/// One bar of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiBar {
    /// The input's key path.
    pub input: String,
    /// EVPPI, dollars.
    pub evppi: f64,
    /// The 95% Monte Carlo interval, clamped at zero.
    pub low: f64,
    /// High end of the interval.
    pub high: f64,
    /// The estimator's bias (noise floor), dollars.
    pub bias: f64,
    /// What the bar's label says after the amount: which strategy the
    /// input's low and high values call for, when they differ.
    pub choices: String,
}

/// The data behind the chart: the [`TOP`] inputs with the largest EVPPI.
pub fn voi_bars(data: &RunData) -> Vec<VoiBar> {
    voi::ranked(&data.voi, &data.strategies)
        .into_iter()
        .take(TOP)
        .map(|(r, _, low, high)| bar(r, low, high))
        .collect()
}

fn bar(r: &VoiRow, low: &str, high: &str) -> VoiBar {
    let half = Z95_TWO_SIDED * r.se;
    VoiBar {
        input: r.input.clone(),
        evppi: r.evppi,
        low: (r.evppi - half).max(0.0),
        high: r.evppi + half,
        bias: r.bias,
        choices: if r.choice_if_low != r.choice_if_high {
            format!("if low: {low}; if high: {high}")
        } else {
            String::new()
        },
    }
}

/// What the total cost is, in words, for labels.
pub fn objective(data: &RunData) -> &'static str {
    if data.scenario.include_business_impact {
        "total cost: cash + lost value"
    } else {
        "total cost: cash only (business impact excluded)"
    }
}

/// Draws the chart (a note in place of bars when voi.csv is empty or
/// absent).
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let bars = voi_bars(data);
    let trials = data.totals.iter().map(Vec::len).min().unwrap_or(0);
    let evpi = voi::evpi(&data.totals);
    let choice_now = data
        .voi
        .first()
        .and_then(|r| data.strategies.get(r.choice_now))
        .cloned()
        .unwrap_or_default();
    let note = if bars.is_empty() {
        "No value-of-information data: the run has a single strategy, no varying input, or no voi.csv.".to_string()
    } else {
        format!(
            "Without more information: {choice_now} (lowest mean). Knowing every input exactly would save {} ({} trials).",
            short_money(evpi),
            thousands(trials as u64)
        )
    };
    let plot = frame::layout(
        area,
        &Frame {
            what: "What to learn first",
            scenario: &data.name,
            run: super::run_line(data),
            legend: vec![
                LegendEntry::new(
                    format!(
                        "expected saving if the input were known exactly ({})",
                        objective(data)
                    ),
                    Marker::Swatch(VOI_BAR, 1.0),
                ),
                LegendEntry::new("95% Monte Carlo interval", Marker::Line(INK, None)),
                LegendEntry::new(
                    "bias: what an input of no use scores",
                    Marker::Line(BIAS_MARK, None),
                ),
            ],
            note: Some(note),
        },
    )?;
    let labels: Vec<String> = if bars.is_empty() {
        vec![String::new()]
    } else {
        bars.iter().map(|b| b.input.clone()).collect()
    };
    // Room to the right of each bar for its label: the axis is extended so
    // that the widest label fits after its bar.
    let font = style::text(ANNOTATION_SIZE, INK);
    let label_of = |b: &VoiBar| {
        if b.choices.is_empty() {
            short_money(b.evppi)
        } else {
            format!("{} · {}", short_money(b.evppi), b.choices)
        }
    };
    let tick_font = style::text(TICK_SIZE, INK);
    let mut widest_input = 0;
    for l in &labels {
        widest_input = widest_input.max(plot.estimate_text_size(l, &tick_font)?.0);
    }
    let plot_w =
        (plot.dim_in_pixel().0 as f64 - widest_input as f64 - 24.0 - PLOT_RIGHT as f64).max(200.0);
    let mut x_max: f64 = bars.iter().map(|b| b.high).fold(1.0, f64::max) * 1.05;
    for b in &bars {
        let w = plot.estimate_text_size(&label_of(b), &font)?.0 as f64 + 16.0;
        let room = (plot_w - w).max(plot_w * 0.3);
        x_max = x_max.max(b.high * plot_w / room);
    }
    let mut chart = frame::rows_chart(
        &plot,
        &labels,
        x_max,
        "Expected saving in mean total cost from knowing the input before choosing (EVPPI)",
    )?;
    let n = bars.len();
    let anchored = font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, b) in bars.iter().enumerate() {
        let y = frame::row_y(i, n);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.3), (b.evppi, y + 0.3)],
            VOI_BAR.filled(),
        )))?;
        let whisker = INK.stroke_width(THIN_LINE);
        chart.draw_series([
            PathElement::new(vec![(b.low, y), (b.high, y)], whisker),
            PathElement::new(vec![(b.low, y - 0.15), (b.low, y + 0.15)], whisker),
            PathElement::new(vec![(b.high, y - 0.15), (b.high, y + 0.15)], whisker),
        ])?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(b.bias, y - 0.42), (b.bias, y + 0.42)],
            BIAS_MARK.stroke_width(LINE_WIDTH),
        )))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((b.high.max(b.bias), y))
                + Text::new(label_of(b), (10, 0), anchored.clone()),
        ))?;
    }
    Ok(())
}
