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

/// Below this many trials the verdict ranks nothing: it says the run is
/// too small and what its lowest median was. With fewer than 100 trials a
/// P10 or P90 rests on a handful of trials, P(cheapest) moves by several
/// points with each trial, and the normal 95% intervals of comparison.csv
/// and precision.csv are not to be trusted.
pub const MIN_TRIALS: u64 = 100;

/// Two strategies are "close" only when the paired analysis says so: the
/// 95% interval of their mean difference includes zero and the shares of
/// trials each one wins differ by at most this much (60/40 at most, without
/// ties). A gap that is small next to the spread of outcomes is not
/// enough: in the same trials one may still win almost every time.
pub const CLOSE_SHARE_GAP: f64 = 0.2;

/// A strategy that ties for the cheapest in at least this share of trials
/// has its P(cheapest) explained (alone and tied) in the verdict.
pub const TIED_SHARE_SHOWN: f64 = 0.05;

/// What a verdict is decided from: plain statistics of one run, as its
/// files hold them (summary.csv, comparison.csv, the manifest and the
/// scenario), so the terminal and the report, which both read the files,
/// state the same sentences.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    /// Every strategy's summary, in scenario order.
    pub summaries: &'a [Summary],
    /// Trial-by-trial comparisons: (A, B, A − B) for ordered pairs of
    /// strategies. A pair found in neither order is not compared.
    pub pairs: Vec<(usize, usize, PairDifference)>,
    /// Trials of the run.
    pub trials: u64,
    /// Horizon in months.
    pub horizon: u32,
    /// The target launch month (counted from 0; its median if it varies),
    /// when known.
    pub target_launch_month: Option<f64>,
}

impl Evidence<'_> {
    /// A − B, from the pair (A, B) or mirrored from (B, A).
    pub fn pair(&self, a: usize, b: usize) -> Option<PairDifference> {
        if let Some((_, _, d)) = self.pairs.iter().find(|(x, y, _)| (*x, *y) == (a, b)) {
            return Some(*d);
        }
        let (_, _, d) = self.pairs.iter().find(|(x, y, _)| (*x, *y) == (b, a))?;
        Some(PairDifference {
            mean: -d.mean,
            ci_low: -d.ci_high,
            ci_high: -d.ci_low,
            p50: -d.p50,
            prob_a_cheaper: d.prob_b_cheaper(),
            prob_tie: d.prob_tie,
        })
    }

    /// Whether A and B cost the same in every trial (P(tie) is 1 as
    /// comparison.csv writes it, to six decimals, and the mean difference is
    /// zero).
    pub fn identical(&self, a: usize, b: usize) -> bool {
        a == b
            || self
                .pair(a, b)
                .is_some_and(|d| d.prob_tie >= 1.0 && d.mean == 0.0)
    }

    /// For every strategy, the first strategy (scenario order) that costs
    /// the same in every trial: itself when none before it does.
    pub fn twins(&self) -> Vec<usize> {
        let n = self.summaries.len();
        (0..n)
            .map(|i| (0..=i).find(|&j| self.identical(j, i)).unwrap_or(i))
            .collect()
    }
}

impl From<&analysis::PairComparison> for PairDifference {
    fn from(c: &analysis::PairComparison) -> Self {
        PairDifference {
            mean: c.mean,
            ci_low: c.ci_low,
            ci_high: c.ci_high,
            p50: c.median,
            prob_a_cheaper: c.p_a_cheaper,
            prob_tie: c.p_tie,
        }
    }
}

/// The [`contenders`] of a run from its statistics in memory (as the run
/// writes them): the pair whose difference sensitivity.csv explains, so
/// that every section that speaks of the leaders speaks of the verdict's
/// two.
pub fn contenders_of(
    summaries: &[Summary],
    comparisons: &[analysis::PairComparison],
) -> Option<(usize, usize)> {
    contenders(&Evidence {
        summaries,
        pairs: comparisons
            .iter()
            .map(|c| (c.a, c.b, PairDifference::from(c)))
            .collect(),
        trials: summaries.first().map_or(0, |s| s.trials),
        horizon: 0,
        target_launch_month: None,
    })
}

impl PairDifference {
    /// Share of trials in which B is cheaper: what is left of A cheaper and
    /// tied.
    pub fn prob_b_cheaper(&self) -> f64 {
        (1.0 - self.prob_a_cheaper - self.prob_tie).max(0.0)
    }

    /// Whether the 95% interval of the mean difference excludes zero.
    pub fn separated(&self) -> bool {
        self.ci_high < 0.0 || self.ci_low > 0.0
    }

    /// Whether the two are close: the interval includes zero and neither
    /// wins in more than [`CLOSE_SHARE_GAP`] more of the trials than the
    /// other.
    pub fn close(&self) -> bool {
        !self.separated() && (self.prob_a_cheaper - self.prob_b_cheaper()).abs() <= CLOSE_SHARE_GAP
    }
}

/// Names joined with commas and a final "and".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// " (the same in t%)" when the share of ties shows at the precision
/// printed, nothing otherwise.
fn same_share(tie: f64) -> String {
    if percent(tie) == percent(0.0) {
        String::new()
    } else {
        format!(" (the same in {})", percent(tie))
    }
}

/// "costs less than B in p% of trials[, the same in t% and more in q%]":
/// the shares of the subject against `other`, ties shown when they show.
fn head_to_head(other: &str, wins: f64, tie: f64, losses: f64) -> String {
    let usually = if wins > 0.5 { "usually " } else { "" };
    if percent(tie) == percent(0.0) {
        format!(
            "{usually}costs less than {other} ({} of trials)",
            percent(wins)
        )
    } else {
        format!(
            "costs less than {other} in {} of trials, the same in {} and more in {}",
            percent(wins),
            percent(tie),
            percent(losses)
        )
    }
}

/// "$x on average (95% interval $lo to $hi[, which includes zero])": the
/// subject's saving against the other, from the difference subject − other.
fn saving(d: &PairDifference) -> String {
    format!(
        "{} on average (95% interval {} to {}{})",
        short_money(-d.mean),
        short_money(-d.ci_high),
        short_money(-d.ci_low),
        if d.separated() {
            ""
        } else {
            ", which includes zero"
        }
    )
}

/// The two strategies the verdict compares: the one with the lowest median
/// (the one ranking, [`Ranking`]) and its challenger, the first of these
/// that does not cost the same as it in every trial: the one with the
/// lowest mean, the one most often cheapest, the next by median. `None`
/// without two strategies that differ.
pub fn contenders(e: &Evidence<'_>) -> Option<(usize, usize)> {
    let sm = e.summaries;
    let ranking = Ranking::of(sm);
    let a = ranking.best()?;
    let twins = e.twins();
    let second = ranking
        .places()
        .iter()
        .map(|p| p.strategy)
        .find(|&i| twins[i] != twins[a])?;
    let means: Vec<f64> = sm.iter().map(|s| s.mean).collect();
    let shares: Vec<f64> = sm.iter().map(|s| s.prob_cheapest).collect();
    let b = [lowest_first(&means)[0], highest_first(&shares)[0], second]
        .into_iter()
        .find(|&i| twins[i] != twins[a])
        .unwrap_or(second);
    Some((a, b))
}

/// The verdict: a few sentences, consistent with every figure beside them,
/// that the terminal prints after its table and the report sets as its
/// headline (both from this function).
///
/// What it says, in order, each only when it applies:
/// * the run is too small to rank anything (fewer than [`MIN_TRIALS`]):
///   then that, and the lowest median of these trials, and nothing more;
/// * the horizon ends before the target launch;
/// * strategies that cost the same in every trial;
/// * who costs less: the [`contenders`], trial by trial: the share of trials each wins, the saving
///   on average with its interval, and where the median and the
///   head-to-head disagree, both, reconciled; "close" only when
///   [`PairDifference::close`];
/// * the tail: when the one that usually costs more has the lower P90;
/// * cash: when another strategy's median cash is below that of the lowest
///   median total;
/// * ties: how P(cheapest) splits for strategies often tied for cheapest.
pub fn verdict(e: &Evidence<'_>) -> Vec<String> {
    let Opening {
        mut out,
        a,
        b,
        d,
        w,
        l,
        dw,
    } = match opening(e) {
        Ok(o) => o,
        Err(done) => return done,
    };
    let sm = e.summaries;
    let twins = e.twins();
    let means: Vec<f64> = sm.iter().map(|s| s.mean).collect();
    let (sa, sb) = (&sm[a], &sm[b]);
    let (na, nb) = (sa.strategy.as_str(), sb.strategy.as_str());
    let (pa, pb, tie) = (d.prob_a_cheaper, d.prob_b_cheaper(), d.prob_tie);
    let lowest_mean = lowest_first(&means)[0];
    let (nw, nl) = (sm[w].strategy.as_str(), sm[l].strategy.as_str());
    let (win, lose) = (dw.prob_a_cheaper, dw.prob_b_cheaper());
    out.push(if d.close() {
        format!(
            "{na} and {nb} are close: trial by trial {na} costs less in {} of trials and {nb} in {}{}, and the mean difference \
             ({na} − {nb}: {}, 95% interval {} to {}) includes zero. {na} has the lower median total, {} against {} over {} months.",
            percent(pa),
            percent(pb),
            same_share(tie),
            short_money(d.mean),
            short_money(d.ci_low),
            short_money(d.ci_high),
            short_money(sa.p50),
            short_money(sb.p50),
            e.horizon
        )
    } else if w == a && dw.mean <= 0.0 {
        format!(
            "{na} has the lowest median total, {} over {} months{}; trial by trial it {}, saving {}.",
            short_money(sa.p50),
            e.horizon,
            if lowest_mean == a {
                format!(", and the lowest mean, {}", short_money(sa.mean))
            } else {
                String::new()
            },
            head_to_head(nb, win, tie, lose),
            saving(&dw)
        )
    } else if w == a {
        format!(
            "{na} has the lowest median total, {} over {} months, and trial by trial it {}; but {nb} costs less on average, \
             by {} (95% interval {} to {}): when {na} costs more, it costs more by more than it saves when it wins.",
            short_money(sa.p50),
            e.horizon,
            head_to_head(nb, win, tie, lose),
            short_money(dw.mean),
            short_money(dw.ci_low),
            short_money(dw.ci_high)
        )
    } else {
        // The challenger wins more head-to-heads than the median leader.
        let by_mean = if dw.mean <= 0.0 {
            format!(", saving {} in the median trial and {}", short_money(-dw.p50), saving(&dw))
        } else {
            format!(
                " (by {} in the median trial), yet {nl} costs less on average, by {} (95% interval {} to {}): \
                 {nw}'s losses are larger than its wins",
                short_money(-dw.p50),
                short_money(dw.mean),
                short_money(dw.ci_low),
                short_money(dw.ci_high)
            )
        };
        format!(
            "{} {nw}: trial by trial it costs less than {nl} in {} of trials{}{by_mean}. {nl} has the lower median total ({} against {} \
             over {} months), but medians compare the two distributions, not the same trials.",
            if win > 0.5 { "Usually" } else { "More often" },
            percent(win),
            same_share(tie),
            short_money(sm[l].p50),
            short_money(sm[w].p50),
            e.horizon
        )
    });
    // Others that mostly cost the same as the leader.
    for i in (0..sm.len()).filter(|&i| i != b && twins[i] != twins[a]) {
        if let Some(t) = e.pair(a, i).map(|d| d.prob_tie).filter(|t| *t >= 0.5) {
            out.push(format!(
                "{} costs the same as {na} in {} of trials.",
                sm[i].strategy,
                percent(t)
            ));
        }
    }
    out.extend(tail(sm, w, l, &dw));
    // Cash against total: against the strategy with the lowest median.
    out.extend(cash(sm, &twins, a));
    // Ties in P(cheapest).
    let tied: Vec<String> = (0..sm.len())
        .filter(|&i| sm[i].prob_tied_cheapest >= TIED_SHARE_SHOWN)
        .enumerate()
        .map(|(k, i)| {
            format!(
                "{} is cheapest alone in {}{}, tied in {}",
                sm[i].strategy,
                percent(sm[i].prob_strictly_cheapest),
                if k == 0 { " of trials" } else { "" },
                percent(sm[i].prob_tied_cheapest)
            )
        })
        .collect();
    if !tied.is_empty() {
        out.push(format!(
            "P(cheapest) splits each tie for cheapest between the tied: {}.",
            tied.join("; ")
        ));
    }
    out
}

/// The most sentences [`brief`] says.
pub const BRIEF_SENTENCES: usize = 3;

/// The verdict in brief, at most [`BRIEF_SENTENCES`] sentences: what the
/// terminal prints after its table and the report sets as its headline
/// (the report lists the full [`verdict`] under it, with the same figures).
///
/// In order, each only when it applies, until three are said: the
/// degenerate cases of [`verdict`] (too few trials, a horizon before the
/// launch, strategies that cost the same in every trial); one sentence that
/// reconciles the measures for the [`contenders`] (the one that wins more
/// trials against the other, its share and its saving on average, and the
/// median where it disagrees; "close" only when [`PairDifference::close`]);
/// the lighter tail of the one that wins fewer trials; the cash leader when
/// it is not the strategy the sentence leads with; the strategies whose
/// P(cheapest) is mostly ties, among the two compared and the one most
/// often cheapest (a tie elsewhere does not bear on the choice; the report
/// lists every tie).
pub fn brief(e: &Evidence<'_>) -> Vec<String> {
    let Opening {
        mut out,
        a,
        b,
        d,
        w,
        l,
        dw,
    } = match opening(e) {
        Ok(o) => o,
        Err(done) => return done,
    };
    let sm = e.summaries;
    let twins = e.twins();
    let means: Vec<f64> = sm.iter().map(|s| s.mean).collect();
    let (sa, sb) = (&sm[a], &sm[b]);
    let (na, nb) = (sa.strategy.as_str(), sb.strategy.as_str());
    let (pa, pb, tie) = (d.prob_a_cheaper, d.prob_b_cheaper(), d.prob_tie);
    let (nw, nl) = (sm[w].strategy.as_str(), sm[l].strategy.as_str());
    let win = dw.prob_a_cheaper;
    let same = same_share(tie);
    let h = e.horizon;
    out.push(if d.close() {
        format!(
            "{na} and {nb} are close: {na} costs less in {} of trials and {nb} in {}{same}, and the 95% interval of the mean \
             difference ({} to {}) includes zero; {na} has the lower median total, {} against {} over {h} months.",
            percent(pa),
            percent(pb),
            short_money(d.ci_low),
            short_money(d.ci_high),
            short_money(sa.p50),
            short_money(sb.p50)
        )
    } else {
        let lead = format!(
            "{} {nw}: cheaper than {nl} in {} of trials{same}",
            if win > 0.5 { "Usually" } else { "More often" },
            percent(win)
        );
        let cheaper_on_average = dw.mean <= 0.0;
        let average = if !cheaper_on_average {
            String::new()
        } else if dw.separated() {
            format!(", {} less on average", short_money(-dw.mean))
        } else {
            format!(
                ", {} less on average (95% interval {} to {}, which includes zero)",
                short_money(-dw.mean),
                short_money(-dw.ci_high),
                short_money(-dw.ci_low)
            )
        };
        let rest = match (w == a, cheaper_on_average) {
            (true, true) => format!(
                "; it has the lowest median total, {} over {h} months{}",
                short_money(sa.p50),
                if lowest_first(&means)[0] == a {
                    format!(", and the lowest mean, {}", short_money(sa.mean))
                } else {
                    String::new()
                }
            ),
            (true, false) => format!(
                ", and has the lowest median total, {} over {h} months; but {nl} costs {} less on average \
                 (95% interval {} to {}): {nw} loses by more than it wins",
                short_money(sa.p50),
                short_money(dw.mean),
                short_money(dw.ci_low),
                short_money(dw.ci_high)
            ),
            (false, true) => format!(
                "; {nl} has the lower median total, {} against {} over {h} months",
                short_money(sm[l].p50),
                short_money(sm[w].p50)
            ),
            (false, false) => format!(
                ", by {} in the median trial; but {nl} has the lower median total, {} against {} over {h} months, \
                 and costs {} less on average: its wins are larger",
                short_money(-dw.p50),
                short_money(sm[l].p50),
                short_money(sm[w].p50),
                short_money(dw.mean)
            ),
        };
        format!("{lead}{average}{rest}.")
    });
    let leader = if d.close() { a } else { w };
    // Ties matter where they bear on the choice: a strategy the verdict
    // compares, or the one most often cheapest, whose P(cheapest) is mostly
    // its share of tied trials (the table's figure would read as trials it
    // wins alone).
    let most_often = highest_first(&sm.iter().map(|s| s.prob_cheapest).collect::<Vec<_>>())[0];
    let mostly_tied: Vec<String> = (0..sm.len())
        .filter(|&i| {
            let s = &sm[i];
            (i == a || i == b || i == most_often)
                && s.prob_tied_cheapest >= TIED_SHARE_SHOWN
                && s.prob_strictly_cheapest < s.prob_cheapest / 2.0
        })
        .enumerate()
        .map(|(k, i)| {
            let s = &sm[i];
            format!(
                "{}'s P(cheapest) of {} is mostly ties: cheapest alone in {}{}, tied for cheapest in {}",
                s.strategy,
                percent(s.prob_cheapest),
                percent(s.prob_strictly_cheapest),
                if k == 0 { " of trials" } else { "" },
                percent(s.prob_tied_cheapest)
            )
        })
        .collect();
    let ties = (!mostly_tied.is_empty()).then(|| format!("{}.", mostly_tied.join("; ")));
    let cash = cash_leader(sm, &twins, leader).map(|c| {
        format!(
            "By cash alone (without lost value), {} pays least: median {} against {} for {}.",
            sm[c].strategy,
            short_money(sm[c].cash.p50),
            short_money(sm[leader].cash.p50),
            sm[leader].strategy
        )
    });
    for extra in [tail(sm, w, l, &dw), cash, ties].into_iter().flatten() {
        if out.len() >= BRIEF_SENTENCES {
            break;
        }
        out.push(extra);
    }
    out
}

/// Where [`verdict`] and [`brief`] both start: the sentences said before
/// any comparison, the strategy with the lowest median `a`, its challenger
/// `b` and their difference `d` (a − b), and the one of them that wins more
/// head-to-heads `w` (`a` when even) against the other `l`, with `dw`
/// (w − l).
struct Opening {
    out: Vec<String>,
    a: usize,
    b: usize,
    d: PairDifference,
    w: usize,
    l: usize,
    dw: PairDifference,
}

/// The [`Opening`] of a verdict, or the whole verdict when there is nothing
/// to compare (no strategy, too few trials, one strategy, all the same, no
/// comparison.csv).
fn opening(e: &Evidence<'_>) -> Result<Opening, Vec<String>> {
    let Some(a) = Ranking::of(e.summaries).best() else {
        return Err(Vec::new());
    };
    if e.trials < MIN_TRIALS {
        return Err(too_few(e, a));
    }
    let mut out = degenerate(e);
    let (b, d) = match compared(e, a) {
        Ok(pair) => pair,
        Err(sentence) => {
            out.push(sentence);
            return Err(out);
        }
    };
    let (w, l, dw) = if d.prob_a_cheaper >= d.prob_b_cheaper() {
        (a, b, d)
    } else {
        (b, a, e.pair(b, a).unwrap_or(d))
    };
    Ok(Opening {
        out,
        a,
        b,
        d,
        w,
        l,
        dw,
    })
}

/// Whom a run's verdict leads with: what a re-run or a comparison says
/// moved, or stayed, between two runs (the figures move with every run; the
/// lead is the answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lead {
    /// The strategy that wins more head-to-heads against the other of the
    /// [`contenders`] ("Usually X" or "More often X").
    Strategy(String),
    /// The contenders are close ([`PairDifference::close`]).
    Close(String, String),
    /// Nothing is ranked: too few trials, one strategy, all the same, or
    /// no comparison.
    Nothing,
}

/// The [`Lead`] of the verdict of `e`.
pub fn lead(e: &Evidence<'_>) -> Lead {
    let name = |i: usize| e.summaries[i].strategy.clone();
    match opening(e) {
        Ok(o) if o.d.close() => Lead::Close(name(o.a), name(o.b)),
        Ok(o) => Lead::Strategy(name(o.w)),
        Err(_) => Lead::Nothing,
    }
}

/// Whether the verdict moved from the run labelled `before` to the one
/// labelled `after`: "The verdict still leads with X, as in before." or
/// "The verdict moved: X first in before → Y and Z close in after."; `None`
/// when neither ranks anything.
pub fn lead_line(before: (&str, &Lead), after: (&str, &Lead)) -> Option<String> {
    let ((bl, b), (al, a)) = (before, after);
    let say = |l: &Lead| match l {
        Lead::Strategy(x) => format!("{x} first"),
        Lead::Close(x, y) => format!("{x} and {y} close"),
        Lead::Nothing => "nothing ranked".to_string(),
    };
    match (b, a) {
        (Lead::Nothing, Lead::Nothing) => None,
        (Lead::Strategy(x), Lead::Strategy(y)) if x == y => {
            Some(format!("The verdict still leads with {x}, as in {bl}."))
        }
        _ if b == a => Some(format!("The verdict is the same as in {bl}: {}.", say(a))),
        _ => Some(format!(
            "The verdict moved: {} in {bl} → {} in {al}.",
            say(b),
            say(a)
        )),
    }
}

/// The tail: when `l`, which wins fewer head-to-heads against `w` (`dw`
/// is w − l), has the lower P90.
fn tail(sm: &[Summary], w: usize, l: usize, dw: &PairDifference) -> Option<String> {
    let gap = sm[w].p90 - sm[l].p90;
    (gap > 0.0 && short_money(gap) != short_money(0.0)).then(|| {
        format!(
            "{} {}but has the lighter tail: its costliest 10% of trials start at {} (P90), {} below {}.",
            sm[l].strategy,
            if dw.p50 < 0.0 {
                "costs more in a typical trial "
            } else {
                ""
            },
            short_money(sm[l].p90),
            short_money(gap),
            short_money(sm[w].p90)
        )
    })
}

/// The strategy with the lowest median cash when it is not `leader` (the
/// leader by total) or a twin of it and pays less cash than it.
fn cash_leader(sm: &[Summary], twins: &[usize], leader: usize) -> Option<usize> {
    let cash_medians: Vec<f64> = sm.iter().map(|s| s.cash.p50).collect();
    let c = lowest_first(&cash_medians)[0];
    (twins[c] != twins[leader] && sm[c].cash.p50 < sm[leader].cash.p50).then_some(c)
}

/// Cash against total: when another strategy pays less cash in its median
/// trial than `leader` ([`cash_leader`]), with the value each loses.
fn cash(sm: &[Summary], twins: &[usize], leader: usize) -> Option<String> {
    let (sa, na) = (&sm[leader], sm[leader].strategy.as_str());
    cash_leader(sm, twins, leader).map(|c| {
        let (sc, nc) = (&sm[c], sm[c].strategy.as_str());
        format!(
            "By cash alone (what each strategy pays, without lost value), {nc} pays least: median {} against {} for {na}{}.",
            short_money(sc.cash.p50),
            short_money(sa.cash.p50),
            if sa.lost_value.mean < sc.lost_value.mean {
                format!(
                    ", which loses less value (mean {} against {})",
                    short_money(sa.lost_value.mean),
                    short_money(sc.lost_value.mean)
                )
            } else {
                String::new()
            }
        )
    })
}

/// With fewer than [`MIN_TRIALS`] trials: that the run ranks nothing, and
/// its lowest median (`a` is the strategy with it).
fn too_few(e: &Evidence<'_>, a: usize) -> Vec<String> {
    let sm = e.summaries;
    let mut out = Vec::new();
    let medians: Vec<f64> = sm.iter().map(|s| s.p50).collect();
    let at_lowest: Vec<&str> = (0..sm.len())
        .filter(|&i| medians[i] == medians[a])
        .map(|i| sm[i].strategy.as_str())
        .collect();
    out.push(if e.trials <= 1 {
        format!(
            "One trial is a single simulated outcome, not a distribution: no spread, share or interval can be estimated from it, \
             and it ranks nothing (this verdict needs at least {MIN_TRIALS} trials; run with --trials 10000)."
        )
    } else {
        format!(
            "Only {} trials: too few to rank the strategies or to trust the spreads, shares and 95% intervals estimated from them \
             (this verdict needs at least {MIN_TRIALS}; run with --trials 10000).",
            e.trials
        )
    });
    let who = if e.trials <= 1 {
        "In that trial"
    } else {
        "In these trials"
    };
    out.push(if at_lowest.len() > 1 {
        format!(
            "{who}, {} tie for the lowest {}total, {}.",
            and_list(&at_lowest),
            if e.trials <= 1 { "" } else { "median " },
            short_money(medians[a])
        )
    } else {
        format!(
            "{who}, {} has the lowest {}total, {}.",
            sm[a].strategy,
            if e.trials <= 1 { "" } else { "median " },
            short_money(medians[a])
        )
    });
    out
}

/// The degenerate cases said plainly before any comparison: a horizon
/// that ends before the target launch, and strategies that cost the same
/// in every trial.
fn degenerate(e: &Evidence<'_>) -> Vec<String> {
    let sm = e.summaries;
    let mut out = Vec::new();
    if let Some(t) = e.target_launch_month.filter(|t| *t >= f64::from(e.horizon)) {
        out.push(format!(
            "The {}-month horizon ends before the target launch (month {}, counted from 0): these totals are the cost of building, \
             not of running the product; set simulation.horizon_months past the launch to compare the strategies.",
            e.horizon,
            super::format::swept_value(t)
        ));
    }
    let twins = e.twins();
    let groups: Vec<String> = (0..sm.len())
        .map(|first| {
            (0..sm.len())
                .filter(|&i| twins[i] == first)
                .map(|i| sm[i].strategy.as_str())
                .collect::<Vec<&str>>()
        })
        .filter(|group| group.len() > 1)
        .map(|group| and_list(&group))
        .collect();
    match groups.as_slice() {
        [] => {}
        [one] => out.push(format!(
            "{one} cost the same in every trial: over this horizon they act as one strategy."
        )),
        [first, rest @ ..] => out.push(format!(
            "{first} cost the same in every trial, as do {}: over this horizon each group acts as one strategy.",
            rest.join(", as do ")
        )),
    }
    out
}

/// The challenger of `a` (the lowest median) and the difference a − b, or
/// the sentence that takes the comparison's place: a single strategy,
/// strategies that all cost the same, a run without comparison.csv.
fn compared(e: &Evidence<'_>, a: usize) -> Result<(usize, PairDifference), String> {
    let sm = e.summaries;
    let Some((_, b)) = contenders(e) else {
        return Err(if sm.len() == 1 {
            format!(
                "{} has a median total cost of {} over {} months.",
                sm[a].strategy,
                short_money(sm[a].p50),
                e.horizon
            )
        } else {
            format!(
                "Every strategy costs the same in every trial: a median total of {} over {} months.",
                short_money(sm[a].p50),
                e.horizon
            )
        });
    };
    let (sa, sb) = (&sm[a], &sm[b]);
    let (na, nb) = (sa.strategy.as_str(), sb.strategy.as_str());
    e.pair(a, b).map(|d| (b, d)).ok_or_else(|| {
        format!(
            "{na} has the lowest median total, {} over {} months ({nb}: {}); without comparison.csv the two cannot be compared trial by trial.",
            short_money(sa.p50),
            e.horizon,
            short_money(sb.p50)
        )
    })
}

/// The report's points after the verdict: P(cheapest) of every strategy,
/// the narrowest and widest range of outcomes, and the heaviest tail. Empty
/// with fewer than two strategies or fewer than [`MIN_TRIALS`] trials (too
/// few for shares, percentiles and tails to mean anything; the verdict
/// says so).
pub fn details(sm: &[Summary], trials: u64) -> Vec<String> {
    let mut out = Vec::new();
    if sm.len() < 2 || trials < MIN_TRIALS {
        return out;
    }
    let of = |f: fn(&Summary) -> f64| sm.iter().map(f).collect::<Vec<f64>>();
    let list: Vec<String> = highest_first(&of(|s| s.prob_cheapest))
        .into_iter()
        .map(|i| format!("{} in {}", sm[i].strategy, percent(sm[i].prob_cheapest)))
        .collect();
    out.push(format!(
        "Cheapest in the same simulated world (every strategy faces the same project, drift and luck in a trial): {} of trials \
         (a trial in which several tie for cheapest is shared between them).",
        list.join(", ")
    ));
    // Narrowest first; among equally wide, the last in scenario order is
    // the widest.
    let spread = lowest_first(&of(|s| s.p90 - s.p10));
    let (narrow, wide) = (&sm[spread[0]], &sm[spread[spread.len() - 1]]);
    if wide.p90 - wide.p10 > narrow.p90 - narrow.p10 {
        out.push(format!(
            "Narrowest range of outcomes: {}, whose middle 80% (P10 to P90) spans {} (from {} to {}). \
             Widest: {}, spanning {} (from {} to {}).",
            narrow.strategy,
            short_money(narrow.p90 - narrow.p10),
            short_money(narrow.p10),
            short_money(narrow.p90),
            wide.strategy,
            short_money(wide.p90 - wide.p10),
            short_money(wide.p10),
            short_money(wide.p90)
        ));
    }
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

/// Two strategies compared trial by trial: A − B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairDifference {
    /// Mean of A − B.
    pub mean: f64,
    /// Low end of its 95% interval.
    pub ci_low: f64,
    /// High end of its 95% interval.
    pub ci_high: f64,
    /// Median of A − B.
    pub p50: f64,
    /// Share of trials in which A is cheaper.
    pub prob_a_cheaper: f64,
    /// Share of trials in which they cost the same.
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
/// says about A against B (A has the lower median). With fewer than
/// [`MIN_TRIALS`] trials the interval is not read as a conclusion, and a
/// single trial has none.
pub fn mean_difference(a: &str, b: &str, d: &PairDifference, trials: u64) -> Vec<Span> {
    let lead = vec![
        text("Mean difference "),
        Span::Name(a.to_string()),
        text(" − "),
        Span::Name(b.to_string()),
    ];
    let tail = if trials <= 1 {
        format!(
            " in the one trial: {}; a single trial has no interval and cannot tell a difference from Monte Carlo noise.",
            short_money(d.mean)
        )
    } else {
        let sure = if trials < MIN_TRIALS {
            format!(
                "but with only {trials} trials this interval is too rough to tell a difference from Monte Carlo noise"
            )
        } else if d.ci_high < 0.0 {
            "so on average it is cheaper, beyond Monte Carlo noise".to_string()
        } else if d.ci_low > 0.0 {
            "so on average it is dearer, beyond Monte Carlo noise, even though its median is lower"
                .to_string()
        } else {
            "an interval that includes zero: on average the two cannot be told apart at this number of trials"
                .to_string()
        };
        format!(
            ": {} (95% interval {} to {}), {sure}; median difference {}.",
            short_money(d.mean),
            short_money(d.ci_low),
            short_money(d.ci_high),
            short_money(d.p50)
        )
    };
    let mut out = lead;
    out.push(text(tail));
    out
}

/// How precisely `trials` trials know every mean: `widest` is
/// [`super::widest_relative_half_width`]. One trial knows nothing of it,
/// and below [`MIN_TRIALS`] the estimate is itself rough.
pub fn precision_sentence(trials: u64, widest: f64) -> Vec<Span> {
    let first = if trials <= 1 {
        "With 1 trial the Monte Carlo error of the means cannot be estimated at all (a single outcome has no spread); \
         precision.csv's standard errors of 0 mean \"unknown\", not \"exact\". "
            .to_string()
    } else if trials < MIN_TRIALS {
        format!(
            "With only {trials} trials every strategy's mean is known to within about ±{} (95%), and that figure is itself a rough estimate; \
             precision.csv gives the standard error of each mean and of P10, P50 and P90. ",
            percent(widest)
        )
    } else {
        format!(
            "With {trials} trials every strategy's mean is known to within ±{} (95%); precision.csv gives the standard error of each mean and of P10, P50 and P90. ",
            percent(widest)
        )
    };
    vec![
        text(first),
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
