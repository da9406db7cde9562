//! `distribution`: the TCO distribution of every strategy overlaid on
//! shared bins, each strategy's median marked, and the trials retired for
//! lack of traction (the left hump) shaded.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::format::{money_tick, percent, percent_tick, short_money};
use super::frame::{self, Axes, DrawResult, Frame, LegendEntry, Marker};
use super::style::{self, *};
use crate::output::rundata::RunData;
use crate::stats::quantiles_unsorted;

/// Opacity of each strategy's shading of its retired trials.
const RETIRED_ALPHA: f64 = 0.14;

/// Histogram bins shared by every strategy.
///
/// Bin `i` holds the totals `x` with `edges[i] <= x < edges[i + 1]`; the
/// last bin also holds `x == edges[n]`. Totals above `edges[n]` (the axis
/// is cut near the largest P99, so that a long tail does not squash the
/// chart) are counted in `above`, so `counts[s].sum() + above[s]` is the
/// number of trials.
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    /// `n + 1` ascending edges of `n` equal-width bins.
    pub edges: Vec<f64>,
    /// Per strategy (scenario order), the number of trials in each bin.
    pub counts: Vec<Vec<u64>>,
    /// Per strategy, the number of trials above the last edge.
    pub above: Vec<u64>,
}

impl Bins {
    /// Width of one bin.
    pub fn width(&self) -> f64 {
        self.edges[1] - self.edges[0]
    }

    /// Right end of the axis.
    pub fn hi(&self) -> f64 {
        self.edges[self.edges.len() - 1]
    }
}

/// The largest P99 of any strategy's total: where money axes of
/// distributions end.
pub fn largest_p99(data: &RunData) -> f64 {
    data.totals
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| quantiles_unsorted(&mut t.clone(), &[0.99])[0])
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Round steps: 1, 2, 2.5 and 5 times a power of ten.
const NICE: [f64; 5] = [1.0, 2.0, 2.5, 5.0, 10.0];

/// `raw` as `f` times a power of ten `p` with `1 <= f < 10`, or `None`
/// when `raw` is not a positive finite number.
fn decade(raw: f64) -> Option<(f64, f64)> {
    (raw > 0.0 && raw.is_finite()).then(|| {
        let p = 10f64.powf(raw.log10().floor());
        (raw / p, p)
    })
}

/// The round step nearest to `raw` on a log scale.
pub fn nice_step(raw: f64) -> f64 {
    decade(raw).map_or(1.0, |(f, p)| {
        let nearest = |a: &f64, b: &f64| (f / a).ln().abs().total_cmp(&(f / b).ln().abs());
        NICE.into_iter().min_by(nearest).unwrap_or(1.0) * p
    })
}

/// The largest round step at most `raw`.
pub fn nice_step_below(raw: f64) -> f64 {
    decade(raw).map_or(1.0, |(f, p)| {
        let below = |m: &f64| *m <= f * (1.0 + 1e-9);
        NICE.into_iter().rev().find(below).unwrap_or(1.0) * p
    })
}

/// The fewest bins drawn.
pub const MIN_BINS: usize = 15;

/// Shared bins from zero (or the lowest total, if negative) to the largest
/// P99, with a round width; their number is near Rice's rule (`2 n^(1/3)`
/// for `n` trials, kept between 15 and 60), and at least [`MIN_BINS`].
pub fn distribution_bins(data: &RunData) -> Bins {
    let n_trials = data.totals.iter().map(Vec::len).max().unwrap_or(0);
    let target = (2.0 * (n_trials as f64).cbrt()).clamp(MIN_BINS as f64, 60.0);
    let min = data
        .totals
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let mut hi = largest_p99(data);
    let lo_raw = if min.is_finite() { min.min(0.0) } else { 0.0 };
    if hi.is_nan() || hi <= lo_raw {
        hi = lo_raw + 1.0;
    }
    let bins_of = |width: f64| {
        let lo = (lo_raw / width).floor() * width;
        (lo, (((hi - lo) / width).ceil() as usize).max(1))
    };
    let mut width = nice_step((hi - lo_raw) / target);
    if bins_of(width).1 < MIN_BINS {
        width = nice_step_below((hi - lo_raw) / MIN_BINS as f64);
    }
    let (lo, n) = bins_of(width);
    let edges: Vec<f64> = (0..=n).map(|i| lo + i as f64 * width).collect();
    let last = edges[n];
    let mut counts = vec![vec![0u64; n]; data.totals.len()];
    let mut above = vec![0u64; data.totals.len()];
    for (s, totals) in data.totals.iter().enumerate() {
        for &x in totals {
            if x > last {
                above[s] += 1;
            } else {
                let i = edges.partition_point(|e| *e <= x).clamp(1, n) - 1;
                counts[s][i] += 1;
            }
        }
    }
    Bins {
        edges,
        counts,
        above,
    }
}

/// Per strategy, how many of each bin's trials were retired for lack of
/// traction (trials.csv's `retired`), on the bins of `bins`; `None` when
/// the run has no per-trial retired flags or none was retired.
pub fn retired_counts(data: &RunData, bins: &Bins) -> Option<Vec<Vec<u64>>> {
    if data.retired.len() != data.totals.len() || !data.retired.iter().flatten().any(|r| *r) {
        return None;
    }
    let n = bins.counts.first().map_or(0, Vec::len);
    let last = bins.hi();
    let mut out = vec![vec![0u64; n]; data.totals.len()];
    for (s, (totals, retired)) in data.totals.iter().zip(&data.retired).enumerate() {
        for (&x, &r) in totals.iter().zip(retired) {
            if r && x <= last {
                let i = bins.edges.partition_point(|e| *e <= x).clamp(1, n) - 1;
                out[s][i] += 1;
            }
        }
    }
    Some(out)
}

/// The note under a money axis cut at `hi`: how much of each strategy lies
/// beyond it.
pub fn clip_note(hi: f64, above: &[u64], trials: &[usize]) -> Option<String> {
    let shares: Vec<f64> = above
        .iter()
        .zip(trials)
        .map(|(a, n)| *a as f64 / (*n).max(1) as f64)
        .collect();
    let most = shares.iter().copied().fold(0.0, f64::max);
    let least = shares.iter().copied().fold(1.0, f64::min);
    if most == 0.0 {
        return None;
    }
    let range = if (most - least).abs() < 0.0005 {
        percent(most)
    } else {
        format!("{} to {}", percent(least), percent(most))
    };
    Some(format!(
        "Axis cut at {} (the highest P99 of any strategy): {range} of each strategy's trials cost more and are not drawn.",
        short_money(hi)
    ))
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &RunData) -> DrawResult<DB> {
    let bins = distribution_bins(data);
    let lens: Vec<usize> = data.totals.iter().map(Vec::len).collect();
    let shares: Vec<Vec<f64>> = bins
        .counts
        .iter()
        .zip(&lens)
        .map(|(c, n)| c.iter().map(|k| *k as f64 / (*n).max(1) as f64).collect())
        .collect();
    let top = shares
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.08;
    let legend = data
        .summary
        .iter()
        .enumerate()
        .map(|(s, sm)| {
            LegendEntry::new(
                format!("{} (P50 {})", sm.strategy, short_money(sm.p50)),
                Marker::Line(style::strategy_color(s), None),
            )
        })
        .chain(std::iter::once(LegendEntry::new(
            "median (P50)",
            Marker::Line(MUTED, Some(MARKER_DASH)),
        )))
        .collect::<Vec<_>>();
    let retired = retired_counts(data, &bins);
    let mut legend = legend;
    if retired.is_some() {
        let shares: Vec<f64> = data
            .retired
            .iter()
            .map(|r| r.iter().filter(|x| **x).count() as f64 / r.len().max(1) as f64)
            .collect();
        let lo = shares.iter().copied().fold(1.0, f64::min);
        let hi = shares.iter().copied().fold(0.0, f64::max);
        let range = if hi - lo < 0.0005 {
            percent(hi)
        } else {
            format!("{} to {}", percent(lo), percent(hi))
        };
        legend.push(LegendEntry::new(
            format!("shaded: retired for lack of traction ({range} of trials)"),
            Marker::Swatch(MUTED, RETIRED_ALPHA * 2.0),
        ));
    }
    let plot = frame::layout(
        area,
        &Frame {
            what: "TCO distribution",
            scenario: &data.name,
            run: super::run_line(data),
            legend,
            note: clip_note(bins.hi(), &bins.above, &lens),
        },
    )?;
    let (lo, hi) = (bins.edges[0], bins.hi());
    let mut chart = frame::chart(&plot, lo..hi, 0.0..top, Y_LABEL_AREA)?;
    frame::mesh(
        &mut chart,
        &Axes {
            x_desc: "Total cost of ownership over the horizon",
            y_desc: "Share of trials per bin",
            x_fmt: &|x| money_tick(*x),
            y_fmt: &|y| percent_tick(*y),
            x_labels: 12,
            y_labels: 8,
            x_grid: false,
            y_grid: true,
        },
    )?;
    if let Some(retired) = &retired {
        for (s, counts) in retired.iter().enumerate() {
            let color = style::strategy_color(s);
            let n = lens[s].max(1) as f64;
            chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
                |(i, c)| {
                    Rectangle::new(
                        [(bins.edges[i], 0.0), (bins.edges[i + 1], *c as f64 / n)],
                        color.mix(RETIRED_ALPHA).filled(),
                    )
                },
            ))?;
        }
    }
    for (s, share) in shares.iter().enumerate() {
        let color = style::strategy_color(s);
        let mut outline = Vec::with_capacity(2 * share.len() + 2);
        outline.push((lo, 0.0));
        for (i, v) in share.iter().enumerate() {
            outline.push((bins.edges[i], *v));
            outline.push((bins.edges[i + 1], *v));
        }
        outline.push((hi, 0.0));
        frame::line(&mut chart, outline, color.stroke_width(LINE_WIDTH), None)?;
    }
    for (s, sm) in data.summary.iter().enumerate() {
        if sm.p50 >= lo && sm.p50 <= hi {
            frame::line(
                &mut chart,
                vec![(sm.p50, 0.0), (sm.p50, top)],
                style::strategy_color(s).stroke_width(LINE_WIDTH),
                Some(MARKER_DASH),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.9), 1.0);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(1.3), 1.0);
        assert_eq!(nice_step(1.5), 2.0);
        assert_eq!(nice_step(2.2), 2.0);
        assert_eq!(nice_step(2.3), 2.5);
        assert_eq!(nice_step(62_000.0), 50_000.0);
        assert_eq!(nice_step(8_000.0), 10_000.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step_below(0.99), 0.5);
        assert_eq!(nice_step_below(1.0), 1.0);
        assert_eq!(nice_step_below(2.4), 2.0);
        assert_eq!(nice_step_below(2.5), 2.5);
        assert_eq!(nice_step_below(9_999.0), 5_000.0);
    }

    #[test]
    fn clip_note_reports_the_range() {
        assert_eq!(clip_note(1e6, &[0, 0], &[100, 100]), None);
        let n = clip_note(1e6, &[1, 3], &[100, 100]).unwrap();
        assert!(n.contains("1.0% to 3.0%") && n.contains("$1.00M"), "{n}");
    }
}
