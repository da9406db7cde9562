//! Distributions as scenarios write them: a plain number, a `{ low, high }`
//! shorthand, or a table with `dist = "FAMILY"` and the family's parameters.
//!
//! Each family has one function that reads and checks its parameters, so a
//! family's rules (and messages) sit together; the keys a family accepts
//! come from the key table (sections `dist.FAMILY`). Once built, a
//! distribution is checked against the domain of the key it is for: the
//! sampler downstream never sees a value it cannot take.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::diag::{list, suggestion};
use super::keys::{self, Domain};
use super::values::{Ctx, Val, fmt_num, get, join, type_name};
use crate::dist::{Dist, MIN_NORMAL_MASS, std_normal_mass};

const DIST_HELP: &str = "a number, or a distribution such as { dist = \"triangular\", min = 1, mode = 2, max = 4 }, { dist = \"lognormal\", median = 4, p90 = 8 } or { low = 2, high = 8 }";

/// Reads one family's parameters; problems are recorded.
type Family = fn(&mut Ctx<'_>, &Table<'_, '_>) -> Option<Dist>;

/// The families, by the name `dist` gives, in the order messages list them.
const FAMILIES: &[(&str, Family)] = &[
    ("uniform", uniform),
    ("triangular", triangular),
    ("pert", pert),
    ("normal", normal),
    ("lognormal", lognormal),
    ("beta", beta),
    ("gamma", gamma),
    ("discrete", discrete),
];

/// A distribution table being read.
struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    path: &'t str,
    /// What it is, as "a {what} distribution needs ..." says it.
    what: &'t str,
}

impl Table<'_, '_> {
    /// Where to point for a problem with `key`: its value, or the table.
    fn at(&self, key: &str) -> Range<usize> {
        get(self.table, key)
            .map(|v| v.span())
            .unwrap_or(self.span.clone())
    }

    /// A number the family needs.
    fn num(&self, c: &mut Ctx<'_>, key: &str) -> Option<f64> {
        match get(self.table, key) {
            Some(v) => c.number(v, &join(self.path, key)),
            None => {
                c.err(
                    self.span.clone(),
                    self.path,
                    format!("a {} distribution needs `{key}`", self.what),
                );
                None
            }
        }
    }

    /// A number the family may be given.
    fn opt_num(&self, c: &mut Ctx<'_>, key: &str) -> Result<Option<f64>, ()> {
        match get(self.table, key) {
            Some(v) => c.number(v, &join(self.path, key)).map(Some).ok_or(()),
            None => Ok(None),
        }
    }

    /// Records a problem with `key` and gives up on the distribution.
    fn fail<T>(&self, c: &mut Ctx<'_>, key: &str, message: impl Into<String>) -> Option<T> {
        c.err(self.at(key), &join(self.path, key), message);
        None
    }

    /// Checks that each parameter is above 0 (reporting each that is not).
    fn positive(&self, c: &mut Ctx<'_>, params: [(&str, f64); 2]) -> Option<()> {
        let mut ok = true;
        for (k, x) in params {
            if x <= 0.0 {
                c.err(
                    self.at(k),
                    &join(self.path, k),
                    format!("must be above 0, got {}", fmt_num(x)),
                );
                ok = false;
            }
        }
        ok.then_some(())
    }

    /// An array of numbers (a discrete distribution's values or weights).
    fn num_array(&self, c: &mut Ctx<'_>, key: &str) -> Option<Vec<f64>> {
        let kpath = join(self.path, key);
        let Some(v) = get(self.table, key) else {
            c.err(
                self.span.clone(),
                self.path,
                format!("a discrete distribution needs `{key}`"),
            );
            return None;
        };
        let DeValue::Array(a) = v.get_ref() else {
            c.err(
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
            match c.number(x, &format!("{kpath}[{i}]")) {
                Some(n) => out.push(n),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// `must be at least min (..), got ..` for a `max` below `min`.
fn max_below_min(min: f64, max: f64) -> String {
    format!(
        "must be at least min ({}), got {}",
        fmt_num(min),
        fmt_num(max)
    )
}

/// `must be above 0, got .. (for a fixed value ...)` for a spread of 0 or less.
fn sd_not_positive(sd: f64) -> String {
    format!(
        "must be above 0, got {} (for a fixed value write the number itself)",
        fmt_num(sd)
    )
}

fn uniform(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let (min, max) = (d.num(c, "min"), d.num(c, "max"));
    let (min, max) = (min?, max?);
    if min > max {
        return d.fail(c, "max", max_below_min(min, max));
    }
    Some(if min == max {
        Dist::fixed(min)
    } else {
        Dist::Uniform { min, max }
    })
}

/// The parameters of a three-point distribution (triangular or pert), or
/// `Err` with the fixed value when `min == max`.
fn three_points(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Result<[f64; 3], Dist>> {
    let (min, mode, max) = (d.num(c, "min"), d.num(c, "mode"), d.num(c, "max"));
    let (min, mode, max) = (min?, mode?, max?);
    if min > max {
        return d.fail(c, "max", max_below_min(min, max));
    }
    if mode < min || mode > max {
        return d.fail(
            c,
            "mode",
            format!(
                "must lie between min ({}) and max ({}), got {}",
                fmt_num(min),
                fmt_num(max),
                fmt_num(mode)
            ),
        );
    }
    Some(if min == max {
        Err(Dist::fixed(min))
    } else {
        Ok([min, mode, max])
    })
}

fn triangular(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    match three_points(c, d)? {
        Ok([min, mode, max]) => Dist::triangular(min, mode, max),
        Err(fixed) => Some(fixed),
    }
}

fn pert(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    match three_points(c, d)? {
        Ok([min, mode, max]) => Dist::pert(min, mode, max),
        Err(fixed) => Some(fixed),
    }
}

fn normal(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let (mean, sd) = (d.num(c, "mean"), d.num(c, "sd"));
    let min = d.opt_num(c, "min").ok()?;
    let max = d.opt_num(c, "max").ok()?;
    let (mean, sd) = (mean?, sd?);
    if sd <= 0.0 {
        return d.fail(c, "sd", sd_not_positive(sd));
    }
    let (lo, hi) = (
        min.unwrap_or(f64::NEG_INFINITY),
        max.unwrap_or(f64::INFINITY),
    );
    if lo >= hi {
        return d.fail(
            c,
            "max",
            format!(
                "must be greater than min ({}), got {}",
                fmt_num(lo),
                fmt_num(hi)
            ),
        );
    }
    let mass = std_normal_mass((lo - mean) / sd, (hi - mean) / sd);
    if mass < MIN_NORMAL_MASS {
        // Point at the bound that cuts (the table when both are given).
        let (key, bounds, fix) = match (min, max) {
            (Some(_), None) => ("min", format!("min = {} keeps", fmt_num(lo)), "the bound"),
            (None, Some(_)) => ("max", format!("max = {} keeps", fmt_num(hi)), "the bound"),
            _ => (
                "",
                format!("min = {} and max = {} keep", fmt_num(lo), fmt_num(hi)),
                "the bounds apart or",
            ),
        };
        let message = format!(
            "{bounds} only {} of this normal's probability (mean {}, sd {}); a truncated \
             normal must keep at least {}: move {fix} toward the mean, or widen sd",
            fmt_prob(mass),
            fmt_num(mean),
            fmt_num(sd),
            fmt_prob(MIN_NORMAL_MASS)
        );
        if key.is_empty() {
            c.err(d.span.clone(), d.path, message);
            return None;
        }
        return d.fail(c, key, message);
    }
    Dist::normal(mean, sd, lo, hi)
}

/// A small probability as scenarios read it: `2.9e-7`.
fn fmt_prob(p: f64) -> String {
    format!("{p:.1e}").replace(".0e", "e")
}

fn lognormal(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let has = |k: &str| get(d.table, k).is_some();
    let by_median = has("median") || has("p90");
    let by_mean = has("mean") || has("sd");
    if by_median && by_mean {
        c.err(
            d.span.clone(),
            d.path,
            "give a lognormal either { median, p90 } or { mean, sd }, not both",
        );
        return None;
    }
    if by_mean {
        let (mean, sd) = (d.num(c, "mean"), d.num(c, "sd"));
        let (mean, sd) = (mean?, sd?);
        if mean <= 0.0 {
            return d.fail(c, "mean", format!("must be above 0, got {}", fmt_num(mean)));
        }
        if sd <= 0.0 {
            return d.fail(c, "sd", sd_not_positive(sd));
        }
        return Dist::lognormal_mean_sd(mean, sd);
    }
    let (median, p90) = (d.num(c, "median"), d.num(c, "p90"));
    let (median, p90) = (median?, p90?);
    if median <= 0.0 {
        return d.fail(
            c,
            "median",
            format!("must be above 0, got {}", fmt_num(median)),
        );
    }
    if p90 <= median {
        return d.fail(
            c,
            "p90",
            format!(
                "must be greater than the median ({}), got {}",
                fmt_num(median),
                fmt_num(p90)
            ),
        );
    }
    Dist::lognormal_median_p90(median, p90)
}

fn beta(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let (a, b) = (d.num(c, "alpha"), d.num(c, "beta"));
    let (a, b) = (a?, b?);
    d.positive(c, [("alpha", a), ("beta", b)])?;
    Dist::beta(a, b)
}

fn gamma(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let (shape, scale) = (d.num(c, "shape"), d.num(c, "scale"));
    let (shape, scale) = (shape?, scale?);
    d.positive(c, [("shape", shape), ("scale", scale)])?;
    Dist::gamma(shape, scale)
}

fn discrete(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    let values = d.num_array(c, "values")?;
    let weights = match get(d.table, "weights") {
        Some(_) => d.num_array(c, "weights")?,
        None => vec![1.0; values.len()],
    };
    if values.is_empty() {
        return d.fail(c, "values", "needs at least one value");
    }
    if weights.len() != values.len() {
        return d.fail(
            c,
            "weights",
            format!(
                "needs one weight per value ({} values, {} weights)",
                values.len(),
                weights.len()
            ),
        );
    }
    if weights.iter().any(|w| *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
        return d.fail(
            c,
            "weights",
            "weights must be 0 or more and add up to a positive number",
        );
    }
    Dist::discrete(values, weights)
}

/// The `{ low, high }` shorthand: a lognormal 90% sure to lie between them.
fn low_high(c: &mut Ctx<'_>, d: &Table<'_, '_>) -> Option<Dist> {
    c.check_keys(
        d.table,
        d.path,
        keys::LOW_HIGH,
        "the { low, high } shorthand",
    );
    let (low, high) = (d.num(c, "low"), d.num(c, "high"));
    let (low, high) = (low?, high?);
    if low <= 0.0 {
        c.err(
            d.span.clone(),
            &join(d.path, "low"),
            format!(
                "must be above 0 (the shorthand is a lognormal), got {}",
                fmt_num(low)
            ),
        );
        return None;
    }
    if high <= low {
        c.err(
            d.span.clone(),
            &join(d.path, "high"),
            format!(
                "must be greater than low ({}), got {}",
                fmt_num(low),
                fmt_num(high)
            ),
        );
        return None;
    }
    Dist::low_high(low, high)
}

/// Whether `d` draws finite values inside its support and has a finite
/// mean and median: checked on quantiles across the range and on draws from
/// a fixed stream, so the check is the same on every run.
fn samples_cleanly(d: &Dist) -> bool {
    let (lo, hi) = d.support();
    let inside = |x: f64| x.is_finite() && x >= lo && x <= hi;
    let mut rng = crate::rng::stream(0, 0, crate::rng::name_hash("scenario#dist-check"), 0);
    d.mean().is_finite()
        && [1e-9, 0.01, 0.5, 0.99, 1.0 - 1e-9]
            .into_iter()
            .all(|u| inside(d.quantile(u)))
        && (0..64).all(|_| inside(d.sample(&mut rng)))
}

impl Ctx<'_> {
    /// Parses a distribution (or a plain number) and checks that every
    /// value it can take lies in `domain`.
    pub(super) fn dist(&mut self, v: &Val<'_>, path: &str, domain: Domain) -> Option<Dist> {
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
        };
        if self.diags.len() > before {
            return None;
        }
        // A family whose parameters passed every check can still fail to be
        // built (a variance that overflows, weights whose sum is infinite)
        // or build something that cannot be drawn: refuse it rather than
        // let the input silently become a fixed 0.
        let Some(d) = d.filter(samples_cleanly) else {
            self.err(
                v.span(),
                path,
                "these parameters are beyond what can be drawn exactly (a value or a variance overflows, or the distribution degenerates); use parameters of a realistic size",
            );
            return None;
        };
        let (lo, hi) = d.support();
        if domain.admits(lo, hi) && hi > domain.hi {
            // Unbounded above: cap the draws at the top of the range.
            return Some(Dist::Capped(Box::new(d), domain.hi));
        }
        if !domain.admits(lo, hi) {
            self.err(v.span(), path, outside_domain(&d, domain));
            return None;
        }
        Some(d)
    }

    /// A distribution table: the shorthand or a family's parameters.
    fn dist_table(&mut self, t: &DeTable<'_>, span: Range<usize>, path: &str) -> Option<Dist> {
        let mut d = Table {
            table: t,
            span,
            path,
            what: "{ low, high }",
        };
        let Some(kind_v) = get(t, "dist") else {
            if get(t, "low").is_some() || get(t, "high").is_some() {
                return low_high(self, &d);
            }
            self.err(
                d.span,
                path,
                format!("expected {DIST_HELP}; this table has no `dist` key"),
            );
            return None;
        };
        let dpath = join(path, "dist");
        let name = self.string(kind_v, &dpath, "the name of a distribution")?;
        let names: Vec<&str> = FAMILIES.iter().map(|(n, _)| *n).collect();
        let Some((name, read)) = FAMILIES.iter().find(|(n, _)| *n == name) else {
            let hint = suggestion(name, &names)
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default();
            self.err(
                kind_v.span(),
                &dpath,
                format!(
                    "unknown distribution \"{name}\"; {hint}valid: {}",
                    list(&names)
                ),
            );
            return None;
        };
        let section = format!("dist.{name}");
        self.check_keys(t, path, &section, &format!("a {name} distribution"));
        d.what = name;
        read(self, &d)
    }
}

/// Why a distribution does not fit `domain`, and how to fix it.
fn outside_domain(d: &Dist, domain: Domain) -> String {
    let (lo, hi) = d.support();
    let what = if d.is_fixed() {
        format!("got {}", fmt_num(lo))
    } else {
        let end = |x: f64, inf: &str| {
            if x.is_infinite() {
                inf.to_string()
            } else {
                fmt_num(x)
            }
        };
        format!(
            "this distribution can take values from {} to {}",
            end(lo, "minus infinity"),
            end(hi, "infinity")
        )
    };
    let fix = if d.is_fixed() {
        String::new()
    } else if lo < domain.lo {
        format!(" (give the normal `min = {}`)", fmt_num(domain.lo))
    } else {
        " (use a beta, triangular, pert, uniform or discrete distribution within bounds)"
            .to_string()
    };
    format!("must be {}; {what}{fix}", domain.what)
}
