//! The edit-and-re-run loop: `compare` (the change table, every difference
//! of inputs and strategies, horizons refused, trial counts warned about,
//! compare.csv's change columns), a run against the previous run kept in
//! `<out>/previous/`, and `watch` (re-runs on save, errors shown in place,
//! Ctrl-C).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::{Csv, run_into, shipped, stdout_of, tcosim, tmp};

/// The default scenario with the freelancer's median rate set to `rate` and,
/// if `agency`, one more strategy, "Agency", placed before the others.
fn scenario(rate: u32, agency: bool) -> String {
    let text = fs::read_to_string(shipped("default")).expect("default scenario");
    let old = "hourly_rate = { dist = \"lognormal\", median = 120, p90 = 200 }";
    assert!(
        text.contains(old),
        "the default scenario's freelance rate moved"
    );
    let mut text = text.replacen(
        old,
        &format!("hourly_rate = {{ dist = \"lognormal\", median = {rate}, p90 = 200 }}"),
        1,
    );
    if agency {
        text = text.replacen(
            "[[strategies]]",
            "[[strategies]]\nname = \"Agency\"\nphases = [{ engagement = \"freelancer\" }]\n\n[[strategies]]",
            1,
        );
    }
    text
}

/// Writes `text` to `dir/name` and runs it quietly into `dir/out` with
/// `extra` options (300 trials unless `extra` says otherwise, no chart
/// files).
fn run_scenario(dir: &Path, name: &str, text: &str, out: &str, extra: &[&str]) -> PathBuf {
    let file = dir.join(name);
    fs::write(&file, text).expect("write the scenario");
    let out = dir.join(out);
    let mut args = vec!["--charts", "none", "--threads", "1"];
    if !extra.contains(&"--trials") {
        args.extend(["--trials", "300"]);
    }
    args.extend_from_slice(extra);
    run_into(Some(&file), &out, &args);
    out
}

/// `tcosim compare BEFORE AFTER --out OUT --charts none`: its stdout.
fn compare(before: &Path, after: &Path, out: &Path) -> String {
    let a = tcosim()
        .arg("compare")
        .args([before, after])
        .arg("--out")
        .arg(out)
        .args(["--charts", "none"])
        .assert()
        .success();
    stdout_of(&a)
}

/// The lines of `compare`'s "What differs" that list a difference.
fn difference_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| ["added", "removed", "changed"].contains(&w))
        })
        .collect()
}

/// A summary.csv by strategy: (strategy, mean, p50).
fn summary(dir: &Path) -> Vec<(String, f64, f64)> {
    let csv = Csv::read(&dir.join("summary.csv"));
    (0..csv.rows.len())
        .map(|i| {
            (
                csv.text(i, "strategy").to_string(),
                csv.num(i, "mean"),
                csv.num(i, "p50"),
            )
        })
        .collect()
}

#[test]
fn compare_lists_an_added_strategy_and_every_changed_input() {
    let t = tmp();
    let before = run_scenario(
        t.path(),
        "before.toml",
        &scenario(120, false),
        "before",
        &[],
    );
    let after = run_scenario(t.path(), "after.toml", &scenario(140, true), "after", &[]);
    let out = t.path().join("cmp");
    let text = compare(&before, &after, &out);
    assert!(
        text.contains("added    strategies.Agency: { name = \"Agency\", phases = [{ engagement = \"freelancer\" }] }"),
        "{text}"
    );
    assert!(
        text.contains("changed  engagements.freelancer.hourly_rate.median: 120 → 140"),
        "{text}"
    );
    // Nothing else differs.
    let listed = difference_lines(&text).len();
    assert_eq!(listed, 2, "{text}");
    // The table: the added strategy's row says so; a strategy in both runs
    // gets its change in dollars and percent.
    let agency_row = text
        .lines()
        .find(|l| l.trim_start().starts_with("after") && l.contains("added"))
        .unwrap_or_else(|| panic!("no row for the added strategy:\n{text}"));
    assert!(agency_row.contains("added"), "{agency_row}");
    let (b, a) = (summary(&before), summary(&after));
    let ded_b = b
        .iter()
        .find(|s| s.0 == "Dedicated engineer")
        .expect("in before");
    let ded_a = a
        .iter()
        .find(|s| s.0 == "Dedicated engineer")
        .expect("in after");
    let pct = 100.0 * (ded_a.2 - ded_b.2) / ded_b.2;
    assert!(
        text.contains(&format!("({pct:+.1}%)")),
        "the median change {pct:+.1}% is not shown:\n{text}"
    );
    // The report says the same.
    let report = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        report.contains("What changed against before"),
        "no change section"
    );
    assert!(
        report.contains("<code>strategies.Agency</code>"),
        "added strategy missing in the report"
    );
}

#[test]
fn compare_refuses_different_horizons_unless_allowed() {
    let t = tmp();
    let a = run_scenario(t.path(), "a.toml", &scenario(120, false), "a", &[]);
    let b = run_scenario(
        t.path(),
        "b.toml",
        &scenario(120, false),
        "b",
        &["--horizon", "48"],
    );
    let out = t.path().join("cmp");
    tcosim()
        .arg("compare")
        .args([&a, &b])
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "b covers 48 months and a covers 36: totals over different horizons are not comparable",
        ))
        .stderr(predicates::str::contains("--allow-different-horizons"));
    assert!(
        !out.exists(),
        "a refused comparison wrote {}",
        out.display()
    );
    let ok = tcosim()
        .arg("compare")
        .args([&a, &b])
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--allow-different-horizons"])
        .assert()
        .success()
        .stderr(predicates::str::contains("warning: b covers 48 months"));
    assert!(stdout_of(&ok).contains("run settings: horizon 36 → 48 months"));
    assert!(out.join("compare.csv").is_file());
}

#[test]
fn compare_warns_on_different_trial_counts_and_still_compares() {
    let t = tmp();
    let a = run_scenario(t.path(), "a.toml", &scenario(120, false), "a", &[]);
    let b = run_scenario(
        t.path(),
        "b.toml",
        &scenario(120, false),
        "b",
        &["--trials", "200"],
    );
    let out = t.path().join("cmp");
    let done = tcosim()
        .arg("compare")
        .args([&a, &b])
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "warning: b has 200 trials and a has 300: their Monte Carlo precision differs (the comparison is still valid)",
        ));
    let text = stdout_of(&done);
    assert!(text.contains("run settings: trials 300 → 200"), "{text}");
    assert!(text.contains("the scenario files are the same"), "{text}");
    // Same horizon: no horizon warning.
    assert!(!String::from_utf8_lossy(&done.get_output().stderr).contains("horizon"));
}

#[test]
fn compare_csv_has_change_columns_computed_from_the_summaries() {
    let t = tmp();
    let before = run_scenario(
        t.path(),
        "before.toml",
        &scenario(120, false),
        "before",
        &[],
    );
    let after = run_scenario(t.path(), "after.toml", &scenario(150, true), "after", &[]);
    let out = t.path().join("cmp");
    tcosim()
        .arg("compare")
        .args([&before, &after])
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--quiet"])
        .assert()
        .success()
        .stdout("");
    let csv = Csv::read(&out.join("compare.csv"));
    assert_eq!(
        csv.header,
        [
            "run",
            "strategy",
            "strategy_id",
            "mean",
            "p10",
            "p50",
            "p90",
            "mean_change",
            "mean_change_pct",
            "p50_change",
            "p50_change_pct"
        ]
    );
    let (b, a) = (summary(&before), summary(&after));
    assert_eq!(csv.rows.len(), b.len() + a.len());
    let close = |got: f64, want: f64, what: &str| {
        assert!((got - want).abs() <= 0.006, "{what}: {got} != {want}");
    };
    let mut checked = 0;
    for i in 0..csv.rows.len() {
        let (run, strategy) = (csv.text(i, "run"), csv.text(i, "strategy"));
        let base = b.iter().find(|s| s.0 == strategy);
        let this = if run == "before" { &b } else { &a };
        let this = this
            .iter()
            .find(|s| s.0 == strategy)
            .expect("a strategy of its run");
        match base {
            None => {
                assert_eq!((run, strategy), ("after", "Agency"));
                for c in [
                    "mean_change",
                    "mean_change_pct",
                    "p50_change",
                    "p50_change_pct",
                ] {
                    assert_eq!(csv.text(i, c), "", "{c} of the added strategy");
                }
            }
            Some(base) => {
                close(csv.num(i, "mean_change"), this.1 - base.1, "mean_change");
                close(csv.num(i, "p50_change"), this.2 - base.2, "p50_change");
                close(
                    csv.num(i, "mean_change_pct"),
                    100.0 * (this.1 - base.1) / base.1,
                    "mean_change_pct",
                );
                close(
                    csv.num(i, "p50_change_pct"),
                    100.0 * (this.2 - base.2) / base.2,
                    "p50_change_pct",
                );
                if run == "after" {
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, b.len(), "every strategy of the first run compared");
    // A dearer freelancer makes the freelance strategy dearer: the change is
    // not zero (the columns are not just copies of the first run's).
    let row = (0..csv.rows.len())
        .find(|&i| csv.text(i, "run") == "after" && csv.text(i, "strategy") == "Freelance")
        .expect("Freelance after");
    assert!(csv.num(row, "mean_change") > 0.0);
}

/// Copies a run directory (files and charts/) to `to`.
fn copy_run(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("list") {
        let e = e.expect("entry");
        if e.path().is_dir() {
            copy_run(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

#[test]
fn a_run_states_its_changes_against_the_run_kept_in_previous() {
    // `<out>/previous/` holds the run before a re-run (whole, with its own
    // layout); made here by copying a finished run into it.
    let t = tmp();
    let first = run_scenario(t.path(), "v1.toml", &scenario(120, false), "v1", &[]);
    let second = run_scenario(t.path(), "v2.toml", &scenario(160, true), "v2", &[]);
    copy_run(&first, &second.join("previous"));
    let text = tcosim::present::changes::against_previous(&second)
        .expect("previous/ is comparable")
        .expect("previous/ is there");
    assert!(
        text.starts_with("Changes against the previous run:"),
        "{text}"
    );
    assert!(
        text.contains("changed  engagements.freelancer.hourly_rate.median: 120 → 160"),
        "{text}"
    );
    assert!(text.contains("added    strategies.Agency"), "{text}");
    let (b, a) = (summary(&first), summary(&second));
    let fb = b.iter().find(|s| s.0 == "Freelance").expect("before");
    let fa = a.iter().find(|s| s.0 == "Freelance").expect("after");
    let pct = 100.0 * (fa.1 - fb.1) / fb.1;
    assert!(
        text.contains(&format!("({pct:+.1}%)")),
        "mean change {pct:+.1}% missing:\n{text}"
    );
    assert!(!text.contains("warning"), "{text}");

    // No previous/: nothing to say. A previous/ that is not a whole run (a
    // comparison's directory) is refused, not compared.
    assert!(
        tcosim::present::changes::against_previous(&first)
            .expect("ok")
            .is_none()
    );
    let cmp = t.path().join("cmp");
    tcosim()
        .arg("compare")
        .args([&first, &second])
        .arg("--out")
        .arg(&cmp)
        .args(["--charts", "none", "--quiet"])
        .assert()
        .success();
    fs::remove_dir_all(second.join("previous")).expect("rm");
    copy_run(&cmp, &second.join("previous"));
    fs::copy(
        first.join("summary.csv"),
        second.join("previous/summary.csv"),
    )
    .expect("copy");
    assert!(tcosim::present::changes::against_previous(&second).is_err());
}

#[test]
fn a_rerun_prints_its_changes_against_the_previous_run() {
    let t = tmp();
    let file = t.path().join("s.toml");
    let out = t.path().join("res");
    let args = ["--trials", "300", "--charts", "none", "--threads", "1"];
    fs::write(&file, scenario(120, false)).expect("write");
    tcosim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(args)
        .assert()
        .success();
    fs::write(&file, scenario(160, true)).expect("write");
    let done = tcosim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(args)
        .assert()
        .success();
    let text = stdout_of(&done);
    assert!(text.contains("Changes against the previous run:"), "{text}");
    assert!(
        text.contains("changed  engagements.freelancer.hourly_rate.median: 120 → 160"),
        "{text}"
    );
    assert!(text.contains("added    strategies.Agency"), "{text}");
    // Whether the verdict moved, not only the lowest median.
    assert!(
        text.lines()
            .any(|l| l.starts_with("The verdict still leads with ")
                || l.starts_with("The verdict moved: ")
                || l.starts_with("The verdict is the same as in previous: ")),
        "{text}"
    );
}

/// Polls `what` every 100 ms until it holds, for at most `limit`; on
/// failure shows what watch printed (`logs`: its stdout and stderr files).
fn wait_for(
    limit: Duration,
    what: &str,
    child: &mut Child,
    logs: &Path,
    mut ok: impl FnMut() -> bool,
) {
    let start = Instant::now();
    let printed = || {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            read(&logs.join("stdout.txt")),
            read(&logs.join("stderr.txt"))
        )
    };
    while !ok() {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!(
                "watch ended ({status:?}) while waiting for {what}\n{}",
                printed()
            );
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("gave up after {limit:?} waiting for {what}\n{}", printed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn watch_reruns_on_save_shows_errors_in_place_and_stops_on_ctrl_c() {
    // Generous: the machine may be busy with other builds.
    let limit = Duration::from_secs(240);
    let t = tmp();
    let file = t.path().join("s.toml");
    let out = t.path().join("res");
    let page = t.path().join("res.watch.html");
    fs::write(&file, scenario(120, false)).expect("write");
    let log = |name: &str| fs::File::create(t.path().join(name)).expect("log file");
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("tcosim"))
        .arg("watch")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--trials", "300", "--threads", "1"])
        .stdin(Stdio::null())
        .stdout(log("stdout.txt"))
        .stderr(log("stderr.txt"))
        .spawn()
        .expect("spawn watch");

    // The first run: results, and the page with the report and a refresh.
    wait_for(limit, "the first report", &mut child, t.path(), || {
        out.join("report.html").is_file() && read(&page).contains("run at")
    });
    let first = read(&page);
    assert!(first.contains("<meta http-equiv=\"refresh\" content=\"2\">"));
    assert!(!read(&out.join("report.html")).contains("http-equiv=\"refresh\""));
    assert!(!read(&out.join("summary.csv")).contains("Agency"));

    // A save: re-run, and the change is printed and shown.
    fs::write(&file, scenario(160, true)).expect("edit");
    wait_for(
        limit,
        "the re-run after the edit",
        &mut child,
        t.path(),
        || {
            read(&out.join("summary.csv")).contains("Agency")
                && read(&page).contains("strategies.Agency")
        },
    );
    let page_text = read(&page);
    assert!(
        page_text.contains("engagements.freelancer.hourly_rate.median: 120 → 160"),
        "the page does not show the change"
    );
    wait_for(limit, "the change on stdout", &mut child, t.path(), || {
        read(&t.path().join("stdout.txt"))
            .contains("changed  engagements.freelancer.hourly_rate.median: 120 → 160")
    });
    let good_report = read(&out.join("report.html"));
    assert!(good_report.contains("Agency"));

    // A broken save: the error (escaped) above the last good report, whose
    // file is untouched.
    let broken = scenario(160, true).replacen("[project]", "[project]\n\"<b>&x\" = 1", 1);
    fs::write(&file, broken).expect("break");
    wait_for(limit, "the error on the page", &mut child, t.path(), || {
        read(&page).contains("watch-error")
    });
    let page_text = read(&page);
    assert!(
        page_text.contains("unknown key `&lt;b&gt;&amp;x`"),
        "error not shown escaped"
    );
    assert!(!page_text.contains("<b>&x"), "error text not escaped");
    assert!(page_text.contains("http-equiv=\"refresh\""));
    let banner = page_text.find("watch-error").expect("banner");
    let kept = page_text
        .find("<main>")
        .expect("the last good report is on the page");
    assert!(banner < kept, "the error is not above the report");
    assert_eq!(
        read(&out.join("report.html")),
        good_report,
        "report.html changed"
    );
    assert!(read(&out.join("summary.csv")).contains("Agency"));
    assert!(read(&t.path().join("stderr.txt")).contains("unknown key"));

    // Ctrl-C ends it cleanly.
    let kill = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("watch did not stop after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(read(&t.path().join("stderr.txt")).contains("Stopped watching"));
    assert_eq!(read(&out.join("report.html")), good_report);
}

/// Issue 12: `compare` lists every difference of inputs and strategies
/// (added, removed, changed) once, in the terminal and in the report, where
/// no second, stale section lists the inputs alone.
#[test]
fn compare_lists_added_removed_and_changed_strategies_once() {
    let t = tmp();
    let base = scenario(120, false);
    let before = run_scenario(t.path(), "before.toml", &base, "before", &[]);
    let retainer = "[[strategies]]\nname = \"Freelance on retainer\"\nphases = [{ engagement = \"freelancer_on_retainer\" }]\n";
    let hybrid = "  { engagement = \"freelancer\", until = \"traction\" },";
    assert!(base.contains(retainer) && base.contains(hybrid));
    let edited = scenario(140, true).replacen(retainer, "", 1).replacen(
        hybrid,
        "  { engagement = \"freelancer_on_retainer\", until = \"traction\" },",
        1,
    );
    let after = run_scenario(t.path(), "after.toml", &edited, "after", &[]);
    let out = t.path().join("cmp");
    let text = compare(&before, &after, &out);
    let report = fs::read_to_string(out.join("report.html")).expect("report.html");
    let expected = [
        ("changed", "engagements.freelancer.hourly_rate.median"),
        ("removed", "strategies.\"Freelance on retainer\""),
        (
            "changed",
            "strategies.\"Freelance, then hire\".phases[0].engagement",
        ),
        ("added", "strategies.Agency"),
    ];
    let listed = difference_lines(&text);
    assert_eq!(listed.len(), expected.len(), "{text}");
    for (kind, key) in expected {
        let line = format!("{kind:<8} {key}:");
        assert_eq!(
            listed.iter().filter(|l| l.starts_with(&line)).count(),
            1,
            "`{line}` once in\n{text}"
        );
        // In the report: one row, in the one table of differences.
        let escaped = key.replace('"', "&quot;");
        let row =
            format!("<td class=\"text\">{kind}</td><td class=\"text\"><code>{escaped}</code></td>");
        assert_eq!(
            report.matches(&row).count(),
            1,
            "`{row}` once in the report"
        );
    }
    assert_eq!(report.matches("<h3>Inputs and strategies: ").count(), 1);
    // The verdict's lead, in both.
    let lead = text
        .lines()
        .find(|l| l.starts_with("The verdict "))
        .unwrap_or_else(|| panic!("no verdict line in\n{text}"));
    assert!(report.contains(&lead.replace('"', "&quot;")), "{lead}");
    assert!(
        !report.contains("What differs between the runs"),
        "a stale section"
    );
    assert!(!report.contains("Medians from "), "the moves twice");
}
