//! A trial's world: every per-trial input drawn once, the world events of
//! every month (drift, roadmap arrivals), whether the product gains traction,
//! and each engagement's parameters turned into the figures the month loop
//! uses. All strategies of a trial simulate against the same `World`
//! (common random numbers).

use rand::distr::Distribution;
use rand_distr::Poisson;

use crate::dist::Dist;
use crate::rng::{self, name_hash};
use crate::scenario::{EngagementKind, HOURS_PER_MONTH, Scenario, Scope};

/// Largest mean number of events (drift events, roadmap projects) per month
/// that is simulated: a guard against absurd inputs, far above any
/// plausible value.
pub const MAX_EVENTS_PER_MONTH: f64 = 100.0;

/// How an engineer is engaged, as far as the month loop cares: the
/// scenario's kind without its parameters (those are drawn into
/// [`EngagementTrial`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// Paid a salary for presence; the post is kept filled; resigns with
    /// notice; severance on retirement.
    Employee,
    /// Paid by the hour for work done; called in by work; leaves when the
    /// task is done and may return for the next.
    Freelance,
}

impl Contract {
    /// Whether pay follows the hours worked (freelance) rather than presence.
    #[inline]
    pub fn bills_hours(self) -> bool {
        self == Contract::Freelance
    }

    /// Whether a vacancy is filled whether or not work is due (an employee's
    /// post), rather than only when work calls someone in.
    #[inline]
    pub fn fills_vacancies(self) -> bool {
        self == Contract::Employee
    }

    /// Whether the engineer leaves once the work that called them in is
    /// done, and may be asked back for the next task.
    #[inline]
    pub fn finishes_tasks(self) -> bool {
        self == Contract::Freelance
    }
}

/// An engagement's parameters in one trial.
#[derive(Debug, Clone)]
pub struct EngagementTrial {
    /// Freelance or employee.
    pub contract: Contract,
    /// Kinds of work it does.
    pub scope: Scope,
    /// Whether its presence means drift is watched.
    pub monitoring: bool,
    /// Share of context kept when the person leaves (this trial's draw).
    pub documentation: f64,
    /// Factor on the share of defective work (this trial's draw).
    pub rework_multiplier: f64,
    /// Engineer-months of work per month of presence (employee: its
    /// availability; freelancer: most hours a month over `HOURS_PER_MONTH`).
    pub capacity: f64,
    /// Cost of one engineer-month of paid time (employee: monthly salary
    /// with overhead and tools, over availability; freelancer:
    /// `HOURS_PER_MONTH` hours at the hourly rate).
    pub cost_per_month: f64,
    /// Freelance platform fee, a fraction of billings.
    pub platform_fee: f64,
    /// Fee per start (employee: recruiting fee and internal cost; freelancer:
    /// engagement fee).
    pub start_fee: f64,
    /// Probability of leaving in a month (employee: resignation; freelancer:
    /// exit mid-engagement).
    pub leave_per_month: f64,
    /// Probability that the freelancer who last finished a task returns.
    pub returns: f64,
    /// Retainer, in engineer-months per month.
    pub retainer: f64,
    /// Employee notice, months.
    pub notice_months: f64,
    /// Severance cost when the product is retired (employee).
    pub severance: f64,
    /// Prefix of this trial's leaving stream (see `rng::stream_prefix`).
    pub leave_prefix: u64,
}

impl EngagementTrial {
    /// Whether a retainer pays for a minimum of hours each live month.
    #[inline]
    pub fn on_retainer(&self) -> bool {
        self.retainer > 0.0
    }
}

/// Per-trial state shared by every strategy.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// The value of every input in `Scenario::inputs`.
    pub values: Vec<f64>,
    /// Whether the product gains traction.
    pub traction: bool,
    /// Sum of the severities of the drift events of each month.
    pub drift_severity: Vec<f64>,
    /// Number of drift events of each month.
    pub drift_events: Vec<u32>,
    /// Total size of the roadmap projects arriving in each month.
    pub roadmap_arrivals: Vec<f64>,
    /// Each engagement's parameters.
    pub engagements: Vec<EngagementTrial>,
}

/// Stream names of the world's events.
struct WorldStreams {
    traction: u64,
    drift_events: u64,
    drift_severity: u64,
    roadmap_events: u64,
    roadmap_sizes: u64,
}

/// The world's stream names, hashed once per process (not once per trial).
fn world_streams() -> &'static WorldStreams {
    static STREAMS: std::sync::OnceLock<WorldStreams> = std::sync::OnceLock::new();
    STREAMS.get_or_init(|| WorldStreams {
        traction: name_hash("project.traction_probability#outcome"),
        drift_events: name_hash("drift.events_per_month#events"),
        drift_severity: name_hash("drift.severity"),
        roadmap_events: name_hash("roadmap.projects_per_month#arrivals"),
        roadmap_sizes: name_hash("roadmap.project_size_months"),
    })
}

/// Draws a Poisson count with mean `lambda` (capped at
/// [`MAX_EVENTS_PER_MONTH`]).
fn poisson(lambda: f64) -> Option<Poisson<f64>> {
    if lambda > 0.0 {
        Poisson::new(lambda.min(MAX_EVENTS_PER_MONTH)).ok()
    } else {
        None
    }
}

impl World {
    /// Samples the world of trial `trial` into `self`, reusing its buffers.
    pub fn sample(&mut self, sc: &Scenario, seed: u64, trial: u64, horizon: usize) {
        let ws = world_streams();
        self.values.clear();
        self.values.extend(sc.inputs.iter().map(|inp| {
            match inp.dist.fixed_value() {
                Some(v) => v,
                // Drawn below, with its group.
                None if inp.copula => f64::NAN,
                None => inp
                    .dist
                    .sample(&mut rng::stream(seed, trial, inp.stream, 0)),
            }
        }));
        // Correlated inputs are drawn together (a Gaussian copula).
        sc.correlations
            .draw(&sc.inputs, seed, trial, &mut self.values);
        let v = &self.values;
        let w = &sc.world;
        self.traction = rng::uniform(seed, trial, ws.traction, 0) < v[w.traction_probability];

        self.drift_severity.clear();
        self.drift_events.clear();
        let mut ev_rng = rng::stream(seed, trial, ws.drift_events, 0);
        let mut sev_rng = rng::stream(seed, trial, ws.drift_severity, 0);
        let pois = poisson(v[w.events_per_month]);
        for _ in 0..horizon {
            let n = pois.as_ref().map_or(0, |p| p.sample(&mut ev_rng) as u32);
            let sev: f64 = (0..n).map(|_| w.severity.sample(&mut sev_rng)).sum();
            self.drift_events.push(n);
            self.drift_severity.push(sev);
        }

        self.roadmap_arrivals.clear();
        let mut ar_rng = rng::stream(seed, trial, ws.roadmap_events, 0);
        let mut size_rng = rng::stream(seed, trial, ws.roadmap_sizes, 0);
        let pois = poisson(v[w.projects_per_month]);
        for _ in 0..horizon {
            let n = pois.as_ref().map_or(0, |p| p.sample(&mut ar_rng) as u32);
            let size: f64 = (0..n)
                .map(|_| w.project_size_months.sample(&mut size_rng))
                .sum();
            self.roadmap_arrivals.push(size);
        }

        self.engagements.clear();
        for e in &sc.engagements {
            let mut t = EngagementTrial {
                contract: Contract::Employee,
                scope: e.scope,
                monitoring: e.monitoring,
                documentation: v[e.documentation],
                rework_multiplier: v[e.rework_multiplier],
                capacity: 1.0,
                cost_per_month: 0.0,
                platform_fee: 0.0,
                start_fee: 0.0,
                leave_per_month: 0.0,
                returns: 0.0,
                retainer: 0.0,
                notice_months: 0.0,
                severance: 0.0,
                leave_prefix: rng::stream_prefix(seed, trial, e.streams.leave),
            };
            match &e.kind {
                EngagementKind::Freelance(f) => {
                    t.contract = Contract::Freelance;
                    t.capacity = v[f.max_hours_per_month] / HOURS_PER_MONTH;
                    t.cost_per_month = HOURS_PER_MONTH * v[f.hourly_rate];
                    t.platform_fee = v[f.platform_fee];
                    t.start_fee = v[f.engagement_fee];
                    t.leave_per_month = v[f.exit_per_month];
                    t.returns = v[f.returns_for_follow_up];
                    t.retainer = v[f.retainer_hours_per_month] / HOURS_PER_MONTH;
                }
                EngagementKind::Employee(p) => {
                    let salary = v[p.annual_salary];
                    let monthly =
                        salary * (1.0 + v[p.overhead]) / 12.0 + v[p.tools_per_year] / 12.0;
                    // A month of presence buys `availability` engineer-months.
                    t.capacity = v[p.availability];
                    t.cost_per_month = monthly / t.capacity;
                    t.start_fee = v[p.recruiting_fee] * salary + v[p.internal_hiring_cost];
                    t.leave_per_month = 1.0 - (1.0 - v[p.attrition_per_year]).powf(1.0 / 12.0);
                    t.notice_months = v[p.notice_months];
                    t.severance = monthly * v[p.severance_months];
                }
            }
            self.engagements.push(t);
        }
    }
}

/// A per-event input (a search's duration, a roadmap project's size, a drift
/// event's severity) as sensitivity sees it: represented in each trial by
/// the first value of its stream, drawn whether or not the event happens
/// (docs/MODEL.md 9b).
#[derive(Debug, Clone)]
pub struct EventInput {
    /// Key path, e.g. `engagements.engineer.time_to_hire_months`.
    pub key: String,
    /// The distribution each event draws from.
    pub dist: Dist,
    stream: u64,
}

impl EventInput {
    /// The first value of the input's stream in trial `trial`: the value its
    /// first event in the trial takes.
    #[inline]
    pub fn first_draw(&self, seed: u64, trial: u64) -> f64 {
        self.dist
            .sample(&mut rng::stream(seed, trial, self.stream, 0))
    }
}

/// The scenario's per-event inputs that vary, in a fixed order: the
/// roadmap's project size, drift severity, then each engagement's search
/// time (once per table that sets it: engagements that inherit it share the
/// stream and the draws).
pub fn event_inputs(sc: &Scenario) -> Vec<EventInput> {
    let ws = world_streams();
    let w = &sc.world;
    let mut out = vec![
        EventInput {
            key: "roadmap.project_size_months".into(),
            dist: w.project_size_months.clone(),
            stream: ws.roadmap_sizes,
        },
        EventInput {
            key: "drift.severity".into(),
            dist: w.severity.clone(),
            stream: ws.drift_severity,
        },
    ];
    for e in &sc.engagements {
        if out.iter().all(|x| x.key != e.search_time_key) {
            out.push(EventInput {
                key: e.search_time_key.clone(),
                dist: e.search_time().clone(),
                stream: e.streams.search,
            });
        }
    }
    out.retain(|x| !x.dist.is_fixed());
    out
}
