//! Exact sums: fixed-point accumulation that gives the same result in any
//! order, so means are identical whatever the threads, chunks or shards
//! that produced the parts.

/// Fixed-point scale: 2^32 units per 1.0 (resolution about 2.3e-10).
const SCALE: f64 = 4_294_967_296.0;

/// A sum of `f64` values, exact to 2^-32 per value (each value truncated) and independent of the
/// order of additions (integer addition is associative). Values up to
/// 1e13 can be added 1e10 times without overflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum(i128);

impl ExactSum {
    /// Adds a value (truncated to the fixed-point resolution, toward zero).
    #[inline]
    pub fn add(&mut self, x: f64) {
        let y = x * SCALE;
        // f64 -> i64 is one instruction; f64 -> i128 is a library call, so
        // it is kept for values above about $2 billion.
        self.0 += if y.abs() < 9.0e18 {
            y as i64 as i128
        } else {
            y as i128
        };
    }

    /// Adds another sum.
    #[inline]
    pub fn merge(&mut self, other: &ExactSum) {
        self.0 = self.0.saturating_add(other.0);
    }

    /// The sum as a float.
    pub fn value(&self) -> f64 {
        self.0 as f64 / SCALE
    }

    /// The sum divided by `n` (0 when `n` is 0).
    pub fn mean(&self, n: u64) -> f64 {
        if n == 0 { 0.0 } else { self.value() / n as f64 }
    }

    /// The raw fixed-point value (for storing shards).
    pub fn raw(&self) -> i128 {
        self.0
    }

    /// A sum from its raw fixed-point value.
    pub fn from_raw(raw: i128) -> ExactSum {
        ExactSum(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter() {
        let xs: Vec<f64> = (0..10_000)
            .map(|i| (i as f64 * 1.618).sin() * 1e6 + 1e-3 * i as f64)
            .collect();
        let mut a = ExactSum::default();
        xs.iter().for_each(|x| a.add(*x));
        let mut b = ExactSum::default();
        xs.iter().rev().for_each(|x| b.add(*x));
        let (mut c1, mut c2) = (ExactSum::default(), ExactSum::default());
        xs[..3333].iter().for_each(|x| c1.add(*x));
        xs[3333..].iter().for_each(|x| c2.add(*x));
        c2.merge(&c1);
        assert_eq!(a, b);
        assert_eq!(a, c2);
        let naive: f64 = xs.iter().sum();
        assert!((a.value() - naive).abs() < 1e-3);
    }
}
