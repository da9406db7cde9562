//! Decision analysis end to end: sensitivity finds a planted driver,
//! precision mode stops where it should and says why, sweeps are monotone in
//! the horizon and reject unknown keys.

mod common;

use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::scenario::DEFAULT_SCENARIO;
use tcosim::stats::{self, analysis};

use common::{csv_rows as read, tcosim, tmp};

/// Every input fixed except the freelancer's rate (which drives Freelance's
/// TCO) and the salary (which cannot affect Freelance).
const PLANTED: &str = r#"
name = "planted"
[simulation]
horizon_months = 12
trials = 3000
seed = 3
[project]
build_effort_months = 3
target_launch_month = 100
traction_probability = 1
traction_known_after_months = 3
[knowledge]
full_context_months = 3
productivity_at_zero_context = 0.5
[engagements.freelancer]
kind = "freelance"
hourly_rate = { dist = "lognormal", median = 120, p90 = 200 }
[engagements.engineer]
kind = "employee"
annual_salary = { dist = "uniform", min = 100000, max = 200000 }
[[strategies]]
name = "Freelance"
phases = [{ engagement = "freelancer" }]
[[strategies]]
name = "Dedicated engineer"
phases = [{ engagement = "engineer" }]
"#;

#[test]
fn sensitivity_finds_a_planted_driver() {
    let sc = Scenario::from_toml(PLANTED, "planted.toml").expect("scenario");
    let r = engine::run(&sc, RunPlan::from_scenario(&sc), &|_| {}).expect("runs");
    assert_eq!(
        r.inputs.names(),
        [
            "engagements.freelancer.hourly_rate",
            "engagements.engineer.annual_salary"
        ]
    );
    let sums = stats::summarize(&r.per_trial(), &r.agg);
    let pair = tcosim::stats::ranking::Ranking::of(&sums).leaders();
    let s = analysis::sensitivity(&r.totals, &r.inputs, &sums, pair);
    let rho = |input: &str, target: &str| {
        s.rows
            .iter()
            .find(|x| x.input == input && x.target.label(r.strategies()) == target)
            .map(|x| x.rho)
            .expect("row")
    };
    assert!(rho("engagements.freelancer.hourly_rate", "Freelance") > 0.999);
    assert!(rho("engagements.engineer.annual_salary", "Freelance").abs() < 0.05);
    assert!(rho("engagements.engineer.annual_salary", "Dedicated engineer") > 0.999);
    assert!(rho("engagements.freelancer.hourly_rate", "Dedicated engineer").abs() < 0.05);
    // The difference of the two leaders depends on both, with opposite signs.
    let top = s.top_for_difference(2);
    assert_eq!(top.len(), 2);
    let signs: Vec<f64> = top.iter().map(|(_, r)| r.signum()).collect();
    assert_eq!(signs[0], -signs[1], "{top:?}");
}

#[test]
fn precision_stops_at_the_target_on_an_easy_scenario() {
    let dir = tmp();
    let file = dir.path().join("planted.toml");
    std::fs::write(&file, PLANTED).expect("write");
    let out = dir.path().join("out");
    let a = tcosim()
        .args([
            "run",
            file.to_str().unwrap(),
            "--trials",
            "500",
            "--precision",
            "0.05",
            "--max-trials",
            "20000",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Precision reached with 500 trials"),
        "{stdout}"
    );
    // The precision file confirms it: every mean's 95% half-width within 5%.
    for row in read(&out.join("precision.csv"))
        .iter()
        .filter(|r| r[3] == "mean")
    {
        let (est, se): (f64, f64) = (row[4].parse().unwrap(), row[5].parse().unwrap());
        assert!(1.96 * se / est <= 0.05, "{row:?}");
    }
}

#[test]
fn precision_stops_at_the_cap_on_an_impossible_target() {
    let dir = tmp();
    let out = dir.path().join("out");
    let a = tcosim()
        .args([
            "run",
            "--trials",
            "400",
            "--precision",
            "0.0001",
            "--max-trials",
            "1200",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(a.get_output().stdout.is_empty());
    let a = tcosim()
        .args([
            "run",
            "--trials",
            "400",
            "--precision",
            "0.0001",
            "--max-trials",
            "1200",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Stopped at the cap of 1200 trials"),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["trials"], 1200);
    // Batches continue the trial indices: trials.csv holds trials 0..1199 once each.
    let rows = read(&out.join("trials.csv"));
    assert_eq!(rows.len(), 1200 * 4);
    assert_eq!(rows.last().unwrap()[0], "1199");
}

#[test]
fn precision_batches_equal_one_long_run() {
    // Only the CSV files are compared: no charts.
    let dir = tmp();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    tcosim()
        .args([
            "run",
            "--trials",
            "300",
            "--precision",
            "0.00001",
            "--max-trials",
            "900",
            "--charts",
            "none",
            "--quiet",
            "--out",
        ])
        .arg(&a)
        .assert()
        .success();
    tcosim()
        .args([
            "run", "--trials", "900", "--charts", "none", "--quiet", "--out",
        ])
        .arg(&b)
        .assert()
        .success();
    for f in [
        "summary.csv",
        "trials.csv",
        "inputs.csv",
        "monthly.csv",
        "comparison.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn comparison_probabilities_add_up_and_mirror() {
    let sc = Scenario::from_toml(DEFAULT_SCENARIO, "default").expect("default");
    let r = engine::run(
        &sc,
        RunPlan {
            trials: 1500,
            ..RunPlan::from_scenario(&sc)
        },
        &|_| {},
    )
    .expect("runs");
    let c = analysis::paired_comparisons(&r.totals);
    assert_eq!(c.len(), 12);
    for x in &c {
        assert!((x.p_a_cheaper + x.p_b_cheaper + x.p_tie - 1.0).abs() < 1e-12);
        let m = c.iter().find(|y| (y.a, y.b) == (x.b, x.a)).expect("mirror");
        assert_eq!(m.p_a_cheaper, x.p_b_cheaper);
        assert_eq!(m.p_tie, x.p_tie);
        assert!((m.mean + x.mean).abs() < 1e-6);
    }
}

#[test]
fn horizon_sweep_costs_never_fall_as_the_horizon_grows() {
    let dir = tmp();
    let out = dir.path().join("sweep");
    let a = tcosim()
        .args([
            "sweep",
            "scenarios/default.toml",
            "--set",
            "simulation.horizon_months=3..60:3",
            "--trials",
            "1500",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Lowest median TCO by simulation.horizon_months"),
        "{stdout}"
    );
    let rows = read(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 20 * 4);
    for f in [
        "charts/sweep.png",
        "charts/sweep.svg",
        "sweep.txt",
        "scenario.toml",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let svg = std::fs::read_to_string(out.join("charts/sweep.svg")).unwrap();
    assert!(svg.contains("simulation.horizon_months"));
    for strategy in [
        "Freelance",
        "Freelance on retainer",
        "Dedicated engineer",
        "Freelance, then hire",
    ] {
        let means: Vec<f64> = rows
            .iter()
            .filter(|r| r[1] == strategy)
            .map(|r| r[4].parse().unwrap())
            .collect();
        assert_eq!(means.len(), 20);
        assert!(
            means.windows(2).all(|w| w[1] >= w[0]),
            "{strategy}: {means:?}"
        );
    }
}

#[test]
fn sweeps_reject_keys_that_do_not_exist() {
    for (set, says) in [
        (
            "engagements.ghost.hourly_rate=100",
            "no table `engagements.ghost`",
        ),
        ("project.build_effort=3", "unknown key `build_effort`"),
        ("drift.events_per_month=2,x", "`x` is not a number"),
        ("project.traction_probability=1.5", "between 0 and 1"),
    ] {
        tcosim()
            .args([
                "sweep",
                "scenarios/default.toml",
                "--trials",
                "10",
                "--set",
                set,
            ])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }
}

#[test]
fn a_two_key_sweep_draws_a_heat_map_and_states_the_flips_per_row() {
    let dir = tmp();
    let out = dir.path().join("sweep2");
    let a = tcosim()
        .args([
            "sweep",
            "scenarios/core-product.toml",
            "--trials",
            "200",
            "--set",
            "simulation.horizon_months=12,48",
            "--set",
            "engagements.freelancer.hourly_rate=60,200",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert_eq!(
        stdout.matches("With simulation.horizon_months = ").count(),
        2,
        "{stdout}"
    );
    let rows = read(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 4 * 4);
    assert_eq!((rows[0][0].as_str(), rows[0][1].as_str()), ("12", "60"));
    let svg = std::fs::read_to_string(out.join("charts/sweep.svg")).unwrap();
    assert!(
        svg.contains("engagements.freelancer.hourly_rate") && svg.contains("Lowest median TCO")
    );
}

/// A run that keeps the input draws of its first trials only (a run that
/// writes no inputs.csv keeps those sensitivity and value of information
/// read) keeps exactly those draws, in a single run and across batches,
/// and every other figure is the same as a run that keeps them all.
#[test]
fn a_run_keeps_the_inputs_of_its_first_trials_only_when_asked() {
    let sc = Scenario::from_toml(PLANTED, "planted.toml").expect("scenario");
    let never = std::sync::atomic::AtomicBool::new(false);
    let plan = RunPlan {
        trials: 1500,
        ..RunPlan::from_scenario(&sc)
    };
    let run = |plan: RunPlan, kept: u64| {
        engine::run_with_sink(&sc, plan, &engine::NoSink, &|_| {}, &never, kept).expect("runs")
    };
    let all = run(plan, engine::ALL_INPUTS);
    let some = run(plan, 1000);
    assert_eq!(all.inputs.n_trials(), 1500);
    assert_eq!(some.inputs.n_trials(), 1000);
    let k = all.inputs.names().len();
    assert_eq!(some.inputs.values(), &all.inputs.values()[..1000 * k]);
    assert_eq!(some.totals.values(), all.totals.values());
    assert_eq!(some.agg, all.agg);
    // In batches (as --precision runs them): the cap counts from trial 0.
    let mut first = run(
        RunPlan {
            trials: 600,
            ..plan
        },
        1000,
    );
    let second = run(
        RunPlan {
            trials: 900,
            first_trial: 600,
            ..plan
        },
        1000,
    );
    assert_eq!(second.inputs.n_trials(), 400);
    first.append(second).expect("the batches follow each other");
    assert_eq!(first.inputs.values(), some.inputs.values());
}
