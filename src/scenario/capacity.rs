//! One engineer at a time: does a scenario ask one person for more work
//! than one person can do? (docs/MODEL.md section 10, "One engineer at a
//! time".)
//!
//! A strategy has one engineer at work (two only while handing over). When
//! the expected monthly output a phase's engagement is asked for exceeds its
//! mean capacity, its backlog, and the delay the backlog costs, grow without
//! bound: the numbers then say more about the scenario than about the
//! strategy. This is a warning, not an error: a user may mean it.
//!
//! Expected demand is `E[maintenance_per_month] + E[projects_per_month] *
//! E[project_size_months] + E[events_per_month] * E[severity] *
//! E[remediation_months_per_severity]`, counting only the kinds in the
//! engagement's scope (rework is not counted, and the build is finite).
//! Capacity is `E[availability]` for an employee and
//! `E[max_hours_per_month] / 160` for a freelancer. Expected values are the
//! exact means of the distributions.

use std::fmt;

use super::{EngagementKind, HOURS_PER_MONTH, Scenario, WorkKind};

/// A strategy phase whose engagement is asked for more than it can give.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityWarning {
    /// The strategy's name.
    pub strategy: String,
    /// The phase's engagement.
    pub engagement: String,
    /// Expected output demand, engineer-months per month.
    pub demand: f64,
    /// Mean capacity, engineer-months per month.
    pub capacity: f64,
}

impl fmt::Display for CapacityWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "strategy {:?}: engagement {:?} is asked for {:.2} engineer-months of work a month on average but one engineer gives {:.2}; its backlog and the delay it costs grow without bound, so its figures mostly measure that overload (lower the roadmap or upkeep, or raise the capacity)",
            self.strategy, self.engagement, self.demand, self.capacity
        )
    }
}

/// Every phase, of every strategy, whose engagement's expected monthly
/// demand exceeds its mean capacity (each strategy and engagement once).
pub fn capacity_warnings(sc: &Scenario) -> Vec<CapacityWarning> {
    let mean = |id: usize| sc.inputs[id].dist.mean();
    let w = &sc.world;
    let by_kind = |kind: WorkKind| match kind {
        WorkKind::Maintenance => mean(w.maintenance_per_month),
        WorkKind::Roadmap => mean(w.projects_per_month) * w.project_size_months.mean(),
        WorkKind::Remediation => {
            mean(w.events_per_month) * w.severity.mean() * mean(w.remediation_months_per_severity)
        }
        WorkKind::Build => 0.0,
    };
    let mut out = Vec::new();
    for s in &sc.strategies {
        for p in &s.phases {
            let e = &sc.engagements[p.engagement];
            let demand: f64 = e.scope.kinds().map(by_kind).sum();
            let capacity = match &e.kind {
                EngagementKind::Employee(x) => mean(x.availability),
                EngagementKind::Freelance(x) => mean(x.max_hours_per_month) / HOURS_PER_MONTH,
            };
            let warning = CapacityWarning {
                strategy: s.name.clone(),
                engagement: e.name.clone(),
                demand,
                capacity,
            };
            if demand > capacity && !out.contains(&warning) {
                out.push(warning);
            }
        }
    }
    out
}
