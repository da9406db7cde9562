//! The summary table printed after a run, and the verdict under it.
//!
//! The table fits in 80 columns for strategy names of up to 22 characters:
//! two header lines (the statistic, then the figure) over one line per
//! strategy, then the plain definitions of cash and lost value. The
//! verdict is read back from the run directory's files, as the report's
//! is, so the two state the same sentences.

use std::path::Path;

use crate::decide::format::{percent, short_money};
use crate::output::rundata::RunData;
use crate::present::cash_definition;
use crate::stats::Summary;

/// Columns after the strategy's name: (statistic, figure), each a header line.
const HEADER: [(&str, &str); 6] = [
    ("median", "total"),
    ("median", "cash"),
    ("mean", "total"),
    ("mean", "cash"),
    ("mean", "lost"),
    ("", "P(cheapest)"),
];

/// Width of the lines of text under the table.
const TEXT_WIDTH: usize = 79;

/// The table: per strategy the median and mean of its total and its cash,
/// its mean lost value and P(cheapest), with the definitions of cash and
/// lost value (which say whether the total includes the lost value) under it.
pub fn summary_table(rows: &[Summary], include_business_impact: bool) -> String {
    let body: Vec<[String; 7]> = rows
        .iter()
        .map(|s| {
            [
                s.strategy.clone(),
                short_money(s.p50),
                short_money(s.cash.p50),
                short_money(s.mean),
                short_money(s.cash.mean),
                short_money(s.lost_value.mean),
                percent(s.prob_cheapest),
            ]
        })
        .collect();
    let top: [&str; 7] = std::array::from_fn(|i| if i == 0 { "" } else { HEADER[i - 1].0 });
    let names: [&str; 7] =
        std::array::from_fn(|i| if i == 0 { "strategy" } else { HEADER[i - 1].1 });
    let mut width = [0; 7];
    let mut widen = |cells: [&str; 7]| {
        for (w, c) in width.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    };
    widen(top);
    widen(names);
    for r in &body {
        widen(r.each_ref().map(String::as_str));
    }
    let line = |cells: [&str; 7]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = width[i] - c.chars().count();
            if i == 0 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(top);
    out.push_str(&line(names));
    out.push_str(&line(
        width.map(|w| "-".repeat(w)).each_ref().map(|s| s.as_str()),
    ));
    for r in &body {
        out.push_str(&line(r.each_ref().map(|s| s.as_str())));
    }
    out.push('\n');
    for sentence in cash_definition(include_business_impact) {
        out.push_str(&wrap(sentence, TEXT_WIDTH));
    }
    out
}

/// The verdict of the run in `dir` in brief, one wrapped paragraph per
/// sentence after "Verdict:" (at most three), then where to read the report
/// (when the run wrote one). The sentences are the report's headline
/// ([`super::decision::brief`]), from the same files; the report holds the
/// rest.
pub fn verdict(dir: &Path) -> String {
    // The verdict reads summary.csv, comparison.csv, the manifest and the
    // scenario; an empty list of totals spares reading trials.csv.
    let sentences = match RunData::load(dir, Some(Vec::new())) {
        Ok(data) => super::decision::brief(&data),
        Err(e) => vec![format!("No verdict: {e:#}")],
    };
    let mut out = String::new();
    for (i, s) in sentences.iter().enumerate() {
        let lead = if i == 0 { "Verdict: " } else { "" };
        out.push_str(&wrap(&format!("{lead}{s}"), TEXT_WIDTH));
    }
    let report = dir.join("report.html");
    if report.is_file() {
        out.push('\n');
        out.push_str(&wrap(
            &format!(
                "Open {} for the details, the charts and what would change the answer.",
                report.display()
            ),
            TEXT_WIDTH,
        ));
    }
    out
}

/// `text` broken into lines of at most `width` characters at spaces (a
/// longer word stands on its own line), continuation lines indented by two.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.trim_start().is_empty() && line.chars().count() + 1 + word.chars().count() > width
        {
            out.push_str(&line);
            out.push('\n');
            line = "  ".to_string();
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\n  cc\n");
        assert_eq!(wrap("aaaaaaa b", 3), "aaaaaaa\n  b\n");
        assert_eq!(wrap("", 3), "");
    }
}
