//! The draws-only baseline as a program, to time beside `tcosim run` (a
//! machine-independent ratio for the whole run):
//!
//! ```sh
//! cargo build --release -p tcosim-bench --bin draws-only
//! target/release/draws-only 200000        # trials of the default scenario
//! ```
//!
//! Draws what the model draws for that many trials of the built-in default
//! scenario on one thread, and prints the sum of the draws and the
//! strategy-trial-months per second.

use std::time::Instant;

use tcosim::Scenario;
use tcosim::engine::RunPlan;
use tcosim::scenario::DEFAULT_SCENARIO;

fn main() {
    let trials = match std::env::args().nth(1).map(|a| a.parse::<u64>()) {
        None => 200_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: draws-only [TRIALS]  (a whole number above 0; default 200000)");
            std::process::exit(2);
        }
    };
    let sc = Scenario::from_toml(DEFAULT_SCENARIO, "default").expect("the default scenario");
    let plan = RunPlan {
        trials,
        ..RunPlan::from_scenario(&sc)
    };
    let clock = Instant::now();
    let sum = tcosim_bench::draws_only(&sc, plan);
    let secs = clock.elapsed().as_secs_f64();
    let units = trials as f64 * sc.strategies.len() as f64 * f64::from(plan.horizon);
    println!(
        "{trials} trials: sum {sum:.6}, {:.3} s, {:.3e} strategy-trial-months/s",
        secs,
        units / secs
    );
}
