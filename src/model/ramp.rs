//! The continuous ramp-up within one stretch of work (docs/MODEL.md 5 and
//! 6.4): productivity and rework as context grows while an engineer works.
//!
//! An engineer starting a stretch with context `K0`, against `need`
//! engineer-months of context to know (fixed for the stretch), has after `τ`
//! engineer-months of time used the coverage `c(τ) = min(1, (K0 + τ) / need)`
//! (1 when `need = 0`), productivity `p = p0 + (1 - p0) c` and rework rate
//! `r = min(0.95, (rework_base + rework_at_zero_context (1 - c)) multiplier)`.
//! `p` and `r` are piecewise linear in `τ`: a piece where the 0.95 cap binds,
//! a piece where both fall linearly, and a constant piece once caught up. So
//! the three integrals that split paid time (delivered output
//! `G = ∫ p (1 - r)`, time lost to missing context `L = ∫ (1 - p)`, defective
//! work `R = ∫ p r`) are polynomials of degree at most three on each piece,
//! integrated here exactly; the time a given output takes is found by
//! inverting `G` within its piece (safeguarded Newton, to 1e-12
//! engineer-months). With full context, the common case, there is one
//! constant piece and everything is a division.

/// The highest rework rate (so that work always converges).
pub(super) const MAX_REWORK: f64 = 0.95;

/// The fixed parameters of an engineer's ramp: the trial's knowledge inputs
/// and the engagement's rework multiplier.
#[derive(Debug, Clone, Copy)]
pub(super) struct RampParams {
    /// Productivity with no context, `p0` (above 0).
    pub(super) p0: f64,
    pub(super) rework_base: f64,
    pub(super) rework_at_zero: f64,
    pub(super) multiplier: f64,
}

/// One piece of a stretch, from `start`, with `p = a_p + b_p x` and
/// `r = a_r + b_r x` in `x = τ - start`, and the integrals at its start.
#[derive(Debug, Clone, Copy, Default)]
struct Piece {
    start: f64,
    a_p: f64,
    b_p: f64,
    a_r: f64,
    b_r: f64,
    /// `G`, `L` and `R` at `start`.
    g0: f64,
    l0: f64,
    r0: f64,
}

impl Piece {
    /// Coefficients of the output integrand `p (1 - r) = A + B x + C x²`.
    #[inline]
    fn output_poly(&self) -> (f64, f64, f64) {
        let a = self.a_p * (1.0 - self.a_r);
        let b = self.b_p * (1.0 - self.a_r) - self.a_p * self.b_r;
        let c = -self.b_p * self.b_r;
        (a, b, c)
    }

    /// `∫₀^x p (1 - r)`.
    #[inline]
    fn output(&self, x: f64) -> f64 {
        let (a, b, c) = self.output_poly();
        x * (a + x * (b / 2.0 + x * c / 3.0))
    }

    /// `∫₀^x (1 - p)`.
    #[inline]
    fn context(&self, x: f64) -> f64 {
        x * ((1.0 - self.a_p) - x * self.b_p / 2.0)
    }

    /// `∫₀^x p r`.
    #[inline]
    fn rework(&self, x: f64) -> f64 {
        let a = self.a_p * self.a_r;
        let b = self.a_p * self.b_r + self.b_p * self.a_r;
        let c = self.b_p * self.b_r;
        x * (a + x * (b / 2.0 + x * c / 3.0))
    }

    /// The `x` in `[0, len]` at which the piece's output reaches `y`
    /// (`0 <= y <= output(len)`), by Newton's method kept inside a shrinking
    /// bracket (the output is strictly increasing: its rate is at least
    /// `p0 (1 - 0.95) > 0`), to about 1e-12 engineer-months.
    fn invert(&self, y: f64, len: f64) -> f64 {
        let (a, b, c) = self.output_poly();
        if b == 0.0 && c == 0.0 {
            return (y / a).min(len);
        }
        // The root of the quadratic part, `A x + B x² / 2 = y`, in the form
        // that keeps precision when `B` is small: exact when `C = 0` (a
        // piece where the rework cap binds) and a close first guess
        // otherwise.
        let disc = (a * a + 2.0 * b * y).max(0.0);
        let quad = 2.0 * y / (a + disc.sqrt());
        let (mut lo, mut hi) = (0.0, len);
        let mut x = if quad.is_finite() {
            quad.clamp(lo, hi)
        } else {
            (y / a).clamp(lo, hi)
        };
        if c == 0.0 && x < len {
            return x;
        }
        for _ in 0..100 {
            let f = self.output(x) - y;
            if f == 0.0 {
                break;
            }
            if f > 0.0 {
                hi = x;
            } else {
                lo = x;
            }
            let rate = a + x * (b + x * c);
            let newton = x - f / rate;
            // Newton converges quadratically: after a step `h` the error is
            // about `|G''| / (2 G') h²`, so stop once that is below 1e-12
            // engineer-months (the bracket check below still applies).
            let h = newton - x;
            let curvature = (b + 2.0 * c * x).abs() / (2.0 * rate);
            if curvature * h * h <= 1e-12 && h.abs() <= 1e-6 {
                x = newton.clamp(lo, hi);
                break;
            }
            x = if newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            if hi - lo <= 1e-13 {
                break;
            }
        }
        x
    }
}

/// The ramp of one stretch.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ramp {
    /// Full context from the start (most stretches): full speed, the rework
    /// rate `r` throughout.
    Full { r: f64 },
    /// Catching up: up to three pieces.
    CatchingUp(Pieces),
}

impl Ramp {
    /// The ramp of an engineer who starts the stretch with context `k0`
    /// when `need` engineer-months of context are there to know.
    #[inline]
    pub(super) fn new(rp: &RampParams, k0: f64, need: f64) -> Ramp {
        let r = (rp.rework_base * rp.multiplier).min(MAX_REWORK);
        if need <= 0.0 || k0 >= need {
            Ramp::Full { r }
        } else {
            Ramp::CatchingUp(Pieces::new(rp, k0, need, r))
        }
    }

    /// Output delivered by the first `t` of time used, `G(t)`.
    #[inline]
    pub(super) fn output(&self, t: f64) -> f64 {
        match self {
            Ramp::Full { r } => t * (1.0 - r),
            Ramp::CatchingUp(p) => p.output(t),
        }
    }

    /// Time lost to missing context in the first `t`, `L(t)`.
    #[inline]
    pub(super) fn context(&self, t: f64) -> f64 {
        match self {
            Ramp::Full { .. } => 0.0,
            Ramp::CatchingUp(p) => p.context(t),
        }
    }

    /// Defective work in the first `t`, `R(t)`.
    #[inline]
    pub(super) fn rework(&self, t: f64) -> f64 {
        match self {
            Ramp::Full { r } => t * r,
            Ramp::CatchingUp(p) => p.rework(t),
        }
    }

    /// The time used at which the output reaches `y >= 0`, `G⁻¹(y)`.
    #[inline]
    pub(super) fn time_for(&self, y: f64) -> f64 {
        match self {
            Ramp::Full { r } => y / (1.0 - r),
            Ramp::CatchingUp(p) => p.time_for(y),
        }
    }
}

/// A stretch that starts short of full context: up to three pieces.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pieces {
    pieces: [Piece; 3],
    n: usize,
}

impl Pieces {
    /// Requires `0 <= k0 < need`; `full_r` is the rework rate once caught up.
    fn new(rp: &RampParams, k0: f64, need: f64, full_r: f64) -> Pieces {
        let mut ramp = Pieces {
            pieces: [Piece::default(); 3],
            n: 0,
        };
        // Until caught up, at τ_full = need - k0: c = (k0 + τ) / need.
        let t_full = need - k0;
        let c0 = k0 / need;
        let b_p = (1.0 - rp.p0) / need;
        let p_at = |t: f64| rp.p0 + (1.0 - rp.p0) * (k0 + t) / need;
        // Uncapped rework rate, α + β τ (β <= 0).
        let alpha = (rp.rework_base + rp.rework_at_zero * (1.0 - c0)) * rp.multiplier;
        let beta = -rp.rework_at_zero * rp.multiplier / need;
        let t_cap = if alpha <= MAX_REWORK {
            0.0
        } else if beta < 0.0 {
            ((MAX_REWORK - alpha) / beta).min(t_full)
        } else {
            t_full
        };
        if t_cap > 0.0 {
            ramp.push(0.0, p_at(0.0), b_p, MAX_REWORK, 0.0);
        }
        if t_cap < t_full {
            let r = (alpha + beta * t_cap).min(MAX_REWORK);
            ramp.push(t_cap, p_at(t_cap), b_p, r, beta);
        }
        ramp.push(t_full, 1.0, 0.0, full_r, 0.0);
        ramp
    }

    /// Appends a piece from `start`, carrying the integrals over.
    fn push(&mut self, start: f64, a_p: f64, b_p: f64, a_r: f64, b_r: f64) {
        let (g0, l0, r0) = match self.n {
            0 => (0.0, 0.0, 0.0),
            n => {
                let prev = &self.pieces[n - 1];
                let x = start - prev.start;
                (
                    prev.g0 + prev.output(x),
                    prev.l0 + prev.context(x),
                    prev.r0 + prev.rework(x),
                )
            }
        };
        self.pieces[self.n] = Piece {
            start,
            a_p,
            b_p,
            a_r,
            b_r,
            g0,
            l0,
            r0,
        };
        self.n += 1;
    }

    /// The piece that holds time `t`.
    #[inline]
    fn piece_at(&self, t: f64) -> &Piece {
        let pieces = &self.pieces[..self.n];
        pieces
            .iter()
            .rev()
            .find(|p| t >= p.start)
            .unwrap_or(&pieces[0])
    }

    #[inline]
    fn output(&self, t: f64) -> f64 {
        let p = self.piece_at(t);
        p.g0 + p.output(t - p.start)
    }

    #[inline]
    fn context(&self, t: f64) -> f64 {
        let p = self.piece_at(t);
        p.l0 + p.context(t - p.start)
    }

    #[inline]
    fn rework(&self, t: f64) -> f64 {
        let p = self.piece_at(t);
        p.r0 + p.rework(t - p.start)
    }

    #[inline]
    fn time_for(&self, y: f64) -> f64 {
        let pieces = &self.pieces[..self.n];
        let i = pieces.iter().rposition(|p| y >= p.g0).unwrap_or(0);
        let p = &pieces[i];
        let len = match pieces.get(i + 1) {
            Some(next) => next.start - p.start,
            None => f64::INFINITY,
        };
        p.start + p.invert(y - p.g0, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RP: RampParams = RampParams {
        p0: 0.3,
        rework_base: 0.1,
        rework_at_zero: 0.25,
        multiplier: 1.2,
    };

    /// `∫₀^t f` by composite Simpson's rule with many steps.
    fn simpson(f: impl Fn(f64) -> f64, t: f64) -> f64 {
        let n = 20_000;
        let h = t / n as f64;
        let mut s = f(0.0) + f(t);
        for i in 1..n {
            s += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }

    fn rates(rp: &RampParams, k0: f64, need: f64, t: f64) -> (f64, f64) {
        let c = if need <= 0.0 {
            1.0
        } else {
            ((k0 + t) / need).min(1.0)
        };
        let p = rp.p0 + (1.0 - rp.p0) * c;
        let r = ((rp.rework_base + rp.rework_at_zero * (1.0 - c)) * rp.multiplier).min(MAX_REWORK);
        (p, r)
    }

    fn check_against_quadrature(rp: &RampParams, k0: f64, need: f64) {
        let ramp = Ramp::new(rp, k0, need);
        for t in [0.0, 0.05, 0.3, 0.9, 1.7, 3.0, 7.5] {
            let g = simpson(
                |s| {
                    let (p, r) = rates(rp, k0, need, s);
                    p * (1.0 - r)
                },
                t,
            );
            let l = simpson(|s| 1.0 - rates(rp, k0, need, s).0, t);
            let r = simpson(
                |s| {
                    let (p, r) = rates(rp, k0, need, s);
                    p * r
                },
                t,
            );
            // Simpson is exact on each polynomial piece but not across a
            // kink; 20,000 steps make the kink's error tiny.
            assert!(
                (ramp.output(t) - g).abs() < 1e-7,
                "G({t}) {} vs {g}",
                ramp.output(t)
            );
            assert!((ramp.context(t) - l).abs() < 1e-7);
            assert!((ramp.rework(t) - r).abs() < 1e-7);
            let sum = ramp.output(t) + ramp.context(t) + ramp.rework(t);
            assert!((sum - t).abs() < 1e-12, "G + L + R = {sum} at {t}");
            if t > 0.0 {
                let back = ramp.time_for(ramp.output(t));
                assert!((back - t).abs() < 1e-9, "G⁻¹(G({t})) = {back}");
            }
        }
    }

    #[test]
    fn integrals_match_quadrature_and_invert() {
        check_against_quadrature(&RP, 0.0, 3.0);
        check_against_quadrature(&RP, 1.2, 3.0);
        check_against_quadrature(&RP, 5.0, 3.0);
        check_against_quadrature(&RP, 0.0, 0.0);
        // The 0.95 cap binds at first, then lifts.
        let capped = RampParams {
            multiplier: 3.0,
            ..RP
        };
        check_against_quadrature(&capped, 0.0, 2.0);
        // Capped all the way.
        let always = RampParams {
            multiplier: 20.0,
            ..RP
        };
        check_against_quadrature(&always, 0.5, 2.0);
        // No rework at all.
        let clean = RampParams {
            rework_base: 0.0,
            rework_at_zero: 0.0,
            ..RP
        };
        check_against_quadrature(&clean, 0.0, 4.0);
    }

    #[test]
    fn ramp_up_costs_the_square_of_what_is_missing() {
        // No rework: missing M of need loses (1 - p0) M² / (2 need).
        let rp = RampParams {
            p0: 0.3,
            rework_base: 0.0,
            rework_at_zero: 0.0,
            multiplier: 1.0,
        };
        for (need, m) in [(3.0, 3.0), (3.0, 0.5), (6.0, 0.11), (1.0, 0.01)] {
            let ramp = Ramp::new(&rp, need - m, need);
            let lost = ramp.context(10.0);
            let expect = 0.7 * m * m / (2.0 * need);
            assert!((lost - expect).abs() < 1e-12, "{lost} vs {expect}");
        }
    }

    #[test]
    fn full_context_is_a_division() {
        let ramp = Ramp::new(&RP, 3.0, 3.0);
        let r = 0.1 * 1.2;
        assert!((ramp.time_for(2.0) - 2.0 / (1.0 - r)).abs() < 1e-12);
        assert_eq!(ramp.context(5.0), 0.0);
    }

    #[test]
    fn inversion_is_exact_to_1e_11_even_on_steep_ramps() {
        // Against bisection to the last bit, over shallow and steep ramps
        // (small need, large rework multipliers, a low p0).
        for (p0, mult, need, k0) in [
            (0.3, 1.2, 3.0, 0.0),
            (0.001, 1.0, 0.01, 0.0),
            (0.05, 60.0, 0.05, 0.001),
            (0.5, 3.0, 6.0, 2.0),
        ] {
            let rp = RampParams {
                p0,
                rework_base: 0.1,
                rework_at_zero: 0.4,
                multiplier: mult,
            };
            let ramp = Ramp::new(&rp, k0, need);
            for y in [1e-6, 1e-3, 0.004, 0.02, 0.3, 1.0, 2.5] {
                let (mut lo, mut hi) = (0.0_f64, 1e6_f64);
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if ramp.output(mid) < y {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let t = ramp.time_for(y);
                assert!(
                    (t - lo).abs() <= 1e-11 * lo.max(1.0),
                    "{t} vs {lo} for y {y}, need {need}"
                );
            }
        }
    }
}
