//! Statistics that read every strategy of a trial together, beyond the
//! pairwise comparisons of [`super::analysis`]: how P(cheapest) splits
//! between trials a strategy wins outright and trials it ties.
//!
//! Why: P(cheapest) shares a tied trial equally between the strategies that
//! tie for the lowest total, which keeps the shares adding up to 1 but
//! hides how a strategy earns its share. Two strategies that cost the same
//! whenever a product never gains traction (a freelancer, and "freelance,
//! then hire" that never hires) each collect half of those trials; a reader
//! needs to know that most of such a share is ties, not wins.

use super::Totals;

/// One strategy's trials at the lowest value of a row (its TCO, cash or
/// lost value), split by whether it was alone there.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CheapestSplit {
    /// Share of trials in which it alone has the lowest value.
    pub strictly: f64,
    /// Share of trials in which it has the lowest value together with at
    /// least one other strategy (equal as `f64`).
    pub tied: f64,
}

/// Every strategy's [`CheapestSplit`], in scenario order. With one strategy
/// it is strictly cheapest in every trial.
/// Its P(cheapest) ([`super::prob_cheapest`]) lies between `strictly` and
/// `strictly + tied / 2`, and equals `strictly + tied / 2` when at most two
/// strategies ever tie.
pub fn cheapest_split(r: &Totals) -> Vec<CheapestSplit> {
    let n_s = r.n_strategies();
    let n = r.n_trials();
    let (mut strictly, mut tied) = (vec![0u64; n_s], vec![0u64; n_s]);
    for row in r.rows() {
        let best = row.iter().copied().fold(f64::INFINITY, f64::min);
        let at_best = row.iter().filter(|x| **x == best).count();
        for (s, x) in row.iter().enumerate() {
            if *x == best {
                if at_best == 1 {
                    strictly[s] += 1;
                } else {
                    tied[s] += 1;
                }
            }
        }
    }
    let share = |k: u64| k as f64 / n.max(1) as f64;
    (0..n_s)
        .map(|s| CheapestSplit {
            strictly: share(strictly[s]),
            tied: share(tied[s]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::prob_cheapest;

    fn totals(rows: &[[f64; 3]]) -> Totals {
        Totals::new(
            vec!["A".into(), "B".into(), "C".into()],
            rows.iter().flatten().copied().collect(),
        )
        .unwrap()
    }

    #[test]
    fn wins_and_ties_are_counted_apart() {
        // Trial 0: A alone. Trial 1: A and B tie. Trial 2: all three tie.
        // Trial 3: C alone.
        let t = totals(&[
            [1.0, 2.0, 3.0],
            [1.0, 1.0, 3.0],
            [5.0, 5.0, 5.0],
            [9.0, 8.0, 7.0],
        ]);
        let s = cheapest_split(&t);
        assert_eq!(
            s,
            [
                CheapestSplit {
                    strictly: 0.25,
                    tied: 0.5
                },
                CheapestSplit {
                    strictly: 0.0,
                    tied: 0.5
                },
                CheapestSplit {
                    strictly: 0.25,
                    tied: 0.25
                },
            ]
        );
        // P(cheapest) splits the same trials: A 1 + 1/2 + 1/3 of 4.
        let p = prob_cheapest(&t);
        assert!((p[0] - (1.0 + 0.5 + 1.0 / 3.0) / 4.0).abs() < 1e-12);
        for (p, s) in p.iter().zip(&s) {
            assert!(s.strictly <= *p && *p <= s.strictly + s.tied / 2.0 + 1e-12);
        }
    }

    #[test]
    fn a_lone_strategy_is_strictly_cheapest() {
        let t = Totals::new(vec!["A".into()], vec![3.0, 3.0]).unwrap();
        assert_eq!(
            cheapest_split(&t),
            [CheapestSplit {
                strictly: 1.0,
                tied: 0.0
            }]
        );
    }
}
