//! Parsing and validation of scenario files.
//!
//! The file is parsed by `toml` into a tree that keeps the byte span of every
//! key and value. A hand-written walker then checks it against the format of
//! `shared/spec/scenario-example.toml`: unknown keys, wrong types, invalid
//! distribution parameters, references between engagements and strategies.
//! It records every problem (with its span and key path) and goes on, so a
//! user sees all the problems of a file at once rather than one per run; a
//! serde derive would stop at the first. Only a file with no problem becomes
//! a [`Scenario`].

use std::collections::HashMap;
use std::ops::Range;

use rand::distr::weighted::WeightedIndex;
use rand_distr::{Beta, Gamma, Normal};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diag, LineIndex, ScenarioError};
use super::*;
use crate::dist::Dist;
use crate::rng::name_hash;

/// Largest horizon accepted, in months (100 years).
pub const LIMIT_HORIZON: u64 = 1200;
/// Largest number of trials accepted.
pub const LIMIT_TRIALS: u64 = 50_000_000;
/// Largest number of strategies accepted.
pub const LIMIT_STRATEGIES: usize = 64;

type Val<'a> = Spanned<DeValue<'a>>;

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "simulation",
    "project",
    "roadmap",
    "business",
    "knowledge",
    "drift",
    "engagements",
    "strategies",
];
const SIMULATION_KEYS: &[&str] = &["horizon_months", "trials", "seed"];
const PROJECT_KEYS: &[&str] = &[
    "build_effort_months",
    "target_launch_month",
    "traction_probability",
    "traction_known_after_months",
    "maintenance_per_month",
];
const ROADMAP_KEYS: &[&str] = &["projects_per_month", "project_size_months"];
const BUSINESS_KEYS: &[&str] = &[
    "include_business_impact",
    "value_at_risk_per_month",
    "cost_of_delay_per_month",
    "unfinished_cost_per_engineer_month",
];
const KNOWLEDGE_KEYS: &[&str] = &[
    "full_context_months",
    "productivity_at_zero_context",
    "rework_base",
    "rework_at_zero_context",
];
const DRIFT_KEYS: &[&str] = &[
    "events_per_month",
    "severity",
    "decay_per_month_unmaintained",
    "remediation_months_per_severity",
    "detected_per_month_monitored",
    "detected_per_month_unmonitored",
    "act_when_degraded_above",
];
const COMMON_ENGAGEMENT_KEYS: &[&str] = &[
    "kind",
    "extends",
    "scope",
    "documentation",
    "monitoring",
    "rework_multiplier",
];
const FREELANCE_KEYS: &[&str] = &[
    "hourly_rate",
    "max_hours_per_month",
    "platform_fee",
    "engagement_fee",
    "time_to_engage_months",
    "exit_per_month",
    "returns_for_follow_up",
    "retainer_hours_per_month",
];
const EMPLOYEE_KEYS: &[&str] = &[
    "annual_salary",
    "overhead",
    "tools_per_year",
    "recruiting_fee",
    "internal_hiring_cost",
    "time_to_hire_months",
    "attrition_per_year",
    "notice_months",
    "severance_months",
];
const STRATEGY_KEYS: &[&str] = &["name", "description", "phases"];
const PHASE_KEYS: &[&str] = &["engagement", "until"];
const DIST_NAMES: &[&str] = &[
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "gamma",
    "discrete",
];
const DIST_HELP: &str = "a number, or a distribution such as { dist = \"triangular\", min = 1, mode = 2, max = 4 }, { dist = \"lognormal\", median = 4, p90 = 8 } or { low = 2, high = 8 }";

/// What values an input may take: a range, and whether draws of an
/// unbounded distribution (lognormal, gamma, normal without `max`) may be
/// capped at its top (`clamp`) rather than refused.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Domain {
    lo: f64,
    lo_open: bool,
    hi: f64,
    clamp: bool,
    what: &'static str,
}

/// Amounts of money (salaries, fees, values per month).
const MONEY: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e10,
    clamp: true,
    what: "an amount of money from 0 to 10000000000",
};
/// An hourly rate.
const HOURLY: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e7,
    clamp: true,
    what: "an hourly rate from 0 to 10000000",
};
/// Months or engineer-months.
const MONTHS: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e4,
    clamp: true,
    what: "a number of months (or engineer-months) from 0 to 10000",
};
/// A mean number of events per month.
const PER_MONTH: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 100.0,
    clamp: true,
    what: "a mean number per month from 0 to 100",
};
/// A factor or a fraction that may exceed 1 (overhead, fees, multipliers).
const FACTOR: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 100.0,
    clamp: true,
    what: "a factor from 0 to 100",
};
/// Hours in a month.
const HOURS: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 744.0,
    clamp: true,
    what: "a number of hours per month from 0 to 744",
};
/// A probability or fraction.
const UNIT: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1.0,
    clamp: false,
    what: "a probability or fraction between 0 and 1",
};
/// Productivity with no context.
const PRODUCTIVITY: Domain = Domain {
    lo: 0.001,
    lo_open: false,
    hi: 1.0,
    clamp: false,
    what: "a fraction from 0.001 to 1",
};

impl Domain {
    fn admits(self, lo: f64, hi: f64) -> bool {
        let lo_ok = if self.lo_open {
            lo > self.lo
        } else {
            lo >= self.lo
        };
        lo_ok && (hi <= self.hi || (self.clamp && hi.is_infinite()))
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
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

fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn get<'t, 'i>(t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The allowed key closest to a misspelt one, if any is close.
fn suggestion<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

struct Ctx<'s> {
    text: &'s str,
    diags: Vec<(usize, String, String)>,
    inputs: Vec<Input>,
}

impl<'s> Ctx<'s> {
    fn err(&mut self, span: Range<usize>, path: &str, message: impl Into<String>) {
        self.diags
            .push((span.start, path.to_string(), message.into()));
    }

    /// Reports keys of `t` that are not in `allowed`.
    fn check_keys(&mut self, t: &DeTable<'_>, path: &str, allowed: &[&str], what: &str) {
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let hint = match suggestion(key, allowed) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            self.err(
                k.span(),
                &join(path, key),
                format!(
                    "unknown key `{key}` in {what}; {hint}valid keys are {}",
                    list(allowed)
                ),
            );
        }
    }

    fn table<'t, 'i>(&mut self, v: &'t Val<'i>, path: &str) -> Option<&'t DeTable<'i>> {
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

    fn string<'t>(&mut self, v: &'t Val<'_>, path: &str, help: &str) -> Option<&'t str> {
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

    fn number(&mut self, v: &Val<'_>, path: &str) -> Option<f64> {
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

    /// A non-negative integer no larger than `max`.
    fn integer(&mut self, v: &Val<'_>, path: &str, min: u64, max: u64) -> Option<u64> {
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

    fn boolean(&mut self, v: &Val<'_>, path: &str) -> Option<bool> {
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

    /// A number field of a distribution table.
    fn dist_num(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        path: &str,
        key: &str,
        dist: &str,
    ) -> Option<f64> {
        match get(t, key) {
            Some(v) => self.number(v, &join(path, key)),
            None => {
                self.err(
                    span.clone(),
                    path,
                    format!("a {dist} distribution needs `{key}`"),
                );
                None
            }
        }
    }

    /// Parses a distribution (or a plain number) and checks that every
    /// value it can take lies in `domain`.
    fn dist(&mut self, v: &Val<'_>, path: &str, domain: Domain) -> Option<Dist> {
        let before = self.diags.len();
        let d = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => self.number(v, path).map(Dist::fixed),
            DeValue::Table(t) => self.dist_table(t, v.span(), path),
            other => {
                self.err(
                    v.span(),
                    path,
                    format!("expected {DIST_HELP}; found {}", type_name(other)),
                );
                None
            }
        }?;
        if self.diags.len() > before {
            return None;
        }
        let (lo, hi) = d.support();
        if domain.admits(lo, hi) && hi > domain.hi {
            // Unbounded above: cap the draws at the top of the range.
            return Some(Dist::Capped(Box::new(d), domain.hi));
        }
        if !domain.admits(lo, hi) {
            let what = if d.is_fixed() {
                format!("got {}", fmt_num(lo))
            } else {
                format!(
                    "this distribution can take values from {} to {}",
                    if lo.is_infinite() {
                        "minus infinity".to_string()
                    } else {
                        fmt_num(lo)
                    },
                    if hi.is_infinite() {
                        "infinity".to_string()
                    } else {
                        fmt_num(hi)
                    }
                )
            };
            let fix = if lo < domain.lo {
                format!(" (give the normal `min = {}`)", fmt_num(domain.lo))
            } else {
                " (use a beta, triangular, pert, uniform or discrete distribution within bounds)"
                    .to_string()
            };
            self.err(
                v.span(),
                path,
                format!(
                    "must be {}; {what}{}",
                    domain.what,
                    if d.is_fixed() { "" } else { &fix }
                ),
            );
            return None;
        }
        Some(d)
    }

    fn dist_table(&mut self, t: &DeTable<'_>, span: Range<usize>, path: &str) -> Option<Dist> {
        let Some(kind_v) = get(t, "dist") else {
            if get(t, "low").is_some() || get(t, "high").is_some() {
                self.check_keys(t, path, &["low", "high"], "the { low, high } shorthand");
                let low = self.dist_num(t, &span, path, "low", "{ low, high }");
                let high = self.dist_num(t, &span, path, "high", "{ low, high }");
                let (low, high) = (low?, high?);
                if low <= 0.0 {
                    self.err(
                        span,
                        &join(path, "low"),
                        format!(
                            "must be above 0 (the shorthand is a lognormal), got {}",
                            fmt_num(low)
                        ),
                    );
                    return None;
                }
                if high <= low {
                    self.err(
                        span,
                        &join(path, "high"),
                        format!(
                            "must be greater than low ({}), got {}",
                            fmt_num(low),
                            fmt_num(high)
                        ),
                    );
                    return None;
                }
                return Dist::low_high(low, high);
            }
            self.err(
                span,
                path,
                format!("expected {DIST_HELP}; this table has no `dist` key"),
            );
            return None;
        };
        let dpath = join(path, "dist");
        let name = self.string(kind_v, &dpath, "the name of a distribution")?;
        let name = name.to_string();
        let keys: &[&str] = match name.as_str() {
            "uniform" => &["dist", "min", "max"],
            "triangular" | "pert" => &["dist", "min", "mode", "max"],
            "normal" => &["dist", "mean", "sd", "min", "max"],
            "lognormal" => &["dist", "median", "p90", "mean", "sd"],
            "beta" => &["dist", "alpha", "beta"],
            "gamma" => &["dist", "shape", "scale"],
            "discrete" => &["dist", "values", "weights"],
            other => {
                let hint = suggestion(other, DIST_NAMES)
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                self.err(
                    kind_v.span(),
                    &dpath,
                    format!(
                        "unknown distribution \"{other}\"; {hint}valid: {}",
                        list(DIST_NAMES)
                    ),
                );
                return None;
            }
        };
        self.check_keys(t, path, keys, &format!("a {name} distribution"));
        let at = |k: &str| get(t, k).map(|v| v.span()).unwrap_or(span.clone());
        let num = |c: &mut Self, k: &str| c.dist_num(t, &span, path, k, &name);
        match name.as_str() {
            "uniform" => {
                let (min, max) = (num(self, "min"), num(self, "max"));
                let (min, max) = (min?, max?);
                if min > max {
                    self.err(
                        at("max"),
                        &join(path, "max"),
                        format!(
                            "must be at least min ({}), got {}",
                            fmt_num(min),
                            fmt_num(max)
                        ),
                    );
                    return None;
                }
                Some(if min == max {
                    Dist::fixed(min)
                } else {
                    Dist::Uniform { min, max }
                })
            }
            "triangular" | "pert" => {
                let (min, mode, max) = (num(self, "min"), num(self, "mode"), num(self, "max"));
                let (min, mode, max) = (min?, mode?, max?);
                if min > max {
                    self.err(
                        at("max"),
                        &join(path, "max"),
                        format!(
                            "must be at least min ({}), got {}",
                            fmt_num(min),
                            fmt_num(max)
                        ),
                    );
                    return None;
                }
                if mode < min || mode > max {
                    self.err(
                        at("mode"),
                        &join(path, "mode"),
                        format!(
                            "must lie between min ({}) and max ({}), got {}",
                            fmt_num(min),
                            fmt_num(max),
                            fmt_num(mode)
                        ),
                    );
                    return None;
                }
                if min == max {
                    return Some(Dist::fixed(min));
                }
                if name == "pert" {
                    Dist::pert(min, mode, max)
                } else {
                    Dist::triangular(min, mode, max)
                }
            }
            "normal" => {
                let (mean, sd) = (num(self, "mean"), num(self, "sd"));
                let min = match get(t, "min") {
                    Some(v) => Some(self.number(v, &join(path, "min"))?),
                    None => None,
                };
                let max = match get(t, "max") {
                    Some(v) => Some(self.number(v, &join(path, "max"))?),
                    None => None,
                };
                let (mean, sd) = (mean?, sd?);
                if sd <= 0.0 {
                    self.err(
                        at("sd"),
                        &join(path, "sd"),
                        format!(
                            "must be above 0, got {} (for a fixed value write the number itself)",
                            fmt_num(sd)
                        ),
                    );
                    return None;
                }
                let (lo, hi) = (
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                );
                if lo >= hi {
                    self.err(
                        at("max"),
                        &join(path, "max"),
                        format!(
                            "must be greater than min ({}), got {}",
                            fmt_num(lo),
                            fmt_num(hi)
                        ),
                    );
                    return None;
                }
                Some(Dist::Normal {
                    normal: Normal::new(mean, sd).ok()?,
                    min: lo,
                    max: hi,
                })
            }
            "lognormal" => {
                let by_median = get(t, "median").is_some() || get(t, "p90").is_some();
                let by_mean = get(t, "mean").is_some() || get(t, "sd").is_some();
                if by_median && by_mean {
                    self.err(
                        span,
                        path,
                        "give a lognormal either { median, p90 } or { mean, sd }, not both",
                    );
                    return None;
                }
                if by_mean {
                    let (mean, sd) = (num(self, "mean"), num(self, "sd"));
                    let (mean, sd) = (mean?, sd?);
                    if mean <= 0.0 {
                        self.err(
                            at("mean"),
                            &join(path, "mean"),
                            format!("must be above 0, got {}", fmt_num(mean)),
                        );
                        return None;
                    }
                    if sd <= 0.0 {
                        self.err(at("sd"), &join(path, "sd"), format!("must be above 0, got {} (for a fixed value write the number itself)", fmt_num(sd)));
                        return None;
                    }
                    Dist::lognormal_mean_sd(mean, sd)
                } else {
                    let (median, p90) = (num(self, "median"), num(self, "p90"));
                    let (median, p90) = (median?, p90?);
                    if median <= 0.0 {
                        self.err(
                            at("median"),
                            &join(path, "median"),
                            format!("must be above 0, got {}", fmt_num(median)),
                        );
                        return None;
                    }
                    if p90 <= median {
                        self.err(
                            at("p90"),
                            &join(path, "p90"),
                            format!(
                                "must be greater than the median ({}), got {}",
                                fmt_num(median),
                                fmt_num(p90)
                            ),
                        );
                        return None;
                    }
                    Dist::lognormal_median_p90(median, p90)
                }
            }
            "beta" => {
                let (a, b) = (num(self, "alpha"), num(self, "beta"));
                let (a, b) = (a?, b?);
                let mut ok = true;
                for (k, x) in [("alpha", a), ("beta", b)] {
                    if x <= 0.0 {
                        self.err(
                            at(k),
                            &join(path, k),
                            format!("must be above 0, got {}", fmt_num(x)),
                        );
                        ok = false;
                    }
                }
                if !ok {
                    return None;
                }
                Some(Dist::Beta(Beta::new(a, b).ok()?))
            }
            "gamma" => {
                let (shape, scale) = (num(self, "shape"), num(self, "scale"));
                let (shape, scale) = (shape?, scale?);
                let mut ok = true;
                for (k, x) in [("shape", shape), ("scale", scale)] {
                    if x <= 0.0 {
                        self.err(
                            at(k),
                            &join(path, k),
                            format!("must be above 0, got {}", fmt_num(x)),
                        );
                        ok = false;
                    }
                }
                if !ok {
                    return None;
                }
                Some(Dist::Gamma(Gamma::new(shape, scale).ok()?))
            }
            "discrete" => {
                let values = self.num_array(t, &span, path, "values")?;
                let weights = match get(t, "weights") {
                    Some(_) => self.num_array(t, &span, path, "weights")?,
                    None => vec![1.0; values.len()],
                };
                if values.is_empty() {
                    self.err(
                        at("values"),
                        &join(path, "values"),
                        "needs at least one value",
                    );
                    return None;
                }
                if weights.len() != values.len() {
                    self.err(
                        at("weights"),
                        &join(path, "weights"),
                        format!(
                            "needs one weight per value ({} values, {} weights)",
                            values.len(),
                            weights.len()
                        ),
                    );
                    return None;
                }
                if weights.iter().any(|w| *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
                    self.err(
                        at("weights"),
                        &join(path, "weights"),
                        "weights must be 0 or more and add up to a positive number",
                    );
                    return None;
                }
                let index = WeightedIndex::new(weights).ok()?;
                Some(Dist::Discrete { values, index })
            }
            _ => None,
        }
    }

    fn num_array(
        &mut self,
        t: &DeTable<'_>,
        span: &Range<usize>,
        path: &str,
        key: &str,
    ) -> Option<Vec<f64>> {
        let kpath = join(path, key);
        let Some(v) = get(t, key) else {
            self.err(
                span.clone(),
                path,
                format!("a discrete distribution needs `{key}`"),
            );
            return None;
        };
        let DeValue::Array(a) = v.get_ref() else {
            self.err(
                v.span(),
                &kpath,
                format!(
                    "expected an array of numbers, found {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, x) in a.iter().enumerate() {
            match self.number(x, &format!("{kpath}[{i}]")) {
                Some(n) => out.push(n),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Registers an input sampled once per trial and returns its id.
    fn push_input(
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
        });
        self.inputs.len() - 1
    }
}

/// A section of the file: its table, if present, and where to point when a
/// required key is missing.
struct Section<'t, 'i> {
    path: &'static str,
    table: Option<&'t DeTable<'i>>,
    span: Range<usize>,
}

impl<'t, 'i> Section<'t, 'i> {
    fn value(&self, key: &str) -> Option<&'t Val<'i>> {
        self.table.and_then(|t| get(t, key))
    }
}

/// Reads a world input: sampled once per trial from the stream named by its
/// key path.
fn world_input(
    c: &mut Ctx<'_>,
    s: &Section<'_, '_>,
    key: &str,
    domain: Domain,
    default: Option<f64>,
    example: &str,
) -> InputId {
    let path = join(s.path, key);
    let dist = match (s.value(key), default) {
        (Some(v), _) => c.dist(v, &path, domain),
        (None, Some(d)) => Some(Dist::fixed(d)),
        (None, None) => {
            c.err(
                s.span.clone(),
                &path,
                format!(
                    "`{key}` is required in [{}]; for example {key} = {example}",
                    s.path
                ),
            );
            None
        }
    };
    let source = s.value(key).map(|v| v.span());
    c.push_input(
        path.clone(),
        dist.unwrap_or(Dist::fixed(0.0)),
        &path,
        source,
    )
}

/// Reads a distribution drawn per event (not a per-trial input).
fn event_dist(
    c: &mut Ctx<'_>,
    s: &Section<'_, '_>,
    key: &str,
    domain: Domain,
    default: f64,
) -> Dist {
    let path = join(s.path, key);
    s.value(key)
        .and_then(|v| c.dist(v, &path, domain))
        .unwrap_or(Dist::fixed(default))
}

/// Parses and validates a scenario; `file` names it in error messages.
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let lines = LineIndex::new(text);
    let finish = |mut diags: Vec<(usize, String, String)>| {
        diags.sort_by_key(|d| d.0);
        ScenarioError {
            file: file.to_string(),
            diags: diags
                .into_iter()
                .map(|(at, path, message)| {
                    let (line, col) = lines.locate(text, at);
                    Diag {
                        line,
                        col,
                        path,
                        message,
                    }
                })
                .collect(),
        }
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    // Only the first syntax error is reported: those after it are mostly
    // echoes of the first, and misleading.
    if let Some(e) = errors.first() {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        return Err(finish(vec![(
            at,
            String::new(),
            format!(
                "TOML syntax error: {}; fix it and validate again",
                e.message()
            ),
        )]));
    }
    let mut c = Ctx {
        text,
        diags: Vec::new(),
        inputs: Vec::new(),
    };
    let scenario = build(&mut c, root.get_ref(), file);
    if c.diags.is_empty()
        && let Some(s) = scenario
    {
        return Ok(s);
    }
    Err(finish(c.diags))
}

fn build(c: &mut Ctx<'_>, root: &DeTable<'_>, file: &str) -> Option<Scenario> {
    c.check_keys(root, "", TOP_KEYS, "the top level of a scenario");
    let name = match get(root, "name") {
        Some(v) => c
            .string(v, "name", "the scenario's name as a string")
            .map(str::to_string),
        None => None,
    }
    .unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".to_string())
    });
    let description = match get(root, "description") {
        Some(v) => c
            .string(v, "description", "a description as a string")
            .map(str::to_string),
        None => None,
    }
    .unwrap_or_default();

    let section = |c: &mut Ctx<'_>, key: &'static str, keys: &[&str]| -> Section<'_, '_> {
        let v = get(root, key);
        let table = v.and_then(|v| c.table(v, key));
        if let Some(t) = table {
            c.check_keys(t, key, keys, &format!("[{key}]"));
        }
        Section {
            path: key,
            table,
            span: v.map(|v| v.span()).unwrap_or(0..0),
        }
    };

    // [simulation]
    let sim = section(c, "simulation", SIMULATION_KEYS);
    let horizon = sim
        .value("horizon_months")
        .map(|v| c.integer(v, "simulation.horizon_months", 1, LIMIT_HORIZON))
        .unwrap_or(Some(36));
    let trials = sim
        .value("trials")
        .map(|v| c.integer(v, "simulation.trials", 1, LIMIT_TRIALS))
        .unwrap_or(Some(10_000));
    let seed = sim
        .value("seed")
        .map(|v| c.integer(v, "simulation.seed", 0, i64::MAX as u64))
        .unwrap_or(Some(1));

    // World sections.
    let project = section(c, "project", PROJECT_KEYS);
    let roadmap = section(c, "roadmap", ROADMAP_KEYS);
    let business = section(c, "business", BUSINESS_KEYS);
    let knowledge = section(c, "knowledge", KNOWLEDGE_KEYS);
    let drift = section(c, "drift", DRIFT_KEYS);
    let w = WorldInputs {
        build_effort_months: world_input(
            c,
            &project,
            "build_effort_months",
            MONTHS,
            None,
            "{ dist = \"lognormal\", median = 4, p90 = 8 }",
        ),
        target_launch_month: world_input(
            c,
            &project,
            "target_launch_month",
            MONTHS,
            Some(0.0),
            "6",
        ),
        traction_probability: world_input(
            c,
            &project,
            "traction_probability",
            UNIT,
            None,
            "{ dist = \"beta\", alpha = 7, beta = 3 }",
        ),
        traction_known_after_months: world_input(
            c,
            &project,
            "traction_known_after_months",
            MONTHS,
            None,
            "3",
        ),
        maintenance_per_month: world_input(
            c,
            &project,
            "maintenance_per_month",
            MONTHS,
            Some(0.0),
            "",
        ),
        projects_per_month: world_input(
            c,
            &roadmap,
            "projects_per_month",
            PER_MONTH,
            Some(0.0),
            "",
        ),
        value_at_risk_per_month: world_input(
            c,
            &business,
            "value_at_risk_per_month",
            MONEY,
            Some(0.0),
            "",
        ),
        cost_of_delay_per_month: world_input(
            c,
            &business,
            "cost_of_delay_per_month",
            MONEY,
            Some(0.0),
            "",
        ),
        unfinished_cost_per_engineer_month: world_input(
            c,
            &business,
            "unfinished_cost_per_engineer_month",
            MONEY,
            Some(0.0),
            "",
        ),
        full_context_months: world_input(
            c,
            &knowledge,
            "full_context_months",
            MONTHS,
            None,
            "{ dist = \"triangular\", min = 1, mode = 3, max = 6 }",
        ),
        productivity_at_zero_context: world_input(
            c,
            &knowledge,
            "productivity_at_zero_context",
            PRODUCTIVITY,
            None,
            "0.3",
        ),
        rework_base: world_input(c, &knowledge, "rework_base", UNIT, Some(0.0), ""),
        rework_at_zero_context: world_input(
            c,
            &knowledge,
            "rework_at_zero_context",
            UNIT,
            Some(0.0),
            "",
        ),
        events_per_month: world_input(c, &drift, "events_per_month", PER_MONTH, Some(0.0), ""),
        decay_per_month_unmaintained: world_input(
            c,
            &drift,
            "decay_per_month_unmaintained",
            UNIT,
            Some(0.0),
            "",
        ),
        remediation_months_per_severity: world_input(
            c,
            &drift,
            "remediation_months_per_severity",
            MONTHS,
            Some(0.0),
            "",
        ),
        detected_per_month_monitored: world_input(
            c,
            &drift,
            "detected_per_month_monitored",
            UNIT,
            Some(0.0),
            "",
        ),
        detected_per_month_unmonitored: world_input(
            c,
            &drift,
            "detected_per_month_unmonitored",
            UNIT,
            Some(0.0),
            "",
        ),
        act_when_degraded_above: world_input(
            c,
            &drift,
            "act_when_degraded_above",
            UNIT,
            Some(0.0),
            "",
        ),
        project_size_months: event_dist(c, &roadmap, "project_size_months", MONTHS, 0.0),
        severity: event_dist(c, &drift, "severity", UNIT, 0.0),
    };
    let include_business_impact = business
        .value("include_business_impact")
        .map(|v| c.boolean(v, "business.include_business_impact"))
        .unwrap_or(Some(true));

    let engagements = engagements(c, root);
    let strategies = strategies(c, root, &engagements);

    Some(Scenario {
        name,
        description,
        simulation: Simulation {
            horizon_months: horizon? as u32,
            trials: trials?,
            seed: seed?,
        },
        include_business_impact: include_business_impact?,
        inputs: std::mem::take(&mut c.inputs),
        world: w,
        engagements: engagements.into_iter().map(|(_, e)| e).collect(),
        strategies: strategies?,
    })
}

/// An engagement table as written, before `extends` is resolved.
struct RawEngagement<'t, 'i> {
    name: String,
    table: &'t DeTable<'i>,
    span: Range<usize>,
    parent: Option<usize>,
}

/// Parses `[engagements.*]`, resolving `extends`. Returns (name, engagement)
/// in file order; engagements with errors are left out (the errors are
/// recorded).
fn engagements(c: &mut Ctx<'_>, root: &DeTable<'_>) -> Vec<(String, Engagement)> {
    let Some(v) = get(root, "engagements") else {
        c.err(0..0, "engagements", "the scenario defines no engagements; add at least one [engagements.NAME] table with kind = \"freelance\" or \"employee\"");
        return Vec::new();
    };
    let Some(table) = c.table(v, "engagements") else {
        return Vec::new();
    };
    let mut raws: Vec<RawEngagement<'_, '_>> = Vec::new();
    for (k, v) in table.iter() {
        let name = k.get_ref().to_string();
        if let Some(t) = c.table(v, &format!("engagements.{name}")) {
            raws.push(RawEngagement {
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
    // Resolve `extends`.
    let names: Vec<String> = raws.iter().map(|r| r.name.clone()).collect();
    let mut bad: Vec<bool> = vec![false; raws.len()];
    for (i, r) in raws.iter_mut().enumerate() {
        if let Some(ev) = get(r.table, "extends") {
            let path = format!("engagements.{}.extends", r.name);
            if let Some(target) = c.string(ev, &path, "the name of another engagement") {
                match names.iter().position(|n| n == target) {
                    Some(j) if j != i => r.parent = Some(j),
                    Some(_) => {
                        c.err(ev.span(), &path, "an engagement cannot extend itself");
                        bad[i] = true;
                    }
                    None => {
                        c.err(
                            ev.span(),
                            &path,
                            format!(
                                "no engagement named \"{target}\"; defined: {}",
                                list(&names.iter().map(String::as_str).collect::<Vec<_>>())
                            ),
                        );
                        bad[i] = true;
                    }
                }
            } else {
                bad[i] = true;
            }
        }
    }
    // Detect cycles and find each root.
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
    // The chain of tables from an engagement up to its root.
    let chain = |i: usize| {
        let mut v = vec![i];
        let mut at = i;
        while let Some(p) = raws[at].parent {
            v.push(p);
            at = p;
        }
        v
    };
    let mut memo: HashMap<(usize, &'static str), InputId> = HashMap::new();
    let mut out = Vec::new();
    for i in 0..raws.len() {
        let Some(root_ix) = roots[i] else { continue };
        let ch = chain(i);
        let name = raws[i].name.clone();
        let root_name = raws[root_ix].name.clone();
        let base = format!("engagements.{name}");
        // The closest table in the chain that sets `key`.
        let find = |key: &str| {
            ch.iter()
                .find_map(|j| get(raws[*j].table, key).map(|v| (*j, v)))
        };
        // kind
        let kind = match find("kind") {
            Some((j, v)) => {
                let p = format!("engagements.{}.kind", raws[j].name);
                match c.string(v, &p, "\"freelance\" or \"employee\"") {
                    Some("freelance") => Some(true),
                    Some("employee") => Some(false),
                    Some(other) => {
                        if j == i {
                            c.err(v.span(), &p, format!("unknown kind \"{other}\"; valid: \"freelance\" (paid by the hour) or \"employee\" (paid a salary)"));
                        }
                        None
                    }
                    None => None,
                }
            }
            None => {
                c.err(raws[i].span.clone(), &format!("{base}.kind"), "`kind` is required: \"freelance\" (paid by the hour) or \"employee\" (paid a salary), unless the engagement `extends` another");
                None
            }
        };
        let Some(is_freelance) = kind else { continue };
        let (own, other, other_word, a_kind) = if is_freelance {
            (FREELANCE_KEYS, EMPLOYEE_KEYS, "employee", "a freelance")
        } else {
            (EMPLOYEE_KEYS, FREELANCE_KEYS, "freelance", "an employee")
        };
        // Keys of this table.
        for (k, _) in raws[i].table.iter() {
            let key = k.get_ref().as_ref();
            if COMMON_ENGAGEMENT_KEYS.contains(&key) || own.contains(&key) {
                continue;
            }
            if other.contains(&key) {
                c.err(k.span(), &format!("{base}.{key}"), format!("`{key}` is a key of {other_word} engagements, but `{name}` is {a_kind} engagement; its keys are {}", list(&[COMMON_ENGAGEMENT_KEYS, own].concat())));
            } else {
                let allowed = [COMMON_ENGAGEMENT_KEYS, own].concat();
                let hint = suggestion(key, &allowed)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                c.err(
                    k.span(),
                    &format!("{base}.{key}"),
                    format!(
                        "unknown key `{key}` in {a_kind} engagement; {hint}valid keys are {}",
                        list(&allowed)
                    ),
                );
            }
        }
        // Per-trial parameters: the closest table that sets the key owns the
        // input; the stream is the root's, so extending engagements share draws.
        let mut param = |c: &mut Ctx<'_>,
                         key: &'static str,
                         domain: Domain,
                         default: Option<f64>,
                         example: &str|
         -> InputId {
            let (owner, v) = match find(key) {
                Some((j, v)) => (j, Some(v)),
                None => (root_ix, None),
            };
            if let Some(id) = memo.get(&(owner, key)) {
                return *id;
            }
            let path = format!("engagements.{}.{key}", raws[owner].name);
            let dist = match (v, default) {
                (Some(v), _) => c.dist(v, &path, domain),
                (None, Some(d)) => Some(Dist::fixed(d)),
                (None, None) => {
                    c.err(raws[i].span.clone(), &path, format!("`{key}` is required for {a_kind} engagement; for example {key} = {example}"));
                    None
                }
            };
            let id = c.push_input(
                path,
                dist.unwrap_or(Dist::fixed(0.0)),
                &format!("engagements.{root_name}.{key}"),
                v.map(|v| v.span()),
            );
            memo.insert((owner, key), id);
            id
        };
        let documentation = param(c, "documentation", UNIT, Some(0.0), "");
        let rework_multiplier = param(c, "rework_multiplier", FACTOR, Some(1.0), "");
        let ev = |key: &str, c: &mut Ctx<'_>| -> Dist {
            match find(key) {
                Some((j, v)) => c
                    .dist(v, &format!("engagements.{}.{key}", raws[j].name), MONTHS)
                    .unwrap_or(Dist::fixed(0.0)),
                None => Dist::fixed(0.0),
            }
        };
        let kind = if is_freelance {
            EngagementKind::Freelance(Freelance {
                hourly_rate: param(
                    c,
                    "hourly_rate",
                    HOURLY,
                    None,
                    "{ dist = \"lognormal\", median = 120, p90 = 200 }",
                ),
                max_hours_per_month: param(c, "max_hours_per_month", HOURS, Some(160.0), ""),
                platform_fee: param(c, "platform_fee", FACTOR, Some(0.0), ""),
                engagement_fee: param(c, "engagement_fee", MONEY, Some(0.0), ""),
                exit_per_month: param(c, "exit_per_month", UNIT, Some(0.0), ""),
                returns_for_follow_up: param(c, "returns_for_follow_up", UNIT, Some(0.0), ""),
                retainer_hours_per_month: param(
                    c,
                    "retainer_hours_per_month",
                    HOURS,
                    Some(0.0),
                    "",
                ),
                time_to_engage_months: ev("time_to_engage_months", c),
            })
        } else {
            EngagementKind::Employee(Employee {
                annual_salary: param(
                    c,
                    "annual_salary",
                    MONEY,
                    None,
                    "{ dist = \"lognormal\", median = 150000, p90 = 215000 }",
                ),
                overhead: param(c, "overhead", FACTOR, Some(0.0), ""),
                tools_per_year: param(c, "tools_per_year", MONEY, Some(0.0), ""),
                recruiting_fee: param(c, "recruiting_fee", FACTOR, Some(0.0), ""),
                internal_hiring_cost: param(c, "internal_hiring_cost", MONEY, Some(0.0), ""),
                attrition_per_year: param(c, "attrition_per_year", UNIT, Some(0.0), ""),
                notice_months: param(c, "notice_months", MONTHS, Some(0.0), ""),
                severance_months: param(c, "severance_months", MONTHS, Some(0.0), ""),
                time_to_hire_months: ev("time_to_hire_months", c),
            })
        };
        // Scope.
        let scope = match find("scope") {
            Some((j, v)) => parse_scope(c, v, &format!("engagements.{}.scope", raws[j].name)),
            None if is_freelance => {
                Scope::of(&[WorkKind::Build, WorkKind::Roadmap, WorkKind::Remediation])
            }
            None => Scope::of(&WorkKind::ALL),
        };
        let monitoring = match find("monitoring") {
            Some((j, v)) => c
                .boolean(v, &format!("engagements.{}.monitoring", raws[j].name))
                .unwrap_or(false),
            None => scope.has(WorkKind::Maintenance),
        };
        let streams = EventStreams {
            search: name_hash(&format!("engagements.{root_name}#search")),
            returns: name_hash(&format!("engagements.{root_name}#return")),
            leave: name_hash(&format!("engagements.{root_name}#leave")),
        };
        out.push((
            name.clone(),
            Engagement {
                name,
                root: root_ix,
                scope,
                monitoring,
                documentation,
                rework_multiplier,
                kind,
                streams,
            },
        ));
    }
    out
}

fn parse_scope(c: &mut Ctx<'_>, v: &Val<'_>, path: &str) -> Scope {
    let valid = list(&WorkKind::ALL.map(WorkKind::name));
    let DeValue::Array(a) = v.get_ref() else {
        c.err(v.span(), path, format!("expected an array of kinds of work, such as [\"build\", \"roadmap\"]; valid kinds: {valid}; found {}", type_name(v.get_ref())));
        return Scope::EMPTY;
    };
    let mut kinds = Vec::new();
    for (i, item) in a.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if let Some(s) = c.string(item, &p, "the name of a kind of work") {
            match WorkKind::from_name(s) {
                Some(k) => kinds.push(k),
                None => {
                    let hint = suggestion(s, &WorkKind::ALL.map(WorkKind::name))
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
    }
    Scope::of(&kinds)
}

fn strategies(
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
    let mut out: Vec<Strategy> = Vec::new();
    let mut ok = true;
    for (si, sv) in arr.iter().enumerate() {
        let spath = format!("strategies[{si}]");
        let Some(t) = c.table(sv, &spath) else {
            ok = false;
            continue;
        };
        c.check_keys(t, &spath, STRATEGY_KEYS, "a strategy");
        let name = match get(t, "name") {
            Some(nv) => c
                .string(
                    nv,
                    &format!("{spath}.name"),
                    "the strategy's name as a string",
                )
                .map(str::to_string),
            None => {
                c.err(
                    sv.span(),
                    &format!("{spath}.name"),
                    "every strategy needs a `name`",
                );
                None
            }
        };
        if let Some(d) = get(t, "description") {
            c.string(
                d,
                &format!("{spath}.description"),
                "a description as a string",
            );
        }
        if let (Some(n), Some(nv)) = (&name, get(t, "name"))
            && out.iter().any(|s| &s.name == n)
        {
            c.err(
                nv.span(),
                &format!("{spath}.name"),
                format!("duplicate strategy name \"{n}\"; each strategy needs its own name"),
            );
        }
        let ppath = format!("{spath}.phases");
        let phases = match get(t, "phases") {
            None => {
                c.err(sv.span(), &ppath, "every strategy needs `phases`, e.g. phases = [{ engagement = \"freelancer\" }]");
                None
            }
            Some(pv) => {
                match pv.get_ref() {
                    DeValue::Array(pa) if pa.is_empty() => {
                        c.err(pv.span(), &ppath, "a strategy needs at least one phase, e.g. phases = [{ engagement = \"freelancer\" }]");
                        None
                    }
                    DeValue::Array(pa) => {
                        let mut phases = Vec::new();
                        let last = pa.len() - 1;
                        for (pi, phv) in pa.iter().enumerate() {
                            let php = format!("{ppath}[{pi}]");
                            let Some(pt) = c.table(phv, &php) else {
                                continue;
                            };
                            c.check_keys(pt, &php, PHASE_KEYS, "a phase");
                            let engagement = match get(pt, "engagement") {
                                None => {
                                    c.err(
                                        phv.span(),
                                        &format!("{php}.engagement"),
                                        "every phase needs an `engagement`",
                                    );
                                    None
                                }
                                Some(ev) => {
                                    let ep = format!("{php}.engagement");
                                    c.string(ev, &ep, "the name of an engagement").and_then(|n| {
                                    let found = engagements.iter().position(|(en, _)| en == n);
                                    if found.is_none() {
                                        let names: Vec<&str> = engagements.iter().map(|(n, _)| n.as_str()).collect();
                                        let defined = get(root, "engagements").and_then(|v| match v.get_ref() { DeValue::Table(t) => Some(t.iter().any(|(k, _)| k.get_ref().as_ref() == n)), _ => None }).unwrap_or(false);
                                        if !defined {
                                            c.err(ev.span(), &ep, format!("no engagement named \"{n}\"; defined: {}", if names.is_empty() { "none".to_string() } else { list(&names) }));
                                        }
                                    }
                                    found
                                })
                                }
                            };
                            let until = match get(pt, "until") {
                                None if pi != last => {
                                    c.err(phv.span(), &format!("{php}.until"), "every phase but the last needs `until`: \"launch\", \"traction\" or { month = N }");
                                    None
                                }
                                None => None,
                                Some(uv) if pi == last => {
                                    c.err(uv.span(), &format!("{php}.until"), "the last phase cannot have `until`: nothing follows it; remove it or add a phase after");
                                    None
                                }
                                Some(uv) => parse_until(c, uv, &format!("{php}.until")),
                            };
                            if let Some(e) = engagement {
                                phases.push(Phase {
                                    engagement: e,
                                    until,
                                });
                            }
                        }
                        Some(phases)
                    }
                    other => {
                        c.err(pv.span(), &ppath, format!("expected an array of phases such as [{{ engagement = \"freelancer\", until = \"traction\" }}, {{ engagement = \"engineer\" }}], found {}", type_name(other)));
                        None
                    }
                }
            }
        };
        match (name, phases) {
            (Some(name), Some(phases)) => out.push(Strategy { name, phases }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

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
            c.check_keys(t, path, &["month"], "an `until` condition");
            match get(t, "month") {
                Some(m) => c
                    .integer(m, &format!("{path}.month"), 1, LIMIT_HORIZON)
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
