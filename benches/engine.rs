//! Engine throughput on the built-in default scenario, in
//! strategy-trial-months per second (one strategy, one trial, one month is
//! the unit of work): the engine on one thread and on all cores, and a
//! baseline that only draws the random numbers the model needs (each
//! trial's world with the same distributions and the same PRNG streams, and
//! the monthly leaving draw of every strategy), so that engine / baseline
//! is a machine-independent figure.
//!
//! Run with `cargo bench --bench engine`; criterion prints `thrpt` in
//! elements (strategy-trial-months) per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tcosim::Scenario;
use tcosim::engine::{self, RunPlan};
use tcosim::scenario::DEFAULT_SCENARIO;
use tcosim_bench::draws_only;

fn engine_throughput(c: &mut Criterion) {
    let sc = Scenario::from_toml(DEFAULT_SCENARIO, "default").expect("default scenario");
    let plan = RunPlan {
        trials: 4000,
        ..RunPlan::from_scenario(&sc)
    };
    let units = plan.trials * sc.strategies.len() as u64 * u64::from(plan.horizon);
    let mut g = c.benchmark_group("default_scenario");
    g.throughput(Throughput::Elements(units));
    g.sample_size(10);
    g.bench_function("draws_only_baseline_1_thread", |b| {
        b.iter(|| draws_only(&sc, plan))
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        g.bench_function(format!("engine_{threads}_threads"), |b| {
            b.iter(|| pool.install(|| engine::run(&sc, plan, &|_| {}).expect("runs")))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // No HTML plots: criterion's plotting does not work with the font setup
    // of tcosim's own plotters build, and the figures that matter are printed.
    config = Criterion::default().without_plots();
    targets = engine_throughput
}
criterion_main!(benches);
