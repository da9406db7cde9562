//! The engine: trials in parallel, results collected deterministically.
//!
//! Trials are split into fixed-size chunks; rayon simulates chunks in
//! parallel and the results are concatenated in chunk order. Every random
//! number comes from a stream keyed by `(seed, trial, name)`, and every
//! reduction downstream runs over trials in index order, so the results do
//! not depend on the number of threads or on rayon's scheduling.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::model::{self, Outcome, World};
use crate::scenario::Scenario;

/// Trials simulated together by one task.
const CHUNK: u64 = 256;

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    pub trials: u64,
    pub horizon: u32,
    pub seed: u64,
}

impl RunPlan {
    /// The plan of a scenario's `[simulation]` section.
    pub fn from_scenario(sc: &Scenario) -> RunPlan {
        RunPlan {
            trials: sc.simulation.trials,
            horizon: sc.simulation.horizon_months,
            seed: sc.simulation.seed,
        }
    }

    /// Bytes of memory the results of this plan take, roughly.
    pub fn memory_estimate(&self, strategies: usize) -> u64 {
        let per = std::mem::size_of::<Outcome>() as u64 + 8 * u64::from(self.horizon);
        self.trials * strategies as u64 * per
    }
}

/// Every trial's results.
#[derive(Debug, Clone)]
pub struct Results {
    /// Strategy names, in scenario order.
    pub strategies: Vec<String>,
    pub plan: RunPlan,
    /// Outcomes, trial-major: trial `t`, strategy `s` at `t * S + s`.
    pub outcomes: Vec<Outcome>,
    /// Cumulative cost at the end of each month: trial `t`, strategy `s`,
    /// month `m` at `(t * S + s) * H + m`.
    pub cumulative: Vec<f64>,
}

impl Results {
    /// Number of strategies.
    pub fn n_strategies(&self) -> usize {
        self.strategies.len()
    }

    /// The outcome of strategy `s` in trial `t`.
    pub fn outcome(&self, t: usize, s: usize) -> &Outcome {
        &self.outcomes[t * self.n_strategies() + s]
    }

    /// Strategy `s`'s totals in trial order.
    pub fn totals(&self, s: usize) -> Vec<f64> {
        let n = self.n_strategies();
        self.outcomes
            .iter()
            .skip(s)
            .step_by(n)
            .map(|o| o.total)
            .collect()
    }

    /// Strategy `s`'s cumulative cost at the end of month `m`, in trial order.
    pub fn cumulative_at(&self, s: usize, m: usize) -> Vec<f64> {
        let h = self.plan.horizon as usize;
        let n = self.n_strategies();
        (0..self.plan.trials as usize)
            .map(|t| self.cumulative[(t * n + s) * h + m])
            .collect()
    }
}

/// Runs `plan` on the current rayon pool; `progress` is told how many
/// trials have finished, now and then.
pub fn run(sc: &Scenario, plan: RunPlan, progress: &(dyn Fn(u64) + Sync)) -> Results {
    let s_count = sc.strategies.len();
    let h = plan.horizon as usize;
    let chunks = plan.trials.div_ceil(CHUNK);
    let done = AtomicU64::new(0);
    let parts: Vec<(Vec<Outcome>, Vec<f64>)> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let start = c * CHUNK;
            let end = (start + CHUNK).min(plan.trials);
            let n = (end - start) as usize;
            let mut outcomes = Vec::with_capacity(n * s_count);
            let mut cumulative = vec![0.0; n * s_count * h];
            let mut world = World::default();
            for (i, trial) in (start..end).enumerate() {
                world.sample(sc, plan.seed, trial, h);
                for s in 0..s_count {
                    let at = (i * s_count + s) * h;
                    outcomes.push(model::simulate(
                        sc,
                        &world,
                        s,
                        plan.seed,
                        trial,
                        &mut cumulative[at..at + h],
                    ));
                }
            }
            progress(done.fetch_add(end - start, Ordering::Relaxed) + (end - start));
            (outcomes, cumulative)
        })
        .collect();
    let mut outcomes = Vec::with_capacity(plan.trials as usize * s_count);
    let mut cumulative = Vec::with_capacity(plan.trials as usize * s_count * h);
    for (o, c) in parts {
        outcomes.extend(o);
        cumulative.extend(c);
    }
    Results {
        strategies: sc.strategies.iter().map(|s| s.name.clone()).collect(),
        plan,
        outcomes,
        cumulative,
    }
}
