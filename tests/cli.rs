//! End-to-end tests of the `tcosim` binary: the three commands, the files a
//! run writes and what they must satisfy, determinism, how results are
//! replaced, exit codes, and the messages for broken scenario files (the
//! fixtures in `tests/fixtures/broken/`, each a small complete scenario with
//! one deliberate mistake unless its first-line comment says otherwise).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The shipped scenarios, by file stem.
const SHIPPED: [&str; 3] = ["default", "proof-of-concept", "core-product"];

const SUMMARY_HEADER: &str = "strategy,trials,mean,sd,sem,p5,p10,p25,p50,p75,p90,p95,cvar95,min,max,prob_cheapest,mean_build,mean_roadmap,mean_maintenance,mean_remediation,mean_rework,mean_context,mean_idle,mean_hiring,mean_degradation,mean_delay,mean_unfinished";
const TRIALS_HEADER: &str = "trial,strategy,total,build,roadmap,maintenance,remediation,rework,context,idle,hiring,degradation,delay,unfinished,launch_month,retired,months_degraded,handovers,hires,engagements,context_lost";
const MONTHLY_HEADER: &str = "strategy,month,mean,p10,p50,p90";

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
/// Rounding allowance per money value written with two decimals.
const CENT_TOLERANCE: f64 = 0.02;
/// Summary columns that must be in non-decreasing order.
const ORDERED: [&str; 9] = ["min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max"];
/// Every file of a result directory.
const RESULT_FILES: [&str; 12] = [
    "charts",
    "comparison.csv",
    "crossover.csv",
    "manifest.json",
    "monthly.csv",
    "precision.csv",
    "quality.csv",
    "report.html",
    "scenario.toml",
    "sensitivity.csv",
    "summary.csv",
    "trials.csv",
];
/// The result files that must not depend on the number of threads.
const CSV_FILES: [&str; 8] = [
    "summary.csv",
    "trials.csv",
    "monthly.csv",
    "quality.csv",
    "comparison.csv",
    "precision.csv",
    "crossover.csv",
    "sensitivity.csv",
];

// ---------------------------------------------------------------- helpers

fn tcosim() -> Command {
    Command::cargo_bin("tcosim").expect("the tcosim binary is built")
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn shipped(stem: &str) -> PathBuf {
    repo("scenarios").join(format!("{stem}.toml"))
}

fn fixture(name: &str) -> PathBuf {
    repo("tests/fixtures/broken").join(name)
}

fn tmp() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// `tcosim run [scenario] --out <out> --quiet <extra>`, not yet run.
fn run_cmd(scenario: Option<&Path>, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = tcosim();
    cmd.arg("run");
    if let Some(s) = scenario {
        cmd.arg(s);
    }
    cmd.arg("--out").arg(out).arg("--quiet").args(extra);
    cmd
}

/// Runs quietly into `out` and asserts success with nothing on stdout.
fn run_into(scenario: Option<&Path>, out: &Path, extra: &[&str]) {
    run_cmd(scenario, out, extra).assert().success().stdout("");
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).expect("UTF-8 stdout")
}

/// A CSV file: its header and rows, with access by column name.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let mut r = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        let header = r
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| {
                rec.expect("a well-formed row")
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn text(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    fn num(&self, row: usize, name: &str) -> f64 {
        let s = self.text(row, name);
        s.parse()
            .unwrap_or_else(|_| panic!("row {row} column {name}: `{s}` is not a number"))
    }

    /// A column's values, in row order.
    fn column(&self, name: &str) -> Vec<String> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].clone()).collect()
    }
}

fn manifest(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

/// Every file of a directory with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for n in entries(dir) {
        let path = dir.join(&n);
        if path.is_dir() {
            for (sub, bytes) in snapshot(&path) {
                out.insert(format!("{n}/{sub}"), bytes);
            }
        } else {
            out.insert(n, fs::read(path).expect("a readable file"));
        }
    }
    out
}

/// The bytes of the CSV files of a result directory.
fn csv_bytes(dir: &Path) -> Vec<Vec<u8>> {
    CSV_FILES
        .iter()
        .map(|f| fs::read(dir.join(f)).expect(f))
        .collect()
}

/// The names in a directory (temporary directories beside results included).
fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("a readable directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

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
    }
    assert_close(p_cheapest, 1.0, 1e-5, "prob_cheapest adds up to 1");
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
        business += costs[8] + costs[9] + costs[10];
        totals[r % n].push(total);
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
fn run_without_scenario_uses_builtin_default_in_current_dir() {
    let tmp = tmp();
    let a = tcosim()
        .current_dir(tmp.path())
        .args(["run", "--trials", "200"])
        .assert()
        .success();
    let stdout = stdout_of(&a);
    let dir = tmp.path().join("results").join("default");
    assert_eq!(entries(&dir), names(&RESULT_FILES));
    assert!(
        stdout.contains("Simulating 200 trials x 4 strategies x 36 months"),
        "{stdout}"
    );
    assert!(
        stdout.contains("to results/default in"),
        "the results path: {stdout}"
    );
    assert!(
        stdout.contains("P(cheapest)"),
        "the summary table header: {stdout}"
    );
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
    let tmp = tmp();
    let default = shipped("default");
    let dir = |n: &str| tmp.path().join(n);
    run_into(
        Some(&default),
        &dir("t1"),
        &["--trials", "500", "--threads", "1"],
    );
    run_into(
        Some(&default),
        &dir("t2"),
        &["--trials", "500", "--threads", "2"],
    );
    run_cmd(Some(&default), &dir("env"), &["--trials", "500"])
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
        &["--trials", "500", "--threads", "2", "--seed", "1"],
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
    assert_eq!(entries(&out), names(&RESULT_FILES));
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

/// A broken scenario file and what `validate` must say about it: each
/// problem's `line:col` and key path (empty for a whole-file problem), and
/// phrases saying what is wrong and what would be valid.
struct Broken {
    file: &'static str,
    problems: &'static [(&'static str, &'static str)],
    phrases: &'static [&'static str],
}

const BROKEN: &[Broken] = &[
    Broken {
        file: "misspelt-top-level.toml",
        problems: &[("3:1", "descripton")],
        phrases: &["did you mean `description`?"],
    },
    Broken {
        file: "misspelt-dist-key.toml",
        problems: &[
            ("10:23", "project.build_effort_months"),
            ("10:57", "project.build_effort_months.p09"),
        ],
        phrases: &[
            "did you mean `p90`?",
            "a lognormal distribution needs `p90`",
        ],
    },
    Broken {
        file: "misspelt-phase-key.toml",
        problems: &[
            ("41:11", "strategies[0].phases[0].engagement"),
            ("41:13", "strategies[0].phases[0].engagment"),
        ],
        phrases: &["did you mean `engagement`?"],
    },
    Broken {
        file: "misspelt-strategy-key.toml",
        problems: &[
            ("39:1", "strategies[0].phases"),
            ("41:1", "strategies[0].phase"),
        ],
        phrases: &["did you mean `phases`?"],
    },
    Broken {
        file: "unknown-distribution.toml",
        problems: &[("26:21", "drift.severity.dist")],
        phrases: &["did you mean \"beta\"?"],
    },
    Broken {
        file: "unknown-kind.toml",
        problems: &[("35:8", "engagements.engineer.kind")],
        phrases: &["valid: \"freelance\" (paid by the hour) or \"employee\" (paid a salary)"],
    },
    Broken {
        file: "key-of-other-kind.toml",
        problems: &[("33:1", "engagements.freelancer.annual_salary")],
        phrases: &["is a key of employee engagements, but `freelancer` is a freelance engagement"],
    },
    Broken {
        file: "absurd-trials.toml",
        problems: &[("6:10", "simulation.trials")],
        phrases: &["must be a whole number from 1 to 50000000, got 1000000000000"],
    },
    Broken {
        file: "absurd-horizon.toml",
        problems: &[("5:18", "simulation.horizon_months")],
        phrases: &["must be a whole number from 1 to 1200, got 100000"],
    },
    Broken {
        file: "missing-required.toml",
        problems: &[("34:14", "engagements.engineer.annual_salary")],
        phrases: &["`annual_salary` is required for an employee engagement"],
    },
    Broken {
        file: "until-missing.toml",
        problems: &[("46:3", "strategies[1].phases[0].until")],
        phrases: &["every phase but the last needs `until`"],
    },
    Broken {
        file: "until-month-zero.toml",
        problems: &[("46:50", "strategies[1].phases[0].until.month")],
        phrases: &["must be a whole number from 1 to 1200, got 0"],
    },
    Broken {
        file: "negative-cost.toml",
        problems: &[("31:15", "engagements.freelancer.hourly_rate")],
        phrases: &["must be an hourly rate from 0 to 10000000; got -5"],
    },
    Broken {
        file: "unbounded-normal-cost.toml",
        problems: &[("36:17", "engagements.engineer.annual_salary")],
        phrases: &["can take values from minus infinity to infinity (give the normal `min = 0`)"],
    },
    Broken {
        file: "section-not-table.toml",
        problems: &[("4:14", "simulation")],
        phrases: &["expected a table, found an integer"],
    },
    Broken {
        file: "scope-not-array.toml",
        problems: &[("30:9", "engagements.freelancer.scope")],
        phrases: &["expected an array of kinds of work"],
    },
    Broken {
        file: "boolean-wrong-type.toml",
        problems: &[("17:27", "business.include_business_impact")],
        phrases: &["expected true or false, found a string"],
    },
    Broken {
        file: "bad-p90.toml",
        problems: &[("31:57", "engagements.freelancer.hourly_rate.p90")],
        phrases: &["must be greater than the median (120), got 100"],
    },
    Broken {
        file: "triangular-mode.toml",
        problems: &[("14:67", "project.maintenance_per_month.mode")],
        phrases: &["must lie between min (0.1) and max (0.4), got 0.5"],
    },
    Broken {
        file: "uniform-min-max.toml",
        problems: &[("11:58", "project.target_launch_month.max")],
        phrases: &["must be at least min (8), got 4"],
    },
    Broken {
        file: "normal-sd-zero.toml",
        problems: &[("13:65", "project.traction_known_after_months.sd")],
        phrases: &[
            "must be above 0, got 0",
            "for a fixed value write the number itself",
        ],
    },
    Broken {
        file: "beta-alpha.toml",
        problems: &[("12:49", "project.traction_probability.alpha")],
        phrases: &["must be above 0, got 0"],
    },
    Broken {
        file: "discrete-weights.toml",
        problems: &[("21:74", "knowledge.full_context_months.weights")],
        phrases: &["weights must be 0 or more and add up to a positive number"],
    },
    Broken {
        file: "probability-above-one.toml",
        problems: &[("32:18", "engagements.freelancer.exit_per_month")],
        phrases: &["must be a probability or fraction between 0 and 1; got 1.5"],
    },
    Broken {
        file: "lognormal-probability.toml",
        problems: &[("12:24", "project.traction_probability")],
        phrases: &[
            "must be a probability or fraction between 0 and 1",
            "from 0 to infinity",
            "use a beta, triangular, pert, uniform or discrete distribution",
        ],
    },
    Broken {
        file: "nan.toml",
        problems: &[("22:32", "knowledge.productivity_at_zero_context")],
        phrases: &["must be a finite number (not inf or nan)"],
    },
    Broken {
        file: "inf.toml",
        problems: &[("17:71", "business.value_at_risk_per_month.p90")],
        phrases: &["must be a finite number (not inf or nan)"],
    },
    Broken {
        file: "misspelt-key.toml",
        problems: &[
            ("34:14", "engagements.engineer.annual_salary"),
            ("36:1", "engagements.engineer.anual_salary"),
        ],
        phrases: &[
            "unknown key `anual_salary` in an employee engagement; did you mean `annual_salary`?",
            "`annual_salary` is required for an employee engagement",
        ],
    },
    Broken {
        file: "wrong-type.toml",
        problems: &[("31:15", "engagements.freelancer.hourly_rate")],
        phrases: &[
            "expected a number, or a distribution such as",
            "found a string",
        ],
    },
    Broken {
        file: "missing-engagement.toml",
        problems: &[("47:18", "strategies[1].phases[1].engagement")],
        phrases: &["no engagement named \"contractor\"; defined: `freelancer`, `engineer`"],
    },
    Broken {
        file: "unknown-scope.toml",
        problems: &[("30:45", "engagements.freelancer.scope[3]")],
        phrases: &[
            "unknown kind of work \"maintainance\"; did you mean \"maintenance\"?",
            "valid kinds: `remediation`, `build`, `maintenance`, `roadmap`",
        ],
    },
    Broken {
        file: "extends-missing.toml",
        problems: &[("35:11", "engagements.freelancer_on_retainer.extends")],
        phrases: &[
            "no engagement named \"freelancr\"; defined: `freelancer`, `freelancer_on_retainer`, `engineer`",
        ],
    },
    Broken {
        file: "extends-cycle.toml",
        problems: &[
            ("35:11", "engagements.retainer_a.extends"),
            ("38:11", "engagements.retainer_b.extends"),
        ],
        phrases: &[
            "`extends` forms a cycle: retainer_a -> retainer_b -> retainer_a",
            "one of them must set its own `kind` instead",
        ],
    },
    Broken {
        file: "no-phases.toml",
        problems: &[("41:10", "strategies[0].phases")],
        phrases: &["a strategy needs at least one phase, e.g. phases = [{ engagement = "],
    },
    Broken {
        file: "until-on-last.toml",
        problems: &[("47:38", "strategies[1].phases[1].until")],
        phrases: &[
            "the last phase cannot have `until`",
            "remove it or add a phase after",
        ],
    },
    Broken {
        file: "duplicate-strategy.toml",
        problems: &[("44:8", "strategies[1].name")],
        phrases: &["duplicate strategy name \"Freelance\"; each strategy needs its own name"],
    },
    Broken {
        file: "horizon-zero.toml",
        problems: &[("5:18", "simulation.horizon_months")],
        phrases: &["must be a whole number from 1 to 1200, got 0"],
    },
    Broken {
        file: "trials-zero.toml",
        problems: &[("6:10", "simulation.trials")],
        phrases: &["must be a whole number from 1 to 50000000, got 0"],
    },
    Broken {
        file: "syntax.toml",
        problems: &[("29:18", "")],
        phrases: &["TOML syntax error: invalid basic string, expected `\"`"],
    },
];

const EMPTY: Broken = Broken {
    file: "empty.toml",
    problems: &[
        ("1:1", "project.build_effort_months"),
        ("1:1", "project.traction_probability"),
        ("1:1", "project.traction_known_after_months"),
        ("1:1", "knowledge.full_context_months"),
        ("1:1", "knowledge.productivity_at_zero_context"),
        ("1:1", "engagements"),
        ("1:1", "strategies"),
    ],
    phrases: &[
        "`build_effort_months` is required in [project]; for example build_effort_months = {",
        "`productivity_at_zero_context` is required in [knowledge]",
        "add at least one [engagements.NAME] table with kind = \"freelance\" or \"employee\"",
        "add at least one [[strategies]] with a name and phases",
    ],
};

const THREE_PROBLEMS: Broken = Broken {
    file: "three-problems.toml",
    problems: &[
        ("7:8", "simulation.seed"),
        ("37:22", "engagements.engineer.attrition_per_year"),
        ("46:40", "strategies[1].phases[0].until"),
    ],
    phrases: &[
        "must be a whole number from 0 to 9223372036854775807, got -7",
        "must be a probability or fraction between 0 and 1; got 1.2",
        "unknown condition \"tracton\"; valid: \"launch\", \"traction\" or { month = N }",
    ],
};

/// Validates `path` and returns what is wrong with the output, if anything.
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
        wrong.push(format!("stdout: {}", String::from_utf8_lossy(&out.stdout)));
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
    for (at, key) in b.problems {
        let key = if key.is_empty() {
            String::new()
        } else {
            format!(" {key}:")
        };
        expect.push(format!("{}:{at}:{key} ", path.display()));
    }
    expect.extend(b.phrases.iter().map(|p| p.to_string()));
    for e in expect {
        if !stderr.contains(&e) {
            wrong.push(format!("stderr lacks `{e}`"));
        }
    }
    if !wrong.is_empty() {
        wrong.insert(0, format!("{}:\n{stderr}", b.file));
    }
    wrong
}

fn assert_validate_reports(b: &Broken) {
    let wrong = validate_failures(&fixture(b.file), b);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn validate_reports_each_broken_fixture() {
    let wrong: Vec<String> = BROKEN
        .iter()
        .flat_map(|b| validate_failures(&fixture(b.file), b))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_fixture_is_tested() {
    let mut tested: BTreeSet<String> = BROKEN.iter().map(|b| b.file.to_string()).collect();
    tested.extend([EMPTY.file.to_string(), THREE_PROBLEMS.file.to_string()]);
    assert!(tested.len() >= 12);
    assert_eq!(entries(&repo("tests/fixtures/broken")), tested);
}

#[test]
fn validate_reports_three_problems_of_one_file_at_once() {
    assert_validate_reports(&THREE_PROBLEMS);
}

#[test]
fn validate_lists_required_keys_of_an_empty_file() {
    assert_validate_reports(&EMPTY);
}

#[test]
fn validate_rejects_non_utf8_with_its_position() {
    let tmp = tmp();
    let path = tmp.path().join("latin1.toml");
    fs::write(&path, b"# \xc3\x9cberblick\n\nname = \"Caf\xe9\"\n").expect("write");
    let b = Broken {
        file: "latin1.toml",
        problems: &[("3:12", "")],
        phrases: &["the file is not valid UTF-8 text; save it as UTF-8"],
    };
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
        .stdout(predicate::str::contains(format!(
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
