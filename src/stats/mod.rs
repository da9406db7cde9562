//! Statistics over trials: quantiles, summaries, monthly bands.
//!
//! Every reduction runs over trials in index order, so the figures are
//! identical whatever the number of threads that produced the results.

pub mod aggregates;
pub mod analysis;
pub mod exact;
pub mod paired;
pub mod ranking;
pub mod sketch;
pub mod totals;
pub mod voi;

pub use aggregates::{Aggregates, Sums};
pub use totals::{InputDraws, PerTrial, Totals, TotalsError};

use rayon::prelude::*;

use crate::model::{CATEGORIES, Costs};
use exact::ExactSum;

/// Quantile `p` of sorted data, interpolating linearly between order
/// statistics (Hyndman and Fan's type 7, the default of R and numpy).
/// `sorted` must be non-empty and sorted ascending.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Quantiles `ps` (ascending) of unsorted data, by selection rather than a
/// full sort; the result equals [`quantile_sorted`] on the sorted data.
pub fn quantiles_unsorted(data: &mut [f64], ps: &[f64]) -> Vec<f64> {
    let n = data.len();
    ps.iter()
        .map(|&p| {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let (_, x_lo, right) = data.select_nth_unstable_by(lo, f64::total_cmp);
            let x_lo = *x_lo;
            let x_hi = right.iter().copied().fold(f64::INFINITY, f64::min);
            if right.is_empty() {
                x_lo
            } else {
                x_lo + (h - lo as f64) * (x_hi - x_lo)
            }
        })
        .collect()
}

/// A key whose unsigned order is `f64::total_cmp`'s order of `x`.
#[inline]
fn total_order_key(x: f64) -> u64 {
    // total_cmp's own transformation to a signed order, then the sign bit
    // flipped to make it unsigned.
    let b = x.to_bits() as i64;
    ((b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64) ^ (1 << 63)
}

/// [`total_order_key`] for an `f32`.
#[inline]
fn total_order_key_f32(x: f32) -> u32 {
    let b = x.to_bits() as i32;
    ((b ^ ((((b >> 31) as u32) >> 1) as i32)) as u32) ^ (1 << 31)
}

/// The indices of `x` in ascending `total_cmp` order, ties (equal bits) in
/// index order: the order of sorting the indices by
/// `x[a].total_cmp(&x[b]).then(a.cmp(&b))`, several times faster (a sort of
/// plain integer pairs, without an indirect comparison).
pub fn sorted_order(x: &[f64]) -> Vec<usize> {
    // Values that are exactly `f32`s (the inputs' draws are stored so) have
    // the same total order as those `f32`s: key and index then pack into
    // one integer, the fastest sort of all.
    if u32::try_from(x.len()).is_ok() && x.iter().all(|v| f64::from(*v as f32) == *v) {
        let mut keyed: Vec<u64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| u64::from(total_order_key_f32(*v as f32)) << 32 | i as u64)
            .collect();
        keyed.sort_unstable();
        return keyed
            .into_iter()
            .map(|k| (k & 0xffff_ffff) as usize)
            .collect();
    }
    let mut keyed: Vec<(u64, usize)> = x
        .iter()
        .enumerate()
        .map(|(i, v)| (total_order_key(*v), i))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Mean of data, summed in order.
pub fn mean(data: &[f64]) -> f64 {
    data.iter().sum::<f64>() / data.len() as f64
}

/// One strategy's distribution of total cost, with its cash and lost value.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The strategy's name.
    pub strategy: String,
    /// Trials summarised.
    pub trials: u64,
    /// Mean total cost (from exact sums).
    pub mean: f64,
    /// Sample standard deviation (n - 1).
    pub sd: f64,
    /// Standard error of the mean.
    pub sem: f64,
    /// 5th percentile of total cost.
    pub p5: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean of the costliest 5% of trials (at least one trial).
    pub cvar95: f64,
    /// Lowest total cost of any trial.
    pub min: f64,
    /// Highest total cost of any trial.
    pub max: f64,
    /// Share of trials in which this strategy is cheapest (ties split).
    pub prob_cheapest: f64,
    /// Share of trials in which it alone is cheapest.
    pub prob_strictly_cheapest: f64,
    /// Share of trials in which it ties with another for the cheapest.
    pub prob_tied_cheapest: f64,
    /// Mean cost per category.
    pub mean_categories: Costs,
    /// What the strategy pays (every category but degradation and delay).
    pub cash: Brief,
    /// Business value lost (degradation and delay).
    pub lost_value: Brief,
}

/// One strategy's distribution of a part of its cost (its cash or its lost
/// value): the mean and quantiles, computed as the TCO's are, and the share
/// of trials in which it is the lowest of all strategies (ties split).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Brief {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Share of trials in which this strategy's figure is the lowest.
    pub prob_lowest: f64,
}

impl Brief {
    /// Every strategy's brief of `values` (per trial and strategy), with the
    /// means from the exact sums `sums` (`[s]`).
    fn of_each(values: &Totals, sums: &[ExactSum]) -> Vec<Brief> {
        let n = values.n_trials();
        let lowest = prob_cheapest(values);
        (0..values.n_strategies())
            .into_par_iter()
            .map(|s| {
                let mut v = values.totals_of(s);
                // Values equal under total_cmp are the same bits: an
                // unstable sort gives the same order, without a buffer.
                v.sort_unstable_by(f64::total_cmp);
                let q = |p| quantile_sorted(&v, p);
                Brief {
                    mean: sums[s].mean(n as u64),
                    p10: q(0.10),
                    p50: q(0.50),
                    p90: q(0.90),
                    prob_lowest: lowest[s],
                }
            })
            .collect()
    }
}

/// Summaries of every strategy, in scenario order, from the run's per-trial
/// figures and (for the exact means) its aggregates.
pub fn summarize(t: &PerTrial<'_>, agg: &Aggregates) -> Vec<Summary> {
    let r = t.total;
    let n_s = r.n_strategies();
    let n = r.n_trials();
    let sums = &agg.sums;
    // Each part on its own, in parallel; every figure is computed as it
    // would be alone, so nothing depends on the threads.
    let ((cheapest, split), (cash, lost_value)) = rayon::join(
        || rayon::join(|| prob_cheapest(r), || paired::cheapest_split(r)),
        || {
            rayon::join(
                || Brief::of_each(t.cash, &sums.cash),
                || Brief::of_each(t.lost_value, &sums.lost_value),
            )
        },
    );
    (0..n_s)
        .into_par_iter()
        .map(|s| {
            let mut v = r.totals_of(s);
            let mean = sums.total[s].mean(n as u64);
            let var = if n > 1 {
                v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
            } else {
                0.0
            };
            let cats = Costs::from_array(std::array::from_fn(|c| {
                sums.category[s * CATEGORIES.len() + c].mean(n as u64)
            }));
            v.sort_unstable_by(f64::total_cmp); // as in Brief::of_each
            let q = |p| quantile_sorted(&v, p);
            let tail = n.div_ceil(20).max(1);
            Summary {
                strategy: r.strategies()[s].clone(),
                trials: n as u64,
                mean,
                sd: var.sqrt(),
                sem: (var / n as f64).sqrt(),
                p5: q(0.05),
                p10: q(0.10),
                p25: q(0.25),
                p50: q(0.50),
                p75: q(0.75),
                p90: q(0.90),
                p95: q(0.95),
                cvar95: v[n - tail..].iter().sum::<f64>() / tail as f64,
                min: v[0],
                max: v[n - 1],
                prob_cheapest: cheapest[s],
                prob_strictly_cheapest: split[s].strictly,
                prob_tied_cheapest: split[s].tied,
                mean_categories: cats,
                cash: cash[s],
                lost_value: lost_value[s],
            }
        })
        .collect()
}

/// Share of trials in which each strategy has the lowest value of `r` (its
/// TCO, or its cash or lost value); strategies tied for the lowest share the
/// trial equally.
pub fn prob_cheapest(r: &Totals) -> Vec<f64> {
    let n_s = r.n_strategies();
    let n = r.n_trials();
    let mut wins = vec![0.0; n_s];
    for row in r.rows() {
        let best = row.iter().copied().fold(f64::INFINITY, f64::min);
        let tied = row.iter().filter(|x| **x == best).count() as f64;
        for (w, x) in wins.iter_mut().zip(row) {
            if *x == best {
                *w += 1.0 / tied;
            }
        }
    }
    wins.iter().map(|w| w / n as f64).collect()
}

/// Cumulative cost at the end of one month, across trials, and the mean
/// model quality then.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthBand {
    /// Index of the strategy.
    pub strategy: usize,
    /// Month (1 for the first).
    pub month: u32,
    /// Mean cumulative cost (from exact sums).
    pub mean: f64,
    /// 10th percentile, from the month's sketch (within its documented
    /// error), as are the median and 90th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Mean of `1 - degradation` at the end of the month.
    pub quality: f64,
}

/// Bands of cumulative cost for every strategy and month.
pub fn monthly(a: &Aggregates) -> Vec<MonthBand> {
    let mut out = Vec::with_capacity(a.strategies * a.horizon);
    for s in 0..a.strategies {
        for m in 0..a.horizon {
            let k = s * a.horizon + m;
            let sk = &a.cost[k];
            out.push(MonthBand {
                strategy: s,
                month: m as u32,
                mean: a.sums.cost[k].mean(a.trials),
                p10: sk.quantile(0.10),
                p50: sk.quantile(0.50),
                p90: sk.quantile(0.90),
                quality: 1.0 - a.sums.degradation[k].mean(a.trials),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert!((quantile_sorted(&v, 0.1) - 1.3).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn sorted_order_is_total_cmp_then_index() {
        let x = [
            3.0,
            -0.0,
            0.0,
            f64::NEG_INFINITY,
            1.5,
            3.0,
            -2.0,
            f64::INFINITY,
            0.0,
            -1e-300,
            f64::NAN,
            -f64::NAN,
            1.5,
        ];
        let want = |x: &[f64]| {
            let mut want: Vec<usize> = (0..x.len()).collect();
            want.sort_by(|a, b| x[*a].total_cmp(&x[*b]).then(a.cmp(b)));
            want
        };
        assert_eq!(sorted_order(&x), want(&x));
        // Values that are all exactly f32s take the packed path.
        let f32s: Vec<f64> = x
            .iter()
            .filter(|v| !v.is_nan() && f64::from(**v as f32) == **v)
            .chain(&[
                f64::from(1e-40f32),
                f64::from(-1e-40f32),
                f64::from(0.1f32),
                1.5,
                -0.0,
            ])
            .copied()
            .collect();
        assert!(f32s.len() > 10 && f32s.iter().all(|v| f64::from(*v as f32) == *v));
        assert_eq!(sorted_order(&f32s), want(&f32s));
    }

    #[test]
    fn selection_matches_sorting() {
        let data: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1009) as f64 * 0.5)
            .collect();
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        let ps = [0.0, 0.1, 0.25, 0.5, 0.9, 0.999, 1.0];
        let mut d = data.clone();
        let got = quantiles_unsorted(&mut d, &ps);
        for (p, g) in ps.iter().zip(got) {
            assert_eq!(g, quantile_sorted(&sorted, *p), "p = {p}");
        }
    }
}
