//! What every chart shares: the title block, a legend strip above the plot
//! (so a legend never covers data), a note line under it, the axes and a
//! few drawing helpers. Generic over the backend like the charts.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, *};

/// What drawing on a backend may fail with.
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;
/// The result of drawing a chart.
pub type DrawResult<DB> = Result<(), DrawError<DB>>;

/// The marker of a legend entry.
#[derive(Debug, Clone, Copy)]
pub enum Marker {
    /// A line of this colour, solid or dashed.
    Line(RGBColor, Option<(u32, u32)>),
    /// Two curves drawn on top of each other: a wide line of the first
    /// colour under a line of the second (as the plot draws them).
    Cased(RGBColor, RGBColor, Option<(u32, u32)>),
    /// A filled square of this colour and opacity.
    Swatch(RGBColor, f64),
    /// A ring of this colour (a point marker).
    Ring(RGBColor),
    /// No marker: a group heading that starts a new row.
    Heading,
}

/// One entry of the legend strip.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    pub label: String,
    pub marker: Marker,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, marker: Marker) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            marker,
        }
    }
}

/// One solid line entry per strategy, in its colour.
pub fn strategy_legend(names: &[String]) -> Vec<LegendEntry> {
    names
        .iter()
        .enumerate()
        .map(|(s, name)| LegendEntry::new(name, Marker::Line(style::strategy_color(s), None)))
        .collect()
}

/// The text around a plot.
pub struct Frame<'a> {
    /// What the chart shows ("Total cost of ownership: distribution").
    pub what: &'a str,
    /// The scenario name(s), appended to the title when it fits.
    pub scenario: &'a str,
    /// Trials, horizon, seed.
    pub run: String,
    pub legend: Vec<LegendEntry>,
    /// A line under the plot (clipping, how to read it), if any.
    pub note: Option<String>,
}

/// Cuts `s` with an ellipsis so that it fits in `width` pixels.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    font: &TextStyle,
    width: i32,
) -> Result<String, DrawError<DB>> {
    let fits = |t: &str| -> Result<bool, DrawError<DB>> {
        Ok(area.estimate_text_size(t, font)?.0 as i32 <= width)
    };
    if fits(s)? {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let t: String = chars[..n].iter().collect::<String>() + "…";
        if fits(&t)? {
            return Ok(t);
        }
    }
    Ok(String::new())
}

/// Lays the legend entries out in rows; returns each entry's (x, row).
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    width: i32,
) -> Result<Vec<(i32, i32)>, DrawError<DB>> {
    let font = style::text(LEGEND_SIZE, INK);
    // Headings are drawn in bold: measured in bold, so that the entry after
    // one never starts inside it.
    let heading_font = style::bold(LEGEND_SIZE, MUTED);
    let (mut x, mut row) = (0, 0);
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let (marker, font) = match e.marker {
            Marker::Heading => (0, &heading_font),
            _ => (LEGEND_MARKER + LEGEND_GAP, &font),
        };
        let w = marker + area.estimate_text_size(&e.label, font)?.0 as i32;
        let heading_break = matches!(e.marker, Marker::Heading) && x > 0;
        if (x > 0 && x + w > width) || heading_break {
            x = 0;
            row += 1;
        }
        out.push((x, row));
        x += w + LEGEND_SPACING;
    }
    Ok(out)
}

/// Fills the background, draws the title block, legend and note, and
/// returns the area left for the plot.
pub fn layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>, DrawError<DB>> {
    style::register_fonts();
    area.fill(&BACKGROUND)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let inner = w - 2 * MARGIN;

    let title_font = style::bold(TITLE_SIZE, INK);
    let sub_font = style::text(SUBTITLE_SIZE, MUTED);
    let full = format!("{} · {}", frame.what, frame.scenario);
    let (title, subtitle) = if area.estimate_text_size(&full, &title_font)?.0 as i32 <= inner {
        (full, fit(area, &frame.run, &sub_font, inner)?)
    } else {
        // The scenario moves to the subtitle, cut if need be so that the
        // run's trials, horizon and seed stay whole.
        let run = format!(" · {}", frame.run);
        let room = inner - area.estimate_text_size(&run, &sub_font)?.0 as i32;
        let scenario = fit(area, frame.scenario, &sub_font, room)?;
        (
            frame.what.to_string(),
            fit(area, &(scenario + &run), &sub_font, inner)?,
        )
    };
    let title = fit(area, &title, &title_font, inner)?;
    area.draw_text(&title, &title_font, (MARGIN, MARGIN - 6))?;
    area.draw_text(&subtitle, &sub_font, (MARGIN, MARGIN + 36))?;

    let top = HEADER_HEIGHT;
    let positions = legend_rows(area, &frame.legend, inner)?;
    let rows = positions.iter().map(|p| p.1 + 1).max().unwrap_or(0);
    let label_font = style::text(LEGEND_SIZE, INK);
    let heading_font = style::bold(LEGEND_SIZE, MUTED);
    for (e, &(x, row)) in frame.legend.iter().zip(&positions) {
        let x = MARGIN + x;
        let y = top + row * LEGEND_ROW + LEGEND_ROW / 2;
        let label_x = match e.marker {
            Marker::Line(color, dash) => {
                let pts = [(x, y), (x + LEGEND_MARKER, y)];
                let s = color.stroke_width(LINE_WIDTH);
                match dash {
                    None => area.draw(&PathElement::new(pts.to_vec(), s))?,
                    Some((d, g)) => area.draw(&DashedPathElement::new(pts, d, g, s))?,
                }
                x + LEGEND_MARKER + LEGEND_GAP
            }
            Marker::Cased(under, over, dash) => {
                let pts = [(x, y), (x + LEGEND_MARKER, y)];
                for s in [
                    under.stroke_width(LINE_WIDTH + CASING),
                    over.stroke_width(LINE_WIDTH),
                ] {
                    match dash {
                        None => area.draw(&PathElement::new(pts.to_vec(), s))?,
                        Some((d, g)) => area.draw(&DashedPathElement::new(pts, d, g, s))?,
                    }
                }
                x + LEGEND_MARKER + LEGEND_GAP
            }
            Marker::Swatch(color, alpha) => {
                let r = [(x + 6, y - 9), (x + LEGEND_MARKER - 6, y + 9)];
                area.draw(&Rectangle::new(r, color.mix(alpha).filled()))?;
                area.draw(&Rectangle::new(r, color.stroke_width(1)))?;
                x + LEGEND_MARKER + LEGEND_GAP
            }
            Marker::Ring(color) => {
                let c = (x + LEGEND_MARKER / 2, y);
                area.draw(&Circle::new(c, 7, color.stroke_width(THIN_LINE + 1)))?;
                x + LEGEND_MARKER + LEGEND_GAP
            }
            Marker::Heading => x,
        };
        let font = match e.marker {
            Marker::Heading => &heading_font,
            _ => &label_font,
        };
        let anchored = font.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(&e.label, &anchored, (label_x, y))?;
    }

    let legend_h = rows * LEGEND_ROW + if rows > 0 { 10 } else { 0 };
    let note_h = if frame.note.is_some() { NOTE_HEIGHT } else { 0 };
    if let Some(note) = &frame.note {
        let font = style::text(NOTE_SIZE, MUTED);
        let note = fit(area, note, &font, inner)?;
        area.draw_text(&note, &font, (MARGIN, h - MARGIN - NOTE_SIZE as i32 + 4))?;
    }
    Ok(area.margin(top + legend_h, MARGIN + note_h - 8, MARGIN - 8, MARGIN))
}

/// The chart context of `frame::chart` for the axis specs `X` and `Y`.
pub type Chart2d<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart on the plot area with the shared label areas.
pub fn chart<'a, DB, X, Y>(
    plot: &'a DrawingArea<DB, Shift>,
    x: X,
    y: Y,
    y_label_area: u32,
) -> Result<Chart2d<'a, DB, X, Y>, DrawError<DB>>
where
    DB: DrawingBackend,
    X: AsRangedCoord,
    Y: AsRangedCoord,
{
    ChartBuilder::on(plot)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(y_label_area)
        .margin_right(PLOT_RIGHT)
        .margin_top(8)
        .build_cartesian_2d(x, y)
}

/// How the axes read.
pub struct Axes<'a, XV, YV> {
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub x_fmt: &'a dyn Fn(&XV) -> String,
    pub y_fmt: &'a dyn Fn(&YV) -> String,
    /// Upper bounds on the number of tick labels.
    pub x_labels: usize,
    pub y_labels: usize,
    /// Grid lines across the plot for x and y ticks.
    pub x_grid: bool,
    pub y_grid: bool,
}

/// Draws the axes, ticks and grid in the shared style.
pub fn mesh<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    axes: &Axes<'_, X::ValueType, Y::ValueType>,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut m = chart.configure_mesh();
    m.x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_label_formatter(axes.x_fmt)
        .y_label_formatter(axes.y_fmt)
        .x_labels(axes.x_labels)
        .y_labels(axes.y_labels)
        .label_style(style::text(TICK_SIZE, INK))
        .axis_desc_style(style::text(AXIS_DESC_SIZE, MUTED))
        .axis_style(AXIS.stroke_width(1))
        .bold_line_style(GRID.stroke_width(1))
        .max_light_lines(0)
        .set_all_tick_mark_size(5);
    if !axes.x_grid {
        m.disable_x_mesh();
    }
    if !axes.y_grid {
        m.disable_y_mesh();
    }
    m.draw()
}

/// The coordinates of the f64 charts.
pub type Plane = Cartesian2d<RangedCoordf64, RangedCoordf64>;

/// A polyline, solid or dashed, on a chart with f64 coordinates.
pub fn line<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    dash: Option<(u32, u32)>,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    match dash {
        None => chart.draw_series(LineSeries::new(points, style))?,
        Some((d, g)) => chart.draw_series(DashedLineSeries::new(points, d, g, style))?,
    };
    Ok(())
}

/// Horizontal dotted guides at the given y values, labelled at the right
/// end of the plot.
pub fn y_guides<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    x: Range<f64>,
    guides: &[(f64, &str)],
) -> DrawResult<DB> {
    let font = style::text(ANNOTATION_SIZE, MUTED).pos(Pos::new(HPos::Right, VPos::Bottom));
    for &(y, label) in guides {
        line(
            chart,
            vec![(x.start, y), (x.end, y)],
            GUIDE.stroke_width(THIN_LINE),
            Some(GUIDE_DOTS),
        )?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x.end, y)) + Text::new(label.to_string(), (-4, -3), font.clone()),
        ))?;
    }
    Ok(())
}

/// The chart of horizontal bars: one row per label, the first at the top,
/// row `i` centred on `row_y(i, labels.len())`, money on the x axis.
pub type Rows = Plane;

/// The y of the centre of row `i` of `n` (the first row at the top).
pub fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// Builds a bar chart with a row per label and draws its axes, money on
/// the x axis from 0 to `x_max`.
pub fn rows_chart<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    x_max: f64,
    x_desc: &str,
) -> Result<ChartContext<'a, DB, Rows>, DrawError<DB>> {
    rows_chart_over(plot, labels, 0.0..x_max, x_desc, &|x| {
        super::format::money_tick(*x)
    })
}

/// Builds a bar chart with a row per label over any x range and format.
pub fn rows_chart_over<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    x: Range<f64>,
    x_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<ChartContext<'a, DB, Rows>, DrawError<DB>> {
    let n = labels.len();
    let font = style::text(TICK_SIZE, INK);
    let mut widest = 0;
    for l in labels {
        widest = widest.max(plot.estimate_text_size(l, &font)?.0);
    }
    let mut chart = chart(plot, x, -0.6..n as f64 - 0.4, widest + 24)?;
    // With at most n labels on a range of length n, plotters puts them on
    // the integers: the row centres. Anything else stays unlabelled.
    let label_of = |y: &f64| {
        if (y - y.round()).abs() > 1e-6 {
            return String::new();
        }
        let i = n as i64 - 1 - y.round() as i64;
        usize::try_from(i)
            .ok()
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    };
    mesh(
        &mut chart,
        &Axes {
            x_desc,
            y_desc: "",
            x_fmt,
            y_fmt: &label_of,
            x_labels: 10,
            y_labels: n,
            x_grid: true,
            y_grid: false,
        },
    )?;
    Ok(chart)
}
