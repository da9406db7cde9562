//! The table of scenario keys: every key a scenario file may hold, once.
//!
//! Before this table a key was written in three places (the list of known
//! keys, the call that read it, the struct field that stores it) and they
//! could drift apart. Now [`KEYS`] is the one place a key is declared: the
//! parser takes from it the keys each section accepts (and so the "did you
//! mean" suggestions), which keys are per-trial inputs or per-event
//! distributions and in which order they are read, their domain, default,
//! whether they are required and the example shown when they are missing.
//! A key added here is accepted, read and defaulted without other changes,
//! aside from the struct field that stores it. The table is also meant to be
//! read by tools: the key reference and a JSON Schema can be generated from
//! it.
//!
//! Order matters: within a section, keys are listed (in error messages) and
//! read in table order, and the order of per-trial inputs is the order of
//! [`crate::scenario::Scenario::inputs`], which random streams and results
//! depend on. Append new keys; do not reorder.

use super::HOURS_PER_MONTH;

/// Largest horizon accepted, in months (100 years).
pub const LIMIT_HORIZON: u64 = 1200;
/// Largest number of trials accepted.
pub const LIMIT_TRIALS: u64 = 50_000_000;
/// Largest number of strategies accepted.
pub const LIMIT_STRATEGIES: usize = 64;

/// What values an input may take: a range, and whether draws of an
/// unbounded distribution (lognormal, gamma, normal without `max`) may be
/// capped at its top (`clamp`) rather than refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    /// Lowest value.
    pub lo: f64,
    /// Whether `lo` itself is excluded.
    pub lo_open: bool,
    /// Highest value.
    pub hi: f64,
    /// Whether an unbounded distribution is capped at `hi` rather than refused.
    pub clamp: bool,
    /// The range in words, as error messages say it.
    pub what: &'static str,
    /// The unit of its values, as reports show it (`$/month`,
    /// `engineer-months`, `probability`); each key states its own with
    /// [`Domain::with_unit`].
    pub unit: &'static str,
}

impl Domain {
    /// The same range, in `unit`.
    pub const fn with_unit(self, unit: &'static str) -> Domain {
        Domain { unit, ..self }
    }

    /// Whether every value from `lo` to `hi` is allowed (an infinite `hi`
    /// is allowed where draws are capped).
    pub fn admits(self, lo: f64, hi: f64) -> bool {
        let lo_ok = if self.lo_open {
            lo > self.lo
        } else {
            lo >= self.lo
        };
        lo_ok && (hi <= self.hi || (self.clamp && hi.is_infinite()))
    }

    /// Whether the single value `x` is allowed.
    pub fn contains(self, x: f64) -> bool {
        x.is_finite() && self.admits(x, x)
    }
}

/// Amounts of money (salaries, fees, values per month).
pub const MONEY: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e10,
    clamp: true,
    what: "an amount of money from 0 to 10000000000",
    unit: "",
};
/// An hourly rate.
pub const HOURLY: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e7,
    clamp: true,
    what: "an hourly rate from 0 to 10000000",
    unit: "",
};
/// Months or engineer-months.
pub const MONTHS: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1e4,
    clamp: true,
    what: "a number of months (or engineer-months) from 0 to 10000",
    unit: "",
};
/// A mean number of events per month.
pub const PER_MONTH: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 100.0,
    clamp: true,
    what: "a mean number per month from 0 to 100",
    unit: "",
};
/// A factor or a fraction that may exceed 1 (overhead, fees, multipliers).
pub const FACTOR: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 100.0,
    clamp: true,
    what: "a factor from 0 to 100",
    unit: "",
};
/// Hours in a month.
pub const HOURS: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 744.0,
    clamp: true,
    what: "a number of hours per month from 0 to 744",
    unit: "",
};
/// A probability or fraction.
pub const UNIT: Domain = Domain {
    lo: 0.0,
    lo_open: false,
    hi: 1.0,
    clamp: false,
    what: "a probability or fraction between 0 and 1",
    unit: "",
};
/// A share of paid time that is available for work.
pub const AVAILABILITY: Domain = Domain {
    lo: 0.0,
    lo_open: true,
    hi: 1.0,
    clamp: false,
    what: "a fraction above 0 and at most 1",
    unit: "",
};
/// Productivity with no context.
pub const PRODUCTIVITY: Domain = Domain {
    lo: 0.001,
    lo_open: false,
    hi: 1.0,
    clamp: false,
    what: "a fraction from 0.001 to 1",
    unit: "",
};

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number or a distribution, drawn once per trial: an entry of
    /// [`crate::scenario::Scenario::inputs`].
    Input(Domain),
    /// A number or a distribution, drawn afresh for each event (each
    /// project, drift event or search).
    PerEvent(Domain),
    /// A number inside a distribution table (or a correlation's rank).
    Number,
    /// An array of numbers (a discrete distribution's values or weights).
    Numbers,
    /// An array of per-trial inputs' key paths (a correlation's pair).
    Inputs,
    /// A whole number from `min` to `max`.
    Integer {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
    },
    /// `true` or `false`.
    Bool,
    /// A string; `help` says what it is in type errors ("expected {help}").
    Text {
        /// What the string is, for type errors.
        help: &'static str,
    },
    /// A table of keys: a section.
    Table,
    /// A table of tables named by the user (`[engagements.NAME]`).
    Named,
    /// An array of tables (`[[strategies]]`, `phases`).
    Tables,
    /// An array of kinds of work: "remediation", "build", "maintenance",
    /// "roadmap".
    Scope,
    /// When a phase ends: "launch", "traction" or `{ month = N }`.
    Until,
}

/// The value a key takes when the file does not give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// No default: the key is required, or absent means "not set".
    None,
    /// A number (a fixed distribution for inputs).
    Number(f64),
    /// A whole number.
    Integer(u64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Text(&'static str),
    /// Worked out from other values, as described.
    Derived(&'static str),
}

impl DefaultValue {
    /// The default as a number, if it is one.
    pub fn number(self) -> Option<f64> {
        match self {
            DefaultValue::Number(x) => Some(x),
            _ => None,
        }
    }

    /// The default as a whole number, if it is one.
    pub fn integer(self) -> Option<u64> {
        match self {
            DefaultValue::Integer(n) => Some(n),
            _ => None,
        }
    }

    /// The default as a boolean, if it is one.
    pub fn boolean(self) -> Option<bool> {
        match self {
            DefaultValue::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// One key of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    /// Where it lives: `""` for the top level, a section name such as
    /// `simulation` or `drift`, [`ENGAGEMENT`], [`FREELANCE`], [`EMPLOYEE`],
    /// [`STRATEGY`], [`PHASE`], [`UNTIL`], or `dist.FAMILY` for the keys of
    /// a distribution table ([`LOW_HIGH`] for the `{ low, high }` shorthand).
    pub section: &'static str,
    /// The key itself.
    pub name: &'static str,
    /// What it holds (and, for numbers, their domain).
    pub value: Value,
    /// Its value when absent.
    pub default: DefaultValue,
    /// Whether a file must give it.
    pub required: bool,
    /// An example value, as TOML.
    pub example: &'static str,
    /// What it means, in one line.
    pub doc: &'static str,
}

/// The top level of a scenario.
pub const TOP: &str = "";
/// Keys every engagement may set, whatever its kind.
pub const ENGAGEMENT: &str = "engagements.*";
/// Keys of freelance engagements.
pub const FREELANCE: &str = "engagements.freelance";
/// Keys of employee engagements.
pub const EMPLOYEE: &str = "engagements.employee";
/// Keys of one `[[strategies]]` table.
pub const STRATEGY: &str = "strategies[]";
/// Keys of one phase of a strategy.
pub const PHASE: &str = "strategies[].phases[]";
/// Keys of an `until = { ... }` condition.
pub const UNTIL: &str = "strategies[].phases[].until";
/// The events an `until` may name as a string ("launch", "traction"); the
/// other form is `{ month = N }` (section [`UNTIL`]).
pub const UNTIL_EVENTS: [&str; 2] = ["launch", "traction"];
/// Keys of the `{ low, high }` shorthand for a lognormal.
pub const LOW_HIGH: &str = "dist.{ low, high }";
/// Keys of one `[[correlations]]` table.
pub const CORRELATION: &str = "correlations[]";

/// A key with a default (or none) that a file may leave out.
const fn opt(
    section: &'static str,
    name: &'static str,
    value: Value,
    default: DefaultValue,
    example: &'static str,
    doc: &'static str,
) -> Key {
    Key {
        section,
        name,
        value,
        default,
        required: false,
        example,
        doc,
    }
}

/// A key a file must give.
const fn req(
    section: &'static str,
    name: &'static str,
    value: Value,
    example: &'static str,
    doc: &'static str,
) -> Key {
    Key {
        section,
        name,
        value,
        default: DefaultValue::None,
        required: true,
        example,
        doc,
    }
}

/// An optional per-trial input that defaults to 0.
const fn zero(
    section: &'static str,
    name: &'static str,
    domain: Domain,
    example: &'static str,
    doc: &'static str,
) -> Key {
    opt(
        section,
        name,
        Value::Input(domain),
        DefaultValue::Number(0.0),
        example,
        doc,
    )
}

/// A number in a distribution table.
const fn num(section: &'static str, name: &'static str, required: bool, doc: &'static str) -> Key {
    Key {
        section,
        name,
        value: Value::Number,
        default: DefaultValue::None,
        required,
        example: "1",
        doc,
    }
}

/// The `dist` key of a distribution table.
const fn dist(section: &'static str, example: &'static str) -> Key {
    req(
        section,
        "dist",
        Value::Text {
            help: "the name of a distribution",
        },
        example,
        "The distribution's family.",
    )
}

/// A key an earlier version of the model accepted and this one refuses:
/// its section, its name, and what replaced it (how to convert).
pub struct RetiredKey {
    /// The section that held it.
    pub section: &'static str,
    /// Its name.
    pub name: &'static str,
    /// What replaced it, and how to convert.
    pub instead: &'static str,
}

/// Keys of earlier model versions, refused with a message that says what to
/// write instead (a scenario error, not an unknown key).
pub static RETIRED: &[RetiredKey] = &[RetiredKey {
    section: "drift",
    name: "decay_per_month_unmaintained",
    instead: "model v5 charges decay per engineer-month of maintenance left undone: write \
              `decay_per_engineer_month_unmaintained` instead, with the old value divided by \
              `project.maintenance_per_month` (for example 0.02 with 0.2 engineer-months of \
              maintenance a month becomes 0.1)",
}];

/// What replaced `name` in `section`, if it is a retired key.
pub fn retired(section: &str, name: &str) -> Option<&'static RetiredKey> {
    RETIRED
        .iter()
        .find(|r| r.section == section && r.name == name)
}

use DefaultValue as D;
use Value as V;

/// Every key of a scenario file, by section, in reading order.
///
/// Not formatted by rustfmt: one line per key reads as a table.
#[rustfmt::skip]
pub static KEYS: &[Key] = &[
    // The top level.
    opt(TOP, "name", V::Text { help: "the scenario's name as a string" }, D::Derived("the file name without its extension"), "\"My AI feature\"", "The scenario's name, shown in reports."),
    opt(TOP, "description", V::Text { help: "a description as a string" }, D::Text(""), "\"What is being built, for whom, and over what period.\"", "What the scenario is about."),
    opt(TOP, "simulation", V::Table, D::Derived("every key at its default"), "{ horizon_months = 36 }", "Run settings."),
    opt(TOP, "project", V::Table, D::None, "{ build_effort_months = 4 }", "The system to build and run."),
    opt(TOP, "roadmap", V::Table, D::Derived("no roadmap projects"), "{ projects_per_month = 0.3 }", "Improvement projects after launch."),
    opt(TOP, "business", V::Table, D::Derived("no business impact"), "{ cost_of_delay_per_month = 20000 }", "What delay and degradation cost."),
    opt(TOP, "knowledge", V::Table, D::None, "{ full_context_months = 3 }", "How context is gained and what its lack costs."),
    opt(TOP, "drift", V::Table, D::Derived("no drift"), "{ events_per_month = 0.1 }", "How the system degrades once live."),
    req(TOP, "engagements", V::Named, "{ freelancer = { kind = \"freelance\", hourly_rate = 120 } }", "Ways to staff the work, by name."),
    req(TOP, "strategies", V::Tables, "[{ name = \"Freelance\", phases = [{ engagement = \"freelancer\" }] }]", "Hiring strategies to compare, in order."),
    opt(TOP, "correlations", V::Tables, D::Derived("none: every input is drawn independently"), "[{ inputs = [\"business.value_at_risk_per_month\", \"business.cost_of_delay_per_month\"], rank = 0.6 }]", "Pairs of per-trial inputs drawn with a target rank correlation."),
    // [simulation]
    opt("simulation", "horizon_months", V::Integer { min: 1, max: LIMIT_HORIZON }, D::Integer(36), "36", "Months simulated."),
    opt("simulation", "trials", V::Integer { min: 1, max: LIMIT_TRIALS }, D::Integer(10_000), "10000", "Monte Carlo trials; more gives tighter estimates."),
    opt("simulation", "seed", V::Integer { min: 0, max: i64::MAX as u64 }, D::Integer(1), "1", "Seed of the random streams: same seed, same results."),
    // [project]
    req("project", "build_effort_months", V::Input(MONTHS.with_unit("engineer-months")), "{ dist = \"lognormal\", median = 4, p90 = 8 }", "Effort to build the system, in engineer-months."),
    opt("project", "target_launch_month", V::Input(MONTHS.with_unit("month number (months start at 0)")), D::Number(0.0), "6", "Month the launch is planned for; delay is costed from here."),
    req("project", "traction_probability", V::Input(UNIT.with_unit("probability")), "{ dist = \"beta\", alpha = 7, beta = 3 }", "Chance the feature earns its keep."),
    req("project", "traction_known_after_months", V::Input(MONTHS.with_unit("months")), "3", "Months live before traction is known."),
    zero("project", "maintenance_per_month", MONTHS.with_unit("engineer-months per month"), "{ dist = \"triangular\", min = 0.10, mode = 0.20, max = 0.40 }", "Upkeep once live, in engineer-months per month."),
    // [roadmap]
    zero("roadmap", "projects_per_month", PER_MONTH.with_unit("projects per month"), "{ dist = \"triangular\", min = 0.1, mode = 0.3, max = 0.6 }", "Mean improvement projects arriving per month after launch (Poisson)."),
    opt("roadmap", "project_size_months", V::PerEvent(MONTHS.with_unit("engineer-months per project")), D::Number(0.0), "{ dist = \"lognormal\", median = 1.0, p90 = 3.0 }", "Effort of each roadmap project, in engineer-months (drawn per project)."),
    zero("roadmap", "cost_of_delay_per_engineer_month", MONEY.with_unit("$ per month per engineer-month waiting"), "{ dist = \"lognormal\", median = 2500, p90 = 7500 }", "Value forgone each live month per engineer-month of roadmap work waiting in the backlog."),
    // [business]
    opt("business", "include_business_impact", V::Bool, D::Bool(true), "true", "Whether lost value and delay count in the total cost (false: reported, not added)."),
    zero("business", "value_at_risk_per_month", MONEY.with_unit("$/month"), "{ dist = \"lognormal\", median = 30000, p90 = 80000 }", "Value lost per month at 100% degradation."),
    zero("business", "cost_of_delay_per_month", MONEY.with_unit("$/month"), "{ dist = \"lognormal\", median = 20000, p90 = 60000 }", "Cost of each month the launch is late."),
    zero("business", "unfinished_cost_per_engineer_month", MONEY.with_unit("$ per engineer-month"), "20000", "Cost to finish each engineer-month of work left at the horizon."),
    // [knowledge]
    req("knowledge", "full_context_months", V::Input(MONTHS.with_unit("months")), "{ dist = \"triangular\", min = 1, mode = 3, max = 6 }", "Time a newcomer takes to get the full picture."),
    req("knowledge", "productivity_at_zero_context", V::Input(PRODUCTIVITY.with_unit("share of full speed")), "0.3", "Speed of a newcomer with no context, as a fraction of full speed."),
    zero("knowledge", "rework_base", UNIT.with_unit("share of work"), "{ dist = \"triangular\", min = 0.05, mode = 0.10, max = 0.20 }", "Share of work that is defective even with full context."),
    zero("knowledge", "rework_at_zero_context", UNIT.with_unit("share of work"), "{ dist = \"triangular\", min = 0.10, mode = 0.25, max = 0.40 }", "Extra defective share with no context."),
    // [drift]
    zero("drift", "events_per_month", PER_MONTH.with_unit("events per month"), "{ dist = \"beta\", alpha = 2, beta = 18 }", "Mean sudden drift events per month (Poisson)."),
    opt("drift", "severity", V::PerEvent(UNIT.with_unit("share of quality per event")), D::Number(0.0), "{ dist = \"beta\", alpha = 2, beta = 8 }", "Quality lost per drift event (drawn per event)."),
    zero("drift", "decay_per_engineer_month_unmaintained", FACTOR.with_unit("share of quality per engineer-month undone"), "{ dist = \"triangular\", min = 0.05, mode = 0.10, max = 0.25 }", "Quality lost per engineer-month of maintenance left undone."),
    zero("drift", "remediation_months_per_severity", MONTHS.with_unit("engineer-months per unit of severity"), "{ dist = \"lognormal\", median = 1.25, p90 = 3.75 }", "Repair effort per unit of severity, in engineer-months."),
    zero("drift", "detected_per_month_monitored", UNIT.with_unit("share per month"), "0.9", "Share of hidden degradation found per month with monitoring."),
    zero("drift", "detected_per_month_unmonitored", UNIT.with_unit("share per month"), "0.25", "Share of hidden degradation found per month without monitoring."),
    zero("drift", "act_when_degraded_above", UNIT.with_unit("share of quality"), "0.05", "Detected degradation above which a repair is started."),
    // [engagements.NAME], any kind.
    req(ENGAGEMENT, "kind", V::Text { help: "\"freelance\" or \"employee\"" }, "\"freelance\"", "\"freelance\" (paid by the hour) or \"employee\" (paid a salary); required unless the engagement `extends` another."),
    opt(ENGAGEMENT, "extends", V::Text { help: "the name of another engagement" }, D::None, "\"freelancer\"", "Another engagement whose keys (and draws) this one takes, except those it sets."),
    opt(ENGAGEMENT, "scope", V::Scope, D::Derived("build, roadmap and remediation for a freelance engagement; every kind of work for an employee"), "[\"build\", \"roadmap\", \"remediation\"]", "Kinds of work it does."),
    zero(ENGAGEMENT, "documentation", UNIT.with_unit("share of context kept"), "{ dist = \"triangular\", min = 0.1, mode = 0.3, max = 0.5 }", "Share of context kept when the person leaves."),
    opt(ENGAGEMENT, "monitoring", V::Bool, D::Derived("true when the scope includes maintenance"), "true", "Whether its presence means drift is watched."),
    opt(ENGAGEMENT, "rework_multiplier", V::Input(FACTOR.with_unit("factor")), D::Number(1.0), "{ dist = \"triangular\", min = 0.9, mode = 1.2, max = 1.6 }", "Factor on the share of defective work."),
    // Freelance engagements.
    req(FREELANCE, "hourly_rate", V::Input(HOURLY.with_unit("$/hour")), "{ dist = \"lognormal\", median = 120, p90 = 200 }", "Hourly rate."),
    opt(FREELANCE, "max_hours_per_month", V::Input(HOURS.with_unit("hours per month")), D::Number(HOURS_PER_MONTH), "142", "Most hours billed in one month (an average month's, leave taken)."),
    zero(FREELANCE, "platform_fee", FACTOR.with_unit("share of billings"), "{ dist = \"triangular\", min = 0.03, mode = 0.05, max = 0.10 }", "Share added to billings by the platform."),
    zero(FREELANCE, "engagement_fee", MONEY.with_unit("$ per engagement"), "0", "Fee paid per engagement."),
    opt(FREELANCE, "time_to_engage_months", V::PerEvent(MONTHS.with_unit("months")), D::Number(0.0), "{ dist = \"lognormal\", median = 0.33, p90 = 1.0 }", "Time from the start of a search to the first day (drawn per search)."),
    zero(FREELANCE, "exit_per_month", UNIT.with_unit("probability per month"), "0.04", "Chance of leaving in any month of an engagement."),
    zero(FREELANCE, "returns_for_follow_up", UNIT.with_unit("probability"), "{ dist = \"beta\", alpha = 6, beta = 4 }", "Chance the last freelancer comes back for the next task."),
    zero(FREELANCE, "retainer_hours_per_month", HOURS.with_unit("hours per month"), "32", "Hours paid every live month, used or not."),
    // Employee engagements.
    req(EMPLOYEE, "annual_salary", V::Input(MONEY.with_unit("$/year")), "{ dist = \"lognormal\", median = 150000, p90 = 215000 }", "Salary per year."),
    zero(EMPLOYEE, "overhead", FACTOR.with_unit("share of salary"), "{ dist = \"triangular\", min = 0.22, mode = 0.29, max = 0.38 }", "Benefits and payroll taxes, as a share of salary."),
    zero(EMPLOYEE, "tools_per_year", MONEY.with_unit("$/year"), "{ dist = \"triangular\", min = 4000, mode = 8000, max = 15000 }", "Tools and equipment per year."),
    zero(EMPLOYEE, "recruiting_fee", FACTOR.with_unit("share of salary"), "{ dist = \"triangular\", min = 0.15, mode = 0.20, max = 0.30 }", "Recruiter's fee as a share of salary; 0 if hiring directly."),
    zero(EMPLOYEE, "internal_hiring_cost", MONEY.with_unit("$ per hire"), "{ dist = \"lognormal\", median = 9000, p90 = 25000 }", "Internal cost of each hire."),
    opt(EMPLOYEE, "time_to_hire_months", V::PerEvent(MONTHS.with_unit("months")), D::Number(0.0), "{ dist = \"lognormal\", median = 2.5, p90 = 5.0 }", "Time from the start of a search to the new hire's first day (drawn per search)."),
    zero(EMPLOYEE, "attrition_per_year", UNIT.with_unit("probability per year"), "{ dist = \"beta\", alpha = 6.5, beta = 43.5 }", "Chance of leaving in a year."),
    zero(EMPLOYEE, "notice_months", MONTHS.with_unit("months"), "0.5", "Notice period, in months."),
    zero(EMPLOYEE, "severance_months", MONTHS.with_unit("months of salary"), "1", "Salary paid if the product is retired for lack of traction, in months."),
    opt(EMPLOYEE, "availability", V::Input(AVAILABILITY.with_unit("share of paid time")), D::Number(1.0), "{ dist = \"triangular\", min = 0.85, mode = 0.89, max = 0.92 }", "Share of paid time available for the project (leave, holidays and company time taken out)."),
    // [[strategies]]
    req(STRATEGY, "name", V::Text { help: "the strategy's name as a string" }, "\"Freelance, then hire\"", "The strategy's name, unique in the scenario."),
    opt(STRATEGY, "description", V::Text { help: "a description as a string" }, D::Text(""), "\"Start freelance, hire once traction is known.\"", "What the strategy is."),
    req(STRATEGY, "phases", V::Tables, "[{ engagement = \"freelancer\", until = \"traction\" }, { engagement = \"engineer\" }]", "Phases in order, each staffed by one engagement."),
    // A phase of a strategy.
    req(PHASE, "engagement", V::Text { help: "the name of an engagement" }, "\"freelancer\"", "The engagement that staffs the phase."),
    opt(PHASE, "until", V::Until, D::None, "\"traction\"", "When the phase ends; required on every phase but the last, refused on the last."),
    // until = { month = N }
    req(UNTIL, "month", V::Integer { min: 1, max: LIMIT_HORIZON }, "12", "The phase ends at the end of month N - 1."),
    // A [[correlations]] entry.
    req(CORRELATION, "inputs", V::Inputs, "[\"business.value_at_risk_per_month\", \"business.cost_of_delay_per_month\"]", "The key paths of two per-trial inputs given as distributions (section.key or engagements.NAME.key)."),
    Key { section: CORRELATION, name: "rank", value: V::Number, default: D::None, required: true, example: "0.6", doc: "Target Spearman rank correlation of the two inputs, strictly between -1 and 1." },
    // Distribution tables, by family.
    dist("dist.uniform", "\"uniform\""),
    num("dist.uniform", "min", true, "Lowest value."),
    num("dist.uniform", "max", true, "Highest value."),
    dist("dist.triangular", "\"triangular\""),
    num("dist.triangular", "min", true, "Lowest value."),
    num("dist.triangular", "mode", true, "Most likely value."),
    num("dist.triangular", "max", true, "Highest value."),
    dist("dist.pert", "\"pert\""),
    num("dist.pert", "min", true, "Lowest value."),
    num("dist.pert", "mode", true, "Most likely value."),
    num("dist.pert", "max", true, "Highest value."),
    dist("dist.normal", "\"normal\""),
    num("dist.normal", "mean", true, "Mean."),
    num("dist.normal", "sd", true, "Standard deviation, above 0."),
    num("dist.normal", "min", false, "Lower truncation (none if absent)."),
    num("dist.normal", "max", false, "Upper truncation (none if absent)."),
    dist("dist.lognormal", "\"lognormal\""),
    num("dist.lognormal", "median", false, "Median (with `p90`; or give `mean` and `sd`)."),
    num("dist.lognormal", "p90", false, "90th percentile, above the median."),
    num("dist.lognormal", "mean", false, "Mean (with `sd`; or give `median` and `p90`)."),
    num("dist.lognormal", "sd", false, "Standard deviation, above 0."),
    dist("dist.beta", "\"beta\""),
    num("dist.beta", "alpha", true, "First shape parameter, above 0 (mean alpha / (alpha + beta))."),
    num("dist.beta", "beta", true, "Second shape parameter, above 0."),
    dist("dist.gamma", "\"gamma\""),
    num("dist.gamma", "shape", true, "Shape, above 0."),
    num("dist.gamma", "scale", true, "Scale, above 0."),
    dist("dist.discrete", "\"discrete\""),
    Key { section: "dist.discrete", name: "values", value: V::Numbers, default: D::None, required: true, example: "[1, 2, 4]", doc: "The values it takes." },
    Key { section: "dist.discrete", name: "weights", value: V::Numbers, default: D::Derived("equal weights"), required: false, example: "[1, 2, 1]", doc: "Relative weight of each value, 0 or more." },
    num(LOW_HIGH, "low", true, "Low end of the 90% interval, above 0."),
    num(LOW_HIGH, "high", true, "High end of the 90% interval, above `low`."),
];

/// The keys of `section`, in table order.
pub fn of(section: &str) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().filter(move |k| k.section == section)
}

/// The names of the keys of `section`, in table order.
pub fn names(section: &str) -> Vec<&'static str> {
    of(section).map(|k| k.name).collect()
}

/// The key `name` of `section`, if the table has it.
pub fn find(section: &str, name: &str) -> Option<&'static Key> {
    of(section).find(|k| k.name == name)
}

/// The key a dotted input path names: `section.key` or
/// `engagements.NAME.key` (an engagement's keys are found in every kind's
/// section).
pub fn of_path(path: &str) -> Option<&'static Key> {
    let (head, name) = path.rsplit_once('.')?;
    if head.starts_with("engagements.") {
        [ENGAGEMENT, FREELANCE, EMPLOYEE]
            .into_iter()
            .find_map(|s| find(s, name))
    } else {
        find(head, name)
    }
}

/// The unit of the values of the input at a dotted path (`$/month`,
/// `engineer-months`, ...), if the path names an input or per-event key.
pub fn unit_of(path: &str) -> Option<&'static str> {
    match of_path(path)?.value {
        Value::Input(d) | Value::PerEvent(d) => Some(d.unit),
        _ => None,
    }
}

/// The key `name` of `section`, for code that reads a key by name.
///
/// # Panics
/// If the table lacks it: a programming error (the code and the table
/// disagree), never something a scenario file can cause; the parser's tests
/// read every such key.
pub(crate) fn expect(section: &str, name: &str) -> &'static Key {
    match find(section, name) {
        Some(k) => k,
        None => panic!("the key table has no `{name}` in `{section}`"),
    }
}

/// The sections holding keys of the file's top-level tables whose keys are
/// fixed (`simulation`, `project`, ...), in table order.
pub fn fixed_sections() -> impl Iterator<Item = &'static str> {
    of(TOP).filter(|k| k.value == Value::Table).map(|k| k.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DEFAULT_SCENARIO, STARTER_SCENARIO};

    #[test]
    fn no_key_is_listed_twice() {
        for (i, a) in KEYS.iter().enumerate() {
            for b in &KEYS[i + 1..] {
                assert!(
                    (a.section, a.name) != (b.section, b.name),
                    "{}.{} is listed twice",
                    a.section,
                    a.name
                );
            }
        }
    }

    #[test]
    fn every_default_lies_in_its_domain_and_has_its_type() {
        for k in KEYS {
            let ok = match (k.value, k.default) {
                (_, D::None) => true,
                (_, D::Derived(how)) => !how.is_empty(),
                (V::Input(d) | V::PerEvent(d), D::Number(x)) => d.contains(x),
                (V::Integer { min, max }, D::Integer(n)) => (min..=max).contains(&n),
                (V::Bool, D::Bool(_)) | (V::Text { .. }, D::Text(_)) => true,
                _ => false,
            };
            assert!(ok, "default of {}.{} does not fit it", k.section, k.name);
            assert!(
                !k.required || k.default == D::None,
                "{}.{} is required yet has a default",
                k.section,
                k.name
            );
            assert!(!k.doc.is_empty() && !k.example.is_empty());
        }
    }

    #[test]
    fn every_drawn_key_states_its_unit() {
        for k in KEYS {
            if let V::Input(d) | V::PerEvent(d) = k.value {
                assert!(!d.unit.is_empty(), "{}.{} has no unit", k.section, k.name);
            }
        }
        assert_eq!(unit_of("employee.annual_salary"), None);
        assert_eq!(
            unit_of("engagements.engineer.annual_salary"),
            Some("$/year")
        );
        assert_eq!(unit_of("engagements.x.hourly_rate"), Some("$/hour"));
        assert_eq!(unit_of("business.value_at_risk_per_month"), Some("$/month"));
        assert_eq!(unit_of("simulation.trials"), None);
    }

    #[test]
    fn values_read_by_section_have_a_default_or_are_required() {
        // Integers, booleans and inputs of fixed sections are read from the
        // table alone: each must either be required or have a default.
        for s in fixed_sections().chain([ENGAGEMENT, FREELANCE, EMPLOYEE]) {
            for k in of(s) {
                let read = matches!(k.value, V::Input(_) | V::PerEvent(_) | V::Integer { .. });
                let has = k.default.number().is_some() || k.default.integer().is_some();
                assert!(!read || k.required || has, "{}.{}", k.section, k.name);
            }
        }
    }

    #[test]
    fn key_names_are_unique_across_fixed_sections() {
        let mut seen: Vec<&str> = Vec::new();
        for s in fixed_sections() {
            for k in of(s) {
                assert!(!seen.contains(&k.name), "{} is in two sections", k.name);
                seen.push(k.name);
            }
        }
    }

    /// The keys of a table of `text` under `path` (dotted, top-level tables).
    fn keys_used(t: &toml::Table, section: &str, out: &mut Vec<(String, String)>) {
        for (k, v) in t {
            out.push((section.to_string(), k.clone()));
            if let toml::Value::Table(inner) = v
                && section.is_empty()
                && k != "engagements"
            {
                keys_used(inner, k, out);
            }
        }
    }

    #[test]
    fn every_key_the_shipped_scenarios_use_is_in_the_table() {
        let shipped = [
            DEFAULT_SCENARIO,
            STARTER_SCENARIO,
            include_str!("../../scenarios/core-product.toml"),
            include_str!("../../scenarios/proof-of-concept.toml"),
        ];
        for text in shipped {
            let root: toml::Table = toml::from_str(text).expect("a shipped scenario parses");
            let mut used = Vec::new();
            keys_used(&root, TOP, &mut used);
            if let Some(toml::Value::Table(es)) = root.get("engagements") {
                for e in es.values().filter_map(toml::Value::as_table) {
                    for k in e.keys() {
                        let s = [ENGAGEMENT, FREELANCE, EMPLOYEE]
                            .into_iter()
                            .find(|s| find(s, k).is_some())
                            .unwrap_or(ENGAGEMENT);
                        used.push((s.to_string(), k.clone()));
                    }
                }
            }
            for s in root
                .get("strategies")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_table)
            {
                for (k, v) in s {
                    used.push((STRATEGY.to_string(), k.clone()));
                    for p in v.as_array().into_iter().flatten() {
                        for pk in p.as_table().into_iter().flat_map(|t| t.keys()) {
                            used.push((PHASE.to_string(), pk.clone()));
                        }
                    }
                }
            }
            assert!(used.len() > 60);
            for (s, k) in used {
                assert!(find(&s, &k).is_some(), "`{k}` of [{s}] is not in the table");
            }
        }
    }
}
