//! Monthly and per-category figures of a run in mergeable form: histogram
//! sketches of the cumulative cost and fixed-point exact sums. Integer
//! addition is associative, so a run's aggregates are identical whatever
//! the threads, chunks or shards that produced their parts, and shards
//! merge exactly.

use super::exact::ExactSum;
use super::sketch::Sketch;
use crate::model::CATEGORIES;

/// Exact sums of a run's figures, mergeable in any order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    /// Cumulative cost at the end of each month: `[s * H + m]`.
    pub cost: Vec<ExactSum>,
    /// Degradation (1 - model quality) at the end of each month: `[s * H + m]`
    /// (summed as degradation because it is mostly zero, which costs nothing).
    pub degradation: Vec<ExactSum>,
    /// Each cost category: `[s * 11 + c]`.
    pub category: Vec<ExactSum>,
    /// The TCO: `[s]`.
    pub total: Vec<ExactSum>,
    /// The cash (every category but degradation and delay): `[s]`.
    pub cash: Vec<ExactSum>,
    /// The lost value (degradation and delay): `[s]`.
    pub lost_value: Vec<ExactSum>,
}

impl Sums {
    /// Zero sums for `strategies` x `horizon` months.
    pub fn new(strategies: usize, horizon: usize) -> Sums {
        let sm = strategies * horizon;
        Sums {
            cost: vec![ExactSum::default(); sm],
            degradation: vec![ExactSum::default(); sm],
            category: vec![ExactSum::default(); strategies * CATEGORIES.len()],
            total: vec![ExactSum::default(); strategies],
            cash: vec![ExactSum::default(); strategies],
            lost_value: vec![ExactSum::default(); strategies],
        }
    }

    /// Adds another set of sums of the same shape.
    pub fn merge(&mut self, o: &Sums) {
        for (a, b) in [
            (&mut self.cost, &o.cost),
            (&mut self.degradation, &o.degradation),
            (&mut self.category, &o.category),
            (&mut self.total, &o.total),
            (&mut self.cash, &o.cash),
            (&mut self.lost_value, &o.lost_value),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// Monthly and category figures of a run, mergeable in any order.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// Strategies counted.
    pub strategies: usize,
    /// Months per trial.
    pub horizon: usize,
    /// Trials counted.
    pub trials: u64,
    /// Cumulative cost at the end of each month: `[s * H + m]`.
    pub cost: Vec<Sketch>,
    /// Exact sums per strategy, month and category.
    pub sums: Sums,
}

impl Aggregates {
    /// Empty aggregates.
    pub fn new(strategies: usize, horizon: usize) -> Aggregates {
        Aggregates {
            strategies,
            horizon,
            trials: 0,
            cost: vec![Sketch::default(); strategies * horizon],
            sums: Sums::new(strategies, horizon),
        }
    }

    /// Adds another run's aggregates (of the same shape).
    pub fn merge(&mut self, o: &Aggregates) {
        self.trials += o.trials;
        for (a, b) in self.cost.iter_mut().zip(&o.cost) {
            a.merge(b);
        }
        self.sums.merge(&o.sums);
    }
}
