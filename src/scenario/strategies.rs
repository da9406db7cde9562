//! `[[strategies]]`: the hiring strategies compared, each a list of phases.
//!
//! A strategy refers to engagements by name, so it is read after them; a
//! phase naming an engagement that exists but had problems is not reported
//! again (its own problems say what is wrong). The keys each table accepts
//! come from the key table (sections `strategies[]`,
//! `strategies[].phases[]`, `strategies[].phases[].until`).

use toml::de::{DeTable, DeValue};

use super::diag::{control_character, list};
use super::keys::{self, LIMIT_STRATEGIES};
use super::values::{Ctx, Val, get, type_name};
use super::{Engagement, Phase, Strategy, Until};

/// What phases and strategies refer to: the engagements read, and the
/// `[engagements]` table as written (to tell "undefined" from "broken").
struct Refs<'a, 't, 'i> {
    engagements: &'a [(String, Engagement)],
    written: Option<&'t DeTable<'i>>,
}

impl Refs<'_, '_, '_> {
    /// Whether `[engagements]` defines `name`, even if it had problems.
    fn defined(&self, name: &str) -> bool {
        self.written
            .is_some_and(|t| t.iter().any(|(k, _)| k.get_ref().as_ref() == name))
    }
}

/// Parses `[[strategies]]`; `None` if any strategy had a problem.
pub(super) fn strategies(
    c: &mut Ctx<'_>,
    root: &DeTable<'_>,
    engagements: &[(String, Engagement)],
) -> Option<Vec<Strategy>> {
    let Some(v) = get(root, "strategies") else {
        c.err(0..0, "strategies", "the scenario defines no strategies; add at least one [[strategies]] with a name and phases = [{ engagement = \"...\" }]");
        return None;
    };
    let DeValue::Array(arr) = v.get_ref() else {
        c.err(
            v.span(),
            "strategies",
            format!(
                "expected an array of tables ([[strategies]]), found {}",
                type_name(v.get_ref())
            ),
        );
        return None;
    };
    if arr.is_empty() {
        c.err(
            v.span(),
            "strategies",
            "the scenario defines no strategies; add at least one [[strategies]]",
        );
        return None;
    }
    if arr.len() > LIMIT_STRATEGIES {
        c.err(v.span(), "strategies", format!("{} strategies is more than the limit of {LIMIT_STRATEGIES}; split them over several scenarios", arr.len()));
        return None;
    }
    let refs = Refs {
        engagements,
        written: get(root, "engagements").and_then(|v| match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        }),
    };
    let mut out: Vec<Strategy> = Vec::new();
    let mut ok = true;
    for (si, sv) in arr.iter().enumerate() {
        match strategy(c, sv, &format!("strategies[{si}]"), &out, &refs) {
            Some(s) => out.push(s),
            None => ok = false,
        }
    }
    if ok {
        ok = differences_are_unambiguous(c, arr, &out);
    }
    ok.then_some(out)
}

/// Reports a strategy named like the difference of two others, `A - B`:
/// sensitivity.csv and the report label a difference of strategies that
/// way, so such a name would make them ambiguous. Returns whether none is.
fn differences_are_unambiguous(c: &mut Ctx<'_>, arr: &[Val<'_>], all: &[Strategy]) -> bool {
    let mut ok = true;
    for (i, s) in all.iter().enumerate() {
        let clash = all.iter().enumerate().find_map(|(j, a)| {
            let rest = s.name.strip_prefix(a.name.as_str())?.strip_prefix(" - ")?;
            let k = all.iter().position(|b| b.name == rest)?;
            (i != j && i != k && j != k).then(|| (a.name.clone(), rest.to_string()))
        });
        if let Some((a, b)) = clash {
            let span = match arr[i].get_ref() {
                DeValue::Table(t) => get(t, "name").map_or(arr[i].span(), |v| v.span()),
                _ => arr[i].span(),
            };
            c.err(
                span,
                &format!("strategies[{i}].name"),
                format!(
                    "the strategy name {:?} reads as the difference of strategies {a:?} and {b:?}, which is how sensitivity.csv and the report label a difference; rename it",
                    s.name
                ),
            );
            ok = false;
        }
    }
    ok
}

/// One strategy; `before` are the strategies read before it.
fn strategy(
    c: &mut Ctx<'_>,
    sv: &Val<'_>,
    spath: &str,
    before: &[Strategy],
    refs: &Refs<'_, '_, '_>,
) -> Option<Strategy> {
    let t = c.table(sv, spath)?;
    c.check_keys(t, spath, keys::STRATEGY, "a strategy");
    let npath = format!("{spath}.name");
    let name = match get(t, "name") {
        Some(nv) => c
            .text(nv, &npath, keys::expect(keys::STRATEGY, "name"))
            .map(str::to_string),
        None => {
            c.err(sv.span(), &npath, "every strategy needs a `name`");
            None
        }
    };
    if let Some(d) = get(t, "description") {
        let key = keys::expect(keys::STRATEGY, "description");
        c.text(d, &format!("{spath}.description"), key);
    }
    if let (Some(n), Some(nv)) = (&name, get(t, "name"))
        && let Some(message) = control_character("strategy name", n)
    {
        c.err(nv.span(), &npath, message);
    }
    if let (Some(n), Some(nv)) = (&name, get(t, "name"))
        && before.iter().any(|s| &s.name == n)
    {
        c.err(
            nv.span(),
            &npath,
            format!("duplicate strategy name \"{n}\"; each strategy needs its own name"),
        );
    }
    let ppath = format!("{spath}.phases");
    let phases = match get(t, "phases") {
        None => {
            c.err(
                sv.span(),
                &ppath,
                "every strategy needs `phases`, e.g. phases = [{ engagement = \"freelancer\" }]",
            );
            None
        }
        Some(pv) => phases(c, pv, &ppath, refs),
    };
    Some(Strategy {
        name: name?,
        phases: phases?,
    })
}

/// A strategy's `phases`.
fn phases(
    c: &mut Ctx<'_>,
    pv: &Val<'_>,
    ppath: &str,
    refs: &Refs<'_, '_, '_>,
) -> Option<Vec<Phase>> {
    let pa = match pv.get_ref() {
        DeValue::Array(pa) if pa.is_empty() => {
            c.err(pv.span(), ppath, "a strategy needs at least one phase, e.g. phases = [{ engagement = \"freelancer\" }]");
            return None;
        }
        DeValue::Array(pa) => pa,
        other => {
            c.err(pv.span(), ppath, format!("expected an array of phases such as [{{ engagement = \"freelancer\", until = \"traction\" }}, {{ engagement = \"engineer\" }}], found {}", type_name(other)));
            return None;
        }
    };
    let last = pa.len() - 1;
    let mut phases = Vec::new();
    for (pi, phv) in pa.iter().enumerate() {
        let php = format!("{ppath}[{pi}]");
        if let Some(p) = phase(c, phv, &php, pi == last, refs) {
            phases.push(p);
        }
    }
    Some(phases)
}

/// One phase; `last` tells whether it is the strategy's last.
fn phase(
    c: &mut Ctx<'_>,
    phv: &Val<'_>,
    php: &str,
    last: bool,
    refs: &Refs<'_, '_, '_>,
) -> Option<Phase> {
    let pt = c.table(phv, php)?;
    c.check_keys(pt, php, keys::PHASE, "a phase");
    let ep = format!("{php}.engagement");
    let engagement = match get(pt, "engagement") {
        None => {
            c.err(phv.span(), &ep, "every phase needs an `engagement`");
            None
        }
        Some(ev) => phase_engagement(c, ev, &ep, refs),
    };
    let upath = format!("{php}.until");
    let until = match get(pt, "until") {
        None if !last => {
            c.err(
                phv.span(),
                &upath,
                "every phase but the last needs `until`: \"launch\", \"traction\" or { month = N }",
            );
            None
        }
        None => None,
        Some(uv) if last => {
            c.err(uv.span(), &upath, "the last phase cannot have `until`: nothing follows it; remove it or add a phase after");
            None
        }
        Some(uv) => parse_until(c, uv, &upath),
    };
    Some(Phase {
        engagement: engagement?,
        until,
    })
}

/// The index of the engagement a phase names.
fn phase_engagement(
    c: &mut Ctx<'_>,
    ev: &Val<'_>,
    ep: &str,
    refs: &Refs<'_, '_, '_>,
) -> Option<usize> {
    let n = c.text(ev, ep, keys::expect(keys::PHASE, "engagement"))?;
    let found = refs.engagements.iter().position(|(en, _)| en == n);
    if found.is_none() && !refs.defined(n) {
        let names: Vec<&str> = refs.engagements.iter().map(|(n, _)| n.as_str()).collect();
        let defined = if names.is_empty() {
            "none".to_string()
        } else {
            list(&names)
        };
        c.err(
            ev.span(),
            ep,
            format!("no engagement named \"{n}\"; defined: {defined}"),
        );
    }
    found
}

/// `until`: "launch", "traction" or `{ month = N }`.
fn parse_until(c: &mut Ctx<'_>, v: &Val<'_>, path: &str) -> Option<Until> {
    let help = "\"launch\", \"traction\" or { month = N } with N a whole number of at least 1";
    match v.get_ref() {
        DeValue::String(s) => match s.as_ref() {
            "launch" => Some(Until::Launch),
            "traction" => Some(Until::Traction),
            other => {
                c.err(
                    v.span(),
                    path,
                    format!("unknown condition \"{other}\"; valid: {help}"),
                );
                None
            }
        },
        DeValue::Table(t) => {
            c.check_keys(t, path, keys::UNTIL, "an `until` condition");
            match get(t, "month") {
                Some(m) => c
                    .integer_of(
                        m,
                        &format!("{path}.month"),
                        keys::expect(keys::UNTIL, "month"),
                    )
                    .map(|n| Until::Month(n as u32)),
                None => {
                    c.err(v.span(), path, format!("expected {help}"));
                    None
                }
            }
        }
        other => {
            c.err(
                v.span(),
                path,
                format!("expected {help}, found {}", type_name(other)),
            );
            None
        }
    }
}
