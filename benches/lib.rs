//! tcosim's benchmarks (`engine.rs`), kept apart so that `cargo test` does
//! not build criterion, and the draws-only baseline they and the
//! `draws-only` program (`draws_only.rs`) share.

use tcosim::Scenario;
use tcosim::engine::RunPlan;
use tcosim::model::World;
use tcosim::rng;

/// The draws the model makes for `plan`, without the model: each trial's
/// world (the same distributions and PRNG streams) and the monthly leaving
/// draw of every strategy. Returns a sum so that nothing is optimised away.
pub fn draws_only(sc: &Scenario, plan: RunPlan) -> f64 {
    let h = plan.horizon as usize;
    let mut world = World::default();
    let mut acc = 0.0;
    for trial in plan.first_trial..plan.first_trial + plan.trials {
        world.sample(sc, plan.seed, trial, h);
        for s in 0..sc.strategies.len() {
            let prefix = world.engagements[sc.strategies[s].phases[0].engagement].leave_prefix;
            for m in 0..h as u64 {
                acc += rng::uniform_at(prefix, m);
            }
        }
    }
    acc
}
