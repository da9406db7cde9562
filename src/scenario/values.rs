//! Typed readers of scenario values, and the context they report into.
//!
//! Each reader takes one TOML value and either returns it typed or records a
//! problem (with the value's span and key path) and returns `None`, so the
//! parser goes on and a user sees every problem of a file at once. The
//! wording of every type error lives here, in one place, because tests pin
//! it word for word.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::unknown_key;
use super::keys::{self, Key};
use super::{Input, InputId};
use crate::dist::Dist;
use crate::rng::name_hash;

/// A TOML value with its byte span in the file.
pub(super) type Val<'a> = Spanned<DeValue<'a>>;

/// What a scenario's text says, as it is being read: the problems found so
/// far (byte offset, key path, message) and the per-trial inputs read so far.
pub(super) struct Ctx<'s> {
    pub(super) text: &'s str,
    pub(super) diags: Vec<(usize, String, String)>,
    pub(super) inputs: Vec<Input>,
}

/// The name of a value's type, as messages say it.
pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A number as messages write it: whole numbers without a fraction, very
/// large or small ones in scientific notation.
pub(super) fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The key path of `key` under `path`.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The value of `key` in `t`, if set.
pub(super) fn get<'t, 'i>(t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

impl Ctx<'_> {
    /// Records a problem at `span`.
    pub(super) fn err(&mut self, span: Range<usize>, path: &str, message: impl Into<String>) {
        self.diags
            .push((span.start, path.to_string(), message.into()));
    }

    /// Reports keys of `t` that the key table does not list in `section`.
    pub(super) fn check_keys(&mut self, t: &DeTable<'_>, path: &str, section: &str, what: &str) {
        let allowed = keys::names(section);
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if let Some(r) = keys::retired(section, key) {
                let message = format!("`{key}` is no longer accepted: {}", r.instead);
                self.err(k.span(), &join(path, key), message);
            } else if !allowed.contains(&key) {
                let message = unknown_key(key, &format!("in {what}"), &allowed);
                self.err(k.span(), &join(path, key), message);
            }
        }
    }

    /// A table.
    pub(super) fn table<'t, 'i>(&mut self, v: &'t Val<'i>, path: &str) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A string; `help` says what it should be.
    pub(super) fn string<'t>(&mut self, v: &'t Val<'_>, path: &str, help: &str) -> Option<&'t str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected {help}, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A string key of the table: its help text comes from the key's entry.
    pub(super) fn text<'t>(&mut self, v: &'t Val<'_>, path: &str, key: &Key) -> Option<&'t str> {
        let help = match key.value {
            keys::Value::Text { help } => help,
            _ => "a string",
        };
        self.string(v, path, help)
    }

    /// A finite number (an integer or a float).
    pub(super) fn number(&mut self, v: &Val<'_>, path: &str) -> Option<f64> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected a number, found {}", type_name(other)),
                );
                return None;
            }
        };
        match x {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                self.err(v.span(), path, "must be a finite number (not inf or nan)");
                None
            }
        }
    }

    /// A non-negative whole number from `min` to `max`.
    pub(super) fn integer(&mut self, v: &Val<'_>, path: &str, min: u64, max: u64) -> Option<u64> {
        let range = format!("a whole number from {min} to {max}");
        match v.get_ref() {
            DeValue::Integer(i) => match u64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) if (min..=max).contains(&n) => Some(n),
                _ => {
                    self.err(
                        v.span(),
                        path,
                        format!("must be {range}, got {}", &self.text[v.span()]),
                    );
                    None
                }
            },
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected {range}, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A whole number in the range the key's entry gives.
    pub(super) fn integer_of(&mut self, v: &Val<'_>, path: &str, key: &Key) -> Option<u64> {
        match key.value {
            keys::Value::Integer { min, max } => self.integer(v, path, min, max),
            _ => self.integer(v, path, 0, u64::MAX),
        }
    }

    /// `true` or `false`.
    pub(super) fn boolean(&mut self, v: &Val<'_>, path: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// Registers an input sampled once per trial and returns its id.
    pub(super) fn push_input(
        &mut self,
        key: String,
        dist: Dist,
        stream_name: &str,
        source: Option<Range<usize>>,
    ) -> InputId {
        let source = match source {
            Some(span) => self
                .text
                .get(span)
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            None => format!(
                "{} (default)",
                dist.fixed_value().map(fmt_num).unwrap_or_default()
            ),
        };
        self.inputs.push(Input {
            key,
            dist,
            stream: name_hash(stream_name),
            source,
            copula: false,
        });
        self.inputs.len() - 1
    }
}

/// The values of one section read from the key table: per-trial inputs,
/// per-event distributions, whole numbers and booleans, by key name. A
/// value that had a problem is `None` (the problem is recorded).
#[derive(Default)]
pub(super) struct Got {
    inputs: Vec<(&'static str, InputId)>,
    events: Vec<(&'static str, Dist)>,
    integers: Vec<(&'static str, Option<u64>)>,
    booleans: Vec<(&'static str, Option<bool>)>,
}

/// Panics for a key the code takes that the table does not read: a
/// programming error (the key table and the struct disagree), never
/// something a scenario file can cause.
fn unread(name: &str) -> ! {
    panic!("`{name}` is not read from the key table")
}

impl Got {
    pub(super) fn add_input(&mut self, name: &'static str, id: InputId) {
        self.inputs.push((name, id));
    }

    pub(super) fn add_event(&mut self, name: &'static str, dist: Dist) {
        self.events.push((name, dist));
    }

    pub(super) fn add_integer(&mut self, name: &'static str, n: Option<u64>) {
        self.integers.push((name, n));
    }

    pub(super) fn add_boolean(&mut self, name: &'static str, b: Option<bool>) {
        self.booleans.push((name, b));
    }

    /// The id of the per-trial input `name`.
    pub(super) fn input(&self, name: &str) -> InputId {
        match self.inputs.iter().find(|(n, _)| *n == name) {
            Some((_, id)) => *id,
            None => unread(name),
        }
    }

    /// The per-event distribution `name` (taken out).
    pub(super) fn event(&mut self, name: &str) -> Dist {
        match self.events.iter().position(|(n, _)| *n == name) {
            Some(i) => self.events.swap_remove(i).1,
            None => unread(name),
        }
    }

    /// The whole number `name`, if it was valid.
    pub(super) fn integer(&self, name: &str) -> Option<u64> {
        match self.integers.iter().find(|(n, _)| *n == name) {
            Some((_, x)) => *x,
            None => unread(name),
        }
    }

    /// The boolean `name`, if it was valid.
    pub(super) fn boolean(&self, name: &str) -> Option<bool> {
        match self.booleans.iter().find(|(n, _)| *n == name) {
            Some((_, x)) => *x,
            None => unread(name),
        }
    }
}
