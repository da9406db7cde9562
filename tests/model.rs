//! Closed-form cases and invariants of the cost model (docs/MODEL.md). Each
//! test would fail on a wrong engine.

use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::model::{CATEGORIES, Category, Outcome, World};
use tcosim::scenario::DEFAULT_SCENARIO;

/// Every input fixed; no drift, roadmap, rework, fees, attrition or exits;
/// full productivity at zero context; traction certain.
const FIXED: &str = r#"
name = "fixed"
[simulation]
horizon_months = 24
trials = 50
seed = 7
[project]
build_effort_months = 4.5
target_launch_month = 100
traction_probability = 1
traction_known_after_months = 3
maintenance_per_month = 0
[roadmap]
projects_per_month = 0
project_size_months = 1
[business]
value_at_risk_per_month = 0
cost_of_delay_per_month = 0
unfinished_cost_per_engineer_month = 20000
[knowledge]
full_context_months = 3
productivity_at_zero_context = 1
rework_base = 0
rework_at_zero_context = 0
[drift]
events_per_month = 0
severity = 0.2
decay_per_engineer_month_unmaintained = 0
remediation_months_per_severity = 1
detected_per_month_monitored = 0.9
detected_per_month_unmonitored = 0.25
act_when_degraded_above = 0.05
[engagements.freelancer]
kind = "freelance"
hourly_rate = 100
time_to_engage_months = 0
[engagements.engineer]
kind = "employee"
annual_salary = 120000
overhead = 0.25
tools_per_year = 6000
recruiting_fee = 0
internal_hiring_cost = 0
time_to_hire_months = 1.5
[[strategies]]
name = "Freelance"
phases = [{ engagement = "freelancer" }]
[[strategies]]
name = "Dedicated engineer"
phases = [{ engagement = "engineer" }]
"#;

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// `text` with each `(from, to)` replaced; panics if `from` is absent so a
/// test cannot silently run the unmodified scenario.
fn edit(text: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(text.to_string(), |t, (from, to)| {
        assert!(t.contains(from), "`{from}` not in the scenario");
        t.replacen(from, to, 1)
    })
}

/// Every outcome and monthly path of a run, trial-major.
struct Full {
    strategies: usize,
    outcomes: Vec<Outcome>,
    cumulative: Vec<f64>,
}

impl Full {
    fn outcome(&self, t: usize, s: usize) -> &Outcome {
        &self.outcomes[t * self.strategies + s]
    }
}

fn run(sc: &Scenario) -> Full {
    run_trials(sc, sc.simulation.trials)
}

fn run_trials(sc: &Scenario, trials: u64) -> Full {
    let plan = RunPlan {
        trials,
        ..RunPlan::from_scenario(sc)
    };
    let mut full = Full {
        strategies: sc.strategies.len(),
        outcomes: Vec::new(),
        cumulative: Vec::new(),
    };
    for t in 0..trials {
        for (o, cum, _) in engine::trial_outcomes(sc, plan, t) {
            full.outcomes.push(o);
            full.cumulative.extend(cum);
        }
    }
    full
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} != {b}");
}

#[test]
fn freelancer_closed_form() {
    let r = run(&scenario(FIXED));
    for t in 0..50 {
        let o = r.outcome(t, 0);
        close(o.total, 4.5 * 160.0 * 100.0);
        close(o.costs[Category::Build], o.total);
        assert_eq!(o.launch_month, Some(5));
        assert_eq!((o.engagements, o.hires, o.handovers), (1, 0, 1));
    }
}

#[test]
fn employee_closed_form() {
    let text = edit(
        FIXED,
        &[
            ("recruiting_fee = 0", "recruiting_fee = 0.2"),
            ("internal_hiring_cost = 0", "internal_hiring_cost = 5000"),
        ],
    );
    let r = run(&scenario(&text));
    let monthly = 120_000.0 * 1.25 / 12.0 + 6000.0 / 12.0;
    // Search of 1.5 months: starts half-way through month 1, employed 22.5 months.
    let hire = 0.2 * 120_000.0 + 5000.0;
    for t in 0..50 {
        let o = r.outcome(t, 1);
        close(o.total, monthly * 22.5 + hire);
        close(o.costs[Category::Build], monthly * 4.5);
        close(o.costs[Category::Hiring], hire);
        close(o.costs[Category::Idle], monthly * 18.0);
        assert_eq!(o.hires, 1);
        // Delivered at month 6 (1.5 + 4.5), live from month 6.
        assert_eq!(o.launch_month, Some(6));
    }
}

#[test]
fn constant_rework_rate_closed_form() {
    let r_rate = 0.2;
    let text = edit(FIXED, &[("rework_base = 0", "rework_base = 0.2")]);
    let r = run(&scenario(&text));
    for t in 0..50 {
        let o = r.outcome(t, 0);
        let expected = 4.5 / (1.0 - r_rate) * 160.0 * 100.0;
        close(o.total, expected);
        close(o.costs[Category::Rework], r_rate * expected);
        close(o.costs[Category::Build], (1.0 - r_rate) * expected);
    }
}

#[test]
fn productivity_and_context_closed_form() {
    // A freelancer exits after month 0 (exit probability 1 for a finished
    // task is not drawn, so use two builds: the first freelancer leaves
    // mid-build by exit). With p0 = 0.5, documentation 0.5, full context 3:
    // month 0: K 0 -> 1 (green field, built 0 -> 1), exits; docs_K = 0.5.
    // Newcomer: need = min(3, 1) = 1, c = 0.5, p = 0.75.
    let text = edit(
        FIXED,
        &[
            (
                "productivity_at_zero_context = 1",
                "productivity_at_zero_context = 0.5",
            ),
            (
                "time_to_engage_months = 0",
                "time_to_engage_months = 0\nexit_per_month = 1\ndocumentation = 0.5",
            ),
            ("build_effort_months = 4.5", "build_effort_months = 1.5"),
        ],
    );
    let r = run(&scenario(&text));
    let o = r.outcome(0, 0);
    // Month 0: 1 engineer-month delivered at full speed. Month 1: the
    // newcomer starts at K = 0.5 of need 1 and catches up continuously:
    // p(τ) = 0.75 + 0.5 τ for τ < 0.5, so the first 0.5 of time delivers
    // 0.75 * 0.5 + 0.25 * 0.25 = 0.4375; the last 0.0625 takes 0.0625 at
    // full speed. Time used 0.5625, of it (1 - p0) M² / (2 need) = 0.0625
    // lost to context; the newcomer leaves with K = 0.5 + 0.5625.
    close(o.costs[Category::Build], 1.5 * 16_000.0);
    close(o.costs[Category::Context], 0.0625 * 16_000.0);
    close(o.context_lost, 0.5 * 1.0 + 0.5 * (0.5 + 0.5625));
    assert_eq!(o.engagements, 2);
}

#[test]
fn categories_add_up_to_the_total_in_every_trial() {
    for text in [
        DEFAULT_SCENARIO.to_string(),
        edit(
            DEFAULT_SCENARIO,
            &[(
                "include_business_impact = true",
                "include_business_impact = false",
            )],
        ),
    ] {
        let sc = scenario(&text);
        let r = run_trials(&sc, 2000);
        for o in &r.outcomes {
            let sum: f64 = o.costs.iter().sum::<f64>()
                - if sc.include_business_impact {
                    0.0
                } else {
                    o.costs[Category::Degradation] + o.costs[Category::Delay]
                };
            assert!(
                (sum - o.total).abs() <= 1e-6 * o.total.max(1.0),
                "{sum} vs {}",
                o.total
            );
            assert!(
                o.costs.iter().all(|c| c.is_finite() && *c >= 0.0),
                "{:?}",
                o.costs
            );
            // Cash and lost value: the TCO is their sum, or the cash alone.
            let lost = o.costs[Category::Degradation] + o.costs[Category::Delay];
            assert_eq!(o.lost_value, lost);
            assert_eq!(
                (o.cash, o.lost_value),
                (o.costs.cash(), o.costs.lost_value())
            );
            if sc.include_business_impact {
                assert_eq!(o.cash + o.lost_value, o.total);
            } else {
                assert_eq!(o.cash, o.total);
            }
        }
        if !sc.include_business_impact {
            assert!(
                r.outcomes.iter().any(|o| o.lost_value > 0.0),
                "lost value is still reported without business impact"
            );
        }
        // Cumulative costs never fall and end at the total.
        let h = sc.simulation.horizon_months as usize;
        for (i, o) in r.outcomes.iter().enumerate() {
            let c = &r.cumulative[i * h..(i + 1) * h];
            assert!(c.windows(2).all(|w| w[1] >= w[0] - 1e-6));
            close(c[h - 1], o.total);
        }
    }
    assert_eq!(CATEGORIES.len(), 11);
}

#[test]
fn mean_drift_events_over_live_months_is_months_times_rate() {
    // Build of 0.01 delivered in month 0: live from month 1, 23 live months.
    let text = edit(
        FIXED,
        &[
            ("events_per_month = 0", "events_per_month = 0.3"),
            ("build_effort_months = 4.5", "build_effort_months = 0.01"),
        ],
    );
    let sc = scenario(&text);
    let r = run_trials(&sc, 20_000);
    let mean: f64 = (0..20_000)
        .map(|t| f64::from(r.outcome(t, 0).drift_events))
        .sum::<f64>()
        / 20_000.0;
    let expected = 23.0 * 0.3;
    // Poisson: sd of the mean sqrt(6.9 / 20000) ~ 0.019; allow 4 sd.
    assert!((mean - expected).abs() < 0.08, "mean {mean} vs {expected}");
    // And the world itself draws every month whether live or not.
    let mut w = World::default();
    let mut total = 0u64;
    for t in 0..20_000 {
        w.sample(&sc, 1, t, 24);
        total += w.drift_events.iter().map(|x| u64::from(*x)).sum::<u64>();
    }
    let per = total as f64 / 20_000.0;
    assert!((per - 24.0 * 0.3).abs() < 0.08, "{per}");
}

#[test]
fn raising_a_cost_input_never_lowers_the_tco() {
    let base = scenario(DEFAULT_SCENARIO);
    let raised = [
        (
            "hourly_rate = { dist = \"lognormal\", median = 120, p90 = 200 }",
            "hourly_rate = { dist = \"lognormal\", median = 150, p90 = 250 }",
        ),
        (
            "annual_salary = { dist = \"lognormal\", median = 150000, p90 = 215000 }",
            "annual_salary = { dist = \"lognormal\", median = 180000, p90 = 258000 }",
        ),
        (
            "recruiting_fee = { dist = \"triangular\", min = 0.15, mode = 0.20, max = 0.30 }",
            "recruiting_fee = { dist = \"triangular\", min = 0.25, mode = 0.30, max = 0.40 }",
        ),
        ("engagement_fee = 0", "engagement_fee = 500"),
    ];
    let rb = run_trials(&base, 1000);
    for (from, to) in raised {
        let up = scenario(&edit(DEFAULT_SCENARIO, &[(from, to)]));
        let ru = run_trials(&up, 1000);
        let mut rose = false;
        for (a, b) in rb.outcomes.iter().zip(&ru.outcomes) {
            assert!(b.total >= a.total - 1e-6, "{to}: {} < {}", b.total, a.total);
            rose |= b.total > a.total + 1.0;
        }
        assert!(rose, "{to} changed nothing");
    }
}

#[test]
fn an_engagement_that_extends_and_sets_nothing_gives_identical_results() {
    let text = edit(
        DEFAULT_SCENARIO,
        &[(
            "[engagements.engineer]",
            "[engagements.copy]\nextends = \"freelancer\"\n\n[engagements.engineer]",
        )],
    ) + "\n[[strategies]]\nname = \"Copy\"\nphases = [{ engagement = \"copy\" }]\n";
    let sc = scenario(&text);
    let r = run_trials(&sc, 2000);
    let copy = sc.strategies.len() - 1;
    for t in 0..2000 {
        assert_eq!(r.outcome(t, 0), r.outcome(t, copy));
    }
}

#[test]
fn adding_a_strategy_changes_no_other_strategy() {
    let base = scenario(DEFAULT_SCENARIO);
    let more = scenario(
        &(DEFAULT_SCENARIO.to_string()
            + "\n[[strategies]]\nname = \"Hire, then freelance\"\nphases = [{ engagement = \"engineer\", until = { month = 12 } }, { engagement = \"freelancer\" }]\n"),
    );
    let (a, b) = (run_trials(&base, 500), run_trials(&more, 500));
    for t in 0..500 {
        for s in 0..base.strategies.len() {
            assert_eq!(a.outcome(t, s), b.outcome(t, s));
        }
    }
}

#[test]
fn without_traction_freelance_then_hire_never_hires() {
    let text = edit(
        DEFAULT_SCENARIO,
        &[(
            "traction_probability = { dist = \"beta\", alpha = 7, beta = 3 }",
            "traction_probability = 0",
        )],
    );
    let sc = scenario(&text);
    let r = run_trials(&sc, 2000);
    let s = sc
        .strategies
        .iter()
        .position(|s| s.name == "Freelance, then hire")
        .expect("strategy");
    let mut retired = 0;
    for t in 0..2000 {
        let o = r.outcome(t, s);
        assert_eq!(o.hires, 0);
        retired += usize::from(o.retired);
        // Retired products cost no degradation after retirement; every
        // launched product is retired (launch + 3 months is within 36).
        if let Some(l) = o.launch_month {
            assert!(o.retired || l + 2 >= 36, "launched at {l} but not retired");
        }
    }
    assert!(retired > 1900, "{retired}");
}

#[test]
fn traction_then_hire_hires_once_traction_is_confirmed() {
    let text = edit(
        DEFAULT_SCENARIO,
        &[(
            "traction_probability = { dist = \"beta\", alpha = 7, beta = 3 }",
            "traction_probability = 1",
        )],
    );
    let sc = scenario(&text);
    let r = run_trials(&sc, 500);
    let s = sc
        .strategies
        .iter()
        .position(|s| s.name == "Freelance, then hire")
        .expect("strategy");
    let hired = (0..500).filter(|t| r.outcome(*t, s).hires >= 1).count();
    // Launched by month 12, traction is known by month 14: the search has
    // over 20 months to succeed (time to hire has median 2, P90 4).
    let early: Vec<usize> = (0..500)
        .filter(|t| r.outcome(*t, s).launch_month.is_some_and(|l| l <= 12))
        .collect();
    assert!(early.len() > 400, "{}", early.len());
    for t in &early {
        assert!(r.outcome(*t, s).hires >= 1, "trial {t} never hired");
    }
    assert!(hired >= early.len());
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let sc = scenario(DEFAULT_SCENARIO);
    let plan = RunPlan {
        trials: 1500,
        ..RunPlan::from_scenario(&sc)
    };
    let with = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| engine::run(&sc, plan, &|_| {}).expect("runs"))
    };
    let (one, three) = (with(1), with(3));
    assert_eq!(one.totals, three.totals);
    assert_eq!(
        (&one.cash, &one.lost_value),
        (&three.cash, &three.lost_value)
    );
    assert_eq!(one.inputs, three.inputs);
    assert_eq!(one.agg, three.agg);
}

#[test]
fn the_engine_agrees_with_trial_by_trial_simulation() {
    let sc = scenario(DEFAULT_SCENARIO);
    let plan = RunPlan {
        trials: 700,
        ..RunPlan::from_scenario(&sc)
    };
    let r = engine::run(&sc, plan, &|_| {}).expect("runs");
    let full = run_trials(&sc, 700);
    let totals: Vec<f64> = full.outcomes.iter().map(|o| o.total).collect();
    assert_eq!(r.totals.values(), totals);
    let cash: Vec<f64> = full.outcomes.iter().map(|o| o.cash).collect();
    let lost: Vec<f64> = full.outcomes.iter().map(|o| o.lost_value).collect();
    assert_eq!(r.cash.values(), cash);
    assert_eq!(r.lost_value.values(), lost);
    // Monthly means and the exact range of the sketches match the paths.
    let (s_count, h) = (sc.strategies.len(), plan.horizon as usize);
    for s in 0..s_count {
        for m in [0, h / 2, h - 1] {
            let xs: Vec<f64> = (0..700)
                .map(|t| full.cumulative[(t * s_count + s) * h + m])
                .collect();
            let mean = xs.iter().sum::<f64>() / 700.0;
            let k = s * h + m;
            assert!((r.agg.sums.cost[k].mean(700) - mean).abs() < 1e-6 * mean.max(1.0));
            let (lo, hi) = r.agg.cost[k].min_max();
            assert_eq!(lo, xs.iter().copied().fold(f64::INFINITY, f64::min));
            assert_eq!(hi, xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            assert_eq!(r.agg.cost[k].count(), 700);
        }
    }
    // Varying inputs are recorded per trial in scenario order.
    assert_eq!(r.inputs.names().len() * 700, r.inputs.values().len());
    assert!(
        r.inputs
            .names()
            .iter()
            .any(|k| k == "engagements.freelancer.hourly_rate")
    );
    assert!(
        !r.inputs
            .names()
            .iter()
            .any(|k| k == "project.target_launch_month")
    );
}

#[test]
fn retainer_pays_unused_hours_as_idle() {
    // A freelancer on a 32-hour retainer with no work after launch: every
    // live month costs 0.2 engineer-months of idle time.
    let text = edit(
        FIXED,
        &[(
            "time_to_engage_months = 0",
            "time_to_engage_months = 0\nretainer_hours_per_month = 32",
        )],
    );
    let r = run(&scenario(&text));
    let o = r.outcome(0, 0);
    // Live from month 5 to 23: 19 months.
    close(o.costs[Category::Idle], 19.0 * 0.2 * 16_000.0);
    close(o.costs[Category::Build], 4.5 * 16_000.0);
    assert_eq!(o.handovers, 0);
}

#[test]
fn unfinished_work_is_charged_at_the_horizon() {
    // Horizon 3 with a build of 4.5: 1.5 engineer-months left, charged at
    // the present freelancer's productivity (full) and $20k.
    let text = edit(FIXED, &[("horizon_months = 24", "horizon_months = 3")]);
    let r = run(&scenario(&text));
    let o = r.outcome(0, 0);
    close(o.costs[Category::Unfinished], 1.5 * 20_000.0);
    close(o.costs[Category::Build], 3.0 * 16_000.0);
    assert_eq!(o.launch_month, None);
}

#[test]
fn cost_of_delay_runs_from_the_target_to_launch() {
    let text = edit(
        FIXED,
        &[
            ("target_launch_month = 100", "target_launch_month = 2"),
            (
                "cost_of_delay_per_month = 0",
                "cost_of_delay_per_month = 1000",
            ),
        ],
    );
    let r = run(&scenario(&text));
    // Freelancer: live from month 5, so months 2, 3, 4 are late.
    close(r.outcome(0, 0).costs[Category::Delay], 3000.0);
    // Employee: live from month 6: months 2..=5.
    close(r.outcome(0, 1).costs[Category::Delay], 4000.0);
}

#[test]
fn retirement_charges_severance_and_stops_costs() {
    let text = edit(
        FIXED,
        &[
            ("traction_probability = 1", "traction_probability = 0"),
            (
                "time_to_hire_months = 1.5",
                "time_to_hire_months = 1.5\nseverance_months = 2",
            ),
        ],
    );
    let r = run(&scenario(&text));
    let monthly = 120_000.0 * 1.25 / 12.0 + 6000.0 / 12.0;
    let o = r.outcome(0, 1);
    // Live from 6, traction known at the end of month 8: employed 7.5 months.
    assert!(o.retired);
    close(o.total, monthly * (7.5 + 2.0));
    let f = r.outcome(0, 0);
    assert!(f.retired);
    close(f.total, 4.5 * 16_000.0);
}

// ---------------------------------------------------------------------------
// Model v5: the valuation of time and work (docs/MODEL.md "What changed").

/// Mean TCO per strategy over `trials` trials (paired: same seed).
fn means(sc: &Scenario, trials: u64) -> Vec<f64> {
    let r = run_trials(sc, trials);
    (0..r.strategies)
        .map(|s| {
            (0..trials as usize)
                .map(|t| r.outcome(t, s).total)
                .sum::<f64>()
                / trials as f64
        })
        .collect()
}

/// Mean of one category per strategy.
fn category_means(r: &Full, c: Category) -> Vec<f64> {
    let n = r.outcomes.len() / r.strategies;
    (0..r.strategies)
        .map(|s| (0..n).map(|t| r.outcome(t, s).costs[c]).sum::<f64>() / n as f64)
        .collect()
}

#[test]
fn availability_spreads_leave_over_the_categories() {
    // Availability 0.9: the employee delivers 0.9 engineer-months a month,
    // so the 4.5 of build takes 5 months of presence (1.5 + 5 = 6.5: live
    // from month 7), costed 5 monthly costs; the total is unchanged.
    let text = edit(
        FIXED,
        &[(
            "time_to_hire_months = 1.5",
            "time_to_hire_months = 1.5\navailability = 0.9",
        )],
    );
    let r = run(&scenario(&text));
    let monthly = 120_000.0 * 1.25 / 12.0 + 6000.0 / 12.0;
    for t in 0..50 {
        let o = r.outcome(t, 1);
        close(o.total, monthly * 22.5);
        close(o.costs[Category::Build], monthly * 5.0);
        close(o.costs[Category::Idle], monthly * 17.5);
        assert_eq!(o.launch_month, Some(7));
    }
}

#[test]
fn decay_is_charged_per_engineer_month_of_maintenance_undone() {
    // The freelancer never maintains: 0.2 engineer-months undone each live
    // month at 0.05 per engineer-month adds 0.01 a month, never detected.
    // Live from month 5: the degradation at the end of live month i is
    // 0.01 i, i = 1..19, so it costs 1000 * 0.01 * 190.
    let text = edit(
        FIXED,
        &[
            ("maintenance_per_month = 0", "maintenance_per_month = 0.2"),
            (
                "decay_per_engineer_month_unmaintained = 0",
                "decay_per_engineer_month_unmaintained = 0.05",
            ),
            (
                "value_at_risk_per_month = 0",
                "value_at_risk_per_month = 1000",
            ),
            (
                "detected_per_month_monitored = 0.9",
                "detected_per_month_monitored = 0",
            ),
            (
                "detected_per_month_unmonitored = 0.25",
                "detected_per_month_unmonitored = 0",
            ),
        ],
    );
    let one = run(&scenario(&text));
    close(one.outcome(0, 0).costs[Category::Degradation], 1900.0);
    // Twice the upkeep neglected: twice the decay.
    let doubled = edit(
        &text,
        &[("maintenance_per_month = 0.2", "maintenance_per_month = 0.4")],
    );
    let two = run(&scenario(&doubled));
    close(two.outcome(0, 0).costs[Category::Degradation], 3800.0);
}

#[test]
fn doubling_the_maintenance_needed_raises_the_degradation_of_a_strategy_without_it() {
    let base = scenario(DEFAULT_SCENARIO);
    let doubled = scenario(&edit(
        DEFAULT_SCENARIO,
        &[(
            "maintenance_per_month = { dist = \"triangular\", min = 0.10, mode = 0.20, max = 0.40 }",
            "maintenance_per_month = { dist = \"triangular\", min = 0.20, mode = 0.40, max = 0.80 }",
        )],
    ));
    let (a, b) = (run_trials(&base, 1000), run_trials(&doubled, 1000));
    // Strategy 0, plain freelance, has no maintenance in scope.
    let (da, db) = (
        category_means(&a, Category::Degradation)[0],
        category_means(&b, Category::Degradation)[0],
    );
    assert!(db > da * 1.2, "degradation {da} -> {db}");
}

#[test]
fn every_strategy_faces_the_same_roadmap_whatever_its_launch() {
    // Traction certain (no retirement): the roadmap work that arrives is the
    // world's arrivals from the target month on, for every strategy.
    let text = edit(
        DEFAULT_SCENARIO,
        &[(
            "traction_probability = { dist = \"beta\", alpha = 7, beta = 3 }",
            "traction_probability = 1",
        )],
    );
    let sc = scenario(&text);
    let h = sc.simulation.horizon_months as usize;
    let r = run_trials(&sc, 300);
    let mut w = World::default();
    let mut launches = std::collections::BTreeSet::new();
    for t in 0..300 {
        w.sample(&sc, sc.simulation.seed, t as u64, h);
        let arrived: f64 = w.roadmap_arrivals[6..].iter().sum();
        for s in 0..r.strategies {
            let o = r.outcome(t, s);
            close(o.roadmap_work, arrived);
            launches.insert(o.launch_month);
        }
    }
    assert!(launches.len() > 5, "launches vary: {launches:?}");
}

#[test]
fn with_the_launch_already_late_slower_hiring_never_looks_cheaper() {
    // Launch due at month 0, no drift, delay far above the monthly salary:
    // every month of hiring costs more than it saves.
    let late = edit(
        DEFAULT_SCENARIO,
        &[
            ("target_launch_month = 6", "target_launch_month = 0"),
            (
                "events_per_month = { dist = \"beta\", alpha = 2, beta = 18 }",
                "events_per_month = 0",
            ),
            (
                "cost_of_delay_per_month = { dist = \"lognormal\", median = 20000, p90 = 60000 }",
                // Nearly fixed (it is correlated, so it stays a distribution).
                "cost_of_delay_per_month = { dist = \"uniform\", min = 59000, max = 61000 }",
            ),
        ],
    );
    let hire = late
        .lines()
        .find(|l| l.starts_with("time_to_hire_months"))
        .expect("the default scenario hires");
    let fast = scenario(&edit(&late, &[(hire, "time_to_hire_months = 1")]));
    let slow = scenario(&edit(&late, &[(hire, "time_to_hire_months = 2")]));
    let (a, b) = (means(&fast, 1000), means(&slow, 1000));
    // Strategy 2, the dedicated engineer, hires to build.
    assert!(b[2] > a[2], "dedicated: {} -> {}", a[2], b[2]);
}

#[test]
fn raising_drift_build_effort_or_upkeep_never_lowers_a_mean_tco() {
    let base = means(&scenario(DEFAULT_SCENARIO), 1000);
    for (from, to) in [
        (
            "events_per_month = { dist = \"beta\", alpha = 2, beta = 18 }",
            "events_per_month = { dist = \"beta\", alpha = 4, beta = 18 }",
        ),
        (
            "build_effort_months = { dist = \"lognormal\", median = 4, p90 = 8 }",
            "build_effort_months = { dist = \"lognormal\", median = 5, p90 = 10 }",
        ),
        (
            "maintenance_per_month = { dist = \"triangular\", min = 0.10, mode = 0.20, max = 0.40 }",
            "maintenance_per_month = { dist = \"triangular\", min = 0.15, mode = 0.30, max = 0.60 }",
        ),
    ] {
        let up = means(&scenario(&edit(DEFAULT_SCENARIO, &[(from, to)])), 1000);
        for (s, (a, b)) in base.iter().zip(&up).enumerate() {
            assert!(b >= a, "{to}: strategy {s} mean {a} -> {b}");
        }
    }
}

#[test]
fn context_cost_vanishes_as_the_context_to_learn_does() {
    let fc = "full_context_months = { dist = \"triangular\", min = 1, mode = 3, max = 6 }";
    let base = run_trials(&scenario(DEFAULT_SCENARIO), 500);
    let tiny = run_trials(
        &scenario(&edit(
            DEFAULT_SCENARIO,
            // Still a distribution: it is correlated with the build effort.
            &[(
                fc,
                "full_context_months = { dist = \"uniform\", min = 0.009, max = 0.011 }",
            )],
        )),
        500,
    );
    let (a, b) = (
        category_means(&base, Category::Context),
        category_means(&tiny, Category::Context),
    );
    for (x, y) in a.iter().zip(&b) {
        // v4 kept 42% of it (a month of slow work per newcomer).
        assert!(*y < 0.01 * x, "context {x} -> {y}");
    }
}

#[test]
fn backlog_waiting_costs_delay_per_engineer_month_each_live_month() {
    // Nobody does roadmap work (the freelancer's scope is the build): the
    // backlog after each live month is every arrival from the target month
    // on, before that month; each live month costs 100 per engineer-month.
    let text = edit(
        FIXED,
        &[
            (
                "projects_per_month = 0",
                "projects_per_month = 0.5\ncost_of_delay_per_engineer_month = 100",
            ),
            ("target_launch_month = 100", "target_launch_month = 2"),
            (
                "kind = \"freelance\"",
                "kind = \"freelance\"\nscope = [\"build\"]",
            ),
        ],
    );
    let sc = scenario(&text);
    let r = run(&sc);
    let mut w = World::default();
    for t in 0..50 {
        w.sample(&sc, sc.simulation.seed, t as u64, 24);
        let o = r.outcome(t, 0);
        // Live from month 5; months 2, 3, 4 cost no launch delay (cost of
        // delay per month is 0 here).
        let mut expected = 0.0;
        for m in 5..24 {
            let waiting: f64 = w.roadmap_arrivals[2..m].iter().sum();
            expected += 100.0 * waiting;
        }
        close(o.costs[Category::Delay], expected);
    }
}

#[test]
fn per_event_inputs_take_part_in_sensitivity_by_their_first_draw() {
    let sc = scenario(DEFAULT_SCENARIO);
    let plan = RunPlan {
        trials: 64,
        ..RunPlan::from_scenario(&sc)
    };
    let r = engine::run(&sc, plan, &|_| {}).expect("runs");
    let names = r.inputs.names();
    for key in [
        "roadmap.project_size_months",
        "drift.severity",
        "engagements.freelancer.time_to_engage_months",
        "engagements.engineer.time_to_hire_months",
    ] {
        assert!(
            names.iter().any(|n| n == key),
            "{key} missing from {names:?}"
        );
    }
    // The retainer inherits the freelancer's search time: one draw, one name.
    assert!(
        !names
            .iter()
            .any(|n| n == "engagements.freelancer_on_retainer.time_to_engage_months")
    );
    // The value is the first draw of the event's own stream in the trial
    // (the duration of the engineer's first search).
    let k = names
        .iter()
        .position(|n| n == "engagements.engineer.time_to_hire_months")
        .expect("listed");
    let events = tcosim::model::event_inputs(&sc);
    let hire = events
        .iter()
        .find(|e| e.key == "engagements.engineer.time_to_hire_months")
        .expect("listed");
    // The engineer's search stream, named independently of the engine: the
    // root engagement's name and the event.
    let engineer = sc
        .engagements
        .iter()
        .find(|e| e.name == "engineer")
        .expect("engineer");
    let stream = tcosim::rng::name_hash("engagements.engineer#search");
    assert_eq!(engineer.streams.search, stream);
    for t in 0..64 {
        let first = hire.first_draw(sc.simulation.seed, t as u64);
        let own = engineer.search_time().sample(&mut tcosim::rng::stream(
            sc.simulation.seed,
            t as u64,
            stream,
            0,
        ));
        assert_eq!(first, own);
        assert_eq!(r.inputs.value(t, k), first as f32);
        assert!(first > 0.0);
    }
}

#[test]
fn capacity_warnings_name_the_overloaded_phases_and_spare_the_shipped_scenarios() {
    use tcosim::scenario::capacity_warnings;
    for stem in ["default", "proof-of-concept", "core-product"] {
        let path = format!("{}/scenarios/{stem}.toml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("shipped scenario");
        assert_eq!(capacity_warnings(&scenario(&text)), [], "{stem}");
    }
    assert_eq!(
        capacity_warnings(&scenario(tcosim::scenario::STARTER_SCENARIO)),
        []
    );
    // Twice the roadmap: 0.67 * 1.44 + upkeep 0.23 + repairs 0.04 > 0.89.
    let heavy = edit(
        DEFAULT_SCENARIO,
        &[(
            "projects_per_month = { dist = \"triangular\", min = 0.1, mode = 0.3, max = 0.6 }",
            "projects_per_month = { dist = \"triangular\", min = 0.2, mode = 0.6, max = 1.2 }",
        )],
    );
    let w = capacity_warnings(&scenario(&heavy));
    let named: Vec<(&str, &str)> = w
        .iter()
        .map(|w| (w.strategy.as_str(), w.engagement.as_str()))
        .collect();
    // Plain freelance has no upkeep in scope: 0.96 + 0.04 > 0.8875 too.
    assert_eq!(
        named,
        [
            ("Freelance", "freelancer"),
            ("Freelance on retainer", "freelancer_on_retainer"),
            ("Dedicated engineer", "engineer"),
            ("Freelance, then hire", "freelancer"),
            ("Freelance, then hire", "engineer"),
        ]
    );
    let employee = &w[2];
    assert!((employee.capacity - (0.85 + 0.89 + 0.92) / 3.0).abs() < 1e-12);
    assert!(employee.demand > employee.capacity);
    assert!(employee.to_string().contains("Dedicated engineer"));
}
