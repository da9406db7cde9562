//! Drift: the live product's degradation (docs/MODEL.md 6.3, 6.4, 6.6, 6.7).
//!
//! Degradation comes in two parts: `d_u`, not yet detected, and `d_d`,
//! detected and awaiting repair. Drift events and unmaintained months add to
//! `d_u`; detection (faster when someone monitors) moves it to `d_d`;
//! remediation work removes `d_d` in proportion to the repairs delivered.
//! While live, the total degradation costs value at risk every month.

use super::Sim;
use super::costs::Category;
use super::work::Demand;
use crate::scenario::WorkKind;

/// Degradation above which a month counts as degraded.
const DEGRADED_MONTH: f64 = 0.01;

impl Sim<'_> {
    /// 6.3: the remediation due, engineer-months, for the detected
    /// degradation (none when repairs take no time).
    #[inline]
    pub(super) fn remediation_due(&self) -> f64 {
        if self.rem_per_sev > 0.0 {
            self.d_d * self.rem_per_sev
        } else {
            0.0
        }
    }

    /// 6.4: remediation delivered, with `rest` engineer-months of it still
    /// due: the detected degradation falls in proportion.
    #[inline]
    pub(super) fn remediated(&mut self, rest: f64) {
        self.d_d = rest / self.rem_per_sev;
    }

    /// 6.4: with remediation in an engineer's scope and repairs that take no
    /// time, whoever can do them does.
    #[inline]
    pub(super) fn repairs_take_no_time(&mut self) {
        if self.rem_per_sev <= 0.0 {
            self.d_d = 0.0;
        }
    }

    /// 6.6: month `m`'s drift events and the decay of the maintenance left
    /// undone (per engineer-month) add undetected degradation (capped so the total stays at most
    /// 1); then part of it is detected, more of it if `monitored`.
    #[inline]
    pub(super) fn drift(&mut self, m: usize, demand: &Demand, monitored: bool) {
        self.d_u += self.w.drift_severity[m];
        self.out.drift_events += self.w.drift_events[m];
        // Decay in proportion to the engineer-months of upkeep left undone.
        self.d_u += demand[WorkKind::Maintenance] * self.decay;
        if self.d_u + self.d_d > 1.0 {
            self.d_u = (1.0 - self.d_d).max(0.0);
        }
        let moved = if monitored {
            self.det_mon
        } else {
            self.det_unmon
        } * self.d_u;
        self.d_u -= moved;
        self.d_d += moved;
    }

    /// 6.7: a live month's degradation costs value at risk, and counts as a
    /// degraded month above [`DEGRADED_MONTH`].
    #[inline]
    pub(super) fn degradation(&mut self) {
        let degradation = self.d_u + self.d_d;
        if degradation > DEGRADED_MONTH {
            self.out.months_degraded += 1;
        }
        self.out.costs[Category::Degradation] += degradation * self.value_at_risk;
    }
}
