//! The columns of the CSV files: every per-strategy file (of a run, a sweep
//! and a comparison) keys each strategy by a stable id beside its name,
//! sensitivity.csv names its targets in columns (kind, strategy, versus),
//! and inputs.csv holds each trial's draws under the names sensitivity.csv
//! uses.

mod common;

use std::path::Path;

use common::{Csv, tcosim, tmp};
use tcosim::output::schema::{CsvFile, SensitivityRecord, cell};
use tcosim::scenario::{DEFAULT_SCENARIO, strategy_ids};

const TRIALS: usize = 1500;

/// The default scenario with strategy names that collide as slugs, hold
/// accents, start with a formula character or hold only punctuation.
fn tricky() -> String {
    DEFAULT_SCENARIO
        .replace(
            "name = \"Freelance on retainer\"",
            "name = \"=Équipe dédiée\"",
        )
        .replace("name = \"Dedicated engineer\"", "name = \"¿?\"")
        .replace("name = \"Freelance, then hire\"", "name = \"FREELANCE!\"")
}

const NAMES: [&str; 4] = ["Freelance", "=Équipe dédiée", "¿?", "FREELANCE!"];
const IDS: [&str; 4] = ["freelance", "equipe-dediee", "strategy-3", "freelance-2"];

/// Runs the tricky scenario into `dir/name` with `trials` trials.
fn run(dir: &Path, name: &str, trials: usize, seed: &str) -> std::path::PathBuf {
    let file = dir.join("tricky.toml");
    std::fs::write(&file, tricky()).expect("write the scenario");
    let out = dir.join(name);
    tcosim()
        .arg("run")
        .arg(&file)
        .args(["--trials", &trials.to_string(), "--seed", seed])
        .args(["--charts", "none", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// Checks that `csv` has the id column `id` right after the name column
/// `name`, and that every row's id is the id of its strategy (an empty
/// name, allowed only where `optional`, has an empty id).
fn check_ids(csv: &Csv, file: &str, name: &str, id: &str, optional: bool) {
    let at = csv.col(name);
    assert_eq!(
        csv.header.get(at + 1).map(String::as_str),
        Some(id),
        "{file}"
    );
    for (r, row) in csv.rows.iter().enumerate() {
        let written = cell::restore(row[at].clone());
        if optional && written.is_empty() {
            assert_eq!(row[at + 1], "", "{file} row {r}: an id without a name");
            continue;
        }
        let s = NAMES
            .iter()
            .position(|n| *n == written)
            .unwrap_or_else(|| panic!("{file} row {r}: unknown strategy {written:?}"));
        assert_eq!(row[at + 1], IDS[s], "{file} row {r}: {name}");
    }
}

#[test]
fn the_ids_are_the_slugs_of_the_names() {
    assert_eq!(strategy_ids(&NAMES), IDS);
}

#[test]
fn every_per_strategy_file_has_the_strategy_id_beside_the_name() {
    let t = tmp();
    let a = run(t.path(), "a", TRIALS, "5");
    let files: [(&str, &[(&str, &str)]); 9] = [
        ("summary.csv", &[("strategy", "strategy_id")]),
        ("trials.csv", &[("strategy", "strategy_id")]),
        ("monthly.csv", &[("strategy", "strategy_id")]),
        ("quality.csv", &[("strategy", "strategy_id")]),
        ("precision.csv", &[("strategy", "strategy_id")]),
        (
            "comparison.csv",
            &[
                ("strategy_a", "strategy_a_id"),
                ("strategy_b", "strategy_b_id"),
            ],
        ),
        (
            "crossover.csv",
            &[
                ("strategy_a", "strategy_a_id"),
                ("strategy_b", "strategy_b_id"),
            ],
        ),
        (
            "voi.csv",
            &[
                ("choice_now", "choice_now_id"),
                ("choice_if_low", "choice_if_low_id"),
                ("choice_if_high", "choice_if_high_id"),
            ],
        ),
        ("sensitivity.csv", &[("strategy", "strategy_id")]),
    ];
    for (file, pairs) in files {
        let csv = Csv::read(&a.join(file));
        assert!(!csv.rows.is_empty(), "{file} has rows");
        for (name, id) in pairs {
            check_ids(&csv, file, name, id, false);
        }
    }
    check_ids(
        &Csv::read(&a.join("sensitivity.csv")),
        "sensitivity.csv",
        "versus",
        "versus_id",
        true,
    );
    // One id per strategy in summary.csv, all different.
    let summary = Csv::read(&a.join("summary.csv"));
    assert_eq!(summary.column("strategy_id"), IDS);

    // A comparison of two runs, and a sweep.
    let b = run(t.path(), "b", 300, "6");
    let cmp = t.path().join("cmp");
    tcosim()
        .arg("compare")
        .args([&a, &b])
        .arg("--out")
        .arg(&cmp)
        .args(["--charts", "none", "--quiet"])
        .assert()
        .success();
    let csv = Csv::read(&cmp.join("compare.csv"));
    assert_eq!(csv.rows.len(), 8);
    check_ids(&csv, "compare.csv", "strategy", "strategy_id", false);
    let sweep = t.path().join("sweep");
    tcosim()
        .arg("sweep")
        .arg(t.path().join("tricky.toml"))
        .args([
            "--set",
            "simulation.horizon_months=12,24",
            "--trials",
            "200",
        ])
        .args(["--charts", "none", "--quiet", "--out"])
        .arg(&sweep)
        .assert()
        .success();
    let csv = Csv::read(&sweep.join("sweep.csv"));
    assert_eq!(csv.rows.len(), 8);
    check_ids(&csv, "sweep.csv", "strategy", "strategy_id", false);
}

#[test]
fn sensitivity_names_each_target_by_kind_strategy_and_versus() {
    let t = tmp();
    let a = run(t.path(), "a", TRIALS, "5");
    let csv = Csv::read(&a.join("sensitivity.csv"));
    // The columns (spelled out in tests/charts.rs) are the schema's.
    assert_eq!(csv.header, SensitivityRecord::HEADER);
    // The difference is that of the verdict's two strategies: the lowest
    // median first, then its challenger (tests/charts.rs checks the pair
    // against the verdict everywhere).
    let data = tcosim::output::rundata::RunData::load(&a, None).expect("loads");
    let (first, second) = tcosim::present::decision::leaders(&data).expect("two leaders");
    let summary = Csv::read(&a.join("summary.csv"));
    let lowest = (0..NAMES.len())
        .min_by(|&x, &y| summary.num(x, "p50").total_cmp(&summary.num(y, "p50")))
        .unwrap();
    assert_eq!(first, lowest, "the first of the pair has the lowest median");
    // Per input: one `strategy` row per strategy in scenario order, with
    // no versus, then the one `difference` row.
    let per_input = NAMES.len() + 1;
    assert_eq!(csv.rows.len() % per_input, 0);
    for (r, row) in csv.rows.iter().enumerate() {
        let k = r % per_input;
        let text = |c: &str| row[csv.col(c)].clone();
        assert_eq!(text("input"), csv.rows[r - k][0], "row {r}");
        if k < NAMES.len() {
            assert_eq!(text("target_kind"), "strategy", "row {r}");
            assert_eq!(cell::restore(text("strategy")), NAMES[k], "row {r}");
            assert_eq!(
                (text("versus"), text("versus_id")),
                (String::new(), String::new())
            );
        } else {
            assert_eq!(text("target_kind"), "difference", "row {r}");
            assert_eq!(text("strategy_id"), IDS[first], "row {r}");
            assert_eq!(text("versus_id"), IDS[second], "row {r}");
            assert_eq!(cell::restore(text("versus")), NAMES[second], "row {r}");
        }
        let rho: f64 = text("rho").parse().expect("rho is a number");
        assert!(rho.abs() <= 1.0, "row {r}: {rho}");
    }
    // The report and charts read the same target back.
    let (label, _) = data.difference_drivers().expect("a difference target");
    assert_eq!(label, format!("{} - {}", NAMES[first], NAMES[second]));
}

/// Spearman's rank correlation, ties given their average rank.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for &k in &idx[i..=j] {
                r[k] = (i + j) as f64 / 2.0;
            }
            i = j + 1;
        }
        r
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn inputs_csv_holds_each_trials_draws_under_the_names_of_sensitivity_csv() {
    let t = tmp();
    let a = run(t.path(), "a", TRIALS, "5");
    let inputs = Csv::read(&a.join("inputs.csv"));
    let sens = Csv::read(&a.join("sensitivity.csv"));
    let mut names: Vec<String> = sens.column("input");
    names.dedup();
    assert_eq!(inputs.header[0], "trial");
    assert_eq!(inputs.header[1..], names[..]);
    // One row per trial, in order.
    assert_eq!(inputs.rows.len(), TRIALS);
    let trials: Vec<String> = (0..TRIALS).map(|t| t.to_string()).collect();
    assert_eq!(inputs.column("trial"), trials);
    // Fixed inputs have no column.
    for fixed in [
        "project.target_launch_month",
        "knowledge.productivity_at_zero_context",
        "engagements.freelancer.max_hours_per_month",
    ] {
        assert!(!inputs.header.iter().any(|h| h == fixed), "{fixed}");
    }
    // A varying input's mean is near its distribution's mean (within
    // about five standard errors).
    let values = |name: &str| -> Vec<f64> {
        (0..inputs.rows.len())
            .map(|r| inputs.num(r, name))
            .collect()
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (name, want, tolerance) in [
        // beta(7, 3): mean 0.7, sd 0.138.
        ("project.traction_probability", 0.7, 0.018),
        // triangular(0.22, 0.29, 0.38): mean 0.2967, sd 0.033.
        (
            "engagements.engineer.overhead",
            (0.22 + 0.29 + 0.38) / 3.0,
            0.005,
        ),
        // triangular(0.1, 0.3, 0.6): mean 0.333, sd 0.103.
        ("roadmap.projects_per_month", 1.0 / 3.0, 0.014),
    ] {
        let got = mean(&values(name));
        assert!(
            (got - want).abs() < tolerance,
            "{name}: mean {got}, expected {want}"
        );
    }
    // The draws are those sensitivity.csv correlated: its rho of an input
    // with a strategy's TCO is recomputed from inputs.csv and trials.csv.
    let trials_csv = Csv::read(&a.join("trials.csv"));
    let total_of = |s: &str| -> Vec<f64> {
        (0..trials_csv.rows.len())
            .filter(|&r| trials_csv.text(r, "strategy_id") == s)
            .map(|r| trials_csv.num(r, "total"))
            .collect()
    };
    for input in [
        "engagements.freelancer.hourly_rate",
        "business.value_at_risk_per_month",
    ] {
        let row = (0..sens.rows.len())
            .find(|&r| sens.text(r, "input") == input && sens.text(r, "strategy_id") == "freelance")
            .expect("a row");
        let got = spearman(&values(input), &total_of("freelance"));
        let want = sens.num(row, "rho");
        assert!((got - want).abs() < 1e-3, "{input}: {got} against {want}");
    }
    // The manifest lists it with its checksum.
    let m = common::manifest(&a);
    assert!(m["checksums"]["inputs.csv"]["sha256"].is_string(), "{m}");
}
