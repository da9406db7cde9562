//! Scenarios: the checked, ready-to-simulate form of a scenario file.
//!
//! A scenario file is parsed and validated by [`parse_scenario`] into a
//! [`Scenario`]; every key it may hold is declared once, in [`keys::KEYS`].
//! Nothing downstream of this module sees raw TOML. Every input that is
//! sampled once per trial lives in one flat table, [`Scenario::inputs`], so
//! the engine samples a trial's world in one pass and later analyses
//! (sensitivity) can name every varying input by its key path.

mod capacity;
mod correlations;
mod diag;
mod dist_spec;
mod engagements;
pub mod json_schema;
pub mod keys;
mod parse;
mod strategies;
mod values;
mod warnings;

pub use capacity::{CapacityWarning, capacity_warnings};
pub use correlations::{CorrelationGroup, CorrelationPair, Correlations, LeftOutPair};
pub use diag::{Diag, ScenarioError};
pub use keys::{LIMIT_HORIZON, LIMIT_STRATEGIES, LIMIT_TRIALS};
pub use parse::{parse_scenario, parse_scenario_with_fixed};
pub use strategies::strategy_ids;
pub use warnings::{ScenarioWarning, scenario_warnings};

use crate::dist::Dist;

/// The built-in default scenario (the same text as `scenarios/default.toml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");

/// The commented starter scenario written by `tcosim init`.
pub const STARTER_SCENARIO: &str = include_str!("starter.toml");

/// Working hours in one engineer-month: a freelancer's full-time month, and the unit that turns hours into engineer-months.
pub const HOURS_PER_MONTH: f64 = 160.0;

/// Index of an input in [`Scenario::inputs`].
pub type InputId = usize;

/// A scenario input sampled once per trial.
#[derive(Debug, Clone)]
pub struct Input {
    /// Dotted key path in the scenario file, e.g. `project.build_effort_months`.
    pub key: String,
    /// The distribution it is drawn from.
    pub dist: Dist,
    /// Hash of the stream name it is drawn from (see `rng`).
    pub stream: u64,
    /// How the scenario wrote it (the value's text, or `default` when the
    /// key was not given).
    pub source: String,
    /// Whether it is drawn with its `[[correlations]]` group (through the
    /// copula) rather than from its own stream alone.
    pub copula: bool,
}

/// The four kinds of work, in priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    /// Repairs of detected drift.
    Remediation = 0,
    /// The initial system.
    Build = 1,
    /// Routine upkeep and monitoring.
    Maintenance = 2,
    /// Improvement projects after launch.
    Roadmap = 3,
}

impl WorkKind {
    /// All kinds in priority order.
    pub const ALL: [WorkKind; 4] = [
        WorkKind::Remediation,
        WorkKind::Build,
        WorkKind::Maintenance,
        WorkKind::Roadmap,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            WorkKind::Remediation => "remediation",
            WorkKind::Build => "build",
            WorkKind::Maintenance => "maintenance",
            WorkKind::Roadmap => "roadmap",
        }
    }

    /// The kind with this name.
    pub fn from_name(s: &str) -> Option<WorkKind> {
        WorkKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A set of kinds of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope(u8);

impl Scope {
    /// The empty scope.
    pub const EMPTY: Scope = Scope(0);

    /// A scope of the given kinds.
    pub fn of(kinds: &[WorkKind]) -> Scope {
        Scope(kinds.iter().fold(0, |m, k| m | (1 << *k as u8)))
    }

    /// Whether the kind is in scope.
    #[inline]
    pub fn has(self, k: WorkKind) -> bool {
        self.0 & (1 << k as u8) != 0
    }

    /// The kinds in scope, in priority order.
    pub fn kinds(self) -> impl Iterator<Item = WorkKind> {
        WorkKind::ALL.into_iter().filter(move |k| self.has(*k))
    }
}

/// The project's world: inputs shared by every strategy in a trial.
#[derive(Debug, Clone)]
pub struct WorldInputs {
    /// `build_effort_months`: Effort to build the system, in engineer-months.
    pub build_effort_months: InputId,
    /// `target_launch_month`: Month the launch is planned for; delay is costed from here.
    pub target_launch_month: InputId,
    /// `traction_probability`: Chance the feature earns its keep.
    pub traction_probability: InputId,
    /// `traction_known_after_months`: Months live before traction is known.
    pub traction_known_after_months: InputId,
    /// `maintenance_per_month`: Upkeep once live, in engineer-months per month.
    pub maintenance_per_month: InputId,
    /// `projects_per_month`: Mean improvement projects arriving per month after launch (Poisson).
    pub projects_per_month: InputId,
    /// `cost_of_delay_per_engineer_month`: Value forgone each live month per engineer-month of roadmap work waiting in the backlog.
    pub cost_of_delay_per_engineer_month: InputId,
    /// `value_at_risk_per_month`: Value lost per month at 100% degradation.
    pub value_at_risk_per_month: InputId,
    /// `cost_of_delay_per_month`: Cost of each month the launch is late.
    pub cost_of_delay_per_month: InputId,
    /// `unfinished_cost_per_engineer_month`: Cost to finish each engineer-month of work left at the horizon.
    pub unfinished_cost_per_engineer_month: InputId,
    /// `full_context_months`: Time a newcomer takes to get the full picture.
    pub full_context_months: InputId,
    /// `productivity_at_zero_context`: Speed of a newcomer with no context, as a fraction of full speed.
    pub productivity_at_zero_context: InputId,
    /// `rework_base`: Share of work that is defective even with full context.
    pub rework_base: InputId,
    /// `rework_at_zero_context`: Extra defective share with no context.
    pub rework_at_zero_context: InputId,
    /// `events_per_month`: Mean sudden drift events per month (Poisson).
    pub events_per_month: InputId,
    /// `decay_per_engineer_month_unmaintained`: Quality lost per engineer-month of maintenance left undone.
    pub decay_per_engineer_month_unmaintained: InputId,
    /// `remediation_months_per_severity`: Repair effort per unit of severity, in engineer-months.
    pub remediation_months_per_severity: InputId,
    /// `detected_per_month_monitored`: Share of hidden degradation found per month with monitoring.
    pub detected_per_month_monitored: InputId,
    /// `detected_per_month_unmonitored`: Share of hidden degradation found per month without monitoring.
    pub detected_per_month_unmonitored: InputId,
    /// `act_when_degraded_above`: Detected degradation above which a repair is started.
    pub act_when_degraded_above: InputId,
    /// Size of each roadmap project (drawn per event).
    pub project_size_months: Dist,
    /// Severity of each drift event (drawn per event).
    pub severity: Dist,
}

/// Parameters of a freelance engagement.
#[derive(Debug, Clone)]
pub struct Freelance {
    /// `hourly_rate`: Hourly rate.
    pub hourly_rate: InputId,
    /// `max_hours_per_month`: Most hours billed in one month (an average month's, leave taken).
    pub max_hours_per_month: InputId,
    /// `platform_fee`: Share added to billings by the platform.
    pub platform_fee: InputId,
    /// `engagement_fee`: Fee paid per engagement.
    pub engagement_fee: InputId,
    /// `exit_per_month`: Chance of leaving in any month of an engagement.
    pub exit_per_month: InputId,
    /// `returns_for_follow_up`: Chance the last freelancer comes back for the next task.
    pub returns_for_follow_up: InputId,
    /// `retainer_hours_per_month`: Hours paid every live month, used or not.
    pub retainer_hours_per_month: InputId,
    /// Time from the start of a search to the freelancer's first day (per event).
    pub time_to_engage_months: Dist,
}

/// Parameters of an employee engagement.
#[derive(Debug, Clone)]
pub struct Employee {
    /// `annual_salary`: Salary per year.
    pub annual_salary: InputId,
    /// `overhead`: Benefits and payroll taxes, as a share of salary.
    pub overhead: InputId,
    /// `tools_per_year`: Tools and equipment per year.
    pub tools_per_year: InputId,
    /// `recruiting_fee`: Recruiter's fee as a share of salary; 0 if hiring directly.
    pub recruiting_fee: InputId,
    /// `internal_hiring_cost`: Internal cost of each hire.
    pub internal_hiring_cost: InputId,
    /// `attrition_per_year`: Chance of leaving in a year.
    pub attrition_per_year: InputId,
    /// `notice_months`: Notice period, in months.
    pub notice_months: InputId,
    /// `severance_months`: Salary paid if the product is retired for lack of traction, in months.
    pub severance_months: InputId,
    /// `availability`: Share of paid time available for the project (leave, holidays and company time taken out).
    pub availability: InputId,
    /// Time from the start of a search to the new hire's first day (per event).
    pub time_to_hire_months: Dist,
}

/// The kind of an engagement with its kind-specific parameters.
#[derive(Debug, Clone)]
pub enum EngagementKind {
    /// A freelancer, paid by the hour.
    Freelance(Freelance),
    /// An employee, paid a salary.
    Employee(Employee),
}

/// A way to staff the work.
#[derive(Debug, Clone)]
pub struct Engagement {
    /// Its name in `[engagements.NAME]`.
    pub name: String,
    /// Index of the engagement at the top of its `extends` chain (itself if
    /// it extends nothing): engagements with the same root share streams.
    pub root: usize,
    /// Kinds of work it does.
    pub scope: Scope,
    /// Whether its presence means drift is watched.
    pub monitoring: bool,
    /// `documentation`: Share of context kept when the person leaves.
    pub documentation: InputId,
    /// `rework_multiplier`: Factor on the share of defective work.
    pub rework_multiplier: InputId,
    /// Freelance or employee, with the parameters of that kind.
    pub kind: EngagementKind,
    /// Key path of the table that sets its search time (its own, or the one
    /// it inherits it from): engagements with the same key path draw the same
    /// search times.
    pub search_time_key: String,
    /// Stream hashes for its events (shared with the engagement it extends).
    pub streams: EventStreams,
}

impl Engagement {
    /// How long each search for this engagement takes (drawn per search).
    pub fn search_time(&self) -> &Dist {
        match &self.kind {
            EngagementKind::Freelance(f) => &f.time_to_engage_months,
            EngagementKind::Employee(p) => &p.time_to_hire_months,
        }
    }
}

/// Stream-name hashes for an engagement's events.
#[derive(Debug, Clone, Copy)]
pub struct EventStreams {
    /// Hash of the stream that draws search times.
    pub search: u64,
    /// Hash of the stream that draws whether a freelancer returns.
    pub returns: u64,
    /// Hash of the stream that draws departures.
    pub leave: u64,
}

/// When a phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// At the end of the month the build is delivered.
    Launch,
    /// At the end of the month traction is confirmed.
    Traction,
    /// At the end of month N - 1.
    Month(u32),
}

/// One phase of a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Index into [`Scenario::engagements`].
    pub engagement: usize,
    /// When it ends (`None` on the last phase).
    pub until: Option<Until>,
}

/// A hiring strategy.
#[derive(Debug, Clone)]
pub struct Strategy {
    /// Its display name (unique within the scenario).
    pub name: String,
    /// Its phases in order; the last has no end.
    pub phases: Vec<Phase>,
}

/// Run settings from `[simulation]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simulation {
    /// Months simulated.
    pub horizon_months: u32,
    /// Trials simulated.
    pub trials: u64,
    /// Seed of every random stream.
    pub seed: u64,
}

/// A checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Its name (`name`).
    pub name: String,
    /// Its description (`description`).
    pub description: String,
    /// Run settings (`[simulation]`).
    pub simulation: Simulation,
    /// Whether lost value (degradation and delay) counts in the total.
    pub include_business_impact: bool,
    /// Every input sampled once per trial.
    pub inputs: Vec<Input>,
    /// Inputs drawn together with target rank correlations (`[[correlations]]`).
    pub correlations: Correlations,
    /// The project's inputs shared by every strategy.
    pub world: WorldInputs,
    /// Ways to staff the work (`[engagements.NAME]`).
    pub engagements: Vec<Engagement>,
    /// Hiring strategies compared (`[[strategies]]`).
    pub strategies: Vec<Strategy>,
}

impl Scenario {
    /// Parses and validates scenario text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        parse_scenario(text, file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_scenarios_parse() {
        for (text, file) in [
            (DEFAULT_SCENARIO, "default.toml"),
            (STARTER_SCENARIO, "starter.toml"),
        ] {
            let sc = Scenario::from_toml(text, file).unwrap_or_else(|e| panic!("{e}"));
            let names: Vec<&str> = sc.strategies.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "Freelance",
                    "Freelance on retainer",
                    "Dedicated engineer",
                    "Freelance, then hire"
                ]
            );
            assert_eq!(sc.engagements.len(), 3);
            // The retainer engagement shares the freelancer's root and its draws.
            let (f, r) = (&sc.engagements[0], &sc.engagements[1]);
            assert_eq!(r.root, 0);
            assert_eq!(f.streams.search, r.streams.search);
            assert_eq!(f.documentation, r.documentation);
            assert!(!f.monitoring && r.monitoring);
            assert!(r.scope.has(WorkKind::Maintenance) && !f.scope.has(WorkKind::Maintenance));
        }
    }

    #[test]
    fn every_input_has_a_distinct_key() {
        let sc = Scenario::from_toml(DEFAULT_SCENARIO, "default.toml").expect("default");
        let mut keys: Vec<&str> = sc.inputs.iter().map(|i| i.key.as_str()).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        assert!(keys.contains(&"engagements.freelancer_on_retainer.retainer_hours_per_month"));
        assert!(keys.contains(&"engagements.engineer.annual_salary"));
    }
}
