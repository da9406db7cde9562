//! Every visual constant of the charts, defined once: the bundled font,
//! sizes, margins and colours.
//!
//! The font is DejaVu Sans, embedded in the binary and registered with
//! plotters' `ab_glyph` text renderer, so a chart renders the same on a
//! machine with no system fonts (its licence is in
//! `assets/fonts/LICENSE-DejaVu.txt`). SVG files name the family with
//! common fallbacks, since an SVG viewer draws text with its own fonts.

use std::sync::Once;

use plotters::style::{Color, FontStyle, RGBColor, TextStyle};

/// The font family the charts use. plotters writes this string into SVG
/// `font-family` attributes as is, so it carries fallbacks for viewers
/// without DejaVu Sans.
pub const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a known-good TTF checked in beside this file; a
        // failure here is a build defect, caught by the chart tests.
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, BOLD).is_ok();
        debug_assert!(ok, "the bundled DejaVu Sans font does not parse");
    });
}

/// Chart size in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1280, 720);

/// Outer margin around everything.
pub const MARGIN: i32 = 28;
/// Height of the title block (title and subtitle).
pub const HEADER_HEIGHT: i32 = 88;
/// Height of one row of the legend strip.
pub const LEGEND_ROW: i32 = 30;
/// Height of the note line under the plot.
pub const NOTE_HEIGHT: i32 = 34;
/// Space for the x tick labels and the x axis description.
pub const X_LABEL_AREA: u32 = 64;
/// Space for money tick labels and the y axis description.
pub const Y_LABEL_AREA: u32 = 104;
/// Room to the right of the plot area.
pub const PLOT_RIGHT: u32 = 24;
/// Gap between tick labels and the axis description.
pub const DESC_GAP: u32 = 10;

/// Font sizes, in pixels: the title,
pub const TITLE_SIZE: f64 = 31.0;
/// the run line under it,
pub const SUBTITLE_SIZE: f64 = 19.0;
/// axis descriptions,
pub const AXIS_DESC_SIZE: f64 = 19.0;
/// tick labels,
pub const TICK_SIZE: f64 = 17.0;
/// legend entries,
pub const LEGEND_SIZE: f64 = 18.0;
/// the note under the plot,
pub const NOTE_SIZE: f64 = 16.0;
/// and labels inside the plot.
pub const ANNOTATION_SIZE: f64 = 16.0;

/// Width of a legend marker.
pub const LEGEND_MARKER: i32 = 30;
/// Gap between a legend marker and its text.
pub const LEGEND_GAP: i32 = 8;
/// Gap between legend entries.
pub const LEGEND_SPACING: i32 = 28;

/// Width of strategy lines.
pub const LINE_WIDTH: u32 = 3;
/// How much wider a curve is drawn under another that coincides with it
/// (per curve above it), so that both stay visible.
pub const CASING: u32 = 3;
/// Width of thin lines (guides, band edges, error bars).
pub const THIN_LINE: u32 = 2;
/// Opacity of P10-P90 bands and of their edges with up to four strategies;
/// with more, [`band_alpha`] thins them so that the overlap stays light.
pub const BAND_ALPHA: f64 = 0.08;
/// Opacity of a band's edges with up to four strategies.
pub const BAND_EDGE_ALPHA: f64 = 0.6;

/// Opacity of each band and band edge when `n` strategies overlap.
pub fn band_alpha(n: usize) -> (f64, f64) {
    let k = 4.0 / n.max(4) as f64;
    (BAND_ALPHA * k, BAND_EDGE_ALPHA * k.sqrt())
}

/// Main text.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (run line, notes).
pub const MUTED: RGBColor = RGBColor(0x5f, 0x5f, 0x5f);
/// Axis lines.
pub const AXIS: RGBColor = RGBColor(0x80, 0x80, 0x80);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);
/// Guide lines (target launch, crossings).
pub const GUIDE: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);
/// The background.
pub const BACKGROUND: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Bars of the sensitivity chart (greys, so they are not read as
/// strategies): an input that raises the difference.
pub const RAISES: RGBColor = RGBColor(0x4a, 0x4a, 0x4a);
/// A bar of an input that lowers the difference.
pub const LOWERS: RGBColor = RGBColor(0xb0, 0xb0, 0xb0);
/// Bars of the value-of-information chart (inputs, not strategies: a
/// neutral slate).
pub const VOI_BAR: RGBColor = RGBColor(0x6b, 0x7a, 0x8f);
/// The mark of the value-of-information estimator's bias.
pub const BIAS_MARK: RGBColor = RGBColor(0xc0, 0x39, 0x2b);

/// The Okabe-Ito palette, distinct for the common forms of colour
/// blindness. A strategy's colour is `STRATEGY_COLORS[position % 8]`.
pub const STRATEGY_COLORS: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

/// The colour of the strategy at `position` in its scenario.
pub fn strategy_color(position: usize) -> RGBColor {
    STRATEGY_COLORS[position % STRATEGY_COLORS.len()]
}

/// One colour per cost category, in the order of `model::CATEGORIES`
/// (Paul Tol's muted scheme and two companions). Delivered work is in cool
/// colours, waste in earthy ones, business impact in reds.
pub const CATEGORY_COLORS: [RGBColor; 11] = [
    RGBColor(0x33, 0x22, 0x88), // build: indigo
    RGBColor(0x88, 0xCC, 0xEE), // roadmap: cyan
    RGBColor(0x44, 0xAA, 0x99), // maintenance: teal
    RGBColor(0x11, 0x77, 0x33), // remediation: green
    RGBColor(0x99, 0x99, 0x33), // rework: olive
    RGBColor(0xDD, 0xCC, 0x77), // context: sand
    RGBColor(0xBB, 0xBB, 0xBB), // idle: grey
    RGBColor(0xAA, 0x44, 0x99), // hiring: purple
    RGBColor(0xCC, 0x66, 0x77), // degradation: rose
    RGBColor(0x88, 0x22, 0x55), // delay: wine
    RGBColor(0xEE, 0x88, 0x66), // unfinished: orange
];

/// How the runs of a comparison are told apart: line dash (dash length,
/// gap; `None` for solid) and bar opacity, by the run's position. The
/// dashes differ within a legend marker's 30 pixels: solid, long dashes,
/// dots, sparse dashes, sparse dots.
pub const RUN_DASHES: [Option<(u32, u32)>; 5] = [
    None,
    Some((14, 8)),
    Some((3, 5)),
    Some((8, 16)),
    Some((2, 12)),
];
/// Bar opacity of each run in a comparison (repeating).
pub const RUN_ALPHAS: [f64; 4] = [1.0, 0.55, 0.3, 0.75];

/// The dash of the run at `position`.
pub fn run_dash(position: usize) -> Option<(u32, u32)> {
    RUN_DASHES[position % RUN_DASHES.len()]
}

/// The bar opacity of the run at `position`.
pub fn run_alpha(position: usize) -> f64 {
    RUN_ALPHAS[position % RUN_ALPHAS.len()]
}

/// Dash of the P50 markers and the target-launch line.
pub const MARKER_DASH: (u32, u32) = (10, 6);
/// Dots of guide lines.
pub const GUIDE_DOTS: (u32, u32) = (2, 6);

/// The text style of the given size and colour in the bundled font.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut t = TextStyle::from((FONT, size));
    t.color = color.to_backend_color();
    t
}

/// Bold text of the given size and colour.
pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut t = TextStyle::from((FONT, size, FontStyle::Bold));
    t.color = color.to_backend_color();
    t
}

/// Ink or white, whichever reads better on `background`.
pub fn text_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luma < 140.0 { BACKGROUND } else { INK }
}

/// Hex form of a colour for HTML.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
