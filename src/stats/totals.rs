//! The per-trial figures statistics are computed from: each trial's TCO per
//! strategy ([`Totals`]; the cash and the lost value per trial are held in
//! the same form, and [`PerTrial`] names the three together) and each
//! trial's draw of the inputs that vary ([`InputDraws`]).
//!
//! These types carry their invariants, checked once where they are made
//! (the engine, or a shard read back from disk), so every statistic can rely
//! on them instead of re-checking: at least one strategy and one trial, one
//! value per trial and strategy, and every total finite.

use std::fmt;

/// Why figures could not become [`Totals`] or [`InputDraws`].
#[derive(Debug, Clone, PartialEq)]
pub enum TotalsError {
    /// No strategy or no trial.
    Empty,
    /// The values do not fill whole rows of one value per column.
    Ragged {
        /// Values per row.
        columns: usize,
        /// Values given.
        values: usize,
    },
    /// A total is infinite or not a number.
    NotFinite {
        /// The trial's index.
        trial: usize,
        /// The strategy's name.
        strategy: String,
    },
    /// Two parts that were to be joined differ in their columns.
    Mismatch,
}

impl fmt::Display for TotalsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TotalsError::Empty => write!(f, "there are no trials or no strategies"),
            TotalsError::Ragged { columns, values } => write!(
                f,
                "{values} values do not make whole rows of {columns} columns"
            ),
            TotalsError::NotFinite { trial, strategy } => write!(
                f,
                "the total of {strategy} in trial {trial} is not a finite number"
            ),
            TotalsError::Mismatch => write!(f, "the parts do not have the same columns"),
        }
    }
}

impl std::error::Error for TotalsError {}

/// Each trial's total cost of ownership per strategy, trial-major (or, in
/// the same form, its cash or its lost value).
///
/// Invariants (enforced by [`Totals::new`] and kept by [`Totals::append`]):
/// at least one strategy and one trial; exactly one value per trial and
/// strategy; every value finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    strategies: Vec<String>,
    /// `[t * S + s]`.
    values: Vec<f64>,
}

impl Totals {
    /// Checks the invariants.
    pub fn new(strategies: Vec<String>, values: Vec<f64>) -> Result<Totals, TotalsError> {
        let s = strategies.len();
        if s == 0 || values.is_empty() {
            return Err(TotalsError::Empty);
        }
        if !values.len().is_multiple_of(s) {
            return Err(TotalsError::Ragged {
                columns: s,
                values: values.len(),
            });
        }
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            return Err(TotalsError::NotFinite {
                trial: i / s,
                strategy: strategies[i % s].clone(),
            });
        }
        Ok(Totals { strategies, values })
    }

    /// Appends the trials that follow these (same strategies).
    pub fn append(&mut self, next: Totals) -> Result<(), TotalsError> {
        if next.strategies != self.strategies {
            return Err(TotalsError::Mismatch);
        }
        self.values.extend(next.values);
        Ok(())
    }

    /// Strategy names, in scenario order.
    pub fn strategies(&self) -> &[String] {
        &self.strategies
    }

    /// Every value, trial-major: `[t * S + s]`.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The trials, each a row of one total per strategy.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, f64> {
        self.values.chunks_exact(self.strategies.len())
    }

    /// Number of strategies (at least 1).
    pub fn n_strategies(&self) -> usize {
        self.strategies.len()
    }

    /// Number of trials (at least 1).
    pub fn n_trials(&self) -> usize {
        self.values.len() / self.strategies.len()
    }

    /// Strategy `s`'s totals in trial order.
    pub fn totals_of(&self, s: usize) -> Vec<f64> {
        self.values
            .iter()
            .skip(s)
            .step_by(self.n_strategies())
            .copied()
            .collect()
    }
}

/// A run's three per-trial figures, each per trial and strategy: the TCO,
/// the cash (every category but degradation and delay) and the lost value
/// (degradation and delay).
#[derive(Debug, Clone, Copy)]
pub struct PerTrial<'a> {
    /// Total cost (cash + lost value).
    pub total: &'a Totals,
    /// What each strategy pays.
    pub cash: &'a Totals,
    /// Business value lost.
    pub lost_value: &'a Totals,
}

/// Each trial's draw of the inputs that vary across trials, trial-major;
/// stored as `f32`, which is precise enough for rank correlations and halves
/// the memory of large runs.
///
/// Invariant: one value per trial and input (there may be no inputs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputDraws {
    names: Vec<String>,
    /// `[t * K + k]`.
    values: Vec<f32>,
}

impl InputDraws {
    /// Checks that `values` holds whole rows of one value per input.
    pub fn new(names: Vec<String>, values: Vec<f32>) -> Result<InputDraws, TotalsError> {
        if names.is_empty() && !values.is_empty()
            || !names.is_empty() && !values.len().is_multiple_of(names.len())
        {
            return Err(TotalsError::Ragged {
                columns: names.len(),
                values: values.len(),
            });
        }
        Ok(InputDraws { names, values })
    }

    /// Appends the trials that follow these (same inputs).
    pub fn append(&mut self, next: InputDraws) -> Result<(), TotalsError> {
        if next.names != self.names {
            return Err(TotalsError::Mismatch);
        }
        self.values.extend(next.values);
        Ok(())
    }

    /// Key paths of the inputs, in scenario order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Every value, trial-major: `[t * K + k]`.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Input `k`'s value in trial `t` (counted from the first trial held).
    pub fn value(&self, t: usize, k: usize) -> f32 {
        self.values[t * self.names.len() + k]
    }

    /// Number of trials held (0 when there are no inputs).
    pub fn n_trials(&self) -> usize {
        self.values.len().checked_div(self.names.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn invariants_are_enforced() {
        assert_eq!(Totals::new(vec![], vec![1.0]), Err(TotalsError::Empty));
        assert_eq!(Totals::new(names(&["a"]), vec![]), Err(TotalsError::Empty));
        assert!(matches!(
            Totals::new(names(&["a", "b"]), vec![1.0, 2.0, 3.0]),
            Err(TotalsError::Ragged { .. })
        ));
        assert_eq!(
            Totals::new(names(&["a", "b"]), vec![1.0, 2.0, 3.0, f64::NAN]),
            Err(TotalsError::NotFinite {
                trial: 1,
                strategy: "b".into()
            })
        );
        assert!(InputDraws::new(names(&["x", "y"]), vec![1.0; 3]).is_err());
        assert!(InputDraws::new(vec![], vec![1.0]).is_err());
        assert!(InputDraws::new(vec![], vec![]).is_ok());
    }

    #[test]
    fn rows_columns_and_append() {
        let mut t = Totals::new(names(&["a", "b"]), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((t.n_trials(), t.n_strategies()), (2, 2));
        assert_eq!(t.totals_of(1), vec![2.0, 4.0]);
        t.append(Totals::new(names(&["a", "b"]), vec![5.0, 6.0]).unwrap())
            .unwrap();
        assert_eq!(t.totals_of(0), vec![1.0, 3.0, 5.0]);
        assert_eq!(t.rows().nth(2), Some(&[5.0, 6.0][..]));
        let other = Totals::new(names(&["a", "c"]), vec![5.0, 6.0]).unwrap();
        assert_eq!(t.append(other), Err(TotalsError::Mismatch));
        let d = InputDraws::new(names(&["x", "y"]), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((d.n_trials(), d.value(1, 0)), (2, 3.0));
    }
}
