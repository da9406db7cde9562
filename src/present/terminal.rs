//! The summary table printed after a run.

use crate::decide::format::{percent, short_money};
use crate::stats::Summary;

/// The table: per strategy mean, P10, P50, P90 and P(cheapest).
pub fn summary_table(rows: &[Summary]) -> String {
    let header = ["strategy", "mean", "P10", "P50", "P90", "P(cheapest)"];
    let body: Vec<[String; 6]> = rows
        .iter()
        .map(|s| {
            [
                s.strategy.clone(),
                short_money(s.mean),
                short_money(s.p10),
                short_money(s.p50),
                short_money(s.p90),
                percent(s.prob_cheapest),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for r in &body {
        for (w, c) in width.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
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
        out.push('\n');
        out
    };
    let mut out = line(header);
    out.push_str(&line(
        width.map(|w| "-".repeat(w)).each_ref().map(|s| s.as_str()),
    ));
    for r in &body {
        out.push_str(&line(r.each_ref().map(|s| s.as_str())));
    }
    out
}
