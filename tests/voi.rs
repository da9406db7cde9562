//! The value of information (voi.csv): the EVPPI estimator against closed
//! forms, its bias and error for an input of no use, and determinism.

use tcosim::stats::voi::{self, VOI_TRIALS, bins_for};
use tcosim::stats::{InputDraws, Totals};

/// A uniform number in [0, 1) from a fixed sequence (SplitMix64).
fn uniforms(n: usize, seed: u64) -> Vec<f64> {
    let mut z = seed;
    (0..n)
        .map(|_| {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((x ^ (x >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// Two strategies: A costs `1000 * x + noise`, B a fixed 500 plus the same
/// noise (common random numbers); `x` uniform on [0, 1) decides the choice,
/// `y` (another uniform) decides nothing.
fn decided(n: usize) -> (Totals, InputDraws) {
    let x = uniforms(n, 1);
    let y = uniforms(n, 2);
    let noise = uniforms(n, 3);
    let mut totals = Vec::with_capacity(2 * n);
    let mut draws = Vec::with_capacity(2 * n);
    for t in 0..n {
        let e = 200.0 * noise[t];
        totals.push(1000.0 * x[t] + e);
        totals.push(500.0 + e);
        draws.push(x[t] as f32);
        draws.push(y[t] as f32);
    }
    (
        Totals::new(vec!["A".into(), "B".into()], totals).unwrap(),
        InputDraws::new(vec!["x".into(), "y".into()], draws).unwrap(),
    )
}

/// Closed form: without information both cost 500 + E[noise] on average
/// (A's mean is 1000 * 0.5); knowing x one picks A below 0.5 and B above,
/// saving E[max(0, 500 - 1000 x)] = 125 on average.
#[test]
fn an_input_that_decides_the_choice_has_its_closed_form_evppi() {
    let (t, d) = decided(20_000);
    let v = voi::voi(&t, &d, 7);
    let x = &v.rows[0];
    assert_eq!(x.input, "x");
    // The bins' discreteness loses (width^2 / 4) * 1000 / 2 per bin pair:
    // with 27 bins about 0.17, far below the tolerance.
    assert!(
        (x.evppi - 125.0).abs() < 4.0 * x.se + x.bias + 1.0,
        "EVPPI {} (se {}, bias {}) against 125",
        x.evppi,
        x.se,
        x.bias
    );
    assert!(x.se > 0.0 && x.se < 5.0, "se {}", x.se);
    assert_eq!((x.choice_if_low, x.choice_if_high), (0, 1));
    assert!((x.share_changed - 0.5).abs() < 0.05, "{}", x.share_changed);
    // EVPPI never exceeds the value of perfect information on everything.
    let evpi = voi::evpi(&[t.totals_of(0), t.totals_of(1)]);
    assert!((evpi - 125.0).abs() < 5.0, "EVPI {evpi}");
    assert!(x.evppi <= evpi + 1e-9);
}

#[test]
fn an_input_of_no_use_scores_within_its_bias_and_error_of_zero() {
    let (t, d) = decided(20_000);
    let v = voi::voi(&t, &d, 7);
    let y = &v.rows[1];
    assert_eq!(y.input, "y");
    assert!(y.bias > 0.0, "the estimator's bias is upward: {}", y.bias);
    assert!(
        y.evppi <= y.bias + 3.0 * y.se,
        "EVPPI {} against bias {} and se {}",
        y.evppi,
        y.bias,
        y.se
    );
    // And it is far below the input that matters.
    assert!(y.evppi < v.rows[0].evppi / 10.0);
    // Ranked: x first, with its strategies' names.
    let ranked = v.ranked();
    assert_eq!(ranked[0].0.input, "x");
    assert_eq!((ranked[0].2, ranked[0].3), ("A", "B"));
}

#[test]
fn voi_is_the_same_on_any_number_of_threads() {
    let (t, d) = decided(5_000);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| voi::voi(&t, &d, 11))
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(5));
    // A different seed moves the bootstrap and the shuffles, not the estimate.
    let other = voi::voi(&t, &d, 12);
    assert_eq!(one.rows[0].evppi, other.rows[0].evppi);
    assert_ne!(one.rows[0].se, other.rows[0].se);
}

#[test]
fn one_strategy_has_nothing_to_choose() {
    let t = Totals::new(vec!["A".into()], vec![1.0, 2.0, 3.0]).unwrap();
    let d = InputDraws::new(vec!["x".into()], vec![1.0, 2.0, 3.0]).unwrap();
    assert!(voi::voi(&t, &d, 1).rows.is_empty());
}

#[test]
fn bins_grow_with_the_cube_root_of_the_trials() {
    assert_eq!(bins_for(10), 2);
    assert_eq!(bins_for(400), 7);
    assert_eq!(bins_for(10_000), 22);
    assert_eq!(bins_for(VOI_TRIALS), 50);
}
