//! The one ranking of strategies: lowest median first, ties broken by
//! scenario order, with P(cheapest) alongside. Every "best strategy" that
//! tcosim states (terminal, report, sweep, charts, the sensitivity target,
//! the settled leader of a precision run) comes from here, so no two
//! outputs can disagree on ties. `decide` re-exports it for presentation.

use super::Summary;

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
