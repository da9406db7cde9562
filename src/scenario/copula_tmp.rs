//! TEMPORARY stand-ins for `dist::std_normal_cdf` and `Dist::quantile`,
//! which the `v5-dist` branch adds; this file goes when that branch is
//! merged. Not a usable implementation: only fixed and uniform
//! distributions have a quantile here.

use crate::dist::Dist;

/// Φ, the standard normal CDF (temporary).
pub(super) fn std_normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf_tmp(z / std::f64::consts::SQRT_2))
}

fn erf_tmp(x: f64) -> f64 {
    // Abramowitz and Stegun 7.1.26 (temporary, 1.5e-7).
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

/// The inverse CDF (temporary).
pub(super) trait QuantileTmp {
    fn quantile(&self, u: f64) -> f64;
}

impl QuantileTmp for Dist {
    fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + u * (max - min),
            _ => unimplemented!("temporary quantile"),
        }
    }
}
