//! Distributions: a checked specification, a sampler, and its support.
//!
//! A [`Dist`] is built only from parameters that have been validated (see
//! `scenario::dist_spec`), so sampling never fails. Every sampler draws from a
//! caller-provided [`StreamRng`], so the same stream gives the same values.

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Beta, Gamma, LogNormal, Normal, Pert, Triangular};

use crate::rng::StreamRng;

/// z-score of the 90th percentile of the standard normal.
pub const Z90: f64 = 1.281_551_565_544_600_4;
/// z-score of the 95th percentile of the standard normal, a one-sided
/// quantile (the `{ low, high }` shorthand puts 5% of the mass below `low`
/// and 5% above `high`). Not the two-sided 95% z of confidence intervals,
/// which is `stats::analysis::Z95_TWO_SIDED`.
pub const Z_P95: f64 = 1.644_853_626_951_472_2;

/// How many times a truncated normal is redrawn before the draw is clamped
/// into `[min, max]` (only reachable when the bounds hold almost no mass).
const TRUNCATED_NORMAL_TRIES: usize = 64;

/// A ready-to-sample distribution.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the same value.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        d: Triangular<f64>,
        min: f64,
        max: f64,
    },
    /// PERT (a scaled beta with shape 4) on `[min, max]`.
    Pert { d: Pert<f64>, min: f64, max: f64 },
    /// Normal, optionally truncated to `[min, max]` by redrawing.
    Normal {
        normal: Normal<f64>,
        min: f64,
        max: f64,
    },
    /// Lognormal with the given log-mean and log-sd.
    LogNormal(LogNormal<f64>),
    /// Beta on [0, 1].
    Beta(Beta<f64>),
    /// Gamma with shape and scale.
    Gamma(Gamma<f64>),
    /// One of `values`, with probabilities proportional to the weights.
    Discrete {
        values: Vec<f64>,
        index: WeightedIndex<f64>,
    },
    /// An unbounded distribution whose draws are capped at a maximum (the
    /// top of the input's valid range), so no draw is absurd or infinite.
    Capped(Box<Dist>, f64),
}

impl Dist {
    /// A fixed value.
    pub fn fixed(v: f64) -> Dist {
        Dist::Fixed(v)
    }

    /// A lognormal with median `median` and 90th percentile `p90`
    /// (requires `0 < median < p90`).
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Option<Dist> {
        let mu = median.ln();
        let sigma = (p90.ln() - mu) / Z90;
        LogNormal::new(mu, sigma).ok().map(Dist::LogNormal)
    }

    /// A lognormal with arithmetic mean `mean` and standard deviation `sd`.
    pub fn lognormal_mean_sd(mean: f64, sd: f64) -> Option<Dist> {
        let s2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - s2 / 2.0;
        LogNormal::new(mu, s2.sqrt()).ok().map(Dist::LogNormal)
    }

    /// The `{ low, high }` shorthand: a lognormal with 5% of its mass below
    /// `low` and 5% above `high` (requires `0 < low < high`).
    pub fn low_high(low: f64, high: f64) -> Option<Dist> {
        let mu = (low.ln() + high.ln()) / 2.0;
        let sigma = (high.ln() - low.ln()) / (2.0 * Z_P95);
        LogNormal::new(mu, sigma).ok().map(Dist::LogNormal)
    }

    /// A triangular distribution (requires `min <= mode <= max`).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Option<Dist> {
        Triangular::new(min, max, mode)
            .ok()
            .map(|d| Dist::Triangular { d, min, max })
    }

    /// A PERT distribution (requires `min <= mode <= max`, `min < max`).
    pub fn pert(min: f64, mode: f64, max: f64) -> Option<Dist> {
        Pert::new(min, max)
            .with_mode(mode)
            .ok()
            .map(|d| Dist::Pert { d, min, max })
    }

    /// Whether the value never varies.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    /// The fixed value, if the distribution is fixed.
    pub fn fixed_value(&self) -> Option<f64> {
        match self {
            Dist::Fixed(v) => Some(*v),
            _ => None,
        }
    }

    /// The median, estimated from 4001 draws of a fixed stream (exact for a
    /// fixed value); deterministic.
    pub fn median(&self) -> f64 {
        if let Some(v) = self.fixed_value() {
            return v;
        }
        let mut rng = crate::rng::stream(0, 0, crate::rng::name_hash("dist#median"), 0);
        let mut v: Vec<f64> = (0..4001).map(|_| self.sample(&mut rng)).collect();
        v.sort_by(f64::total_cmp);
        v[2000]
    }

    /// The smallest and largest values a draw can take (either may be
    /// infinite).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform { min, max } => (*min, *max),
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => (*min, *max),
            Dist::Normal { min, max, .. } => (*min, *max),
            Dist::LogNormal(_) | Dist::Gamma(_) => (0.0, f64::INFINITY),
            Dist::Beta(_) => (0.0, 1.0),
            Dist::Capped(d, cap) => (d.support().0.min(*cap), *cap),
            Dist::Discrete { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Triangular { d, .. } => d.sample(rng),
            Dist::Pert { d, .. } => d.sample(rng),
            Dist::Normal { normal, min, max } => {
                for _ in 0..TRUNCATED_NORMAL_TRIES {
                    let x = normal.sample(rng);
                    if x >= *min && x <= *max {
                        return x;
                    }
                }
                normal.mean().clamp(*min, *max)
            }
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Beta(d) => d.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::Discrete { values, index } => values[index.sample(rng)],
            Dist::Capped(d, cap) => d.sample(rng).min(*cap),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Large-sample checks: each distribution's sample mean and quantiles
    //! match its parameters within a statistical tolerance.
    use super::*;
    use crate::rng::stream;

    const N: usize = 200_000;

    fn draws(d: &Dist) -> Vec<f64> {
        let mut rng = stream(42, 0, 1, 0);
        let mut v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        v.sort_by(f64::total_cmp);
        v
    }
    fn mean(v: &[f64]) -> f64 {
        v.iter().sum::<f64>() / v.len() as f64
    }
    fn q(v: &[f64], p: f64) -> f64 {
        v[((v.len() - 1) as f64 * p).round() as usize]
    }
    fn close(a: f64, b: f64, rel: f64) {
        assert!(
            (a - b).abs() <= rel * b.abs().max(1e-9),
            "{a} vs expected {b}"
        );
    }

    #[test]
    fn uniform_matches() {
        let v = draws(&Dist::Uniform { min: 2.0, max: 6.0 });
        close(mean(&v), 4.0, 0.01);
        close(q(&v, 0.25), 3.0, 0.01);
        assert!(v[0] >= 2.0 && v[N - 1] <= 6.0);
    }

    #[test]
    fn triangular_matches() {
        let v = draws(&Dist::triangular(1.0, 3.0, 6.0).unwrap());
        close(mean(&v), 10.0 / 3.0, 0.01);
        // CDF at the mode is (mode - min) / (max - min) = 0.4.
        close(q(&v, 0.4), 3.0, 0.01);
    }

    #[test]
    fn pert_matches() {
        let v = draws(&Dist::pert(0.0, 2.0, 10.0).unwrap());
        // Mean (min + 4 mode + max) / 6.
        close(mean(&v), 3.0, 0.01);
        assert!(v[0] >= 0.0 && v[N - 1] <= 10.0);
    }

    #[test]
    fn normal_and_truncated_normal_match() {
        let v = draws(&Dist::Normal {
            normal: Normal::new(10.0, 2.0).unwrap(),
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        });
        close(mean(&v), 10.0, 0.005);
        close(q(&v, 0.9) - 10.0, 2.0 * Z90, 0.02);
        let t = draws(&Dist::Normal {
            normal: Normal::new(0.0, 1.0).unwrap(),
            min: 0.0,
            max: f64::INFINITY,
        });
        // Half-normal: mean sqrt(2 / pi).
        close(mean(&t), (2.0 / std::f64::consts::PI).sqrt(), 0.01);
        assert!(t[0] >= 0.0);
    }

    #[test]
    fn lognormal_median_p90_matches() {
        let v = draws(&Dist::lognormal_median_p90(4.0, 8.0).unwrap());
        close(q(&v, 0.5), 4.0, 0.01);
        close(q(&v, 0.9), 8.0, 0.015);
    }

    #[test]
    fn lognormal_mean_sd_matches() {
        let v = draws(&Dist::lognormal_mean_sd(100.0, 30.0).unwrap());
        close(mean(&v), 100.0, 0.005);
        let m = mean(&v);
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64).sqrt();
        close(sd, 30.0, 0.02);
    }

    #[test]
    fn low_high_puts_ninety_percent_inside() {
        let v = draws(&Dist::low_high(50.0, 200.0).unwrap());
        let inside = v.iter().filter(|x| (50.0..=200.0).contains(*x)).count() as f64 / N as f64;
        close(inside, 0.90, 0.005);
        let below = v.iter().filter(|x| **x < 50.0).count() as f64 / N as f64;
        close(below, 0.05, 0.05);
        close(q(&v, 0.5), 100.0, 0.01);
    }

    #[test]
    fn beta_matches() {
        let v = draws(&Dist::Beta(Beta::new(2.0, 8.0).unwrap()));
        close(mean(&v), 0.2, 0.01);
        // Variance ab / ((a+b)^2 (a+b+1)) = 16 / 1100.
        let m = mean(&v);
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64;
        close(var, 16.0 / 1100.0, 0.02);
    }

    #[test]
    fn gamma_matches() {
        let v = draws(&Dist::Gamma(Gamma::new(3.0, 2.0).unwrap()));
        close(mean(&v), 6.0, 0.01);
        let m = mean(&v);
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64;
        close(var, 12.0, 0.03);
    }

    #[test]
    fn discrete_matches_weights() {
        let d = Dist::Discrete {
            values: vec![1.0, 2.0, 5.0],
            index: WeightedIndex::new([1.0, 1.0, 2.0]).unwrap(),
        };
        let v = draws(&d);
        let share = |x: f64| v.iter().filter(|y| **y == x).count() as f64 / N as f64;
        close(share(1.0), 0.25, 0.02);
        close(share(5.0), 0.5, 0.01);
        close(mean(&v), 3.25, 0.01);
    }
}
