//! Correlated inputs (`[[correlations]]`, a Gaussian copula): the rank
//! correlations drawn, what a correlation leaves alone, inheritance through
//! `extends`, threads, and a sweep that fixes a correlated input. The
//! scenario is `tests/fixtures/correlated.toml`; its problems when broken
//! are the `correlation-*` fixtures of `tests/fixtures/broken/`.

mod common;

use std::fs;

use common::{repo, tcosim, tmp};
use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::model::World;
use tcosim::scenario::{EngagementKind, parse_scenario_with_fixed};

/// The correlated scenario, as text.
fn fixture_text() -> String {
    fs::read_to_string(repo("tests/fixtures/correlated.toml")).expect("the fixture")
}

/// The fixture without its `[[correlations]]`, and the entries, one string
/// each.
fn base_and_entries() -> (String, Vec<String>) {
    let text = fixture_text();
    let (base, rest) = text
        .split_once("# --- correlations ---")
        .expect("the marker");
    let entries = rest
        .split("[[correlations]]")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| format!("[[correlations]]\n{e}\n"))
        .collect();
    (base.to_string(), entries)
}

fn parse(text: &str) -> Scenario {
    Scenario::from_toml(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The base scenario with the given entries of the fixture.
fn with_entries(which: &[usize]) -> Scenario {
    let (base, entries) = base_and_entries();
    let text = which.iter().fold(base, |t, i| t + "\n" + &entries[*i]);
    parse(&text)
}

/// The values of every input in trials `0..n`.
fn values(sc: &Scenario, n: u64) -> Vec<Vec<f64>> {
    let mut w = World::default();
    (0..n)
        .map(|t| {
            w.sample(sc, sc.simulation.seed, t, 1);
            w.values.clone()
        })
        .collect()
}

fn id(sc: &Scenario, key: &str) -> usize {
    sc.inputs
        .iter()
        .position(|i| i.key == key)
        .unwrap_or_else(|| panic!("no input {key}"))
}

/// Ranks (0-based) of `x`, which has no ties.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut ix: Vec<usize> = (0..x.len()).collect();
    ix.sort_by(|a, b| x[*a].total_cmp(&x[*b]));
    let mut r = vec![0.0; x.len()];
    for (rank, i) in ix.into_iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

/// Spearman's rank correlation of `x` and `y` (continuous, so no ties).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    sxy / (sxx * syy).sqrt()
}

/// The copula's draws of the correlated inputs in trials `0..n` (every
/// other input left at 0): what `World::sample` puts in `values` for them,
/// without the rest of the world (the test profile is unoptimised). Drawn
/// in parallel: each trial's draw depends on its number alone.
fn correlated_values(sc: &Scenario, n: u64) -> Vec<Vec<f64>> {
    use rayon::prelude::*;
    (0..n)
        .into_par_iter()
        .map(|t| {
            let mut v = vec![0.0; sc.inputs.len()];
            sc.correlations
                .draw(&sc.inputs, sc.simulation.seed, t, &mut v);
            v
        })
        .collect()
}

#[test]
fn each_pair_draws_its_target_rank_correlation() {
    let sc = parse(&fixture_text());
    let pairs: Vec<_> = sc
        .correlations
        .groups
        .iter()
        .flat_map(|g| g.pairs.clone())
        .collect();
    assert_eq!(pairs.len(), 5);
    let all = correlated_values(&sc, 100_000);
    // The draws are World::sample's.
    let mut w = World::default();
    for t in [0, 1, 99_999] {
        w.sample(&sc, sc.simulation.seed, t, 1);
        for p in &pairs {
            for i in p.inputs {
                assert_eq!(w.values[i].to_bits(), all[t as usize][i].to_bits());
            }
        }
    }
    let column = |i: usize| -> Vec<f64> { all.iter().map(|v| v[i]).collect() };
    let mut report = Vec::new();
    for p in &pairs {
        let got = spearman(&column(p.inputs[0]), &column(p.inputs[1]));
        report.push(format!(
            "{} ~ {}: target {}, got {got:.4}",
            p.paths[0], p.paths[1], p.rank
        ));
        assert!((got - p.rank).abs() < 0.02, "{}", report.join("\n"));
    }
    // The pair not given in a group (value at risk, build effort) is drawn
    // with normal correlation 0.
    let (var, build) = (
        id(&sc, "business.value_at_risk_per_month"),
        id(&sc, "project.build_effort_months"),
    );
    let got = spearman(&column(var), &column(build));
    assert!(got.abs() < 0.02, "{got}");
    eprintln!("{}", report.join("\n"));
}

#[test]
fn groups_are_connected_pairs_in_order_of_first_mention() {
    let sc = parse(&fixture_text());
    let keys: Vec<Vec<&str>> = sc
        .correlations
        .groups
        .iter()
        .map(|g| {
            g.inputs
                .iter()
                .map(|i| sc.inputs[*i].key.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        keys,
        [
            vec![
                "business.value_at_risk_per_month",
                "business.cost_of_delay_per_month",
                "project.build_effort_months"
            ],
            vec![
                "project.traction_probability",
                "project.maintenance_per_month"
            ],
            // Named through the retainer, which inherits the freelancer's
            // draw; the last pair joins this group.
            vec![
                "engagements.freelancer.hourly_rate",
                "engagements.engineer.annual_salary",
                "knowledge.full_context_months"
            ],
        ]
    );
    assert!(sc.correlations.left_out.is_empty());
}

#[test]
fn a_correlation_changes_the_draws_of_its_inputs_alone() {
    let n = 300;
    let none = with_entries(&[]);
    let one = with_entries(&[0]);
    assert!(none.correlations.is_empty());
    let (a, b) = (values(&none, n), values(&one, n));
    let pair = [
        id(&one, "business.value_at_risk_per_month"),
        id(&one, "business.cost_of_delay_per_month"),
    ];
    for (va, vb) in a.iter().zip(&b) {
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            if !pair.contains(&i) {
                assert_eq!(x.to_bits(), y.to_bits(), "{}", one.inputs[i].key);
            }
        }
    }
    for i in pair {
        let changed = a.iter().zip(&b).filter(|(x, y)| x[i] != y[i]).count();
        assert_eq!(changed, n as usize, "{}", one.inputs[i].key);
    }
}

#[test]
fn extending_a_group_leaves_its_earlier_members_draws_alone() {
    let n = 300;
    let one = with_entries(&[0]);
    let two = with_entries(&[0, 1]);
    let (a, b) = (values(&one, n), values(&two, n));
    let build = id(&two, "project.build_effort_months");
    for (va, vb) in a.iter().zip(&b) {
        for (i, (x, y)) in va.iter().zip(vb).enumerate() {
            if i != build {
                assert_eq!(x.to_bits(), y.to_bits(), "{}", two.inputs[i].key);
            }
        }
    }
    assert!(a.iter().zip(&b).all(|(x, y)| x[build] != y[build]));
    // Adding an unrelated group leaves the first group alone too.
    let three = with_entries(&[0, 1, 2]);
    let c = values(&three, n);
    for key in [
        "business.value_at_risk_per_month",
        "business.cost_of_delay_per_month",
        "project.build_effort_months",
    ] {
        let i = id(&three, key);
        assert!(
            b.iter()
                .zip(&c)
                .all(|(x, y)| x[i].to_bits() == y[i].to_bits())
        );
    }
}

#[test]
fn an_engagement_that_extends_another_shares_its_correlated_draw() {
    let sc = parse(&fixture_text());
    let name = |e: &str| {
        sc.engagements
            .iter()
            .position(|x| x.name == e)
            .expect("the engagement")
    };
    let (f, r) = (name("freelancer"), name("retainer"));
    let rate = |e: usize| match &sc.engagements[e].kind {
        EngagementKind::Freelance(x) => x.hourly_rate,
        EngagementKind::Employee(_) => panic!("a freelancer"),
    };
    // The pair names the retainer's rate, which is the freelancer's draw.
    assert_eq!(rate(f), rate(r));
    let pair = &sc.correlations.groups[2].pairs[0];
    assert_eq!(pair.paths[0], "engagements.retainer.hourly_rate");
    assert_eq!(pair.inputs[0], rate(f));
    // In every trial, both pay the correlated rate.
    let mut w = World::default();
    let copula = correlated_values(&sc, 1000);
    for (t, c) in copula.iter().enumerate() {
        w.sample(&sc, sc.simulation.seed, t as u64, 1);
        let (fe, re) = (&w.engagements[f], &w.engagements[r]);
        assert_eq!(fe.cost_per_month.to_bits(), re.cost_per_month.to_bits());
        assert_eq!(w.values[rate(r)].to_bits(), c[rate(f)].to_bits());
    }

    // An engagement that sets the key has its own draw: the pair named
    // through it correlates that draw, not the parent's.
    let (base, _) = base_and_entries();
    let own = base.replace(
        "extends = \"freelancer\"\n",
        "extends = \"freelancer\"\nhourly_rate = { dist = \"lognormal\", median = 100, p90 = 180 }\n",
    ) + "\n[[correlations]]\ninputs = [\"engagements.retainer.hourly_rate\", \"business.value_at_risk_per_month\"]\nrank = 0.5\n";
    let sc = parse(&own);
    let g = &sc.correlations.groups[0];
    assert_eq!(
        sc.inputs[g.inputs[0]].key,
        "engagements.retainer.hourly_rate"
    );
    assert_ne!(id(&sc, "engagements.freelancer.hourly_rate"), g.inputs[0]);
}

#[test]
fn correlated_results_do_not_depend_on_the_thread_count() {
    let sc = parse(&fixture_text());
    let plan = RunPlan {
        trials: 400,
        ..RunPlan::from_scenario(&sc)
    };
    let with = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a pool")
            .install(|| engine::run(&sc, plan, &|_| {}).expect("runs"))
    };
    let (one, three) = (with(1), with(3));
    assert_eq!(one.totals, three.totals);
    assert_eq!(one.inputs, three.inputs);
    assert_eq!(one.agg, three.agg);
}

#[test]
fn a_fixed_correlated_input_is_refused_unless_a_run_fixed_it() {
    let text = fixture_text().replace(
        "value_at_risk_per_month = { dist = \"lognormal\", median = 30000, p90 = 80000 }",
        "value_at_risk_per_month = 30000",
    );
    let err = Scenario::from_toml(&text, "t.toml").expect_err("refused");
    assert_eq!(err.diags.len(), 1);
    assert_eq!(err.diags[0].path, "correlations[0].inputs[0]");
    let fixed = ["business.value_at_risk_per_month".to_string()];
    let sc = parse_scenario_with_fixed(&text, "t.toml", &fixed).expect("left out");
    let left: Vec<String> = sc
        .correlations
        .left_out
        .iter()
        .map(|l| l.describe())
        .collect();
    assert_eq!(
        left,
        [
            "correlations[0] (business.value_at_risk_per_month, business.cost_of_delay_per_month; rank 0.6)"
        ]
    );
    // The rest of the group keeps its correlation.
    let g = &sc.correlations.groups[0];
    let keys: Vec<&str> = g
        .inputs
        .iter()
        .map(|i| sc.inputs[*i].key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "business.cost_of_delay_per_month",
            "project.build_effort_months"
        ]
    );
}

#[test]
fn a_sweep_that_fixes_correlated_inputs_leaves_their_pairs_out_and_says_so() {
    let tmp = tmp();
    let fixture = repo("tests/fixtures/correlated.toml");
    let out = tcosim()
        .arg("sweep")
        .arg(&fixture)
        .args([
            "--set",
            "business.value_at_risk_per_month=10000,50000",
            "--set",
            "engagements.freelancer.hourly_rate=100",
            "--trials",
            "100",
            "--charts",
            "none",
            "--out",
        ])
        .arg(tmp.path().join("sweep"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        notes,
        [
            "note: the sweep leaves out correlations[0] (business.value_at_risk_per_month, business.cost_of_delay_per_month; rank 0.6): --set fixes business.value_at_risk_per_month, and a fixed value has no rank; the other correlations are kept",
            // Named through the retainer, which inherits the fixed draw.
            "note: the sweep leaves out correlations[3] (engagements.retainer.hourly_rate, engagements.engineer.annual_salary; rank -0.5): --set fixes engagements.freelancer.hourly_rate, and a fixed value has no rank; the other correlations are kept",
        ],
        "{stderr}"
    );

    // Emitted point scenarios leave the same pairs out, and run as they are.
    let jobs = tmp.path().join("jobs");
    tcosim()
        .arg("sweep")
        .arg(&fixture)
        .args(["--set", "business.value_at_risk_per_month=10000", "--quiet"])
        .arg("--emit-jobs")
        .arg(&jobs)
        .assert()
        .success()
        .stderr("");
    let point = jobs.join("point-0001.toml");
    let text = fs::read_to_string(&point).expect("the point scenario");
    let sc = parse(&text);
    let pairs: Vec<String> = sc
        .correlations
        .groups
        .iter()
        .flat_map(|g| &g.pairs)
        .map(|p| p.paths.join(" ~ "))
        .collect();
    assert_eq!(pairs.len(), 4, "{pairs:?}");
    assert!(!text.contains("\"business.value_at_risk_per_month\""));
    tcosim().arg("validate").arg(&point).assert().success();
}
