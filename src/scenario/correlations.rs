//! `[[correlations]]`: per-trial inputs drawn together, with a target rank
//! correlation (a Gaussian copula).
//!
//! ```toml
//! [[correlations]]
//! inputs = ["business.value_at_risk_per_month", "business.cost_of_delay_per_month"]
//! rank = 0.6
//! ```
//!
//! Each entry names two per-trial inputs by key path (`section.key` or
//! `engagements.NAME.key`), both given as distributions, and `rank`, their
//! target Spearman rank correlation, strictly between -1 and 1.
//!
//! **Paths name draws.** A path is resolved to the draw it names before any
//! check: a key an engagement sets itself is its own draw; a key it takes
//! from the engagement it `extends` is that engagement's draw, so two paths
//! may name one draw (and an engagement that inherits a correlated key
//! shares its correlation). Refused, each with its place in the file: an
//! unknown path, a key that is not a per-trial input (a setting, or a key
//! drawn per event such as `time_to_hire_months`), an input that is a fixed
//! number or left to its default (it has no rank), one draw named twice in
//! a pair, a pair given twice (in either order), a rank outside (-1, 1), and
//! a set of ranks that cannot hold together (see below).
//!
//! **Groups.** The pairs link inputs into groups (connected components). A
//! group's inputs are ordered by their first mention among the entries, in
//! file order, so adding pairs to a group never reorders its earlier
//! members. Its correlation matrix holds, for each pair given, the Pearson
//! correlation of normals whose rank correlation is `rank`,
//! `2 sin(π rank / 6)`, and 0 for pairs not given. A matrix that is not
//! positive definite (its smallest eigenvalue, found by Jacobi's method, is
//! not above 0) is an error naming the group's pairs; otherwise its lower
//! Cholesky factor is kept for sampling.
//!
//! **Draws.** Per trial, each input of a group draws one standard normal from
//! its own stream, named `KEY#copula` after the input's key (the path of the
//! table that sets it): so an engagement's own draw is independent of the
//! draw it overrides. The group's normals are mixed by the Cholesky factor,
//! and each input's value is its distribution's inverse CDF at Φ of its mixed
//! normal. The draw depends on `(seed, trial)` alone, so threads and shards
//! agree. Inputs in no correlation are drawn exactly as before, from their
//! plain streams: adding a correlation changes the draws of the correlated
//! inputs alone, and adding a pair to a group leaves the draws of the
//! members mentioned before it unchanged (a lower Cholesky factor's row
//! depends only on the rows above it).
//!
//! **Fixed by a run.** A sweep's `--set` replaces a key's distribution with
//! a number. The scenario is then read with that key in `fixed`: a pair
//! naming a draw fixed that way is left out (recorded in
//! [`Correlations::left_out`], for the command to report) rather than
//! refused; the rest of its group keeps its correlations (what is left of a
//! positive definite matrix is positive definite).

use std::f64::consts::PI;
use std::ops::Range;

use rand::distr::Distribution;
use rand_distr::StandardNormal;
use toml::de::{DeTable, DeValue};

use super::diag::{list, suggestion};
use super::keys::{self, Value};
use super::values::{Ctx, Val, get, type_name};
use super::{Engagement, EngagementKind, Input, InputId};
use crate::dist::std_normal_cdf;
use crate::rng::{self, name_hash};

/// The correlations of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Correlations {
    /// The groups of correlated inputs, ordered by their first mention.
    pub groups: Vec<CorrelationGroup>,
    /// Pairs left out because a run fixed one of their inputs (sweep
    /// `--set`), in file order.
    pub left_out: Vec<LeftOutPair>,
}

/// Inputs drawn together: a connected component of the pairs.
#[derive(Debug, Clone)]
pub struct CorrelationGroup {
    /// Its inputs, in order of first mention among the entries.
    pub inputs: Vec<InputId>,
    /// Stream of each input's standard normal: the hash of `KEY#copula`.
    pub streams: Vec<u64>,
    /// Lower Cholesky factor of its correlation matrix, `n × n` row-major.
    pub chol: Vec<f64>,
    /// The pairs that make it, in file order.
    pub pairs: Vec<CorrelationPair>,
}

/// One `[[correlations]]` entry, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationPair {
    /// Index of the entry among the `[[correlations]]`.
    pub entry: usize,
    /// The paths as written.
    pub paths: [String; 2],
    /// The draws they name.
    pub inputs: [InputId; 2],
    /// Target Spearman rank correlation.
    pub rank: f64,
}

/// A pair left out because a run fixed one of its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOutPair {
    /// Index of the entry among the `[[correlations]]`.
    pub entry: usize,
    /// The paths as written.
    pub paths: [String; 2],
    /// Its target rank correlation.
    pub rank: f64,
    /// The keys the run fixed that made it leave the pair out.
    pub fixed: Vec<String>,
}

impl LeftOutPair {
    /// The pair as notes write it: `correlations[0] (a, b; rank 0.6)`.
    pub fn describe(&self) -> String {
        format!(
            "correlations[{}] ({}, {}; rank {})",
            self.entry, self.paths[0], self.paths[1], self.rank
        )
    }
}

/// The Pearson correlation of two standard normals whose Spearman rank
/// correlation is `rank`: `2 sin(π rank / 6)`.
pub fn normal_correlation(rank: f64) -> f64 {
    2.0 * (PI * rank / 6.0).sin()
}

impl Correlations {
    /// Whether no input is correlated.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Draws every correlated input of trial `trial` into `values` (one value
    /// per input of the scenario), replacing its independent draw.
    pub fn draw(&self, inputs: &[Input], seed: u64, trial: u64, values: &mut [f64]) {
        for g in &self.groups {
            let n = g.inputs.len();
            for (id, stream) in g.inputs.iter().zip(&g.streams) {
                values[*id] = StandardNormal.sample(&mut rng::stream(seed, trial, *stream, 0));
            }
            // Row i of the lower factor reads normals 0..=i: mixing from the
            // last row up lets each value replace its own normal in place.
            for i in (0..n).rev() {
                let row = &g.chol[i * n..i * n + i + 1];
                let z: f64 = row
                    .iter()
                    .zip(&g.inputs)
                    .map(|(l, id)| l * values[*id])
                    .sum();
                let id = g.inputs[i];
                values[id] = inputs[id].dist.quantile(std_normal_cdf(z));
            }
        }
    }
}

/// A path resolved: the draw it names, and whether a run fixed it.
struct Named {
    path: String,
    span: Range<usize>,
    id: InputId,
    fixed_by_run: bool,
}

/// What paths are resolved against.
struct Scope<'a, 't, 'i> {
    engagements: &'a [(String, Engagement)],
    /// `[engagements]` as written, to tell an undefined engagement from one
    /// that had problems (already reported).
    written: Option<&'t DeTable<'i>>,
    /// Keys a run fixed (sweep `--set`).
    fixed: &'a [String],
}

/// Reads `[[correlations]]`, after every input has been read. Problems are
/// recorded in `c`.
pub(super) fn correlations(
    c: &mut Ctx<'_>,
    root: &DeTable<'_>,
    engagements: &[(String, Engagement)],
    fixed: &[String],
) -> Correlations {
    let mut out = Correlations::default();
    let Some(v) = get(root, "correlations") else {
        return out;
    };
    let DeValue::Array(arr) = v.get_ref() else {
        c.err(
            v.span(),
            "correlations",
            format!(
                "expected an array of tables ([[correlations]]), found {}",
                type_name(v.get_ref())
            ),
        );
        return out;
    };
    let scope = Scope {
        engagements,
        written: get(root, "engagements").and_then(|v| match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        }),
        fixed,
    };
    // Every pair resolved so far (kept or left out), with its entry's place.
    let mut seen: Vec<([InputId; 2], usize, usize)> = Vec::new();
    let mut pairs: Vec<(CorrelationPair, Range<usize>)> = Vec::new();
    for (i, ev) in arr.iter().enumerate() {
        let path = format!("correlations[{i}]");
        let Some(t) = c.table(ev, &path) else {
            continue;
        };
        c.check_keys(t, &path, keys::CORRELATION, "a correlation");
        let rank = rank(c, t, ev, &path);
        let Some((names, inputs_span)) = pair(c, t, ev, &path, &scope) else {
            continue;
        };
        let [a, b] = names;
        if a.id == b.id {
            let message = if a.path == b.path {
                format!(
                    "names `{}` twice; a correlation needs two different inputs",
                    a.path
                )
            } else {
                format!(
                    "`{}` and `{}` name one draw, `{}` (an engagement that extends another and does not set a key shares its draw); a correlation needs two different inputs",
                    a.path, b.path, c.inputs[a.id].key
                )
            };
            c.err(b.span.clone(), &format!("{path}.inputs[1]"), message);
            continue;
        }
        let ids = [a.id.min(b.id), a.id.max(b.id)];
        if let Some((_, j, at)) = seen.iter().find(|(p, _, _)| *p == ids) {
            let line = c.text[..*at].matches('\n').count() + 1;
            c.err(
                inputs_span,
                &format!("{path}.inputs"),
                format!(
                    "the pair `{}`, `{}` is already correlated by correlations[{j}] (line {line}); give each pair once, with one rank",
                    a.path, b.path
                ),
            );
            continue;
        }
        seen.push((ids, i, inputs_span.start));
        let Some(rank) = rank else { continue };
        let paths = [a.path.clone(), b.path.clone()];
        if a.fixed_by_run || b.fixed_by_run {
            let fixed = [&a, &b]
                .iter()
                .filter(|n| n.fixed_by_run)
                .map(|n| c.inputs[n.id].key.clone())
                .collect();
            out.left_out.push(LeftOutPair {
                entry: i,
                paths,
                rank,
                fixed,
            });
            continue;
        }
        let rank_span = get(t, "rank").map(|v| v.span()).unwrap_or(ev.span());
        pairs.push((
            CorrelationPair {
                entry: i,
                paths,
                inputs: [a.id, b.id],
                rank,
            },
            rank_span,
        ));
    }
    out.groups = groups(c, pairs);
    out
}

/// The entry's `rank`, if valid.
fn rank(c: &mut Ctx<'_>, t: &DeTable<'_>, ev: &Val<'_>, path: &str) -> Option<f64> {
    let rpath = format!("{path}.rank");
    let Some(rv) = get(t, "rank") else {
        c.err(
            ev.span(),
            &rpath,
            "every correlation needs a `rank`, the target Spearman rank correlation of its two inputs, strictly between -1 and 1, e.g. rank = 0.6",
        );
        return None;
    };
    let r = c.number(rv, &rpath)?;
    if r > -1.0 && r < 1.0 {
        Some(r)
    } else {
        c.err(
            rv.span(),
            &rpath,
            format!(
                "must be a Spearman rank correlation strictly between -1 and 1, got {}; e.g. rank = 0.6 (the inputs tend to rise together) or rank = -0.4 (one tends to fall as the other rises)",
                &c.text[rv.span()]
            ),
        );
        None
    }
}

/// The entry's two inputs resolved, and the span of `inputs`; `None` after
/// reporting why not (or when an input had problems reported elsewhere).
fn pair(
    c: &mut Ctx<'_>,
    t: &DeTable<'_>,
    ev: &Val<'_>,
    path: &str,
    scope: &Scope<'_, '_, '_>,
) -> Option<([Named; 2], Range<usize>)> {
    let ipath = format!("{path}.inputs");
    let example = "[\"business.value_at_risk_per_month\", \"business.cost_of_delay_per_month\"]";
    let Some(iv) = get(t, "inputs") else {
        c.err(
            ev.span(),
            &ipath,
            format!("every correlation needs `inputs`, the key paths of two per-trial inputs, e.g. inputs = {example}"),
        );
        return None;
    };
    let items = match iv.get_ref() {
        DeValue::Array(a) if a.len() == 2 => a,
        DeValue::Array(a) => {
            c.err(
                iv.span(),
                &ipath,
                format!(
                    "expected two inputs (one pair), found {}; correlate more inputs with one [[correlations]] per pair, e.g. inputs = {example}",
                    a.len()
                ),
            );
            return None;
        }
        other => {
            c.err(
                iv.span(),
                &ipath,
                format!(
                    "expected an array of two input key paths such as {example}, found {}",
                    type_name(other)
                ),
            );
            return None;
        }
    };
    let mut named = Vec::with_capacity(2);
    for (k, item) in items.iter().enumerate() {
        let p = format!("{ipath}[{k}]");
        let resolved = c
            .string(
                item,
                &p,
                "an input's key path such as \"business.cost_of_delay_per_month\"",
            )
            .map(str::to_string)
            .and_then(|s| resolve(c, &s, item.span(), &p, scope));
        named.push(resolved);
    }
    let b = named.pop().flatten();
    let a = named.pop().flatten();
    Some(([a?, b?], iv.span()))
}

/// The draw `name` names, if it is a per-trial input given as a
/// distribution (or fixed by the run); `None` after reporting why not.
fn resolve(
    c: &mut Ctx<'_>,
    name: &str,
    span: Range<usize>,
    at: &str,
    scope: &Scope<'_, '_, '_>,
) -> Option<Named> {
    let parts: Vec<&str> = name.split('.').collect();
    let id = match parts.as_slice() {
        ["engagements", e, key] => engagement_path(c, name, e, key, &span, at, scope)?,
        [section, key] if keys::fixed_sections().any(|s| s == *section) => {
            match keys::find(section, key).map(|k| k.value) {
                Some(Value::Input(_)) => c.inputs.iter().position(|i| i.key == name)?,
                Some(Value::PerEvent(_)) => return per_event(c, name, span, at),
                Some(_) => return not_an_input(c, name, span, at),
                None => return unknown(c, name, span, at, scope),
            }
        }
        _ => return unknown(c, name, span, at, scope),
    };
    let input = &c.inputs[id];
    if !input.dist.is_fixed() {
        return Some(Named {
            path: name.to_string(),
            span,
            id,
            fixed_by_run: false,
        });
    }
    if scope.fixed.contains(&input.key) {
        return Some(Named {
            path: name.to_string(),
            span,
            id,
            fixed_by_run: true,
        });
    }
    // An input whose value had a problem is fixed at 0 as a stand-in: its
    // own problem says what is wrong.
    let key = input.key.clone();
    let had_problem = c
        .diags
        .iter()
        .any(|d| d.1 == key || d.1.starts_with(&format!("{key}.")));
    if !had_problem {
        let message = fixed_message(c, name, id);
        c.err(span, at, message);
    }
    None
}

/// The draw of `engagements.E.KEY`, or `None` after reporting why not.
fn engagement_path(
    c: &mut Ctx<'_>,
    name: &str,
    e: &str,
    key: &str,
    span: &Range<usize>,
    at: &str,
    scope: &Scope<'_, '_, '_>,
) -> Option<InputId> {
    let Some((_, eng)) = scope.engagements.iter().find(|(n, _)| n == e) else {
        let defined = scope
            .written
            .map(|t| {
                t.iter()
                    .map(|(k, _)| k.get_ref().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if !defined.iter().any(|d| d == e) {
            let names: Vec<&str> = defined.iter().map(String::as_str).collect();
            let hint = suggestion(e, &names)
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default();
            c.err(
                span.clone(),
                at,
                format!(
                    "`{name}` names no engagement: there is no engagement named \"{e}\"; {hint}defined: {}",
                    list(&names)
                ),
            );
        }
        return None;
    };
    let (own, other, a_kind, other_word) = match eng.kind {
        EngagementKind::Freelance(_) => {
            (keys::FREELANCE, keys::EMPLOYEE, "a freelance", "employee")
        }
        EngagementKind::Employee(_) => {
            (keys::EMPLOYEE, keys::FREELANCE, "an employee", "freelance")
        }
    };
    let found = keys::find(keys::ENGAGEMENT, key).or_else(|| keys::find(own, key));
    match found.map(|k| k.value) {
        Some(Value::Input(_)) => engagement_input(eng, key),
        Some(Value::PerEvent(_)) => per_event(c, name, span.clone(), at).map(|n| n.id),
        Some(_) => not_an_input(c, name, span.clone(), at).map(|n| n.id),
        None if keys::find(other, key).is_some() => {
            let inputs = engagement_inputs(own);
            c.err(
                span.clone(),
                at,
                format!(
                    "`{key}` is a key of {other_word} engagements, but `{e}` is {a_kind} engagement; its per-trial inputs are {}",
                    list(&inputs)
                ),
            );
            None
        }
        None => unknown(c, name, span.clone(), at, scope).map(|n| n.id),
    }
}

/// The per-trial input keys of an engagement of the kind whose key-table
/// section is `own`.
fn engagement_inputs(own: &str) -> Vec<&'static str> {
    keys::of(keys::ENGAGEMENT)
        .chain(keys::of(own))
        .filter(|k| matches!(k.value, Value::Input(_)))
        .map(|k| k.name)
        .collect()
}

/// The draw of an engagement's per-trial input `key`.
fn engagement_input(e: &Engagement, key: &str) -> Option<InputId> {
    let id = match (key, &e.kind) {
        ("documentation", _) => e.documentation,
        ("rework_multiplier", _) => e.rework_multiplier,
        (k, EngagementKind::Freelance(f)) => match k {
            "hourly_rate" => f.hourly_rate,
            "max_hours_per_month" => f.max_hours_per_month,
            "platform_fee" => f.platform_fee,
            "engagement_fee" => f.engagement_fee,
            "exit_per_month" => f.exit_per_month,
            "returns_for_follow_up" => f.returns_for_follow_up,
            "retainer_hours_per_month" => f.retainer_hours_per_month,
            _ => return None,
        },
        (k, EngagementKind::Employee(p)) => match k {
            "annual_salary" => p.annual_salary,
            "overhead" => p.overhead,
            "tools_per_year" => p.tools_per_year,
            "recruiting_fee" => p.recruiting_fee,
            "internal_hiring_cost" => p.internal_hiring_cost,
            "attrition_per_year" => p.attrition_per_year,
            "notice_months" => p.notice_months,
            "severance_months" => p.severance_months,
            "availability" => p.availability,
            _ => return None,
        },
    };
    Some(id)
}

/// Reports a key drawn per event.
fn per_event(c: &mut Ctx<'_>, name: &str, span: Range<usize>, at: &str) -> Option<Named> {
    c.err(
        span,
        at,
        format!(
            "`{name}` is drawn afresh for each event (each search, project or drift event), not once per trial, so it cannot be correlated; a correlation names per-trial inputs, such as business.cost_of_delay_per_month or engagements.NAME.hourly_rate"
        ),
    );
    None
}

/// Reports a key that is a setting, not a drawn input.
fn not_an_input(c: &mut Ctx<'_>, name: &str, span: Range<usize>, at: &str) -> Option<Named> {
    c.err(
        span,
        at,
        format!(
            "`{name}` is a setting, not an input drawn per trial, so it cannot be correlated; a correlation names per-trial inputs given as distributions, such as business.cost_of_delay_per_month or engagements.NAME.hourly_rate"
        ),
    );
    None
}

/// Reports an unknown path, with the closest valid one and the inputs this
/// scenario gives as distributions.
fn unknown(
    c: &mut Ctx<'_>,
    name: &str,
    span: Range<usize>,
    at: &str,
    scope: &Scope<'_, '_, '_>,
) -> Option<Named> {
    let mut valid: Vec<String> = keys::fixed_sections()
        .flat_map(|s| {
            keys::of(s)
                .filter(|k| matches!(k.value, Value::Input(_)))
                .map(move |k| format!("{s}.{}", k.name))
        })
        .collect();
    for (n, e) in scope.engagements {
        let own = match e.kind {
            EngagementKind::Freelance(_) => keys::FREELANCE,
            EngagementKind::Employee(_) => keys::EMPLOYEE,
        };
        valid.extend(
            engagement_inputs(own)
                .into_iter()
                .map(|k| format!("engagements.{n}.{k}")),
        );
    }
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    let hint = suggestion(name, &valid)
        .map(|s| format!("did you mean \"{s}\"? "))
        .unwrap_or_default();
    let dists: Vec<&str> = c
        .inputs
        .iter()
        .filter(|i| !i.dist.is_fixed())
        .map(|i| i.key.as_str())
        .collect();
    let message = format!(
        "unknown input \"{name}\"; {hint}a correlation names a per-trial input as section.key or engagements.NAME.key, given as a distribution; this scenario's are {}",
        list(&dists)
    );
    c.err(span, at, message);
    None
}

/// Why the fixed input `id`, named `name`, cannot be correlated.
fn fixed_message(c: &Ctx<'_>, name: &str, id: InputId) -> String {
    let input = &c.inputs[id];
    let value = input
        .dist
        .fixed_value()
        .map(super::values::fmt_num)
        .unwrap_or_default();
    let subject = if input.key == name {
        format!("`{name}`")
    } else {
        format!("`{name}` is taken from `{}`, which", input.key)
    };
    let what = if input.source.ends_with("(default)") {
        format!("is not set, so it takes its default, the fixed number {value}")
    } else if input.source.starts_with('{') {
        format!("is a distribution of a single value ({value})")
    } else {
        format!("is a fixed number ({value}), not a distribution")
    };
    let short = input.key.rsplit('.').next().unwrap_or_default();
    let example = keys::KEYS
        .iter()
        .find(|k| k.name == short && matches!(k.value, Value::Input(_)))
        .map(|k| k.example)
        .filter(|e| e.starts_with('{'))
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!("{{ dist = \"triangular\", min = LOW, mode = {value}, max = HIGH }}")
        });
    format!(
        "{subject} {what}; a fixed value has no rank to correlate: give `{}` as a distribution, e.g. {short} = {example}, or remove this correlation",
        input.key
    )
}

/// The groups of the pairs kept: each a connected component, its inputs in
/// order of first mention, with its Cholesky factor. A group whose matrix
/// is not positive definite is reported (at the rank of its last pair).
fn groups(c: &mut Ctx<'_>, pairs: Vec<(CorrelationPair, Range<usize>)>) -> Vec<CorrelationGroup> {
    // Inputs in order of first mention, and the group of each (union-find).
    let mut order: Vec<InputId> = Vec::new();
    for (p, _) in &pairs {
        for id in p.inputs {
            if !order.contains(&id) {
                order.push(id);
            }
        }
    }
    let ix = |id: InputId| order.iter().position(|x| *x == id).unwrap_or(0);
    let mut parent: Vec<usize> = (0..order.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (p, _) in &pairs {
        let (a, b) = (
            find(&mut parent, ix(p.inputs[0])),
            find(&mut parent, ix(p.inputs[1])),
        );
        // The root is the member mentioned first, so groups keep the order
        // of their first mention.
        parent[a.max(b)] = a.min(b);
    }
    let roots: Vec<usize> = (0..order.len()).map(|x| find(&mut parent, x)).collect();
    let mut out = Vec::new();
    for r in 0..order.len() {
        if roots[r] != r {
            continue;
        }
        let members: Vec<usize> = (0..order.len()).filter(|x| roots[*x] == r).collect();
        let inputs: Vec<InputId> = members.iter().map(|m| order[*m]).collect();
        let n = inputs.len();
        let at = |id: InputId| inputs.iter().position(|x| *x == id).unwrap_or(0);
        let mine: Vec<&(CorrelationPair, Range<usize>)> = pairs
            .iter()
            .filter(|(p, _)| roots[ix(p.inputs[0])] == r)
            .collect();
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            m[i * n + i] = 1.0;
        }
        for (p, _) in &mine {
            let (i, j) = (at(p.inputs[0]), at(p.inputs[1]));
            let rho = normal_correlation(p.rank);
            m[i * n + j] = rho;
            m[j * n + i] = rho;
        }
        let smallest = jacobi_eigenvalues(&m, n)
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        let chol = cholesky(&m, n).filter(|_| smallest > PD_TOLERANCE);
        let Some(chol) = chol else {
            let (_, span) = mine.last().expect("a group has a pair");
            let described: Vec<String> = mine
                .iter()
                .map(|(p, _)| {
                    format!(
                        "correlations[{}] ({}, {}; rank {})",
                        p.entry, p.paths[0], p.paths[1], p.rank
                    )
                })
                .collect();
            let last = mine.last().expect("a group has a pair").0.entry;
            c.err(
                span.clone(),
                &format!("correlations[{last}].rank"),
                format!(
                    "these ranks cannot hold together: {} make a correlation matrix that is not positive definite (smallest eigenvalue {}); make them consistent (inputs that both rise with a third cannot strongly oppose each other) or weaker",
                    described.join(", "),
                    fmt_eigenvalue(smallest)
                ),
            );
            continue;
        };
        let streams = inputs
            .iter()
            .map(|id| name_hash(&format!("{}#copula", c.inputs[*id].key)))
            .collect();
        out.push(CorrelationGroup {
            inputs,
            streams,
            chol,
            pairs: mine.into_iter().map(|(p, _)| p.clone()).collect(),
        });
    }
    out
}

/// Smallest eigenvalue a correlation matrix must exceed to count as
/// positive definite (below it, it is singular to rounding).
const PD_TOLERANCE: f64 = 1e-10;

/// An eigenvalue as the message writes it.
fn fmt_eigenvalue(x: f64) -> String {
    if x.abs() < 1e-4 {
        format!("{x:.1e}")
    } else {
        format!("{x:.4}")
    }
}

/// The eigenvalues of the symmetric `n × n` matrix `m` (row-major), by the
/// cyclic Jacobi method: fine for the few inputs of a group.
pub fn jacobi_eigenvalues(m: &[f64], n: usize) -> Vec<f64> {
    let mut a = m.to_vec();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let cs = 1.0 / (t * t + 1.0).sqrt();
                let sn = t * cs;
                // A <- Jᵀ A J, with J the rotation in the (p, q) plane.
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = cs * akp - sn * akq;
                    a[k * n + q] = sn * akp + cs * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = cs * apk - sn * aqk;
                    a[q * n + k] = sn * apk + cs * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i * n + i]).collect()
}

/// The lower Cholesky factor of the `n × n` matrix `m` (row-major), or
/// `None` if it is not positive definite.
pub fn cholesky(m: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = m[i * n + i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i * n + j] = d.sqrt();
            } else {
                l[i * n + j] = (m[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_correlation_inverts_the_rank_formula() {
        for r in [-0.9, -0.3, 0.0, 0.5, 0.95] {
            let rho = normal_correlation(r);
            assert!(((6.0 / PI) * (rho / 2.0).asin() - r).abs() < 1e-12);
        }
        assert_eq!(normal_correlation(0.0), 0.0);
    }

    #[test]
    fn jacobi_finds_known_eigenvalues() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let mut e = jacobi_eigenvalues(&[2.0, 1.0, 1.0, 2.0], 2);
        e.sort_by(f64::total_cmp);
        assert!((e[0] - 1.0).abs() < 1e-12 && (e[1] - 3.0).abs() < 1e-12);
        // A 3 × 3 correlation matrix with ρ everywhere: 1 + 2ρ, 1 - ρ, 1 - ρ.
        let r = 0.4;
        let m = [1.0, r, r, r, 1.0, r, r, r, 1.0];
        let mut e = jacobi_eigenvalues(&m, 3);
        e.sort_by(f64::total_cmp);
        for (got, want) in e.iter().zip([1.0 - r, 1.0 - r, 1.0 + 2.0 * r]) {
            assert!((got - want).abs() < 1e-12, "{e:?}");
        }
    }

    #[test]
    fn cholesky_reproduces_the_matrix_and_refuses_indefinite_ones() {
        let m = [1.0, 0.5, 0.2, 0.5, 1.0, -0.3, 0.2, -0.3, 1.0];
        let l = cholesky(&m, 3).expect("positive definite");
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((s - m[i * 3 + j]).abs() < 1e-12);
            }
            for j in i + 1..3 {
                assert_eq!(l[i * 3 + j], 0.0);
            }
        }
        let rho = normal_correlation(0.9);
        let bad = [1.0, rho, rho, rho, 1.0, -rho, rho, -rho, 1.0];
        assert!(cholesky(&bad, 3).is_none());
        let e = jacobi_eigenvalues(&bad, 3);
        assert!(e.iter().copied().fold(f64::INFINITY, f64::min) < 0.0);
    }

    #[test]
    fn every_engagement_input_key_resolves() {
        let sc =
            crate::scenario::Scenario::from_toml(crate::scenario::DEFAULT_SCENARIO, "default.toml")
                .expect("default");
        for e in &sc.engagements {
            let own = match e.kind {
                EngagementKind::Freelance(_) => keys::FREELANCE,
                EngagementKind::Employee(_) => keys::EMPLOYEE,
            };
            for k in engagement_inputs(own) {
                let id = engagement_input(e, k).unwrap_or_else(|| panic!("{k}"));
                assert!(sc.inputs[id].key.ends_with(&format!(".{k}")), "{k}");
            }
        }
    }
}
