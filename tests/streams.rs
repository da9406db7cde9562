//! Standard output and standard error of the real binary: data on stdout,
//! status on stderr; a closed pipe ends a command quietly with its results
//! in place; an unwritable stdout is one clear error; NO_COLOR; and the
//! JSON documents of `--format json`, checked against the CSV files.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::cargo::cargo_bin;
use common::{Csv, entries, manifest, run_into, shipped, tcosim, tmp};
use serde_json::Value;

/// Fast settings for every run here.
const FAST: [&str; 8] = [
    "--trials",
    "200",
    "--horizon",
    "12",
    "--charts",
    "none",
    "--threads",
    "1",
];

/// `tcosim run --out <out> FAST <extra>` as a plain std command.
fn run_command(out: &Path, extra: &[&str]) -> StdCommand {
    let mut c = StdCommand::new(cargo_bin("tcosim"));
    c.arg("run").arg("--out").arg(out).args(FAST).args(extra);
    c
}

/// `tcosim sweep` of the proof-of-concept scenario over two horizons, into
/// `out`, as a plain std command.
fn sweep_command(out: &Path, extra: &[&str]) -> StdCommand {
    let mut c = StdCommand::new(cargo_bin("tcosim"));
    c.arg("sweep")
        .arg(shipped("proof-of-concept"))
        .args(["--set", "simulation.horizon_months=6,9", "--trials", "100"])
        .args(["--charts", "none", "--threads", "1", "--out"])
        .arg(out)
        .args(extra);
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file the manifest lists is in the directory: the run is whole.
fn assert_complete(dir: &Path) {
    let m = manifest(dir);
    let listed: Vec<&str> = m["files"]
        .as_array()
        .expect("the manifest lists its files")
        .iter()
        .map(|f| f.as_str().expect("a file name"))
        .collect();
    assert!(listed.contains(&"summary.csv") && listed.contains(&"trials.csv"));
    let present = entries(dir);
    for f in listed {
        let name = f.trim_end_matches('/');
        assert!(present.contains(name), "{f} missing from {}", dir.display());
    }
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "a panic: {stderr}"
    );
}

/// Runs a command whose stdout is a pipe closed before it prints anything
/// (the reader is gone, as with `| head -0`, or `| head -1` once head has
/// its line); returns its output (stdout empty).
fn with_closed_pipe(mut cmd: StdCommand) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tcosim");
    // Close the read end now: every command here simulates before it
    // prints, so its first write meets a broken pipe.
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for tcosim")
}

#[test]
fn a_closed_pipe_ends_run_quietly_with_the_results_in_place() {
    let t = tmp();
    let out = t.path().join("r");
    for format in ["text", "json"] {
        let done = with_closed_pipe(run_command(&out, &["--format", format]));
        let stderr = text(&done.stderr);
        assert_eq!(done.status.code(), Some(0), "{format}: {stderr}");
        assert_no_panic(&stderr);
        assert!(!stderr.contains("error"), "{format}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
        assert_complete(&out);
    }
}

#[test]
fn a_closed_pipe_ends_sweep_compare_and_validate_quietly() {
    let t = tmp();
    let done = with_closed_pipe(sweep_command(&t.path().join("sw"), &[]));
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert_no_panic(&text(&done.stderr));
    assert!(t.path().join("sw/sweep.csv").is_file());

    let (a, b) = (t.path().join("a"), t.path().join("b"));
    run_into(None, &a, &FAST);
    run_into(None, &b, &[&FAST[..], &["--seed", "7"]].concat());
    let mut compare = StdCommand::new(cargo_bin("tcosim"));
    compare
        .arg("compare")
        .args([&a, &b])
        .args(["--charts", "none", "--out"])
        .arg(t.path().join("cmp"));
    let done = with_closed_pipe(compare);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert_no_panic(&text(&done.stderr));
    assert!(t.path().join("cmp/compare.csv").is_file());

    let mut validate = StdCommand::new(cargo_bin("tcosim"));
    validate.arg("validate").arg(shipped("default"));
    let done = with_closed_pipe(validate);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert_eq!(text(&done.stderr), "");
}

#[test]
fn a_closed_pipe_ends_watch_after_its_first_run() {
    let t = tmp();
    let file = t.path().join("s.toml");
    fs::copy(shipped("default"), &file).unwrap();
    let out = t.path().join("res");
    let mut child = StdCommand::new(cargo_bin("tcosim"))
        .arg("watch")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--trials", "200", "--horizon", "12", "--threads", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn watch");
    drop(child.stdout.take());
    // Generous: the machine may be busy with other builds.
    let limit = std::time::Duration::from_secs(120);
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("watch did not end when its standard output was closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let done = child.wait_with_output().unwrap();
    let stderr = text(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    assert_no_panic(&stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert_complete(&out);
    assert!(t.path().join("res.watch.html").is_file());
}

#[test]
fn an_unwritable_stdout_is_one_clear_error_and_the_results_stay() {
    let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full on this system");
        return;
    };
    let t = tmp();
    let out = t.path().join("r");
    let done = run_command(&out, &[])
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .expect("run tcosim");
    let stderr = text(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    assert_no_panic(&stderr);
    let expected = format!("; the results are in {}", out.display());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one message: {stderr}");
    assert!(
        errors[0].starts_with("error: cannot write to standard output: ")
            && errors[0].ends_with(&expected),
        "{stderr}"
    );
    assert_complete(&out);
}

#[test]
fn stdout_holds_the_data_and_stderr_the_status() {
    let t = tmp();
    let out = t.path().join("r");
    let done = run_command(&out, &[]).output().expect("run");
    assert!(done.status.success());
    let (stdout, stderr) = (text(&done.stdout), text(&done.stderr));
    for data in ["P(cheapest)", "Verdict: "] {
        assert!(stdout.contains(data), "{data} not on stdout: {stdout}");
        assert!(!stderr.contains(data), "{data} on stderr: {stderr}");
    }
    // Standard output starts with the table: `| head -2` is its header.
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("strategy ")),
        "stdout does not start with the table's header: {stdout}"
    );
    for status in ["Scenario: ", "Simulating 200 trials", "Wrote "] {
        assert!(stderr.contains(status), "{status} not on stderr: {stderr}");
        assert!(!stdout.contains(status), "{status} on stdout: {stdout}");
    }

    // validate: the verdict per file on stdout, nothing on stderr.
    let v = tcosim()
        .arg("validate")
        .arg(shipped("default"))
        .output()
        .unwrap();
    assert_eq!(
        text(&v.stdout),
        format!("{}: ok\n", shipped("default").display())
    );
    assert_eq!(text(&v.stderr), "");

    // init and charts print status only.
    let init = tcosim()
        .arg("init")
        .arg(t.path().join("s.toml"))
        .output()
        .unwrap();
    assert!(init.status.success());
    assert_eq!(text(&init.stdout), "");
    assert!(text(&init.stderr).contains("Wrote a starter scenario"));
    let charts = tcosim()
        .args(["charts", "--charts", "none"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(charts.status.success(), "{}", text(&charts.stderr));
    assert_eq!(text(&charts.stdout), "");
    assert!(text(&charts.stderr).contains("Drew the charts"));

    // sweep: where the best strategy changes on stdout, status on stderr.
    let sw = sweep_command(&t.path().join("sw"), &[]).output().unwrap();
    assert!(sw.status.success(), "{}", text(&sw.stderr));
    let statement = fs::read_to_string(t.path().join("sw/sweep.txt")).unwrap();
    assert_eq!(text(&sw.stdout), statement);
    assert!(text(&sw.stderr).contains("Sweeping") && text(&sw.stderr).contains("Wrote"));
}

#[test]
fn no_color_turns_off_every_escape_sequence() {
    // CLICOLOR_FORCE makes clap style its help even into a pipe, so the
    // test sees what a terminal would get; NO_COLOR must still win.
    let help = |no_color: bool| {
        let mut c = tcosim();
        c.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        c.arg("--help").output().unwrap()
    };
    assert!(
        text(&help(false).stdout).contains('\u{1b}'),
        "styled help expected with CLICOLOR_FORCE"
    );
    assert!(!text(&help(true).stdout).contains('\u{1b}'));
    let mistake = tcosim()
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["run", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(mistake.status.code(), Some(2));
    assert!(!text(&mistake.stderr).contains('\u{1b}'));
    // What tcosim prints itself carries no escape sequence at all.
    let t = tmp();
    let done = run_command(&t.path().join("r"), &[])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(done.status.success());
    assert!(!text(&done.stdout).contains('\u{1b}') && !text(&done.stderr).contains('\u{1b}'));
}

/// Parses stdout as exactly one JSON document of `kind`, version 1.
fn document(stdout: &[u8], kind: &str) -> Value {
    let doc: Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", text(stdout)));
    assert_eq!(doc["format"], format!("tcosim-{kind}"));
    assert_eq!(doc["version"], 1);
    doc
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn run_json_has_the_figures_of_summary_csv_and_the_verdict() {
    let t = tmp();
    let out = t.path().join("r");
    let done = run_command(&out, &["--format", "json"]).output().unwrap();
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(text(&done.stderr).contains("Wrote "));
    let doc = document(&done.stdout, "run");
    assert_eq!(doc["output_dir"], out.display().to_string());
    assert_eq!(doc["trials"], 200);
    assert_eq!(doc["horizon_months"], 12);
    assert_eq!(doc["files"], manifest(&out)["files"]);
    let csv = Csv::read(&out.join("summary.csv"));
    let strategies = doc["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), csv.rows.len());
    for (i, s) in strategies.iter().enumerate() {
        assert_eq!(s["strategy"], csv.text(i, "strategy"));
        assert_eq!(s["strategy_id"], csv.text(i, "strategy_id"));
        for (field, column) in [
            ("p50", "p50"),
            ("mean", "mean"),
            ("p90", "p90"),
            ("prob_cheapest", "prob_cheapest"),
        ] {
            assert_eq!(num(&s[field]), csv.num(i, column), "{field} of row {i}");
        }
        assert_eq!(num(&s["cash"]["p50"]), csv.num(i, "p50_cash"));
        assert_eq!(num(&s["lost_value"]["mean"]), csv.num(i, "mean_lost_value"));
        assert_eq!(
            num(&s["mean_by_category"]["build"]),
            csv.num(i, "mean_build")
        );
    }
    // The verdict: the terminal's sentences, and the facts they rest on.
    let facts = &doc["verdict"]["facts"];
    let lowest = (0..csv.rows.len())
        .min_by(|&a, &b| csv.num(a, "p50").total_cmp(&csv.num(b, "p50")))
        .unwrap();
    assert_eq!(facts["lowest_median"][0], csv.text(lowest, "strategy"));
    assert_eq!(
        facts["ranking_by_median"][0]["strategy"],
        csv.text(lowest, "strategy")
    );
    assert!(!doc["verdict"]["sentences"].as_array().unwrap().is_empty());
    let sentences = doc["verdict"]["brief"].as_array().unwrap();
    let plain = run_command(&t.path().join("r2"), &[]).output().unwrap();
    let terminal = text(&plain.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!sentences.is_empty());
    for s in sentences {
        let words = s
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(terminal.contains(&words), "`{words}` not in\n{terminal}");
    }
    let pair = &facts["contenders"];
    assert!(pair["a"].is_string() && pair["b"].is_string(), "{pair}");
    let d = &pair["a_minus_b"];
    assert!(num(&d["ci95_low"]) <= num(&d["mean"]) && num(&d["mean"]) <= num(&d["ci95_high"]));
    assert_eq!(doc["previous"], Value::Null);

    // A re-run says what changed against the run it replaced.
    let again = run_command(&out, &["--format", "json", "--seed", "5"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
    let doc = document(&again.stdout, "run");
    let prev = &doc["previous"];
    assert_eq!(prev["against"], "previous");
    assert_eq!(prev["runs"].as_array().unwrap().len(), 2);
    let settings = prev["differences"][0]["settings"].as_array().unwrap();
    assert!(
        settings
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("seed ")),
        "{prev}"
    );
}

#[test]
fn validate_reads_stdin_and_reports_problems_as_json() {
    let good = fs::read_to_string(shipped("default")).unwrap();
    let at = good
        .lines()
        .position(|l| l == "[project]")
        .expect("[project]")
        + 2;
    let bad = good.replacen("[project]\n", "[project]\nbogus = 1\n", 1);
    let validate = |input: &str, extra: &[&str]| {
        let mut child = StdCommand::new(cargo_bin("tcosim"))
            .args(["validate", "-"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = validate(&good, &[]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "<stdin>: ok\n");

    let plain = validate(&bad, &[]);
    assert_eq!(plain.status.code(), Some(2));
    assert!(
        text(&plain.stderr).contains(&format!("<stdin>:{at}:1: project.bogus: unknown key")),
        "{}",
        text(&plain.stderr)
    );

    let json = validate(&bad, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    let doc = document(&json.stdout, "validate");
    assert_eq!(doc["ok"], false);
    let file = &doc["files"][0];
    assert_eq!(file["file"], "<stdin>");
    assert_eq!(file["ok"], false);
    let problems = file["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{file}");
    assert_eq!(problems[0]["line"], at);
    assert_eq!(problems[0]["column"], 1);
    assert_eq!(problems[0]["key"], "project.bogus");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown key")
    );

    // A valid file with warnings, and a missing one, in one document.
    let t = tmp();
    let warned = t.path().join("w.toml");
    fs::write(
        &warned,
        good.replace("horizon_months = 36", "horizon_months = 2"),
    )
    .unwrap();
    let both = tcosim()
        .arg("validate")
        .arg(&warned)
        .arg(t.path().join("missing.toml"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    let doc = document(&both.stdout, "validate");
    assert_eq!(doc["files"][0]["ok"], true);
    assert!(
        !doc["files"][0]["warnings"].as_array().unwrap().is_empty(),
        "{doc}"
    );
    assert_eq!(doc["files"][1]["ok"], false);
    assert_eq!(doc["files"][1]["problems"][0]["line"], Value::Null);
}

#[test]
fn compare_json_has_the_rows_of_compare_csv_and_the_changes() {
    let t = tmp();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    run_into(None, &a, &FAST);
    run_into(None, &b, &[&FAST[..], &["--seed", "7"]].concat());
    let out = t.path().join("cmp");
    let done = tcosim()
        .arg("compare")
        .args([&a, &b])
        .args(["--charts", "none", "--format", "json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", text(&done.stderr));
    let doc = document(&done.stdout, "compare");
    let csv = Csv::read(&out.join("compare.csv"));
    let rows: Vec<&Value> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["strategies"].as_array().unwrap())
        .collect();
    assert_eq!(rows.len(), csv.rows.len());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["strategy"], csv.text(i, "strategy"));
        for field in ["mean", "p50", "p90", "p50_change"] {
            assert_eq!(num(&r[field]), csv.num(i, field), "{field} of row {i}");
        }
    }
    let d = &doc["differences"][0];
    assert_eq!(d["run"], "b");
    assert_eq!(d["settings"][0], "seed 20261125 → 7");
    assert!(d["scenario"].as_array().unwrap().is_empty());
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .contains(&Value::from("compare.csv"))
    );
}

#[test]
fn sweep_json_has_every_point_of_sweep_csv() {
    let t = tmp();
    let out = t.path().join("sw");
    let done = sweep_command(&out, &["--format", "json"]).output().unwrap();
    assert!(done.status.success(), "{}", text(&done.stderr));
    let doc = document(&done.stdout, "sweep");
    assert_eq!(doc["keys"][0], "simulation.horizon_months");
    let csv = Csv::read(&out.join("sweep.csv"));
    let rows: Vec<(f64, &Value)> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let v = num(&p["values"]["simulation.horizon_months"]);
            p["strategies"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |s| (v, s))
        })
        .collect();
    assert_eq!(rows.len(), csv.rows.len());
    for (i, (v, s)) in rows.iter().enumerate() {
        assert_eq!(*v, csv.num(i, "simulation.horizon_months"));
        assert_eq!(s["strategy"], csv.text(i, "strategy"));
        for field in ["mean", "p10", "p50", "p90", "prob_cheapest"] {
            assert_eq!(num(&s[field]), csv.num(i, field), "{field} of row {i}");
        }
    }
    let statement = fs::read_to_string(out.join("sweep.txt")).unwrap();
    assert_eq!(doc["statement"], statement.trim_end());
}
