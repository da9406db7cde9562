//! Robustness: no input crashes the loader or the engine, and no failure or
//! interruption loses results.
//!
//! The fuzz tests use proptest to generate arbitrary text, mutations of a
//! valid scenario and random valid scenarios with extreme values. They run a
//! few hundred cases in `cargo test`; set `PROPTEST_CASES=20000` to fuzz
//! longer (see README).

mod common;

use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use proptest::prelude::*;
use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::model::{CATEGORIES, Category};
use tcosim::scenario::DEFAULT_SCENARIO;
use tcosim::stats;

use common::{entries, names, snapshot, tcosim, tmp};

/// Cases per property: `default`, or `PROPTEST_CASES` to fuzz longer.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Values that break naive code.
fn nasty_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("9223372036854775807".to_string()),
        Just("\"text\"".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("{ dist = \"beta\", alpha = 0, beta = 0 }".to_string()),
        Just("{ low = 5, high = 1 }".to_string()),
        Just("{ dist = \"discrete\", values = [], weights = [] }".to_string()),
        Just("{ dist = \"normal\", mean = 0, sd = 1, min = 5, max = 6 }".to_string()),
        Just("{ dist = \"gamma\", shape = 1e-300, scale = 1e300 }".to_string()),
        (-1e6f64..1e6).prop_map(|x| format!("{x}")),
        (0f64..1.0).prop_map(|x| format!("{x}")),
    ]
}

/// Replaces the value on a random `key = value` line of the default scenario.
fn mutated_default() -> impl Strategy<Value = String> {
    let lines: Vec<String> = DEFAULT_SCENARIO.lines().map(String::from).collect();
    let n = lines.len();
    (proptest::collection::vec((0..n, nasty_value(), 0u8..4), 1..4)).prop_map(move |edits| {
        let mut l = lines.clone();
        for (i, v, how) in edits {
            match how {
                0 => l[i] = String::new(),
                1 => l[i] = v,
                _ => {
                    if let Some((k, _)) = l[i].split_once('=') {
                        l[i] = format!("{k}= {v}");
                    }
                }
            }
        }
        l.join("\n")
    })
}

/// Every value of the loader's output is usable: a scenario that loads
/// simulates without panicking and gives finite, consistent results.
fn check_runs(sc: &Scenario) {
    let plan = RunPlan {
        trials: 3,
        horizon: sc.simulation.horizon_months.min(48),
        ..RunPlan::from_scenario(sc)
    };
    for t in 0..plan.trials {
        for (o, cum, quality) in engine::trial_outcomes(sc, plan, t) {
            assert!(o.total.is_finite() && o.total >= 0.0, "{o:?}");
            let included: f64 = o.costs.iter().sum::<f64>()
                - if sc.include_business_impact {
                    0.0
                } else {
                    o.costs[Category::Degradation] + o.costs[Category::Delay]
                };
            assert!(
                (included - o.total).abs() <= 1e-6 * o.total.max(1.0),
                "{o:?}"
            );
            assert!(cum.iter().all(|x| x.is_finite()));
            assert!(
                quality.iter().all(|q| (-1e-9..=1.0 + 1e-9).contains(q)),
                "{quality:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = Scenario::from_toml(&text, "fuzz.toml");
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_toml(
        doc in proptest::collection::vec(("[a-z_.\\[\\]]{1,24}", nasty_value()), 0..12)
    ) {
        let text: String = doc.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        let _ = Scenario::from_toml(&text, "fuzz.toml");
    }

    #[test]
    fn mutated_scenarios_are_rejected_cleanly_or_run(text in mutated_default()) {
        match Scenario::from_toml(&text, "fuzz.toml") {
            Ok(sc) => check_runs(&sc),
            Err(e) => {
                prop_assert!(!e.diags.is_empty());
                for d in &e.diags {
                    prop_assert!(d.line >= 1 && d.col >= 1 && !d.message.is_empty());
                }
            }
        }
    }
}

/// A random valid scenario with extreme but valid values.
fn extreme_scenario() -> impl Strategy<Value = String> {
    let money = prop_oneof![Just(0.0), Just(1.0), Just(1e7), 0.0f64..1e5];
    let prob = prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0];
    let months = prop_oneof![Just(0.0), Just(0.5), Just(1.0), Just(24.0), 0.0f64..12.0];
    (
        (prop_oneof![Just(1u32), Just(600u32), 1u32..60], money.clone(), money.clone(), money.clone(), money.clone()),
        (prob.clone(), prob.clone(), prob.clone(), prob.clone(), prob.clone(), prob.clone()),
        (months.clone(), months.clone(), months.clone(), months.clone(), prop_oneof![Just(0.01), Just(1.0), 0.01f64..1.0]),
        (prob.clone(), prob.clone(), prob, prop_oneof![Just(0.0), Just(5.0), 0.0f64..2.0], money, months),
        prop_oneof![Just(0.0), Just(1.0), Just(744.0), 0.0f64..200.0],
    )
        .prop_map(|((h, rate, salary, var, cod), (tp, rb, rz, sev, doc, att), (build, ctx, hire, engage, p0), (exit, ret, det, events, fee, notice), hours)| {
            format!(
                r#"
name = "extreme"
[simulation]
horizon_months = {h}
trials = 2
seed = 11
[project]
build_effort_months = {build}
target_launch_month = 3
traction_probability = {tp}
traction_known_after_months = {notice}
maintenance_per_month = {ctx}
[roadmap]
projects_per_month = {events}
project_size_months = {build}
[business]
value_at_risk_per_month = {var}
cost_of_delay_per_month = {cod}
unfinished_cost_per_engineer_month = {rate}
[knowledge]
full_context_months = {ctx}
productivity_at_zero_context = {p0}
rework_base = {rb}
rework_at_zero_context = {rz}
[drift]
events_per_month = {events}
severity = {sev}
decay_per_engineer_month_unmaintained = {sev}
remediation_months_per_severity = {notice}
detected_per_month_monitored = {det}
detected_per_month_unmonitored = {exit}
act_when_degraded_above = {rb}
[engagements.freelancer]
kind = "freelance"
hourly_rate = {rate}
platform_fee = {rb}
engagement_fee = {fee}
time_to_engage_months = {engage}
exit_per_month = {exit}
returns_for_follow_up = {ret}
documentation = {doc}
[engagements.retained]
extends = "freelancer"
scope = ["build", "roadmap", "maintenance", "remediation"]
retainer_hours_per_month = {hours}
max_hours_per_month = {hours}
[engagements.engineer]
kind = "employee"
annual_salary = {salary}
recruiting_fee = {rz}
internal_hiring_cost = {fee}
time_to_hire_months = {hire}
attrition_per_year = {att}
notice_months = {notice}
severance_months = {notice}
documentation = {doc}
[[strategies]]
name = "Freelance"
phases = [{{ engagement = "freelancer" }}]
[[strategies]]
name = "Retained"
phases = [{{ engagement = "retained" }}]
[[strategies]]
name = "Employee"
phases = [{{ engagement = "engineer" }}]
[[strategies]]
name = "Freelance, then hire"
phases = [{{ engagement = "freelancer", until = "traction" }}, {{ engagement = "engineer", until = {{ month = 7 }} }}, {{ engagement = "retained" }}]
"#
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn extreme_valid_scenarios_give_finite_consistent_results(text in extreme_scenario()) {
        let sc = Scenario::from_toml(&text, "extreme.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check_runs(&sc);
        let r = engine::run(&sc, RunPlan::from_scenario(&sc), &|_| {}).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        for s in stats::summarize(&r.per_trial(), &r.agg) {
            let q = [s.min, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.max];
            prop_assert!(q.iter().all(|x| x.is_finite()));
            prop_assert!(q.windows(2).all(|w| w[0] <= w[1]), "{q:?}");
            prop_assert!(s.mean_categories.iter().all(|x| x.is_finite()));
            prop_assert_eq!(s.mean_categories.iter().count(), CATEGORIES.len());
        }
        for b in stats::monthly(&r.agg) {
            prop_assert!(b.p10 <= b.p50 && b.p50 <= b.p90, "{b:?}");
        }
    }
}

/// Starts a long run into `out` (which holds earlier results), sends
/// `signal` once its temporary directory exists, and checks that it stops
/// promptly, leaves the earlier results as they were and removes its
/// temporary directory.
fn interrupt_a_real_run(signal: &str) {
    let tmp = tmp();
    let out = tmp.path().join("res");
    tcosim()
        .args(["run", "--trials", "200", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = snapshot(&out);
    let bin = assert_cmd::cargo::cargo_bin("tcosim");
    let mut child = StdCommand::new(bin)
        .args([
            "run",
            "--trials",
            "20000000",
            "--no-trials-csv",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while !entries(tmp.path())
        .iter()
        .any(|n| n.starts_with(".res.tmp-"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    let kill = StdCommand::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let status = child.wait().expect("wait");
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "took {:?} to stop",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(snapshot(&out), before, "earlier results changed");
    assert_eq!(
        entries(tmp.path()),
        names(&["res"]),
        "a temporary directory was left behind"
    );
}

#[test]
fn sigint_stops_a_run_and_keeps_earlier_results() {
    interrupt_a_real_run("INT");
}

#[test]
fn sigterm_stops_a_run_and_keeps_earlier_results() {
    interrupt_a_real_run("TERM");
}

#[test]
fn an_unwritable_output_directory_is_reported_before_simulating() {
    let tmp = tmp();
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").expect("write");
    let started = Instant::now();
    tcosim()
        .args(["run", "--trials", "20000000", "--no-trials-csv", "--out"])
        .arg(file.join("results"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("plain-file"));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_run_too_large_for_memory_is_refused_with_the_way_out() {
    let mut text = DEFAULT_SCENARIO.to_string();
    for i in 0..60 {
        text.push_str(&format!(
            "\n[[strategies]]\nname = \"Copy {i}\"\nphases = [{{ engagement = \"engineer\" }}]\n"
        ));
    }
    let tmp = tmp();
    let file = tmp.path().join("wide.toml");
    std::fs::write(&file, text).expect("write");
    tcosim()
        .args([
            "run",
            file.to_str().expect("utf8"),
            "--trials",
            "50000000",
            "--out",
        ])
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("of memory")
                .and(predicates::str::contains("--force"))
                .and(predicates::str::contains("--trials")),
        );
    assert!(!tmp.path().join("out").exists());
}
