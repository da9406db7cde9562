//! Mergeable quantile sketches for the monthly bands.
//!
//! A [`Sketch`] counts values in log-spaced buckets: each power of two is
//! split into 128 equal buckets, so a bucket spans at most 1/128 of its lower
//! bound and its midpoint is within 1/256 = 0.39% of any value in it. The
//! bucket of a value comes from the bits of its `f64` representation (no
//! logarithm). Counts are integers, so sketches merge exactly in any order
//! and a run's bands are identical whatever the threads, chunks or shards.
//!
//! Error bound: a quantile read from a sketch is within 0.39% (relative) of
//! the exact type-7 quantile for values of $1 or more, and within $0.50 for
//! values below $1. The exact minimum and maximum are kept, and bucket
//! midpoints are clamped to them, so a sketch of identical values is exact.

/// Buckets: 0 holds zero (and negatives), 1 holds (0, 1), then 128 per
/// power of two from 2^0 to 2^45 (values above are counted in the last).
pub const SUB_BUCKETS: u32 = 128;
const MAX_EXPONENT: u32 = 45;
/// Number of buckets.
pub const BUCKETS: u32 = 2 + SUB_BUCKETS * MAX_EXPONENT;

/// The bucket of a value.
#[inline]
pub fn bucket(x: f64) -> u16 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x < 1.0 {
        1
    } else {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as u32 - 1023;
        if exp >= MAX_EXPONENT {
            (BUCKETS - 1) as u16
        } else {
            let sub = ((bits >> 45) & 0x7f) as u32;
            (2 + exp * SUB_BUCKETS + sub) as u16
        }
    }
}

/// The midpoint of a bucket.
pub fn midpoint(b: u16) -> f64 {
    match b {
        0 => 0.0,
        1 => 0.5,
        _ => {
            let i = u32::from(b) - 2;
            let (e, k) = (i / SUB_BUCKETS, i % SUB_BUCKETS);
            let base = 2f64.powi(e as i32);
            base * (1.0 + (f64::from(k) + 0.5) / f64::from(SUB_BUCKETS))
        }
    }
}

/// Counts of values per bucket over the range of buckets seen, with the
/// exact minimum and maximum.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    /// Bucket of `counts[0]`.
    offset: u16,
    counts: Vec<u64>,
    n: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            offset: 0,
            counts: Vec::new(),
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Sketch {
    /// Counts one value whose bucket is already known.
    #[inline]
    pub fn add_bucketed(&mut self, b: u16, x: f64) {
        self.add_count(b, 1);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Counts one value in bucket `b` without updating the minimum and
    /// maximum (see [`Sketch::merge_range`]).
    #[inline]
    pub fn add_bucket(&mut self, b: u16) {
        match usize::from(b.wrapping_sub(self.offset)) {
            i if b >= self.offset && i < self.counts.len() => {
                self.counts[i] += 1;
                self.n += 1;
            }
            _ => self.add_count(b, 1),
        }
    }

    /// Widens the exact range to include `[min, max]`.
    pub fn merge_range(&mut self, min: f64, max: f64) {
        self.min = self.min.min(min);
        self.max = self.max.max(max);
    }

    /// Counts one value.
    pub fn add(&mut self, x: f64) {
        self.add_bucketed(bucket(x), x);
    }

    fn add_count(&mut self, b: u16, c: u64) {
        if self.counts.is_empty() {
            self.offset = b;
            self.counts.push(0);
        } else if b < self.offset {
            let grow = usize::from(self.offset - b);
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = b;
        } else if usize::from(b - self.offset) >= self.counts.len() {
            self.counts.resize(usize::from(b - self.offset) + 1, 0);
        }
        self.counts[usize::from(b - self.offset)] += c;
        self.n += c;
    }

    /// Adds another sketch's counts.
    pub fn merge(&mut self, other: &Sketch) {
        for (i, c) in other.counts.iter().enumerate() {
            if *c > 0 {
                self.add_count(other.offset + i as u16, *c);
            }
        }
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Exact minimum and maximum (infinite when empty).
    pub fn min_max(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    /// The non-empty buckets and their counts, for storing.
    pub fn buckets(&self) -> impl Iterator<Item = (u16, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (self.offset + i as u16, *c))
    }

    /// A sketch from stored buckets and its exact minimum and maximum.
    pub fn from_parts(buckets: &[(u16, u64)], min: f64, max: f64) -> Sketch {
        let mut s = Sketch::default();
        for (b, c) in buckets {
            s.add_count(*b, *c);
        }
        s.min = min;
        s.max = max;
        s
    }

    /// The value of the order statistic of rank `r` (0-based), as its
    /// bucket's midpoint clamped to the exact range.
    fn order_statistic(&self, r: u64) -> f64 {
        if r == 0 {
            return self.min;
        }
        if r + 1 >= self.n {
            return self.max;
        }
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > r {
                return midpoint(self.offset + i as u16).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// Quantile `p` (type 7: linear between order statistics), within the
    /// documented error of the exact one. `NaN` when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let h = (self.n - 1) as f64 * p.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let a = self.order_statistic(lo);
        if lo + 1 >= self.n {
            return a;
        }
        let b = self.order_statistic(lo + 1);
        a + (h - lo as f64) * (b - a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    #[test]
    fn buckets_are_monotone_and_midpoints_close() {
        let mut last = 0;
        let mut x = 0.75;
        while x < 1e13 {
            let b = bucket(x);
            assert!(b >= last);
            last = b;
            let m = midpoint(b);
            assert!((m - x).abs() <= x / 256.0 + 1e-9 || x < 1.0, "{x} -> {m}");
            x *= 1.0007;
        }
        assert_eq!(bucket(0.0), 0);
        assert_eq!(bucket(-3.0), 0);
        assert_eq!(bucket(0.3), 1);
        assert_eq!(bucket(1.0), 2);
        assert_eq!(bucket(1e300), (BUCKETS - 1) as u16);
    }

    #[test]
    fn quantiles_within_the_documented_error() {
        let data: Vec<f64> = (0..20_000)
            .map(|i| 1000.0 * (1.0 + ((i * 7919) % 10007) as f64).powf(1.7))
            .collect();
        let mut s = Sketch::default();
        data.iter().for_each(|x| s.add(*x));
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [0.0, 0.01, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0] {
            let exact = quantile_sorted(&sorted, p);
            let approx = s.quantile(p);
            assert!(
                (approx - exact).abs() <= exact * 0.0040,
                "p {p}: {approx} vs {exact}"
            );
        }
        assert_eq!(s.quantile(0.0), sorted[0]);
        assert_eq!(s.quantile(1.0), sorted[sorted.len() - 1]);
    }

    #[test]
    fn merging_in_any_order_is_exact() {
        let data: Vec<f64> = (0..5000).map(|i| ((i * 31) % 977) as f64 * 13.7).collect();
        let mut whole = Sketch::default();
        data.iter().for_each(|x| whole.add(*x));
        let (mut a, mut b) = (Sketch::default(), Sketch::default());
        data[..1234].iter().for_each(|x| a.add(*x));
        data[1234..].iter().for_each(|x| b.add(*x));
        let mut ba = b.clone();
        ba.merge(&a);
        a.merge(&b);
        assert_eq!(a, whole);
        assert_eq!(ba, whole);
        let stored: Vec<(u16, u64)> = whole.buckets().collect();
        let (lo, hi) = whole.min_max();
        assert_eq!(Sketch::from_parts(&stored, lo, hi), whole);
    }

    #[test]
    fn identical_values_are_exact() {
        let mut s = Sketch::default();
        (0..100).for_each(|_| s.add(12345.67));
        assert_eq!(s.quantile(0.1), 12345.67);
        assert_eq!(s.quantile(0.9), 12345.67);
    }
}
