//! The summary table printed after a run.

use crate::stats::Summary;

/// Money in a short form: $950, $12.3k, $1.25M.
pub fn short_money(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    if a >= 1e6 {
        format!("{sign}${:.2}M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}${:.1}k", a / 1e3)
    } else {
        format!("{sign}${a:.0}")
    }
}

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
                format!("{:.1}%", 100.0 * s.prob_cheapest),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_money_reads_as_k_and_m() {
        assert_eq!(short_money(950.0), "$950");
        assert_eq!(short_money(12_345.0), "$12.3k");
        assert_eq!(short_money(1_250_000.0), "$1.25M");
    }
}
