//! The sentences that state a run's decisions: the headline, the verdict,
//! the crossings, the comparison of runs, the "how sure" and "what would
//! change the answer" sections, and where a sweep's best strategy flips.
//!
//! Plain data in, plain text out: no HTML here, so every sentence can be
//! tested on hand-made statistics and shown anywhere. Sentences that the
//! report sets with emphasis or code come as [`Span`]s, which say what a
//! piece of text is (the program's words, a name from the scenario, an
//! emphasised name, a key or command) and leave the markup to the report.

use super::format::{percent, short_money, swept_value, thousands};
use super::{Crossing, Ranking, highest_first, later_crossings, lowest_first};
use crate::stats::Summary;
use crate::stats::analysis;

/// A piece of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// The program's own words and figures.
    Text(String),
    /// A name that comes from the scenario (a strategy, a target).
    Name(String),
    /// A name to emphasise.
    Strong(String),
    /// An input key or a command, set as code.
    Code(String),
}

/// A sentence as its spans' text run together.
pub fn plain(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) | Span::Name(t) | Span::Strong(t) | Span::Code(t) => t.as_str(),
        })
        .collect()
}

fn text(t: impl Into<String>) -> Span {
    Span::Text(t.into())
}

/// P90 / P10 as text, or `n/a` when P10 is not positive.
pub fn spread_ratio(s: &Summary) -> String {
    if s.p10 > 0.0 {
        format!("{:.1}×", s.p90 / s.p10)
    } else {
        "n/a".to_string()
    }
}

/// The headline: which strategy has the lowest median TCO over `horizon`
/// months and by how much. `summaries` must not be empty.
pub fn headline(summaries: &[Summary], horizon: u32) -> String {
    let ranking = Ranking::of(summaries);
    let places = ranking.places();
    let b = &summaries[places[0].strategy];
    let Some(second) = places.get(1) else {
        return format!(
            "{} has a median total cost of {} over {horizon} months.",
            b.strategy,
            short_money(b.p50)
        );
    };
    let s = &summaries[second.strategy];
    let gap = s.p50 - b.p50;
    let rel = if s.p50 > 0.0 { gap / s.p50 } else { 0.0 };
    let mut out = format!(
        "{} has the lowest median total cost: {} over {horizon} months, {} ({}) below {} at {}.",
        b.strategy,
        short_money(b.p50),
        short_money(gap),
        percent(rel),
        s.strategy,
        short_money(s.p50)
    );
    let spread = (b.p90 - b.p10).min(s.p90 - s.p10);
    if spread > 0.0 && gap < 0.1 * spread {
        out.push_str(" The gap is small next to the spread of outcomes: treat the two as close.");
    }
    out
}

/// The verdict after the headline: the lowest mean where it differs from
/// the lowest median, P(cheapest) of every strategy, the most and least
/// predictable, and the heaviest tail. Empty with fewer than two
/// strategies.
pub fn verdict(sm: &[Summary]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(best) = Ranking::of(sm).best().filter(|_| sm.len() >= 2) else {
        return out;
    };
    let of = |f: fn(&Summary) -> f64| sm.iter().map(f).collect::<Vec<f64>>();
    let by_mean = lowest_first(&of(|s| s.mean))[0];
    if by_mean != best {
        out.push(format!(
            "By the mean, which weighs the costly tail more, {} is lowest at {} (against {} for {}).",
            sm[by_mean].strategy,
            short_money(sm[by_mean].mean),
            short_money(sm[best].mean),
            sm[best].strategy
        ));
    }
    let list: Vec<String> = highest_first(&of(|s| s.prob_cheapest))
        .into_iter()
        .map(|i| format!("{} in {}", sm[i].strategy, percent(sm[i].prob_cheapest)))
        .collect();
    out.push(format!(
        "Cheapest in the same simulated world (every strategy faces the same project, drift and luck in a trial): {} of trials.",
        list.join(", ")
    ));
    // Narrowest first; among equally wide, the last in scenario order is
    // the least predictable.
    let spread = lowest_first(&of(|s| s.p90 - s.p10));
    let (narrow, wide) = (&sm[spread[0]], &sm[spread[spread.len() - 1]]);
    out.push(format!(
        "Most predictable: {}, whose middle 80% of outcomes (P10 to P90) spans {} (from {} to {}; P90 is {} P10). \
         Least predictable: {}, spanning {} (from {} to {}; {}).",
        narrow.strategy,
        short_money(narrow.p90 - narrow.p10),
        short_money(narrow.p10),
        short_money(narrow.p90),
        spread_ratio(narrow),
        wide.strategy,
        short_money(wide.p90 - wide.p10),
        short_money(wide.p10),
        short_money(wide.p90),
        spread_ratio(wide)
    ));
    // The heaviest tail; among equal tails, the last in scenario order.
    let worst = &sm[*lowest_first(&of(|s| s.cvar95)).last().unwrap_or(&0)];
    out.push(format!(
        "In the worst 5% of trials, {} costs {} on average, the heaviest tail.",
        worst.strategy,
        short_money(worst.cvar95)
    ));
    out
}

/// What the report says when the median cumulative costs never part after
/// the first month.
pub const NO_CROSSING: &str =
    "The median cumulative costs never cross: the order of the first month holds to the horizon.";

/// What the report says before listing the crossings.
pub const CROSSINGS_INTRO: &str =
    "Month by month (the cumulative cost chart), the medians part for good:";

/// One sentence per crossing after the first month, in order of month.
/// `names` are the strategies in scenario order.
pub fn crossing_sentences(crossings: &[Crossing], names: &[String]) -> Vec<String> {
    later_crossings(crossings)
        .iter()
        .map(|c| {
            format!(
                "{}'s median cumulative cost stays below {}'s from month {} on.",
                names[c.lower], names[c.higher], c.from_month
            )
        })
        .collect()
}

/// The cumulative cost chart's label of the leaders' crossing.
pub fn crossing_label(c: &Crossing, names: &[String]) -> String {
    format!(
        "{} cheaper than {} from month {} on",
        names[c.lower], names[c.higher], c.from_month
    )
}

/// What a compared run says after its label: its name, settings and lowest
/// median. `summaries` must not be empty.
pub fn compare_line(name: &str, trials: u64, horizon: u32, seed: u64, sm: &[Summary]) -> String {
    let best = &sm[super::best_by_median(sm)];
    format!(
        "({name}; {} trials, {horizon} months, seed {seed}): lowest median {}, {}.",
        thousands(trials),
        best.strategy,
        short_money(best.p50)
    )
}

/// How each strategy's median moved from `base` to `run` (strategies
/// matched by name, in `run`'s order); `None` when none is in both.
pub fn median_moves(base: &[Summary], run: &[Summary]) -> Option<String> {
    let moves: Vec<String> = run
        .iter()
        .filter_map(|s| {
            let b = base.iter().find(|x| x.strategy == s.strategy)?;
            let change = if b.p50 != 0.0 {
                format!(" ({:+.1}%)", 100.0 * (s.p50 - b.p50) / b.p50)
            } else {
                String::new()
            };
            Some(format!(
                "{} {} → {}{change}",
                s.strategy,
                short_money(b.p50),
                short_money(s.p50)
            ))
        })
        .collect();
    (!moves.is_empty()).then(|| moves.join("; "))
}

/// Two strategies compared trial by trial: A − B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairDifference {
    /// Mean of A − B.
    pub mean: f64,
    /// Its 95% interval.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Median of A − B.
    pub p50: f64,
    /// Share of trials in which A is cheaper, and in which they tie.
    pub prob_a_cheaper: f64,
    pub prob_tie: f64,
}

/// "A is cheaper than B in x% of trials and ties in y%."
pub fn trial_by_trial(a: &str, b: &str, d: &PairDifference) -> Vec<Span> {
    vec![
        text("Trial by trial (both strategies in the same simulated world), "),
        Span::Strong(a.to_string()),
        text(" is cheaper than "),
        Span::Name(b.to_string()),
        text(format!(
            " in {} of trials and ties in {}.",
            percent(d.prob_a_cheaper),
            percent(d.prob_tie)
        )),
    ]
}

/// The mean difference A − B with its interval, and what the interval
/// says about A against B.
pub fn mean_difference(a: &str, b: &str, d: &PairDifference) -> Vec<Span> {
    let sure = if d.ci_high < 0.0 {
        "so on average it is cheaper, beyond Monte Carlo noise"
    } else if d.ci_low > 0.0 {
        "so on average it is dearer, beyond Monte Carlo noise, even though its median is lower"
    } else {
        "an interval that includes zero: on average the two cannot be told apart at this number of trials"
    };
    vec![
        text("Mean difference "),
        Span::Name(a.to_string()),
        text(" − "),
        Span::Name(b.to_string()),
        text(format!(
            ": {} (95% interval {} to {}), {sure}; median difference {}.",
            short_money(d.mean),
            short_money(d.ci_low),
            short_money(d.ci_high),
            short_money(d.p50)
        )),
    ]
}

/// How precisely `trials` trials know every mean: `widest` is
/// [`super::widest_relative_half_width`].
pub fn precision_sentence(trials: u64, widest: f64) -> Vec<Span> {
    vec![
        text(format!(
            "With {trials} trials every strategy's mean is known to within ±{} (95%); precision.csv gives the standard error of each mean and of P10, P50 and P90. ",
            percent(widest)
        )),
        Span::Code("tcosim run --precision 0.01".to_string()),
        text(" runs until every mean is within ±1%."),
    ]
}

/// The sentence before the inputs that most decide between the leaders A
/// and B; `target` names the sensitivity target of their difference.
pub fn drivers_intro(a: &str, b: &str, target: &str) -> Vec<Span> {
    vec![
        text("The three inputs that most decide between "),
        Span::Strong(a.to_string()),
        text(" and "),
        Span::Strong(b.to_string()),
        text(" (rank correlation of each input with the difference "),
        Span::Name(target.to_string()),
        text(", across the run's own trials; the sensitivity chart shows the top 12):"),
    ]
}

/// What one input does to the difference A − B, from its rank correlation
/// `rho` with it.
pub fn driver(key: &str, rho: f64, a: &str, b: &str) -> Vec<Span> {
    let (who, other) = if rho >= 0.0 { (a, b) } else { (b, a) };
    vec![
        Span::Code(key.to_string()),
        text(format!(" (rho {rho:+.2}): the higher it is, the more ")),
        Span::Name(who.to_string()),
        text(" costs relative to "),
        Span::Name(other.to_string()),
        text("."),
    ]
}

/// How to see where the choice flips along the input `key`.
pub fn sweep_hint(key: &str) -> Vec<Span> {
    vec![
        text("To see where the choice flips, fix it at a range of values: "),
        Span::Code(format!("tcosim sweep SCENARIO --set {key}=...")),
        text(" (or "),
        Span::Code("simulation.horizon_months=3..60:3".to_string()),
        text(" for the project's length)."),
    ]
}

/// The sentence saying where the strategy with the lowest median changes
/// along one swept key. `values` are the swept values (ascending), `best`
/// the strategy ranked first at each, `names` the strategies.
pub fn flip_statement(key: &str, values: &[f64], best: &[usize], names: &[String]) -> String {
    let flips = analysis::flips(values, best);
    let Some(first) = best.first() else {
        return String::new();
    };
    let last = values.len() - 1;
    if flips.is_empty() {
        return format!(
            "{} has the lowest median TCO across the whole range of {key} swept ({} to {}).",
            names[*first],
            swept_value(values[0]),
            swept_value(values[last])
        );
    }
    let mut parts = Vec::new();
    let mut start = values[0];
    let mut who = *first;
    for (v, _, new) in &flips {
        let end = values[values
            .iter()
            .position(|x| x == v)
            .unwrap_or(1)
            .saturating_sub(1)];
        parts.push(if start == end {
            format!("{} at {}", names[who], swept_value(start))
        } else {
            format!(
                "{} from {} to {}",
                names[who],
                swept_value(start),
                swept_value(end)
            )
        });
        start = *v;
        who = *new;
    }
    parts.push(format!(
        "{} from {} on (to {}, the largest value swept)",
        names[who],
        swept_value(start),
        swept_value(values[last])
    ));
    format!("Lowest median TCO by {key}: {}.", parts.join("; "))
}

/// Where the best strategy flips over a sweep of one or two keys: `axes`
/// are the swept (key, values), `best` the strategy ranked first at every
/// point (the first key major). With two keys, one line per value of the
/// first.
pub fn sweep_statement(axes: &[(&str, &[f64])], best: &[usize], names: &[String]) -> String {
    let [(key, values), rest @ ..] = axes else {
        return String::new();
    };
    let Some((key2, values2)) = rest.first() else {
        return flip_statement(key, values, best, names);
    };
    let n2 = values2.len();
    values
        .iter()
        .enumerate()
        .map(|(i, v1)| {
            format!(
                "With {key} = {}: {}",
                swept_value(*v1),
                flip_statement(key2, values2, &best[i * n2..(i + 1) * n2], names)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
