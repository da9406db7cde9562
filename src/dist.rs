//! Distributions: a checked specification, a sampler, its support, and its
//! exact inverse CDF, CDF and mean.
//!
//! A [`Dist`] is built only from parameters that have been validated (see
//! `scenario::dist_spec`), so sampling never fails. Every sampler draws from a
//! caller-provided [`StreamRng`], so the same stream gives the same values.
//!
//! The special functions come from two crates: `libm`'s `erfc` for the
//! standard normal CDF ([`std_normal_cdf`]), and `statrs`'s regularized
//! incomplete beta and gamma functions for the beta, PERT and gamma CDFs,
//! which [`Dist::quantile`] inverts with a safeguarded Newton iteration.
//! The standard normal quantile ([`std_normal_quantile`]) is Wichura's
//! algorithm AS 241.

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI, PI};

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Beta, Gamma, LogNormal, Normal, Pert, Triangular};
use statrs::function::beta::{beta_reg, ln_beta};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

use crate::rng::StreamRng;

/// z-score of the 90th percentile of the standard normal.
pub const Z90: f64 = 1.281_551_565_544_600_4;
/// z-score of the 95th percentile of the standard normal, a one-sided
/// quantile (the `{ low, high }` shorthand puts 5% of the mass below `low`
/// and 5% above `high`). Not the two-sided 95% z of confidence intervals,
/// which is `stats::analysis::Z95_TWO_SIDED`.
pub const Z_P95: f64 = 1.644_853_626_951_472_2;

/// The least share of a normal's probability that a truncated normal's
/// bounds may keep. A scenario whose bounds keep less is an error (the
/// draws would all sit on a sliver far out in a tail, which is a mistake
/// rather than a belief), and [`Dist::normal`] refuses to build one.
pub const MIN_NORMAL_MASS: f64 = 1e-6;

/// The smallest probability [`Dist::quantile`] evaluates: smaller ones
/// (0 included) are raised to it.
const U_MIN: f64 = f64::MIN_POSITIVE;
/// The largest probability [`Dist::quantile`] evaluates, the largest double
/// below 1: larger ones (1 included) are lowered to it.
const U_MAX: f64 = 1.0 - f64::EPSILON / 2.0;

/// A ready-to-sample distribution.
///
/// The variants backed by a `rand_distr` sampler also keep the parameters
/// it was built from (which the sampler does not expose), for
/// [`Dist::quantile`], [`Dist::cdf`] and [`Dist::mean`]. Build them with the
/// constructors ([`Dist::triangular`], [`Dist::beta`], ...), which keep the
/// two in step.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the same value.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        /// The sampler.
        d: Triangular<f64>,
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
    /// PERT on `[min, max]` with the given mode: `min + (max - min) * Y`
    /// with `Y ~ Beta(1 + 4 (mode - min) / (max - min), 1 + 4 (max - mode) /
    /// (max - min))`.
    Pert {
        /// The sampler.
        d: Pert<f64>,
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
    /// Normal, optionally truncated to `[min, max]` (both infinite: not
    /// truncated). A truncated normal is drawn exactly, by its inverse CDF.
    Normal {
        /// The untruncated normal (its mean and standard deviation).
        normal: Normal<f64>,
        /// Lower truncation point (`-inf`: none).
        min: f64,
        /// Upper truncation point (`inf`: none).
        max: f64,
    },
    /// Lognormal with log-mean `mu` and log-sd `sigma`.
    LogNormal {
        /// The sampler.
        d: LogNormal<f64>,
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Beta on [0, 1].
    Beta {
        /// The sampler.
        d: Beta<f64>,
        /// First shape parameter.
        alpha: f64,
        /// Second shape parameter.
        beta: f64,
    },
    /// Gamma with shape and scale.
    Gamma {
        /// The sampler.
        d: Gamma<f64>,
        /// Shape parameter.
        shape: f64,
        /// Scale parameter.
        scale: f64,
    },
    /// One of `values`, with probabilities proportional to `weights`.
    Discrete {
        /// The values it takes.
        values: Vec<f64>,
        /// Their weights (not normalised).
        weights: Vec<f64>,
        /// The sampler of an index into `values`.
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

    /// A lognormal with log-mean `mu` and log-sd `sigma` (requires
    /// `sigma >= 0`, both finite).
    pub fn lognormal(mu: f64, sigma: f64) -> Option<Dist> {
        LogNormal::new(mu, sigma)
            .ok()
            .map(|d| Dist::LogNormal { d, mu, sigma })
    }

    /// A lognormal with median `median` and 90th percentile `p90`
    /// (requires `0 < median < p90`).
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Option<Dist> {
        let mu = median.ln();
        let sigma = (p90.ln() - mu) / Z90;
        Dist::lognormal(mu, sigma)
    }

    /// A lognormal with arithmetic mean `mean` and standard deviation `sd`.
    pub fn lognormal_mean_sd(mean: f64, sd: f64) -> Option<Dist> {
        let s2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - s2 / 2.0;
        Dist::lognormal(mu, s2.sqrt())
    }

    /// The `{ low, high }` shorthand: a lognormal with 5% of its mass below
    /// `low` and 5% above `high` (requires `0 < low < high`).
    pub fn low_high(low: f64, high: f64) -> Option<Dist> {
        let mu = (low.ln() + high.ln()) / 2.0;
        let sigma = (high.ln() - low.ln()) / (2.0 * Z_P95);
        Dist::lognormal(mu, sigma)
    }

    /// A triangular distribution (requires `min <= mode <= max`).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Option<Dist> {
        Triangular::new(min, max, mode)
            .ok()
            .map(|d| Dist::Triangular { d, min, mode, max })
    }

    /// A PERT distribution (requires `min <= mode <= max`, `min < max`).
    pub fn pert(min: f64, mode: f64, max: f64) -> Option<Dist> {
        Pert::new(min, max)
            .with_mode(mode)
            .ok()
            .map(|d| Dist::Pert { d, min, mode, max })
    }

    /// A normal with mean `mean` and standard deviation `sd` (above 0),
    /// truncated to `[min, max]` unless both are infinite. Requires
    /// `min < max`, and bounds that keep at least [`MIN_NORMAL_MASS`] of the
    /// normal's probability.
    pub fn normal(mean: f64, sd: f64, min: f64, max: f64) -> Option<Dist> {
        if !(sd > 0.0 && sd.is_finite() && mean.is_finite() && min < max) {
            return None;
        }
        if std_normal_mass((min - mean) / sd, (max - mean) / sd) < MIN_NORMAL_MASS {
            return None;
        }
        let normal = Normal::new(mean, sd).ok()?;
        Some(Dist::Normal { normal, min, max })
    }

    /// A beta distribution on [0, 1] (requires `alpha > 0`, `beta > 0`).
    pub fn beta(alpha: f64, beta: f64) -> Option<Dist> {
        if !(alpha > 0.0 && beta > 0.0) {
            return None;
        }
        Beta::new(alpha, beta)
            .ok()
            .map(|d| Dist::Beta { d, alpha, beta })
    }

    /// A gamma distribution (requires `shape > 0`, `scale > 0`).
    pub fn gamma(shape: f64, scale: f64) -> Option<Dist> {
        if !(shape > 0.0 && scale > 0.0) {
            return None;
        }
        Gamma::new(shape, scale)
            .ok()
            .map(|d| Dist::Gamma { d, shape, scale })
    }

    /// A discrete distribution: one of `values`, with probabilities
    /// proportional to `weights` (one per value, none negative, some
    /// positive).
    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> Option<Dist> {
        if values.len() != weights.len() {
            return None;
        }
        let index = WeightedIndex::new(&weights).ok()?;
        Some(Dist::Discrete {
            values,
            weights,
            index,
        })
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

    /// The median: `self.quantile(0.5)` (exact; for a discrete distribution
    /// the first value whose cumulative weight reaches one half).
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The smallest and largest values a draw can take (either may be
    /// infinite).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform { min, max } => (*min, *max),
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => (*min, *max),
            Dist::Normal { min, max, .. } => (*min, *max),
            Dist::LogNormal { .. } | Dist::Gamma { .. } => (0.0, f64::INFINITY),
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::Capped(d, cap) => (d.support().0.min(*cap), *cap),
            Dist::Discrete { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// One draw.
    ///
    /// Every variant but the truncated normal draws with its `rand_distr`
    /// sampler (or, for the uniform, `min + (max - min) * u`); a truncated
    /// normal is `self.quantile(u)` for one uniform `u`, so it is exact
    /// however little of the normal its bounds keep.
    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Triangular { d, .. } => d.sample(rng),
            Dist::Pert { d, .. } => d.sample(rng),
            Dist::Normal { normal, min, max } => {
                if is_truncated(*min, *max) {
                    self.quantile(rng.random::<f64>())
                } else {
                    normal.sample(rng)
                }
            }
            Dist::LogNormal { d, .. } => d.sample(rng),
            Dist::Beta { d, .. } => d.sample(rng),
            Dist::Gamma { d, .. } => d.sample(rng),
            Dist::Discrete { values, index, .. } => values[index.sample(rng)],
            Dist::Capped(d, cap) => d.sample(rng).min(*cap),
        }
    }

    /// The inverse CDF: the value below which a share `u` of the draws
    /// fall.
    ///
    /// `u` is taken in the open interval (0, 1): a `u` below the smallest
    /// positive normal double (`f64::MIN_POSITIVE`, 0 included) is raised
    /// to it, and a `u` above the largest double below 1 (`1 - 2^-53`, 1
    /// included) is lowered to it. So `quantile(0)` is the bottom of the
    /// support where that is finite (and about 37.5 standard deviations
    /// below the mean of an untruncated normal), `quantile(1)` is the top
    /// of a bounded support and a large finite value otherwise (8.2
    /// standard deviations above the mean of a normal); no quantile is
    /// infinite. A NaN `u` gives NaN.
    ///
    /// Per variant: closed forms for the uniform, triangular, normal,
    /// lognormal (through [`std_normal_quantile`]); for the truncated
    /// normal `Φ⁻¹` of a point of `[Φ(a), Φ(b)]`, worked in the upper tail
    /// (through `1 - Φ`) when the value is above the mean, so precision
    /// holds far out in either tail; the beta, PERT (a scaled beta) and
    /// gamma invert the regularized incomplete beta and gamma functions
    /// (each tail through its own function) by a safeguarded Newton
    /// iteration, to about 1e-13 relative (1e-11 for shapes as small as
    /// 0.05, where the incomplete beta's own precision is the limit);
    /// discrete: the first value, in the order given, whose cumulative
    /// weight (weights normalised) reaches `u`; capped: `min(inner
    /// quantile, cap)`.
    pub fn quantile(&self, u: f64) -> f64 {
        if u.is_nan() {
            return f64::NAN;
        }
        let u = u.clamp(U_MIN, U_MAX);
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Triangular { min, mode, max, .. } => triangular_quantile(*min, *mode, *max, u),
            Dist::Pert { min, mode, max, .. } => {
                let (a, b) = pert_shapes(*min, *mode, *max);
                min + (max - min) * beta_quantile(a, b, u)
            }
            Dist::Normal { normal, min, max } => {
                let (m, s) = (normal.mean(), normal.std_dev());
                if !is_truncated(*min, *max) {
                    return m + s * std_normal_quantile(u);
                }
                let z = std_truncated_quantile((min - m) / s, (max - m) / s, u);
                (m + s * z).clamp(*min, *max)
            }
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * std_normal_quantile(u)).exp(),
            Dist::Beta { alpha, beta, .. } => beta_quantile(*alpha, *beta, u),
            Dist::Gamma { shape, scale, .. } => scale * gamma_quantile(*shape, u),
            Dist::Discrete {
                values, weights, ..
            } => discrete_quantile(values, weights, u),
            Dist::Capped(d, cap) => d.quantile(u).min(*cap),
        }
    }

    /// The CDF: the share of the draws at or below `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match self {
            Dist::Fixed(v) => f64::from(u8::from(x >= *v)),
            Dist::Uniform { min, max } => ((x - min) / (max - min)).clamp(0.0, 1.0),
            Dist::Triangular { min, mode, max, .. } => {
                let (min, mode, max) = (*min, *mode, *max);
                if x <= min {
                    0.0
                } else if x >= max {
                    1.0
                } else if x <= mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Dist::Pert { min, mode, max, .. } => {
                let (a, b) = pert_shapes(*min, *mode, *max);
                beta_p(a, b, (x - min) / (max - min))
            }
            Dist::Normal { normal, min, max } => {
                let (m, s) = (normal.mean(), normal.std_dev());
                let (a, b, z) = ((min - m) / s, (max - m) / s, (x - m) / s);
                if z <= a {
                    0.0
                } else if z >= b {
                    1.0
                } else {
                    std_normal_mass(a, z) / std_normal_mass(a, b)
                }
            }
            Dist::LogNormal { mu, sigma, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Dist::Beta { alpha, beta, .. } => beta_p(*alpha, *beta, x),
            Dist::Gamma { shape, scale, .. } => gamma_p(*shape, x / scale),
            Dist::Discrete {
                values, weights, ..
            } => {
                let total: f64 = weights.iter().sum();
                let below: f64 = values
                    .iter()
                    .zip(weights)
                    .filter(|(v, _)| **v <= x)
                    .map(|(_, w)| w)
                    .sum();
                (below / total).min(1.0)
            }
            Dist::Capped(d, cap) => {
                if x >= *cap {
                    1.0
                } else {
                    d.cdf(x)
                }
            }
        }
    }

    /// The exact mean, in closed form for every variant (no sampling, no
    /// quadrature): `(min + max) / 2`, `(min + mode + max) / 3`, `min +
    /// (max - min) a / (a + b)` for the PERT's beta shapes `a`, `b`,
    /// `a / (a + b)`, `shape * scale`, `e^(mu + sigma²/2)`, the weighted
    /// mean of a discrete's values; a normal truncated to `[a, b]` in
    /// standard units: `mean + sd (φ(a) - φ(b)) / (Φ(b) - Φ(a))`.
    ///
    /// Capped at `c`, the mean is `E[min(X, c)]`, also in closed form:
    /// - uniform, triangular: integrals of their (polynomial) CDFs;
    /// - beta (and PERT, scaled): `a/(a+b) I_c(a+1, b) + c (1 - I_c(a, b))`;
    /// - normal, truncated or not (`g = (c - mean)/sd`): the mean less
    ///   `sd (φ(g) - φ(b) - g (Φ(b) - Φ(g))) / (Φ(b) - Φ(a))`;
    /// - lognormal: `e^(mu + sigma²/2) Φ((ln c - mu - sigma²)/sigma) +
    ///   c (1 - Φ((ln c - mu)/sigma))`;
    /// - gamma (shape k, scale θ): `k θ P(k+1, c/θ) + c Q(k, c/θ)`;
    /// - discrete: the weighted mean of `min(value, c)`;
    /// - a cap below the support: `c`; above it: the mean; a cap of a cap:
    ///   the lower.
    pub fn mean(&self) -> f64 {
        self.mean_of_min(f64::INFINITY)
    }

    /// `E[min(X, cap)]` (see [`Dist::mean`]); `cap = +inf` gives the mean.
    fn mean_of_min(&self, cap: f64) -> f64 {
        if cap <= self.support().0 {
            return cap;
        }
        match self {
            Dist::Fixed(v) => v.min(cap),
            Dist::Uniform { min, max } => {
                if cap >= *max {
                    (min + max) / 2.0
                } else {
                    ((cap - min) * (cap + min) / 2.0 + cap * (max - cap)) / (max - min)
                }
            }
            Dist::Triangular { min, mode, max, .. } => {
                if cap >= *max {
                    (min + mode + max) / 3.0
                } else {
                    cap - triangular_cdf_integral(*min, *mode, *max, cap)
                }
            }
            Dist::Pert { min, mode, max, .. } => {
                let (a, b) = pert_shapes(*min, *mode, *max);
                let c = ((cap - min) / (max - min)).min(1.0);
                min + (max - min) * beta_mean_of_min(a, b, c)
            }
            Dist::Normal { normal, min, max } => {
                let (m, s) = (normal.mean(), normal.std_dev());
                let (a, b) = ((min - m) / s, (max - m) / s);
                let mass = std_normal_mass(a, b);
                let mean = m + s * (std_normal_pdf(a) - std_normal_pdf(b)) / mass;
                if cap >= *max {
                    return mean;
                }
                let g = (cap - m) / s;
                let excess = std_normal_pdf(g) - std_normal_pdf(b) - g * std_normal_mass(g, b);
                mean - s * excess / mass
            }
            Dist::LogNormal { mu, sigma, .. } => {
                let mean = (mu + sigma * sigma / 2.0).exp();
                if cap == f64::INFINITY {
                    return mean;
                }
                let z = (cap.ln() - mu) / sigma;
                mean * std_normal_cdf(z - sigma) + cap * std_normal_cdf(-z)
            }
            Dist::Beta { alpha, beta, .. } => beta_mean_of_min(*alpha, *beta, cap.min(1.0)),
            Dist::Gamma { shape, scale, .. } => {
                if cap == f64::INFINITY {
                    return shape * scale;
                }
                let c = cap / scale;
                shape * scale * gamma_p(shape + 1.0, c) + cap * gamma_q(*shape, c)
            }
            Dist::Discrete {
                values, weights, ..
            } => {
                let total: f64 = weights.iter().sum();
                let sum: f64 = values
                    .iter()
                    .zip(weights)
                    .map(|(v, w)| v.min(cap) * w)
                    .sum();
                sum / total
            }
            Dist::Capped(d, c) => d.mean_of_min(c.min(cap)),
        }
    }
}

/// Whether a normal's bounds truncate it.
fn is_truncated(min: f64, max: f64) -> bool {
    min != f64::NEG_INFINITY || max != f64::INFINITY
}

/// The beta shapes of a PERT on `[min, max]` with mode `mode` (as
/// `rand_distr` builds them, with shape 4).
fn pert_shapes(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}

fn triangular_quantile(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let range = max - min;
    if u * range <= mode - min {
        min + (u * range * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * range * (max - mode)).sqrt()
    }
}

/// `∫ F(x) dx` from `min` to `c` for a triangular with `min < c < max`.
fn triangular_cdf_integral(min: f64, mode: f64, max: f64, c: f64) -> f64 {
    let range = max - min;
    if c <= mode {
        return (c - min).powi(3) / (3.0 * range * (mode - min));
    }
    // Up to the mode, then F = 1 - (max - x)^2 / (range (max - mode)).
    let left = (mode - min).powi(2) / (3.0 * range);
    let (p, q) = (max - mode, max - c);
    // (p^3 - q^3) / (3 range p), with p^3 - q^3 = (p - q)(p^2 + pq + q^2).
    let cubes = (c - mode) * (p * p + p * q + q * q);
    left + (c - mode) - cubes / (3.0 * range * p)
}

/// The first value whose cumulative weight reaches `u` (of the total).
fn discrete_quantile(values: &[f64], weights: &[f64], u: f64) -> f64 {
    let total: f64 = weights.iter().sum();
    let target = u * total;
    let mut cum = 0.0;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if *w > 0.0 {
            cum += w;
            last = i;
            if cum >= target {
                return values[i];
            }
        }
    }
    values[last]
}

/// `E[min(Y, c)]` for `Y ~ Beta(a, b)` and `0 <= c <= 1`.
fn beta_mean_of_min(a: f64, b: f64, c: f64) -> f64 {
    if c >= 1.0 {
        return a / (a + b);
    }
    a / (a + b) * beta_p(a + 1.0, b, c) + c * beta_q(a, b, c)
}

// ---------------------------------------------------------------------------
// The standard normal.

/// The low part of 1/√2: `FRAC_1_SQRT_2 + FRAC_1_SQRT_2_LO` is 1/√2 to
/// about 32 digits.
const FRAC_1_SQRT_2_LO: f64 = -4.833_646_656_726_457e-17;

/// Φ(z), the standard normal CDF: `erfc(-z/√2) / 2`, with the rounding of
/// `-z/√2` corrected to first order, so both tails keep their relative
/// precision (about 1e-15; Φ(-37.5) ≈ 4.6e-308 is the last normal double,
/// below it Φ underflows to subnormals and then 0).
pub fn std_normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z.is_infinite() {
        return if z > 0.0 { 1.0 } else { 0.0 };
    }
    let t = -z * FRAC_1_SQRT_2;
    // What rounding t lost: the product's rounding error (exact by FMA) and
    // that of the constant.
    let lost = (-z).mul_add(FRAC_1_SQRT_2, -t) - z * FRAC_1_SQRT_2_LO;
    // erfc(t + lost) = erfc(t) - lost 2/√π e^(-t²) + O(lost²).
    0.5 * (libm::erfc(t) - lost * FRAC_2_SQRT_PI * (-t * t).exp())
}

/// φ(z), the standard normal density (0 at ±∞).
fn std_normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// `P(a <= Z <= b)` for a standard normal `Z` (0 when `a >= b`), from
/// whichever tail keeps relative precision.
pub fn std_normal_mass(a: f64, b: f64) -> f64 {
    if a >= b {
        0.0
    } else if a > 0.0 {
        std_normal_cdf(-a) - std_normal_cdf(-b)
    } else if b < 0.0 {
        std_normal_cdf(b) - std_normal_cdf(a)
    } else {
        (0.5 - std_normal_cdf(a)) + (0.5 - std_normal_cdf(-b))
    }
}

/// Wichura's AS 241 (PPND16), Applied Statistics 37(3), 1988: rational
/// approximations to Φ⁻¹ accurate to about 1e-16. Coefficients lowest
/// power first, as published (hence more digits than a double holds).
#[allow(clippy::excessive_precision)]
mod as241 {
    pub(super) const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    pub(super) const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    pub(super) const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    pub(super) const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    pub(super) const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    pub(super) const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
}

fn polynomial(c: &[f64; 8], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, k| acc * x + k)
}

/// Φ⁻¹(p), the standard normal quantile, by Wichura's AS 241 (about 1e-16
/// relative; the lower tail from `p` itself, the upper from `1 - p`, exact
/// for `p >= 0.5`). `Φ⁻¹(0) = -∞`, `Φ⁻¹(1) = +∞`; NaN outside [0, 1].
pub fn std_normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * polynomial(&as241::A, r) / polynomial(&as241::B, r);
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        polynomial(&as241::C, r) / polynomial(&as241::D, r)
    } else {
        let r = r - 5.0;
        polynomial(&as241::E, r) / polynomial(&as241::F, r)
    };
    if q < 0.0 { -x } else { x }
}

/// The quantile at `u` of a standard normal truncated to `[a, b]`
/// (`a < b`, either may be infinite): `Φ⁻¹(Φ(a) + u (Φ(b) - Φ(a)))`,
/// worked through `1 - Φ` (the upper tail) when the value is above 0, and
/// from the nearer bound (`u` from `a`, `1 - u` from `b`), so that no sum
/// loses the relative precision of a small tail probability.
fn std_truncated_quantile(a: f64, b: f64, u: f64) -> f64 {
    let mass = std_normal_mass(a, b);
    let p = if u <= 0.5 {
        std_normal_cdf(a) + u * mass
    } else {
        std_normal_cdf(b) - (1.0 - u) * mass
    };
    let z = if p <= 0.5 {
        std_normal_quantile(p)
    } else {
        let q = if u <= 0.5 {
            std_normal_cdf(-a) - u * mass
        } else {
            std_normal_cdf(-b) + (1.0 - u) * mass
        };
        -std_normal_quantile(q)
    };
    z.clamp(a, b)
}

// ---------------------------------------------------------------------------
// Beta and gamma: regularized incomplete functions and their inverses.

/// `I_x(a, b)`, the beta CDF (0 below 0, 1 above 1).
fn beta_p(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x <= 0.0 {
        0.0
    } else if x >= 1.0 {
        1.0
    } else {
        beta_reg(a, b, x)
    }
}

/// `1 - I_x(a, b) = I_(1-x)(b, a)`, the beta's upper tail.
fn beta_q(a: f64, b: f64, x: f64) -> f64 {
    beta_p(b, a, 1.0 - x)
}

/// `P(k, x)`, the standard gamma CDF (0 at and below 0).
fn gamma_p(k: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x == f64::INFINITY {
        1.0
    } else {
        gamma_lr(k, x)
    }
}

/// `Q(k, x) = 1 - P(k, x)`, the standard gamma's upper tail.
fn gamma_q(k: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x == f64::INFINITY {
        0.0
    } else {
        gamma_ur(k, x)
    }
}

/// The most iterations [`solve_increasing`] takes (bisection alone halves
/// a bracket to 1e-15 of its width in about 50).
const SOLVE_MAX_ITER: usize = 200;
/// When [`solve_increasing`] stops: a step, or the bracket, below this
/// relative size.
const SOLVE_TOL: f64 = 4.0 * f64::EPSILON;

/// The root of an increasing function, where `f(t)` gives the residual and
/// its derivative, starting from `t0` strictly between `lo` and `hi`
/// (either may be infinite; the root lies between them). A safeguarded
/// Newton iteration (as Numerical Recipes' `rtsafe`): each residual narrows
/// the bracket `[lo, hi]` around the root; a Newton step that would leave
/// the bracket, has no finite slope, or (once the bracket is finite) does
/// not at least halve the step before last is replaced by bisection, or by
/// an outward step of doubling length while the bracket is open on one
/// side. It stops when a step, or the bracket, is below `SOLVE_TOL`
/// relative.
fn solve_increasing(t0: f64, mut lo: f64, mut hi: f64, f: impl Fn(f64) -> (f64, f64)) -> f64 {
    let mut t = t0;
    let mut reach = 1.0;
    let (mut step_last, mut step_before) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..SOLVE_MAX_ITER {
        let (r, slope) = f(t);
        if r == 0.0 || r.is_nan() {
            return t;
        }
        if r < 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        let scale = t.abs().max(1.0);
        let newton = t - r / slope;
        if newton.is_finite() && (newton - t).abs() <= SOLVE_TOL * scale {
            return newton;
        }
        let bracketed = lo.is_finite() && hi.is_finite();
        let next = if newton.is_finite()
            && newton > lo
            && newton < hi
            && (!bracketed || 2.0 * (newton - t).abs() <= step_before)
        {
            newton
        } else if bracketed {
            0.5 * (lo + hi)
        } else {
            reach *= 2.0;
            if lo.is_finite() {
                lo + reach
            } else {
                hi - reach
            }
        };
        if bracketed && hi - lo <= SOLVE_TOL * scale {
            return next;
        }
        (step_before, step_last) = (step_last, (next - t).abs());
        t = next;
    }
    t
}

/// The quantile at `u` of `Beta(a, b)`: `I_x(a, b) = u` solved for `x`, the
/// lower tail directly and the upper through the mirror image
/// `1 - x` of `Beta(b, a)` at `1 - u` (exact for `u >= 0.5`).
fn beta_quantile(a: f64, b: f64, u: f64) -> f64 {
    if u <= 0.5 {
        beta_lower_quantile(a, b, u)
    } else {
        1.0 - beta_lower_quantile(b, a, 1.0 - u)
    }
}

/// `x` with `I_x(a, b) = p`, for `p <= 0.5`, solved in `t = ln x` (so the
/// relative precision of a tiny `x` holds) with the residual
/// `ln I - ln p`, close to linear in `t` in the tail (where `I ≈ C x^a`),
/// so Newton steps are good from far off.
fn beta_lower_quantile(a: f64, b: f64, p: f64) -> f64 {
    let (ln_b, ln_p) = (ln_beta(a, b), p.ln());
    // Near 0, I_x(a, b) ≈ x^a / (a B(a, b)); never past the mean.
    let tail = ((ln_p + a.ln() + ln_b) / a).exp();
    let guess = tail.min(a / (a + b));
    let t0 = guess.ln().clamp(-740.0, -f64::EPSILON);
    let t = solve_increasing(t0, f64::NEG_INFINITY, 0.0, |t| {
        let x = t.exp();
        let cdf = beta_p(a, b, x);
        // d ln I / d ln x = x * density / I.
        let slope = (a * t + b * (-x).ln_1p() - ln_b).exp() / cdf;
        (cdf.ln() - ln_p, slope)
    });
    t.exp()
}

/// The quantile at `u` of the standard gamma with shape `k`: `P(k, x) = u`
/// solved for `x` in `t = ln x`, with the residual `ln P - ln u` (as for
/// the beta), the upper half through `ln (1 - u) - ln Q(k, x)`.
fn gamma_quantile(k: f64, u: f64) -> f64 {
    let lower = u <= 0.5;
    let ln_target = (if lower { u } else { 1.0 - u }).ln();
    let ln_g = ln_gamma(k);
    // Wilson-Hilferty: (X/k)^(1/3) is about normal, mean 1 - 1/(9k) and
    // variance 1/(9k). Near 0, P(k, x) ≈ x^k / Γ(k + 1), from below: the
    // quantile is at least that.
    let c = 1.0 / (9.0 * k);
    let wh = k * (1.0 - c + std_normal_quantile(u) * c.sqrt()).powi(3);
    let guess = if lower {
        let tail = ((u.ln() + ln_gamma(k + 1.0)) / k).exp();
        wh.max(tail)
    } else if wh > 0.0 {
        wh
    } else {
        k
    };
    let t0 = guess.ln().clamp(-740.0, 700.0);
    let t = solve_increasing(t0, f64::NEG_INFINITY, f64::INFINITY, |t| {
        let x = t.exp();
        // d P / d ln x = -d Q / d ln x = x * density = x^k e^(-x) / Γ(k).
        let flow = (k * t - x - ln_g).exp();
        if lower {
            let cdf = gamma_p(k, x);
            (cdf.ln() - ln_target, flow / cdf)
        } else {
            let tail = gamma_q(k, x);
            (ln_target - tail.ln(), flow / tail)
        }
    });
    t.exp()
}

#[cfg(test)]
mod tests {
    //! Large-sample checks (each distribution's sample mean and quantiles
    //! match its parameters within a statistical tolerance), and exact
    //! checks of the normal functions, quantiles, CDFs and means against
    //! published values, closed forms and an independent quadrature. The
    //! reference values not quoted from tables were computed with mpmath at
    //! 50 digits.
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
    /// `a` within `rel` of `b`, relatively (exactly, for `b = 0`); below
    /// the normal doubles (where no relative precision is left) any two
    /// values agree.
    fn near(a: f64, b: f64, rel: f64, what: &str) {
        let underflow = a.abs() < f64::MIN_POSITIVE && b.abs() < f64::MIN_POSITIVE;
        assert!(
            underflow || (a - b).abs() <= rel * b.abs(),
            "{what}: {a:e} vs expected {b:e} (relative error {:e})",
            ((a - b) / b).abs()
        );
    }
    fn normal(mean: f64, sd: f64) -> Dist {
        Dist::normal(mean, sd, f64::NEG_INFINITY, f64::INFINITY).unwrap()
    }
    /// A normal built without the mass check, to probe far tails.
    fn raw_normal(mean: f64, sd: f64, min: f64, max: f64) -> Dist {
        Dist::Normal {
            normal: Normal::new(mean, sd).unwrap(),
            min,
            max,
        }
    }
    /// Probabilities from the far lower tail to the far upper one.
    const US: [f64; 15] = [
        1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999,
        0.999_999,
    ];

    /// `quantile(cdf(x)) = x` to 1e-9 relative for `x` the quantiles from
    /// 1e-10 to 1 - 1e-6, and `cdf(quantile(u)) = u` for `u` from 0.001 to
    /// 0.999 (further out, the rounding of a value near a bound of its
    /// support, or the CDF's distance to 1, leaves no such precision).
    fn round_trips(d: &Dist, what: &str) {
        for p in &US[3..] {
            let x = d.quantile(*p);
            let back = d.quantile(d.cdf(x));
            near(back, x, 1e-9, &format!("{what}: quantile(cdf({x}))"));
        }
        for p in &US[5..14] {
            let x = d.quantile(*p);
            near(d.cdf(x), *p, 1e-9, &format!("{what}: cdf(quantile({p}))"));
        }
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
        let v = draws(&normal(10.0, 2.0));
        close(mean(&v), 10.0, 0.005);
        close(q(&v, 0.9) - 10.0, 2.0 * Z90, 0.02);
        let t = draws(&Dist::normal(0.0, 1.0, 0.0, f64::INFINITY).unwrap());
        // Half-normal: mean sqrt(2 / pi).
        close(mean(&t), (2.0 / PI).sqrt(), 0.01);
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
        let v = draws(&Dist::beta(2.0, 8.0).unwrap());
        close(mean(&v), 0.2, 0.01);
        // Variance ab / ((a+b)^2 (a+b+1)) = 16 / 1100.
        let m = mean(&v);
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64;
        close(var, 16.0 / 1100.0, 0.02);
    }

    #[test]
    fn gamma_matches() {
        let v = draws(&Dist::gamma(3.0, 2.0).unwrap());
        close(mean(&v), 6.0, 0.01);
        let m = mean(&v);
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64;
        close(var, 12.0, 0.03);
    }

    #[test]
    fn discrete_matches_weights() {
        let d = Dist::discrete(vec![1.0, 2.0, 5.0], vec![1.0, 1.0, 2.0]).unwrap();
        let v = draws(&d);
        let share = |x: f64| v.iter().filter(|y| **y == x).count() as f64 / N as f64;
        close(share(1.0), 0.25, 0.02);
        close(share(5.0), 0.5, 0.01);
        close(mean(&v), 3.25, 0.01);
    }

    /// Six draws of each variant from one stream, as the samplers drew them
    /// before the variants kept their parameters (recorded from that code):
    /// every variant but the truncated normal must draw exactly the same.
    #[test]
    fn draws_are_unchanged() {
        let lognormal = || Dist::lognormal_median_p90(4.0, 8.0).unwrap();
        let cases: [(&str, Dist, [u64; 6]); 14] = [
            ("fixed", Dist::fixed(3.5), [0x400c000000000000; 6]),
            (
                "uniform",
                Dist::Uniform { min: 2.0, max: 6.0 },
                [
                    0x400d4319848965d9,
                    0x4004522737ba5516,
                    0x40053e914b548f03,
                    0x400cbbedaf59651f,
                    0x401099ca1c762c68,
                    0x400100044625be0f,
                ],
            ),
            (
                "triangular",
                Dist::triangular(1.0, 3.0, 6.0).unwrap(),
                [
                    0x40084a633aee0baa,
                    0x40014bcfd431cfdc,
                    0x40023dd233ab55e4,
                    0x4007f57111c490d1,
                    0x400aee03dc3590ec,
                    0x3ff8f1ceeae4a0e4,
                ],
            ),
            (
                "pert",
                Dist::pert(0.0, 2.0, 10.0).unwrap(),
                [
                    0x40045689f54337dd,
                    0x3ff45786568c8357,
                    0x4009b4ebdf32067e,
                    0x400eb6293b98eec6,
                    0x40168bf3dab85dc0,
                    0x3ffdbcc38bf7f6a1,
                ],
            ),
            (
                "normal",
                normal(10.0, 2.0),
                [
                    0x40231e8546150ef0,
                    0x401eea4bfef9527e,
                    0x401b5a023141cef8,
                    0x40234b73872c31ac,
                    0x402470e13cd0d36e,
                    0x4019ca76a463c8ae,
                ],
            ),
            (
                "lognormal_median_p90",
                lognormal(),
                [
                    0x400c6839a08d948c,
                    0x400150734ca33b5a,
                    0x3ffb36e4a9b82eb2,
                    0x400d16df79e54503,
                    0x4010fba3693234a0,
                    0x3ff87d37ef0251e6,
                ],
            ),
            (
                "lognormal_mean_sd",
                Dist::lognormal_mean_sd(100.0, 30.0).unwrap(),
                [
                    0x4056725f39d39226,
                    0x405128414ea50571,
                    0x404e1bb88ae2e361,
                    0x4056bcde42129331,
                    0x4058bbb475ae2c71,
                    0x404c6eb22e56e96b,
                ],
            ),
            (
                "low_high",
                Dist::low_high(50.0, 200.0).unwrap(),
                [
                    0x4056c8dbb7093a49,
                    0x404efbf654546f9f,
                    0x4049ae68fb475685,
                    0x405735b64f7ba005,
                    0x405a30502df37c18,
                    0x4047a7897bc1399f,
                ],
            ),
            (
                "beta",
                Dist::beta(2.0, 8.0).unwrap(),
                [
                    0x3fc598a3c080fd10,
                    0x3fb5e7e6576d30a1,
                    0x3fcb8248b69c5b99,
                    0x3fd0a53cde5dda7f,
                    0x3fd9f781beba3b26,
                    0x3fbf9cf20585e880,
                ],
            ),
            (
                "beta_small",
                Dist::beta(0.5, 0.7).unwrap(),
                [
                    0x3fe2cf1afbc54608,
                    0x3fee5ddab8345875,
                    0x3fd6221eaaecdbec,
                    0x3fc7fe4f425c3c5e,
                    0x3f9979e2cd754fc6,
                    0x3fea781948aa2416,
                ],
            ),
            (
                "gamma",
                Dist::gamma(3.0, 2.0).unwrap(),
                [
                    0x401295863d3f6f91,
                    0x3ffa8274de020142,
                    0x4016ce5ae31ed18e,
                    0x4021e9b7ff1eb555,
                    0x401a2256b14026fa,
                    0x40325153b5ff642f,
                ],
            ),
            (
                "gamma_small",
                Dist::gamma(0.4, 1.5).unwrap(),
                [
                    0x3fa7073a904d09b3,
                    0x3fc6b88668afd8c5,
                    0x400bfb72d6d5654f,
                    0x3fd8178198bd5d4a,
                    0x3fff35fb2f380978,
                    0x3fd130f34ea2e1fa,
                ],
            ),
            (
                "discrete",
                Dist::discrete(vec![1.0, 2.0, 5.0], vec![1.0, 1.0, 2.0]).unwrap(),
                [
                    0x4000000000000000,
                    0x3ff0000000000000,
                    0x3ff0000000000000,
                    0x4000000000000000,
                    0x4014000000000000,
                    0x3ff0000000000000,
                ],
            ),
            (
                "capped",
                Dist::Capped(Box::new(lognormal()), 3.0),
                [
                    0x4008000000000000,
                    0x400150734ca33b5a,
                    0x3ffb36e4a9b82eb2,
                    0x4008000000000000,
                    0x4008000000000000,
                    0x3ff87d37ef0251e6,
                ],
            ),
        ];
        for (name, d, want) in cases {
            let mut rng = stream(7, 3, 11, 0);
            let got: Vec<u64> = (0..6).map(|_| d.sample(&mut rng).to_bits()).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn std_normal_cdf_matches_published_values() {
        let cases = [
            (1.96, 0.975_002_104_851_779_5),
            (-8.0, 6.220_960_574_271_785e-16),
            (0.0, 0.5),
            (-1.0, 0.158_655_253_931_457_05),
            (0.3, 0.617_911_422_188_952_7),
            (5.0, 0.999_999_713_348_428_1),
            (-20.0, 2.753_624_118_606_233_7e-89),
            (-37.0, 5.725_571_222_524_577e-300),
        ];
        for (z, p) in cases {
            near(std_normal_cdf(z), p, 1e-14, &format!("Φ({z})"));
        }
        assert_eq!(std_normal_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(std_normal_cdf(f64::INFINITY), 1.0);
        assert!(std_normal_cdf(f64::NAN).is_nan());
    }

    #[test]
    fn std_normal_quantile_matches_published_values() {
        let cases = [
            (0.975, 1.959_963_984_540_054),
            (1e-10, -6.361_340_902_404_056),
            (0.9, Z90),
            (0.95, Z_P95),
            (0.3, -0.524_400_512_708_040_8),
            (0.02, -2.053_748_910_631_823),
            (1e-300, -37.047_096_299_361_2),
        ];
        for (p, z) in cases {
            near(std_normal_quantile(p), z, 1e-14, &format!("Φ⁻¹({p})"));
        }
        assert_eq!(std_normal_quantile(0.5), 0.0);
        assert_eq!(std_normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(std_normal_quantile(1.0), f64::INFINITY);
        assert!(std_normal_quantile(1.5).is_nan());
        // Round trip from far in the lower tail to the upper one.
        for i in -370..=80 {
            let z = f64::from(i) / 10.0;
            let p = std_normal_cdf(z);
            let back = if z > 0.0 {
                -std_normal_quantile(std_normal_cdf(-z))
            } else {
                std_normal_quantile(p)
            };
            assert!(
                (back - z).abs() <= 1e-14 * z.abs().max(1.0),
                "{z} -> {back}"
            );
        }
    }

    #[test]
    fn uniform_and_triangular_quantiles_are_closed_forms() {
        let u = Dist::Uniform { min: 2.0, max: 6.0 };
        assert_eq!(u.quantile(0.25), 3.0);
        assert_eq!(u.quantile(0.0), 2.0);
        assert_eq!(u.quantile(1.0), 6.0);
        let t = Dist::triangular(1.0, 3.0, 6.0).unwrap();
        near(t.quantile(0.4), 3.0, 1e-15, "mode");
        for p in US {
            let want = if p <= 0.4 {
                1.0 + (p * 5.0 * 2.0).sqrt()
            } else {
                6.0 - ((1.0 - p) * 5.0 * 3.0).sqrt()
            };
            near(t.quantile(p), want, 1e-15, "triangular");
        }
        round_trips(&u, "uniform");
        round_trips(&t, "triangular");
        // A mode at an end.
        let r = Dist::triangular(0.0, 0.0, 2.0).unwrap();
        near(r.quantile(0.75), 1.0, 1e-15, "right triangle");
    }

    #[test]
    fn normal_and_lognormal_quantiles_are_closed_forms() {
        let n = normal(10.0, 2.0);
        near(
            n.quantile(0.975),
            10.0 + 2.0 * 1.959_963_984_540_054,
            1e-15,
            "normal",
        );
        assert_eq!(n.median(), 10.0);
        let ln = Dist::lognormal_median_p90(4.0, 8.0).unwrap();
        near(ln.quantile(0.5), 4.0, 1e-12, "lognormal median");
        near(ln.quantile(0.9), 8.0, 1e-12, "lognormal p90");
        assert_eq!(ln.median(), ln.quantile(0.5));
        let lh = Dist::low_high(50.0, 200.0).unwrap();
        near(lh.quantile(0.05), 50.0, 1e-12, "low");
        near(lh.quantile(0.95), 200.0, 1e-12, "high");
        round_trips(&n, "normal");
        round_trips(&ln, "lognormal");
    }

    /// Mirrors `x` with `I_x(a, b) = p` for the beta closed forms.
    #[test]
    fn beta_quantiles_match_closed_forms() {
        for p in US {
            let uni = Dist::beta(1.0, 1.0).unwrap();
            near(uni.quantile(p), p, 1e-12, "Beta(1,1)");
            for a in [0.3, 2.0, 7.5] {
                let d = Dist::beta(a, 1.0).unwrap();
                near(
                    d.quantile(p),
                    p.powf(1.0 / a),
                    1e-12,
                    &format!("Beta({a},1) at {p}"),
                );
                let d = Dist::beta(1.0, a).unwrap();
                // 1 - (1 - p)^(1/b), written so the lower tail keeps precision.
                let want = -((-p).ln_1p() / a).exp_m1();
                near(d.quantile(p), want, 1e-12, &format!("Beta(1,{a}) at {p}"));
            }
        }
    }

    #[test]
    fn beta_quantiles_match_published_values() {
        let b28 = Dist::beta(2.0, 8.0).unwrap();
        let cases = [
            (1e-10, 1.666_673_148_186_857_2e-6),
            (0.01, 0.017_356_458_752_504_893),
            (0.1, 0.060_769_049_650_768_424),
            (0.5, 0.179_619_611_980_361),
            (0.9, 0.368_362_363_789_925_7),
            (0.99, 0.544_033_692_248_025),
        ];
        for (p, x) in cases {
            near(b28.quantile(p), x, 1e-12, &format!("Beta(2,8) at {p}"));
        }
        let small = Dist::beta(0.5, 0.7).unwrap();
        let cases = [
            (1e-10, 1.569_752_867_602_128_8e-20),
            (0.1, 0.015_648_215_096_686_836),
            (0.5, 0.361_083_913_132_043_74),
            (0.9, 0.918_834_884_278_280_1),
        ];
        for (p, x) in cases {
            near(
                small.quantile(p),
                x,
                1e-12,
                &format!("Beta(0.5,0.7) at {p}"),
            );
        }
        // Round trips, both tails, shapes from 0.3 to 200.
        for (a, b) in [
            (2.0, 8.0),
            (0.3, 0.3),
            (0.3, 43.5),
            (43.5, 0.7),
            (6.5, 200.0),
        ] {
            let d = Dist::beta(a, b).unwrap();
            for p in US {
                assert!((0.0..=1.0).contains(&d.quantile(p)));
            }
            round_trips(&d, &format!("Beta({a},{b})"));
        }
    }

    #[test]
    fn gamma_quantiles_match_closed_forms_and_published_values() {
        // Shape 1: the exponential, -scale ln(1 - p).
        let e = Dist::gamma(1.0, 2.5).unwrap();
        for p in US {
            near(
                e.quantile(p),
                -2.5 * (-p).ln_1p(),
                1e-12,
                &format!("exp at {p}"),
            );
        }
        near(
            Dist::gamma(2.0, 1.0).unwrap().median(),
            1.678_346_990_016_661,
            1e-13,
            "Gamma(2,1) median",
        );
        let g3 = Dist::gamma(3.0, 1.0).unwrap();
        let cases = [
            (0.01, 0.436_045_165_078_293_16),
            (0.5, 2.674_060_313_723_560_3),
            (0.9, 5.322_320_337_834_21),
            (0.999, 11.228_872_242_412_663),
        ];
        for (p, x) in cases {
            near(g3.quantile(p), x, 1e-12, &format!("Gamma(3) at {p}"));
        }
        let g04 = Dist::gamma(0.4, 1.0).unwrap();
        let cases = [
            (1e-10, 7.415_354_682_563_98e-26),
            (0.1, 0.002_348_877_240_999_006),
            (0.5, 0.145_078_141_643_435_27),
            (0.99, 3.000_096_744_658_972_4),
        ];
        for (p, x) in cases {
            near(g04.quantile(p), x, 1e-12, &format!("Gamma(0.4) at {p}"));
        }
        for k in [0.05, 0.4, 3.0, 200.0] {
            round_trips(&Dist::gamma(k, 3.0).unwrap(), &format!("Gamma({k})"));
        }
    }

    #[test]
    fn pert_quantiles_are_scaled_betas() {
        // PERT(0, 2, 10) = 10 Beta(1.8, 4.2).
        let d = Dist::pert(0.0, 2.0, 10.0).unwrap();
        let cases = [
            (0.1, 0.899_021_304_592_416_6),
            (0.5, 2.766_722_593_925_188_3),
            (0.9, 5.453_340_504_335_817),
        ];
        for (p, x) in cases {
            near(d.quantile(p), x, 1e-12, &format!("PERT at {p}"));
        }
        round_trips(&d, "PERT");
    }

    #[test]
    fn discrete_quantile_is_first_value_reaching_u() {
        let d = Dist::discrete(vec![1.0, 2.0, 5.0], vec![1.0, 1.0, 2.0]).unwrap();
        assert_eq!(d.quantile(0.0), 1.0);
        assert_eq!(d.quantile(0.1), 1.0);
        // Exactly at a boundary: the value whose cumulative weight reaches it.
        assert_eq!(d.quantile(0.25), 1.0);
        assert_eq!(d.quantile(0.25 + 1e-12), 2.0);
        assert_eq!(d.quantile(0.5), 2.0);
        assert_eq!(d.quantile(0.5 + 1e-12), 5.0);
        assert_eq!(d.quantile(1.0), 5.0);
        assert_eq!(d.median(), 2.0);
        assert_eq!(d.cdf(1.5), 0.25);
        assert_eq!(d.cdf(5.0), 1.0);
        assert_eq!(d.cdf(0.5), 0.0);
        // In the order given, not sorted; zero weights never chosen.
        let d = Dist::discrete(vec![9.0, 5.0, 1.0, 7.0], vec![0.0, 1.0, 1.0, 0.0]).unwrap();
        assert_eq!(d.quantile(0.0), 5.0);
        assert_eq!(d.quantile(0.5), 5.0);
        assert_eq!(d.quantile(0.7), 1.0);
        assert_eq!(d.quantile(1.0), 1.0);
    }

    #[test]
    fn capped_and_fixed_quantiles() {
        let inner = Dist::lognormal_median_p90(4.0, 8.0).unwrap();
        let c = Dist::Capped(Box::new(inner.clone()), 6.0);
        assert_eq!(c.quantile(0.5), inner.quantile(0.5));
        assert_eq!(c.quantile(0.9), 6.0);
        assert_eq!(c.cdf(6.0), 1.0);
        assert_eq!(c.cdf(4.0), inner.cdf(4.0));
        let f = Dist::fixed(3.0);
        assert_eq!(
            (f.quantile(0.0), f.quantile(0.7), f.median()),
            (3.0, 3.0, 3.0)
        );
        assert!(f.quantile(f64::NAN).is_nan());
    }

    #[test]
    fn quantile_clamps_u_into_the_open_interval() {
        let n = normal(0.0, 1.0);
        assert_eq!(n.quantile(0.0), std_normal_quantile(f64::MIN_POSITIVE));
        assert_eq!(n.quantile(-1.0), n.quantile(0.0));
        assert_eq!(n.quantile(1.0), n.quantile(1.0 - f64::EPSILON / 2.0));
        assert!(n.quantile(0.0).is_finite() && n.quantile(1.0).is_finite());
        let g = Dist::gamma(2.0, 1.0).unwrap();
        assert!(g.quantile(1.0).is_finite());
        assert!(g.quantile(0.0) >= 0.0);
        let t = Dist::normal(0.0, 1.0, -1.0, 2.0).unwrap();
        near(t.quantile(0.0), -1.0, 1e-15, "bottom");
        near(t.quantile(1.0), 2.0, 1e-15, "top");
    }

    #[test]
    fn truncated_normal_quantile_holds_in_the_tails() {
        // Far beyond the scenario limit (mass 7.6e-24), built directly: the
        // median of N(0, 1) above 10.
        let far = raw_normal(0.0, 1.0, 10.0, f64::INFINITY);
        near(
            far.quantile(0.5),
            10.068_411_836_081_43,
            1e-12,
            "median above 10",
        );
        // Two-sided in the upper tail: N(0, 1) on [6, 7] at 0.3.
        let band = raw_normal(0.0, 1.0, 6.0, 7.0);
        near(
            band.quantile(0.3),
            6.057_563_191_303_433,
            1e-12,
            "[6, 7] at 0.3",
        );
        // Mirror image in the lower tail.
        let low = raw_normal(0.0, 1.0, -7.0, -6.0);
        near(
            low.quantile(0.7),
            -6.057_563_191_303_433,
            1e-12,
            "[-7, -6] at 0.7",
        );
        for d in [
            &far,
            &band,
            &low,
            &Dist::normal(3.0, 2.0, -1.0, 4.0).unwrap(),
        ] {
            let (lo, hi) = d.support();
            for p in US {
                let x = d.quantile(p);
                assert!(x >= lo && x <= hi, "{x} outside [{lo}, {hi}]");
            }
            round_trips(d, "truncated normal");
        }
    }

    #[test]
    fn truncated_normal_is_drawn_exactly() {
        // N(100, 10) below 130: mean 100 - 10 φ(3) / Φ(3).
        let d = Dist::normal(100.0, 10.0, f64::NEG_INFINITY, 130.0).unwrap();
        let want = 99.955_621_609_578_74;
        near(d.mean(), want, 1e-13, "closed-form mean");
        let v = draws(&d);
        let se = 10.0 / (N as f64).sqrt();
        assert!((mean(&v) - want).abs() < 4.0 * se, "{} vs {want}", mean(&v));
        assert!(v[N - 1] <= 130.0);
        assert_eq!(v.iter().filter(|x| **x == 130.0).count(), 0);
        // N(0, 1) above 4 keeps 3.2e-5 of the mass: every draw is above 4
        // and their mean is φ(4) / (1 - Φ(4)).
        let d = Dist::normal(0.0, 1.0, 4.0, f64::INFINITY).unwrap();
        let want = 4.225_607_144_489_471;
        near(d.mean(), want, 1e-13, "mean above 4");
        let v = draws(&d);
        assert!(v[0] >= 4.0);
        // The sd of N(0,1) above 4 is about 0.22.
        assert!((mean(&v) - want).abs() < 4.0 * 0.23 / (N as f64).sqrt());
        // A draw is the quantile of one uniform from the stream.
        let mut a = stream(1, 2, 3, 4);
        let mut b = stream(1, 2, 3, 4);
        for _ in 0..5 {
            assert_eq!(d.sample(&mut a), d.quantile(b.random::<f64>()));
        }
    }

    #[test]
    fn normal_bounds_keeping_too_little_mass_are_refused() {
        near(
            std_normal_mass(4.0, f64::INFINITY),
            3.167_124_183_311_992_4e-5,
            1e-13,
            "above 4",
        );
        near(
            std_normal_mass(f64::NEG_INFINITY, -5.0),
            2.866_515_718_791_939e-7,
            1e-13,
            "below -5",
        );
        assert!(Dist::normal(0.0, 1.0, 5.0, f64::INFINITY).is_none());
        assert!(Dist::normal(0.0, 1.0, 4.0, f64::INFINITY).is_some());
        assert!(Dist::normal(0.0, 1.0, 1.0, 1.0 + 1e-6).is_none());
        assert!(Dist::normal(0.0, 1.0, 2.0, 1.0).is_none());
        assert!(Dist::normal(0.0, 0.0, 0.0, 1.0).is_none());
    }

    /// `∫ f` over `[lo, hi]` by tanh-sinh quadrature (nodes placed by their
    /// distance to the nearer end, so endpoint behaviour is resolved).
    fn tanh_sinh(lo: f64, hi: f64, f: impl Fn(f64) -> f64) -> f64 {
        let h = 1.0 / 64.0;
        let half = (hi - lo) / 2.0;
        let mut sum = PI / 2.0 * f(lo + half);
        for k in 1..=256 {
            let t = f64::from(k) * h;
            let s = PI / 2.0 * t.sinh();
            // Distance from the end, as a share of the width: 1 / (1 + e^(2s)).
            let gap = 1.0 / (1.0 + (2.0 * s).exp());
            let w = PI / 2.0 * t.cosh() / (s.cosh() * s.cosh());
            if gap * (hi - lo) == 0.0 || w < 1e-300 {
                break;
            }
            sum += w * (f(lo + (hi - lo) * gap) + f(hi - (hi - lo) * gap));
        }
        sum * h * half
    }

    /// `∫₀¹ min(Q(u), cap) du`, split where `Q` reaches the cap and at a
    /// triangular's mode (where `Q` has a kink).
    fn mean_by_quadrature(d: &Dist, cap: f64) -> f64 {
        let uc = if cap == f64::INFINITY {
            1.0
        } else {
            d.cdf(cap)
        };
        let mut ends = vec![0.0, uc];
        if let Dist::Triangular { mode, .. } = d {
            ends.insert(1, d.cdf(*mode).min(uc));
        }
        let below: f64 = ends
            .windows(2)
            .map(|w| tanh_sinh(w[0], w[1], |u| d.quantile(u)))
            .sum();
        below + cap.min(f64::MAX) * (1.0 - uc)
    }

    #[test]
    fn means_match_closed_forms() {
        let cases = [
            (Dist::fixed(2.5), 2.5),
            (Dist::Uniform { min: 2.0, max: 6.0 }, 4.0),
            (Dist::triangular(1.0, 3.0, 6.0).unwrap(), 10.0 / 3.0),
            (Dist::pert(0.0, 2.0, 10.0).unwrap(), 3.0),
            (normal(10.0, 2.0), 10.0),
            (Dist::lognormal_mean_sd(100.0, 30.0).unwrap(), 100.0),
            (Dist::lognormal_median_p90(4.0, 8.0).unwrap(), {
                let s = (2.0f64).ln() / Z90;
                4.0 * (s * s / 2.0).exp()
            }),
            (Dist::beta(2.0, 8.0).unwrap(), 0.2),
            (Dist::gamma(3.0, 2.0).unwrap(), 6.0),
            (
                Dist::discrete(vec![1.0, 2.0, 5.0], vec![1.0, 1.0, 2.0]).unwrap(),
                3.25,
            ),
            // Half-normal: sqrt(2 / pi).
            (
                Dist::normal(0.0, 1.0, 0.0, f64::INFINITY).unwrap(),
                (2.0 / PI).sqrt(),
            ),
        ];
        for (d, want) in &cases {
            near(d.mean(), *want, 1e-13, &format!("{d:?}"));
        }
        // And each against the integral of its quantile function.
        for (d, want) in cases.iter().take(9).skip(1) {
            near(
                mean_by_quadrature(d, f64::INFINITY),
                *want,
                1e-9,
                &format!("quadrature {d:?}"),
            );
        }
    }

    #[test]
    fn capped_means_match_quadrature_and_closed_forms() {
        let capped = |d: Dist, cap: f64| Dist::Capped(Box::new(d), cap);
        let ln = Dist::lognormal_median_p90(4.0, 8.0).unwrap();
        let cases = [
            capped(ln.clone(), 6.0),
            capped(ln.clone(), 0.5),
            capped(Dist::gamma(3.0, 2.0).unwrap(), 7.0),
            capped(Dist::gamma(0.4, 1.5).unwrap(), 0.2),
            capped(normal(10.0, 2.0), 11.0),
            capped(Dist::normal(10.0, 2.0, 9.0, f64::INFINITY).unwrap(), 9.5),
            capped(Dist::beta(2.0, 8.0).unwrap(), 0.3),
            capped(Dist::pert(0.0, 2.0, 10.0).unwrap(), 4.0),
            capped(Dist::triangular(1.0, 3.0, 6.0).unwrap(), 2.0),
            capped(Dist::triangular(1.0, 3.0, 6.0).unwrap(), 5.0),
            capped(Dist::Uniform { min: 2.0, max: 6.0 }, 3.0),
        ];
        for d in &cases {
            let Dist::Capped(inner, cap) = d else {
                unreachable!()
            };
            near(
                d.mean(),
                mean_by_quadrature(inner, *cap),
                1e-9,
                &format!("{d:?}"),
            );
        }
        // Closed forms: a cap above the support changes nothing, one below
        // it is the mean; uniform on [2, 6] capped at 3: (1/4) 2.5 + (3/4) 3.
        near(
            capped(Dist::beta(2.0, 8.0).unwrap(), 2.0).mean(),
            0.2,
            1e-15,
            "above",
        );
        assert_eq!(capped(ln.clone(), -1.0).mean(), -1.0);
        near(cases[10].mean(), 0.25 * 2.5 + 0.75 * 3.0, 1e-15, "uniform");
        let d = capped(
            Dist::discrete(vec![1.0, 2.0, 5.0], vec![1.0, 1.0, 2.0]).unwrap(),
            3.0,
        );
        near(d.mean(), (1.0 + 2.0 + 2.0 * 3.0) / 4.0, 1e-15, "discrete");
        // A cap of a cap: the lower one.
        let twice = capped(capped(ln.clone(), 6.0), 8.0);
        near(twice.mean(), cases[0].mean(), 1e-15, "nested");
        // A far cap leaves the mean; and against a large sample.
        near(capped(ln.clone(), 1e12).mean(), ln.mean(), 1e-12, "far cap");
        let v = draws(&cases[0]);
        let m = mean(&v);
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / N as f64).sqrt();
        assert!((m - cases[0].mean()).abs() < 4.0 * sd / (N as f64).sqrt());
    }
}
