//! `[engagements.NAME]`: ways to staff the work, and `extends` between them.
//!
//! An engagement may extend another: it takes every key it does not set
//! from the chain of engagements above it, and it shares their random
//! streams, so "the same freelancer on a retainer" differs from "the
//! freelancer" only in what it sets, not in luck. That is why a parameter
//! is read once per table that sets it (and shared), while its stream is
//! named after the root of the chain. The keys themselves, their domains
//! and defaults come from the key table (sections `engagements.*`,
//! `engagements.freelance`, `engagements.employee`).

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::diag::{control_character, list, suggestion, unknown_key};
use super::keys::{self, Domain, Key, Value};
use super::values::{Ctx, Got, Val, get, type_name};
use super::{
    Employee, Engagement, EngagementKind, EventStreams, Freelance, InputId, Scope, WorkKind,
};
use crate::dist::Dist;
use crate::rng::name_hash;

/// An engagement table as written, before `extends` is resolved.
struct Raw<'t, 'i> {
    name: String,
    table: &'t DeTable<'i>,
    span: Range<usize>,
    parent: Option<usize>,
}

/// Inputs already read, by (the table that sets the key, key): an
/// engagement that takes a key from the one it extends shares its input.
type Memo = HashMap<(usize, &'static str), InputId>;

/// Parses `[engagements.*]`, resolving `extends`. Returns (name, engagement)
/// in file order; engagements with errors are left out (the errors are
/// recorded).
pub(super) fn engagements(c: &mut Ctx<'_>, root: &DeTable<'_>) -> Vec<(String, Engagement)> {
    let Some(mut raws) = raw_engagements(c, root) else {
        return Vec::new();
    };
    let mut bad = resolve_extends(c, &mut raws);
    let roots = find_roots(c, &raws, &mut bad);
    let mut memo = Memo::new();
    let mut out = Vec::new();
    for i in 0..raws.len() {
        let Some(root_ix) = roots[i] else { continue };
        let ch = Chain::new(&raws, i, root_ix);
        if let Some(e) = engagement(c, &ch, &mut memo) {
            out.push((raws[i].name.clone(), e));
        }
    }
    out
}

/// The tables of `[engagements]`, in file order.
fn raw_engagements<'t, 'i>(c: &mut Ctx<'_>, root: &'t DeTable<'i>) -> Option<Vec<Raw<'t, 'i>>> {
    let Some(v) = get(root, "engagements") else {
        c.err(0..0, "engagements", "the scenario defines no engagements; add at least one [engagements.NAME] table with kind = \"freelance\" or \"employee\"");
        return None;
    };
    let table = c.table(v, "engagements")?;
    let mut raws = Vec::new();
    for (k, v) in table.iter() {
        let name = k.get_ref().to_string();
        if let Some(message) = control_character("engagement name", &name) {
            c.err(k.span(), &format!("engagements.{name:?}"), message);
            continue;
        }
        if name.contains('.') {
            c.err(
                k.span(),
                &format!("engagements.{name:?}"),
                format!("the engagement name {name:?} holds a dot; key paths such as engagements.NAME.hourly_rate (in correlations, sensitivity.csv and messages) would be ambiguous: use letters, digits, _ or -"),
            );
            continue;
        }
        if let Some(t) = c.table(v, &format!("engagements.{name}")) {
            raws.push(Raw {
                name,
                table: t,
                span: k.span(),
                parent: None,
            });
        }
    }
    if raws.is_empty() {
        c.err(
            v.span(),
            "engagements",
            "the scenario defines no engagements; add at least one [engagements.NAME] table",
        );
    }
    Some(raws)
}

/// Sets each engagement's parent from `extends`; returns which ones are
/// broken (their `extends` names nothing usable).
fn resolve_extends(c: &mut Ctx<'_>, raws: &mut [Raw<'_, '_>]) -> Vec<bool> {
    let names: Vec<String> = raws.iter().map(|r| r.name.clone()).collect();
    let help = keys::expect(keys::ENGAGEMENT, "extends");
    let mut bad: Vec<bool> = vec![false; raws.len()];
    for (i, r) in raws.iter_mut().enumerate() {
        let Some(ev) = get(r.table, "extends") else {
            continue;
        };
        let path = format!("engagements.{}.extends", r.name);
        let Some(target) = c.text(ev, &path, help) else {
            bad[i] = true;
            continue;
        };
        match names.iter().position(|n| n == target) {
            Some(j) if j != i => r.parent = Some(j),
            Some(_) => {
                c.err(ev.span(), &path, "an engagement cannot extend itself");
                bad[i] = true;
            }
            None => {
                let defined: Vec<&str> = names.iter().map(String::as_str).collect();
                c.err(
                    ev.span(),
                    &path,
                    format!(
                        "no engagement named \"{target}\"; defined: {}",
                        list(&defined)
                    ),
                );
                bad[i] = true;
            }
        }
    }
    bad
}

/// The root of each engagement's `extends` chain (`None` for an engagement
/// in a cycle or above a broken one); reports each cycle once per member.
fn find_roots(c: &mut Ctx<'_>, raws: &[Raw<'_, '_>], bad: &mut [bool]) -> Vec<Option<usize>> {
    let mut roots: Vec<Option<usize>> = vec![None; raws.len()];
    for i in 0..raws.len() {
        let mut seen = vec![i];
        let mut at = i;
        while let Some(p) = raws[at].parent {
            if seen.contains(&p) {
                if p == i {
                    let chain: Vec<&str> = seen
                        .iter()
                        .chain(std::iter::once(&p))
                        .map(|j| raws[*j].name.as_str())
                        .collect();
                    let span = get(raws[i].table, "extends")
                        .map(|v| v.span())
                        .unwrap_or(raws[i].span.clone());
                    c.err(span, &format!("engagements.{}.extends", raws[i].name), format!("`extends` forms a cycle: {}; one of them must set its own `kind` instead", chain.join(" -> ")));
                }
                bad[i] = true;
                break;
            }
            seen.push(p);
            at = p;
        }
        if bad[i] || seen.iter().any(|j| bad[*j] && *j != i) {
            bad[i] = true;
        } else {
            roots[i] = Some(at);
        }
    }
    roots
}

/// An engagement and the chain of tables from it up to its root.
struct Chain<'r, 't, 'i> {
    raws: &'r [Raw<'t, 'i>],
    links: Vec<usize>,
    root: usize,
}

impl<'r, 't, 'i> Chain<'r, 't, 'i> {
    fn new(raws: &'r [Raw<'t, 'i>], i: usize, root: usize) -> Self {
        let mut links = vec![i];
        let mut at = i;
        while let Some(p) = raws[at].parent {
            links.push(p);
            at = p;
        }
        Chain { raws, links, root }
    }

    /// The engagement itself.
    fn own(&self) -> &'r Raw<'t, 'i> {
        &self.raws[self.links[0]]
    }

    /// The closest table in the chain that sets `key`, and its value.
    fn find(&self, key: &str) -> Option<(usize, &'r Val<'i>)> {
        self.links
            .iter()
            .find_map(|j| get(self.raws[*j].table, key).map(|v| (*j, v)))
    }

    /// The key path of `key` in the table `j`.
    fn path(&self, j: usize, key: &str) -> String {
        format!("engagements.{}.{key}", self.raws[j].name)
    }
}

/// What kind an engagement is, as messages and the key table name it.
struct Kind {
    freelance: bool,
    /// Key-table section of its own keys.
    own: &'static str,
    /// Key-table section of the other kind's keys.
    other: &'static str,
    other_word: &'static str,
    a_kind: &'static str,
}

const FREELANCE_KIND: Kind = Kind {
    freelance: true,
    own: keys::FREELANCE,
    other: keys::EMPLOYEE,
    other_word: "employee",
    a_kind: "a freelance",
};
const EMPLOYEE_KIND: Kind = Kind {
    freelance: false,
    own: keys::EMPLOYEE,
    other: keys::FREELANCE,
    other_word: "freelance",
    a_kind: "an employee",
};

/// One engagement with `extends` resolved, or `None` after reporting why not.
fn engagement(c: &mut Ctx<'_>, ch: &Chain<'_, '_, '_>, memo: &mut Memo) -> Option<Engagement> {
    let kind = kind(c, ch)?;
    check_engagement_keys(c, ch, kind);
    let mut got = read_params(c, ch, kind, memo);
    let params = if kind.freelance {
        EngagementKind::Freelance(Freelance {
            hourly_rate: got.input("hourly_rate"),
            max_hours_per_month: got.input("max_hours_per_month"),
            platform_fee: got.input("platform_fee"),
            engagement_fee: got.input("engagement_fee"),
            exit_per_month: got.input("exit_per_month"),
            returns_for_follow_up: got.input("returns_for_follow_up"),
            retainer_hours_per_month: got.input("retainer_hours_per_month"),
            time_to_engage_months: got.event("time_to_engage_months"),
        })
    } else {
        EngagementKind::Employee(Employee {
            annual_salary: got.input("annual_salary"),
            overhead: got.input("overhead"),
            tools_per_year: got.input("tools_per_year"),
            recruiting_fee: got.input("recruiting_fee"),
            internal_hiring_cost: got.input("internal_hiring_cost"),
            attrition_per_year: got.input("attrition_per_year"),
            notice_months: got.input("notice_months"),
            severance_months: got.input("severance_months"),
            availability: got.input("availability"),
            time_to_hire_months: got.event("time_to_hire_months"),
        })
    };
    let scope = match ch.find("scope") {
        Some((j, v)) => parse_scope(c, v, &ch.path(j, "scope")),
        None if kind.freelance => {
            Scope::of(&[WorkKind::Build, WorkKind::Roadmap, WorkKind::Remediation])
        }
        None => Scope::of(&WorkKind::ALL),
    };
    let monitoring = match ch.find("monitoring") {
        Some((j, v)) => c.boolean(v, &ch.path(j, "monitoring")).unwrap_or(false),
        None => scope.has(WorkKind::Maintenance),
    };
    let root_name = &ch.raws[ch.root].name;
    let stream = |event: &str| name_hash(&format!("engagements.{root_name}#{event}"));
    let search_key = if kind.freelance {
        "time_to_engage_months"
    } else {
        "time_to_hire_months"
    };
    let search_time_key = match ch.find(search_key) {
        Some((j, _)) => ch.path(j, search_key),
        None => ch.path(ch.root, search_key),
    };
    Some(Engagement {
        name: ch.own().name.clone(),
        root: ch.root,
        scope,
        monitoring,
        documentation: got.input("documentation"),
        rework_multiplier: got.input("rework_multiplier"),
        kind: params,
        search_time_key,
        streams: EventStreams {
            search: stream("search"),
            returns: stream("return"),
            leave: stream("leave"),
        },
    })
}

/// The engagement's `kind`, from the closest table in its chain that sets it.
fn kind(c: &mut Ctx<'_>, ch: &Chain<'_, '_, '_>) -> Option<&'static Kind> {
    let own = ch.own();
    let Some((j, v)) = ch.find("kind") else {
        c.err(own.span.clone(), &ch.path(ch.links[0], "kind"), "`kind` is required: \"freelance\" (paid by the hour) or \"employee\" (paid a salary), unless the engagement `extends` another");
        return None;
    };
    let p = ch.path(j, "kind");
    match c.text(v, &p, keys::expect(keys::ENGAGEMENT, "kind"))? {
        "freelance" => Some(&FREELANCE_KIND),
        "employee" => Some(&EMPLOYEE_KIND),
        other => {
            if j == ch.links[0] {
                c.err(v.span(), &p, format!("unknown kind \"{other}\"; valid: \"freelance\" (paid by the hour) or \"employee\" (paid a salary)"));
            }
            None
        }
    }
}

/// Reports keys of the engagement's own table that its kind does not take.
fn check_engagement_keys(c: &mut Ctx<'_>, ch: &Chain<'_, '_, '_>, kind: &Kind) {
    let own = ch.own();
    let allowed = [keys::names(keys::ENGAGEMENT), keys::names(kind.own)].concat();
    let other = keys::names(kind.other);
    for (k, _) in own.table.iter() {
        let key = k.get_ref().as_ref();
        if allowed.contains(&key) {
            continue;
        }
        let path = format!("engagements.{}.{key}", own.name);
        let message = if other.contains(&key) {
            format!(
                "`{key}` is a key of {} engagements, but `{}` is {} engagement; its keys are {}",
                kind.other_word,
                own.name,
                kind.a_kind,
                list(&allowed)
            )
        } else {
            unknown_key(key, &format!("in {} engagement", kind.a_kind), &allowed)
        };
        c.err(k.span(), &path, message);
    }
}

/// Reads the engagement's per-trial inputs and per-event distributions, in
/// key-table order (common keys first, then its kind's).
fn read_params(c: &mut Ctx<'_>, ch: &Chain<'_, '_, '_>, kind: &Kind, memo: &mut Memo) -> Got {
    let mut got = Got::default();
    for key in keys::of(keys::ENGAGEMENT).chain(keys::of(kind.own)) {
        match key.value {
            Value::Input(domain) => got.add_input(key.name, param(c, ch, key, domain, kind, memo)),
            Value::PerEvent(domain) => got.add_event(key.name, per_event(c, ch, key, domain)),
            _ => {}
        }
    }
    got
}

/// A per-trial parameter: the closest table that sets the key owns the
/// input; the stream is the root's, so extending engagements share draws.
fn param(
    c: &mut Ctx<'_>,
    ch: &Chain<'_, '_, '_>,
    key: &'static Key,
    domain: Domain,
    kind: &Kind,
    memo: &mut Memo,
) -> InputId {
    let (owner, v) = match ch.find(key.name) {
        Some((j, v)) => (j, Some(v)),
        None => (ch.root, None),
    };
    if let Some(id) = memo.get(&(owner, key.name)) {
        return *id;
    }
    let path = ch.path(owner, key.name);
    let dist = match (v, key.default.number()) {
        (Some(v), _) => c.dist(v, &path, domain),
        (None, Some(d)) => Some(Dist::fixed(d)),
        (None, None) => {
            c.err(
                ch.own().span.clone(),
                &path,
                format!(
                    "`{}` is required for {} engagement; for example {} = {}",
                    key.name, kind.a_kind, key.name, key.example
                ),
            );
            None
        }
    };
    let id = c.push_input(
        path,
        dist.unwrap_or(Dist::fixed(0.0)),
        &ch.path(ch.root, key.name),
        v.map(|v| v.span()),
    );
    memo.insert((owner, key.name), id);
    id
}

/// A distribution drawn per event, from the closest table that sets it.
fn per_event(c: &mut Ctx<'_>, ch: &Chain<'_, '_, '_>, key: &Key, domain: Domain) -> Dist {
    let default = Dist::fixed(key.default.number().unwrap_or(0.0));
    match ch.find(key.name) {
        Some((j, v)) => c.dist(v, &ch.path(j, key.name), domain).unwrap_or(default),
        None => default,
    }
}

/// `scope`: an array of kinds of work.
fn parse_scope(c: &mut Ctx<'_>, v: &Val<'_>, path: &str) -> Scope {
    let names = WorkKind::ALL.map(WorkKind::name);
    let valid = list(&names);
    let DeValue::Array(a) = v.get_ref() else {
        c.err(v.span(), path, format!("expected an array of kinds of work, such as [\"build\", \"roadmap\"]; valid kinds: {valid}; found {}", type_name(v.get_ref())));
        return Scope::EMPTY;
    };
    let mut kinds = Vec::new();
    for (i, item) in a.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(s) = c.string(item, &p, "the name of a kind of work") else {
            continue;
        };
        match WorkKind::from_name(s) {
            Some(k) => kinds.push(k),
            None => {
                let hint = suggestion(s, &names)
                    .map(|x| format!("did you mean \"{x}\"? "))
                    .unwrap_or_default();
                c.err(
                    item.span(),
                    &p,
                    format!("unknown kind of work \"{s}\"; {hint}valid kinds: {valid}"),
                );
            }
        }
    }
    Scope::of(&kinds)
}
