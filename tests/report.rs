//! What the report says in plain language: every cost category defined,
//! every input shown as P10 / median / P90 in its unit (and correlations),
//! and `validate` warning of settings that make a strategy mean less.

mod common;

use std::fs;

use common::{repo, run_into, shipped, tcosim, tmp};
use tcosim::model::Category;
use tcosim::output::schema::CsvFile;
use tcosim::present::html::escape;

/// The report of a small run of the default scenario.
fn default_report() -> String {
    let t = tmp();
    let out = t.path().join("r");
    run_into(
        Some(&shipped("default")),
        &out,
        &["--trials", "200", "--charts", "svg"],
    );
    fs::read_to_string(out.join("report.html")).expect("report.html")
}

#[test]
fn every_cost_category_is_defined_in_the_report() {
    let html = default_report();
    assert!(html.contains("<h2 id=\"categories\">What the costs are made of</h2>"));
    for c in Category::ALL {
        let row = format!(
            "<tr><td><strong>{}</strong>: {}",
            c.name(),
            escape(c.definition())
        );
        assert!(html.contains(&row), "no definition of {}", c.name());
    }
}

#[test]
fn the_report_says_where_the_columns_and_units_of_its_files_are_documented() {
    let html = default_report();
    assert!(
        html.contains("(summary.csv, monthly.csv, quality.csv, trials.csv); what each file and column holds, with its unit, is in <code>docs/OUTPUTS.md</code>"),
        "the footer names the data dictionary"
    );
    // The file it names exists and documents every CSV a run writes.
    let doc = fs::read_to_string(repo("docs/OUTPUTS.md")).expect("docs/OUTPUTS.md");
    for f in common::CSV_FILES {
        assert!(
            doc.contains(&format!("### {f}")),
            "docs/OUTPUTS.md has no section {f}"
        );
    }
    // Every column tcosim writes is documented (inputs.csv's are the
    // scenario's key paths, sweep.csv's first ones the swept keys).
    let header = |path: &str| -> Vec<String> {
        let text = fs::read_to_string(repo(path)).expect(path);
        let line = text.lines().next().unwrap_or_default().to_string();
        line.split(',').map(String::from).collect()
    };
    let mut columns: Vec<(String, String)> = Vec::new();
    for f in common::CSV_FILES.iter().filter(|f| **f != "inputs.csv") {
        let path = format!("tests/golden/default/{f}");
        columns.extend(header(&path).into_iter().map(|c| (f.to_string(), c)));
    }
    let sweep = header("tests/golden/sweep/sweep.csv");
    columns.extend(
        sweep[2..]
            .iter()
            .map(|c| ("sweep.csv".to_string(), c.clone())),
    );
    columns.extend(
        tcosim::output::schema::CompareRecord::HEADER
            .iter()
            .map(|c| ("compare.csv".to_string(), c.to_string())),
    );
    for (file, column) in columns {
        assert!(
            doc.contains(&format!("`{column}`")),
            "docs/OUTPUTS.md does not document {file}'s column {column}"
        );
    }
}

#[test]
fn inputs_are_shown_as_percentiles_in_their_units() {
    let html = default_report();
    // { dist = "lognormal", median = 30000, p90 = 80000 }: P50 and P90 are
    // the parameters themselves.
    let row = html
        .lines()
        .find(|l| l.contains("business.<wbr>value_<wbr>at_<wbr>risk_<wbr>per_<wbr>month"))
        .expect("a row for value at risk");
    assert!(row.contains("<td>$30.0k</td><td>$80.0k</td>"), "{row}");
    assert!(row.contains(">$/month<"), "{row}");
    // A fixed value shows the same number three times, in its unit.
    let row = html
        .lines()
        .find(|l| l.contains("project.<wbr>target_<wbr>launch_<wbr>month"))
        .expect("a row for the target");
    assert!(row.contains("<td>6</td><td>6</td><td>6</td>"), "{row}");
    // Per-event inputs are listed and marked.
    let row = html
        .lines()
        .find(|l| l.contains("roadmap.<wbr>project_<wbr>size_<wbr>months"))
        .expect("a row for the project size");
    assert!(
        row.contains("per event") && row.contains("engineer-months per project"),
        "{row}"
    );
}

#[test]
fn correlated_inputs_are_listed_with_their_rank() {
    let t = tmp();
    let out = t.path().join("r");
    let scenario = repo("tests/fixtures/correlated.toml");
    run_into(
        Some(&scenario),
        &out,
        &["--trials", "200", "--charts", "svg"],
    );
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("<h3 id=\"correlations\">Correlated inputs</h3>"));
    let text = fs::read_to_string(&scenario).unwrap();
    let first_rank = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("rank = "))
        .and_then(|r| r.split_whitespace().next())
        .map(|r| r.parse::<f64>().unwrap())
        .expect("a rank in the fixture");
    assert!(html.contains(&format!("<td>{first_rank:.2}</td>")));
}

#[test]
fn validate_warns_of_phases_and_targets_past_the_horizon_and_twin_strategies() {
    let t = tmp();
    let text = fs::read_to_string(shipped("default")).unwrap();
    let text = text
        .replace("until = \"traction\"", "until = { month = 40 }")
        .replace("target_launch_month = 6", "target_launch_month = 50");
    assert!(text.contains("month = 40") && text.contains("target_launch_month = 50"));
    let twin = "\n[[strategies]]\nname = \"Freelance again\"\nphases = [{ engagement = \"freelancer\" }]\n";
    let file = t.path().join("s.toml");
    fs::write(&file, format!("{text}{twin}")).unwrap();
    let a = tcosim().arg("validate").arg(&file).assert().success();
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("lasts until month 40, but the horizon is 36 months"),
        "{err}"
    );
    assert!(err.contains("project.target_launch_month"), "{err}");
    assert!(
        err.contains("\"Freelance\" and \"Freelance again\" are staffed the same way"),
        "{err}"
    );
    // The shipped scenarios draw none.
    for stem in ["default", "core-product", "proof-of-concept"] {
        tcosim()
            .arg("validate")
            .arg(shipped(stem))
            .assert()
            .success()
            .stderr("");
    }
}

/// In the default scenario the retainer has the lowest median but Freelance
/// the lowest mean and the most wins: no row may be set in bold as if one
/// measure settled it.
#[test]
fn no_row_is_bold_when_the_measures_disagree() {
    let t = tmp();
    let out = t.path().join("r");
    run_into(Some(&shipped("default")), &out, &["--charts", "svg"]);
    let summary = common::Csv::read(&out.join("summary.csv"));
    let lowest = |col: &str, sign: f64| {
        (0..4)
            .min_by(|&a, &b| (sign * summary.num(a, col)).total_cmp(&(sign * summary.num(b, col))))
            .unwrap()
    };
    assert_ne!(
        lowest("p50", 1.0),
        lowest("mean", 1.0),
        "the premise of this test"
    );
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(!html.contains("<tr class=\"best\">"));
}
