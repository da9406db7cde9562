//! Work: what an engineer delivers in the part of a month they are present,
//! and what it costs (docs/MODEL.md sections 5, 6.3, 6.4 and 7).
//!
//! Productivity and rework follow continuously from the engineer's context
//! against the system built so far (the ramp of `ramp.rs`); demand is served
//! kind by kind in priority order; paid time then splits exactly into
//! delivered work (charged to its kind's category), context, rework and
//! idle, with platform fees on top. The same ramp prices the work still due
//! at the horizon, so the two cannot drift apart.

use std::ops::{Index, IndexMut};

use super::costs::Category;
use super::ramp::{Ramp, RampParams};
use super::staffing::Engineer;
use super::world::EngagementTrial;
use super::{EPS, Sim};
use crate::scenario::WorkKind;

/// Work still due this month, by kind.
#[derive(Debug, Clone, Copy)]
pub(super) struct Demand([f64; 4]);

impl Index<WorkKind> for Demand {
    type Output = f64;

    #[inline]
    fn index(&self, kind: WorkKind) -> &f64 {
        &self.0[kind as usize]
    }
}

impl IndexMut<WorkKind> for Demand {
    #[inline]
    fn index_mut(&mut self, kind: WorkKind) -> &mut f64 {
        &mut self.0[kind as usize]
    }
}

impl EngagementTrial {
    /// Paid time, engineer-months, of an engineer present for `present` of a
    /// month who worked `used`: an employee is paid for presence (its
    /// available part, `capacity` engineer-months a month, each costing the
    /// monthly cost divided by availability), a freelancer for the hours
    /// worked, or the retainer if more (live months).
    #[inline]
    fn billed(&self, used: f64, present: f64, live: bool) -> f64 {
        if self.contract.bills_hours() {
            if self.on_retainer() && live {
                used.max(self.retainer * present)
            } else {
                used
            }
        } else {
            present * self.capacity
        }
    }
}

impl Sim<'_> {
    /// Section 5: the ramp of engagement `e`'s engineer starting a stretch
    /// with context `k`, against the context there is to know now.
    #[inline]
    pub(super) fn ramp(&self, e: usize, k: f64) -> Ramp {
        let need = self.full_context.min(self.built);
        let rp = RampParams {
            p0: self.p0,
            rework_base: self.rework_base,
            rework_at_zero: self.rework_zero,
            multiplier: self.eng(e).rework_multiplier,
        };
        Ramp::new(&rp, k, need)
    }

    /// Section 5: whether work in `e`'s scope calls a freelancer in.
    #[inline]
    pub(super) fn called_for(&self, e: usize) -> bool {
        let s = self.eng(e).scope;
        (s.has(WorkKind::Build) && self.build_due > EPS)
            || (s.has(WorkKind::Roadmap) && self.roadmap_due > EPS)
            || (s.has(WorkKind::Remediation) && self.d_d > self.act_above)
    }

    /// 6.3: the work to do this month, by kind.
    #[inline]
    pub(super) fn demand(&self, live: bool) -> Demand {
        let mut d = Demand([0.0; 4]);
        d[WorkKind::Remediation] = self.remediation_due();
        d[WorkKind::Build] = self.build_due;
        d[WorkKind::Maintenance] = if live { self.maintenance } else { 0.0 };
        // The backlog is due from arrival, live or not, but is worked on only
        // while the product is live.
        d[WorkKind::Roadmap] = if live { self.roadmap_due } else { 0.0 };
        d
    }

    /// 6.4: the present engineer works until the month ends, their notice
    /// runs out or the newcomer arrives (then leaves with a handover); the
    /// newcomer arriving at `arrival` starts and works the rest of the
    /// month. Returns whether anyone who worked monitors drift.
    #[inline]
    pub(super) fn work_month(
        &mut self,
        arrival: Option<f64>,
        live: bool,
        demand: &mut Demand,
    ) -> bool {
        let mut monitored = false;
        if let Some(mut g) = self.present.take() {
            let (end, leaves) = g.stretch(arrival);
            self.work(&mut g, end, live, demand, &mut monitored);
            g.serve_notice(end);
            if leaves {
                self.depart(&g);
            } else {
                self.present = Some(g);
            }
        }
        if let Some(a) = arrival
            && let Some(mut g) = self.arrive()
        {
            self.work(&mut g, 1.0 - a, live, demand, &mut monitored);
            self.present = Some(g);
        }
        monitored
    }

    /// 6.4: one engineer present for `frac` of the month serves `demand` in
    /// priority order and is paid; their context grows with the time worked.
    #[inline]
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
        let ramp = self.ramp(g.e, g.k);
        let rate = en.cost_per_month;
        let time = frac * en.capacity;
        // Output the whole stretch could deliver, and delivered so far.
        let most = ramp.output(time);
        let mut out = 0.0;
        let mut used = 0.0;
        for kind in en.scope.kinds() {
            let d = demand[kind];
            if d <= EPS || used >= time {
                continue;
            }
            let (delivered, rest) = if most - out >= d {
                used = ramp.time_for(out + d).clamp(used, time);
                (d, 0.0)
            } else {
                used = time;
                ((most - out).max(0.0), (d - (most - out)).max(0.0))
            };
            out += delivered;
            demand[kind] = rest;
            self.out.costs[Category::of_work(kind)] += delivered * rate;
            self.delivered(kind, delivered, rest);
        }
        if en.scope.has(WorkKind::Remediation) {
            self.repairs_take_no_time();
        }
        let costs = &mut self.out.costs;
        costs[Category::Context] += ramp.context(used) * rate;
        costs[Category::Rework] += ramp.rework(used) * rate;
        let billed = en.billed(used, frac, live);
        costs[Category::Idle] += (billed - used).max(0.0) * rate;
        costs[Category::Hiring] += en.platform_fee * billed * rate;
        g.k = (g.k + used).min(self.full_context);
    }

    /// Records `delivered` work of `kind`, `rest` of it still due.
    #[inline]
    fn delivered(&mut self, kind: WorkKind, delivered: f64, rest: f64) {
        match kind {
            WorkKind::Build => {
                self.build_due = rest;
                self.built += delivered;
            }
            WorkKind::Roadmap => {
                self.roadmap_due = rest;
                self.built += delivered;
            }
            WorkKind::Remediation => self.remediated(rest),
            WorkKind::Maintenance => {}
        }
    }

    /// Section 7: the work still due at the horizon, priced at what the
    /// engineer who would do it (the present one, or the current phase's
    /// engagement with the documented context) would take.
    pub(super) fn price_unfinished(&mut self) {
        let due = self.build_due + self.roadmap_due + self.d_d * self.rem_per_sev;
        if due > EPS {
            let (e, k) = match self.present {
                Some(g) => (g.e, g.k),
                None => (
                    self.current_engagement(),
                    self.docs_k.min(self.full_context),
                ),
            };
            // One unbounded stretch: ramp-up paid once.
            let time = self.ramp(e, k).time_for(due);
            self.out.costs[Category::Unfinished] += time * self.unfinished_cost;
        }
    }
}
