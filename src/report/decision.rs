//! The report's answer to "how sure, and what would change the answer":
//! paired comparison of the two leaders, Monte Carlo precision, and the
//! inputs that most decide the choice. Built from a run directory's
//! analysis files (comparison.csv, precision.csv, sensitivity.csv).

use std::fmt::Write as _;

use crate::charts::format::{percent, short_money};
use crate::report::html::escape;
use crate::report::rundata::RunData;

/// The two strategies with the lowest median TCO (ties by scenario order).
pub fn leaders(data: &RunData) -> Option<(usize, usize)> {
    let mut order: Vec<usize> = (0..data.summary.len()).collect();
    order.sort_by(|a, b| data.summary[*a].p50.total_cmp(&data.summary[*b].p50));
    (order.len() >= 2).then(|| (order[0], order[1]))
}

/// "How sure": the leaders compared trial by trial, and the precision of
/// the estimates.
pub fn how_sure(data: &RunData) -> Option<String> {
    let (a, b) = leaders(data)?;
    let (na, nb) = (&data.strategies[a], &data.strategies[b]);
    let mut out = String::from("<ul>\n");
    if let Some(c) = data.comparison(a, b) {
        let _ = writeln!(
            out,
            "<li>Trial by trial (both strategies in the same simulated world), <b>{}</b> is cheaper than {} in {} of trials and ties in {}.</li>",
            escape(na),
            escape(nb),
            percent(c.prob_a_cheaper),
            percent(c.prob_tie)
        );
        let sure = if c.ci_high < 0.0 {
            "so on average it is cheaper, beyond Monte Carlo noise"
        } else if c.ci_low > 0.0 {
            "so on average it is dearer, beyond Monte Carlo noise, even though its median is lower"
        } else {
            "an interval that includes zero: on average the two cannot be told apart at this number of trials"
        };
        let _ = writeln!(
            out,
            "<li>Mean difference {} − {}: {} (95% interval {} to {}), {sure}; median difference {}.</li>",
            escape(na),
            escape(nb),
            short_money(c.mean),
            short_money(c.ci_low),
            short_money(c.ci_high),
            short_money(c.p50)
        );
    }
    if data.mean_se.len() == data.summary.len() {
        let worst = data
            .summary
            .iter()
            .zip(&data.mean_se)
            .map(|(s, se)| 1.959964 * se / s.mean.abs().max(1e-9))
            .fold(0.0, f64::max);
        let _ = writeln!(
            out,
            "<li>With {} trials every strategy's mean is known to within ±{} (95%); precision.csv gives the standard error of each mean and of P10, P50 and P90. <code>tcosim run --precision 0.01</code> runs until every mean is within ±1%.</li>",
            data.trials,
            percent(worst)
        );
    }
    out.push_str("</ul>\n");
    Some(out)
}

/// "What would change the answer": the three inputs whose values most move
/// the difference between the leaders, with the direction.
pub fn what_would_change(data: &RunData) -> Option<String> {
    let (a, b) = leaders(data)?;
    let (target, rows) = data.difference_drivers()?;
    let (na, nb) = (&data.strategies[a], &data.strategies[b]);
    let mut out = format!(
        "<p>The three inputs that most decide between <b>{}</b> and <b>{}</b> (rank correlation of each input with the difference {}, across the run's own trials; the sensitivity chart shows the top 12):</p>\n<ol>\n",
        escape(na),
        escape(nb),
        escape(&target)
    );
    for (key, rho) in rows.iter().take(3) {
        let (who, how) = if *rho >= 0.0 {
            (na, "more")
        } else {
            (nb, "more")
        };
        let other = if who == na { nb } else { na };
        let _ = writeln!(
            out,
            "<li><code>{}</code> (rho {rho:+.2}): the higher it is, the {how} {} costs relative to {}.</li>",
            escape(key),
            escape(who),
            escape(other)
        );
    }
    out.push_str("</ol>\n");
    if let Some((key, _)) = rows.first() {
        let _ = writeln!(
            out,
            "<p>To see where the choice flips, fix it at a range of values: <code>tcosim sweep SCENARIO --set {}=...</code> (or <code>simulation.horizon_months=3..60:3</code> for the project's length).</p>",
            escape(key)
        );
    }
    Some(out)
}

/// The sections for `html::render_report`.
pub fn sections(data: &RunData) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = how_sure(data) {
        out.push(("How sure".to_string(), s));
    }
    if let Some(s) = what_would_change(data) {
        out.push(("What would change the answer".to_string(), s));
    }
    out
}
