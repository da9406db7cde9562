//! Parsing and validation of scenario files: the driver.
//!
//! The file is parsed by `toml` into a tree that keeps the byte span of every
//! key and value. A hand-written walker then checks it against the format
//! described by the key table ([`super::keys`]), the commented starter
//! scenario (`src/scenario/starter.toml`) and `docs/MODEL.md`: unknown keys,
//! wrong types, invalid distribution parameters, references between
//! engagements and strategies. It records every problem (with its span and
//! key path) and goes on, so a user sees all the problems of a file at once
//! rather than one per run; a serde derive would stop at the first. Only a
//! file with no problem becomes a [`Scenario`].
//!
//! This module reads the sections in order; the typed readers are in
//! `values`, distributions in `dist_spec`, engagements and strategies in
//! their own modules. Problems are reported sorted by where they are in the
//! file (those at the same place in the order they were found).

use std::ops::Range;

use toml::de::DeTable;

use super::correlations::correlations;
use super::diag::control_character;
use super::diag::{Diag, LineIndex, ScenarioError};
use super::engagements::engagements;
use super::keys::{self, Key, Value};
use super::strategies::strategies;
use super::values::{Ctx, Got, Val, get, join};
use super::{InputId, Scenario, Simulation, WorldInputs};
use crate::dist::Dist;

/// Parses and validates a scenario; `file` names it in error messages.
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    parse_scenario_with_fixed(text, file, &[])
}

/// [`parse_scenario`] for a scenario in which a run (a sweep's `--set`) has
/// replaced the values of the `fixed` keys (paths such as
/// `engagements.freelancer.hourly_rate`) with numbers: a correlation naming
/// a draw fixed that way is left out, and listed in
/// [`Scenario::correlations`]' `left_out`, rather than refused.
pub fn parse_scenario_with_fixed(
    text: &str,
    file: &str,
    fixed: &[String],
) -> Result<Scenario, ScenarioError> {
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
    let scenario = build(&mut c, root.get_ref(), file, fixed);
    if c.diags.is_empty()
        && let Some(s) = scenario
    {
        return Ok(s);
    }
    Err(finish(c.diags))
}

/// The whole scenario, section by section.
fn build(c: &mut Ctx<'_>, root: &DeTable<'_>, file: &str, fixed: &[String]) -> Option<Scenario> {
    c.check_keys(root, "", keys::TOP, "the top level of a scenario");
    let name = top_text(c, root, "name").unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".to_string())
    });
    let description = top_text(c, root, "description").unwrap_or_default();
    // The sections with fixed keys, in table order: [simulation], then the
    // world every strategy shares.
    let mut got = Got::default();
    for path in keys::fixed_sections() {
        let s = section(c, root, path);
        read_section(c, &s, &mut got);
    }
    let world = world_inputs(&mut got);
    let engagements = engagements(c, root);
    let strategies = strategies(c, root, &engagements);
    let correlations = correlations(c, root, &engagements, fixed);
    for g in &correlations.groups {
        for id in &g.inputs {
            c.inputs[*id].copula = true;
        }
    }
    Some(Scenario {
        name,
        description,
        simulation: Simulation {
            horizon_months: got.integer("horizon_months")? as u32,
            trials: got.integer("trials")?,
            seed: got.integer("seed")?,
        },
        include_business_impact: got.boolean("include_business_impact")?,
        inputs: std::mem::take(&mut c.inputs),
        correlations,
        world,
        engagements: engagements.into_iter().map(|(_, e)| e).collect(),
        strategies: strategies?,
    })
}

/// A top-level string (`name`, `description`), if given and valid.
fn top_text(c: &mut Ctx<'_>, root: &DeTable<'_>, key: &str) -> Option<String> {
    let v = get(root, key)?;
    let text = c.text(v, key, keys::expect(keys::TOP, key))?;
    // The name is printed in the terminal; a description may span lines.
    if key == "name"
        && let Some(message) = control_character("scenario name", text)
    {
        c.err(v.span(), key, message);
    }
    Some(text.to_string())
}

/// The world's inputs, taken from what the sections read.
fn world_inputs(got: &mut Got) -> WorldInputs {
    WorldInputs {
        build_effort_months: got.input("build_effort_months"),
        target_launch_month: got.input("target_launch_month"),
        traction_probability: got.input("traction_probability"),
        traction_known_after_months: got.input("traction_known_after_months"),
        maintenance_per_month: got.input("maintenance_per_month"),
        projects_per_month: got.input("projects_per_month"),
        cost_of_delay_per_engineer_month: got.input("cost_of_delay_per_engineer_month"),
        value_at_risk_per_month: got.input("value_at_risk_per_month"),
        cost_of_delay_per_month: got.input("cost_of_delay_per_month"),
        unfinished_cost_per_engineer_month: got.input("unfinished_cost_per_engineer_month"),
        full_context_months: got.input("full_context_months"),
        productivity_at_zero_context: got.input("productivity_at_zero_context"),
        rework_base: got.input("rework_base"),
        rework_at_zero_context: got.input("rework_at_zero_context"),
        events_per_month: got.input("events_per_month"),
        decay_per_engineer_month_unmaintained: got.input("decay_per_engineer_month_unmaintained"),
        remediation_months_per_severity: got.input("remediation_months_per_severity"),
        detected_per_month_monitored: got.input("detected_per_month_monitored"),
        detected_per_month_unmonitored: got.input("detected_per_month_unmonitored"),
        act_when_degraded_above: got.input("act_when_degraded_above"),
        project_size_months: got.event("project_size_months"),
        severity: got.event("severity"),
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

/// The top-level section `path`, its keys checked against the key table.
fn section<'t, 'i>(c: &mut Ctx<'_>, root: &'t DeTable<'i>, path: &'static str) -> Section<'t, 'i> {
    let v = get(root, path);
    let table = v.and_then(|v| c.table(v, path));
    if let Some(t) = table {
        c.check_keys(t, path, path, &format!("[{path}]"));
    }
    Section {
        path,
        table,
        span: v.map(|v| v.span()).unwrap_or(0..0),
    }
}

/// Reads every value of a section that the key table describes, in table
/// order: per-trial inputs (sampled from the stream named by their key
/// path), per-event distributions, whole numbers and booleans.
fn read_section(c: &mut Ctx<'_>, s: &Section<'_, '_>, got: &mut Got) {
    for key in keys::of(s.path) {
        let path = join(s.path, key.name);
        let v = s.value(key.name);
        match key.value {
            Value::Input(domain) => {
                let dist = match v {
                    Some(v) => c.dist(v, &path, domain),
                    None => default_or_missing(c, s, key).map(Dist::fixed),
                };
                let id = push_world_input(c, path, dist, v);
                got.add_input(key.name, id);
            }
            Value::PerEvent(domain) => {
                let default = Dist::fixed(key.default.number().unwrap_or(0.0));
                let dist = v.and_then(|v| c.dist(v, &path, domain));
                got.add_event(key.name, dist.unwrap_or(default));
            }
            Value::Integer { .. } => {
                let n = match v {
                    Some(v) => c.integer_of(v, &path, key),
                    None => key.default.integer(),
                };
                got.add_integer(key.name, n);
            }
            Value::Bool => {
                let b = match v {
                    Some(v) => c.boolean(v, &path),
                    None => key.default.boolean(),
                };
                got.add_boolean(key.name, b);
            }
            _ => {}
        }
    }
}

/// The default of an absent number, or `None` after reporting it missing.
fn default_or_missing(c: &mut Ctx<'_>, s: &Section<'_, '_>, key: &Key) -> Option<f64> {
    let default = key.default.number();
    if default.is_none() {
        c.err(
            s.span.clone(),
            &join(s.path, key.name),
            format!(
                "`{}` is required in [{}]; for example {} = {}",
                key.name, s.path, key.name, key.example
            ),
        );
    }
    default
}

/// Registers a world input, drawn from the stream named by its key path.
fn push_world_input(
    c: &mut Ctx<'_>,
    path: String,
    dist: Option<Dist>,
    v: Option<&Val<'_>>,
) -> InputId {
    let stream = path.clone();
    c.push_input(
        path,
        dist.unwrap_or(Dist::fixed(0.0)),
        &stream,
        v.map(|v| v.span()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::STARTER_SCENARIO;
    use crate::scenario::keys::{DefaultValue, KEYS};

    /// The problems of `text` as (path, message).
    fn problems(text: &str) -> Vec<(String, String)> {
        match parse_scenario(text, "t.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e.diags.into_iter().map(|d| (d.path, d.message)).collect(),
        }
    }

    /// The starter scenario with the line setting `key` in the table that
    /// starts at `header` removed.
    fn without(header: &str, key: &str) -> String {
        let at = STARTER_SCENARIO.find(header).expect("the header");
        let (head, tail) = STARTER_SCENARIO.split_at(at);
        let line = tail
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .expect("the key's line");
        format!("{head}{}", tail.replacen(&format!("{line}\n"), "", 1))
    }

    /// The starter with `maintenance_per_month` set to `dist`.
    fn with_dist(dist: &str) -> String {
        let line = STARTER_SCENARIO
            .lines()
            .find(|l| l.starts_with("maintenance_per_month"))
            .expect("the line");
        STARTER_SCENARIO.replacen(line, &format!("maintenance_per_month = {dist}"), 1)
    }

    /// Today's message for a missing required key, and a file missing it.
    fn missing(section: &str, name: &str, example: &str) -> (String, String, String) {
        let dist = |family: &str, what: &str| {
            let table = match family {
                "{ low, high }" => "{ low = 1, high = 2 }".to_string(),
                _ => format!("{{ dist = \"{family}\", values = [1] }}"),
            };
            let table = table
                .replace(&format!("{name} = 1, "), "")
                .replace(&format!(", {name} = 2"), "")
                .replace(&format!(", {name} = [1]"), "");
            (
                with_dist(&table),
                "project.maintenance_per_month".to_string(),
                format!("a {what} distribution needs `{name}`"),
            )
        };
        let (text, path, message) = match section {
            keys::FREELANCE => (
                without("[engagements.freelancer]", name),
                format!("engagements.freelancer.{name}"),
                format!("`{name}` is required for a freelance engagement; for example {name} = {example}"),
            ),
            keys::EMPLOYEE => (
                without("[engagements.engineer]", name),
                format!("engagements.engineer.{name}"),
                format!("`{name}` is required for an employee engagement; for example {name} = {example}"),
            ),
            keys::ENGAGEMENT => (
                without("[engagements.freelancer]", name),
                format!("engagements.freelancer.{name}"),
                "`kind` is required: \"freelance\" (paid by the hour) or \"employee\" (paid a salary), unless the engagement `extends` another".to_string(),
            ),
            keys::TOP => {
                let cut = STARTER_SCENARIO.find(&format!("\n[{name}")).or_else(|| STARTER_SCENARIO.find(&format!("\n[[{name}"))).expect("the section");
                let text = STARTER_SCENARIO[..cut].to_string();
                let message = if name == "engagements" {
                    "the scenario defines no engagements; add at least one [engagements.NAME] table with kind = \"freelance\" or \"employee\""
                } else {
                    "the scenario defines no strategies; add at least one [[strategies]] with a name and phases = [{ engagement = \"...\" }]"
                };
                (text, name.to_string(), message.to_string())
            }
            keys::STRATEGY => (
                STARTER_SCENARIO.replacen(if name == "name" { "name = \"Freelance\"\n" } else { "phases = [{ engagement = \"freelancer\" }]\n" }, "", 1),
                format!("strategies[0].{name}"),
                if name == "name" { "every strategy needs a `name`" } else { "every strategy needs `phases`, e.g. phases = [{ engagement = \"freelancer\" }]" }.to_string(),
            ),
            keys::PHASE => (
                STARTER_SCENARIO.replacen("{ engagement = \"freelancer\" }", "{}", 1),
                "strategies[0].phases[0].engagement".to_string(),
                "every phase needs an `engagement`".to_string(),
            ),
            keys::UNTIL => (
                STARTER_SCENARIO.replacen("until = \"traction\"", "until = {}", 1),
                "strategies[3].phases[0].until".to_string(),
                "expected \"launch\", \"traction\" or { month = N } with N a whole number of at least 1".to_string(),
            ),
            keys::CORRELATION => {
                let n = STARTER_SCENARIO
                    .lines()
                    .filter(|l| l.starts_with("[[correlations]]"))
                    .count();
                let entry = if name == "inputs" {
                    "rank = 0.6"
                } else {
                    "inputs = [\"business.value_at_risk_per_month\", \"business.cost_of_delay_per_month\"]"
                };
                let message = if name == "inputs" {
                    "every correlation needs `inputs`, the key paths of two per-trial inputs, e.g. inputs = [\"business.value_at_risk_per_month\", \"business.cost_of_delay_per_month\"]"
                } else {
                    "every correlation needs a `rank`, the target Spearman rank correlation of its two inputs, strictly between -1 and 1, e.g. rank = 0.6"
                };
                (
                    format!("{STARTER_SCENARIO}\n[[correlations]]\n{entry}\n"),
                    format!("correlations[{n}].{name}"),
                    message.to_string(),
                )
            }
            keys::LOW_HIGH => dist("{ low, high }", "{ low, high }"),
            s if s.starts_with("dist.") && name == "dist" => (
                with_dist("{ min = 1 }"),
                "project.maintenance_per_month".to_string(),
                "expected a number, or a distribution such as { dist = \"triangular\", min = 1, mode = 2, max = 4 }, { dist = \"lognormal\", median = 4, p90 = 8 } or { low = 2, high = 8 }; this table has no `dist` key".to_string(),
            ),
            s if s.starts_with("dist.") => dist(&s[5..], &s[5..]),
            s => (
                without(&format!("[{s}]"), name),
                format!("{s}.{name}"),
                format!("`{name}` is required in [{s}]; for example {name} = {example}"),
            ),
        };
        (text, path, message)
    }

    #[test]
    fn every_required_key_without_default_is_reported_missing() {
        let required = KEYS
            .iter()
            .filter(|k| k.required && k.default == DefaultValue::None);
        let mut n = 0;
        for k in required {
            let (text, path, message) = missing(k.section, k.name, k.example);
            let got = problems(&text);
            assert!(
                got.contains(&(path.clone(), message.clone())),
                "{}.{}: expected {path}: {message}, got {got:?}",
                k.section,
                k.name
            );
            n += 1;
        }
        assert!(n > 30, "{n} required keys");
    }

    #[test]
    fn world_keys_missing_are_reported_word_for_word() {
        let got = problems(&without("[knowledge]", "productivity_at_zero_context"));
        assert_eq!(
            got,
            [(
                "knowledge.productivity_at_zero_context".to_string(),
                "`productivity_at_zero_context` is required in [knowledge]; for example productivity_at_zero_context = 0.3".to_string()
            )]
        );
    }

    #[test]
    fn defaults_come_from_the_key_table() {
        let text = without("[engagements.freelancer]", "max_hours_per_month");
        let sc = parse_scenario(&text, "t.toml").expect("valid");
        let input = sc
            .inputs
            .iter()
            .find(|i| i.key == "engagements.freelancer.max_hours_per_month")
            .expect("the input");
        assert_eq!(
            input.dist.fixed_value(),
            Some(crate::scenario::HOURS_PER_MONTH)
        );
        assert_eq!(input.source, "160 (default)");
    }
}
