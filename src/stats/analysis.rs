//! Decision analysis over a run's trials: paired comparisons, Monte Carlo
//! precision, the settledness of the cheapest strategy, crossover months,
//! rank sensitivity and sweep flips.
//!
//! Why these exist: the tool supports a choice, so beyond "what does each
//! strategy cost" it must say "which is cheaper, how sure are we, and what
//! would change the answer". Strategies in one trial share the same sampled
//! world (common random numbers), so comparisons are made trial by trial
//! rather than between independent summaries: the noise common to both
//! strategies cancels.
//!
//! Everything here is a pure function of plain data. Reductions run over
//! trials in index order, and nothing draws random numbers, so every figure
//! is identical whatever the number of threads (sensitivity ranks input
//! columns in parallel, but each column is reduced on its own, in trial
//! order, and the rows are collected in input order).

use rayon::prelude::*;
use serde::Serialize;

use super::Totals;
use super::totals::InputDraws;
use super::{MonthBand, Summary, prob_cheapest, quantile_sorted, quantiles_unsorted};

/// The two-sided 95% standard normal quantile (the 97.5th percentile of
/// the standard normal), used by every 95% interval of the crate. Not to be
/// confused with `dist::Z_P95`, the one-sided 95th percentile.
pub const Z95_TWO_SIDED: f64 = 1.959964;

/// The half-width of a normal 95% interval around an estimate whose
/// standard deviation is `sd`: `Z95_TWO_SIDED * sd`. Every half-width of
/// the crate (paired differences, means, the report's precision line) is
/// this product; divide the result, never `sd` first, so the figures keep
/// their bits.
pub fn half_width95(sd: f64) -> f64 {
    Z95_TWO_SIDED * sd
}

/// Mean and sample standard deviation (n - 1; 0 when n < 2), summed in order.
fn mean_sd(data: &[f64]) -> (f64, f64) {
    let n = data.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = data.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = data.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1) as f64).sqrt())
}

// ---------------------------------------------------------------------------
// Paired comparison
// ---------------------------------------------------------------------------

/// The trial-by-trial comparison of strategy A with strategy B, on the
/// difference `A - B` of their TCOs in the same trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairComparison {
    /// Index of strategy A (scenario order).
    pub a: usize,
    /// Index of strategy B (scenario order).
    pub b: usize,
    /// Name of strategy A.
    pub a_name: String,
    /// Name of strategy B.
    pub b_name: String,
    /// Number of trials compared.
    pub trials: usize,
    /// Mean of `A - B` over trials (negative: A is cheaper on average).
    pub mean: f64,
    /// Sample standard deviation (n - 1) of `A - B`; 0 with one trial.
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean (normal
    /// approximation, `mean - 1.959964 * sd / sqrt(n)`).
    pub ci_low: f64,
    /// Upper end of that interval, `mean + 1.959964 * sd / sqrt(n)`.
    pub ci_high: f64,
    /// Median (type-7 P50) of `A - B`.
    pub median: f64,
    /// Share of trials with A strictly cheaper than B (`A < B`).
    pub p_a_cheaper: f64,
    /// Share of trials with exactly equal totals (`A == B` as `f64`).
    pub p_tie: f64,
    /// Share of trials with B strictly cheaper than A (`A > B`).
    pub p_b_cheaper: f64,
}

/// Paired comparisons of every ordered pair of distinct strategies `(A, B)`,
/// in scenario order with A major: `(0,1), (0,2), ..., (1,0), (1,2), ...`.
/// Empty when the run has no trials or fewer than two strategies.
///
/// The mirror pair `(B, A)` has the negated mean, interval and median and
/// the two strict probabilities swapped; the three probabilities sum to 1.
pub fn paired_comparisons(r: &Totals) -> Vec<PairComparison> {
    let n_s = r.n_strategies();
    let n = r.n_trials();
    if n == 0 {
        return Vec::new();
    }
    let pairs: Vec<(usize, usize)> = (0..n_s)
        .flat_map(|a| (0..n_s).filter(move |&b| b != a).map(move |b| (a, b)))
        .collect();
    // Each pair on its own, in parallel, collected in pair order.
    pairs
        .into_par_iter()
        .map(|(a, b)| {
            let mut diff = Vec::with_capacity(n);
            let (mut lt, mut eq, mut gt) = (0usize, 0usize, 0usize);
            for row in r.rows() {
                let (x, y) = (row[a], row[b]);
                diff.push(x - y);
                if x < y {
                    lt += 1;
                } else if x == y {
                    eq += 1;
                } else {
                    gt += 1;
                }
            }
            let (mean, sd) = mean_sd(&diff);
            let half = half_width95(sd) / (n as f64).sqrt();
            let median = quantiles_unsorted(&mut diff, &[0.5])[0];
            PairComparison {
                a,
                b,
                a_name: r.strategies()[a].clone(),
                b_name: r.strategies()[b].clone(),
                trials: n,
                mean,
                sd,
                ci_low: mean - half,
                ci_high: mean + half,
                median,
                p_a_cheaper: lt as f64 / n as f64,
                p_tie: eq as f64 / n as f64,
                p_b_cheaper: gt as f64 / n as f64,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Precision
// ---------------------------------------------------------------------------

/// A percentile's estimate with its Monte Carlo uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantileEstimate {
    /// The probability level (0.1 for P10).
    pub p: f64,
    /// The type-7 quantile of the trials (as in [`super::Summary`]).
    pub estimate: f64,
    /// Monte Carlo standard error: the width of the order-statistic 95%
    /// interval divided by `2 * 1.959964`.
    pub se: f64,
    /// Lower end of the order-statistic 95% interval `x_(j)` (0-based
    /// order statistic, `j = round(n p - 1.959964 sqrt(n p (1 - p)))`
    /// clamped to `[0, n - 1]`), lowered to the estimate if it lies above
    /// it (only possible with a handful of trials).
    pub ci_low: f64,
    /// Upper end `x_(k)`, `k = round(n p + 1.959964 sqrt(n p (1 - p)))`
    /// clamped likewise, raised to the estimate if it lies below it.
    pub ci_high: f64,
}

/// One strategy's Monte Carlo precision: how much its reported figures
/// would move with another seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Precision {
    /// Index of the strategy (scenario order).
    pub strategy: usize,
    /// Its name.
    pub name: String,
    /// Number of trials.
    pub trials: usize,
    /// Mean TCO, summed in trial order.
    pub mean: f64,
    /// Standard error of the mean, `sd / sqrt(n)` (sd with n - 1).
    pub mean_se: f64,
    /// Lower end of the mean's 95% interval, `mean - 1.959964 * mean_se`.
    pub mean_ci_low: f64,
    /// Upper end of the mean's 95% interval, `mean + 1.959964 * mean_se`.
    pub mean_ci_high: f64,
    /// P10 with its standard error and interval.
    pub p10: QuantileEstimate,
    /// P50 with its standard error and interval.
    pub p50: QuantileEstimate,
    /// P90 with its standard error and interval.
    pub p90: QuantileEstimate,
}

impl Precision {
    /// The 95% half-width of the mean relative to the mean; see
    /// [`relative_half_width`].
    pub fn relative_half_width(&self) -> f64 {
        relative_half_width(self.mean, self.mean_se)
    }
}

/// The 95% confidence half-width of a mean relative to the mean,
/// `1.959964 * se / |mean|`: 0.01 means the mean is known to within 1%.
/// When the mean is 0 this is 0 if `se` is 0 too, and infinite otherwise.
pub fn relative_half_width(mean: f64, se: f64) -> f64 {
    let half = half_width95(se);
    if half == 0.0 {
        0.0
    } else if mean == 0.0 {
        f64::INFINITY
    } else {
        half / mean.abs()
    }
}

/// The p-quantile of sorted data with its order-statistic (binomial) 95%
/// interval and the standard error derived from it.
/// `sorted` must be non-empty and ascending.
pub fn quantile_estimate(sorted: &[f64], p: f64) -> QuantileEstimate {
    let n = sorted.len();
    let estimate = quantile_sorted(sorted, p);
    let nf = n as f64;
    let spread = half_width95((nf * p * (1.0 - p)).max(0.0).sqrt());
    let last = (n - 1) as f64;
    let index = |x: f64| x.round().clamp(0.0, last) as usize;
    let (lo, hi) = (
        sorted[index(nf * p - spread)],
        sorted[index(nf * p + spread)],
    );
    QuantileEstimate {
        p,
        estimate,
        se: (hi - lo) / (2.0 * Z95_TWO_SIDED),
        ci_low: lo.min(estimate),
        ci_high: hi.max(estimate),
    }
}

/// Monte Carlo precision of every strategy's mean, P10, P50 and P90, in
/// scenario order. Empty when the run has no trials.
pub fn precision(r: &Totals) -> Vec<Precision> {
    let n = r.n_trials();
    if n == 0 {
        return Vec::new();
    }
    (0..r.n_strategies())
        .into_par_iter()
        .map(|s| {
            let mut v = r.totals_of(s);
            let (mean, sd) = mean_sd(&v);
            let mean_se = sd / (n as f64).sqrt();
            v.sort_unstable_by(f64::total_cmp);
            Precision {
                strategy: s,
                name: r.strategies()[s].clone(),
                trials: n,
                mean,
                mean_se,
                mean_ci_low: mean - half_width95(mean_se),
                mean_ci_high: mean + half_width95(mean_se),
                p10: quantile_estimate(&v, 0.10),
                p50: quantile_estimate(&v, 0.50),
                p90: quantile_estimate(&v, 0.90),
            }
        })
        .collect()
}

/// The Wilson score 95% interval of a proportion with `successes` (which
/// may be fractional) out of `n` trials, clamped to [0, 1]. With `n` = 0
/// the interval is [0, 1].
pub fn wilson(successes: f64, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let p = (successes / nf).clamp(0.0, 1.0);
    let z2 = Z95_TWO_SIDED * Z95_TWO_SIDED;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95_TWO_SIDED / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At p = 0 (or 1) the lower (upper) end is exactly 0 (1); rounding
    // would otherwise leave it a hair inside.
    let lo = if p == 0.0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let hi = if p == 1.0 {
        1.0
    } else {
        (center + half).min(1.0)
    };
    (lo, hi)
}

/// One strategy's share of trials in which it is cheapest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheapestShare {
    /// Index of the strategy (scenario order).
    pub strategy: usize,
    /// Its name.
    pub name: String,
    /// P(cheapest): share of trials it is cheapest in, ties split equally
    /// (as [`super::prob_cheapest`]).
    pub p: f64,
    /// Lower end of the Wilson 95% interval of `p` on the run's trials (the
    /// fractional win count is the success count).
    pub ci_low: f64,
    /// Upper end of that interval.
    pub ci_high: f64,
}

/// Whether the strategy most often cheapest is settled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settled {
    /// Number of trials.
    pub trials: usize,
    /// The strategy with the highest P(cheapest) (the first in scenario
    /// order among equals).
    pub leader: CheapestShare,
    /// The strategy with the next highest P(cheapest) (first among
    /// equals); `None` with a single strategy.
    pub runner_up: Option<CheapestShare>,
    /// True when the leader's interval lies wholly above the runner-up's
    /// (`leader.ci_low > runner_up.ci_high`), or there is no runner-up.
    pub settled: bool,
}

/// The strategy most often cheapest, the runner-up, and whether their
/// P(cheapest) intervals are separated.
///
/// # Panics
/// If the run has no strategies or no trials.
pub fn cheapest_settled(r: &Totals) -> Settled {
    let n_s = r.n_strategies();
    let n = r.n_trials();
    assert!(
        n_s > 0 && n > 0,
        "cheapest_settled needs at least one strategy and one trial"
    );
    let shares = prob_cheapest(r);
    let share = |s: usize| {
        let (ci_low, ci_high) = wilson(shares[s] * n as f64, n);
        CheapestShare {
            strategy: s,
            name: r.strategies()[s].clone(),
            p: shares[s],
            ci_low,
            ci_high,
        }
    };
    // Highest share first, equal shares in scenario order.
    let order = super::ranking::highest_first(&shares);
    let leader = share(order[0]);
    let runner_up = order.get(1).map(|&s| share(s));
    let settled = runner_up
        .as_ref()
        .is_none_or(|ru| leader.ci_low > ru.ci_high);
    Settled {
        trials: n,
        leader,
        runner_up,
        settled,
    }
}

/// Whether a precision run may stop: every strategy's mean is known to
/// within `rel` of itself (95% half-width, [`relative_half_width`]) and the
/// cheapest strategy is settled.
pub fn precision_reached(precision: &[Precision], settled: &Settled, rel: f64) -> bool {
    settled.settled && precision.iter().all(|p| p.relative_half_width() <= rel)
}

// ---------------------------------------------------------------------------
// Crossover
// ---------------------------------------------------------------------------

/// The first month index `m` such that `a[m'] > b[m']` for every `m' >= m`
/// to the end: from then on B is cheaper to date. `None` when `a` is not
/// strictly above `b` at the last month (or the series are empty). Where
/// the series cross back and forth, this is the start of the last run of
/// months with A above.
///
/// # Panics
/// If the series differ in length.
pub fn crossover(a: &[f64], b: &[f64]) -> Option<usize> {
    assert_eq!(a.len(), b.len(), "crossover series differ in length");
    let above = a.iter().zip(b).rev().take_while(|(x, y)| x > y).count();
    (above > 0).then(|| a.len() - above)
}

/// The crossover of one ordered pair of strategies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossover {
    /// Index of strategy A (scenario order).
    pub a: usize,
    /// Index of strategy B (scenario order).
    pub b: usize,
    /// First month index (0-based, as [`MonthBand::month`]; the month
    /// numbered `median_month + 1` to a reader) from which A's median
    /// cumulative cost stays strictly above B's to the horizon, i.e. from
    /// which B is cheaper to date; `None` if A is not above B at the horizon.
    pub median_month: Option<usize>,
    /// The same on the mean cumulative cost.
    pub mean_month: Option<usize>,
}

/// Crossovers of every ordered pair of distinct strategies `(A, B)`, A
/// major, from monthly bands laid out `[s * horizon + m]` (as
/// [`super::monthly`] returns them).
///
/// # Panics
/// If `bands.len() != strategies * horizon`.
pub fn crossovers(bands: &[MonthBand], strategies: usize, horizon: usize) -> Vec<Crossover> {
    assert_eq!(
        bands.len(),
        strategies * horizon,
        "bands must hold one entry per strategy and month"
    );
    let series = |s: usize, f: fn(&MonthBand) -> f64| -> Vec<f64> {
        bands[s * horizon..(s + 1) * horizon]
            .iter()
            .map(f)
            .collect()
    };
    let medians: Vec<Vec<f64>> = (0..strategies).map(|s| series(s, |b| b.p50)).collect();
    let means: Vec<Vec<f64>> = (0..strategies).map(|s| series(s, |b| b.mean)).collect();
    let mut out = Vec::with_capacity(strategies * strategies.saturating_sub(1));
    for a in 0..strategies {
        for b in (0..strategies).filter(|&b| b != a) {
            out.push(Crossover {
                a,
                b,
                median_month: crossover(&medians[a], &medians[b]),
                mean_month: crossover(&means[a], &means[b]),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Sensitivity
// ---------------------------------------------------------------------------

/// Ranks of `x` (1-based, ties given their average rank) minus the mean
/// rank `(n + 1) / 2`, in the order of `x`. Values are tied when `==`;
/// NaNs (never equal) get distinct ranks, ordered by `total_cmp`.
/// O(n log n). The centred ranks are half-integers, so they are exact.
fn centred_ranks(x: &[f64]) -> Vec<f64> {
    centred_ranks_and_sorted(x).0
}

/// [`centred_ranks`] of `x`, and `x` sorted by `total_cmp` (a by-product of
/// the ranking: the same values a sort of `x` gives).
fn centred_ranks_and_sorted(x: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = x.len();
    let order: Vec<(f64, usize)> = super::sorted_order(x)
        .into_iter()
        .map(|t| (x[t], t))
        .collect();
    let mid = (n as f64 + 1.0) / 2.0;
    let mut out = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && order[j].0 == order[i].0 {
            j += 1;
        }
        // 1-based ranks i+1 ..= j share their average.
        let rank = (i + 1 + j) as f64 / 2.0;
        for &(_, t) in &order[i..j] {
            out[t] = rank - mid;
        }
        i = j;
    }
    (out, order.into_iter().map(|(v, _)| v).collect())
}

/// Pearson correlation of two centred columns given their sums of squares;
/// 0 when either is constant, clamped to [-1, 1].
fn correlate(x: &[f64], xx: f64, y: &[f64], yy: f64) -> f64 {
    if xx <= 0.0 || yy <= 0.0 {
        return 0.0;
    }
    let xy: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
    (xy / (xx * yy).sqrt()).clamp(-1.0, 1.0)
}

fn sum_sq(x: &[f64]) -> f64 {
    x.iter().map(|a| a * a).sum()
}

/// Spearman's rank correlation of `x` and `y`: the Pearson correlation of
/// their ranks, tied values given their average rank. 0 when either side is
/// constant or has fewer than two values; never NaN.
///
/// # Panics
/// If `x` and `y` differ in length.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "spearman needs paired data");
    let (rx, ry) = (centred_ranks(x), centred_ranks(y));
    correlate(&rx, sum_sq(&rx), &ry, sum_sq(&ry))
}

/// What a sensitivity row correlates an input with (strategies by index,
/// scenario order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    /// One strategy's TCO.
    Strategy(usize),
    /// The first strategy's TCO minus the second's, trial by trial (see
    /// [`Sensitivity::difference`]).
    Difference(usize, usize),
}

impl Target {
    /// How the report names the target: the strategy's name, or
    /// `"{first} - {second}"` for a difference.
    pub fn label<S: AsRef<str>>(&self, names: &[S]) -> String {
        match *self {
            Target::Strategy(a) => names[a].as_ref().to_string(),
            Target::Difference(a, b) => {
                format!("{} - {}", names[a].as_ref(), names[b].as_ref())
            }
        }
    }
}

/// One rank correlation of an input with a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    /// The input's key path (from [`InputDraws::names`]).
    pub input: String,
    /// The target: a strategy's TCO, or the difference target (see
    /// [`Sensitivity::difference`]).
    pub target: Target,
    /// Spearman's rho of the input's values with the target over trials.
    pub rho: f64,
    /// The target's mean over the trials with the input at or above its
    /// P90 minus its mean over those at or below its P10, in dollars (0 when
    /// the input's P10 and P90 coincide).
    pub effect: f64,
}

/// The mean of `y` over the trials whose `x` is at or above the P90 of `x`
/// minus its mean over those at or below the P10: how much the target moves
/// from a low to a high input, in the target's units. Summed in trial
/// order; 0 when the P10 and P90 of `x` coincide.
pub fn decile_effect(x: &[f64], p10: f64, p90: f64, y: &[f64]) -> f64 {
    if p90 <= p10 {
        return 0.0;
    }
    let (mut hi, mut nh, mut lo, mut nl) = (0.0, 0usize, 0.0, 0usize);
    for (a, b) in x.iter().zip(y) {
        if *a >= p90 {
            hi += b;
            nh += 1;
        } else if *a <= p10 {
            lo += b;
            nl += 1;
        }
    }
    if nh == 0 || nl == 0 {
        return 0.0;
    }
    hi / nh as f64 - lo / nl as f64
}

/// Spearman rank correlations of every varying input with every target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The targets in order: each strategy's TCO (scenario order), then,
    /// with two or more strategies, the difference target.
    pub targets: Vec<Target>,
    /// The difference target as `(first, second)` strategy indices: the
    /// per-trial TCO of `first` minus that of `second`, the pair the caller
    /// asked for (a run asks for the verdict's two: `first` has the lowest
    /// median, `second` is its challenger). Its target name is
    /// `"{first name} - {second name}"`; a positive rho means a larger input
    /// makes `first` dearer relative to `second`. `None` when no pair was
    /// asked for (one strategy, or strategies that all cost the same).
    pub difference: Option<(usize, usize)>,
    /// One row per input and target, input-major: inputs in the order of
    /// [`InputDraws::names`], and for each input the targets in the order of
    /// `targets`.
    pub rows: Vec<SensitivityRow>,
}

impl Sensitivity {
    /// The `n` inputs with the largest |rho| for the difference target, as
    /// `(input key path, rho)`, sorted by |rho| descending (ties keep input
    /// order). Empty without a difference target.
    pub fn top_for_difference(&self, n: usize) -> Vec<(String, f64)> {
        if self.difference.is_none() || self.targets.is_empty() {
            return Vec::new();
        }
        let t = self.targets.len();
        let mut rows: Vec<(String, f64)> = self
            .rows
            .chunks_exact(t)
            .map(|c| (c[t - 1].input.clone(), c[t - 1].rho))
            .collect();
        rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        rows.truncate(n);
        rows
    }
}

/// Trials used for the sensitivity (the first ones of the run): enough for
/// a standard error of rho of about 0.002.
pub const SENSITIVITY_TRIALS: usize = 200_000;

/// Spearman rank correlation of every varying input (`inputs`) with each
/// strategy's TCO and with the difference of the two strategies in
/// `difference` (A − B; the run passes the verdict's two, see
/// `decide::verdict::contenders_of`; see [`Sensitivity::difference`]).
/// `summaries` are the run's summaries in scenario order (only their
/// number is checked).
///
/// Each input column and each target is ranked once (O(n log n)); input
/// columns are ranked in parallel and each rho is summed in trial order.
///
/// Runs of more than [`SENSITIVITY_TRIALS`] trials use their first
/// `SENSITIVITY_TRIALS` trials.
///
/// # Panics
/// If `summaries` does not hold one summary per strategy.
pub fn sensitivity(
    r: &Totals,
    inputs: &InputDraws,
    summaries: &[Summary],
    difference: Option<(usize, usize)>,
) -> Sensitivity {
    let n_s = r.n_strategies();
    // Rank correlations settle long before a million trials (their standard
    // error is about 1/sqrt(n)): the first SENSITIVITY_TRIALS trials are used.
    let n = r.n_trials().min(SENSITIVITY_TRIALS);
    let k_n = inputs.names().len();
    assert_eq!(summaries.len(), n_s, "one summary per strategy is needed");
    let difference = difference.filter(|&(a, b)| a != b && a < n_s && b < n_s);

    let mut targets: Vec<Target> = (0..n_s).map(Target::Strategy).collect();
    let mut columns: Vec<Vec<f64>> = (0..n_s)
        .map(|s| r.totals_of(s).into_iter().take(n).collect())
        .collect();
    if let Some((f, s)) = difference {
        targets.push(Target::Difference(f, s));
        columns.push(r.rows().take(n).map(|row| row[f] - row[s]).collect());
    }
    let ranked: Vec<(Vec<f64>, f64)> = columns
        .par_iter()
        .map(|c| {
            let r = centred_ranks(c);
            let ss = sum_sq(&r);
            (r, ss)
        })
        .collect();

    let rhos: Vec<Vec<(f64, f64)>> = (0..k_n)
        .into_par_iter()
        .map(|k| {
            let col: Vec<f64> = (0..n).map(|t| f64::from(inputs.value(t, k))).collect();
            let (rk, sorted) = centred_ranks_and_sorted(&col);
            let kk = sum_sq(&rk);
            let (p10, p90) = if n == 0 {
                (0.0, 0.0)
            } else {
                (
                    super::quantile_sorted(&sorted, 0.1),
                    super::quantile_sorted(&sorted, 0.9),
                )
            };
            ranked
                .iter()
                .zip(&columns)
                .map(|((rt, tt), y)| {
                    (
                        correlate(&rk, kk, rt, *tt),
                        decile_effect(&col, p10, p90, y),
                    )
                })
                .collect()
        })
        .collect();
    drop(columns);

    let rows = inputs
        .names()
        .iter()
        .zip(rhos)
        .flat_map(|(input, rs)| {
            targets
                .iter()
                .zip(rs)
                .map(|(target, (rho, effect))| SensitivityRow {
                    input: input.clone(),
                    target: *target,
                    rho,
                    effect,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Sensitivity {
        targets,
        difference,
        rows,
    }
}

// ---------------------------------------------------------------------------
// Sweeps
// ---------------------------------------------------------------------------

/// Where the best strategy of a one-key sweep changes. `values` are the
/// swept values in ascending order and `best[i]` the index of the strategy
/// with the lowest median at `values[i]`. Returns, for each change,
/// `(first value where the new strategy is best, old index, new index)`.
///
/// # Panics
/// If the slices differ in length.
pub fn flips(values: &[f64], best: &[usize]) -> Vec<(f64, usize, usize)> {
    assert_eq!(
        values.len(),
        best.len(),
        "one best strategy per swept value"
    );
    best.windows(2)
        .zip(values.iter().skip(1))
        .filter(|(w, _)| w[0] != w[1])
        .map(|(w, &v)| (v, w[0], w[1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Aggregates, PerTrial, summarize};

    /// A run's totals and input draws; derefs to the totals.
    struct Run {
        t: Totals,
        d: InputDraws,
    }

    impl std::ops::Deref for Run {
        type Target = Totals;
        fn deref(&self) -> &Totals {
            &self.t
        }
    }

    fn results(names: &[&str], totals: Vec<f64>, inputs: &[&str], values: Vec<f32>) -> Run {
        let names = names.iter().map(|x| x.to_string()).collect();
        let inputs = inputs.iter().map(|x| x.to_string()).collect();
        Run {
            t: Totals::new(names, totals).expect("valid totals"),
            d: InputDraws::new(inputs, values).expect("valid draws"),
        }
    }

    /// Summaries (only the quantiles matter to these tests).
    /// The two lowest medians, the pair the tests explain.
    fn leaders(summaries: &[Summary]) -> Option<(usize, usize)> {
        crate::stats::ranking::Ranking::of(summaries).leaders()
    }

    fn summaries_of(r: &Run) -> Vec<Summary> {
        let t = PerTrial {
            total: &r.t,
            cash: &r.t,
            lost_value: &r.t,
        };
        summarize(&t, &Aggregates::new(r.n_strategies(), 1))
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
    }

    /// A simple 64-bit LCG mapped to [0, 1).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn paired_closed_form_from_the_brief() {
        let r = results(&["A", "B"], vec![1., 2., 3., 3., 5., 4.], &[], vec![]);
        let c = paired_comparisons(&r);
        assert_eq!(c.len(), 2);
        let ab = &c[0];
        assert_eq!((ab.a, ab.b), (0, 1));
        assert!(close(ab.p_a_cheaper, 1. / 3., 1e-15));
        assert!(close(ab.p_tie, 1. / 3., 1e-15));
        assert!(close(ab.p_b_cheaper, 1. / 3., 1e-15));
        assert_eq!(ab.mean, 0.0);
        assert_eq!(ab.median, 0.0);
        assert!(close(ab.sd, 1.0, 1e-15));
        assert!(close(ab.ci_high, 1.959964 / 3f64.sqrt(), 1e-12));
        assert!(close(ab.ci_low, -1.959964 / 3f64.sqrt(), 1e-12));
    }

    #[test]
    fn paired_closed_form_asymmetric() {
        // A - B: -1, 0, 1, -4.
        let r = results(
            &["A", "B"],
            vec![1., 2., 3., 3., 5., 4., 0., 4.],
            &[],
            vec![],
        );
        let c = paired_comparisons(&r);
        let ab = &c[0];
        assert_eq!(ab.trials, 4);
        assert_eq!(ab.mean, -1.0);
        assert!(close(ab.sd, (14.0f64 / 3.0).sqrt(), 1e-14));
        let half = 1.959964 * (14.0f64 / 3.0).sqrt() / 2.0;
        assert!(close(ab.ci_low, -1.0 - half, 1e-12));
        assert!(close(ab.ci_high, -1.0 + half, 1e-12));
        assert_eq!(ab.median, -0.5);
        assert_eq!(ab.p_a_cheaper, 0.5);
        assert_eq!(ab.p_tie, 0.25);
        assert_eq!(ab.p_b_cheaper, 0.25);
        let ba = &c[1];
        assert_eq!((ba.a, ba.b), (1, 0));
        assert_eq!((ba.a_name.as_str(), ba.b_name.as_str()), ("B", "A"));
        assert_eq!(ba.mean, 1.0);
        assert_eq!(ba.median, 0.5);
        assert_eq!(ba.p_a_cheaper, 0.25);
        assert_eq!(ba.p_b_cheaper, 0.5);
    }

    #[test]
    fn paired_mirror_invariants_and_order() {
        let mut g = Lcg(7);
        let s = 3;
        let n = 501;
        // Rounded to whole units so that ties occur.
        let totals: Vec<f64> = (0..n * s).map(|_| (g.next() * 20.0).round()).collect();
        let r = results(&["A", "B", "C"], totals, &[], vec![]);
        let c = paired_comparisons(&r);
        let pairs: Vec<(usize, usize)> = c.iter().map(|x| (x.a, x.b)).collect();
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]);
        let mut any_tie = false;
        for x in &c {
            assert!(close(x.p_a_cheaper + x.p_b_cheaper + x.p_tie, 1.0, 1e-15));
            any_tie |= x.p_tie > 0.0;
            let m = c.iter().find(|y| (y.a, y.b) == (x.b, x.a)).unwrap();
            assert_eq!(m.mean, -x.mean);
            assert_eq!(m.ci_low, -x.ci_high);
            assert_eq!(m.ci_high, -x.ci_low);
            assert!(close(m.median, -x.median, 1e-12));
            assert_eq!(m.p_a_cheaper, x.p_b_cheaper);
            assert_eq!(m.p_b_cheaper, x.p_a_cheaper);
            assert_eq!(m.p_tie, x.p_tie);
            assert!(x.ci_low < x.mean && x.mean < x.ci_high);
        }
        assert!(any_tie, "the data must exercise ties");
    }

    #[test]
    fn paired_single_trial_interval_is_the_point() {
        let r = results(&["A", "B"], vec![10., 4.], &[], vec![]);
        let ab = &paired_comparisons(&r)[0];
        assert_eq!(
            (ab.mean, ab.ci_low, ab.ci_high, ab.median),
            (6., 6., 6., 6.)
        );
        assert_eq!(ab.p_b_cheaper, 1.0);
        assert!(paired_comparisons(&results(&["A"], vec![1.], &[], vec![])).is_empty());
    }

    #[test]
    fn precision_of_the_mean_of_a_known_sample() {
        // A: 2,4,4,4,5,5,7,9: mean 5, sum of squares 32, sd = sqrt(32/7).
        let a = [2., 4., 4., 4., 5., 5., 7., 9.];
        let totals: Vec<f64> = a.iter().flat_map(|&x| [x, 100.0]).collect();
        let r = results(&["A", "B"], totals, &[], vec![]);
        let p = precision(&r);
        assert_eq!(p.len(), 2);
        let se = (32.0f64 / 7.0).sqrt() / 8f64.sqrt();
        assert_eq!(p[0].mean, 5.0);
        assert!(close(p[0].mean_se, se, 1e-14));
        assert!(close(p[0].mean_ci_low, 5.0 - 1.959964 * se, 1e-14));
        assert!(close(p[0].mean_ci_high, 5.0 + 1.959964 * se, 1e-14));
        assert!(close(
            p[0].relative_half_width(),
            1.959964 * se / 5.0,
            1e-14
        ));
        // A constant strategy is known exactly.
        assert_eq!(p[1].mean_se, 0.0);
        assert_eq!(p[1].relative_half_width(), 0.0);
        assert_eq!(p[1].p90.se, 0.0);
    }

    #[test]
    fn relative_half_width_cases() {
        assert!(close(relative_half_width(100.0, 5.0), 0.0979982, 1e-12));
        assert!(close(relative_half_width(-100.0, 5.0), 0.0979982, 1e-12));
        assert_eq!(relative_half_width(0.0, 0.0), 0.0);
        assert_eq!(relative_half_width(0.0, 1.0), f64::INFINITY);
    }

    #[test]
    fn quantile_standard_errors_from_order_statistics() {
        // 0..99 in a scrambled trial order (37 is coprime with 100).
        let totals: Vec<f64> = (0..100).map(|i| ((i * 37) % 100) as f64).collect();
        let r = results(&["A"], totals, &[], vec![]);
        let p = &precision(&r)[0];
        // P50: 50 -+ 1.959964 * 5 -> order statistics 40 and 60.
        assert!(close(p.p50.estimate, 49.5, 1e-15));
        assert_eq!((p.p50.ci_low, p.p50.ci_high), (40.0, 60.0));
        assert!(close(p.p50.se, 20.0 / (2.0 * 1.959964), 1e-14));
        // P10: 10 -+ 1.959964 * 3 -> 4 and 16.
        assert!(close(p.p10.estimate, 9.9, 1e-14));
        assert_eq!((p.p10.ci_low, p.p10.ci_high), (4.0, 16.0));
        assert!(close(p.p10.se, 12.0 / (2.0 * 1.959964), 1e-14));
        // P90: 90 -+ 5.88 -> 84 and 96.
        assert!(close(p.p90.estimate, 89.1, 1e-14));
        assert_eq!((p.p90.ci_low, p.p90.ci_high), (84.0, 96.0));
        assert_eq!(p.p10.p, 0.1);
        assert_eq!(p.p90.p, 0.9);
    }

    #[test]
    fn quantile_interval_is_clamped_to_the_sample() {
        // n = 5, p = 0.1: 0.5 -+ 1.31 -> clamped to order statistics 0 and 2.
        let q = quantile_estimate(&[1., 2., 3., 4., 5.], 0.1);
        assert_eq!((q.ci_low, q.ci_high), (1.0, 3.0));
        assert!(close(q.se, 2.0 / (2.0 * 1.959964), 1e-14));
        // n = 2, p = 0.9: both ends land on the last order statistic, the
        // interval is widened to the estimate.
        let q = quantile_estimate(&[0., 10.], 0.9);
        assert!(close(q.estimate, 9.0, 1e-15));
        assert_eq!((q.ci_low, q.ci_high), (9.0, 10.0));
        assert_eq!(q.se, 0.0);
        let q = quantile_estimate(&[7.0], 0.5);
        assert_eq!((q.estimate, q.ci_low, q.ci_high, q.se), (7., 7., 7., 0.));
    }

    #[test]
    fn wilson_worked_values() {
        let (lo, hi) = wilson(50.0, 100);
        assert!((lo - 0.4038).abs() < 5e-5, "{lo}");
        assert!((hi - 0.5962).abs() < 5e-5, "{hi}");
        // 0 of 10: [0, 0.2775] (z^2 / (n + z^2)).
        let (lo, hi) = wilson(0.0, 10);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.27753).abs() < 5e-5, "{hi}");
        let (lo, hi) = wilson(10.0, 10);
        assert!((lo - 0.72247).abs() < 5e-5, "{lo}");
        assert_eq!(hi, 1.0);
        // Fractional counts lie between their integer neighbours.
        let (a, _) = wilson(50.0, 100);
        let (b, _) = wilson(50.5, 100);
        let (c, _) = wilson(51.0, 100);
        assert!(a < b && b < c);
    }

    /// Totals where strategy `winner(t)` is cheapest in trial t.
    fn wins(s: usize, winners: &[usize]) -> Vec<f64> {
        winners
            .iter()
            .flat_map(|&w| (0..s).map(move |i| if i == w { 1.0 } else { 2.0 + i as f64 }))
            .collect()
    }

    #[test]
    fn clear_leader_is_settled() {
        let mut winners = vec![1; 70];
        winners.extend([2; 20]);
        winners.extend([0; 10]);
        let r = results(&["A", "B", "C"], wins(3, &winners), &[], vec![]);
        let s = cheapest_settled(&r);
        assert_eq!(s.trials, 100);
        assert_eq!(s.leader.strategy, 1);
        assert_eq!(s.leader.name, "B");
        assert!(close(s.leader.p, 0.7, 1e-15));
        let (lo, hi) = wilson(70.0, 100);
        assert_eq!((s.leader.ci_low, s.leader.ci_high), (lo, hi));
        let ru = s.runner_up.as_ref().unwrap();
        assert_eq!(ru.strategy, 2);
        assert!(close(ru.p, 0.2, 1e-15));
        assert!(s.settled);
    }

    #[test]
    fn close_race_is_not_settled() {
        let mut winners = vec![0; 48];
        winners.extend([1; 52]);
        let r = results(&["A", "B"], wins(2, &winners), &[], vec![]);
        let s = cheapest_settled(&r);
        assert_eq!(s.leader.strategy, 1);
        assert_eq!(s.runner_up.as_ref().unwrap().strategy, 0);
        assert!(!s.settled);
    }

    #[test]
    fn ties_count_fractionally_and_equal_shares_go_to_scenario_order() {
        // A<B, tie, tie, B<A: each has 1 + 0.5 + 0.5 = 2 of 4; A leads by
        // scenario order.
        let r = results(
            &["A", "B"],
            vec![1., 2., 3., 3., 4., 4., 6., 5.],
            &[],
            vec![],
        );
        let s = cheapest_settled(&r);
        assert_eq!(s.leader.strategy, 0);
        assert_eq!(s.runner_up.as_ref().unwrap().strategy, 1);
        assert_eq!(s.leader.p, 0.5);
        assert!(!s.settled);
        // A wins twice and ties twice: 3 of 4 successes (0.5 per tie).
        let r = results(
            &["A", "B"],
            vec![1., 2., 3., 3., 4., 4., 5., 6.],
            &[],
            vec![],
        );
        let s = cheapest_settled(&r);
        assert_eq!(s.leader.p, 0.75);
        let (lo, hi) = wilson(3.0, 4);
        assert_eq!((s.leader.ci_low, s.leader.ci_high), (lo, hi));
        assert_eq!(s.runner_up.as_ref().unwrap().p, 0.25);
    }

    #[test]
    fn one_strategy_is_settled() {
        let r = results(&["Only"], vec![3., 4., 5.], &[], vec![]);
        let s = cheapest_settled(&r);
        assert!(s.settled);
        assert!(s.runner_up.is_none());
        assert_eq!(s.leader.p, 1.0);
    }

    #[test]
    fn precision_target() {
        let mut winners = vec![0; 90];
        winners.extend([1; 10]);
        let r = results(&["A", "B"], wins(2, &winners), &[], vec![]);
        let (p, s) = (precision(&r), cheapest_settled(&r));
        assert!(s.settled);
        let worst = p
            .iter()
            .map(Precision::relative_half_width)
            .fold(0.0, f64::max);
        assert!(worst > 0.0);
        assert!(precision_reached(&p, &s, worst));
        assert!(!precision_reached(&p, &s, worst * 0.99));
        let unsettled = Settled {
            settled: false,
            ..s
        };
        assert!(!precision_reached(&p, &unsettled, f64::INFINITY));
    }

    #[test]
    fn crossover_cases() {
        let b = [2.0; 5];
        assert_eq!(crossover(&[1., 1., 1., 1., 1.], &b), None);
        assert_eq!(crossover(&[3., 3., 3., 3., 3.], &b), Some(0));
        assert_eq!(crossover(&[1., 5., 1., 5., 5.], &b), Some(3));
        assert_eq!(crossover(&[1., 1., 1., 1., 3.], &b), Some(4));
        // Above, then below at the end: never settles.
        assert_eq!(crossover(&[5., 5., 5., 5., 1.], &b), None);
        // Equal at the end is not above.
        assert_eq!(crossover(&[1., 3., 3., 3., 2.], &b), None);
        assert_eq!(crossover(&[], &[]), None);
    }

    fn band(strategy: usize, month: u32, mean: f64, p50: f64) -> MonthBand {
        MonthBand {
            strategy,
            month,
            mean,
            p10: 0.0,
            p50,
            p90: 0.0,
            quality: 1.0,
        }
    }

    #[test]
    fn crossovers_on_medians_and_means() {
        // A: cheap start, steep; B: setup fee, flat. Medians cross at month
        // index 2, means at 3.
        let a = [(1., 1.), (2., 2.), (5., 4.), (8., 8.)];
        let b = [(4., 3.), (4., 3.), (5., 3.), (6., 3.)];
        let mut bands = Vec::new();
        for (s, series) in [a, b].iter().enumerate() {
            for (m, &(mean, p50)) in series.iter().enumerate() {
                bands.push(band(s, m as u32, mean, p50));
            }
        }
        let c = crossovers(&bands, 2, 4);
        assert_eq!(
            c,
            vec![
                Crossover {
                    a: 0,
                    b: 1,
                    median_month: Some(2),
                    mean_month: Some(3),
                },
                Crossover {
                    a: 1,
                    b: 0,
                    median_month: None,
                    mean_month: None,
                },
            ]
        );
    }

    #[test]
    fn spearman_closed_forms() {
        let x = [1., 2., 3., 4., 5.];
        let cubes: Vec<f64> = x.iter().map(|v: &f64| v.powi(3)).collect();
        assert!(close(spearman(&x, &cubes), 1.0, 1e-15));
        let rev = [50., 40., 30., 20., 10.];
        assert!(close(spearman(&x, &rev), -1.0, 1e-15));
        // sum d^2 = 4: 1 - 6 * 4 / (5 * 24) = 0.8.
        assert!(close(spearman(&x, &[2., 1., 4., 3., 5.]), 0.8, 1e-15));
        // Ties get average ranks: (1.5, 1.5, 3) against (1, 2, 3).
        assert!((spearman(&[1., 1., 2.], &[1., 2., 3.]) - 0.8660254).abs() < 1e-7);
        // Order of the data does not matter, only the pairing.
        assert!((spearman(&[2., 1., 1.], &[3., 2., 1.]) - 0.8660254).abs() < 1e-7);
    }

    #[test]
    fn spearman_is_never_nan() {
        assert_eq!(spearman(&[1., 1., 1.], &[1., 2., 3.]), 0.0);
        assert_eq!(spearman(&[1., 2., 3.], &[4., 4., 4.]), 0.0);
        assert_eq!(spearman(&[1.], &[2.]), 0.0);
        assert_eq!(spearman(&[], &[]), 0.0);
        assert!(!spearman(&[f64::NAN, 1., 2.], &[1., 2., 3.]).is_nan());
    }

    #[test]
    fn centred_ranks_average_ties() {
        assert_eq!(
            centred_ranks(&[3., 1., 3., 2., 3.]),
            // ranks 4, 1, 4, 2, 4; mean 3.
            vec![1., -2., 1., -1., 1.]
        );
    }

    /// The report labels of the targets of `sens`.
    fn labels(sens: &Sensitivity, r: &Totals) -> Vec<String> {
        sens.targets
            .iter()
            .map(|t| t.label(r.strategies()))
            .collect()
    }

    #[test]
    fn planted_driver_is_found() {
        let n = 20_000;
        let keys = ["noise.a", "driver", "noise.b", "noise.c"];
        let k_n = keys.len();
        let mut g = Lcg(12345);
        let values: Vec<f32> = (0..n * k_n).map(|_| g.next() as f32).collect();
        let mut totals = Vec::with_capacity(n * 3);
        for t in 0..n {
            let x = f64::from(values[t * k_n + 1]);
            // A: cheapest median, rises fast with the driver; B: rises slowly;
            // A - B rises with it. C: pure noise, far dearer.
            totals.push(1000.0 + 10.0 * x);
            totals.push(1200.0 + 2.0 * x.powi(3));
            totals.push(5000.0 + 100.0 * g.next());
        }
        let r = results(&["A", "B", "C"], totals, &keys, values);
        let summaries = summaries_of(&r);
        let sens = sensitivity(&r, &r.d, &summaries, leaders(&summaries));
        assert_eq!(labels(&sens, &r), ["A", "B", "C", "A - B"]);
        assert_eq!(sens.difference, Some((0, 1)));
        assert_eq!(sens.rows.len(), k_n * 4);
        for (i, row) in sens.rows.iter().enumerate() {
            assert_eq!(row.input, keys[i / 4]);
            assert_eq!(row.target, sens.targets[i % 4]);
            let planted = row.input == "driver" && row.target != Target::Strategy(2);
            if planted {
                assert!(row.rho > 0.9999, "{row:?}");
            } else {
                assert!(row.rho.abs() < 0.05, "{row:?}");
            }
        }
        let top = sens.top_for_difference(2);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].0, "driver");
        assert!(top[0].1 > 0.9999);
        assert!(top[1].1.abs() < 0.05);
        assert_eq!(sens.top_for_difference(10).len(), k_n);
    }

    #[test]
    fn negative_driver_of_the_difference() {
        let n = 2_000;
        let mut g = Lcg(99);
        let values: Vec<f32> = (0..n * 2).map(|_| g.next() as f32).collect();
        let mut totals = Vec::with_capacity(n * 2);
        for t in 0..n {
            let x = f64::from(values[t * 2]);
            // B has the lower median; the difference is B - A = -20 x.
            totals.push(1000.0 + 30.0 * x);
            totals.push(500.0 + 10.0 * x);
        }
        let r = results(&["A", "B"], totals, &["x", "y"], values);
        let sens = sensitivity(&r, &r.d, &summaries_of(&r), leaders(&summaries_of(&r)));
        assert_eq!(sens.difference, Some((1, 0)));
        assert_eq!(labels(&sens, &r)[2], "B - A");
        let top = sens.top_for_difference(1);
        assert_eq!(top[0].0, "x");
        assert!(top[0].1 < -0.9999, "{top:?}");
    }

    #[test]
    fn difference_target_breaks_median_ties_by_scenario_order() {
        let r = results(
            &["A", "B", "C"],
            vec![5., 3., 3., 6., 4., 4.],
            &["x"],
            vec![1.0, 2.0],
        );
        let mut summaries = summaries_of(&r);
        assert_eq!(summaries[1].p50, summaries[2].p50);
        let sens = sensitivity(&r, &r.d, &summaries, leaders(&summaries));
        assert_eq!(sens.difference, Some((1, 2)));
        assert_eq!(labels(&sens, &r)[3], "B - C");
        // The difference is constant here: rho 0.
        assert_eq!(sens.rows[3].rho, 0.0);
        // A strictly lower median for C makes it first.
        summaries[2].p50 -= 1.0;
        let sens = sensitivity(&r, &r.d, &summaries, leaders(&summaries));
        assert_eq!(sens.difference, Some((2, 1)));
        assert_eq!(labels(&sens, &r)[3], "C - B");
    }

    #[test]
    fn top_for_difference_keeps_input_order_among_equal_magnitudes() {
        let (a, b, d) = (
            Target::Strategy(0),
            Target::Strategy(1),
            Target::Difference(0, 1),
        );
        let row = |input: &str, target: Target, rho: f64| SensitivityRow {
            input: input.into(),
            target,
            rho,
            effect: 0.0,
        };
        let sens = Sensitivity {
            targets: vec![a, b, d],
            difference: Some((0, 1)),
            rows: vec![
                row("p", a, 0.9),
                row("p", b, 0.9),
                row("p", d, 0.2),
                row("q", a, 0.0),
                row("q", b, 0.0),
                row("q", d, -0.5),
                row("r", a, 0.0),
                row("r", b, 0.0),
                row("r", d, 0.5),
            ],
        };
        assert_eq!(
            sens.top_for_difference(3),
            vec![("q".into(), -0.5), ("r".into(), 0.5), ("p".into(), 0.2)]
        );
        assert_eq!(sens.top_for_difference(1), vec![("q".into(), -0.5)]);
    }

    #[test]
    fn single_strategy_has_no_difference_target() {
        let r = results(&["Only"], vec![1., 2., 3.], &["x"], vec![3.0, 2.0, 1.0]);
        let sens = sensitivity(&r, &r.d, &summaries_of(&r), leaders(&summaries_of(&r)));
        assert_eq!(sens.difference, None);
        assert_eq!(labels(&sens, &r), ["Only"]);
        assert_eq!(sens.rows.len(), 1);
        assert!(close(sens.rows[0].rho, -1.0, 1e-15));
        assert!(sens.top_for_difference(5).is_empty());
    }

    #[test]
    fn flips_of_a_sweep() {
        let values = [3., 6., 12., 18., 24.];
        assert_eq!(
            flips(&values, &[0, 0, 1, 1, 0]),
            vec![(12.0, 0, 1), (24.0, 1, 0)]
        );
        assert_eq!(flips(&values, &[2, 2, 2, 2, 2]), vec![]);
        assert_eq!(flips(&[1., 2.], &[0, 1]), vec![(2.0, 0, 1)]);
        assert_eq!(flips(&[], &[]), vec![]);
    }
}
