//! What changed between runs: each strategy's median and mean in every run
//! with its change against the first, the strategy with the lowest median
//! if it moved, the run settings and every key of the scenario files that
//! differs (added, removed, changed). One module, so `compare`, a re-run
//! (against `<out>/previous/`) and `watch` say it the same way.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::decide::best_by_median;
use crate::decide::format::{short_money, thousands};
use crate::decide::verdict::{self, Evidence, Lead, PairDifference};
use crate::output::manifest::Manifest;
use crate::output::rundata::RunData;
use crate::output::schema::{self, ComparisonRecord, CsvFile, SummaryRecord};
use crate::present::html::escape;
use crate::stats::Summary;

/// What a change table needs of one run.
#[derive(Debug, Clone)]
pub struct RunFigures {
    /// How the run is named in the table (a directory name, "previous").
    pub label: String,
    /// Seed of the run.
    pub seed: u64,
    /// Trials of the run.
    pub trials: u64,
    /// Months simulated.
    pub horizon: u32,
    /// summary.csv, in strategy order.
    pub summary: Vec<Summary>,
    /// The scenario text the run used (its scenario.toml).
    pub scenario_text: String,
    /// Whom its verdict leads with (from summary.csv and comparison.csv).
    pub lead: Lead,
}

impl RunFigures {
    /// The figures of a loaded run.
    pub fn from_data(label: &str, data: &RunData) -> RunFigures {
        RunFigures {
            label: label.to_string(),
            seed: data.seed,
            trials: data.trials,
            horizon: data.horizon,
            summary: data.summary.clone(),
            scenario_text: data.scenario_text.clone(),
            lead: verdict::lead(&crate::present::decision::evidence(data)),
        }
    }

    /// Reads a whole run's figures from its directory: its manifest (of the
    /// layout this version reads, and not a shard: a shard's summary is not
    /// the run's), summary.csv and scenario.toml.
    pub fn load(dir: &Path, label: &str) -> Result<RunFigures> {
        let remedy = "run the scenario again to compare with it";
        let manifest = Manifest::read(&dir.join("manifest.json"), remedy)?;
        manifest.verify_files(dir, &["summary.csv", "scenario.toml"], remedy)?;
        if let Some(s) = manifest.shard {
            bail!(
                "{} holds shard {}/{} of a run, not a whole run",
                dir.display(),
                s.index,
                s.count
            );
        }
        let summary: Vec<Summary> = schema::read_file::<SummaryRecord>(dir)?
            .into_iter()
            .map(Summary::from)
            .collect();
        if summary.is_empty() {
            bail!("{} has no strategies", dir.join("summary.csv").display());
        }
        let path = dir.join("scenario.toml");
        let scenario_text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // The verdict's lead needs the trial-by-trial comparisons.
        let mut pairs = Vec::new();
        if dir.join(ComparisonRecord::FILE).is_file() {
            manifest.verify_files(dir, &[ComparisonRecord::FILE], remedy)?;
            let index = |name: &str| {
                summary
                    .iter()
                    .position(|s| s.strategy == name)
                    .with_context(|| {
                        format!(
                            "{}: strategy {name:?} is not in summary.csv",
                            dir.join(ComparisonRecord::FILE).display()
                        )
                    })
            };
            for c in schema::read_file::<ComparisonRecord>(dir)? {
                pairs.push((
                    index(&c.strategy_a)?,
                    index(&c.strategy_b)?,
                    PairDifference::from(&c),
                ));
            }
        }
        let lead = verdict::lead(&Evidence {
            summaries: &summary,
            pairs,
            trials: manifest.trials,
            horizon: manifest.horizon_months,
            target_launch_month: None,
        });
        Ok(RunFigures {
            label: label.to_string(),
            seed: manifest.seed,
            trials: manifest.trials,
            horizon: manifest.horizon_months,
            summary,
            scenario_text,
            lead,
        })
    }

    fn strategy(&self, name: &str) -> Option<&Summary> {
        self.summary.iter().find(|s| s.strategy == name)
    }
}

/// One difference between two scenario files: the key path (TOML dotted
/// keys, strategies by name: `strategies."Freelance, then hire".phases`) and
/// its value before and after as inline TOML (`None`: absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The key path.
    pub key: String,
    /// Its value in the earlier run.
    pub before: Option<String>,
    /// Its value in the later run.
    pub after: Option<String>,
}

impl Difference {
    /// "added", "removed" or "changed".
    pub fn kind(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        }
    }
}

/// Every key whose value differs between two scenario texts, compared as
/// parsed TOML tables (comments, layout and key order do not count; an
/// integer and a float of the same value are equal). Tables are compared key
/// by key; an array of tables that all have distinct `name`s (strategies)
/// by name, other arrays of tables (correlations) by position; any other
/// value as a whole. In file order: keys of `before` first, then keys only
/// `after` has.
pub fn scenario_differences(before: &str, after: &str) -> Result<Vec<Difference>> {
    let a: toml::Table = before
        .parse()
        .context("the earlier scenario is not valid TOML")?;
    let b: toml::Table = after
        .parse()
        .context("the later scenario is not valid TOML")?;
    let mut out = Vec::new();
    diff_tables("", &a, &b, &mut out);
    Ok(out)
}

fn diff_tables(prefix: &str, a: &toml::Table, b: &toml::Table, out: &mut Vec<Difference>) {
    for (k, va) in a {
        diff_values(&join(prefix, &key_segment(k)), Some(va), b.get(k), out);
    }
    for (k, vb) in b {
        if !a.contains_key(k) {
            diff_values(&join(prefix, &key_segment(k)), None, Some(vb), out);
        }
    }
}

fn diff_values(
    key: &str,
    a: Option<&toml::Value>,
    b: Option<&toml::Value>,
    out: &mut Vec<Difference>,
) {
    use toml::Value;
    match (a, b) {
        (Some(Value::Table(x)), Some(Value::Table(y))) => diff_tables(key, x, y, out),
        (Some(Value::Array(x)), Some(Value::Array(y)))
            if all_tables(x) && all_tables(y) && !(x.is_empty() && y.is_empty()) =>
        {
            match (named(x), named(y)) {
                (Some(nx), Some(ny)) => {
                    for (name, tx) in &nx {
                        let ty = ny.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
                        let k = format!("{key}.{}", key_segment(name));
                        match ty {
                            Some(ty) => diff_tables(&k, tx, ty, out),
                            None => push(out, &k, Some(&table_value(tx)), None),
                        }
                    }
                    for (name, ty) in &ny {
                        if !nx.iter().any(|(n, _)| n == name) {
                            let k = format!("{key}.{}", key_segment(name));
                            push(out, &k, None, Some(&table_value(ty)));
                        }
                    }
                }
                _ => {
                    for i in 0..x.len().max(y.len()) {
                        diff_values(&format!("{key}[{i}]"), x.get(i), y.get(i), out);
                    }
                }
            }
        }
        (Some(x), Some(y)) if same_value(x, y) => {}
        (None, None) => {}
        (x, y) => push(out, key, x, y),
    }
}

fn push(out: &mut Vec<Difference>, key: &str, a: Option<&toml::Value>, b: Option<&toml::Value>) {
    out.push(Difference {
        key: key.to_string(),
        before: a.map(inline),
        after: b.map(inline),
    });
}

fn table_value(t: &toml::Table) -> toml::Value {
    toml::Value::Table(t.clone())
}

fn all_tables(v: &[toml::Value]) -> bool {
    v.iter().all(|x| x.is_table())
}

/// The tables of an array by their `name`, if every one has a distinct
/// string name.
fn named(v: &[toml::Value]) -> Option<Vec<(String, &toml::Table)>> {
    let mut out: Vec<(String, &toml::Table)> = Vec::new();
    for x in v {
        let t = x.as_table()?;
        let name = t.get("name")?.as_str()?.to_string();
        if out.iter().any(|(n, _)| *n == name) {
            return None;
        }
        out.push((name, t));
    }
    Some(out)
}

/// Equal values, an integer equal to a float of the same value included.
fn same_value(a: &toml::Value, b: &toml::Value) -> bool {
    use toml::Value;
    match (a, b) {
        (Value::Integer(i), Value::Float(f)) | (Value::Float(f), Value::Integer(i)) => {
            *i as f64 == *f
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Table(x), Value::Table(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

fn join(prefix: &str, segment: &str) -> String {
    if prefix.is_empty() {
        segment.to_string()
    } else {
        format!("{prefix}.{segment}")
    }
}

/// A key as TOML writes it: bare if it can be, quoted otherwise.
fn key_segment(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as inline TOML, on one line.
fn inline(v: &toml::Value) -> String {
    use toml::Value;
    match v {
        Value::String(s) => quoted(s),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => {
            let s = f.to_string();
            if f.is_finite() && !s.contains(['.', 'e', 'E']) {
                format!("{s}.0")
            } else {
                s
            }
        }
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Value::Table(t) if t.is_empty() => "{}".to_string(),
        Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{} = {}", key_segment(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The run settings that differ from `base` (trials, horizon, seed), as
/// "trials 10,000 → 2,000".
pub fn setting_differences(base: &RunFigures, run: &RunFigures) -> Vec<String> {
    let mut out = Vec::new();
    if base.trials != run.trials {
        out.push(format!(
            "trials {} → {}",
            thousands(base.trials),
            thousands(run.trials)
        ));
    }
    if base.horizon != run.horizon {
        out.push(format!("horizon {} → {} months", base.horizon, run.horizon));
    }
    if base.seed != run.seed {
        out.push(format!("seed {} → {}", base.seed, run.seed));
    }
    out
}

/// Why `run` and `base` are not comparable when their horizons differ
/// (`None` when they are the same).
pub fn horizon_mismatch(base: &RunFigures, run: &RunFigures) -> Option<String> {
    (base.horizon != run.horizon).then(|| {
        format!(
            "{} covers {} months and {} covers {}: totals over different horizons are not comparable (much of the change is the {} months)",
            run.label,
            run.horizon,
            base.label,
            base.horizon,
            if run.horizon > base.horizon {
                "extra"
            } else {
                "missing"
            }
        )
    })
}

/// Warnings about comparing `run` with `base`: totals over different
/// horizons are not comparable; different trial counts give different Monte
/// Carlo precision (the comparison stays valid).
pub fn comparability_warnings(base: &RunFigures, run: &RunFigures) -> Vec<String> {
    let mut out: Vec<String> = horizon_mismatch(base, run).into_iter().collect();
    if base.trials != run.trials {
        out.push(format!(
            "{} has {} trials and {} has {}: their Monte Carlo precision differs (the comparison is still valid)",
            run.label,
            thousands(run.trials),
            base.label,
            thousands(base.trials)
        ));
    }
    out
}

/// A change of money: "+$34.1k", "-$950", "$0".
pub fn signed_money(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", short_money(x))
    } else if x < 0.0 {
        short_money(x)
    } else {
        "$0".to_string()
    }
}

/// The change from `before` to `after` in dollars and, when `before` is
/// not zero, percent of `before`.
pub fn change(before: f64, after: f64) -> (f64, Option<f64>) {
    let d = after - before;
    (d, (before != 0.0).then(|| 100.0 * d / before))
}

fn change_text(before: f64, after: f64) -> String {
    match change(before, after) {
        (d, Some(p)) => format!("{} ({p:+.1}%)", signed_money(d)),
        (d, None) => signed_money(d),
    }
}

/// The strategies of all runs, each once, in order of first appearance.
fn strategy_union(runs: &[RunFigures]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in runs {
        for s in &r.summary {
            if !out.contains(&s.strategy) {
                out.push(s.strategy.clone());
            }
        }
    }
    out
}

/// The rows of the change table: strategy (on its first row only), run,
/// P50, its change, mean, its change.
fn table_rows(runs: &[RunFigures]) -> Vec<[String; 6]> {
    let Some(base) = runs.first() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for name in strategy_union(runs) {
        let b = base.strategy(&name);
        for (k, r) in runs.iter().enumerate() {
            let strategy = if k == 0 { name.clone() } else { String::new() };
            let row = match (r.strategy(&name), b) {
                (Some(s), Some(bs)) if k > 0 => [
                    strategy,
                    r.label.clone(),
                    short_money(s.p50),
                    change_text(bs.p50, s.p50),
                    short_money(s.mean),
                    change_text(bs.mean, s.mean),
                ],
                (Some(s), Some(_)) => [
                    strategy,
                    r.label.clone(),
                    short_money(s.p50),
                    String::new(),
                    short_money(s.mean),
                    String::new(),
                ],
                (Some(s), None) => [
                    strategy,
                    r.label.clone(),
                    short_money(s.p50),
                    "added".to_string(),
                    short_money(s.mean),
                    "added".to_string(),
                ],
                (None, Some(_)) => [
                    strategy,
                    r.label.clone(),
                    "—".to_string(),
                    "removed".to_string(),
                    "—".to_string(),
                    "removed".to_string(),
                ],
                (None, None) => [
                    strategy,
                    r.label.clone(),
                    "—".to_string(),
                    String::new(),
                    "—".to_string(),
                    String::new(),
                ],
            };
            rows.push(row);
        }
    }
    rows
}

const HEADER: [&str; 6] = [
    "strategy",
    "run",
    "median (P50)",
    "change",
    "mean",
    "change",
];

/// The change table as plain text: per strategy, one row per run with its
/// median and mean, and for every run after the first the change against
/// the first in dollars and percent.
pub fn change_table(runs: &[RunFigures]) -> String {
    let rows = table_rows(runs);
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([HEADER[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let w: Vec<usize> = (0..6).map(width).collect();
    let mut out = String::new();
    let line = |cells: [&str; 6], out: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = w[i].saturating_sub(c.chars().count());
            if i < 2 {
                l.push_str(c);
                l.push_str(&" ".repeat(pad));
            } else {
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            }
            if i < 5 {
                l.push_str("  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(HEADER, &mut out);
    let dashes: Vec<String> = w.iter().map(|n| "-".repeat(*n)).collect();
    line(
        [
            &dashes[0], &dashes[1], &dashes[2], &dashes[3], &dashes[4], &dashes[5],
        ],
        &mut out,
    );
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]], &mut out);
    }
    out
}

/// For each run after the first: "Lowest median moved: A (before) → B
/// (after)." when the strategy with the lowest median differs from the
/// first run's, "Lowest median: still A." otherwise; then whether the
/// verdict moved ([`verdict::lead_line`]: whom it leads with, or which two
/// it calls close).
pub fn leader_lines(runs: &[RunFigures]) -> Vec<String> {
    let Some((base, rest)) = runs.split_first() else {
        return Vec::new();
    };
    let leader = |r: &RunFigures| r.summary[best_by_median(&r.summary)].strategy.clone();
    let first = leader(base);
    rest.iter()
        .flat_map(|r| {
            let l = leader(r);
            let median = if l == first {
                format!(
                    "Lowest median in {}: still {first}, as in {}.",
                    r.label, base.label
                )
            } else {
                format!(
                    "Lowest median moved: {first} in {} → {l} in {}.",
                    base.label, r.label
                )
            };
            std::iter::once(median).chain(verdict::lead_line(
                (&base.label, &base.lead),
                (&r.label, &r.lead),
            ))
        })
        .collect()
}

/// Longest value shown in the terminal before it is cut with "…".
const SHOWN: usize = 72;

fn shorten(s: &str) -> String {
    if s.chars().count() <= SHOWN {
        s.to_string()
    } else {
        let cut: String = s.chars().take(SHOWN - 1).collect();
        format!("{cut}…")
    }
}

/// Each difference on a line: "changed  key: before → after".
pub fn difference_lines(diffs: &[Difference]) -> Vec<String> {
    diffs
        .iter()
        .map(|d| match (&d.before, &d.after) {
            (Some(a), Some(b)) => format!("changed  {}: {} → {}", d.key, shorten(a), shorten(b)),
            (None, Some(b)) => format!("added    {}: {}", d.key, shorten(b)),
            (Some(a), None) => format!("removed  {}: {}", d.key, shorten(a)),
            (None, None) => format!("         {}", d.key),
        })
        .collect()
}

/// The whole plain-text account of what changed from `runs[0]` to each
/// later run: the change table, the lowest median, then for each later run
/// its settings and every scenario key that differs. Comparability
/// warnings are not included ([`comparability_warnings`]).
pub fn report_text(runs: &[RunFigures]) -> String {
    let mut out = change_table(runs);
    for l in leader_lines(runs) {
        let _ = writeln!(out, "{l}");
    }
    if let Some((base, rest)) = runs.split_first() {
        for r in rest {
            let _ = writeln!(out, "What differs, {} against {}:", r.label, base.label);
            let settings = setting_differences(base, r);
            if !settings.is_empty() {
                let _ = writeln!(out, "  run settings: {}", settings.join(", "));
            }
            match scenario_differences(&base.scenario_text, &r.scenario_text) {
                Ok(d) if d.is_empty() => {
                    let _ = writeln!(out, "  the scenario files are the same");
                }
                Ok(d) => {
                    for l in difference_lines(&d) {
                        let _ = writeln!(out, "  {l}");
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "  the scenario files cannot be compared: {e:#}");
                }
            }
        }
    }
    out
}

/// What changed against the previous run kept in `<dir>/previous/`, as
/// plain text with the comparability warnings first; `Ok(None)` when there
/// is no `previous/summary.csv`.
pub fn against_previous(dir: &Path) -> Result<Option<String>> {
    Ok(previous_and_this(dir)?.map(|(before, after)| changes_text(&before, &after)))
}

/// The figures of the previous run kept in `<dir>/previous/` and of the run
/// in `dir`, labelled "previous" and "this run"; `Ok(None)` when there is
/// no `previous/summary.csv`.
pub fn previous_and_this(dir: &Path) -> Result<Option<(RunFigures, RunFigures)>> {
    let prev_dir = dir.join("previous");
    if !prev_dir.join("summary.csv").is_file() {
        return Ok(None);
    }
    let before = RunFigures::load(&prev_dir, "previous")
        .with_context(|| format!("{} is not comparable", prev_dir.display()))?;
    let after = RunFigures::load(dir, "this run")?;
    Ok(Some((before, after)))
}

/// What changed from `before` to `after`: warnings, then [`report_text`].
pub fn changes_text(before: &RunFigures, after: &RunFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Changes against the {} run:", before.label);
    for w in comparability_warnings(before, after) {
        let _ = writeln!(out, "warning: {w}");
    }
    out.push_str(&report_text(&[before.clone(), after.clone()]));
    out
}

/// The change table and every difference as an HTML section body (for a
/// comparison report's extra section); every text escaped.
pub fn report_html(runs: &[RunFigures]) -> String {
    let mut out = String::from("<div class=\"scroll\">\n<table>\n<tr>");
    for (i, h) in HEADER.iter().enumerate() {
        let class = if i < 2 { " class=\"text\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for r in table_rows(runs) {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i < 2 { " class=\"text\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</div>\n");
    for l in leader_lines(runs) {
        let _ = writeln!(out, "<p>{}</p>", escape(&l));
    }
    if let Some((base, rest)) = runs.split_first() {
        for r in rest {
            let _ = writeln!(
                out,
                "<h3>Inputs and strategies: {} against {}</h3>",
                escape(&r.label),
                escape(&base.label)
            );
            for w in comparability_warnings(base, r) {
                let _ = writeln!(out, "<p><strong>Warning:</strong> {}.</p>", escape(&w));
            }
            let settings = setting_differences(base, r);
            if !settings.is_empty() {
                let _ = writeln!(
                    out,
                    "<p>Run settings: {}.</p>",
                    escape(&settings.join(", "))
                );
            }
            match scenario_differences(&base.scenario_text, &r.scenario_text) {
                Ok(d) if d.is_empty() => out.push_str("<p>The scenario files are the same.</p>\n"),
                Ok(d) => {
                    out.push_str("<table>\n<tr><th class=\"text\">What</th><th class=\"text\">Key</th><th class=\"text\">Before</th><th class=\"text\">After</th></tr>\n");
                    let cell = |v: &Option<String>| match v {
                        Some(v) => format!("<code>{}</code>", escape(v)),
                        None => "<span class=\"muted\">absent</span>".to_string(),
                    };
                    for x in &d {
                        let _ = writeln!(
                            out,
                            "<tr><td class=\"text\">{}</td><td class=\"text\"><code>{}</code></td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
                            x.kind(),
                            escape(&x.key),
                            cell(&x.before),
                            cell(&x.after)
                        );
                    }
                    out.push_str("</table>\n");
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "<p>The scenario files cannot be compared: {}</p>",
                        escape(&format!("{e:#}"))
                    );
                }
            }
        }
    }
    out
}

/// The page `tcosim watch` keeps open in a browser: the last good report
/// (`report`, the text of report.html) with a `<meta http-equiv="refresh">`
/// that reloads it every two seconds (no scripts) and, above it, a banner:
/// the status line, and the error of the latest attempt (HTML-escaped) or
/// what changed. Without a good report yet, the banner alone.
pub fn watch_page(
    report: Option<&str>,
    status: &str,
    error: Option<&str>,
    changes: Option<&str>,
) -> String {
    const REFRESH: &str = "<meta http-equiv=\"refresh\" content=\"2\">\n";
    let mut banner = String::from(
        "<div id=\"watch\" style=\"margin:0;padding:12px 20px;font:14px/1.45 monospace;",
    );
    banner.push_str(if error.is_some() {
        "background:#fdecea;border-bottom:3px solid #d55e00;\">\n"
    } else {
        "background:#eef6fb;border-bottom:3px solid #0072b2;\">\n"
    });
    let _ = writeln!(
        banner,
        "<p style=\"margin:0\"><strong>{}</strong></p>",
        escape(status)
    );
    if let Some(e) = error {
        let _ = writeln!(
            banner,
            "<pre class=\"watch-error\" style=\"white-space:pre-wrap;margin:8px 0 0\">{}</pre>",
            escape(e)
        );
    }
    if let Some(c) = changes {
        let _ = writeln!(
            banner,
            "<pre class=\"watch-changes\" style=\"white-space:pre-wrap;margin:8px 0 0\">{}</pre>",
            escape(c)
        );
    }
    banner.push_str("</div>\n");
    match report {
        Some(r) => {
            let mut page = r.to_string();
            let at = page.find("<head>").map_or(0, |i| i + "<head>".len());
            page.insert_str(at, &format!("\n{REFRESH}"));
            let body = page
                .find("<body")
                .and_then(|i| page[i..].find('>').map(|j| i + j + 1));
            match body {
                Some(at) => page.insert_str(at, &format!("\n{banner}")),
                None => page.insert_str(0, &banner),
            }
            page
        }
        None => format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{REFRESH}<title>tcosim watch</title>\n</head>\n<body>\n{banner}</body>\n</html>\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(d: &[Difference]) -> Vec<(&str, &'static str)> {
        d.iter().map(|x| (x.key.as_str(), x.kind())).collect()
    }

    #[test]
    fn differences_by_key_path_with_strategies_by_name() {
        let a = r#"
name = "A"
[engagements.freelancer]
hourly_rate = { dist = "lognormal", median = 120, p90 = 200 }
max_hours_per_month = 142
[[strategies]]
name = "Freelance"
phases = [{ engagement = "freelancer" }]
[[strategies]]
name = "Old"
phases = [{ engagement = "freelancer" }]
[[correlations]]
inputs = ["a", "b"]
rank = 0.5
"#;
        let b = r#"
# a comment and another layout do not count
name = "A"
[engagements.freelancer]
max_hours_per_month = 142.0
hourly_rate = { dist = "lognormal", median = 150, p90 = 200 }
[[strategies]]
name = "Freelance, then hire"
phases = [{ engagement = "freelancer" }]
[[strategies]]
name = "Freelance"
phases = [{ engagement = "freelancer", until = "launch" }]
[[correlations]]
inputs = ["a", "b"]
rank = 0.25
"#;
        let d = scenario_differences(a, b).expect("valid");
        assert_eq!(
            keys(&d),
            vec![
                ("engagements.freelancer.hourly_rate.median", "changed"),
                ("strategies.Freelance.phases[0].until", "added"),
                ("strategies.Old", "removed"),
                ("strategies.\"Freelance, then hire\"", "added"),
                ("correlations[0].rank", "changed"),
            ]
        );
        assert_eq!(d[0].before.as_deref(), Some("120"));
        assert_eq!(d[0].after.as_deref(), Some("150"));
        assert_eq!(
            d[3].after.as_deref(),
            Some("{ name = \"Freelance, then hire\", phases = [{ engagement = \"freelancer\" }] }")
        );
        assert!(scenario_differences(a, a).expect("valid").is_empty());
    }

    #[test]
    fn changes_in_dollars_and_percent() {
        assert_eq!(change(200.0, 250.0), (50.0, Some(25.0)));
        assert_eq!(change(0.0, 10.0), (10.0, None));
        assert_eq!(change_text(1000.0, 900.0), "-$100 (-10.0%)");
        assert_eq!(signed_money(34_100.0), "+$34.1k");
    }

    #[test]
    fn watch_page_escapes_the_error_and_keeps_the_report() {
        let report = "<!DOCTYPE html>\n<html>\n<head>\n<title>r</title>\n</head>\n<body>\n<main>REPORT</main>\n</body>\n</html>\n";
        let page = watch_page(
            Some(report),
            "failed",
            Some("x.toml:1:1: <bad> & \"worse\""),
            None,
        );
        assert!(page.contains("<head>\n<meta http-equiv=\"refresh\" content=\"2\">"));
        assert!(page.contains("x.toml:1:1: &lt;bad&gt; &amp; &quot;worse&quot;"));
        let banner = page.find("watch-error").expect("banner");
        assert!(banner < page.find("REPORT").expect("report kept"));
        let alone = watch_page(None, "failed", Some("e"), None);
        assert!(alone.contains("http-equiv=\"refresh\""));
    }
}
