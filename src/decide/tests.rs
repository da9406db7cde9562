use super::verdict::*;
use super::*;
use crate::stats::Summary;
use crate::stats::analysis::Z95_TWO_SIDED;

/// A summary with the figures the decisions read; the rest zero.
fn summary(name: &str, p10: f64, p50: f64, p90: f64, mean: f64, prob: f64) -> Summary {
    Summary {
        strategy: name.to_string(),
        trials: 1000,
        mean,
        sd: 0.0,
        sem: 0.0,
        p5: p10,
        p10,
        p25: p50,
        p50,
        p75: p50,
        p90,
        p95: p90,
        cvar95: p90,
        min: p10,
        max: p90,
        prob_cheapest: prob,
        prob_strictly_cheapest: prob,
        prob_tied_cheapest: 0.0,
        mean_categories: crate::model::Costs::default(),
        cash: Default::default(),
        lost_value: Default::default(),
    }
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

#[test]
fn ranking_puts_the_lowest_median_first_and_breaks_ties_by_scenario_order() {
    let sm = [
        summary("A", 0.0, 300.0, 0.0, 0.0, 0.1),
        summary("B", 0.0, 100.0, 0.0, 0.0, 0.2),
        summary("C", 0.0, 100.0, 0.0, 0.0, 0.3),
        summary("D", 0.0, 200.0, 0.0, 0.0, 0.4),
    ];
    let r = Ranking::of(&sm);
    let order: Vec<usize> = r.places().iter().map(|p| p.strategy).collect();
    // B and C tie: B comes first in the scenario, so it ranks first.
    assert_eq!(order, [1, 2, 3, 0]);
    assert_eq!(r.best(), Some(1));
    assert_eq!(r.leaders(), Some((1, 2)));
    assert_eq!(best_by_median(&sm), 1);
    // P(cheapest) travels with each place, not with the rank.
    assert_eq!(r.places()[1].prob_cheapest, 0.3);
    assert_eq!(r.places()[3].median, 300.0);
    // Reversing the scenario order of the tied pair reverses their ranks.
    assert_eq!(
        Ranking::of(&[sm[2].clone(), sm[1].clone()]).leaders(),
        Some((0, 1))
    );
}

#[test]
fn rankings_of_nothing_and_of_one() {
    assert_eq!(Ranking::of(&[]).best(), None);
    assert_eq!(best_by_median(&[]), 0);
    let one = [summary("A", 1.0, 2.0, 3.0, 2.0, 1.0)];
    assert_eq!(Ranking::of(&one).best(), Some(0));
    assert_eq!(Ranking::of(&one).leaders(), None);
}

#[test]
fn orders_keep_scenario_order_among_equals() {
    assert_eq!(lowest_first(&[2.0, 1.0, 2.0, 1.0]), [1, 3, 0, 2]);
    assert_eq!(highest_first(&[0.25, 0.5, 0.25]), [1, 0, 2]);
}

/// A − B as comparison.csv holds it.
fn diff(mean: f64, ci: (f64, f64), p50: f64, a_cheaper: f64, tie: f64) -> PairDifference {
    PairDifference {
        mean,
        ci_low: ci.0,
        ci_high: ci.1,
        p50,
        prob_a_cheaper: a_cheaper,
        prob_tie: tie,
    }
}

/// Evidence of 10,000 trials over 36 months, launch at month 6.
fn evidence(sm: &[Summary], pairs: Vec<(usize, usize, PairDifference)>) -> Evidence<'_> {
    Evidence {
        summaries: sm,
        pairs,
        trials: 10_000,
        horizon: 36,
        target_launch_month: Some(6.0),
    }
}

/// The default scenario as issue 12 found it: Freelance on retainer has the
/// lowest median, Freelance the lower mean and most head-to-heads.
fn issue12_default() -> [Summary; 2] {
    [
        summary("Freelance", 90e3, 606.1e3, 1.5e6, 652.0e3, 0.289),
        summary(
            "Freelance on retainer",
            100e3,
            575.7e3,
            1.2e6,
            619.1e3,
            0.284,
        ),
    ]
}

/// Retainer − Freelance: dearer on average ($6.3k), cheaper in 42.9%.
fn issue12_default_pairs() -> Vec<(usize, usize, PairDifference)> {
    vec![(
        1,
        0,
        diff(6_300.0, (2_000.0, 10_600.0), 6_300.0, 0.429, 0.0),
    )]
}

/// The findings of issue 12 on the default scenario: Freelance on retainer
/// has the lowest median, but Freelance has the lower mean and wins most
/// head-to-heads. The verdict leads with Freelance and says why the
/// median points the other way.
#[test]
fn leader_by_median_differs_from_leader_by_mean_and_head_to_head() {
    let sm = issue12_default();
    let e = evidence(&sm, issue12_default_pairs());
    let v = verdict(&e);
    assert_eq!(
        v[0],
        "Usually Freelance: trial by trial it costs less than Freelance on retainer in 57.1% of trials, \
         saving $6.3k in the median trial and $6.3k on average (95% interval $2.0k to $10.6k). \
         Freelance on retainer has the lower median total ($575.7k against $606.1k over 36 months), \
         but medians compare the two distributions, not the same trials."
    );
    // The retainer usually costs more but has the lighter tail.
    assert_eq!(
        v[1],
        "Freelance on retainer costs more in a typical trial but has the lighter tail: its costliest 10% \
         of trials start at $1.20M (P90), $300.0k below $1.50M."
    );
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(!v.iter().any(|s| s.contains("close")));
    assert_eq!(contenders(&e), Some((1, 0)));
}

/// Issue 12 on core-product: the engineer wins 61% of head-to-heads and the
/// mean difference's interval excludes zero; the old headline called the
/// two "close" because the median gap was small next to the spread.
#[test]
fn an_interval_that_excludes_zero_is_never_close() {
    let sm = [
        summary("Dedicated engineer", 600e3, 2.20e6, 5.0e6, 2.50e6, 0.45),
        summary("Freelance on retainer", 450e3, 2.25e6, 5.1e6, 2.59e6, 0.40),
    ];
    let e = evidence(
        &sm,
        vec![(
            0,
            1,
            diff(-85_300.0, (-96_700.0, -74_000.0), -40_000.0, 0.61, 0.0),
        )],
    );
    let v = verdict(&e);
    assert_eq!(
        v,
        [
            "Dedicated engineer has the lowest median total, $2.20M over 36 months, and the lowest mean, $2.50M; \
             trial by trial it usually costs less than Freelance on retainer (61.0% of trials), \
             saving $85.3k on average (95% interval $74.0k to $96.7k)."
        ]
    );
}

#[test]
fn close_needs_an_interval_through_zero_and_even_wins() {
    let sm = [
        summary("A", 50e3, 100e3, 150e3, 101e3, 0.5),
        summary("B", 50e3, 101e3, 150e3, 100e3, 0.5),
    ];
    let even = diff(500.0, (-900.0, 1_900.0), -100.0, 0.52, 0.0);
    let v = verdict(&evidence(&sm, vec![(0, 1, even)]));
    assert_eq!(
        v,
        [
            "A and B are close: trial by trial A costs less in 52.0% of trials and B in 48.0%, and the mean difference \
             (A − B: $500, 95% interval -$900 to $1.9k) includes zero. A has the lower median total, $100.0k against $101.0k over 36 months."
        ]
    );
    // Through zero, but A wins 70% of trials: not close, and the interval
    // is said to include zero.
    let lopsided = diff(-500.0, (-1_900.0, 900.0), -2_000.0, 0.70, 0.0);
    let v = verdict(&evidence(&sm, vec![(0, 1, lopsided)]));
    assert!(!v[0].contains("close"), "{v:?}");
    assert!(
        v[0].ends_with(
            "usually costs less than B (70.0% of trials), saving $500 on average (95% interval -$900 to $1.9k, which includes zero)."
        ),
        "{v:?}"
    );
    assert!(even.close() && !lopsided.close());
    assert!(!diff(1.0, (0.5, 2.0), 0.0, 0.5, 0.0).close());
}

/// A wins most trials but costs more on average: both are said, and why.
#[test]
fn head_to_head_winner_with_the_higher_mean() {
    let sm = [
        summary("A", 50e3, 100e3, 300e3, 130e3, 0.6),
        summary("B", 50e3, 110e3, 200e3, 120e3, 0.4),
    ];
    let v = verdict(&evidence(
        &sm,
        vec![(
            0,
            1,
            diff(10_000.0, (5_000.0, 15_000.0), -8_000.0, 0.6, 0.0),
        )],
    ));
    assert_eq!(
        v[0],
        "A has the lowest median total, $100.0k over 36 months, and trial by trial it usually costs less than B (60.0% of trials); \
         but B costs less on average, by $10.0k (95% interval $5.0k to $15.0k): \
         when A costs more, it costs more by more than it saves when it wins."
    );
    assert!(v[1].starts_with("B costs more in a typical trial but has the lighter tail"));
}

/// Issue 12 on the proof of concept: "Freelance, then hire" is Freelance
/// whenever traction never comes, so P(cheapest) is mostly a share of
/// ties; the verdict says how much is won alone, and the ties appear in the
/// head-to-head.
/// The proof of concept as issue 12 found it: Freelance and "Freelance,
/// then hire" tie for cheapest in 59.8% of trials.
fn poc_ties() -> [Summary; 3] {
    let mut sm = [
        summary("Freelance", 20e3, 44.7e3, 100e3, 55.1e3, 0.579),
        summary("Freelance, then hire", 20e3, 55.9e3, 133e3, 68.9e3, 0.355),
        summary("Dedicated engineer", 100e3, 155e3, 227e3, 161e3, 0.066),
    ];
    sm[0].prob_strictly_cheapest = 0.28;
    sm[0].prob_tied_cheapest = 0.598;
    sm[1].prob_strictly_cheapest = 0.056;
    sm[1].prob_tied_cheapest = 0.598;
    sm
}

fn poc_ties_pairs() -> Vec<(usize, usize, PairDifference)> {
    vec![
        (
            0,
            1,
            diff(-13_900.0, (-14_400.0, -13_300.0), 0.0, 0.283, 0.63),
        ),
        (0, 2, diff(-106e3, (-107e3, -105e3), -103e3, 0.986, 0.0)),
    ]
}

#[test]
fn ties_in_p_cheapest_are_split_and_said() {
    let sm = poc_ties();
    let e = evidence(&sm, poc_ties_pairs());
    let v = verdict(&e);
    assert_eq!(
        v,
        [
            "Freelance has the lowest median total, $44.7k over 36 months, and the lowest mean, $55.1k; \
             trial by trial it costs less than Freelance, then hire in 28.3% of trials, the same in 63.0% and more in 8.7%, \
             saving $13.9k on average (95% interval $13.3k to $14.4k).",
            "P(cheapest) splits each tie for cheapest between the tied: Freelance is cheapest alone in 28.0% of trials, tied in 59.8%; \
             Freelance, then hire is cheapest alone in 5.6%, tied in 59.8%.",
        ]
    );
    // The pair is read from (0, 1) or mirrored from it.
    let m = e.pair(1, 0).unwrap();
    assert_eq!(
        (m.mean, m.ci_low, m.ci_high),
        (13_900.0, 13_300.0, 14_400.0)
    );
    assert!((m.prob_a_cheaper - 0.087).abs() < 1e-12 && m.prob_tie == 0.63);
    assert_eq!(e.pair(1, 2), None);
}

/// A strategy that costs the same as the leader in most trials is named.
#[test]
fn mostly_tied_with_the_leader_is_said() {
    let sm = [
        summary("F", 44e3, 98.4e3, 197e3, 112.5e3, 0.4),
        summary("R", 45e3, 98.5e3, 197e3, 112.6e3, 0.35),
        summary("E", 62e3, 122e3, 216e3, 133e3, 0.25),
    ];
    let v = verdict(&evidence(
        &sm,
        vec![
            (0, 1, diff(-82.0, (-99.9, -64.3), 0.0, 0.016, 0.984)),
            (0, 2, diff(-20.8e3, (-21.4e3, -20.2e3), -22.4e3, 0.749, 0.0)),
        ],
    ));
    // The challenger is R (next median, lowest mean after F's, most often
    // cheapest after F): it ties F in 98.4% of trials.
    assert!(
        v[0].contains("it costs less than R in 1.6% of trials, the same in 98.4% and more in 0.0%"),
        "{v:?}"
    );
}

#[test]
fn cash_and_total_leaders_differ() {
    let mut sm = [
        summary("Retainer", 400e3, 2.21e6, 5.5e6, 2.79e6, 0.6),
        summary("Freelance", 470e3, 3.01e6, 7.2e6, 3.66e6, 0.4),
    ];
    sm[0].cash.p50 = 1.06e6;
    sm[0].lost_value.mean = 1.72e6;
    sm[1].cash.p50 = 876.3e3;
    sm[1].lost_value.mean = 2.73e6;
    let v = verdict(&evidence(
        &sm,
        vec![(0, 1, diff(-868e3, (-898e3, -838e3), -401e3, 0.83, 0.0))],
    ));
    assert_eq!(
        v.last().unwrap(),
        "By cash alone (what each strategy pays, without lost value), Freelance pays least: \
         median $876.3k against $1.06M for Retainer, which loses less value (mean $1.72M against $2.73M)."
    );
    // The same leader for both: no cash sentence.
    sm[0].cash.p50 = 800e3;
    let v = verdict(&evidence(
        &sm,
        vec![(0, 1, diff(-868e3, (-898e3, -838e3), -401e3, 0.83, 0.0))],
    ));
    assert!(!v.iter().any(|s| s.contains("cash")), "{v:?}");
}

#[test]
fn too_few_trials_rank_nothing() {
    let sm = [
        summary("A", 21.1e3, 21.1e3, 21.1e3, 21.1e3, 0.5),
        summary("B", 21.1e3, 21.1e3, 21.1e3, 21.1e3, 0.5),
        summary("C", 33e3, 33e3, 33e3, 33e3, 0.0),
    ];
    let mut e = evidence(
        &sm,
        vec![(0, 2, diff(-11.9e3, (-11.9e3, -11.9e3), -11.9e3, 1.0, 0.0))],
    );
    e.trials = 1;
    let v = verdict(&e);
    assert_eq!(
        v,
        [
            "One trial is a single simulated outcome, not a distribution: no spread, share or interval can be estimated from it, \
             and it ranks nothing (this verdict needs at least 100 trials; run with --trials 10000).",
            "In that trial, A and B tie for the lowest total, $21.1k.",
        ]
    );
    assert!(!v.concat().contains("beyond Monte Carlo noise"));
    e.trials = MIN_TRIALS - 1;
    let v = verdict(&e);
    assert!(v[0].starts_with("Only 99 trials: too few to rank the strategies"));
    assert_eq!(v.len(), 2);
    e.trials = MIN_TRIALS;
    assert!(!verdict(&e)[0].starts_with("Only"));
    // The details (shares, spreads, tails) are left out too.
    assert!(details(&sm, MIN_TRIALS - 1).is_empty());
    assert_eq!(details(&sm, MIN_TRIALS).len(), 2);
}

/// Issue 13: one trial's "mean known to within ±0.0%" and "beyond Monte
/// Carlo noise" are gone.
#[test]
fn precision_and_differences_of_few_trials_are_not_called_precise() {
    let d = diff(-12_700.0, (-12_700.0, -12_700.0), -12_700.0, 1.0, 0.0);
    let one = plain(&mean_difference("A", "B", &d, 1));
    assert_eq!(
        one,
        "Mean difference A − B in the one trial: -$12.7k; a single trial has no interval and cannot tell a difference from Monte Carlo noise."
    );
    let two = plain(&mean_difference("A", "B", &d, 2));
    assert!(
        two.contains("with only 2 trials this interval is too rough"),
        "{two}"
    );
    assert!(!two.contains("beyond"));
    assert!(plain(&mean_difference("A", "B", &d, 100)).contains("beyond Monte Carlo noise"));
    let p1 = plain(&precision_sentence(1, 0.0));
    assert!(
        p1.starts_with(
            "With 1 trial the Monte Carlo error of the means cannot be estimated at all"
        )
    );
    assert!(!p1.contains("±0.0%"));
    assert!(plain(&precision_sentence(2, 0.716)).starts_with(
        "With only 2 trials every strategy's mean is known to within about ±71.6% (95%), and that figure is itself a rough estimate"
    ));
}

#[test]
fn a_horizon_before_the_launch_is_said_first() {
    let sm = [
        summary("A", 40e3, 98e3, 197e3, 112e3, 0.75),
        summary("B", 60e3, 122e3, 216e3, 133e3, 0.25),
    ];
    let mut e = evidence(
        &sm,
        vec![(0, 1, diff(-20.8e3, (-21.4e3, -20.2e3), -22.4e3, 0.749, 0.0))],
    );
    e.horizon = 3;
    let v = verdict(&e);
    assert_eq!(
        v[0],
        "The 3-month horizon ends before the target launch (month 6, counted from 0): these totals are the cost of building, \
         not of running the product; set simulation.horizon_months past the launch to compare the strategies."
    );
    assert!(v[1].starts_with("A has the lowest median total, $98.0k over 3 months"));
    // No "$0 (0.0%) below" and no ratio anywhere.
    assert!(!v.concat().contains("(0.0%)"));
    // A launch inside the horizon says nothing of it.
    e.horizon = 7;
    assert!(verdict(&e)[0].starts_with("A has the lowest median total"));
}

/// Two strategies that cost the same in every trial are named once and
/// never compared with each other ("$0 (0.0%) below").
#[test]
fn identical_strategies_are_said_and_not_compared() {
    let sm = [
        summary("F", 44e3, 98.4e3, 197e3, 112.5e3, 0.375),
        summary("F2", 44e3, 98.4e3, 197e3, 112.5e3, 0.375),
        summary("E", 62e3, 122e3, 216e3, 133e3, 0.25),
    ];
    let same = diff(0.0, (0.0, 0.0), 0.0, 0.0, 1.0);
    let fe = diff(-20.8e3, (-21.4e3, -20.2e3), -22.4e3, 0.749, 0.0);
    let e = evidence(&sm, vec![(0, 1, same), (0, 2, fe), (1, 2, fe)]);
    assert_eq!(e.twins(), [0, 0, 2]);
    assert_eq!(contenders(&e), Some((0, 2)));
    let v = verdict(&e);
    assert_eq!(
        v[0],
        "F and F2 cost the same in every trial: over this horizon they act as one strategy."
    );
    assert!(v[1].starts_with("F has the lowest median total, $98.4k over 36 months"));
    assert!(v[1].contains("usually costs less than E (74.9% of trials)"));
    assert!(!v.concat().contains("$0"), "{v:?}");
    // Every strategy the same, and a lone strategy.
    let all = evidence(&sm[..2], vec![(0, 1, same)]);
    assert_eq!(contenders(&all), None);
    assert_eq!(
        verdict(&all)[1],
        "Every strategy costs the same in every trial: a median total of $98.4k over 36 months."
    );
    assert_eq!(
        verdict(&evidence(&sm[..1], vec![])),
        ["F has a median total cost of $98.4k over 36 months."]
    );
    assert!(verdict(&evidence(&[], vec![])).is_empty());
}

#[test]
fn details_from_hand_made_summaries() {
    // A has the lowest median but B the lowest mean; C is never cheapest.
    let sm = [
        summary("A", 10_000.0, 20_000.0, 60_000.0, 40_000.0, 0.5),
        summary("B", 25_000.0, 30_000.0, 35_000.0, 30_000.0, 0.5),
        summary("C", 0.0, 50_000.0, 90_000.0, 50_000.0, 0.0),
    ];
    let v = details(&sm, 1000);
    assert_eq!(
        v,
        [
            "Cheapest in the same simulated world (every strategy faces the same project, drift and luck in a trial): \
             A in 50.0%, B in 50.0%, C in 0.0% of trials (a trial in which several tie for cheapest is shared between them).",
            "Narrowest range of outcomes: B, whose middle 80% (P10 to P90) spans $10.0k (from $25.0k to $35.0k). \
             Widest: C, spanning $90.0k (from $0 to $90.0k).",
            "In the worst 5% of trials, C costs $90.0k on average, the heaviest tail.",
        ]
    );
    assert!(details(&sm[..1], 1000).is_empty());
}

#[test]
fn crossings_come_from_the_crossovers() {
    // Three strategies: 1 rises above 0 from month index 3 (so 0 is lower
    // from month 4), 2 stays above both throughout, and 0 never rises
    // above anyone.
    let c = |a, b, m| Crossover {
        a,
        b,
        median_month: m,
        mean_month: None,
    };
    let crossovers = [
        c(0, 1, None),
        c(0, 2, None),
        c(1, 0, Some(3)),
        c(1, 2, None),
        c(2, 0, Some(0)),
        c(2, 1, Some(0)),
    ];
    let x = median_crossings(&crossovers);
    let pair = |lower, higher, from_month| Crossing {
        lower,
        higher,
        from_month,
    };
    assert_eq!(x, [pair(0, 1, 4), pair(0, 2, 1), pair(1, 2, 1)]);
    assert_eq!(later_crossings(&x), [pair(0, 1, 4)]);
    // The leaders are 0 and 1 (in either order): their crossing is marked.
    assert_eq!(leaders_crossing(&x, (0, 1)), Some(pair(0, 1, 4)));
    assert_eq!(leaders_crossing(&x, (1, 0)), Some(pair(0, 1, 4)));
    // Leaders 1 and 2 part at month 1: nothing to mark.
    assert_eq!(leaders_crossing(&x, (1, 2)), None);
    let n = names(&["A", "B", "C"]);
    assert_eq!(
        crossing_sentences(&x, &n),
        ["A's median cumulative cost stays below B's from month 4 on."]
    );
    assert_eq!(
        crossing_label(&x[0], &n),
        "A cheaper than B from month 4 on"
    );
    assert!(median_crossings(&[]).is_empty());
}

#[test]
fn precision_uses_the_two_sided_z() {
    assert_eq!(Z95_TWO_SIDED, 1.959964);
    // Means 100 and 1000 with standard errors 1 and 5: the widest is
    // 1.959964 * 1 / 100.
    let w = widest_relative_half_width(&[100.0, -1000.0], &[1.0, 5.0]);
    assert_eq!(w, 1.959964 / 100.0);
    // A zero mean is read as 1e-9.
    assert_eq!(
        widest_relative_half_width(&[0.0], &[1e-9]),
        1.959964 * 1e-9 / 1e-9
    );
    let s = precision_sentence(2000, w);
    assert_eq!(
        plain(&s),
        "With 2000 trials every strategy's mean is known to within ±2.0% (95%); precision.csv gives the standard error of each mean and of P10, P50 and P90. tcosim run --precision 0.01 runs until every mean is within ±1%."
    );
    assert_eq!(s[1], Span::Code("tcosim run --precision 0.01".to_string()));
}

#[test]
fn how_sure_sentences_say_what_the_interval_says() {
    let d = PairDifference {
        mean: -5_000.0,
        ci_low: -8_000.0,
        ci_high: -2_000.0,
        p50: -4_000.0,
        prob_a_cheaper: 0.625,
        prob_tie: 0.0,
    };
    let s = trial_by_trial("A", "B", &d);
    assert_eq!(s[1], Span::Strong("A".to_string()));
    assert_eq!(
        plain(&s),
        "Trial by trial (both strategies in the same simulated world), A is cheaper than B in 62.5% of trials and ties in 0.0%."
    );
    assert_eq!(
        plain(&mean_difference("A", "B", &d, 1000)),
        "Mean difference A − B: -$5.0k (95% interval -$8.0k to -$2.0k), so on average it is cheaper, beyond Monte Carlo noise; median difference -$4.0k."
    );
    let dearer = PairDifference {
        ci_low: 1.0,
        ci_high: 2.0,
        ..d
    };
    assert!(plain(&mean_difference("A", "B", &dearer, 1000)).contains("it is dearer"));
    let unsure = PairDifference {
        ci_low: -1.0,
        ci_high: 2.0,
        ..d
    };
    assert!(plain(&mean_difference("A", "B", &unsure, 1000)).contains("includes zero"));
    assert_eq!(
        plain(&driver("x.y", -0.5, "A", "B")),
        "x.y (rho -0.50): the higher it is, the more B costs relative to A."
    );
}

#[test]
fn states_where_the_best_strategy_flips() {
    let n = names(&["Freelance", "Dedicated engineer"]);
    let s = flip_statement(
        "simulation.horizon_months",
        &[3.0, 6.0, 12.0, 18.0, 24.0],
        &[0, 0, 0, 1, 1],
        &n,
    );
    assert_eq!(
        s,
        "Lowest median TCO by simulation.horizon_months: Freelance from 3 to 12; Dedicated engineer from 18 on (to 24, the largest value swept)."
    );
    let s = flip_statement("k", &[1.0, 2.0], &[1, 1], &n);
    assert!(s.starts_with("Dedicated engineer has the lowest median TCO across the whole range"));
    let two = sweep_statement(&[("a", &[1.0, 2.0]), ("b", &[0.5, 1.5])], &[0, 1, 1, 1], &n);
    assert_eq!(
        two,
        "With a = 1: Lowest median TCO by b: Freelance at 0.5; Dedicated engineer from 1.5 on (to 1.5, the largest value swept).\n\
         With a = 2: Dedicated engineer has the lowest median TCO across the whole range of b swept (0.5 to 1.5)."
    );
}

#[test]
fn comparison_lines() {
    let run = [
        summary("B", 0.0, 50.0, 0.0, 0.0, 0.5),
        summary("A", 0.0, 110_000.0, 0.0, 0.0, 0.5),
        summary("C", 0.0, 1.0, 0.0, 0.0, 0.0),
    ];
    assert_eq!(
        compare_line("S", 12_000, 36, 7, &run),
        "(S; 12,000 trials, 36 months, seed 7): lowest median C, $1."
    );
}

/// The verdict in brief (the terminal's and the headline's): issue 12's
/// default scenario reconciled in one sentence ("usually X; Y has the lower
/// median"), then the lighter tail, with the full verdict's figures.
#[test]
fn brief_reconciles_the_measures_in_one_sentence() {
    let sm = issue12_default();
    let e = evidence(&sm, issue12_default_pairs());
    let b = brief(&e);
    assert_eq!(
        b,
        [
            "Usually Freelance: cheaper than Freelance on retainer in 57.1% of trials, $6.3k less on average; \
             Freelance on retainer has the lower median total, $575.7k against $606.1k over 36 months.",
            // The same sentence as the full verdict's, word for word.
            verdict(&e)[1].as_str(),
        ]
    );
    assert!(b[1].contains("lighter tail"));
}

/// The median leader that wins more trials but loses on average says both.
#[test]
fn brief_of_a_winner_with_the_higher_mean() {
    let sm = [
        summary("A", 10e3, 100e3, 200e3, 130e3, 0.6),
        summary("B", 10e3, 110e3, 190e3, 120e3, 0.4),
    ];
    let e = evidence(&sm, vec![(0, 1, diff(10e3, (8e3, 12e3), -5e3, 0.6, 0.0))]);
    assert_eq!(
        brief(&e)[0],
        "Usually A: cheaper than B in 60.0% of trials, and has the lowest median total, $100.0k over 36 months; \
         but B costs $10.0k less on average (95% interval $8.0k to $12.0k): A loses by more than it wins."
    );
}

/// "Close" only from the paired analysis, and the interval is quoted.
#[test]
fn brief_calls_close_only_what_the_paired_analysis_calls_close() {
    let sm = [
        summary("A", 10e3, 100e3, 200e3, 120e3, 0.5),
        summary("B", 10e3, 101e3, 200e3, 120e3, 0.5),
    ];
    let even = diff(-100.0, (-900.0, 700.0), 0.0, 0.51, 0.0);
    assert_eq!(
        brief(&evidence(&sm, vec![(0, 1, even)]))[0],
        "A and B are close: A costs less in 51.0% of trials and B in 49.0%, and the 95% interval of the mean \
         difference (-$900 to $700) includes zero; A has the lower median total, $100.0k against $101.0k over 36 months."
    );
    // An interval through zero with lopsided wins is not close, and says
    // that its interval includes zero.
    let lopsided = diff(-100.0, (-900.0, 700.0), -50.0, 0.7, 0.0);
    let b = brief(&evidence(&sm, vec![(0, 1, lopsided)]));
    assert!(!b[0].contains("close"), "{b:?}");
    assert!(
        b[0].starts_with(
            "Usually A: cheaper than B in 70.0% of trials, $100 less on average (95% interval -$700 to $900, which includes zero)"
        ),
        "{b:?}"
    );
}

/// At most three sentences: the tail and the cash leader come before the
/// ties, which are said only when a P(cheapest) is mostly ties.
#[test]
fn brief_says_at_most_three_sentences_and_ties_when_they_matter() {
    let mut sm = poc_ties();
    let pairs = poc_ties_pairs();
    let b = brief(&evidence(&sm, pairs.clone()));
    assert_eq!(
        b,
        [
            "More often Freelance: cheaper than Freelance, then hire in 28.3% of trials (the same in 63.0%), \
             $13.9k less on average; it has the lowest median total, $44.7k over 36 months, and the lowest mean, $55.1k.",
            "Freelance's P(cheapest) of 57.9% is mostly ties: cheapest alone in 28.0% of trials, tied for cheapest \
             in 59.8%; Freelance, then hire's P(cheapest) of 35.5% is mostly ties: cheapest alone in 5.6%, tied for \
             cheapest in 59.8%.",
        ]
    );
    // A strategy mostly tied but neither compared nor most often cheapest
    // is left to the report.
    let mut third = sm.clone();
    third[2].prob_strictly_cheapest = 0.01;
    third[2].prob_tied_cheapest = 0.1;
    third[0].prob_tied_cheapest = 0.0;
    third[1].prob_tied_cheapest = 0.0;
    assert_eq!(brief(&evidence(&third, pairs.clone())).len(), 1);
    // Ties that do not make up most of a P(cheapest) are left to the report.
    sm[0].prob_strictly_cheapest = 0.5;
    sm[0].prob_tied_cheapest = 0.158;
    sm[1].prob_strictly_cheapest = 0.276;
    sm[1].prob_tied_cheapest = 0.158;
    assert_eq!(brief(&evidence(&sm, pairs.clone())).len(), 1);
    // With a lighter tail for the loser and a cheaper cash leader, those
    // come first and the ties are left out: three sentences at most.
    sm[0].prob_strictly_cheapest = 0.28;
    sm[1].prob_strictly_cheapest = 0.056;
    sm[1].p90 = 90e3;
    sm[0].cash.p50 = 40e3;
    sm[1].cash.p50 = 45e3;
    sm[2].cash.p50 = 30e3;
    let b = brief(&evidence(&sm, pairs));
    assert_eq!(b.len(), BRIEF_SENTENCES, "{b:?}");
    assert!(b[1].contains("lighter tail"), "{b:?}");
    assert_eq!(
        b[2],
        "By cash alone (without lost value), Dedicated engineer pays least: median $30.0k against $40.0k for Freelance."
    );
}

/// Degenerate runs said plainly in brief too: the horizon, then every
/// group of identical strategies in one sentence, then the comparison.
#[test]
fn brief_says_degenerate_runs_plainly() {
    let sm = [
        summary("F", 44e3, 98.4e3, 197e3, 112.5e3, 0.25),
        summary("F2", 44e3, 98.4e3, 197e3, 112.5e3, 0.25),
        summary("E", 62e3, 122e3, 216e3, 133e3, 0.25),
        summary("E2", 62e3, 122e3, 216e3, 133e3, 0.25),
    ];
    let same = diff(0.0, (0.0, 0.0), 0.0, 0.0, 1.0);
    let fe = diff(-20.8e3, (-21.4e3, -20.2e3), -22.4e3, 0.749, 0.0);
    let mut e = evidence(
        &sm,
        vec![
            (0, 1, same),
            (2, 3, same),
            (0, 2, fe),
            (0, 3, fe),
            (1, 2, fe),
            (1, 3, fe),
        ],
    );
    e.horizon = 3;
    let b = brief(&e);
    assert_eq!(b.len(), 3, "{b:?}");
    assert!(b[0].starts_with("The 3-month horizon ends before the target launch"));
    assert_eq!(
        b[1],
        "F and F2 cost the same in every trial, as do E and E2: over this horizon each group acts as one strategy."
    );
    assert!(
        b[2].starts_with("Usually F: cheaper than E in 74.9% of trials"),
        "{b:?}"
    );
    // Too few trials: the same two sentences as the full verdict.
    e.trials = 2;
    assert_eq!(brief(&e), verdict(&e));
}

/// A re-run or a comparison says whether the verdict moved: whom it leads
/// with, or the two it calls close.
#[test]
fn the_verdicts_lead_and_whether_it_moved() {
    let sm = issue12_default();
    let e = evidence(&sm, issue12_default_pairs());
    assert_eq!(lead(&e), Lead::Strategy("Freelance".to_string()));
    let even = diff(-100.0, (-900.0, 700.0), 0.0, 0.51, 0.0);
    let close = evidence(&sm, vec![(1, 0, even)]);
    assert_eq!(
        lead(&close),
        Lead::Close("Freelance on retainer".to_string(), "Freelance".to_string())
    );
    let mut few = evidence(&sm, issue12_default_pairs());
    few.trials = 2;
    assert_eq!(lead(&few), Lead::Nothing);
    let f = lead(&e);
    assert_eq!(
        lead_line(("previous", &f), ("this run", &f)).unwrap(),
        "The verdict still leads with Freelance, as in previous."
    );
    assert_eq!(
        lead_line(("a", &f), ("b", &lead(&close))).unwrap(),
        "The verdict moved: Freelance first in a → Freelance on retainer and Freelance close in b."
    );
    assert_eq!(
        lead_line(("a", &Lead::Nothing), ("b", &Lead::Nothing)),
        None
    );
}
