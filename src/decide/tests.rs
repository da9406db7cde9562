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

#[test]
fn headline_from_hand_made_summaries() {
    // B's median is $20k (20%) below A's; the narrower spread is $100k,
    // and $20k is not below a tenth of it, so no caveat.
    let sm = [
        summary("A", 50_000.0, 100_000.0, 150_000.0, 100_000.0, 0.4),
        summary("B", 30_000.0, 80_000.0, 130_000.0, 80_000.0, 0.6),
    ];
    assert_eq!(
        headline(&sm, 24),
        "B has the lowest median total cost: $80.0k over 24 months, $20.0k (20.0%) below A at $100.0k."
    );
    // A gap of $5k next to a $100k spread is within a tenth: "close".
    let close = [
        sm[0].clone(),
        summary("B", 30_000.0, 95_000.0, 130_000.0, 1.0, 0.6),
    ];
    assert!(headline(&close, 12).ends_with(
        "$5.0k (5.0%) below A at $100.0k. The gap is small next to the spread of outcomes: treat the two as close."
    ));
    assert_eq!(
        headline(&sm[..1], 6),
        "A has a median total cost of $100.0k over 6 months."
    );
}

#[test]
fn verdict_from_hand_made_summaries() {
    // A has the lowest median but B the lowest mean; C is never cheapest.
    let sm = [
        summary("A", 10_000.0, 20_000.0, 60_000.0, 40_000.0, 0.5),
        summary("B", 25_000.0, 30_000.0, 35_000.0, 30_000.0, 0.5),
        summary("C", 0.0, 50_000.0, 90_000.0, 50_000.0, 0.0),
    ];
    let v = verdict(&sm);
    assert_eq!(
        v,
        [
            "By the mean, which weighs the costly tail more, B is lowest at $30.0k (against $40.0k for A).",
            "Cheapest in the same simulated world (every strategy faces the same project, drift and luck in a trial): A in 50.0%, B in 50.0%, C in 0.0% of trials.",
            "Most predictable: B, whose middle 80% of outcomes (P10 to P90) spans $10.0k (from $25.0k to $35.0k; P90 is 1.4× P10). \
             Least predictable: C, spanning $90.0k (from $0 to $90.0k; n/a).",
            "In the worst 5% of trials, C costs $90.0k on average, the heaviest tail.",
        ]
    );
    assert!(verdict(&sm[..1]).is_empty());
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
    // The leaders at the horizon are 0 and 1: their crossing is marked.
    assert_eq!(
        leaders_crossing(&x, &[10.0, 20.0, 30.0]),
        Some(pair(0, 1, 4))
    );
    // Leaders 1 and 2 part at month 1: nothing to mark.
    assert_eq!(leaders_crossing(&x, &[30.0, 10.0, 20.0]), None);
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
        plain(&mean_difference("A", "B", &d)),
        "Mean difference A − B: -$5.0k (95% interval -$8.0k to -$2.0k), so on average it is cheaper, beyond Monte Carlo noise; median difference -$4.0k."
    );
    let dearer = PairDifference {
        ci_low: 1.0,
        ci_high: 2.0,
        ..d
    };
    assert!(plain(&mean_difference("A", "B", &dearer)).contains("it is dearer"));
    let unsure = PairDifference {
        ci_low: -1.0,
        ci_high: 2.0,
        ..d
    };
    assert!(plain(&mean_difference("A", "B", &unsure)).contains("includes zero"));
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
    let base = [
        summary("A", 0.0, 100_000.0, 0.0, 0.0, 0.5),
        summary("B", 0.0, 0.0, 0.0, 0.0, 0.5),
    ];
    let run = [
        summary("B", 0.0, 50.0, 0.0, 0.0, 0.5),
        summary("A", 0.0, 110_000.0, 0.0, 0.0, 0.5),
        summary("C", 0.0, 1.0, 0.0, 0.0, 0.0),
    ];
    assert_eq!(
        median_moves(&base, &run).unwrap(),
        "B $0 → $50; A $100.0k → $110.0k (+10.0%)"
    );
    assert_eq!(median_moves(&base, &run[2..]), None);
    assert_eq!(
        compare_line("S", 12_000, 36, 7, &run),
        "(S; 12,000 trials, 36 months, seed 7): lowest median C, $1."
    );
}
