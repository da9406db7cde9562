//! The cost model: one strategy through one trial, month by month.
//!
//! `docs/MODEL.md` describes this module equation by equation; keep the two
//! in step. The model knows nothing of threads, files or charts: it reads a
//! [`World`] and writes an [`Outcome`] and the cumulative cost of each month.
//!
//! This file holds the strategy's state and the month loop, which reads as
//! the steps of MODEL.md section 6 in order; each step's mechanism lives in
//! its own file: `staffing.rs` (searches, arrivals, leaving, handovers,
//! returns), `work.rs` (context, productivity, rework, the month's work by
//! kind, billing), `drift.rs` (drift, decay, detection, remediation, the
//! degradation it costs), `lifecycle.rs` (launch, delay, phases, traction,
//! retirement), `costs.rs` (the categories and the cost book) and
//! `world.rs` (the trial's world). Every step keeps the order of its random
//! draws and floating-point operations, which the golden tests pin byte for
//! byte.

mod costs;
mod drift;
mod lifecycle;
mod ramp;
mod staffing;
mod work;
mod world;

pub use costs::{CATEGORIES, Category, Costs};
pub use world::{Contract, EngagementTrial, EventInput, MAX_EVENTS_PER_MONTH, World, event_inputs};

use crate::scenario::{Phase, Scenario};
use staffing::{Engineer, Search};

/// Amounts of work below this are treated as done (floating-point dust).
const EPS: f64 = 1e-9;

/// What one strategy cost in one trial, and what happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Total cost of ownership (every category, less degradation and delay
    /// when business impact is excluded).
    pub total: f64,
    /// What the strategy pays: every category but degradation and delay.
    pub cash: f64,
    /// Business value lost: degradation and delay.
    pub lost_value: f64,
    /// Cost by category.
    pub costs: Costs,
    /// Month the product went live, if within the horizon.
    pub launch_month: Option<u32>,
    /// Whether it was retired for lack of traction.
    pub retired: bool,
    /// Live months ending with degradation above 0.01.
    pub months_degraded: u32,
    /// Departures that handed work over (finished tasks, exits,
    /// resignations, replacements).
    pub handovers: u32,
    /// Employees hired.
    pub hires: u32,
    /// Freelance engagements started.
    pub engagements: u32,
    /// Context (engineer-months) that left with departing engineers.
    pub context_lost: f64,
    /// Drift events that hit the live product.
    pub drift_events: u32,
    /// Roadmap work that joined the backlog, engineer-months (the same for
    /// every strategy of a trial until one retires the product).
    pub roadmap_work: f64,
}

/// Simulates strategy `strategy` of `sc` in the trial whose world is `w`.
/// Writes the cumulative cost at the end of each month into `cum` (its
/// length is the horizon) and the model quality `1 - d_u - d_d` at the end
/// of each month into `quality` (same length), and returns the outcome.
pub fn simulate(
    sc: &Scenario,
    w: &World,
    strategy: usize,
    seed: u64,
    trial: u64,
    cum: &mut [f64],
    quality: &mut [f64],
) -> Outcome {
    let v = &w.values;
    let wi = &sc.world;
    let sim = Sim {
        sc,
        w,
        phases: &sc.strategies[strategy].phases,
        seed,
        trial,
        full_context: v[wi.full_context_months],
        p0: v[wi.productivity_at_zero_context],
        rework_base: v[wi.rework_base],
        rework_zero: v[wi.rework_at_zero_context],
        rem_per_sev: v[wi.remediation_months_per_severity],
        act_above: v[wi.act_when_degraded_above],
        maintenance: v[wi.maintenance_per_month],
        decay: v[wi.decay_per_engineer_month_unmaintained],
        det_mon: v[wi.detected_per_month_monitored],
        det_unmon: v[wi.detected_per_month_unmonitored],
        value_at_risk: v[wi.value_at_risk_per_month],
        cost_of_delay: v[wi.cost_of_delay_per_month],
        backlog_cost: v[wi.cost_of_delay_per_engineer_month],
        target_launch: v[wi.target_launch_month],
        known_after: v[wi.traction_known_after_months].ceil(),
        unfinished_cost: v[wi.unfinished_cost_per_engineer_month],
        phase: 0,
        present: None,
        search: None,
        switch_pending: false,
        docs_k: 0.0,
        last: None,
        searches: vec![0; sc.engagements.len()],
        build_due: v[wi.build_effort_months],
        roadmap_due: 0.0,
        built: 0.0,
        launch: None,
        retired: false,
        d_u: 0.0,
        d_d: 0.0,
        out: Outcome::default(),
    };
    sim.run(cum, quality)
}

/// One strategy in one trial: the figures of the trial's world it reads
/// every month, and its state (docs/MODEL.md section 4).
struct Sim<'a> {
    sc: &'a Scenario,
    w: &'a World,
    phases: &'a [Phase],
    seed: u64,
    trial: u64,
    // Figures of this trial's world used in every month.
    full_context: f64,
    p0: f64,
    rework_base: f64,
    rework_zero: f64,
    rem_per_sev: f64,
    act_above: f64,
    maintenance: f64,
    /// Degradation per engineer-month of maintenance left undone.
    decay: f64,
    det_mon: f64,
    det_unmon: f64,
    value_at_risk: f64,
    cost_of_delay: f64,
    /// Cost of delay per engineer-month of roadmap work waiting, per live
    /// month.
    backlog_cost: f64,
    target_launch: f64,
    /// Months live before traction is known, rounded up.
    known_after: f64,
    unfinished_cost: f64,
    // State.
    phase: usize,
    present: Option<Engineer>,
    search: Option<Search>,
    /// A phase switch happened at the end of the last month: its search
    /// starts at this boundary.
    switch_pending: bool,
    docs_k: f64,
    /// Root engagement and context of the freelancer who last finished a
    /// task (eligible to return).
    last: Option<(usize, f64)>,
    /// Searches started so far, per root engagement: the event counter of
    /// the search and return streams.
    searches: Vec<u64>,
    build_due: f64,
    roadmap_due: f64,
    /// Build and roadmap work delivered so far, engineer-months.
    built: f64,
    /// Month from which the product is live (set when the build is delivered).
    launch: Option<u32>,
    retired: bool,
    d_u: f64,
    d_d: f64,
    out: Outcome,
}

impl<'a> Sim<'a> {
    /// Engagement `e`'s parameters in this trial.
    #[inline]
    fn eng(&self, e: usize) -> &'a EngagementTrial {
        &self.w.engagements[e]
    }

    /// The TCO so far (docs/MODEL.md section 8).
    #[inline]
    fn total(&self) -> f64 {
        self.out.costs.total(self.sc.include_business_impact)
    }

    /// The months in the order of docs/MODEL.md section 6, then section 7.
    ///
    /// One departure from the numbering: the month's demand (6.3) is taken
    /// before the search's progress (6.2), as it always has been; the two
    /// read and write disjoint state, so the order changes nothing.
    fn run(mut self, cum: &mut [f64], quality: &mut [f64]) -> Outcome {
        for (m, (cum_m, quality_m)) in cum.iter_mut().zip(quality.iter_mut()).enumerate() {
            if self.retired {
                // Nothing happens after retirement: costs stay where they are.
                *cum_m = self.total();
                *quality_m = 1.0;
                continue;
            }
            let mu = m as u32;
            // 6.1 Searches start (the boundary before month m).
            self.start_searches(mu);
            let live = self.live(mu);
            // 6.3 Demand at the start of the month.
            let mut demand = self.demand(live);
            // 6.2 Staffing within the month: when the newcomer arrives.
            let arrival = self.arrival();
            // 6.4 Work: whoever is present works first; a newcomer takes over.
            let monitored = self.work_month(arrival, live, &mut demand);
            // 6.5 Launch.
            self.launch_if_built(mu);
            // 6.6 Drift (live months).
            // 6.7 Business impact: degradation and the backlog waiting (live
            // months), then delay.
            if live {
                self.drift(m, &demand, monitored);
                self.degradation();
                self.backlog_delay();
            }
            self.delay(m);
            // The month's roadmap projects join the backlog (from the target
            // month, live or not).
            self.roadmap_arrives(m);
            // 6.8 Phase condition, then traction.
            let traction_known = self.traction_known(m);
            self.end_phase_if_done(mu, traction_known);
            self.retire_without_traction(traction_known);
            // 6.9 Leaving.
            self.leaving(m);
            // 6.10 Cumulative cost.
            *cum_m = self.total();
            *quality_m = 1.0 - self.d_u - self.d_d;
        }
        self.at_horizon(cum)
    }

    /// Section 7: prices the work still due, and closes the outcome.
    fn at_horizon(mut self, cum: &mut [f64]) -> Outcome {
        if !self.retired {
            self.price_unfinished();
        }
        self.out.total = self.total();
        self.out.cash = self.out.costs.cash();
        self.out.lost_value = self.out.costs.lost_value();
        if let Some(last) = cum.last_mut() {
            *last = self.out.total;
        }
        self.out.launch_month = self.launch.filter(|l| (*l as usize) < cum.len());
        self.out.retired = self.retired;
        self.out
    }
}
