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

use crate::stats::analysis::{Crossover, half_width95};
pub use crate::stats::ranking::{Place, Ranking, best_by_median, highest_first, lowest_first};

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

/// The crossing of the two strategies of `pair` (the chart passes the
/// verdict's two), whichever ends lower, if they part for good after the
/// first month.
pub fn leaders_crossing(crossings: &[Crossing], pair: (usize, usize)) -> Option<Crossing> {
    let (a, b) = pair;
    crossings.iter().copied().find(|c| {
        ((c.lower, c.higher) == (a, b) || (c.lower, c.higher) == (b, a)) && c.from_month > 1
    })
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
