//! What to learn first: the expected value of partial perfect information
//! (EVPPI) of every input that varies across trials, estimated from the
//! run's own trials.
//!
//! The objective is the mean total cost (TCO: cash plus lost value, or the
//! cash alone when the scenario leaves business impact out). Without more
//! information one picks the strategy with the lowest mean TCO over all
//! trials. Knowing an input's value exactly before choosing, one would pick
//! the strategy with the lowest mean TCO *given that value*. EVPPI is the
//! expected saving:
//!
//! `EVPPI = min_s E[T_s] - E_x[ min_s E[T_s | x] ]`  (never negative).
//!
//! The estimator (nonparametric, no model of the costs): the input's values
//! are cut into `K` bins of about equal count (tied values stay in one bin),
//! `E[T_s | x]` is the mean TCO of strategy `s` over the trials of the bin,
//! and the outer expectation weights each bin by its share of trials.
//!
//! Two errors are stated with every figure:
//! * **bias**: taking the minimum of noisy bin means is biased upwards (the
//!   best strategy in a bin looks better than it is). The same estimator is
//!   applied to the input shuffled across trials (which then carries no
//!   information, so its true EVPPI is 0), [`NULL_SHUFFLES`] times, and the
//!   mean is reported: what an irrelevant input scores, the noise floor. For
//!   an input that matters the bias is smaller than this (its bins' best
//!   strategies are clearer), so `evppi - bias` is a conservative figure.
//!   Coarse bins bias the other way (they average over values that would
//!   call for different choices); with `K` near `n^(1/3)` both are small.
//! * **standard error**: a parametric bootstrap of the bin means (each bin's
//!   vector of strategy means drawn from a normal with the bin's own
//!   covariance across strategies, which keeps the common random numbers'
//!   correlation), [`BOOTSTRAP_REPS`] replicates; the standard deviation of
//!   the replicated estimates.
//!
//! Every random number comes from a named stream (`voi.bootstrap`,
//! `voi.shuffle`) keyed by the run's seed, and every sum runs in trial order;
//! inputs are computed in parallel but each on its own and collected in
//! input order, so the figures are identical whatever the number of threads.

use rayon::prelude::*;

use super::{InputDraws, Totals};
use crate::dist::std_normal_quantile;
use crate::rng::{self, StreamRng};

/// Trials used (the first ones of larger runs), as for the sensitivity.
pub const VOI_TRIALS: usize = super::analysis::SENSITIVITY_TRIALS;
/// Bootstrap replicates for the standard error.
pub const BOOTSTRAP_REPS: usize = 200;
/// Shuffles of the input for the bias (noise floor).
pub const NULL_SHUFFLES: usize = 10;
/// The most bins (at most 256: a bin is stored in a byte).
pub const MAX_BINS: usize = 50;
// The shuffles store trial indices as u32, bins as u8.
const _: () = assert!(VOI_TRIALS <= u32::MAX as usize && MAX_BINS <= 256);

/// The number of bins for `n` trials: the cube root of `n`, rounded, kept
/// between 2 and [`MAX_BINS`] (10,000 trials: 22 bins of about 450).
pub fn bins_for(n: usize) -> usize {
    ((n as f64).cbrt().round() as usize).clamp(2, MAX_BINS)
}

/// The value of learning one input exactly before choosing.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiRow {
    /// The input's key path.
    pub input: String,
    /// The estimated EVPPI in dollars (mean TCO saved).
    pub evppi: f64,
    /// Its Monte Carlo standard error (parametric bootstrap).
    pub se: f64,
    /// The estimator's upward bias, estimated as its mean on the input
    /// shuffled across trials (the score of an irrelevant input).
    pub bias: f64,
    /// Bins the input's values were cut into (fewer than asked when many
    /// values are tied).
    pub bins: usize,
    /// The strategy with the lowest mean TCO without the information.
    pub choice_now: usize,
    /// The strategy with the lowest mean TCO in the lowest bin of the input.
    pub choice_if_low: usize,
    /// ... and in the highest bin.
    pub choice_if_high: usize,
    /// Share of trials whose bin calls for another strategy than
    /// `choice_now`.
    pub share_changed: f64,
}

impl VoiRow {
    /// The EVPPI less its bias, never below zero: a conservative figure.
    pub fn net(&self) -> f64 {
        (self.evppi - self.bias).max(0.0)
    }
}

/// The EVPPI of every input, and the value of perfect information on
/// everything (EVPI) for scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Voi {
    /// Strategy names, in scenario order (rows refer to them by index).
    pub strategies: Vec<String>,
    /// Trials used.
    pub trials: usize,
    /// One row per varying input, in input order. Empty with fewer than
    /// two strategies (there is nothing to choose).
    pub rows: Vec<VoiRow>,
}

impl Voi {
    /// The rows ranked for "what to learn first": by EVPPI, largest first
    /// (ties keep input order), with the strategies' names:
    /// `(row, choice now, choice if low, choice if high)`.
    pub fn ranked(&self) -> Vec<(&VoiRow, &str, &str, &str)> {
        ranked(&self.rows, &self.strategies)
    }
}

/// `rows` ranked by EVPPI, largest first (ties keep their order), each with
/// the names of its choices: `(row, choice now, choice if low, choice if
/// high)`. An index outside `strategies` is named `"?"`.
pub fn ranked<'a>(
    rows: &'a [VoiRow],
    strategies: &'a [String],
) -> Vec<(&'a VoiRow, &'a str, &'a str, &'a str)> {
    let name = |i: usize| strategies.get(i).map_or("?", String::as_str);
    let mut out: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r,
                name(r.choice_now),
                name(r.choice_if_low),
                name(r.choice_if_high),
            )
        })
        .collect();
    out.sort_by(|a, b| b.0.evppi.total_cmp(&a.0.evppi));
    out
}

/// The expected value of perfect information on everything (EVPI): the
/// mean over trials of the TCO of the strategy with the lowest mean minus
/// the lowest TCO of the trial. `totals[s][t]` is strategy `s`'s TCO in
/// trial `t`. Exact for the trials given (no bias); an upper bound of every
/// EVPPI.
pub fn evpi(totals: &[Vec<f64>]) -> f64 {
    let n = totals.iter().map(Vec::len).min().unwrap_or(0);
    if totals.len() < 2 || n == 0 {
        return 0.0;
    }
    let means: Vec<f64> = totals
        .iter()
        .map(|t| t[..n].iter().sum::<f64>() / n as f64)
        .collect();
    let best = argmin(&means);
    let mut sum = 0.0;
    for t in 0..n {
        let low = totals.iter().map(|s| s[t]).fold(f64::INFINITY, f64::min);
        sum += totals[best][t] - low;
    }
    sum / n as f64
}

/// The index of the smallest value (the first of equals).
fn argmin(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x < v[best] {
            best = i;
        }
    }
    best
}

/// The bin of every trial: ranks cut into `k` groups of about equal count,
/// a group of tied values in the bin of its lowest rank. Returns the bins
/// (renumbered so that none is empty) and their number.
pub fn bin_of_each(x: &[f64], k: usize) -> (Vec<usize>, usize) {
    let n = x.len();
    let order = super::sorted_order(x);
    let mut raw = vec![0usize; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && x[order[j]] == x[order[i]] {
            j += 1;
        }
        let b = i * k / n.max(1);
        for &t in &order[i..j] {
            raw[t] = b;
        }
        i = j;
    }
    // Renumber the bins that hold trials 0, 1, 2, ... in order.
    let mut used = vec![false; k.max(1)];
    for b in &raw {
        used[*b] = true;
    }
    let mut new = vec![0usize; k.max(1)];
    let mut m = 0;
    for (b, u) in used.iter().enumerate() {
        if *u {
            new[b] = m;
            m += 1;
        }
    }
    (raw.into_iter().map(|b| new[b]).collect(), m)
}

/// Per bin and strategy, the sum of TCOs, and per bin the trials:
/// `(sums[b * S + s], counts[b])`, summed in trial order.
fn bin_sums(
    rows: &[f64],
    s_n: usize,
    bins: impl IntoIterator<Item = usize>,
    k: usize,
) -> (Vec<f64>, Vec<usize>) {
    let mut sums = vec![0.0; k * s_n];
    let mut counts = vec![0usize; k];
    for (t, b) in bins.into_iter().enumerate() {
        counts[b] += 1;
        let row = &rows[t * s_n..(t + 1) * s_n];
        for (acc, v) in sums[b * s_n..(b + 1) * s_n].iter_mut().zip(row) {
            *acc += v;
        }
    }
    (sums, counts)
}

/// The estimator on bin means `means[b * S + s]` with weights `w[b]`
/// (summing to 1): `min_s sum_b w_b m_bs - sum_b w_b min_s m_bs`.
fn estimate(means: &[f64], w: &[f64], s_n: usize) -> f64 {
    let mut overall = vec![0.0; s_n];
    let mut informed = 0.0;
    for (b, wb) in w.iter().enumerate() {
        let m = &means[b * s_n..(b + 1) * s_n];
        for (o, x) in overall.iter_mut().zip(m) {
            *o += wb * x;
        }
        informed += wb * m.iter().copied().fold(f64::INFINITY, f64::min);
    }
    let now = overall.iter().copied().fold(f64::INFINITY, f64::min);
    (now - informed).max(0.0)
}

/// The lower Cholesky factor of a positive semi-definite `s x s` matrix;
/// pivots that vanish (strategies that move together exactly) give zero
/// columns.
fn cholesky(c: &[f64], s: usize) -> Vec<f64> {
    let mut l = vec![0.0; s * s];
    for j in 0..s {
        let d = c[j * s + j] - (0..j).map(|k| l[j * s + k] * l[j * s + k]).sum::<f64>();
        if d <= 1e-12 * c[j * s + j].abs().max(1e-300) {
            continue;
        }
        let d = d.sqrt();
        l[j * s + j] = d;
        for i in j + 1..s {
            let v = c[i * s + j] - (0..j).map(|k| l[i * s + k] * l[j * s + k]).sum::<f64>();
            l[i * s + j] = v / d;
        }
    }
    l
}

/// A standard normal number from a stream (through the exact quantile, so
/// that it depends on nothing but the stream).
fn normal(rng: &mut StreamRng) -> f64 {
    use rand::RngExt;
    let u: f64 = rng.random();
    std_normal_quantile(u + f64::EPSILON / 4.0)
}

/// The EVPPI of every varying input (`inputs`) for the choice between the
/// strategies of `totals`, from the first [`VOI_TRIALS`] trials; `seed`
/// keys the bootstrap's and the shuffles' streams.
pub fn voi(totals: &Totals, inputs: &InputDraws, seed: u64) -> Voi {
    let s_n = totals.n_strategies();
    let n = totals.n_trials().min(inputs.n_trials()).min(VOI_TRIALS);
    let strategies = totals.strategies().to_vec();
    if s_n < 2 || n < 2 {
        return Voi {
            strategies,
            trials: n,
            rows: Vec::new(),
        };
    }
    let rows = &totals.values()[..n * s_n];
    let k = bins_for(n);
    let means: Vec<f64> = (0..s_n)
        .map(|s| rows.iter().skip(s).step_by(s_n).sum::<f64>() / n as f64)
        .collect();
    let choice_now = argmin(&means);
    // The shuffles, shared by every input: trial t takes the bin of trial
    // perm[t].
    // Stored as u32 (VOI_TRIALS fits): half the memory the inputs' passes
    // read at random.
    let shuffles: Vec<Vec<u32>> = (0..NULL_SHUFFLES)
        .into_par_iter()
        .map(|r| {
            let mut rng = rng::stream(seed, r as u64, rng::name_hash("voi.shuffle"), 0);
            let mut p: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                use rand::RngExt;
                let j = rng.random_range(0..=i);
                p.swap(i, j);
            }
            p.into_iter().map(|t| t as u32).collect()
        })
        .collect();
    let out = (0..inputs.names().len())
        .into_par_iter()
        .map(|j| {
            let x: Vec<f64> = (0..n).map(|t| f64::from(inputs.value(t, j))).collect();
            let (bins, k) = bin_of_each(&x, k);
            one_input(rows, s_n, &bins, k, choice_now, &shuffles, seed, j)
                .with_input(&inputs.names()[j])
        })
        .collect();
    Voi {
        strategies,
        trials: n,
        rows: out,
    }
}

impl VoiRow {
    fn with_input(mut self, input: &str) -> VoiRow {
        self.input = input.to_string();
        self
    }
}

/// The row of one input whose trials fall in `bins` (`k` of them).
#[allow(clippy::too_many_arguments)]
fn one_input(
    rows: &[f64],
    s_n: usize,
    bins: &[usize],
    k: usize,
    choice_now: usize,
    shuffles: &[Vec<u32>],
    seed: u64,
    input: usize,
) -> VoiRow {
    let n = bins.len();
    let (sums, counts) = bin_sums(rows, s_n, bins.iter().copied(), k);
    let w: Vec<f64> = counts.iter().map(|c| *c as f64 / n as f64).collect();
    let means: Vec<f64> = sums
        .iter()
        .enumerate()
        .map(|(i, x)| x / counts[i / s_n] as f64)
        .collect();
    let evppi = estimate(&means, &w, s_n);
    let choice = |b: usize| argmin(&means[b * s_n..(b + 1) * s_n]);
    let share_changed = (0..k)
        .filter(|b| choice(*b) != choice_now)
        .map(|b| w[b])
        .fold(0.0, |a, b| a + b);

    // Standard error: each bin's mean vector drawn from a normal with the
    // bin's covariance across strategies over its count.
    let mut cov = vec![0.0; k * s_n * s_n];
    for (t, b) in bins.iter().enumerate() {
        let row = &rows[t * s_n..(t + 1) * s_n];
        let m = &means[b * s_n..(b + 1) * s_n];
        let c = &mut cov[b * s_n * s_n..(b + 1) * s_n * s_n];
        for i in 0..s_n {
            let di = row[i] - m[i];
            for jj in 0..=i {
                c[i * s_n + jj] += di * (row[jj] - m[jj]);
            }
        }
    }
    let factors: Vec<Vec<f64>> = (0..k)
        .map(|b| {
            let c = &mut cov[b * s_n * s_n..(b + 1) * s_n * s_n];
            // Covariance of the bin's mean: the sample covariance over the
            // count (n_b - 1 degrees of freedom; a bin of one trial has none).
            let nb = counts[b] as f64;
            let scale = if counts[b] > 1 {
                1.0 / ((nb - 1.0) * nb)
            } else {
                0.0
            };
            for i in 0..s_n {
                for jj in 0..=i {
                    let v = c[i * s_n + jj] * scale;
                    c[i * s_n + jj] = v;
                    c[jj * s_n + i] = v;
                }
            }
            cholesky(c, s_n)
        })
        .collect();
    let mut rng = rng::stream(seed, input as u64, rng::name_hash("voi.bootstrap"), 0);
    let mut replicated = Vec::with_capacity(BOOTSTRAP_REPS);
    let mut drawn = vec![0.0; k * s_n];
    let mut z = vec![0.0; s_n];
    for _ in 0..BOOTSTRAP_REPS {
        for b in 0..k {
            for zi in z.iter_mut() {
                *zi = normal(&mut rng);
            }
            let l = &factors[b];
            for i in 0..s_n {
                let e: f64 = (0..=i).map(|jj| l[i * s_n + jj] * z[jj]).sum();
                drawn[b * s_n + i] = means[b * s_n + i] + e;
            }
        }
        replicated.push(estimate(&drawn, &w, s_n));
    }
    let r = replicated.len() as f64;
    let mean_r = replicated.iter().sum::<f64>() / r;
    let se = (replicated.iter().map(|v| (v - mean_r).powi(2)).sum::<f64>() / (r - 1.0)).sqrt();

    // Bias: the same estimator on the input shuffled across trials.
    // Read at random through each shuffle: one byte a trial (k <= MAX_BINS).
    let compact: Vec<u8> = bins.iter().map(|b| *b as u8).collect();
    let mut null = 0.0;
    for p in shuffles {
        let shuffled = p.iter().map(|t| usize::from(compact[*t as usize]));
        let (sums, counts) = bin_sums(rows, s_n, shuffled, k);
        let means: Vec<f64> = sums
            .iter()
            .enumerate()
            .map(|(i, x)| x / counts[i / s_n] as f64)
            .collect();
        null += estimate(&means, &w, s_n);
    }
    let bias = null / shuffles.len().max(1) as f64;

    VoiRow {
        input: String::new(),
        evppi,
        se,
        bias,
        bins: k,
        choice_now,
        choice_if_low: choice(0),
        choice_if_high: choice(k - 1),
        share_changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_keep_ties_together_and_are_never_empty() {
        let x = [1.0, 1.0, 1.0, 1.0, 2.0, 3.0];
        // The tied 1s take ranks 0-3 (bin 0); 2 and 3 have ranks 4 and 5,
        // both in raw bin 2 (rank * 3 / 6), renumbered 1.
        let (b, k) = bin_of_each(&x, 3);
        assert_eq!(k, 2);
        assert_eq!(b, vec![0, 0, 0, 0, 1, 1]);
        let (b, k) = bin_of_each(&[5.0; 4], 3);
        assert_eq!((b, k), (vec![0; 4], 1));
        let (b, k) = bin_of_each(&[4.0, 3.0, 2.0, 1.0], 2);
        assert_eq!((b, k), (vec![1, 1, 0, 0], 2));
    }

    #[test]
    fn estimator_closed_form() {
        // Two bins of equal weight; A costs 0 then 10, B costs 6 then 6:
        // without information A (mean 5); with it 0 and 6, mean 3: EVPPI 2.
        let means = [0.0, 6.0, 10.0, 6.0];
        assert_eq!(estimate(&means, &[0.5, 0.5], 2), 2.0);
    }

    #[test]
    fn cholesky_of_a_singular_matrix() {
        let c = [4.0, 4.0, 4.0, 4.0];
        let l = cholesky(&c, 2);
        assert_eq!(l, vec![2.0, 0.0, 2.0, 0.0]);
    }

    #[test]
    fn evpi_closed_form() {
        // A: 0, 10; B: 6, 6. Best by mean A (5); per trial min 0, 6: EVPI 2.
        assert_eq!(evpi(&[vec![0.0, 10.0], vec![6.0, 6.0]]), 2.0);
        assert_eq!(evpi(&[vec![1.0, 2.0]]), 0.0);
    }
}
