//! End-to-end tests of the `tcosim` binary: the three commands, the files a
//! run writes and what they must satisfy, determinism, how results are
//! replaced, exit codes, and the messages for broken scenario files (the
//! fixtures in `tests/fixtures/broken/`, each a small complete scenario with
//! one deliberate mistake unless its first-line comment says otherwise, and
//! beside each `NAME.toml` a `NAME.expected` saying what `validate` must
//! report; see `Broken`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use common::{
    Csv, csv_bytes, entries, fixture, manifest, names, run_cmd, run_into, shipped, snapshot,
    stdout_of, tcosim, tmp,
};

/// The shipped scenarios, by file stem.
const SHIPPED: [&str; 3] = ["default", "proof-of-concept", "core-product"];

const SUMMARY_HEADER: &str = "strategy,strategy_id,trials,mean,sd,sem,p5,p10,p25,p50,p75,p90,p95,cvar95,min,max,prob_cheapest,mean_build,mean_roadmap,mean_maintenance,mean_remediation,mean_rework,mean_context,mean_idle,mean_hiring,mean_degradation,mean_delay,mean_unfinished,mean_cash,p10_cash,p50_cash,p90_cash,p_cheapest_cash,mean_lost_value,p10_lost_value,p50_lost_value,p90_lost_value,p_least_lost_value,p_strictly_cheapest,p_tied_cheapest";
const TRIALS_HEADER: &str = "trial,strategy,strategy_id,total,cash,lost_value,build,roadmap,maintenance,remediation,rework,context,idle,hiring,degradation,delay,unfinished,launch_month,retired,months_degraded,handovers,hires,engagements,context_lost";
const MONTHLY_HEADER: &str = "strategy,strategy_id,month,mean,p10,p50,p90";

/// The cost categories, in file order.
const CATEGORIES: [&str; 11] = [
    "build",
    "roadmap",
    "maintenance",
    "remediation",
    "rework",
    "context",
    "idle",
    "hiring",
    "degradation",
    "delay",
    "unfinished",
];
/// The categories that are lost value rather than cash.
const LOST_VALUE: [&str; 2] = ["degradation", "delay"];
/// Rounding allowance per money value written with two decimals.
const CENT_TOLERANCE: f64 = 0.02;
/// Summary columns that must be in non-decreasing order.
const ORDERED: [&str; 9] = ["min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max"];
/// Every file of a result directory.
const RESULT_FILES: [&str; 14] = [
    "charts",
    "comparison.csv",
    "crossover.csv",
    "inputs.csv",
    "manifest.json",
    "monthly.csv",
    "precision.csv",
    "quality.csv",
    "report.html",
    "scenario.toml",
    "sensitivity.csv",
    "summary.csv",
    "trials.csv",
    "voi.csv",
];
// The result files that must not depend on the number of threads are
// `common::CSV_FILES`.

// ---------------------------------------------------------------- helpers

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a scenario file says, read independently of tcosim.
struct Expected {
    strategies: Vec<String>,
    horizon: usize,
    seed: u64,
}

fn expected(scenario: &Path) -> Expected {
    let text = fs::read_to_string(scenario).expect("the scenario");
    let doc: toml::Table = toml::from_str(&text).expect("valid TOML");
    let strategies = doc["strategies"]
        .as_array()
        .expect("[[strategies]]")
        .iter()
        .map(|s| s["name"].as_str().expect("a name").to_string())
        .collect();
    let sim = &doc["simulation"];
    Expected {
        strategies,
        horizon: sim["horizon_months"].as_integer().expect("horizon_months") as usize,
        seed: sim["seed"].as_integer().expect("seed") as u64,
    }
}

fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: {a} vs {b} (tolerance {tol})");
}

// ------------------------------------------------- checks of result files

/// summary.csv: header, one row per strategy in order, ordered quantiles,
/// P(cheapest) adding up to 1, categories adding up to the mean.
fn check_summary(dir: &Path, strategies: &[String], trials: u64) -> Csv {
    let s = Csv::read(&dir.join("summary.csv"));
    assert_eq!(s.header.join(","), SUMMARY_HEADER);
    assert_eq!(
        s.column("strategy"),
        strategies,
        "one row per strategy, in scenario order"
    );
    let mut p_cheapest = 0.0;
    for r in 0..s.rows.len() {
        let who = s.text(r, "strategy");
        assert_eq!(s.text(r, "trials"), trials.to_string(), "{who}");
        let q = ORDERED.map(|c| s.num(r, c));
        assert!(
            q.windows(2).all(|w| w[0] <= w[1]),
            "{who}: min, p5..p95, max out of order: {q:?}"
        );
        assert!(
            s.num(r, "cvar95") >= s.num(r, "p95"),
            "{who}: cvar95 below p95"
        );
        let sem = s.num(r, "sd") / (trials as f64).sqrt();
        assert_close(
            s.num(r, "sem"),
            sem,
            0.01,
            &format!("{who}: sem = sd / sqrt(trials)"),
        );
        let by_category: f64 = CATEGORIES
            .iter()
            .map(|c| s.num(r, &format!("mean_{c}")))
            .sum();
        let tol = CENT_TOLERANCE * CATEGORIES.len() as f64;
        assert_close(
            by_category,
            s.num(r, "mean"),
            tol,
            &format!("{who}: mean_* add up to mean"),
        );
        p_cheapest += s.num(r, "prob_cheapest");
        // P(cheapest) counts the trials won alone and a share of those tied.
        let (strictly, tied) = (s.num(r, "p_strictly_cheapest"), s.num(r, "p_tied_cheapest"));
        let p = s.num(r, "prob_cheapest");
        assert!(
            strictly <= p + 1e-6 && p <= strictly + tied / 2.0 + 1e-6,
            "{who}: prob_cheapest {p} outside strictly {strictly} + tied {tied} / 2"
        );
        for part in ["cash", "lost_value"] {
            let q = ["p10", "p50", "p90"].map(|p| s.num(r, &format!("{p}_{part}")));
            assert!(
                q.windows(2).all(|w| w[0] <= w[1]) && q[0] >= 0.0,
                "{who}: {part} quantiles out of order: {q:?}"
            );
        }
        let (cash, lost) = (s.num(r, "mean_cash"), s.num(r, "mean_lost_value"));
        let impact: f64 = LOST_VALUE
            .iter()
            .map(|c| s.num(r, &format!("mean_{c}")))
            .sum();
        assert_close(lost, impact, 0.03, &format!("{who}: mean lost value"));
        // The shipped scenarios include business impact.
        assert_close(
            cash + lost,
            s.num(r, "mean"),
            0.03,
            &format!("{who}: mean_cash + mean_lost_value = mean"),
        );
    }
    assert_close(p_cheapest, 1.0, 1e-5, "prob_cheapest adds up to 1");
    for p in ["p_cheapest_cash", "p_least_lost_value"] {
        let sum: f64 = (0..s.rows.len()).map(|r| s.num(r, p)).sum();
        assert_close(sum, 1.0, 1e-5, &format!("{p} adds up to 1"));
    }
    s
}

/// trials.csv: header, trial-major rows, categories adding up to the total,
/// and agreement with summary.csv.
fn check_trials(dir: &Path, strategies: &[String], trials: u64, summary: &Csv) {
    let t = Csv::read(&dir.join("trials.csv"));
    assert_eq!(t.header.join(","), TRIALS_HEADER);
    let n = strategies.len();
    assert_eq!(
        t.rows.len(),
        trials as usize * n,
        "rows = trials x strategies"
    );
    let mut totals = vec![Vec::new(); n];
    let mut cash = vec![Vec::new(); n];
    let mut business = 0.0;
    for r in 0..t.rows.len() {
        assert_eq!(t.text(r, "trial"), (r / n).to_string(), "row {r}");
        assert_eq!(t.text(r, "strategy"), strategies[r % n], "row {r}");
        let costs = CATEGORIES.map(|c| t.num(r, c));
        assert!(
            costs.iter().all(|c| *c >= 0.0),
            "row {r}: a negative cost {costs:?}"
        );
        let tol = CENT_TOLERANCE * CATEGORIES.len() as f64;
        let total = t.num(r, "total");
        assert_close(
            costs.iter().sum(),
            total,
            tol,
            &format!("row {r}: categories add up to total"),
        );
        // Cash: every category but the lost value; each of the three is
        // rounded to the cent on its own.
        let (paid, lost) = (t.num(r, "cash"), t.num(r, "lost_value"));
        let (lost_cols, cash_cols): (Vec<_>, Vec<_>) = CATEGORIES
            .iter()
            .zip(costs)
            .partition(|(c, _)| LOST_VALUE.contains(c));
        let sum = |cols: &[(&&str, f64)]| cols.iter().map(|(_, x)| x).sum::<f64>();
        assert_close(
            sum(&cash_cols),
            paid,
            CENT_TOLERANCE * cash_cols.len() as f64,
            &format!("row {r}: cash is the categories but degradation and delay"),
        );
        assert_close(
            sum(&lost_cols),
            lost,
            CENT_TOLERANCE * 2.0,
            &format!("row {r}: lost value is degradation + delay"),
        );
        assert_close(
            paid + lost,
            total,
            0.011,
            &format!("row {r}: cash + lost value = total"),
        );
        business += costs[8] + costs[9] + costs[10];
        totals[r % n].push(total);
        cash[r % n].push(paid);
    }
    assert!(
        business > 0.0,
        "the shipped scenarios include business impact"
    );
    for (s, v) in totals.iter().enumerate() {
        let who = &strategies[s];
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert_close(
            mean,
            summary.num(s, "mean"),
            0.01,
            &format!("{who}: summary mean"),
        );
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(min, summary.num(s, "min"), "{who}: summary min");
        assert_eq!(max, summary.num(s, "max"), "{who}: summary max");
        let paid = &cash[s];
        let mean_cash = paid.iter().sum::<f64>() / paid.len() as f64;
        assert_close(
            mean_cash,
            summary.num(s, "mean_cash"),
            0.01,
            &format!("{who}: summary mean_cash is the mean of trials.csv cash"),
        );
    }
}

/// monthly.csv: strategies x horizon rows, ordered bands, a cumulative mean
/// that never falls and ends at the summary mean.
fn check_monthly(dir: &Path, strategies: &[String], horizon: usize, summary: &Csv) {
    let m = Csv::read(&dir.join("monthly.csv"));
    assert_eq!(m.header.join(","), MONTHLY_HEADER);
    assert_eq!(
        m.rows.len(),
        strategies.len() * horizon,
        "rows = strategies x horizon"
    );
    for r in 0..m.rows.len() {
        let (s, month) = (r / horizon, r % horizon);
        assert_eq!(m.text(r, "strategy"), strategies[s], "row {r}");
        assert_eq!(m.text(r, "month"), month.to_string(), "row {r}");
        let (p10, p50, p90) = (m.num(r, "p10"), m.num(r, "p50"), m.num(r, "p90"));
        assert!(
            p10 <= p50 && p50 <= p90,
            "row {r}: p10 {p10}, p50 {p50}, p90 {p90}"
        );
        if month > 0 {
            assert!(
                m.num(r - 1, "mean") <= m.num(r, "mean"),
                "{} month {month}: the cumulative mean fell",
                strategies[s]
            );
        }
        if month + 1 == horizon {
            let what = format!("{}: last month's mean is the summary mean", strategies[s]);
            assert_close(m.num(r, "mean"), summary.num(s, "mean"), 0.01, &what);
        }
    }
}

/// A whole result directory of a run of `scenario`.
fn check_results(dir: &Path, scenario: &Path, trials: u64) {
    let exp = expected(scenario);
    assert_eq!(entries(dir), names(&RESULT_FILES));
    let summary = check_summary(dir, &exp.strategies, trials);
    check_trials(dir, &exp.strategies, trials, &summary);
    check_monthly(dir, &exp.strategies, exp.horizon, &summary);
    let m = manifest(dir);
    assert_eq!(m["trials"], trials);
    assert_eq!(m["seed"], exp.seed);
    assert_eq!(m["horizon_months"], exp.horizon);
    let sha = m["scenario_sha256"].as_str().expect("scenario_sha256");
    assert!(
        sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
        "sha {sha}"
    );
    assert_eq!(sha, sha256_hex(&fs::read(scenario).expect("the scenario")));
    let listed: Vec<String> = RESULT_FILES
        .iter()
        .map(|f| {
            if *f == "charts" {
                "charts/".to_string()
            } else {
                f.to_string()
            }
        })
        .collect();
    assert_eq!(m["files"], serde_json::json!(listed));
}

fn check_shipped_run(stem: &str) {
    let tmp = tmp();
    let out = tmp.path().join("x");
    run_into(Some(&shipped(stem)), &out, &["--trials", "300"]);
    check_results(&out, &shipped(stem), 300);
    assert_eq!(
        entries(tmp.path()),
        names(&["x"]),
        "only the result directory is left"
    );
}

// ------------------------------------------------------------------- run

#[test]
fn run_default_scenario_writes_consistent_results() {
    check_shipped_run("default");
}

#[test]
fn run_proof_of_concept_scenario_writes_consistent_results() {
    check_shipped_run("proof-of-concept");
}

#[test]
fn run_core_product_scenario_writes_consistent_results() {
    check_shipped_run("core-product");
}

#[test]
fn without_business_impact_the_total_is_the_cash_and_lost_value_is_still_reported() {
    let tmp = tmp();
    let text = fs::read_to_string(shipped("default")).expect("the default scenario");
    let on = "include_business_impact = true";
    assert!(text.contains(on), "the default scenario sets {on}");
    let scenario = tmp.path().join("no-impact.toml");
    fs::write(
        &scenario,
        text.replace(on, "include_business_impact = false"),
    )
    .expect("write the scenario");
    let out = tmp.path().join("x");
    let a = tcosim()
        .arg("run")
        .arg(&scenario)
        .args(["--trials", "300", "--charts", "svg", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = stdout_of(&a);
    let report = fs::read_to_string(out.join("report.html")).expect("report.html");
    for text in [&stdout, &report] {
        // As read: words, whatever the line breaks.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains("the total is the cash alone") && !text.contains("Total = cash +"),
            "{text}"
        );
    }
    let t = Csv::read(&out.join("trials.csv"));
    let mut lost_somewhere = false;
    for r in 0..t.rows.len() {
        assert_eq!(
            t.text(r, "total"),
            t.text(r, "cash"),
            "row {r}: total = cash"
        );
        let lost = t.num(r, "lost_value");
        let impact = t.num(r, "degradation") + t.num(r, "delay");
        assert_close(lost, impact, CENT_TOLERANCE * 2.0, &format!("row {r}"));
        lost_somewhere |= lost > 0.0;
    }
    assert!(
        lost_somewhere,
        "lost value is reported although not in the TCO"
    );
    let s = Csv::read(&out.join("summary.csv"));
    for r in 0..s.rows.len() {
        for (total, cash) in [
            ("mean", "mean_cash"),
            ("p10", "p10_cash"),
            ("p50", "p50_cash"),
            ("p90", "p90_cash"),
            ("prob_cheapest", "p_cheapest_cash"),
        ] {
            assert_eq!(
                s.text(r, total),
                s.text(r, cash),
                "row {r}: {total} = {cash}"
            );
        }
    }
}

#[test]
fn run_without_scenario_uses_builtin_default_in_current_dir() {
    let tmp = tmp();
    let a = tcosim()
        .current_dir(tmp.path())
        .args(["run", "--trials", "200"])
        .assert()
        .success();
    let stdout = stdout_of(&a);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let dir = tmp.path().join("results").join("default");
    assert_eq!(entries(&dir), names(&RESULT_FILES));
    // Status on stderr, data on stdout.
    assert!(
        stderr.contains("Simulating 200 trials x 4 strategies x 36 months"),
        "{stderr}"
    );
    assert!(
        stderr.contains("to results/default in"),
        "the results path: {stderr}"
    );
    assert!(!stdout.contains("Simulating") && !stdout.contains("Wrote "));
    assert!(
        stdout.contains("P(cheapest)"),
        "the summary table header: {stdout}"
    );
    // The table shows the total and the cash side by side, in 80 columns,
    // with the definitions under it.
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("median"))
        .take_while(|l| !l.starts_with("Wrote"))
        .collect();
    assert!(
        table[1].starts_with("strategy") && table[1].contains("total") && table[1].contains("cash"),
        "{stdout}"
    );
    for l in &table {
        assert!(l.chars().count() <= 80, "wider than 80 columns: `{l}`");
    }
    for sentence in [
        "Cash: what the strategy pays",
        "Lost value: business value lost to degradation and delay.",
        "Total = cash + lost value.",
    ] {
        assert!(stdout.contains(sentence), "`{sentence}`: {stdout}");
    }
    for s in expected(&shipped("default")).strategies {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&s) && l.ends_with('%')),
            "a table row for {s}: {stdout}"
        );
    }
    assert_eq!(
        manifest(&dir)["scenario_file"],
        "<built-in default scenario>"
    );
    // The built-in scenario is scenarios/default.toml: same hash, same results.
    check_results(&dir, &shipped("default"), 200);
    let file_run = tmp.path().join("from-file");
    run_into(Some(&shipped("default")), &file_run, &["--trials", "200"]);
    assert_eq!(csv_bytes(&dir), csv_bytes(&file_run));
}

#[test]
fn results_do_not_depend_on_threads_but_on_seed() {
    // Only the CSV files are compared: no charts.
    let tmp = tmp();
    let default = shipped("default");
    let dir = |n: &str| tmp.path().join(n);
    run_into(
        Some(&default),
        &dir("t1"),
        &["--trials", "500", "--threads", "1", "--charts", "none"],
    );
    run_into(
        Some(&default),
        &dir("t2"),
        &["--trials", "500", "--threads", "2", "--charts", "none"],
    );
    run_cmd(
        Some(&default),
        &dir("env"),
        &["--trials", "500", "--charts", "none"],
    )
    .env("RAYON_NUM_THREADS", "2")
    .assert()
    .success();
    assert_eq!(manifest(&dir("t1"))["threads"], 1);
    assert_eq!(manifest(&dir("t2"))["threads"], 2);
    assert_eq!(
        manifest(&dir("env"))["threads"],
        2,
        "RAYON_NUM_THREADS is honoured"
    );
    let one = csv_bytes(&dir("t1"));
    assert!(
        one == csv_bytes(&dir("t2")),
        "--threads 1 and --threads 2 differ"
    );
    assert!(
        one == csv_bytes(&dir("env")),
        "--threads 1 and RAYON_NUM_THREADS=2 differ"
    );

    run_into(
        Some(&default),
        &dir("s"),
        &[
            "--trials",
            "500",
            "--threads",
            "2",
            "--seed",
            "1",
            "--charts",
            "none",
        ],
    );
    let trials = |n: &str| fs::read(dir(n).join("trials.csv")).expect("trials.csv");
    assert!(
        trials("t1") != trials("s"),
        "another seed gives other trials"
    );
}

#[test]
fn run_flags_override_the_file() {
    let tmp = tmp();
    let out = tmp.path().join("x");
    let flags = ["--trials", "200", "--horizon", "12", "--seed", "99"];
    run_into(Some(&shipped("default")), &out, &flags);
    let exp = expected(&shipped("default"));
    assert_ne!(
        exp.horizon, 12,
        "the file must say otherwise for this test to mean anything"
    );
    assert_ne!(exp.seed, 99);
    let m = manifest(&out);
    assert_eq!(m["horizon_months"], 12);
    assert_eq!(m["seed"], 99);
    assert_eq!(m["trials"], 200);
    let summary = check_summary(&out, &exp.strategies, 200);
    check_monthly(&out, &exp.strategies, 12, &summary);
}

#[test]
fn run_on_broken_file_keeps_earlier_results() {
    let tmp = tmp();
    let out = tmp.path().join("x");
    run_into(Some(&shipped("default")), &out, &["--trials", "200"]);
    let before = snapshot(&out);
    let broken = fixture("bad-p90.toml");
    run_cmd(Some(&broken), &out, &["--trials", "200"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-p90.toml:31:57: engagements.freelancer.hourly_rate.p90",
        ));
    assert!(snapshot(&out) == before, "the earlier results changed");
    // A failed run into a new directory creates nothing.
    run_cmd(Some(&broken), &tmp.path().join("fresh"), &[])
        .assert()
        .code(2);
    assert_eq!(
        entries(tmp.path()),
        names(&["x"]),
        "no temporary directory is left"
    );
}

#[test]
fn run_twice_into_same_dir_replaces_results() {
    let tmp = tmp();
    let out = tmp.path().join("x");
    let default = shipped("default");
    run_into(Some(&default), &out, &["--trials", "200", "--seed", "1"]);
    let first = snapshot(&out);
    run_into(Some(&default), &out, &["--trials", "200", "--seed", "2"]);
    assert!(
        snapshot(&out)["trials.csv"] != first["trials.csv"],
        "trials.csv was not replaced"
    );
    assert_eq!(manifest(&out)["seed"], 2);
    let reference = tmp.path().join("ref");
    run_into(
        Some(&default),
        &reference,
        &["--trials", "200", "--seed", "2"],
    );
    assert!(
        csv_bytes(&out) == csv_bytes(&reference),
        "the second run's results are whole"
    );
    assert_eq!(
        entries(&out),
        names(&[&RESULT_FILES[..], &["previous"]].concat()),
        "the results and, in previous/, the run they replaced"
    );
    assert_eq!(
        entries(tmp.path()),
        names(&["x", "ref"]),
        "no temporary directory is left"
    );
}

#[test]
fn run_rejects_bad_flags_before_writing_anything() {
    let tmp = tmp();
    for (flag, value) in [
        ("--trials", "0"),
        ("--trials", "many"),
        ("--horizon", "0"),
        ("--threads", "0"),
    ] {
        tcosim()
            .current_dir(tmp.path())
            .args(["run", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "invalid value '{value}' for '{flag}"
            )));
    }
    assert!(
        entries(tmp.path()).is_empty(),
        "a rejected run wrote something"
    );

    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "keep me").expect("a file");
    run_cmd(None, &file, &["--trials", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "the output path `{}` exists and is not a directory",
            file.display()
        )));
    assert_eq!(fs::read_to_string(&file).expect("the file"), "keep me");
    assert_eq!(entries(tmp.path()), names(&["not-a-dir"]));
}

#[test]
fn run_on_missing_file_suggests_init() {
    let tmp = tmp();
    let missing = tmp.path().join("nope.toml");
    run_cmd(Some(&missing), &tmp.path().join("x"), &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml: no such file"))
        .stderr(predicate::str::contains("tcosim init"));
    assert!(entries(tmp.path()).is_empty());
}

// -------------------------------------------------------------- validate

#[test]
fn validate_accepts_shipped_scenarios() {
    let files: Vec<PathBuf> = SHIPPED.iter().map(|s| shipped(s)).collect();
    let expected: String = files
        .iter()
        .map(|f| format!("{}: ok\n", f.display()))
        .collect();
    tcosim()
        .arg("validate")
        .args(&files)
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
}

/// What `validate` must say about a broken scenario file: each problem's
/// `line:col` and key path (empty for a whole-file problem), and phrases
/// saying what is wrong and what would be valid.
///
/// For a fixture `NAME.toml` it is read from `NAME.expected` beside it, one
/// line each: `at LINE:COL KEY` for a problem (`at LINE:COL` for a
/// whole-file one; every problem is listed, as the count is checked too) and
/// `says TEXT` for a phrase stderr must contain, verbatim to the end of the
/// line. Blank lines and lines starting with `#` are ignored.
struct Broken {
    problems: Vec<(String, String)>,
    phrases: Vec<String>,
}

impl Broken {
    /// Parses an expectation file's text; an error names the line.
    fn parse(text: &str) -> Result<Broken, String> {
        let mut b = Broken {
            problems: Vec::new(),
            phrases: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let bad = |why: &str| format!("line {}: {why}: `{line}`", i + 1);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if line.ends_with(char::is_whitespace) {
                return Err(bad("trailing whitespace (invisible, so not allowed)"));
            }
            if let Some(rest) = line.strip_prefix("at ") {
                let (at, key) = rest.split_once(' ').unwrap_or((rest, ""));
                let position = at.split_once(':').filter(|(l, c)| {
                    [l, c]
                        .iter()
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                });
                if position.is_none() {
                    return Err(bad("expected `at LINE:COL [KEY]`"));
                }
                b.problems.push((at.to_string(), key.to_string()));
            } else if let Some(phrase) = line.strip_prefix("says ") {
                b.phrases.push(phrase.to_string());
            } else {
                return Err(bad("expected a line starting with `at ` or `says `"));
            }
        }
        if b.problems.is_empty() || b.phrases.is_empty() {
            return Err("needs at least one `at` line and one `says` line".to_string());
        }
        Ok(b)
    }

    /// The expectation beside fixture `NAME.toml`, from `NAME.expected`.
    fn of_fixture(toml: &str) -> Broken {
        let stem = toml.strip_suffix(".toml").expect("a .toml fixture");
        let path = fixture(&format!("{stem}.expected"));
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Broken::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// The `.toml` files of a fixtures directory, by name, if each is paired
/// with its expectation file; otherwise every `.toml` without a `.expected`,
/// `.expected` without a `.toml`, and other file.
fn paired_fixtures(dir: &Path) -> Result<Vec<String>, Vec<String>> {
    let all = entries(dir);
    let mut unpaired = Vec::new();
    for name in &all {
        let pair = if let Some(stem) = name.strip_suffix(".toml") {
            format!("{stem}.expected")
        } else if let Some(stem) = name.strip_suffix(".expected") {
            format!("{stem}.toml")
        } else {
            unpaired.push(format!(
                "{name}: neither a .toml fixture nor a .expected file"
            ));
            continue;
        };
        if !all.contains(&pair) {
            unpaired.push(format!("{name}: no {pair} beside it"));
        }
    }
    if unpaired.is_empty() {
        Ok(all.into_iter().filter(|n| n.ends_with(".toml")).collect())
    } else {
        Err(unpaired)
    }
}

/// The broken fixtures (`.toml` names), each paired with its expectation.
fn broken_fixtures() -> Vec<String> {
    let fixtures = paired_fixtures(&common::fixtures_dir())
        .unwrap_or_else(|e| panic!("tests/fixtures/broken/:\n{}", e.join("\n")));
    assert!(fixtures.len() >= 12, "only {} fixtures", fixtures.len());
    fixtures
}

/// Validates `path` and returns what is wrong with the output, if anything,
/// headed by the fixture's name and tcosim's stderr.
fn validate_failures(path: &Path, b: &Broken) -> Vec<String> {
    let out = tcosim()
        .arg("validate")
        .arg(path)
        .output()
        .expect("tcosim runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut wrong = Vec::new();
    if out.status.code() != Some(2) {
        wrong.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if !out.stdout.is_empty() {
        wrong.push(format!(
            "stdout not empty: {}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    let n = b.problems.len();
    let mut expect = vec![
        format!(
            "{} has {n} problem{}:\n",
            path.display(),
            if n == 1 { "" } else { "s" }
        ),
        "error: 1 of 1 scenario file failed validation".to_string(),
    ];
    for (at, key) in &b.problems {
        let key = if key.is_empty() {
            String::new()
        } else {
            format!(" {key}:")
        };
        expect.push(format!("{}:{at}:{key} ", path.display()));
    }
    expect.extend(b.phrases.iter().cloned());
    for e in expect {
        if !stderr.contains(&e) {
            wrong.push(format!("expected in stderr: `{e}`"));
        }
    }
    if !wrong.is_empty() {
        let file = path.file_name().expect("a file name").to_string_lossy();
        wrong.insert(0, format!("--- {file}:"));
        wrong.push(format!("got stderr:\n{stderr}"));
    }
    wrong
}

/// Validates fixture `file` against its expectation file.
fn assert_validate_reports(file: &str) -> Broken {
    let b = Broken::of_fixture(file);
    let wrong = validate_failures(&fixture(file), &b);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    b
}

#[test]
fn validate_reports_each_broken_fixture() {
    let wrong: Vec<String> = broken_fixtures()
        .iter()
        .flat_map(|f| validate_failures(&fixture(f), &Broken::of_fixture(f)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_fixture_is_tested() {
    // Each expectation beside a fixture parses (the walk above checks them).
    for f in broken_fixtures() {
        Broken::of_fixture(&f);
    }
    // A fixture or expectation without its pair, or a stray file, is refused.
    let tmp = tmp();
    let pairing = |files: &[&str]| {
        let dir = tmp.path().join(files.join("+"));
        fs::create_dir_all(&dir).expect("a directory");
        for f in files {
            fs::write(dir.join(f), "").expect("a file");
        }
        paired_fixtures(&dir)
    };
    assert_eq!(
        pairing(&["a.toml", "a.expected", "b.toml", "b.expected"]),
        Ok(vec!["a.toml".to_string(), "b.toml".to_string()])
    );
    for (files, says) in [
        (
            &["a.toml", "a.expected", "b.toml"][..],
            "b.toml: no b.expected",
        ),
        (
            &["a.toml", "a.expected", "b.expected"][..],
            "b.expected: no b.toml",
        ),
        (
            &["a.toml", "a.expected", "notes.txt"][..],
            "notes.txt: neither",
        ),
    ] {
        let err = pairing(files).expect_err(says);
        assert!(err.len() == 1 && err[0].starts_with(says), "{err:?}");
    }
}

#[test]
fn expectation_files_are_parsed_strictly() {
    let b = Broken::parse("# a comment\n\nat 3:1 a.b\nat 29:18\nsays did you mean `x`?\n")
        .expect("a valid expectation");
    assert_eq!(
        b.problems,
        [
            ("3:1".to_string(), "a.b".to_string()),
            ("29:18".to_string(), String::new())
        ]
    );
    assert_eq!(b.phrases, ["did you mean `x`?"]);
    for bad in [
        "",
        "at 3:1 a\n",
        "says x\n",
        "at 3:1 a\nsays x \n",
        "at 3 a\nsays x\n",
        "at 3:x a\nsays x\n",
        "at 3:1 a\nsay x\n",
        "at 3:1 a\nsays x\nproblem 4:1 b\n",
    ] {
        assert!(Broken::parse(bad).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn validate_reports_three_problems_of_one_file_at_once() {
    let b = assert_validate_reports("three-problems.toml");
    assert_eq!(b.problems.len(), 3);
}

#[test]
fn validate_lists_required_keys_of_an_empty_file() {
    assert!(
        fs::read_to_string(fixture("empty.toml"))
            .expect("empty.toml")
            .trim()
            .is_empty()
    );
    let b = assert_validate_reports("empty.toml");
    assert_eq!(b.problems.len(), 7);
}

#[test]
fn validate_rejects_non_utf8_with_its_position() {
    let tmp = tmp();
    let path = tmp.path().join("latin1.toml");
    fs::write(&path, b"# \xc3\x9cberblick\n\nname = \"Caf\xe9\"\n").expect("write");
    let b = Broken::parse("at 3:12\nsays the file is not valid UTF-8 text; save it as UTF-8\n")
        .expect("a valid expectation");
    let wrong = validate_failures(&path, &b);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn validate_rejects_a_directory() {
    let tmp = tmp();
    tcosim()
        .arg("validate")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{} is a directory, not a scenario file; give a .toml file",
            tmp.path().display()
        )));
}

#[test]
fn validate_checks_every_file_given() {
    let good = shipped("default");
    let bad = fixture("bad-p90.toml");
    tcosim()
        .arg("validate")
        .args([&good, &bad])
        .assert()
        .code(2)
        .stdout(format!("{}: ok\n", good.display()))
        .stderr(predicate::str::contains("bad-p90.toml:31:57:"))
        .stderr(predicate::str::contains(
            "1 of 2 scenario files failed validation",
        ));
}

// ------------------------------------------------------------ init, help

#[test]
fn init_writes_a_valid_scenario_and_never_overwrites() {
    let tmp = tmp();
    let path = tmp.path().join("s.toml");
    tcosim()
        .arg("init")
        .arg(&path)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "Wrote a starter scenario to {}.",
            path.display()
        )));
    tcosim()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stdout(format!("{}: ok\n", path.display()));
    let before = fs::read(&path).expect("the starter");
    tcosim()
        .arg("init")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists; tcosim init never overwrites",
        ));
    assert!(
        fs::read(&path).expect("the starter") == before,
        "init changed the file"
    );
}

#[test]
fn help_of_each_command_has_an_example() {
    for cmd in ["run", "validate", "init"] {
        tcosim()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"))
            .stdout(predicate::str::contains(format!("tcosim {cmd}")));
    }
}

/// A directory of the user's own: a file and a source folder.
fn users_own(dir: &Path) {
    fs::create_dir_all(dir.join("src")).expect("mkdir");
    fs::write(dir.join("thesis.txt"), "three years of work").expect("write");
    fs::write(dir.join("src/main.rs"), "fn main() {}").expect("write");
}

#[test]
fn out_never_replaces_a_directory_tcosim_did_not_write() {
    let tmp = tmp();
    let mine = tmp.path().join("my");
    users_own(&mine);
    let before = snapshot(&mine);
    let refused = |cmd: &mut assert_cmd::Command, what: &str| {
        let a = cmd.assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(
            err.contains("holds files tcosim did not write") && err.contains("thesis.txt"),
            "{what}: {err}"
        );
        assert_eq!(snapshot(&mine), before, "{what} changed the user's files");
    };
    refused(
        run_cmd(Some(&shipped("default")), &mine, &["--trials", "50"])
            .arg("--charts")
            .arg("none"),
        "run",
    );
    let a = tmp.path().join("a");
    run_into(
        Some(&shipped("default")),
        &a,
        &["--trials", "50", "--charts", "none"],
    );
    refused(
        tcosim()
            .arg("compare")
            .arg(&a)
            .arg(&a)
            .arg("--out")
            .arg(&mine),
        "compare",
    );
    refused(
        tcosim()
            .arg("sweep")
            .arg(shipped("default"))
            .args([
                "--set",
                "simulation.horizon_months=6,12",
                "--trials",
                "20",
                "--out",
            ])
            .arg(&mine),
        "sweep",
    );
    // A comparison never replaces a run's results, and a run never
    // replaces a comparison.
    let cmp = tmp.path().join("cmp");
    tcosim()
        .arg("compare")
        .arg(&a)
        .arg(&a)
        .args(["--charts", "none", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    tcosim()
        .arg("compare")
        .arg(&a)
        .arg(&a)
        .args(["--charts", "none", "--out"])
        .arg(&a)
        .assert()
        .code(2);
    run_cmd(Some(&shipped("default")), &cmp, &["--trials", "50"])
        .assert()
        .code(2);
    // An empty directory is fine.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    run_into(
        Some(&shipped("default")),
        &empty,
        &["--trials", "50", "--charts", "none"],
    );
    assert!(empty.join("summary.csv").is_file());
}

#[test]
fn merge_never_writes_over_one_of_its_shards() {
    let tmp = tmp();
    let shard = |i: u32| tmp.path().join(format!("s{i}"));
    for i in 1..=2 {
        run_into(
            Some(&shipped("default")),
            &shard(i),
            &[
                "--trials",
                "40",
                "--shard",
                &format!("{i}/2"),
                "--charts",
                "none",
            ],
        );
    }
    let before = snapshot(&shard(1));
    let a = tcosim()
        .arg("merge")
        .arg(shard(1))
        .arg(shard(2))
        .args(["--charts", "none", "--out"])
        .arg(shard(1))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("is one of the shards"), "{err}");
    assert_eq!(snapshot(&shard(1)), before);
}

#[test]
fn names_a_spreadsheet_would_evaluate_are_written_as_text_and_read_back_as_written() {
    // Strategy names that start like a formula (OWASP's list) and one that
    // starts with the quote the neutralising prefix uses.
    let evil = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1)",
    ];
    let mut text = tcosim::scenario::DEFAULT_SCENARIO.to_string();
    for (from, to) in [
        ("name = \"Freelance\"\n", evil[0]),
        ("name = \"Freelance on retainer\"", evil[1]),
        ("name = \"Dedicated engineer\"", evil[2]),
        ("name = \"Freelance, then hire\"", evil[3]),
    ] {
        assert!(text.contains(from), "{from}");
        let quoted = format!("name = {}", toml_string(to));
        let quoted = if from.ends_with('\n') {
            quoted + "\n"
        } else {
            quoted
        };
        text = text.replacen(from, &quoted, 1);
    }
    let dir = tmp();
    let scenario = dir.path().join("evil.toml");
    fs::write(&scenario, text).expect("write");
    let out = dir.path().join("out");
    run_into(
        Some(&scenario),
        &out,
        &["--trials", "200", "--charts", "svg"],
    );
    let summary = Csv::read(&out.join("summary.csv"));
    let written: Vec<String> = evil.iter().map(|n| format!("'{n}")).collect();
    assert_eq!(summary.column("strategy"), written);
    let trials = Csv::read(&out.join("trials.csv"));
    assert!(
        trials
            .column("strategy")
            .iter()
            .all(|s| s.starts_with('\''))
    );
    for file in ["comparison.csv", "crossover.csv"] {
        let raw = fs::read_to_string(out.join(file)).expect(file);
        for line in raw.lines().skip(1) {
            for cell in line.split(',') {
                assert!(
                    !cell.starts_with(['=', '+', '@']),
                    "{file}: a cell starts like a formula: {line}"
                );
            }
        }
    }
    // Redrawn from the files, the report shows the names as written.
    tcosim().arg("charts").arg(&out).assert().success();
    let report = fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("@SUM(1)")
            && !report.contains("&#39;@SUM(1)")
            && !report.contains("'@SUM(1)")
    );
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn a_name_with_escape_sequences_never_reaches_the_terminal_raw() {
    let a = tcosim()
        .arg("validate")
        .arg(fixture("name-escape-sequence.toml"))
        .assert()
        .code(2);
    let out = a.get_output();
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !stream.contains(&0x1b) && !stream.contains(&0x07),
            "raw control bytes printed"
        );
    }
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let out = tcosim().arg("--version").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    let rest = text
        .strip_prefix(&format!("tcosim {}", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("version line: {text:?}"));
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        // Built from this checkout: the commit it was built from. (A commit
        // made since the last build would differ; cargo test builds first.)
        Some(commit) => assert_eq!(rest, format!(" (commit {commit})\n")),
        None => assert_eq!(rest, "\n"),
    }
}
