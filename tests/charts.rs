//! Charts and the HTML report, drawn from real run directories: each
//! shipped scenario is run once through the built binary, loaded back with
//! `RunData::load`, and the data behind every chart is checked against the
//! CSV files the run wrote.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tcosim::model::CATEGORIES;
use tcosim::output::rundata::RunData;
use tcosim::present::changes::{self, RunFigures};
use tcosim::present::charts::{
    self, Chart, breakdown_bars, cost_over_time_series, distribution_bins,
};
use tcosim::present::html::{escape, render_compare_report, render_report};

use common::{Csv, repo};

const TRIALS: u64 = 400;

/// Runs `scenario` into `dir` with the built binary and loads the result.
fn run_into(scenario: &Path, trials: u64, extra: &[&str], dir: &Path) -> RunData {
    let trials = trials.to_string();
    let args: Vec<&str> = ["--trials", trials.as_str()]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    common::run_into(Some(scenario), dir, &args);
    RunData::load(dir, None).expect("the run directory loads")
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo("scenarios"))
        .expect("scenarios/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 3, "expected the shipped scenarios, found {v:?}");
    v
}

/// A run of a shipped scenario: its stem, directory and data.
struct Run {
    stem: String,
    dir: PathBuf,
    data: RunData,
}

/// Every shipped scenario, run once per test binary.
fn runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts-runs");
        shipped_scenarios()
            .into_iter()
            .map(|sc| {
                let stem = sc.file_stem().unwrap().to_string_lossy().into_owned();
                let dir = root.join(&stem);
                // The tests draw the charts themselves, from the loaded data.
                let data = run_into(&sc, TRIALS, &["--charts", "none"], &dir);
                Run { stem, dir, data }
            })
            .collect()
    })
}

/// The section `tcosim compare` adds to its report: what changed against
/// the first run.
fn changed_section(runs: &[(String, RunData)]) -> (String, String) {
    let figures: Vec<RunFigures> = runs
        .iter()
        .map(|(label, d)| RunFigures::from_data(label, d))
        .collect();
    (
        format!("What changed against {}", runs[0].0),
        changes::report_html(&figures),
    )
}

/// A fresh directory for a test's output.
fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("charts-out")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_png(path: &Path) {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 720), "{}", path.display());
    // Not a blank image: the chart drew something besides the background.
    let first = &buf[..3];
    assert!(
        buf.chunks(info.line_size / info.width as usize)
            .any(|px| &px[..3] != first),
        "{} is blank",
        path.display()
    );
}

fn assert_svg(text: &str, what: &str) {
    let doc = roxmltree::Document::parse(text)
        .unwrap_or_else(|e| panic!("{what} is not well-formed XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{what}");
    assert_eq!(root.attribute("width"), Some("1280"), "{what}");
    assert_eq!(root.attribute("height"), Some("720"), "{what}");
    assert!(
        doc.descendants().filter(|n| n.has_tag_name("text")).count() > 10,
        "{what} has no text"
    );
}

#[test]
fn every_chart_of_every_shipped_scenario_renders_as_png_and_svg() {
    for run in runs() {
        let dir = out_dir(&format!("all-{}", run.stem));
        let written = charts::write_all(&run.data, &dir, true, true).unwrap();
        assert_eq!(written.len(), 2 * charts::RUN_CHARTS.len(), "{}", run.stem);
        for name in charts::RUN_CHARTS {
            let png = dir.join("charts").join(format!("{name}.png"));
            let svg = dir.join("charts").join(format!("{name}.svg"));
            assert!(written.contains(&png) && written.contains(&svg));
            assert_png(&png);
            assert_svg(
                &std::fs::read_to_string(&svg).unwrap(),
                &svg.display().to_string(),
            );
        }
    }
}

#[test]
fn formats_can_be_chosen() {
    let run = &runs()[0];
    let dir = out_dir("svg-only");
    let written = charts::write_all(&run.data, &dir, false, true).unwrap();
    assert!(written.iter().all(|p| p.extension().unwrap() == "svg"));
    assert_eq!(written.len(), charts::RUN_CHARTS.len());
    let dir = out_dir("none");
    assert!(
        charts::write_all(&run.data, &dir, false, false)
            .unwrap()
            .is_empty()
    );
    assert!(!dir.join("charts").exists());
}

#[test]
fn svg_is_drawn_the_same_way_twice() {
    let run = &runs()[0];
    for chart in Chart::of_run(&run.data) {
        assert_eq!(chart.to_svg().unwrap(), chart.to_svg().unwrap());
    }
}

#[test]
fn distribution_bins_match_trials_csv() {
    for run in runs() {
        let bins = distribution_bins(&run.data);
        let n = bins.edges.len() - 1;
        assert!(n >= 15, "{}: {n} bins", run.stem);
        let w = bins.width();
        assert!(w > 0.0);
        for e in bins.edges.windows(2) {
            assert!(((e[1] - e[0]) - w).abs() <= 1e-6 * w, "equal widths");
        }
        // The axis ends at or just past the largest P99 of any strategy.
        let p99 = charts::distribution::largest_p99(&run.data);
        assert!(
            bins.hi() >= p99 && bins.hi() < p99 + w + 1e-6,
            "{}",
            run.stem
        );

        // Count trials.csv directly.
        let csv = Csv::read(&run.dir.join("trials.csv"));
        let strategies = &run.data.strategies;
        let mut counts = vec![vec![0u64; n]; strategies.len()];
        let mut above = vec![0u64; strategies.len()];
        for row in 0..csv.rows.len() {
            let s = strategies
                .iter()
                .position(|x| x == csv.text(row, "strategy"))
                .unwrap();
            let x = csv.num(row, "total");
            match (0..n).find(|&i| {
                bins.edges[i] <= x && (x < bins.edges[i + 1] || (i == n - 1 && x == bins.hi()))
            }) {
                Some(i) => counts[s][i] += 1,
                None => {
                    assert!(x > bins.hi(), "{x} below the first edge");
                    above[s] += 1;
                }
            }
        }
        assert_eq!(bins.counts, counts, "{}", run.stem);
        assert_eq!(bins.above, above, "{}", run.stem);
        for ((name, counts), above) in strategies.iter().zip(&bins.counts).zip(&bins.above) {
            assert_eq!(
                counts.iter().sum::<u64>() + above,
                TRIALS,
                "{}: {name}",
                run.stem
            );
            // At most about 1% of a strategy's trials lie past its P99.
            assert!(*above as f64 <= 0.011 * TRIALS as f64 + 1.0);
        }
    }
}

#[test]
fn cost_over_time_equals_monthly_csv() {
    for run in runs() {
        let series = cost_over_time_series(&run.data);
        let csv = Csv::read(&run.dir.join("monthly.csv"));
        let h = run.data.horizon as usize;
        assert_eq!(series.len(), run.data.strategies.len());
        assert_eq!(csv.rows.len(), series.len() * h);
        let mut seen = 0;
        for row in 0..csv.rows.len() {
            let s = run
                .data
                .strategies
                .iter()
                .position(|x| x == csv.text(row, "strategy"))
                .unwrap();
            let month: u32 = csv.text(row, "month").parse().unwrap();
            let p = series[s][month as usize];
            assert_eq!(p.end_of_month, month + 1);
            for (got, col) in [
                (p.mean, "mean"),
                (p.p10, "p10"),
                (p.p50, "p50"),
                (p.p90, "p90"),
            ] {
                assert_eq!(got, csv.num(row, col), "{} {s} {month} {col}", run.stem);
            }
            seen += 1;
        }
        assert_eq!(seen, series.iter().map(Vec::len).sum::<usize>());
    }
}

#[test]
fn breakdown_bars_equal_summary_means() {
    for run in runs() {
        let bars = breakdown_bars(&run.data);
        let csv = Csv::read(&run.dir.join("summary.csv"));
        assert_eq!(bars.len(), csv.rows.len());
        for (row, bar) in bars.iter().enumerate() {
            assert_eq!(bar.len(), CATEGORIES.len());
            let mut at = 0.0;
            for (seg, cat) in bar.iter().zip(CATEGORIES) {
                assert_eq!(seg.category, cat);
                assert!((seg.start - at).abs() < 1e-6, "segments are contiguous");
                let want = csv.num(row, &format!("mean_{cat}"));
                assert!(
                    ((seg.end - seg.start) - want).abs() < 1e-6,
                    "{} {}: {cat} is {} in the chart, {want} in summary.csv",
                    run.stem,
                    csv.text(row, "strategy"),
                    seg.end - seg.start
                );
                at = seg.end;
            }
            // The bar's end is the mean TCO (the categories add up to it).
            let mean = csv.num(row, "mean");
            assert!(
                (at - mean).abs() <= 1e-6 * mean.max(1.0) + 0.05,
                "{at} vs {mean}"
            );
        }
    }
}

#[test]
fn run_data_reads_the_cash_and_lost_value_of_summary_csv() {
    for run in runs() {
        let csv = Csv::read(&run.dir.join("summary.csv"));
        for (row, s) in run.data.summary.iter().enumerate() {
            for (figure, got) in [
                ("mean_cash", s.cash.mean),
                ("p10_cash", s.cash.p10),
                ("p50_cash", s.cash.p50),
                ("p90_cash", s.cash.p90),
                ("p_cheapest_cash", s.cash.prob_lowest),
                ("mean_lost_value", s.lost_value.mean),
                ("p10_lost_value", s.lost_value.p10),
                ("p50_lost_value", s.lost_value.p50),
                ("p90_lost_value", s.lost_value.p90),
                ("p_least_lost_value", s.lost_value.prob_lowest),
            ] {
                assert_eq!(got, csv.num(row, figure), "{} {figure}", run.stem);
            }
        }
    }
}

#[test]
fn median_crossings_follow_the_monthly_medians() {
    let mut data = runs()[0].data.clone();
    let h = data.horizon as usize;
    // Strategy 0 grows fast from zero; strategy 1 starts higher and grows
    // slowly: 1 is cheaper from the month where 10m > 50 + 5m, m > 10,
    // that is from index 11, the end of month 12.
    for m in 0..h {
        for s in 0..data.strategies.len() {
            let b = &mut data.monthly[s * h + m];
            b.p50 = match s {
                0 => 10.0 * m as f64,
                1 => 50.0 + 5.0 * m as f64,
                _ => 1e9 + m as f64,
            };
        }
    }
    let c = charts::median_crossings(&data);
    let pair = c
        .iter()
        .find(|c| (c.lower, c.higher) == (1, 0))
        .expect("a crossing of 0 and 1");
    assert_eq!(pair.from_month, 12);
    // The others stay above both throughout.
    assert!(
        c.iter()
            .filter(|c| c.higher >= 2)
            .all(|c| c.from_month == 1)
    );
    let report = render_report(&data, &[]).unwrap();
    let a = escape(&format!(
        "{}'s median cumulative cost stays below {}'s from month 12 on.",
        data.strategies[1], data.strategies[0]
    ));
    assert!(report.contains(&a), "the verdict names the crossing");
}

/// What a self-contained page must not contain.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "src=",
        "href=http",
        "href=\"http",
        "href='http",
        "url(http",
        "url(",
        "<script",
        "@import",
        "<link",
        "<iframe",
        "<img",
    ] {
        assert!(!lower.contains(bad), "the report contains `{bad}`");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn report_has_every_chart_the_summary_and_nothing_external() {
    for run in runs() {
        let extra = vec![(
            "Sensitivity <top 3>".to_string(),
            "<p>BODY-MARKER</p>".to_string(),
        )];
        let html = render_report(&run.data, &extra).unwrap();
        assert_self_contained(&html);
        for chart in Chart::of_run(&run.data) {
            let svg = chart.to_svg().unwrap();
            assert!(
                html.contains(&svg),
                "{}: {} is not inlined",
                run.stem,
                chart.name()
            );
        }
        assert_eq!(html.matches("<svg").count(), charts::RUN_CHARTS.len());
        for s in &run.data.summary {
            assert!(html.contains(&format!("{}</td>", escape(&s.strategy))));
        }
        for needle in [
            escape(&run.data.name),
            format!("seed {}", run.data.seed),
            format!("{}-month horizon", run.data.horizon),
            "CVaR95".to_string(),
            "P(cheapest)".to_string(),
            "<th>Median total</th><th>Median cash</th>".to_string(),
            "<th>Mean lost value</th>".to_string(),
            "Cash: what the strategy pays".to_string(),
            "Total = cash + lost value.".to_string(),
            // The summary table scrolls inside its wrapper on narrow screens.
            "<div class=\"scroll\">\n<table class=\"summary\">".to_string(),
            "overflow-x: auto".to_string(),
            "Sensitivity &lt;top 3&gt;".to_string(),
            "<p>BODY-MARKER</p>".to_string(),
            "Key assumptions".to_string(),
        ] {
            assert!(html.contains(&needle), "{}: no `{needle}`", run.stem);
        }
        // Extra sections come before the assumptions; every input is listed.
        assert!(html.find("BODY-MARKER").unwrap() < html.find("Key assumptions").unwrap());
        // (Key paths may wrap after their dots and underscores.)
        let unwrapped = html.replace("<wbr>", "");
        for input in &run.data.scenario.inputs {
            assert!(unwrapped.contains(&escape(&input.key)), "{}", input.key);
        }
        // The headline (the verdict) names the strategy with the lowest
        // median, with its median.
        let best = run
            .data
            .summary
            .iter()
            .min_by(|a, b| a.p50.total_cmp(&b.p50))
            .unwrap();
        let headline = html
            .split("class=\"headline\">")
            .nth(1)
            .unwrap()
            .split("</div>")
            .next()
            .unwrap();
        for needle in [
            escape(&best.strategy),
            escape(&tcosim::decide::format::short_money(best.p50)),
        ] {
            assert!(headline.contains(&needle), "{}: {headline}", run.stem);
        }
    }
}

#[test]
fn scenario_text_is_escaped_in_charts_and_report() {
    let text = std::fs::read_to_string(repo("scenarios/proof-of-concept.toml"))
        .unwrap()
        .replace(
            "name = \"AI proof of concept\"",
            "name = \"R&D <pilot> \\\"v2\\\"\"",
        )
        .replace(
            "name = \"Freelance\"\n",
            "name = \"Freelance <b>cheap</b> & fast\"\n",
        );
    assert!(text.contains("R&D <pilot>") && text.contains("<b>cheap</b>"));
    let dir = out_dir("escaped");
    let scenario = dir.join("odd.toml");
    std::fs::write(&scenario, text).unwrap();
    let run_dir = dir.join("run");
    let data = run_into(&scenario, 200, &[], &run_dir);
    let written = charts::write_all(&data, &run_dir, false, true).unwrap();
    for path in written {
        assert_svg(&std::fs::read_to_string(&path).unwrap(), "escaped svg");
    }
    let html = render_report(&data, &[]).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("R&amp;D &lt;pilot&gt; &quot;v2&quot;"));
    assert!(html.contains("Freelance &lt;b&gt;cheap&lt;/b&gt; &amp; fast"));
    assert!(!html.contains("<pilot>") && !html.contains("<b>cheap"));
}

#[test]
fn strategy_colours_are_fixed_by_position() {
    use charts::style::{CATEGORY_COLORS, hex, strategy_color};
    let okabe_ito = [
        "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
    ];
    for (i, want) in okabe_ito.iter().enumerate() {
        assert_eq!(hex(strategy_color(i)), *want);
        assert_eq!(hex(strategy_color(i + 8)), *want, "the palette cycles");
    }
    let mut cats: Vec<String> = CATEGORY_COLORS.iter().map(|c| hex(*c)).collect();
    cats.sort();
    cats.dedup();
    assert_eq!(cats.len(), CATEGORY_COLORS.len());
    // Every strategy's colour is drawn in every run chart.
    let run = &runs()[0];
    for chart in Chart::of_run(&run.data) {
        if ["breakdown", "sensitivity", "voi"].contains(&chart.name()) {
            continue; // coloured by category, by sign, by input
        }
        let svg = chart.to_svg().unwrap().to_lowercase();
        for s in 0..run.data.strategies.len() {
            assert!(
                svg.contains(&hex(strategy_color(s))),
                "{} lacks the colour of strategy {s}",
                chart.name()
            );
        }
    }
}

#[test]
fn comparison_charts_and_report() {
    let run = &runs()[0];
    let scenario = repo(&format!("scenarios/{}.toml", run.stem));
    let dir = out_dir("compare");
    let other = run_into(
        &scenario,
        300,
        &["--seed", "7", "--charts", "none"],
        &dir.join("seed7"),
    );
    let runs = vec![
        ("before".to_string(), run.data.clone()),
        ("after <seed 7>".to_string(), other),
    ];
    let written = charts::write_compare(&runs, &dir, true, true).unwrap();
    assert_eq!(written.len(), 2 * charts::COMPARE_CHARTS.len());
    for name in charts::COMPARE_CHARTS {
        assert_png(&dir.join("charts").join(format!("{name}.png")));
        let svg = std::fs::read_to_string(dir.join("charts").join(format!("{name}.svg"))).unwrap();
        assert_svg(&svg, name);
    }
    // The report with the section `tcosim compare` adds: what changed.
    let html = render_compare_report(&runs, &[changed_section(&runs)]).unwrap();
    assert_self_contained(&html);
    // Every difference is said once, in one section: no second, stale list
    // of inputs, and the medians' moves only in the change table.
    assert_eq!(
        html.matches("<h2>").count(),
        3,
        "Summary, Charts, What changed"
    );
    assert_eq!(html.matches("Run settings: ").count(), 1);
    assert!(!html.contains("What differs between the runs"));
    assert!(!html.contains("Medians from "));
    for chart in Chart::of_comparison(&runs) {
        assert!(html.contains(&chart.to_svg().unwrap()), "{}", chart.name());
    }
    assert!(html.contains("after &lt;seed 7&gt;"));
    let settings = format!("trials 400 → 300, seed {} → 7", run.data.seed);
    assert!(html.contains(&settings), "no `{settings}`");
    for s in &run.data.strategies {
        assert!(html.contains(&escape(s)));
    }
}

/// Renders every chart and report of every shipped scenario (and a
/// comparison of them) into $TCOSIM_REVIEW_DIR for a person to look at:
/// `TCOSIM_REVIEW_DIR=/tmp/review cargo test --test charts -- --ignored`.
/// $TCOSIM_REVIEW_RUNS, a `:`-separated list of run directories, adds
/// charts and a report to each of them.
#[test]
#[ignore]
fn render_for_review() {
    for dir in std::env::var("TCOSIM_REVIEW_RUNS")
        .unwrap_or_default()
        .split(':')
    {
        if !dir.is_empty() {
            let dir = Path::new(dir);
            let data = RunData::load(dir, None).unwrap();
            charts::write_all(&data, dir, true, true).unwrap();
            std::fs::write(dir.join("report.html"), render_report(&data, &[]).unwrap()).unwrap();
        }
    }
    let Ok(out) = std::env::var("TCOSIM_REVIEW_DIR") else {
        return;
    };
    let out = PathBuf::from(out);
    let mut all = Vec::new();
    for sc in shipped_scenarios() {
        let stem = sc.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = out.join(&stem);
        let data = run_into(&sc, 10_000, &[], &dir);
        charts::write_all(&data, &dir, true, true).unwrap();
        std::fs::write(dir.join("report.html"), render_report(&data, &[]).unwrap()).unwrap();
        all.push((stem, data));
    }
    let dir = out.join("compare");
    let _ = std::fs::remove_dir_all(&dir);
    let default = run_into(
        &repo("scenarios/default.toml"),
        10_000,
        &["--seed", "7"],
        &dir.join("seed7"),
    );
    let base = all.iter().find(|(stem, _)| stem == "default").unwrap();
    let runs = vec![
        ("default".to_string(), base.1.clone()),
        ("default, seed 7".to_string(), default),
    ];
    charts::write_compare(&runs, &dir, true, true).unwrap();
    std::fs::write(
        dir.join("report.html"),
        render_compare_report(&runs, &[changed_section(&runs)]).unwrap(),
    )
    .unwrap();
    charts::write_compare(&all, &out.join("compare-all"), true, true).unwrap();
}

mod commands {
    //! The chart commands end to end: `run --charts`, `charts RUN_DIR`,
    //! `compare`.
    use std::path::Path;

    use predicates::prelude::*;

    use super::common::{self, snapshot as files, tcosim, tmp};

    /// A quiet run of the built-in default scenario with 300 trials.
    fn run(out: &Path, extra: &[&str]) {
        let args: Vec<&str> = ["--trials", "300"]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        common::run_into(None, out, &args);
    }

    #[test]
    fn charts_none_skips_the_charts_and_the_report() {
        let tmp = tmp();
        let out = tmp.path().join("r");
        run(&out, &["--charts", "none"]);
        assert!(!out.join("charts").exists());
        assert!(!out.join("report.html").exists());
        tcosim()
            .arg("charts")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        assert!(out.join("report.html").is_file() && out.join("charts/cdf.svg").is_file());
        run(&out, &["--charts", "png"]);
        assert!(out.join("charts/cdf.png").is_file() && !out.join("charts/cdf.svg").exists());
        tcosim()
            .args(["run", "--charts", "gif"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("png,svg"));
    }

    #[test]
    fn charts_redraws_exactly_what_the_run_drew() {
        let tmp = tmp();
        let out = tmp.path().join("r");
        run(&out, &[]);
        let (charts, report) = (
            files(&out.join("charts")),
            std::fs::read(out.join("report.html")).unwrap(),
        );
        assert_eq!(charts.len(), 14);
        std::fs::remove_dir_all(out.join("charts")).unwrap();
        tcosim()
            .arg("charts")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        assert_eq!(files(&out.join("charts")), charts);
        assert_eq!(std::fs::read(out.join("report.html")).unwrap(), report);
        assert!(
            !std::fs::read_dir(&out).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.'))
        );
        // Without trials.csv the distribution cannot be redrawn: a clear error.
        let lean = tmp.path().join("lean");
        run(&lean, &["--no-trials-csv"]);
        assert!(lean.join("charts/distribution.png").is_file());
        // Both per-trial files are skipped.
        assert!(!lean.join("trials.csv").exists() && !lean.join("inputs.csv").exists());
        tcosim()
            .arg("charts")
            .arg(&lean)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--no-trials-csv"));
        tcosim()
            .arg("charts")
            .arg(tmp.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a tcosim results directory"));
    }

    #[test]
    fn a_run_of_an_older_layout_is_refused_with_a_clear_message() {
        let tmp = tmp();
        let out = tmp.path().join("r");
        run(&out, &["--charts", "none"]);
        // A run directory as the layout before cash and lost value wrote it.
        let path = out.join("manifest.json");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"schema_version\": 4"), "{text}");
        std::fs::write(
            &path,
            text.replace("\"schema_version\": 4", "\"schema_version\": 1"),
        )
        .unwrap();
        for cmd in ["charts", "compare"] {
            let mut c = tcosim();
            c.arg(cmd).arg(&out);
            if cmd == "compare" {
                c.arg(&out).arg("--out").arg(tmp.path().join("cmp"));
            }
            c.assert()
                .code(2)
                .stderr(predicate::str::contains("layout 1"))
                .stderr(predicate::str::contains("run the scenario again"));
        }
    }

    #[test]
    fn compare_overlays_runs() {
        let tmp = tmp();
        let (a, b) = (tmp.path().join("before"), tmp.path().join("after"));
        run(&a, &[]);
        run(&b, &["--seed", "7"]);
        let out = tmp.path().join("cmp");
        tcosim()
            .arg("compare")
            .arg(&a)
            .arg(&b)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "run,strategy,strategy_id,mean,p10,p50,p90,mean_change,mean_change_pct,p50_change,p50_change_pct"
        );
        assert_eq!(lines.len(), 1 + 2 * 4);
        assert!(
            lines[1].starts_with("before,Freelance,freelance,")
                && lines[5].starts_with("after,Freelance,freelance,")
        );
        // The medians match each run's summary.
        let p50 = |dir: &Path| -> Vec<String> {
            let mut r = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
            r.records().map(|x| x.unwrap()[9].to_string()).collect()
        };
        let from_cmp: Vec<String> = {
            let mut r = csv::Reader::from_path(out.join("compare.csv")).unwrap();
            r.records().map(|x| x.unwrap()[5].to_string()).collect()
        };
        assert_eq!(from_cmp, [p50(&a), p50(&b)].concat());
        for f in [
            "compare_cdf.png",
            "compare_cdf.svg",
            "compare_medians.png",
            "compare_medians.svg",
        ] {
            assert!(out.join("charts").join(f).is_file(), "{f}");
        }
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(html.contains("<svg") && !html.contains("<script") && !html.contains("src="));
        tcosim()
            .arg("compare")
            .arg(&a)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
    }
}

// ------------------------------------------------ issue 12: honest charts

use tcosim::present::charts::cost_over_time::drawn_series;
use tcosim::present::charts::sweep::{SweepData, heatmap_cell, strategy_letter};
use tcosim::present::charts::voi::voi_bars;

/// Every `<rect>` of an SVG with a fill: (fill, opacity).
fn rect_fills(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| {
            let fill = n.attribute("fill")?;
            (fill != "none").then(|| {
                (
                    fill.to_string(),
                    n.attribute("opacity").unwrap_or("1").to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn cost_over_time_has_no_jump_at_the_horizon() {
    let mut rings = 0;
    for run in runs() {
        let d = &run.data;
        let h = d.horizon as usize;
        let drawn = drawn_series(d);
        let series = cost_over_time_series(d);
        for (s, ds) in drawn.iter().enumerate() {
            let unfinished =
                d.summary[s].mean_categories[tcosim::model::Category::Unfinished] > 0.0;
            let last = *ds.line.last().unwrap();
            let at_horizon = series[s][h - 1];
            if unfinished {
                // The line stops a month before the horizon, at that month's
                // median; the TCO with unfinished work is its own marker.
                assert_eq!(last, ((h - 1) as f64, series[s][h - 2].p50), "{}", run.stem);
                assert_ne!(last.1, at_horizon.p50, "{}", run.stem);
                assert_eq!(
                    ds.horizon_marker,
                    Some((h as f64, at_horizon.p50)),
                    "{}",
                    run.stem
                );
                rings += 1;
            } else {
                assert_eq!(last, (h as f64, at_horizon.p50), "{}", run.stem);
                assert_eq!(ds.horizon_marker, None);
            }
        }
        // Bands for the two leaders only.
        assert_eq!(
            drawn.iter().filter(|x| x.band.is_some()).count(),
            2,
            "{}",
            run.stem
        );
        let svg = Chart::CostOverTime(d).to_svg().unwrap();
        let markers = drawn.iter().filter(|x| x.horizon_marker.is_some()).count();
        let circles = svg.matches("<circle").count();
        // Each ring is a white disc and a coloured ring; one more in the legend.
        let legend = usize::from(markers > 0);
        assert_eq!(circles, 2 * markers + legend, "{}", run.stem);
    }
    assert!(
        rings > 0,
        "no shipped scenario leaves work unfinished: the test checks nothing"
    );
}

#[test]
fn no_label_is_drawn_inside_the_cost_over_time_plot() {
    // The target launch and crossing lines are explained in the legend, so
    // no line can cut through a label: every text sits above the plot's top
    // edge or below its bottom (ticks, axis names, note) or left of it.
    for run in runs() {
        let svg = Chart::CostOverTime(&run.data).to_svg().unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let text: String = t.descendants().filter_map(|n| n.text()).collect();
            if text.starts_with("target launch") || text.contains("cheaper than") {
                let y: f64 = t.attribute("y").unwrap().parse().unwrap();
                assert!(
                    y < 160.0,
                    "{}: \"{text}\" at y {y} is inside the plot",
                    run.stem
                );
            }
        }
    }
}

/// A two-key sweep whose points are won by every strategy in turn.
fn sweep_won_by_each(data: &RunData) -> SweepData {
    let n = data.strategies.len();
    let points: Vec<Vec<tcosim::stats::Summary>> = (0..2 * n)
        .map(|k| {
            let mut p = data.summary.clone();
            for (s, sm) in p.iter_mut().enumerate() {
                sm.p50 = if s == k % n { 1.0 } else { 2.0 };
                sm.prob_cheapest = if s == k % n {
                    0.2 + 0.3 * (k / n) as f64
                } else {
                    0.1
                };
            }
            p
        })
        .collect();
    SweepData {
        name: data.name.clone(),
        trials: data.trials,
        seed: data.seed,
        keys: vec!["a".into(), "b".into()],
        values: vec![vec![1.0, 2.0], (0..n).map(|i| i as f64).collect()],
        strategies: data.strategies.clone(),
        points,
    }
}

#[test]
fn heat_map_gives_each_strategy_one_full_colour_and_writes_its_confidence() {
    let run = &runs()[0];
    let sweep = sweep_won_by_each(&run.data);
    let n = sweep.strategies.len();
    let svg = Chart::SweepHeatmap(&sweep).to_svg().unwrap();
    let fills = rect_fills(&svg);
    // Nothing is drawn translucent: confidence never changes a hue.
    assert!(fills.iter().all(|(_, o)| o == "1"), "{fills:?}");
    let palette: Vec<String> = (0..n)
        .map(|s| {
            let c = tcosim::present::charts::style::strategy_color(s);
            format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
        })
        .collect();
    // Every strategy's colour fills its two cells (and its legend swatch),
    // and those colours are distinct.
    for (s, hex) in palette.iter().enumerate() {
        let cells = fills.iter().filter(|(f, _)| f == hex).count();
        assert_eq!(cells, 3, "strategy {s} ({hex}): {fills:?}");
    }
    let mut distinct = palette.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), n);
    // The cells say which strategy and how sure, in text.
    for k in 0..2 * n {
        let (color, text) = heatmap_cell(&sweep, k);
        assert_eq!(color, tcosim::present::charts::style::strategy_color(k % n));
        let p = if k < n { "20.0%" } else { "50.0%" };
        assert_eq!(text, format!("{} {p}", strategy_letter(k % n)));
        assert!(svg.contains(&format!("\n{text}\n")), "{text}");
    }
    assert!(svg.contains(&format!("{}: {}", strategy_letter(0), sweep.strategies[0])));
}

#[test]
fn sensitivity_legend_says_in_words_which_strategy_a_higher_input_favours() {
    for run in runs() {
        let d = &run.data;
        let svg = Chart::Sensitivity(d).to_svg().unwrap();
        let (a, b) = tcosim::present::decision::leaders(d).unwrap();
        let (first, second) = (&d.strategies[a], &d.strategies[b]);
        let esc = |s: &str| escape(s);
        assert!(
            svg.contains(&esc(&format!("higher input favours {second}"))),
            "{}",
            run.stem
        );
        assert!(
            svg.contains(&esc(&format!("higher input favours {first}"))),
            "{}",
            run.stem
        );
        assert!(
            !svg.contains(&esc(&format!("{first} - {second}"))),
            "{}",
            run.stem
        );
        // The dark bars (positive rho: the first gets dearer) favour the
        // second: checked on the data behind the bars.
        let (target, _) = d.difference_drivers().unwrap();
        assert_eq!(target, format!("{first} - {second}"));
    }
}

#[test]
fn voi_chart_shows_voi_csv_ranked() {
    for run in runs() {
        let d = &run.data;
        let csv = Csv::read(&run.dir.join("voi.csv"));
        assert_eq!(csv.rows.len(), d.voi.len(), "{}", run.stem);
        let bars = voi_bars(d);
        assert_eq!(bars.len(), d.voi.len().min(charts::voi::TOP));
        for (i, b) in bars.iter().enumerate() {
            // voi.csv is written largest first; the chart keeps that order.
            assert_eq!(b.input, csv.text(i, "input"), "{}", run.stem);
            assert_eq!(b.evppi, csv.num(i, "evppi"));
            assert_eq!(b.bias, csv.num(i, "bias"));
            let se = csv.num(i, "se");
            assert!((b.high - b.evppi - 1.959964 * se).abs() < 1e-6);
            assert!(b.low >= 0.0 && b.low <= b.evppi);
        }
        assert!(bars.windows(2).all(|w| w[0].evppi >= w[1].evppi));
        let svg = Chart::Voi(d).to_svg().unwrap();
        assert!(
            svg.contains("cash + lost value"),
            "{}: the objective is named",
            run.stem
        );
    }
}

#[test]
fn sensitivity_is_in_dollars_and_matches_a_closed_form() {
    use tcosim::stats::analysis::decile_effect;
    // x evenly spread on [0, 1] (1,000 trials), the target 500 x: the top
    // decile (x >= 0.9: trials 900..999, mean 949.5/999) minus the bottom
    // (x <= 0.1: trials 0..99, mean 49.5/999) is 500 * 900 / 999.
    let x: Vec<f64> = (0..1000).map(|t| t as f64 / 999.0).collect();
    let y: Vec<f64> = x.iter().map(|v| 500.0 * v).collect();
    let got = decile_effect(&x, 0.1, 0.9, &y);
    assert!((got - 500.0 * 900.0 / 999.0).abs() < 1e-9, "{got}");
    // No spread, no effect.
    assert_eq!(decile_effect(&[1.0; 10], 1.0, 1.0, &[5.0; 10]), 0.0);
    // The chart's bars are sensitivity.csv's dollar column for the
    // difference target: the row of kind `difference` whose strategy and
    // versus the chart's label names.
    for run in runs() {
        let csv = Csv::read(&run.dir.join("sensitivity.csv"));
        assert_eq!(
            csv.header.join(","),
            "input,target_kind,strategy,strategy_id,versus,versus_id,rho,top_minus_bottom_decile"
        );
        let (target, bars) = charts::sensitivity::tornado_bars(&run.data).unwrap();
        for (input, dollars) in &bars {
            let row = (0..csv.rows.len())
                .find(|&r| {
                    csv.text(r, "input") == input
                        && csv.text(r, "target_kind") == "difference"
                        && format!("{} - {}", csv.text(r, "strategy"), csv.text(r, "versus"))
                            == target
                })
                .unwrap();
            assert_eq!(*dollars, csv.num(row, "top_minus_bottom_decile"));
        }
        assert!(bars.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()));
    }
}

#[test]
fn distribution_shades_the_trials_retired_for_lack_of_traction() {
    use tcosim::present::charts::distribution::retired_counts;
    let mut shaded = 0;
    for run in runs() {
        let d = &run.data;
        let bins = distribution_bins(d);
        let csv = Csv::read(&run.dir.join("trials.csv"));
        // The flags are trials.csv's, strategy by strategy in trial order.
        for (s, name) in d.strategies.iter().enumerate() {
            let want: Vec<bool> = (0..csv.rows.len())
                .filter(|&r| csv.text(r, "strategy") == name)
                .map(|r| csv.text(r, "retired") == "1")
                .collect();
            assert_eq!(d.retired[s], want, "{} {name}", run.stem);
        }
        let Some(retired) = retired_counts(d, &bins) else {
            assert!(d.retired.iter().flatten().all(|r| !r), "{}", run.stem);
            continue;
        };
        shaded += 1;
        for (s, counts) in retired.iter().enumerate() {
            // Never more retired trials in a bin than trials.
            assert!(counts.iter().zip(&bins.counts[s]).all(|(r, c)| r <= c));
            let drawn = d.totals[s]
                .iter()
                .zip(&d.retired[s])
                .filter(|(x, r)| **r && **x <= bins.hi())
                .count() as u64;
            assert_eq!(counts.iter().sum::<u64>(), drawn, "{}", run.stem);
        }
        let svg = Chart::Distribution(d).to_svg().unwrap();
        assert!(svg.contains("retired for lack of traction"), "{}", run.stem);
    }
    assert!(
        shaded > 0,
        "no shipped scenario retires a product: the test checks nothing"
    );
}

/// Every chart and section that speaks of "the leaders" speaks of the
/// verdict's two strategies (`decide::verdict::contenders`): sensitivity.csv's
/// difference, the sensitivity chart, "What would change the answer" and
/// the cost-over-time bands. With a 3-month horizon Freelance and
/// "Freelance, then hire" are the same strategy: the two lowest medians are
/// those twins, while the verdict compares Freelance with another strategy,
/// and so must everything else.
#[test]
fn the_leaders_are_the_verdicts_two_everywhere() {
    let dir = out_dir("leaders-h3");
    let h3 = run_into(
        &repo("scenarios/default.toml"),
        10_000,
        &["--charts", "none", "--horizon", "3"],
        &dir,
    );
    let (a, b) = tcosim::present::decision::leaders(&h3).unwrap();
    assert_eq!(h3.strategies[a], "Freelance");
    assert_ne!(h3.strategies[b], "Freelance, then hire", "its twin");
    assert_ne!(
        tcosim::stats::ranking::Ranking::of(&h3.summary).leaders(),
        Some((a, b)),
        "the case where the two lowest medians are not the verdict's two"
    );
    for d in runs().iter().map(|r| &r.data).chain([&h3]) {
        let (a, b) = tcosim::present::decision::leaders(d).unwrap();
        let (na, nb) = (&d.strategies[a], &d.strategies[b]);
        // The verdict's main sentence compares these two.
        let brief = tcosim::present::decision::brief(d).concat();
        assert!(
            brief.contains(na.as_str()) && brief.contains(nb.as_str()),
            "{brief}"
        );
        // sensitivity.csv explains their difference.
        let (target, _) = d.difference_drivers().unwrap();
        assert_eq!(target, format!("{na} - {nb}"));
        // The sensitivity chart names them in its legend.
        let svg = Chart::Sensitivity(d).to_svg().unwrap();
        for n in [na, nb] {
            assert!(
                svg.contains(&escape(&format!("higher input favours {n}"))),
                "{n}"
            );
        }
        // The report's "what would change" names them.
        let change = tcosim::present::decision::what_would_change(d).unwrap();
        assert!(
            change.contains(&format!("<b>{}</b> and <b>{}</b>", escape(na), escape(nb))),
            "{change}"
        );
        // voi.csv's choice without information (the lowest mean) is one of
        // them, so "What to learn first" starts from the verdict's pair.
        for row in &d.voi {
            assert!(
                [a, b].contains(&row.choice_now),
                "{}: choice_now {}",
                row.input,
                d.strategies[row.choice_now]
            );
        }
        // Only they have bands in the cost over time.
        let banded: Vec<usize> = drawn_series(d)
            .iter()
            .enumerate()
            .filter(|(_, s)| s.band.is_some())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(banded, [a.min(b), a.max(b)]);
        let svg = Chart::CostOverTime(d).to_svg().unwrap();
        let (lo, hi) = (a.min(b), a.max(b));
        // (The apostrophe of "verdict's" is left out: SVG writers escape
        // it in different ways.)
        let note = format!("s two ({} and {})", d.strategies[lo], d.strategies[hi]);
        assert!(svg.contains(&escape(&note)), "{note}");
    }
}

/// Issue 12: compare charts legible with many lines. Curves that coincide
/// (with a 3-month horizon Freelance and "Freelance, then hire" are the same
/// strategy) are named in the legend instead of one hiding the other, in
/// the run's S-curves and in a comparison; runs are told apart by dashes
/// that all differ.
#[test]
fn coinciding_curves_are_said_and_runs_have_distinct_dashes() {
    let dir = out_dir("coinciding");
    let d = run_into(
        &repo("scenarios/default.toml"),
        2_000,
        &["--charts", "none", "--horizon", "3"],
        &dir.join("h3"),
    );
    let esc = |s: &str| escape(s);
    let svg = Chart::Cdf(&d).to_svg().unwrap();
    assert!(svg.contains("Drawn on top of each other:"), "cdf");
    let group = svg
        .lines()
        .find(|l| l.contains(&esc("Freelance, then hire")) && l.contains(" = "))
        .unwrap_or_else(|| panic!("no group naming the twins in the cdf"));
    assert!(group.contains("Freelance ="), "{group}");
    // The shipped default (36 months) has no two curves alike.
    let default = runs().iter().find(|r| r.stem == "default").unwrap();
    let svg = Chart::Cdf(&default.data).to_svg().unwrap();
    assert!(!svg.contains("Drawn on top of each other"));
    // Nine lines and more: three runs of the twins; each run's group named
    // with its label.
    let runs = vec![
        ("a".to_string(), d.clone()),
        ("b".to_string(), d.clone()),
        ("c".to_string(), default.data.clone()),
    ];
    let svg = Chart::CompareCdf(&runs).to_svg().unwrap();
    assert!(svg.contains("Drawn on top of each other:"));
    assert!(
        svg.lines()
            .any(|l| l.contains(&esc("Freelance, then hire in a = b"))),
        "the same curve in runs a and b is named"
    );
    let dashes = tcosim::present::charts::style::RUN_DASHES;
    for (i, x) in dashes.iter().enumerate() {
        assert!(!dashes[..i].contains(x), "run dash {i} repeats");
    }
}

/// A text's box in an SVG chart, estimated: half an em per character (the
/// bundled DejaVu Sans is wider, so a box found overlapping overlaps), the
/// height of the font, placed by its anchor and its `dy` as plotters
/// writes them. Rotated texts (the y axis description) are left out.
fn text_boxes(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("transform").is_none())
        .filter_map(|n| {
            let body = n.text()?.trim().to_string();
            let num = |a: &str| n.attribute(a)?.parse::<f64>().ok();
            let (x, y, size) = (num("x")?, num("y")?, num("font-size")?);
            let w = 0.5 * size * body.chars().count() as f64;
            let x0 = match n.attribute("text-anchor") {
                Some("middle") => x - w / 2.0,
                Some("end") => x - w,
                _ => x,
            };
            let top = match n.attribute("dy") {
                Some("0.76em") => y,
                Some("0.5ex") => y - size / 2.0,
                Some("-0.5ex") => y - size,
                _ => y - 0.8 * size,
            };
            (!body.is_empty()).then_some((x0, top, x0 + w, top + 0.9 * size, body))
        })
        .collect()
}

/// Pairs of texts whose boxes overlap by more than a pixel each way.
fn overlapping_texts(svg: &str) -> Vec<(String, String)> {
    let b = text_boxes(svg);
    let mut out = Vec::new();
    for (i, p) in b.iter().enumerate() {
        for q in &b[i + 1..] {
            if p.0 < q.2 - 1.0 && q.0 < p.2 - 1.0 && p.1 < q.3 - 1.0 && q.1 < p.3 - 1.0 {
                out.push((p.4.clone(), q.4.clone()));
            }
        }
    }
    out
}

/// Issue 12: no annotation over another, in any chart of the shipped
/// scenarios, of a run with coinciding curves, of a comparison of four
/// runs and of a two-key sweep's heat map (the texts' estimated boxes never
/// overlap); the check itself catches two texts at one place.
#[test]
fn no_text_is_drawn_over_another_in_any_chart() {
    let two = "<svg xmlns=\"http://www.w3.org/2000/svg\">\
               <text x=\"10\" y=\"10\" font-size=\"16\">first label</text>\
               <text x=\"30\" y=\"12\" font-size=\"16\">second</text></svg>";
    assert_eq!(
        overlapping_texts(two).len(),
        1,
        "the check catches an overlap"
    );
    let dir = out_dir("overlaps");
    let h3 = run_into(
        &repo("scenarios/default.toml"),
        2_000,
        &["--charts", "none", "--horizon", "3"],
        &dir.join("h3"),
    );
    let mut datas: Vec<&RunData> = runs().iter().map(|r| &r.data).collect();
    datas.push(&h3);
    let mut checked = 0;
    for d in &datas {
        for chart in Chart::of_run(d) {
            let svg = chart.to_svg().unwrap();
            let over = overlapping_texts(&svg);
            assert!(over.is_empty(), "{} of {}: {over:?}", chart.name(), d.name);
            checked += 1;
        }
    }
    let compared: Vec<(String, RunData)> = runs()
        .iter()
        .map(|r| (r.stem.clone(), r.data.clone()))
        .chain([("h3".to_string(), h3.clone())])
        .collect();
    for chart in Chart::of_comparison(&compared) {
        let svg = chart.to_svg().unwrap();
        let over = overlapping_texts(&svg);
        assert!(over.is_empty(), "{}: {over:?}", chart.name());
        checked += 1;
    }
    // A two-key sweep's heat map, each strategy winning somewhere.
    let sweep = sweep_won_by_each(&runs()[0].data);
    let svg = Chart::SweepHeatmap(&sweep).to_svg().unwrap();
    let over = overlapping_texts(&svg);
    assert!(over.is_empty(), "sweep heat map: {over:?}");
    checked += 1;
    assert_eq!(checked, 7 * datas.len() + 3);
}
