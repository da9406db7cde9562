//! Engine throughput on the built-in default scenario, in
//! strategy-trial-months per second (one strategy, one trial, one month is
//! the unit of work), on one thread and on all cores.
//!
//! Run with `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::scenario::DEFAULT_SCENARIO;

fn engine_throughput(c: &mut Criterion) {
    let sc = Scenario::from_toml(DEFAULT_SCENARIO, "default").expect("default scenario");
    let plan = RunPlan {
        trials: 2000,
        ..RunPlan::from_scenario(&sc)
    };
    let units = plan.trials * sc.strategies.len() as u64 * u64::from(plan.horizon);
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(units));
    g.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        g.bench_function(format!("default_{threads}_threads"), |b| {
            b.iter(|| pool.install(|| engine::run(&sc, plan, &|_| {})))
        });
    }
    g.finish();
}

criterion_group!(benches, engine_throughput);
criterion_main!(benches);
