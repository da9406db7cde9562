//! Sweep charts: for one key, each strategy's median TCO with its P10-P90
//! band against the swept value; for two keys, a heat map of the strategy
//! with the lowest median at each point (one colour per strategy, with its
//! letter and P(cheapest) written in the cell).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{money_tick, percent};
use super::frame::{self, Axes, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::stats::Summary;

/// What a sweep computed.
#[derive(Debug, Clone)]
pub struct SweepData {
    /// The scenario's name.
    pub name: String,
    /// Trials at each point.
    pub trials: u64,
    /// Seed of every point.
    pub seed: u64,
    /// The swept keys and their values (one or two).
    pub keys: Vec<String>,
    /// The values of each key, in sweep order.
    pub values: Vec<Vec<f64>>,
    /// Strategy names, in scenario order.
    pub strategies: Vec<String>,
    /// Per point (the first key major), the summaries of every strategy.
    pub points: Vec<Vec<Summary>>,
}

impl SweepData {
    /// The strategy with the lowest median at point `i` (ties: first), as
    /// [`crate::decide::best_by_median`] ranks it.
    pub fn best(&self, i: usize) -> usize {
        crate::decide::best_by_median(&self.points[i])
    }
}

fn value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e12 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn run_line(d: &SweepData) -> String {
    format!(
        "{} trials per point · seed {} · the same seed at every point",
        super::format::thousands(d.trials),
        d.seed
    )
}

/// One key: P50 lines and P10-P90 bands against the swept value.
pub fn draw_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &SweepData,
) -> DrawResult<DB> {
    let xs = &d.values[0];
    let (x0, x1) = (xs[0], xs[xs.len() - 1]);
    let pad = if x1 > x0 { 0.02 * (x1 - x0) } else { 1.0 };
    let top = d
        .points
        .iter()
        .flatten()
        .map(|s| s.p90)
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.05;
    let mut legend = frame::strategy_legend(&d.strategies);
    legend.push(LegendEntry::new(
        "band: P10 to P90",
        Marker::Swatch(MUTED, 2.0 * BAND_ALPHA),
    ));
    let what = format!("TCO against {}", d.keys[0]);
    let plot = frame::layout(
        area,
        &Frame {
            what: &what,
            scenario: &d.name,
            run: run_line(d),
            legend,
            note: Some("Lines: median (P50) total cost of ownership at each swept value; bands: P10 to P90.".to_string()),
        },
    )?;
    let mut chart = frame::chart(&plot, (x0 - pad)..(x1 + pad), 0.0..top, Y_LABEL_AREA)?;
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: &d.keys[0],
            y_desc: "Total cost of ownership",
            x_fmt: &|x| value((x * 1000.0).round() / 1000.0),
            y_fmt: &|y| money_tick(*y),
            x_labels: xs.len().clamp(2, 13),
            y_labels: 8,
            x_grid: true,
            y_grid: true,
        },
    )?;
    let (band, edge) = style::band_alpha(d.strategies.len());
    for s in 0..d.strategies.len() {
        let color = style::strategy_color(s);
        let mut polygon: Vec<(f64, f64)> = xs
            .iter()
            .zip(&d.points)
            .map(|(x, p)| (*x, p[s].p90))
            .collect();
        polygon.extend(xs.iter().zip(&d.points).rev().map(|(x, p)| (*x, p[s].p10)));
        chart.draw_series(std::iter::once(Polygon::new(
            polygon,
            color.mix(band).filled(),
        )))?;
        for q in [|p: &Summary| p.p10, |p: &Summary| p.p90] {
            let pts = xs
                .iter()
                .zip(&d.points)
                .map(|(x, p)| (*x, q(&p[s])))
                .collect();
            frame::line(&mut chart, pts, color.mix(edge).stroke_width(1), None)?;
        }
    }
    for s in 0..d.strategies.len() {
        let color = style::strategy_color(s);
        let pts: Vec<(f64, f64)> = xs
            .iter()
            .zip(&d.points)
            .map(|(x, p)| (*x, p[s].p50))
            .collect();
        frame::line(
            &mut chart,
            pts.clone(),
            color.stroke_width(LINE_WIDTH),
            None,
        )?;
        chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.filled())))?;
    }
    Ok(())
}

/// The letter that names strategy `s` in the heat map's cells and legend
/// (`A`, `B`, ...; after `Z`, `S27`, ...).
pub fn strategy_letter(s: usize) -> String {
    if s < 26 {
        char::from(b'A' + s as u8).to_string()
    } else {
        format!("S{}", s + 1)
    }
}

/// The fill and text of one heat map cell: the colour of the strategy with
/// the lowest median there, at full strength (one hue per strategy, never
/// shaded), and a label with its letter and how often it is the cheapest.
pub fn heatmap_cell(d: &SweepData, point: usize) -> (RGBColor, String) {
    let best = d.best(point);
    let p = d.points[point][best].prob_cheapest;
    (
        style::strategy_color(best),
        format!("{} {}", strategy_letter(best), percent(p)),
    )
}

/// Two keys: the strategy with the lowest median at each point, in its own
/// colour, labelled with its letter and its P(cheapest) (how sure, in words
/// and numbers rather than shading, so that no two strategies' colours can
/// be confused).
pub fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &SweepData,
) -> DrawResult<DB> {
    let (xs, ys) = (&d.values[0], &d.values[1]);
    let (nx, ny) = (xs.len(), ys.len());
    let what = "Lowest median TCO";
    let plot = frame::layout(
        area,
        &Frame {
            what,
            scenario: &d.name,
            run: run_line(d),
            legend: d
                .strategies
                .iter()
                .enumerate()
                .map(|(s, name)| {
                    LegendEntry::new(
                        format!("{}: {name}", strategy_letter(s)),
                        Marker::Swatch(style::strategy_color(s), 1.0),
                    )
                })
                .collect(),
            note: Some("Each cell: the strategy with the lowest median TCO there (colour and letter), and the share of trials in which it is the cheapest.".to_string()),
        },
    )?;
    let mut chart = frame::chart(
        &plot,
        -0.5..nx as f64 - 0.5,
        -0.5..ny as f64 - 0.5,
        Y_LABEL_AREA,
    )?;
    let label = |vals: &[f64], x: f64| -> String {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= vals.len() {
            String::new()
        } else {
            value(vals[i as usize])
        }
    };
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: &d.keys[0],
            y_desc: &d.keys[1],
            x_fmt: &|x| label(xs, *x),
            y_fmt: &|y| label(ys, *y),
            x_labels: nx,
            y_labels: ny,
            x_grid: false,
            y_grid: false,
        },
    )?;
    for i in 0..nx {
        for j in 0..ny {
            let k = i * ny + j;
            let (color, text) = heatmap_cell(d, k);
            let (x, y) = (i as f64, j as f64);
            chart.draw_series([
                Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], color.filled()),
                Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    BACKGROUND.stroke_width(2),
                ),
            ])?;
            if nx * ny <= 144 {
                let font = style::text(ANNOTATION_SIZE, style::text_on(color))
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(text, (x, y), font)))?;
            }
        }
    }
    Ok(())
}
