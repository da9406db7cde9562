//! The product's life: launch, phases, traction and retirement
//! (docs/MODEL.md 4, 6.5, 6.7 and 6.8).
//!
//! The product goes live the month after its build is delivered; until then,
//! past the target month, every month costs delay. A strategy moves through
//! its phases as their `until` conditions hold, one phase a month at most.
//! Once traction is known, a product without it is retired: staffing, work,
//! drift and costs stop, except the severance owed to an employee.

use super::costs::Category;
use super::world::Contract;
use super::{EPS, Sim};
use crate::scenario::Until;

impl Sim<'_> {
    /// The engagement of the current phase.
    #[inline]
    pub(super) fn current_engagement(&self) -> usize {
        self.phases[self.phase].engagement
    }

    /// Whether the product is live in month `m`.
    #[inline]
    pub(super) fn live(&self, m: u32) -> bool {
        !self.retired && self.launch.is_some_and(|l| m >= l)
    }

    /// 6.5: once the build is delivered, the product is live from next month.
    #[inline]
    pub(super) fn launch_if_built(&mut self, m: u32) {
        if self.launch.is_none() && self.build_due <= EPS {
            self.build_due = 0.0;
            self.launch = Some(m + 1);
        }
    }

    /// 6.7: month `m` costs delay if the product is not live by then and the
    /// target month has come.
    #[inline]
    pub(super) fn delay(&mut self, m: usize) {
        if self.launch.is_none_or(|l| (m as u32) < l) && m as f64 >= self.target_launch {
            self.out.costs[Category::Delay] += self.cost_of_delay;
        }
    }

    /// 6.7: in a live month, the roadmap work still due after the month's
    /// work costs delay per engineer-month waiting.
    #[inline]
    pub(super) fn backlog_delay(&mut self) {
        self.out.costs[Category::Delay] += self.roadmap_due * self.backlog_cost;
    }

    /// 6.7: month `m`'s roadmap projects join the work due, in every month
    /// from the target launch month on, live or not (the world's arrivals are
    /// the same for every strategy, whatever its launch).
    #[inline]
    pub(super) fn roadmap_arrives(&mut self, m: usize) {
        if m as f64 >= self.target_launch {
            self.roadmap_due += self.w.roadmap_arrivals[m];
            self.out.roadmap_work += self.w.roadmap_arrivals[m];
        }
    }

    /// 6.8: whether traction is known at the end of month `m`: the product
    /// has been live the required number of months.
    #[inline]
    pub(super) fn traction_known(&self, m: usize) -> bool {
        self.launch
            .is_some_and(|l| m as f64 >= f64::from(l) - 1.0 + self.known_after)
    }

    /// 6.8: if the current phase's `until` holds at the end of month `m`, the
    /// next phase begins: the running search is cancelled, the present
    /// engineer becomes the outgoing one and the next boundary searches.
    #[inline]
    pub(super) fn end_phase_if_done(&mut self, m: u32, traction_known: bool) {
        if self.retired || self.phase + 1 >= self.phases.len() {
            return;
        }
        let holds = match self.phases[self.phase].until {
            Some(Until::Launch) => self.launch.is_some(),
            Some(Until::Traction) => traction_known && self.w.traction,
            Some(Until::Month(n)) => m + 1 >= n,
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

    /// 6.8: a product whose traction is known not to come is retired: the
    /// search is cancelled, due work and degradation are dropped and the
    /// present engineer released (an employee not on notice with severance).
    #[inline]
    pub(super) fn retire_without_traction(&mut self, traction_known: bool) {
        if self.retired || !traction_known || self.w.traction {
            return;
        }
        self.retired = true;
        self.out.retired = true;
        self.search = None;
        self.roadmap_due = 0.0;
        self.d_u = 0.0;
        self.d_d = 0.0;
        if let Some(g) = self.present.take() {
            let en = self.eng(g.e);
            if en.contract == Contract::Employee && g.notice_left.is_none() {
                self.out.costs[Category::Idle] += en.severance;
            }
        }
    }
}
