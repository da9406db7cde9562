//! The verdict as a user reads it: printed by `tcosim run` after its table,
//! with the path of report.html, and set as the report's headline, from the
//! same sentences; checked against the figures of summary.csv and
//! comparison.csv, and in the degenerate runs of issues 12 and 13 (one or
//! two trials, a horizon before the launch, identical strategies).

mod common;

use std::path::Path;

use common::{Csv, shipped, stdout_of, tcosim, tmp};

/// `tcosim run SCENARIO --out OUT --charts svg EXTRA` (not quiet): stdout.
fn run(scenario: &Path, out: &Path, extra: &[&str]) -> String {
    let a = tcosim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--charts", "svg", "--threads", "1"])
        .args(extra)
        .assert()
        .success();
    stdout_of(&a)
}

/// The verdict's sentences as the terminal prints them: the paragraphs
/// from "Verdict: " to the blank line, unwrapped.
fn terminal_verdict(stdout: &str) -> Vec<String> {
    let start = stdout
        .find("\nVerdict: ")
        .unwrap_or_else(|| panic!("no verdict in\n{stdout}"));
    let block = &stdout[start + 1..];
    let block = &block[..block.find("\n\n").unwrap_or(block.len())];
    let mut out: Vec<String> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("  ") {
            Some(rest) => {
                let last = out.last_mut().expect("a continuation follows a sentence");
                last.push(' ');
                last.push_str(rest);
            }
            None => out.push(line.to_string()),
        }
    }
    out[0] = out[0]
        .strip_prefix("Verdict: ")
        .expect("Verdict:")
        .to_string();
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The report's headline sentences, unescaped.
fn report_verdict(dir: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let box_ = html
        .split("<div class=\"headline\">")
        .nth(1)
        .expect("a headline")
        .split("</div>")
        .next()
        .unwrap();
    box_.split("<p>")
        .skip(1)
        .map(|p| unescape(p.trim_end_matches("</p>")))
        .collect()
}

fn short_money(x: f64) -> String {
    tcosim::decide::format::short_money(x)
}

fn percent(x: f64) -> String {
    tcosim::decide::format::percent(x)
}

#[test]
fn the_terminal_prints_the_reports_verdict_after_the_table_and_where_to_open_it() {
    let t = tmp();
    let out = t.path().join("poc");
    let stdout = run(&shipped("proof-of-concept"), &out, &["--trials", "1000"]);
    let table_end = stdout.find("Total = cash + lost value.\n\nVerdict: ");
    assert!(
        table_end.is_some(),
        "the verdict follows the table:\n{stdout}"
    );
    let open = format!("Open {}", out.join("report.html").display());
    let (v, o) = (
        stdout.find("Verdict: ").unwrap(),
        stdout
            .find(&open)
            .unwrap_or_else(|| panic!("no `{open}` in\n{stdout}")),
    );
    assert!(v < o, "verdict, then Open:\n{stdout}");
    // "Wrote ..." is status: on stderr, not among the data.
    assert!(!stdout.contains("Wrote "), "{stdout}");
    // No line of the verdict is wider than the table's text.
    for line in stdout[v..o].lines() {
        assert!(line.chars().count() <= 79, "too wide: {line}");
    }
    let said = terminal_verdict(&stdout);
    assert!(!said.is_empty() && said.len() <= 3, "{said:?}");
    assert_eq!(said, report_verdict(&out), "the same sentences in both");
    // The detail is in the report, under the headline: the full verdict's
    // other sentences and the points after them.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let list = html
        .split("<ul class=\"verdict\">")
        .nth(1)
        .expect("the verdict's points")
        .split("</ul>\n<h2")
        .next()
        .unwrap();
    assert!(list.contains("95% interval"), "{list}");
    assert!(
        list.contains("Cheapest in the same simulated world"),
        "{list}"
    );
    for sentence in &said {
        assert!(
            !unescape(list).contains(sentence.as_str()),
            "said twice: {sentence}"
        );
    }
}

#[test]
fn without_a_report_there_is_no_path_to_open() {
    let t = tmp();
    let out = t.path().join("none");
    let a = tcosim()
        .arg("run")
        .arg(shipped("proof-of-concept"))
        .arg("--out")
        .arg(&out)
        .args(["--trials", "200", "--charts", "none"])
        .assert()
        .success();
    let stdout = stdout_of(&a);
    assert!(stdout.contains("\nVerdict: "), "{stdout}");
    assert!(!stdout.contains("Open "), "{stdout}");
    assert!(!out.join("report.html").exists());
}

/// Every figure the first sentence of the verdict quotes is the figure of
/// summary.csv or comparison.csv for the strategies it names.
#[test]
fn the_verdict_quotes_the_files_figures() {
    for stem in ["default", "core-product", "proof-of-concept"] {
        let t = tmp();
        let out = t.path().join(stem);
        let stdout = run(&shipped(stem), &out, &["--trials", "1000"]);
        let said = terminal_verdict(&stdout);
        let summary = Csv::read(&out.join("summary.csv"));
        let comparison = Csv::read(&out.join("comparison.csv"));
        let names = summary.column("strategy");
        let p50 = |s: &str| summary.num(names.iter().position(|n| n == s).unwrap(), "p50");
        let lowest = names
            .iter()
            .min_by(|a, b| p50(a).total_cmp(&p50(b)))
            .unwrap()
            .clone();
        let row = |a: &str, b: &str| {
            (0..comparison.rows.len())
                .find(|&r| {
                    comparison.text(r, "strategy_a") == a && comparison.text(r, "strategy_b") == b
                })
                .unwrap()
        };
        assert!(said.len() <= 3, "{stem}: {said:?}");
        // "Usually X: ..." and "More often X: ..." lead with X.
        let unlead = |s: &str| {
            s.strip_prefix("Usually ")
                .or_else(|| s.strip_prefix("More often "))
                .unwrap_or(s)
                .to_string()
        };
        let main = said
            .iter()
            .map(|s| unlead(s))
            .find(|s| names.iter().any(|n| s.starts_with(n.as_str())))
            .unwrap_or_else(|| panic!("{stem}: no sentence names a strategy first: {said:?}"));
        // The strategy with the lowest median is named with its median.
        assert!(main.contains(&lowest), "{stem}: {main}");
        assert!(main.contains(&short_money(p50(&lowest))), "{stem}: {main}");
        // The head-to-head share quoted is comparison.csv's, for the
        // strategy the sentence leads with against the one it names next.
        // Names may start with other names ("Freelance" and "Freelance on
        // retainer"): the longest that fits is meant.
        let mut by_length = names.clone();
        by_length.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let lead = by_length
            .iter()
            .find(|n| main.starts_with(n.as_str()))
            .unwrap();
        let after = main[lead.len()..].to_string();
        let other = by_length
            .iter()
            .filter(|n| *n != lead)
            .min_by_key(|n| after.find(&format!(" {n}")).unwrap_or(usize::MAX))
            .unwrap();
        let r = row(lead, other);
        let share = percent(comparison.num(r, "prob_a_cheaper"));
        assert!(main.contains(&share), "{stem}: {main} lacks {share}");
        let mean = comparison.num(r, "mean_a_minus_b");
        // The saving on average is comparison.csv's mean difference.
        if main.contains(" less on average") && !main.contains(" costs ") {
            let saving = format!("{} less on average", short_money(-mean));
            assert!(main.contains(&saving), "{stem}: {main} lacks {saving}");
        }
        if main.contains(" and the lowest mean, ") {
            let m = summary.num(names.iter().position(|n| n == lead).unwrap(), "mean");
            assert!(main.contains(&short_money(m)), "{stem}: {main}");
            assert!(mean < 0.0, "{stem}: the lowest mean saves on average");
        }
        if main.contains(" are close") {
            assert!(comparison.num(r, "ci95_low") <= 0.0 && comparison.num(r, "ci95_high") >= 0.0);
        }
        // The leader by the head-to-head wins at least as many trials.
        assert!(
            comparison.num(r, "prob_a_cheaper") >= comparison.num(r, "prob_b_cheaper"),
            "{stem}: {lead} leads but loses more trials to {other}"
        );
        // The other sentences' figures are summary.csv's too: the lighter
        // tail's P90s and the cash leader's median cash.
        let column =
            |s: &str, col: &str| summary.num(names.iter().position(|n| n == s).unwrap(), col);
        let named_first = |sentence: &str| {
            by_length
                .iter()
                .find(|n| sentence.starts_with(n.as_str()))
                .cloned()
        };
        for sentence in &said[1..] {
            if sentence.contains("lighter tail") {
                let l = named_first(sentence).unwrap_or_else(|| panic!("{sentence}"));
                assert!(
                    sentence.contains(&short_money(column(&l, "p90"))),
                    "{stem}: {sentence}"
                );
            }
            if let Some(rest) = sentence.strip_prefix("By cash alone (without lost value), ") {
                let c = named_first(rest).unwrap_or_else(|| panic!("{sentence}"));
                let lowest = names
                    .iter()
                    .min_by(|a, b| column(a, "p50_cash").total_cmp(&column(b, "p50_cash")))
                    .unwrap();
                assert_eq!(&c, lowest, "{stem}: {sentence}");
                assert!(
                    sentence.contains(&format!("median {}", short_money(column(&c, "p50_cash")))),
                    "{stem}: {sentence}"
                );
            }
        }
        assert_eq!(said, report_verdict(&out), "{stem}");
    }
}

/// Issue 13: one trial is reported as one trial, never as precise.
#[test]
fn one_trial_is_not_precise() {
    let t = tmp();
    let out = t.path().join("one");
    let stdout = run(&shipped("default"), &out, &["--trials", "1"]);
    let said = terminal_verdict(&stdout);
    assert!(
        said[0].starts_with("One trial is a single simulated outcome, not a distribution"),
        "{said:?}"
    );
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].starts_with("In that trial, "));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for wrong in [
        "±0.0%",
        "beyond Monte Carlo noise",
        "treat the two as close",
        "Most predictable",
    ] {
        assert!(!html.contains(wrong), "the report says `{wrong}`");
        assert!(!stdout.contains(wrong), "the terminal says `{wrong}`");
    }
    assert!(html.contains("cannot be estimated at all"));
    // Nor are inputs ranked by the rank correlations of one trial.
    assert!(html.contains("With only 1 trial the rank correlations"));
    assert!(!html.contains("The three inputs that most decide"));
}

#[test]
fn two_trials_are_too_few() {
    let t = tmp();
    let out = t.path().join("two");
    let stdout = run(&shipped("default"), &out, &["--trials", "2"]);
    let said = terminal_verdict(&stdout);
    assert!(
        said[0].starts_with("Only 2 trials: too few to rank the strategies"),
        "{said:?}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("beyond Monte Carlo noise"));
    assert!(html.contains("With only 2 trials"));
}

/// Issue 12: a 3-month horizon before a launch at month 6 says so, and the
/// strategies that are identical within it are named instead of compared
/// ("$0 (0.0%) below").
#[test]
fn a_horizon_before_the_launch_and_identical_strategies_are_said() {
    let t = tmp();
    let out = t.path().join("h3");
    let stdout = run(
        &shipped("default"),
        &out,
        &["--trials", "400", "--horizon", "3"],
    );
    let said = terminal_verdict(&stdout);
    assert!(
        said[0].starts_with(
            "The 3-month horizon ends before the target launch (month 6, counted from 0)"
        ),
        "{said:?}"
    );
    assert!(
        said.contains(&"Freelance and Freelance, then hire cost the same in every trial: over this horizon they act as one strategy.".to_string()),
        "{said:?}"
    );
    let all = said.concat();
    assert!(!all.contains("(0.0%) below"), "{all}");
    // The two are not compared with each other.
    assert!(!all.contains("than Freelance, then hire"), "{all}");
    assert_eq!(said, report_verdict(&out));
}

/// A scenario with a strategy listed twice under two names.
#[test]
fn two_identical_strategies_are_one_in_the_verdict() {
    let t = tmp();
    let text = std::fs::read_to_string(shipped("proof-of-concept")).unwrap()
        + "\n[[strategies]]\nname = \"Freelance again\"\nphases = [{ engagement = \"freelancer\" }]\n";
    let scenario = t.path().join("twice.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = t.path().join("twice");
    let stdout = run(&scenario, &out, &["--trials", "500"]);
    let said = terminal_verdict(&stdout);
    assert!(
        said.contains(&"Freelance and Freelance again cost the same in every trial: over this horizon they act as one strategy.".to_string()),
        "{said:?}"
    );
    assert!(!said.concat().contains("than Freelance again"), "{said:?}");
    // summary.csv: the two tie whenever one of them is cheapest, and
    // neither is ever cheapest alone.
    let s = Csv::read(&out.join("summary.csv"));
    let names = s.column("strategy");
    for n in ["Freelance", "Freelance again"] {
        let r = names.iter().position(|x| x == n).unwrap();
        assert_eq!(s.num(r, "p_strictly_cheapest"), 0.0, "{n}");
        assert!(s.num(r, "p_tied_cheapest") > 0.5, "{n}");
    }
    assert_eq!(report_verdict(&out), said);
}
