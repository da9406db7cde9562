//! `report.html`: one self-contained page a decision-maker can read at a
//! glance. Inline CSS, every chart inlined as its SVG text, no scripts and
//! nothing fetched from anywhere, so the file can be mailed or archived on
//! its own.
//!
//! The verdict is computed from the run's data (medians, shares of trials
//! in which each strategy is cheapest, spreads, where the median
//! cumulative costs cross), never written in advance: its sentences come
//! from [`crate::decide::verdict`], and this module only escapes and wraps
//! them. Every text that comes from a scenario is escaped.

use std::fmt::Write as _;

use anyhow::Result;

use crate::decide::format::{percent, short_money, thousands};
use crate::decide::verdict;
use crate::model::{Category, event_inputs};
use crate::output::rundata::RunData;
use crate::present::cash_definition;
use crate::present::charts::{Chart, median_crossings, style};
use crate::scenario::keys::unit_of;
use crate::scenario::{Scenario, Until};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #222; --muted: #5f5f5f; --line: #ddd; --soft: #f5f7f9; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 48px; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; }
p { margin: 8px 0; }
.lede { font-size: 18px; color: var(--muted); margin: 0 0 4px; }
.meta { color: var(--muted); font-size: 14px; }
.headline { margin: 24px 0 8px; padding: 12px 20px; background: var(--soft);
  border-left: 5px solid var(--accent); font-size: 18px; }
.headline p { margin: 6px 0; }
ul.verdict { padding-left: 22px; }
ul.verdict li { margin: 6px 0; }
ul.verdict ul { padding-left: 20px; margin: 4px 0; }
table { border-collapse: collapse; margin: 10px 0 6px; font-size: 15px; }
.scroll { overflow-x: auto; max-width: 100%; margin: 10px 0 6px; }
.scroll table { margin: 0; }
table.summary th, table.summary td { padding: 6px 8px; }
table.summary td { white-space: nowrap; }
table.summary td:first-child { white-space: normal; min-width: 9em; }
table.categories td:first-child { min-width: 15em; max-width: 30em; }
table.categories td { white-space: nowrap; }
table.categories td:first-child { white-space: normal; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { font-weight: 600; background: var(--soft); }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
tr.best td { font-weight: 600; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 8px; border-radius: 2px; vertical-align: -1px; }
code { font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
figure { margin: 22px 0 30px; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 15px; margin-top: 6px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
"#;

/// What each chart shows, in a sentence under it.
fn caption(name: &str) -> &'static str {
    match name {
        "distribution" => {
            "How the total cost of ownership spreads over the trials, per strategy; dashed lines mark each median."
        }
        "cdf" => {
            "The chance that the total cost stays under a budget: read a budget on the x axis, the probability on the y axis."
        }
        "cost_over_time" => {
            "Cumulative cost month by month: the median line and the range of 80% of trials. Where lines cross, the cheaper strategy changes."
        }
        "breakdown" => {
            "Why each strategy costs what it costs: the mean cost per trial of each category."
        }
        "quality" => "How drift degrades the model under each strategy, on average over trials.",
        "compare_cdf" => {
            "The chance that the total cost stays under a budget, per strategy (colour) and run (line style)."
        }
        "compare_medians" => {
            "Median total cost per strategy and run, with the P10 to P90 range as whiskers."
        }
        _ => "",
    }
}

fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(title)
    );
}

fn page_end(out: &mut String) {
    let _ = write!(
        out,
        "<footer>Generated by tcosim {}. Every figure on this page comes from the run's files \
         (summary.csv, monthly.csv, quality.csv, trials.csv); what each file and column holds, \
         with its unit, is in <code>docs/OUTPUTS.md</code> of tcosim's sources.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
}

fn swatch(position: usize) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        style::hex(style::strategy_color(position))
    )
}

/// The charts as inline SVG figures; drawn in parallel, written in order.
fn figures(out: &mut String, charts: &[Chart]) -> Result<()> {
    use rayon::prelude::*;
    let svgs: Vec<Result<String>> = charts.par_iter().map(Chart::to_svg).collect();
    for (chart, svg) in charts.iter().zip(svgs) {
        let _ = write!(
            out,
            "<figure id=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            chart.name(),
            svg?,
            escape(caption(chart.name()))
        );
    }
    Ok(())
}

fn extra_sections(out: &mut String, extra: &[(String, String)]) {
    for (title, body) in extra {
        let _ = write!(out, "<h2>{}</h2>\n{body}\n", escape(title));
    }
}

/// The verdict in brief (not escaped), the report's headline: the same
/// sentences the terminal prints after its table; see [`verdict::brief`].
pub fn headline(data: &RunData) -> Vec<String> {
    crate::present::decision::brief(data)
}

/// The points after the headline (not escaped): the full verdict's
/// sentences that the headline does not already say word for word, then
/// [`verdict::details`].
pub fn verdict(data: &RunData) -> Vec<String> {
    let said = headline(data);
    crate::present::decision::verdict(data)
        .into_iter()
        .filter(|s| !said.contains(s))
        .chain(verdict::details(&data.summary, data.trials))
        .collect()
}

/// Where the median cumulative costs cross for good, in order of month (not
/// escaped); empty when they never cross.
pub fn crossings(data: &RunData) -> Vec<String> {
    verdict::crossing_sentences(&median_crossings(data), &data.strategies)
}

fn summary_table(out: &mut String, data: &RunData) {
    // One row is set in bold only when the lowest median, the lowest mean
    // and the highest P(cheapest) are the same strategy: where they differ
    // a bold row would pick one measure over the verdict, which weighs all
    // three.
    let lowest = |f: &dyn Fn(&crate::stats::Summary) -> f64| {
        (0..data.summary.len()).min_by(|&a, &b| f(&data.summary[a]).total_cmp(&f(&data.summary[b])))
    };
    let by_median = lowest(&|s| s.p50);
    let best = if by_median == lowest(&|s| s.mean) && by_median == lowest(&|s| -s.prob_cheapest) {
        by_median.unwrap_or(usize::MAX)
    } else {
        usize::MAX
    };
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"summary\">\n<tr><th>Strategy</th><th>Median total</th><th>Median cash</th>\
         <th>Mean total</th><th>Mean cash</th><th>Mean lost value</th><th>P(cheapest)</th><th>P10 total</th>\
         <th>P90 total</th><th>CVaR95</th><th>P90 − P10</th><th>P90 / P10</th></tr>\n",
    );
    for (i, s) in data.summary.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr{}><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if i == best { " class=\"best\"" } else { "" },
            swatch(i),
            escape(&s.strategy),
            short_money(s.p50),
            short_money(s.cash.p50),
            short_money(s.mean),
            short_money(s.cash.mean),
            short_money(s.lost_value.mean),
            percent(s.prob_cheapest),
            short_money(s.p10),
            short_money(s.p90),
            short_money(s.cvar95),
            short_money(s.p90 - s.p10),
            verdict::spread_ratio(s)
        );
    }
    let _ = writeln!(
        out,
        "</table>\n</div>\n<p>{}</p>",
        escape(&cash_definition(data.scenario.include_business_impact).join(" "))
    );
    out.push_str(
        "<p class=\"muted\">Total cost of ownership over the horizon. Median (P50), P10, P90: 50%, 10%, 90% of trials cost at most this. \
         P(cheapest): share of trials in which the strategy's total is the lowest, a trial in which several tie for the lowest shared between them \
         (summary.csv's p_strictly_cheapest and p_tied_cheapest count the trials won alone and tied). CVaR95: mean total of the costliest 5% of trials. \
         The spreads (P90 − P10, P90 / P10) are those of the total. A row is in bold only when that strategy has the lowest median, the lowest mean and the highest P(cheapest) at once.</p>\n",
    );
}

fn until_text(u: Option<Until>) -> String {
    match u {
        None => String::new(),
        Some(Until::Launch) => " until launch".to_string(),
        Some(Until::Traction) => " until traction is confirmed".to_string(),
        Some(Until::Month(n)) => format!(" until month {n}"),
    }
}

fn assumptions(out: &mut String, sc: &Scenario) {
    out.push_str("<h2 id=\"assumptions\">Key assumptions</h2>\n<h3>Strategies compared</h3>\n<table>\n<tr><th>Strategy</th><th class=\"text\">Who does the work</th></tr>\n");
    for (i, st) in sc.strategies.iter().enumerate() {
        let phases: Vec<String> = st
            .phases
            .iter()
            .map(|p| {
                let name = sc
                    .engagements
                    .get(p.engagement)
                    .map_or("?", |e| e.name.as_str());
                format!(
                    "<code>{}</code>{}",
                    escape(name),
                    escape(&until_text(p.until))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}{}</td><td class=\"text\">{}</td></tr>",
            swatch(i),
            escape(&st.name),
            phases.join(", then ")
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<p>Business impact (value lost to degradation and delay) is {} in the totals.</p>",
        if sc.include_business_impact {
            "included"
        } else {
            "not included"
        }
    );
    inputs_table(out, sc);
    correlations_table(out, sc);
}

/// A key path, escaped, that may wrap after its dots and underscores
/// (rather than anywhere) in a narrow column.
fn breakable(key: &str) -> String {
    escape(key).replace('.', ".<wbr>").replace('_', "_<wbr>")
}

/// A value of an input in its unit: money as `$12.3k`, other numbers with
/// three significant digits.
fn in_unit(x: f64, unit: &str) -> String {
    if unit.starts_with('$') {
        return short_money(x);
    }
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Every input that a trial or an event draws, with its P10, median and
/// P90 in its unit, beside the specification as the file wrote it.
fn inputs_table(out: &mut String, sc: &Scenario) {
    out.push_str(
        "<h3 id=\"inputs\">Inputs</h3>\n<p class=\"muted\">Every input of the scenario: what the file wrote \
         (<em>default</em> marks a value it left out; the sources of the defaults are in docs/ASSUMPTIONS.md), \
         and the 10th, 50th and 90th percentiles of the distribution it is drawn from, in its unit. \
         A fixed value shows the same number three times. Inputs marked <em>per event</em> are drawn afresh \
         for each project, drift event or search; the others once per trial.</p>\n\
         <div class=\"scroll\">\n<table class=\"inputs\">\n<tr><th>Input</th><th>P10</th><th>Median</th><th>P90</th>\
         <th class=\"text\">Unit</th><th class=\"text\">As written</th></tr>\n",
    );
    let row = |out: &mut String, key: &str, dist: &crate::dist::Dist, written: String| {
        let unit = unit_of(key).unwrap_or("");
        let q = |u: f64| in_unit(dist.quantile(u), unit);
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{written}</td></tr>",
            breakable(key),
            q(0.1),
            q(0.5),
            q(0.9),
            escape(unit)
        );
    };
    for input in &sc.inputs {
        let written = match input.source.strip_suffix(" (default)") {
            Some(v) => format!(
                "<code>{}</code> <span class=\"muted\">default</span>",
                escape(v)
            ),
            None => format!("<code>{}</code>", escape(&input.source)),
        };
        row(out, &input.key, &input.dist, written);
    }
    for e in event_inputs(sc) {
        row(
            out,
            &e.key,
            &e.dist,
            "<span class=\"muted\">per event</span>".to_string(),
        );
    }
    out.push_str("</table>\n</div>\n");
}

/// The `[[correlations]]` pairs, with the target rank correlation of each
/// (and the pairs a run left out because it fixed one of their inputs).
fn correlations_table(out: &mut String, sc: &Scenario) {
    let pairs: Vec<_> = sc
        .correlations
        .groups
        .iter()
        .flat_map(|g| &g.pairs)
        .collect();
    if pairs.is_empty() && sc.correlations.left_out.is_empty() {
        out.push_str(
            "<p>Correlations: none; every input is drawn independently of the others.</p>\n",
        );
        return;
    }
    out.push_str(
        "<h3 id=\"correlations\">Correlated inputs</h3>\n<p class=\"muted\">Pairs of inputs drawn together \
         (a Gaussian copula): a rank correlation of 0.6 means that when one is high the other tends to be high too; \
         a negative one, low.</p>\n<div class=\"scroll\">\n<table>\n<tr><th>Input</th><th>Input</th><th>Rank correlation</th></tr>\n",
    );
    for p in pairs {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{:.2}</td></tr>",
            escape(&p.paths[0]),
            escape(&p.paths[1]),
            p.rank
        );
    }
    for p in &sc.correlations.left_out {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{:.2} <span class=\"muted\">left out: this run fixed {}</span></td></tr>",
            escape(&p.paths[0]),
            escape(&p.paths[1]),
            p.rank,
            escape(&p.fixed.join(", "))
        );
    }
    out.push_str("</table>\n</div>\n");
}

/// What each of the eleven cost categories counts, whether it is cash or
/// lost value, and its mean per trial under each strategy.
fn categories_table(out: &mut String, data: &RunData) {
    out.push_str(
        "<h2 id=\"categories\">What the costs are made of</h2>\n<p class=\"muted\">The total of each trial is the sum of \
         these eleven categories. Cash is what the strategy pays; lost value is business value lost, which counts in the \
         total only when business impact is included. Figures are means per trial.</p>\n\
         <div class=\"scroll\">\n<table class=\"categories\">\n<tr><th>Category: what it counts</th>",
    );
    for (i, s) in data.summary.iter().enumerate() {
        let _ = write!(out, "<th>{}{}</th>", swatch(i), escape(&s.strategy));
    }
    out.push_str("</tr>\n");
    for (k, c) in Category::ALL.into_iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td><strong>{}</strong>: {} <span class=\"muted\">{}</span></td>",
            c.name(),
            escape(c.definition()),
            if c.is_lost_value() {
                "Lost value."
            } else {
                "Cash."
            }
        );
        for s in &data.summary {
            let _ = write!(
                out,
                "<td>{}</td>",
                short_money(s.mean_categories.as_array()[k])
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</div>\n");
}

/// The report of one run. `extra` holds (section title, HTML body) pairs
/// placed after the summary table, before the charts; titles are escaped, bodies are inserted
/// as they are (they must be self-contained HTML too).
pub fn render_report(data: &RunData, extra: &[(String, String)]) -> Result<String> {
    let mut out = String::new();
    page_start(&mut out, &format!("{}: total cost of ownership", data.name));
    let _ = writeln!(out, "<h1>{}</h1>", escape(&data.name));
    if !data.description.is_empty() {
        let _ = writeln!(out, "<p class=\"lede\">{}</p>", escape(&data.description));
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} strategies · {} trials · {}-month horizon · seed {}</p>",
        data.strategies.len(),
        thousands(data.trials),
        data.horizon,
        data.seed
    );
    out.push_str("<div class=\"headline\">");
    for sentence in headline(data) {
        let _ = write!(out, "<p>{}</p>", escape(&sentence));
    }
    out.push_str("</div>\n");
    out.push_str("<ul class=\"verdict\">\n");
    for v in verdict(data) {
        let _ = writeln!(out, "<li>{}</li>", escape(&v));
    }
    // With too few trials the verdict ranks nothing, month by month either.
    if data.strategies.len() > 1 && data.trials >= verdict::MIN_TRIALS {
        let cross = crossings(data);
        if cross.is_empty() {
            let _ = writeln!(out, "<li>{}</li>", escape(verdict::NO_CROSSING));
        } else {
            let _ = writeln!(out, "<li>{}<ul>", escape(verdict::CROSSINGS_INTRO));
            for c in cross {
                let _ = writeln!(out, "<li>{}</li>", escape(&c));
            }
            out.push_str("</ul></li>\n");
        }
    }
    out.push_str("</ul>\n<h2 id=\"summary\">Summary</h2>\n");
    summary_table(&mut out, data);
    extra_sections(&mut out, extra);
    out.push_str("<h2 id=\"charts\">Charts</h2>\n");
    figures(&mut out, &Chart::of_run(data))?;
    categories_table(&mut out, data);
    assumptions(&mut out, &data.scenario);
    page_end(&mut out);
    Ok(out)
}

/// The report of a comparison of labelled runs: per run the lowest median,
/// a table of every run and strategy, the comparison charts and `extra`
/// sections. What changed against the first run (the change table, the
/// settings and every input and strategy added, removed or changed) is
/// one of them, [`crate::present::changes::report_html`], said once: the
/// caller names it.
pub fn render_compare_report(
    runs: &[(String, RunData)],
    extra: &[(String, String)],
) -> Result<String> {
    let mut out = String::new();
    let labels: Vec<&str> = runs.iter().map(|(l, _)| l.as_str()).collect();
    let title = format!("Comparison: {}", labels.join(" vs "));
    page_start(&mut out, &title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    compare_verdicts(&mut out, runs);
    compare_table(&mut out, runs);
    out.push_str("<h2>Charts</h2>\n");
    figures(&mut out, &Chart::of_comparison(runs))?;
    extra_sections(&mut out, extra);
    page_end(&mut out);
    Ok(out)
}

/// Each run's one-line verdict (how the medians moved is the change table's).
fn compare_verdicts(out: &mut String, runs: &[(String, RunData)]) {
    out.push_str("<ul class=\"verdict\">\n");
    for (label, r) in runs {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> {}</li>",
            escape(label),
            escape(&verdict::compare_line(
                &r.name, r.trials, r.horizon, r.seed, &r.summary
            ))
        );
    }
    out.push_str("</ul>\n");
}

/// Every run and strategy in one table.
fn compare_table(out: &mut String, runs: &[(String, RunData)]) {
    out.push_str(
        "<h2>Summary</h2>\n<div class=\"scroll\">\n<table>\n<tr><th>Run</th><th class=\"text\">Strategy</th><th>Mean</th><th>P10</th>\
         <th>P50 (median)</th><th>P90</th><th>P(cheapest)</th></tr>\n",
    );
    let union = crate::present::charts::compare::strategy_union(runs);
    for (label, r) in runs {
        for s in &r.summary {
            let pos = union.iter().position(|u| *u == s.strategy).unwrap_or(0);
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"text\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(label),
                swatch(pos),
                escape(&s.strategy),
                short_money(s.mean),
                short_money(s.p10),
                short_money(s.p50),
                short_money(s.p90),
                percent(s.prob_cheapest)
            );
        }
    }
    out.push_str("</table>\n</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">R&D's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;"
        );
    }
}
