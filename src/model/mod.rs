//! The cost model: one strategy through one trial, month by month.
//!
//! `docs/MODEL.md` describes this module equation by equation; keep the two
//! in step. The model knows nothing of threads, files or charts: it reads a
//! [`World`] and writes an [`Outcome`] and the cumulative cost of each month.

mod world;

pub use world::{EngagementTrial, MAX_EVENTS_PER_MONTH, World};

use crate::rng;
use crate::scenario::{Scenario, Until, WorkKind};

/// The eleven cost categories, in the order of the CSV columns.
pub const CATEGORIES: [&str; 11] = [
    "build",
    "roadmap",
    "maintenance",
    "remediation",
    "rework",
    "context",
    "idle",
    "hiring",
    "degradation",
    "delay",
    "unfinished",
];

/// Index of each category in [`Outcome::costs`].
pub mod cat {
    pub const BUILD: usize = 0;
    pub const ROADMAP: usize = 1;
    pub const MAINTENANCE: usize = 2;
    pub const REMEDIATION: usize = 3;
    pub const REWORK: usize = 4;
    pub const CONTEXT: usize = 5;
    pub const IDLE: usize = 6;
    pub const HIRING: usize = 7;
    pub const DEGRADATION: usize = 8;
    pub const DELAY: usize = 9;
    pub const UNFINISHED: usize = 10;
}

/// Amounts of work below this are treated as done (floating-point dust).
const EPS: f64 = 1e-9;
/// The highest rework rate (so that work always converges).
const MAX_REWORK: f64 = 0.95;
/// Degradation above which a month counts as degraded.
const DEGRADED_MONTH: f64 = 0.01;

/// What one strategy cost in one trial, and what happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Total cost of ownership (every category, less degradation and delay
    /// when business impact is excluded).
    pub total: f64,
    /// Cost by category, in the order of [`CATEGORIES`].
    pub costs: [f64; 11],
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
}

/// An engineer present on the project.
#[derive(Debug, Clone, Copy)]
struct Engineer {
    /// Engagement index.
    e: usize,
    /// Context, engineer-months.
    k: f64,
    /// Notice still to work, if resigned.
    notice_left: Option<f64>,
    /// Whether it belongs to the current phase (false once a phase switch
    /// made it the outgoing engineer).
    current: bool,
}

/// A search for a newcomer.
#[derive(Debug, Clone, Copy)]
struct Search {
    e: usize,
    /// Months until the newcomer starts.
    remaining: f64,
    /// Context the newcomer brings (a returning freelancer's own).
    returning_k: Option<f64>,
}

/// Work still due this month, by kind (indexed by `WorkKind as usize`).
type Demand = [f64; 4];

/// The cost category of delivered work of each kind.
fn category(kind: WorkKind) -> usize {
    match kind {
        WorkKind::Remediation => cat::REMEDIATION,
        WorkKind::Build => cat::BUILD,
        WorkKind::Maintenance => cat::MAINTENANCE,
        WorkKind::Roadmap => cat::ROADMAP,
    }
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

struct Sim<'a> {
    sc: &'a Scenario,
    w: &'a World,
    phases: &'a [crate::scenario::Phase],
    seed: u64,
    trial: u64,
    // Figures of this trial's world used in every month.
    full_context: f64,
    p0: f64,
    rework_base: f64,
    rework_zero: f64,
    rem_per_sev: f64,
    act_above: f64,
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
    fn eng(&self, e: usize) -> &'a EngagementTrial {
        &self.w.engagements[e]
    }

    fn current_engagement(&self) -> usize {
        self.phases[self.phase].engagement
    }

    fn live(&self, m: u32) -> bool {
        !self.retired && self.launch.is_some_and(|l| m >= l)
    }

    /// Productivity and rework rate of engagement `e` with context `k`.
    fn rates(&self, e: usize, k: f64) -> (f64, f64) {
        let need = self.full_context.min(self.built);
        let c = if need <= 0.0 {
            1.0
        } else {
            (k / need).min(1.0)
        };
        let p = self.p0 + (1.0 - self.p0) * c;
        let r = ((self.rework_base + self.rework_zero * (1.0 - c)) * self.eng(e).rework_multiplier)
            .min(MAX_REWORK);
        (p, r)
    }

    /// Whether work in `e`'s scope calls a freelancer in.
    fn called_for(&self, e: usize) -> bool {
        let s = self.eng(e).scope;
        (s.has(WorkKind::Build) && self.build_due > EPS)
            || (s.has(WorkKind::Roadmap) && self.roadmap_due > EPS)
            || (s.has(WorkKind::Remediation) && self.d_d > self.act_above)
    }

    fn start_search(&mut self, e: usize) {
        let def = &self.sc.engagements[e];
        let en = self.eng(e);
        let root = def.root;
        let k = self.searches[root];
        self.searches[root] += 1;
        let dist = match &def.kind {
            crate::scenario::EngagementKind::Freelance(f) => &f.time_to_engage_months,
            crate::scenario::EngagementKind::Employee(p) => &p.time_to_hire_months,
        };
        let remaining = match dist.fixed_value() {
            Some(x) => x,
            None => dist.sample(&mut rng::stream(
                self.seed,
                self.trial,
                def.streams.search,
                k,
            )),
        };
        let mut returning_k = None;
        if en.freelance
            && let Some((r, k_last)) = self.last
            && r == root
        {
            // Drawing for a return uses the eligibility up.
            self.last = None;
            if rng::uniform(self.seed, self.trial, def.streams.returns, k) < en.returns {
                returning_k = Some(k_last);
            }
        }
        self.search = Some(Search {
            e,
            remaining,
            returning_k,
        });
    }

    /// Step 1, first half: searches that start at the boundary before month `m`.
    fn start_searches(&mut self, m: u32) {
        let pending = std::mem::replace(&mut self.switch_pending, false);
        if self.retired || self.search.is_some() {
            return;
        }
        let has_current = self
            .present
            .is_some_and(|p| p.current && p.notice_left.is_none());
        if has_current {
            return;
        }
        let e = self.current_engagement();
        let en = self.eng(e);
        let retained = en.retainer > 0.0 && self.live(m);
        if pending || !en.freelance || self.called_for(e) || retained {
            self.start_search(e);
        }
    }

    /// An engineer leaves with a handover: documentation keeps part of
    /// their context, the rest is lost.
    fn depart(&mut self, g: &Engineer) {
        let doc = self.eng(g.e).documentation;
        self.docs_k = self.docs_k.max(doc * g.k);
        self.out.context_lost += (1.0 - doc) * g.k;
        self.out.handovers += 1;
    }

    /// Steps 3 to 7 for one engineer present for `frac` of the month.
    fn work(
        &mut self,
        g: &mut Engineer,
        frac: f64,
        live: bool,
        demand: &mut Demand,
        monitored: &mut bool,
    ) {
        if frac <= 0.0 {
            return;
        }
        let en = self.eng(g.e);
        *monitored |= en.monitoring;
        let (p, r) = self.rates(g.e, g.k);
        let eff = p * (1.0 - r);
        let rate = en.cost_per_month;
        let mut left = frac * en.capacity;
        let mut used = 0.0;
        for kind in en.scope.kinds() {
            let d = demand[kind as usize];
            if d <= EPS || left <= 0.0 {
                continue;
            }
            let need = d / eff;
            let (t, rest) = if need <= left {
                (need, 0.0)
            } else {
                (left, (d - left * eff).max(0.0))
            };
            let delivered = d - rest;
            demand[kind as usize] = rest;
            left -= t;
            used += t;
            self.out.costs[category(kind)] += delivered * rate;
            match kind {
                WorkKind::Build => {
                    self.build_due = rest;
                    self.built += delivered;
                }
                WorkKind::Roadmap => {
                    self.roadmap_due = rest;
                    self.built += delivered;
                }
                WorkKind::Remediation => self.d_d = rest / self.rem_per_sev,
                WorkKind::Maintenance => {}
            }
        }
        if en.scope.has(WorkKind::Remediation) && self.rem_per_sev <= 0.0 {
            // Repairs that take no time: whoever can do them does.
            self.d_d = 0.0;
        }
        self.out.costs[cat::CONTEXT] += used * (1.0 - p) * rate;
        self.out.costs[cat::REWORK] += used * p * r * rate;
        let billed = if en.freelance {
            if en.retainer > 0.0 && live {
                used.max(en.retainer * frac)
            } else {
                used
            }
        } else {
            frac
        };
        self.out.costs[cat::IDLE] += (billed - used).max(0.0) * rate;
        self.out.costs[cat::HIRING] += en.platform_fee * billed * rate;
        g.k = (g.k + used).min(self.full_context);
    }

    fn total(&self) -> f64 {
        let c = &self.out.costs;
        let all: f64 = c.iter().sum();
        if self.sc.include_business_impact {
            all
        } else {
            all - c[cat::DEGRADATION] - c[cat::DELAY]
        }
    }

    fn run(mut self, cum: &mut [f64], quality: &mut [f64]) -> Outcome {
        let h = cum.len();
        let v = &self.w.values;
        let wi = &self.sc.world;
        let maintenance = v[wi.maintenance_per_month];
        let decay = v[wi.decay_per_month_unmaintained];
        let det_mon = v[wi.detected_per_month_monitored];
        let det_unmon = v[wi.detected_per_month_unmonitored];
        let value_at_risk = v[wi.value_at_risk_per_month];
        let cost_of_delay = v[wi.cost_of_delay_per_month];
        let target = v[wi.target_launch_month];
        let known_after = v[wi.traction_known_after_months].ceil();
        for (m, (cum_m, quality_m)) in cum.iter_mut().zip(quality.iter_mut()).enumerate() {
            if self.retired {
                // Nothing happens after retirement: costs stay where they are.
                *cum_m = self.total();
                *quality_m = 1.0;
                continue;
            }
            let mu = m as u32;
            // 1. Staffing.
            self.start_searches(mu);
            let live = self.live(mu);
            // 2. Demand.
            let mut demand: Demand = [
                if self.rem_per_sev > 0.0 {
                    self.d_d * self.rem_per_sev
                } else {
                    0.0
                },
                self.build_due,
                if live { maintenance } else { 0.0 },
                self.roadmap_due,
            ];
            let mut monitored = false;
            let arrival = match &mut self.search {
                Some(s) if s.remaining < 1.0 => Some(s.remaining.max(0.0)),
                Some(s) => {
                    s.remaining -= 1.0;
                    None
                }
                None => None,
            };
            // 3-7. Work: whoever is present works first; a newcomer takes over.
            if let Some(mut g) = self.present.take() {
                let mut end = 1.0;
                let mut leaves = false;
                if let Some(n) = g.notice_left
                    && n <= 1.0
                {
                    end = n;
                    leaves = true;
                }
                if let Some(a) = arrival
                    && a <= end
                {
                    end = a;
                    leaves = true;
                }
                self.work(&mut g, end, live, &mut demand, &mut monitored);
                if let Some(n) = g.notice_left.as_mut() {
                    *n -= end;
                }
                if leaves {
                    self.depart(&g);
                } else {
                    self.present = Some(g);
                }
            }
            if let (Some(a), Some(s)) = (arrival, self.search) {
                self.search = None;
                let en = self.eng(s.e);
                let k = s
                    .returning_k
                    .map_or(self.docs_k, |kl| kl.max(self.docs_k))
                    .min(self.full_context);
                self.out.costs[cat::HIRING] += en.start_fee;
                if en.freelance {
                    self.out.engagements += 1;
                } else {
                    self.out.hires += 1;
                }
                let mut g = Engineer {
                    e: s.e,
                    k,
                    notice_left: None,
                    current: true,
                };
                self.work(&mut g, 1.0 - a, live, &mut demand, &mut monitored);
                self.present = Some(g);
            }
            // 8. Launch.
            if self.launch.is_none() && self.build_due <= EPS {
                self.build_due = 0.0;
                self.launch = Some(mu + 1);
            }
            // 9. Drift and roadmap arrivals (live months).
            if live {
                self.d_u += self.w.drift_severity[m];
                self.out.drift_events += self.w.drift_events[m];
                let undone = if maintenance > 0.0 {
                    demand[WorkKind::Maintenance as usize] / maintenance
                } else {
                    0.0
                };
                self.d_u += undone * decay;
                if self.d_u + self.d_d > 1.0 {
                    self.d_u = (1.0 - self.d_d).max(0.0);
                }
                let moved = if monitored { det_mon } else { det_unmon } * self.d_u;
                self.d_u -= moved;
                self.d_d += moved;
                self.roadmap_due += self.w.roadmap_arrivals[m];
                // 10. Business impact.
                let degradation = self.d_u + self.d_d;
                if degradation > DEGRADED_MONTH {
                    self.out.months_degraded += 1;
                }
                self.out.costs[cat::DEGRADATION] += degradation * value_at_risk;
            }
            if self.launch.is_none_or(|l| mu < l) && m as f64 >= target {
                self.out.costs[cat::DELAY] += cost_of_delay;
            }
            // Month end: phase conditions, traction, leaving.
            let traction_known = self
                .launch
                .is_some_and(|l| m as f64 >= f64::from(l) - 1.0 + known_after);
            if !self.retired && self.phase + 1 < self.phases.len() {
                let holds = match self.phases[self.phase].until {
                    Some(Until::Launch) => self.launch.is_some(),
                    Some(Until::Traction) => traction_known && self.w.traction,
                    Some(Until::Month(n)) => mu + 1 >= n,
                    None => false,
                };
                if holds {
                    self.phase += 1;
                    self.search = None;
                    if let Some(g) = self.present.as_mut() {
                        g.current = false;
                    }
                    self.switch_pending = true;
                }
            }
            if !self.retired && traction_known && !self.w.traction {
                self.retired = true;
                self.out.retired = true;
                self.search = None;
                self.roadmap_due = 0.0;
                self.d_u = 0.0;
                self.d_d = 0.0;
                if let Some(g) = self.present.take() {
                    let en = self.eng(g.e);
                    if !en.freelance && g.notice_left.is_none() {
                        self.out.costs[cat::IDLE] += en.severance;
                    }
                }
            }
            if let Some(mut g) = self.present.take() {
                let en = self.eng(g.e);
                let root = self.sc.engagements[g.e].root;
                // The month's leaving draw, made only when it can matter.
                let leaves = || {
                    en.leave_per_month > 0.0
                        && rng::uniform_at(en.leave_prefix, m as u64) < en.leave_per_month
                };
                if en.freelance {
                    let retained = en.retainer > 0.0 && self.launch.is_some();
                    if g.current && !retained && !self.called_for(g.e) {
                        self.depart(&g);
                        self.last = Some((root, g.k));
                    } else if leaves() {
                        self.depart(&g);
                    } else {
                        self.present = Some(g);
                    }
                } else if g.notice_left.is_none() && leaves() {
                    if en.notice_months > 0.0 {
                        g.notice_left = Some(en.notice_months);
                        self.present = Some(g);
                    } else {
                        self.depart(&g);
                    }
                } else {
                    self.present = Some(g);
                }
            }
            *cum_m = self.total();
            *quality_m = 1.0 - self.d_u - self.d_d;
        }
        // 13. Unfinished work at the horizon.
        if !self.retired {
            let due = self.build_due + self.roadmap_due + self.d_d * self.rem_per_sev;
            if due > EPS {
                let (e, k) = match self.present {
                    Some(g) => (g.e, g.k),
                    None => (
                        self.current_engagement(),
                        self.docs_k.min(self.full_context),
                    ),
                };
                let (p, r) = self.rates(e, k);
                self.out.costs[cat::UNFINISHED] +=
                    due / (p * (1.0 - r)) * v[wi.unfinished_cost_per_engineer_month];
            }
        }
        self.out.total = self.total();
        if let Some(last) = cum.last_mut() {
            *last = self.out.total;
        }
        self.out.launch_month = self.launch.filter(|l| (*l as usize) < h);
        self.out.retired = self.retired;
        self.out
    }
}
