//! Every decision the outputs state, made once: which strategy ranks first,
//! where two strategies part for good, how precise the run is, and the
//! sentences that say so.
//!
//! Why a module of its own: the terminal, the HTML report, its decision
//! section, the sweep and the charts all name "the best strategy". When
//! each computed it, they could disagree on ties or on data; here each
//! decision has one implementation, fed with plain statistics, and the
//! presentation modules only format, escape and draw what it returns.
//!
//! It sits between statistics and presentation: it reads [`crate::stats`]
//! types and nothing above them (no `report`, `charts`, `engine`, `cli` or
//! `model`). What a sentence needs from a run directory (a horizon, a run's
//! name) is passed in as plain values.

pub mod format;
pub mod verdict;

use crate::stats::Summary;
use crate::stats::analysis::{Crossover, half_width95};

// ---------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------

/// Strategy indices ordered by lowest value first (values compared with
/// `f64::total_cmp`); equal values keep scenario order, so the last index
/// is the last of the highest.
///
/// This is the one tie rule of every "best strategy" the outputs state:
/// by median ([`Ranking`]), by mean, by spread, by tail.
pub fn lowest_first(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    order
}

/// Strategy indices ordered by highest value first (P(cheapest)); equal
/// values keep scenario order.
pub fn highest_first(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*b].total_cmp(&values[*a]));
    order
}

/// One strategy's place in a [`Ranking`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// Index of the strategy (scenario order).
    pub strategy: usize,
    /// Its median total cost.
    pub median: f64,
    /// Its share of trials in which it is cheapest.
    pub prob_cheapest: f64,
}

/// Strategies by lowest median TCO first (ties by scenario order, see
/// [`lowest_first`]), each with its P(cheapest) alongside.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    places: Vec<Place>,
}

impl Ranking {
    /// The ranking of a run's summaries (scenario order).
    pub fn of(summaries: &[Summary]) -> Ranking {
        let medians: Vec<f64> = summaries.iter().map(|s| s.p50).collect();
        let places = lowest_first(&medians)
            .into_iter()
            .map(|i| Place {
                strategy: i,
                median: summaries[i].p50,
                prob_cheapest: summaries[i].prob_cheapest,
            })
            .collect();
        Ranking { places }
    }

    /// Every strategy, first place first.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The strategy with the lowest median; `None` without strategies.
    pub fn best(&self) -> Option<usize> {
        self.places.first().map(|p| p.strategy)
    }

    /// The first two places; `None` with fewer than two strategies.
    pub fn leaders(&self) -> Option<(usize, usize)> {
        match self.places.as_slice() {
            [a, b, ..] => Some((a.strategy, b.strategy)),
            _ => None,
        }
    }
}

/// The index of the strategy with the lowest median (0 without strategies,
/// so a caller may index with it when it has at least one).
pub fn best_by_median(summaries: &[Summary]) -> usize {
    Ranking::of(summaries).best().unwrap_or(0)
}

// ---------------------------------------------------------------------------
// Crossings
// ---------------------------------------------------------------------------

/// Where the median cumulative costs of two strategies part for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossing {
    /// The strategy whose median is lower at the horizon.
    pub lower: usize,
    /// The other one.
    pub higher: usize,
    /// The first month (counted from 1, the end of the first month) from
    /// which `lower` stays strictly below `higher` until the horizon (1 when
    /// it is below throughout).
    pub from_month: u32,
}

/// For every pair of strategies whose median cumulative costs differ at the
/// horizon, the month from which the cheaper one stays below: the median
/// crossovers of [`crate::stats::analysis::crossovers`] (the one crossover
/// computation, which crossover.csv writes), one per unordered pair, pairs
/// in the order (0, 1), (0, 2), ..., (1, 2), ...
pub fn median_crossings(crossovers: &[Crossover]) -> Vec<Crossing> {
    let month = |a: usize, b: usize| {
        crossovers
            .iter()
            .find(|c| c.a == a && c.b == b)
            .and_then(|c| c.median_month)
    };
    let n = crossovers
        .iter()
        .map(|c| c.a.max(c.b) + 1)
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            // A crossover (x, y) is the month from which x stays above y.
            let (lower, higher, from) = match (month(b, a), month(a, b)) {
                (Some(m), _) => (a, b, m),
                (_, Some(m)) => (b, a, m),
                _ => continue,
            };
            out.push(Crossing {
                lower,
                higher,
                from_month: from as u32 + 1,
            });
        }
    }
    out
}

/// The crossing of the two strategies ranked first by `medians` (the chart
/// passes the median cumulative costs at the horizon), if they part for
/// good after the first month.
pub fn leaders_crossing(crossings: &[Crossing], medians: &[f64]) -> Option<Crossing> {
    let order = lowest_first(medians);
    let (a, b) = (*order.first()?, *order.get(1)?);
    crossings
        .iter()
        .copied()
        .find(|c| c.lower == a && c.higher == b && c.from_month > 1)
}

/// The crossings a reader is told about: those after the first month, in
/// order of month, then of the lower and the higher strategy.
pub fn later_crossings(crossings: &[Crossing]) -> Vec<Crossing> {
    let mut c: Vec<Crossing> = crossings
        .iter()
        .copied()
        .filter(|c| c.from_month > 1)
        .collect();
    c.sort_by_key(|c| (c.from_month, c.lower, c.higher));
    c
}

// ---------------------------------------------------------------------------
// Precision
// ---------------------------------------------------------------------------

/// The widest 95% half-width of a mean relative to the mean, over
/// strategies: `half_width95(se) / max(|mean|, 1e-9)` (the report's "every
/// mean is known to within" figure). `means` and `ses` pair by index.
pub fn widest_relative_half_width(means: &[f64], ses: &[f64]) -> f64 {
    means
        .iter()
        .zip(ses)
        .map(|(m, se)| half_width95(*se) / m.abs().max(1e-9))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests;
