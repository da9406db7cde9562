//! Settings that are valid but make a strategy, or a comparison, mean less
//! than a user would think: warnings that `validate` and `run` print (exit
//! 0), never errors, because a user may mean them.
//!
//! Each warning is decided from the scenario alone (means and medians of
//! its distributions, exactly), for a given horizon: `run --horizon`
//! changes what falls past the end. Months are numbered `0 .. H-1`
//! (docs/MODEL.md section 1), so something that first happens in month `H`
//! or later never happens in the run.

use std::fmt;

use super::{CapacityWarning, EngagementKind, HOURS_PER_MONTH, Scenario, Until, capacity_warnings};

/// A setting worth a second look.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioWarning {
    /// A phase ends at `{ month = N }` with `N >= H`: the phases after it
    /// never start.
    PhaseEndsPastHorizon {
        /// The strategy's name.
        strategy: String,
        /// The phase's index (0 for the first).
        phase: usize,
        /// The phase's engagement.
        engagement: String,
        /// The month it ends at.
        month: u32,
        /// The horizon, in months.
        horizon: u32,
    },
    /// The median target launch month is at or past the horizon: no delay
    /// is charged for a late launch and no roadmap project arrives in most
    /// trials.
    TargetPastHorizon {
        /// Median target launch month.
        median: f64,
        /// The horizon, in months.
        horizon: u32,
    },
    /// The median build effort is more than any engagement can deliver
    /// within the horizon at full speed: nothing launches in most trials.
    BuildLongerThanHorizon {
        /// Median build effort, in engineer-months.
        median: f64,
        /// Most effort any engagement delivers within the horizon.
        most: f64,
        /// The horizon, in months.
        horizon: u32,
    },
    /// Two strategies staffed the same way, phase for phase: their results
    /// are the same in every trial.
    SameStrategies {
        /// The first strategy's name.
        first: String,
        /// The second strategy's name.
        second: String,
    },
    /// A phase asked for more work than one engineer can do.
    Capacity(CapacityWarning),
}

impl fmt::Display for ScenarioWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioWarning::PhaseEndsPastHorizon {
                strategy,
                phase,
                engagement,
                month,
                horizon,
            } => write!(
                f,
                "strategy {strategy:?}: phase {phase} ({engagement:?}) lasts until month {month}, but the horizon is {horizon} months (months 0 to {}): the phases after it never start, so this strategy is {engagement:?} alone; end the phase before month {horizon} or lengthen simulation.horizon_months",
                horizon - 1
            ),
            ScenarioWarning::TargetPastHorizon { median, horizon } => write!(
                f,
                "project.target_launch_month: the target launch (median month {}) is at or past the end of the {horizon}-month horizon, so in most trials no delay is charged for launching late and no roadmap project arrives within the run; lengthen simulation.horizon_months or move the target earlier",
                trim(*median)
            ),
            ScenarioWarning::BuildLongerThanHorizon {
                median,
                most,
                horizon,
            } => write!(
                f,
                "project.build_effort_months: the median build effort ({} engineer-months) is more than any engagement can deliver in the {horizon}-month horizon ({} engineer-months at full speed), so in most trials nothing launches and the totals compare the cost of a system still unfinished; lengthen simulation.horizon_months",
                trim(*median),
                trim(*most)
            ),
            ScenarioWarning::SameStrategies { first, second } => write!(
                f,
                "strategies {first:?} and {second:?} are staffed the same way, phase for phase: their results are identical in every trial, and they split P(cheapest) between them"
            ),
            ScenarioWarning::Capacity(w) => w.fmt(f),
        }
    }
}

/// A number as a sentence writes it: at most two decimals, no trailing
/// zeros.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Every warning for `sc` run over `horizon` months, in a fixed order:
/// horizon-related ones first, then identical strategies, then capacity.
pub fn scenario_warnings(sc: &Scenario, horizon: u32) -> Vec<ScenarioWarning> {
    let mut out = Vec::new();
    let median = |id: usize| sc.inputs[id].dist.quantile(0.5);
    let mean = |id: usize| sc.inputs[id].dist.mean();
    for s in &sc.strategies {
        for (i, p) in s.phases.iter().enumerate() {
            if let Some(Until::Month(n)) = p.until
                && n >= horizon
            {
                out.push(ScenarioWarning::PhaseEndsPastHorizon {
                    strategy: s.name.clone(),
                    phase: i + 1,
                    engagement: sc.engagements[p.engagement].name.clone(),
                    month: n,
                    horizon,
                });
            }
        }
    }
    let target = median(sc.world.target_launch_month);
    if target >= f64::from(horizon) {
        out.push(ScenarioWarning::TargetPastHorizon {
            median: target,
            horizon,
        });
    }
    let most_per_month = sc
        .engagements
        .iter()
        .map(|e| match &e.kind {
            EngagementKind::Employee(x) => mean(x.availability),
            EngagementKind::Freelance(x) => mean(x.max_hours_per_month) / HOURS_PER_MONTH,
        })
        .fold(0.0, f64::max);
    let build = median(sc.world.build_effort_months);
    let most = most_per_month * f64::from(horizon);
    if build > most {
        out.push(ScenarioWarning::BuildLongerThanHorizon {
            median: build,
            most,
            horizon,
        });
    }
    for (i, a) in sc.strategies.iter().enumerate() {
        for b in &sc.strategies[i + 1..] {
            if a.phases == b.phases {
                out.push(ScenarioWarning::SameStrategies {
                    first: a.name.clone(),
                    second: b.name.clone(),
                });
            }
        }
    }
    out.extend(
        capacity_warnings(sc)
            .into_iter()
            .map(ScenarioWarning::Capacity),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::DEFAULT_SCENARIO;

    fn default() -> Scenario {
        Scenario::from_toml(DEFAULT_SCENARIO, "default.toml").unwrap()
    }

    #[test]
    fn the_default_scenario_draws_no_warning() {
        assert_eq!(scenario_warnings(&default(), 36), vec![]);
    }

    #[test]
    fn a_short_horizon_warns_of_the_target_and_the_build() {
        let w = scenario_warnings(&default(), 3);
        assert!(
            w.iter()
                .any(|w| matches!(w, ScenarioWarning::TargetPastHorizon { horizon: 3, .. })),
            "{w:?}"
        );
        assert!(
            w.iter().any(|w| matches!(
                w,
                ScenarioWarning::BuildLongerThanHorizon { horizon: 3, .. }
            )),
            "{w:?}"
        );
    }

    #[test]
    fn a_phase_ending_at_or_past_the_horizon_is_named() {
        let text = DEFAULT_SCENARIO.replace("until = \"traction\"", "until = { month = 36 }");
        let sc = Scenario::from_toml(&text, "x.toml").unwrap();
        let w = scenario_warnings(&sc, 36);
        assert!(
            w.iter().any(|w| matches!(
                w,
                ScenarioWarning::PhaseEndsPastHorizon {
                    month: 36,
                    phase: 1,
                    ..
                }
            )),
            "{w:?}"
        );
        // Ending in month 35 leaves the last month to the next phase.
        let text = DEFAULT_SCENARIO.replace("until = \"traction\"", "until = { month = 35 }");
        let sc = Scenario::from_toml(&text, "x.toml").unwrap();
        assert_eq!(scenario_warnings(&sc, 36), vec![]);
    }
}
