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

/// The stable identifier of each strategy, in the order of `names`: a slug
/// of the name (lowercase ASCII letters and digits, words joined by `-`;
/// common accented Latin letters lose their accent, other characters
/// separate words), unique within the list. A name that leaves nothing
/// (only punctuation, or no Latin letters) becomes `strategy-N`, N its
/// 1-based position; a slug already taken by an earlier strategy gets the
/// first free suffix `-2`, `-3`, ... So the ids depend only on the names
/// and their order: the same scenario gives the same ids in every file and
/// every run.
pub fn strategy_ids<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut base = slug(name.as_ref());
            if base.is_empty() {
                base = format!("strategy-{}", i + 1);
            }
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// `name` as lowercase ASCII letters and digits, runs of anything else
/// (after folding accents) turned into one `-`, none at either end.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    let mut buf = [0u8; 4];
    for c in name.chars().flat_map(char::to_lowercase) {
        let letters = if c.is_ascii_alphanumeric() {
            &*c.encode_utf8(&mut buf)
        } else if let Some(f) = fold(c) {
            f
        } else {
            gap = true;
            continue;
        };
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        out.push_str(letters);
    }
    out
}

/// The ASCII letters of a common accented or joined Latin letter
/// (lowercase): `é` -> `e`, `ß` -> `ss`; `None` for any other character.
fn fold(c: char) -> Option<&'static str> {
    const FOLDS: [(&str, &str); 17] = [
        ("àáâãäåāăą", "a"),
        ("çćĉċč", "c"),
        ("ďđ", "d"),
        ("èéêëēĕėęě", "e"),
        ("ĝğġģ", "g"),
        ("ìíîïĩīĭįı", "i"),
        ("ł", "l"),
        ("ñńņňŉ", "n"),
        ("òóôõöøōŏő", "o"),
        ("ùúûüũūŭůűų", "u"),
        ("ýÿŷ", "y"),
        ("śŝşšș", "s"),
        ("ţťŧț", "t"),
        ("źżž", "z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("œ", "oe"),
    ];
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

#[cfg(test)]
mod tests {
    use super::strategy_ids;

    #[test]
    fn ids_are_slugs_of_the_names() {
        assert_eq!(
            strategy_ids(&[
                "Freelance",
                "Freelance on retainer",
                "Dedicated engineer",
                "Freelance, then hire",
                "  In-house (2 FTE) -- v2!  ",
            ]),
            [
                "freelance",
                "freelance-on-retainer",
                "dedicated-engineer",
                "freelance-then-hire",
                "in-house-2-fte-v2",
            ]
        );
    }

    #[test]
    fn non_ascii_names_fold_or_separate() {
        assert_eq!(
            strategy_ids(&["Équipe dédiée", "Straße Œuvre", "Ingeniero 日本 año"]),
            ["equipe-dediee", "strasse-oeuvre", "ingeniero-ano"]
        );
    }

    #[test]
    fn names_of_only_punctuation_or_other_scripts_are_never_empty() {
        assert_eq!(
            strategy_ids(&["A", "!!!", "", "日本", "-- --"]),
            ["a", "strategy-2", "strategy-3", "strategy-4", "strategy-5"]
        );
    }

    #[test]
    fn collisions_get_the_first_free_suffix_in_order() {
        let ids = strategy_ids(&["Hire", "hire!", "HIRE", "hire 2", "strategy-2", "?"]);
        assert_eq!(
            ids,
            [
                "hire",
                "hire-2",
                "hire-3",
                "hire-2-2",
                "strategy-2",
                "strategy-6"
            ]
        );
        // The same names in the same order always give the same ids.
        assert_eq!(
            ids,
            strategy_ids(&["Hire", "hire!", "HIRE", "hire 2", "strategy-2", "?"])
        );
        let many: Vec<String> = (0..64).map(|i| "x".repeat(1 + i % 2)).collect();
        let ids = strategy_ids(&many);
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 64);
        assert!(ids.iter().all(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }));
    }
}
