//! The report's answer to "how sure, and what would change the answer":
//! paired comparison of the two leaders, Monte Carlo precision, and the
//! inputs that most decide the choice. Built from a run directory's
//! analysis files (comparison.csv, precision.csv, sensitivity.csv).
//!
//! The leaders and the sentences come from [`crate::decide`]; this module
//! only picks the run's figures and sets the sentences in HTML.

use std::fmt::Write as _;

use crate::decide::format::short_money;
use crate::decide::verdict::{self, Evidence, Span};
use crate::decide::widest_relative_half_width;
use crate::output::rundata::RunData;
use crate::present::html::escape;
use crate::stats::analysis::Target;

/// The leaders: the verdict's two strategies ([`verdict::contenders`]),
/// the pair whose difference sensitivity.csv explains and of which every
/// section and chart that speaks of "the leaders" speaks (what would change
/// the answer, the sensitivity chart, the cost-over-time bands).
pub fn leaders(data: &RunData) -> Option<(usize, usize)> {
    verdict::contenders(&evidence(data))
}

/// sensitivity.csv's difference target when it is the difference of the
/// [`leaders`] (first minus second); `None` otherwise (one strategy, or a
/// run written before the leaders were the verdict's).
pub fn leaders_target(data: &RunData) -> Option<Target> {
    let (a, b) = leaders(data)?;
    let target = data.difference_target()?;
    (target == Target::Difference(a, b)).then_some(target)
}

/// The [`leaders_target`] as the report labels it, "A - B", and its rows
/// (largest |rho| first).
pub fn leaders_drivers(data: &RunData) -> Option<(String, Vec<(String, f64)>)> {
    leaders_target(data)?;
    data.difference_drivers()
}

/// What the verdict is decided from, as the run's files hold it.
pub fn evidence(data: &RunData) -> Evidence<'_> {
    Evidence {
        summaries: &data.summary,
        pairs: data
            .comparisons
            .iter()
            .map(|c| (c.a, c.b, c.diff))
            .collect(),
        trials: data.trials,
        horizon: data.horizon,
        target_launch_month: Some(data.target_launch_month()),
    }
}

/// The verdict's sentences in full (not escaped): the report lists them
/// under its headline.
pub fn verdict(data: &RunData) -> Vec<String> {
    verdict::verdict(&evidence(data))
}

/// The verdict in brief (not escaped): the report's headline and what the
/// terminal prints after its table.
pub fn brief(data: &RunData) -> Vec<String> {
    verdict::brief(&evidence(data))
}

/// A sentence in HTML: the program's words as they are, names escaped,
/// emphasis in bold, keys and commands as code.
fn html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            Span::Name(t) => escape(t),
            Span::Strong(t) => format!("<b>{}</b>", escape(t)),
            Span::Code(t) => format!("<code>{}</code>", escape(t)),
        })
        .collect()
}

/// "How sure": the verdict's two strategies compared trial by trial, and
/// the precision of the estimates.
pub fn how_sure(data: &RunData) -> Option<String> {
    let (a, b) = verdict::contenders(&evidence(data))?;
    let (na, nb) = (&data.strategies[a], &data.strategies[b]);
    let mut out = String::from("<ul>\n");
    if let Some(c) = data.comparison(a, b) {
        let d = c.diff;
        for sentence in [
            verdict::trial_by_trial(na, nb, &d),
            verdict::mean_difference(na, nb, &d, data.trials),
        ] {
            let _ = writeln!(out, "<li>{}</li>", html(&sentence));
        }
    }
    if data.mean_se.len() == data.summary.len() {
        let means: Vec<f64> = data.summary.iter().map(|s| s.mean).collect();
        let widest = widest_relative_half_width(&means, &data.mean_se);
        let _ = writeln!(
            out,
            "<li>{}</li>",
            html(&verdict::precision_sentence(data.trials, widest))
        );
    }
    out.push_str("</ul>\n");
    Some(out)
}

/// "What would change the answer": the three inputs whose values most move
/// the difference between the leaders, with the direction.
pub fn what_would_change(data: &RunData) -> Option<String> {
    let (a, b) = leaders(data)?;
    let (target, rows) = leaders_drivers(data)?;
    if data.trials < verdict::MIN_TRIALS {
        return Some(format!(
            "<p>With only {} trial{} the rank correlations of the inputs with the difference are noise: \
             run at least {} trials to see which inputs decide the choice.</p>\n",
            data.trials,
            if data.trials == 1 { "" } else { "s" },
            verdict::MIN_TRIALS
        ));
    }
    let (na, nb) = (&data.strategies[a], &data.strategies[b]);
    let mut out = what_to_learn_first(data);
    let _ = write!(
        out,
        "<p>{}</p>\n<ol>\n",
        html(&verdict::drivers_intro(na, nb, &target))
    );
    for (key, rho) in rows.iter().take(3) {
        let _ = writeln!(
            out,
            "<li>{}</li>",
            html(&verdict::driver(key, *rho, na, nb))
        );
    }
    out.push_str("</ol>\n");
    if let Some((key, _)) = rows.first() {
        let _ = writeln!(out, "<p>{}</p>", html(&verdict::sweep_hint(key)));
    }
    Some(out)
}

/// The inputs ranked by the expected value of perfect information on each
/// (voi.csv): what knowing it exactly before choosing would save on
/// average, with its Monte Carlo error and the estimator's bias, and the
/// strategy its low and high values call for. Empty without voi.csv or
/// when no input is worth more than its bias.
fn what_to_learn_first(data: &RunData) -> String {
    let ranked = crate::stats::voi::ranked(&data.voi, &data.strategies);
    let worth: Vec<_> = ranked
        .into_iter()
        .filter(|(r, ..)| r.evppi - r.bias > 2.0 * r.se)
        .take(3)
        .collect();
    if data.voi.is_empty() {
        return String::new();
    }
    if worth.is_empty() {
        return "<p>What to learn first: no input is worth learning before choosing; \
                knowing any one of them exactly would save no more than the estimate's own noise (voi.csv).</p>\n"
            .to_string();
    }
    let mut out = String::from(
        "<p>What to learn first, ranked by what knowing the input exactly before choosing would save \
         on average (the expected value of perfect information; voi.csv and the voi chart):</p>\n<ol>\n",
    );
    for (r, now, low, high) in worth {
        let choice = if low == high {
            format!("either way it calls for {low}, but not in every bin")
        } else {
            format!("if it is low, {low}; if high, {high}")
        };
        let _ = writeln!(
            out,
            "<li>{}</li>",
            escape(&format!(
                "{}: knowing it would save {} on average (± {} at 95%; an input of no use scores {}); without it the choice is {now}; {choice}.",
                r.input,
                short_money(r.evppi),
                short_money(1.96 * r.se),
                short_money(r.bias)
            ))
        );
    }
    out.push_str("</ol>\n");
    out
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
