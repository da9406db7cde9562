//! The engine: trials in parallel, results collected deterministically.
//!
//! Trials are split into fixed-size chunks. Rayon simulates a wave of chunks
//! in parallel; the wave's outputs are then folded in chunk order: per-trial
//! totals and input values are appended, trials.csv rows are streamed to
//! disk, and the monthly figures go into mergeable aggregates (integer
//! histogram sketches and fixed-point exact sums, which give the same result
//! in any order). Memory therefore grows with trials x strategies, not with
//! months, and nothing depends on the number of threads. Every random number
//! comes from a stream keyed by `(seed, trial, name)`.

use std::io::Write;

use rayon::prelude::*;

use crate::model::{self, CATEGORIES, Outcome, World};
use crate::report::csv::trial_row;
use crate::scenario::Scenario;
use crate::stats::exact::ExactSum;
use crate::stats::sketch::{Sketch, bucket};

/// Values (trial x strategy x month) simulated per chunk, about.
const CHUNK_VALUES: usize = 1 << 17;
/// Most trials per chunk.
const CHUNK_TRIALS: usize = 512;

/// What to run: trials `first_trial .. first_trial + trials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    pub trials: u64,
    pub horizon: u32,
    pub seed: u64,
    /// Index of the first trial (0 for a whole run; later for precision
    /// batches and shards, which use exactly the streams those trials have
    /// in a whole run).
    pub first_trial: u64,
}

impl RunPlan {
    /// The plan of a scenario's `[simulation]` section.
    pub fn from_scenario(sc: &Scenario) -> RunPlan {
        RunPlan {
            trials: sc.simulation.trials,
            horizon: sc.simulation.horizon_months,
            seed: sc.simulation.seed,
            first_trial: 0,
        }
    }

    /// Bytes of memory a run of this plan needs, roughly: per trial and
    /// strategy its total, per trial each varying input, and per strategy and
    /// month a sketch.
    pub fn memory_estimate(&self, sc: &Scenario) -> u64 {
        let s = sc.strategies.len() as u64;
        let per_trial = 8 * s + 4 * varying_inputs(sc).len() as u64;
        let per_month = s * u64::from(self.horizon) * (8 * 4096 + 64);
        self.trials * per_trial + per_month + (64 << 20)
    }
}

/// Indices of the inputs that vary across trials (sampled from a
/// distribution), in scenario order.
pub fn varying_inputs(sc: &Scenario) -> Vec<usize> {
    sc.inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.dist.is_fixed())
        .map(|(k, _)| k)
        .collect()
}

/// Exact sums of a run's figures, mergeable in any order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    /// Cumulative cost at the end of each month: `[s * H + m]`.
    pub cost: Vec<ExactSum>,
    /// Degradation (1 - model quality) at the end of each month: `[s * H + m]`
    /// (summed as degradation because it is mostly zero, which costs nothing).
    pub degradation: Vec<ExactSum>,
    /// Each cost category: `[s * 11 + c]`.
    pub category: Vec<ExactSum>,
    /// The TCO: `[s]`.
    pub total: Vec<ExactSum>,
}

impl Sums {
    fn new(strategies: usize, horizon: usize) -> Sums {
        let sm = strategies * horizon;
        Sums {
            cost: vec![ExactSum::default(); sm],
            degradation: vec![ExactSum::default(); sm],
            category: vec![ExactSum::default(); strategies * CATEGORIES.len()],
            total: vec![ExactSum::default(); strategies],
        }
    }

    /// Adds another set of sums of the same shape.
    pub fn merge(&mut self, o: &Sums) {
        for (a, b) in [
            (&mut self.cost, &o.cost),
            (&mut self.degradation, &o.degradation),
            (&mut self.category, &o.category),
            (&mut self.total, &o.total),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// Monthly and category figures of a run, mergeable in any order.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    pub strategies: usize,
    pub horizon: usize,
    /// Trials counted.
    pub trials: u64,
    /// Cumulative cost at the end of each month: `[s * H + m]`.
    pub cost: Vec<Sketch>,
    pub sums: Sums,
}

impl Aggregates {
    /// Empty aggregates.
    pub fn new(strategies: usize, horizon: usize) -> Aggregates {
        Aggregates {
            strategies,
            horizon,
            trials: 0,
            cost: vec![Sketch::default(); strategies * horizon],
            sums: Sums::new(strategies, horizon),
        }
    }

    /// Adds another run's aggregates (of the same shape).
    pub fn merge(&mut self, o: &Aggregates) {
        self.trials += o.trials;
        for (a, b) in self.cost.iter_mut().zip(&o.cost) {
            a.merge(b);
        }
        self.sums.merge(&o.sums);
    }
}

/// Every trial's results.
#[derive(Debug, Clone)]
pub struct Results {
    /// Strategy names, in scenario order.
    pub strategies: Vec<String>,
    pub plan: RunPlan,
    /// TCO per trial and strategy, trial-major: `[t * S + s]`.
    pub totals: Vec<f64>,
    /// Key paths of the inputs that vary across trials.
    pub inputs: Vec<String>,
    /// Their values per trial, trial-major: `[t * inputs.len() + k]`.
    pub input_values: Vec<f32>,
    /// Monthly and category figures.
    pub agg: Aggregates,
}

impl Results {
    /// Appends the results of the trials that follow these (a later batch
    /// of the same scenario, seed and horizon).
    pub fn append(&mut self, next: Results) {
        debug_assert_eq!(
            next.plan.first_trial,
            self.plan.first_trial + self.plan.trials
        );
        self.plan.trials += next.plan.trials;
        self.totals.extend(next.totals);
        self.input_values.extend(next.input_values);
        self.agg.merge(&next.agg);
    }

    /// Number of strategies.
    pub fn n_strategies(&self) -> usize {
        self.strategies.len()
    }

    /// Number of trials.
    pub fn n_trials(&self) -> usize {
        self.totals.len() / self.strategies.len().max(1)
    }

    /// Strategy `s`'s totals in trial order.
    pub fn totals_of(&self, s: usize) -> Vec<f64> {
        self.totals
            .iter()
            .skip(s)
            .step_by(self.n_strategies())
            .copied()
            .collect()
    }
}

/// A chunk's results before they are folded in.
struct ChunkOut {
    totals: Vec<f64>,
    inputs: Vec<f32>,
    /// Bucket of each cumulative cost: `[(t * S + s) * H + m]`.
    buckets: Vec<u16>,
    /// Exact range of the cumulative cost: `[s * H + m]`.
    min: Vec<f64>,
    max: Vec<f64>,
    sums: Sums,
    /// trials.csv rows, when asked for.
    rows: Vec<u8>,
}

fn simulate_chunk(
    sc: &Scenario,
    plan: RunPlan,
    varying: &[usize],
    first: u64,
    end: u64,
    rows: bool,
) -> ChunkOut {
    let s_count = sc.strategies.len();
    let h = plan.horizon as usize;
    let n = (end - first) as usize;
    let sm = s_count * h;
    let mut out = ChunkOut {
        totals: Vec::with_capacity(n * s_count),
        inputs: Vec::with_capacity(n * varying.len()),
        buckets: Vec::with_capacity(n * sm),
        min: vec![f64::INFINITY; sm],
        max: vec![f64::NEG_INFINITY; sm],
        sums: Sums::new(s_count, h),
        rows: Vec::new(),
    };
    let mut writer = rows.then(|| {
        csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(n * s_count * 160))
    });
    let mut world = World::default();
    let mut cum = vec![0.0; h];
    let mut quality = vec![0.0; h];
    for trial in first..end {
        world.sample(sc, plan.seed, trial, h);
        out.inputs
            .extend(varying.iter().map(|k| world.values[*k] as f32));
        for s in 0..s_count {
            let o = model::simulate(sc, &world, s, plan.seed, trial, &mut cum, &mut quality);
            out.totals.push(o.total);
            out.sums.total[s].add(o.total);
            for (c, x) in o.costs.iter().enumerate() {
                out.sums.category[s * CATEGORIES.len() + c].add(*x);
            }
            let base = s * h;
            for m in 0..h {
                let x = cum[m];
                out.buckets.push(bucket(x));
                out.min[base + m] = out.min[base + m].min(x);
                out.max[base + m] = out.max[base + m].max(x);
                out.sums.cost[base + m].add(x);
                let d = 1.0 - quality[m];
                if d != 0.0 {
                    out.sums.degradation[base + m].add(d);
                }
            }
            if let Some(w) = writer.as_mut() {
                // Writing into a Vec cannot fail.
                let _ = trial_row(w, trial, &sc.strategies[s].name, &o);
            }
        }
    }
    if let Some(w) = writer {
        out.rows = w.into_inner().unwrap_or_default();
    }
    out
}

/// Simulates every strategy of one trial and returns, per strategy, the
/// outcome, the cumulative cost and the quality of each month. For tests and
/// for inspecting single trials.
pub fn trial_outcomes(
    sc: &Scenario,
    plan: RunPlan,
    trial: u64,
) -> Vec<(Outcome, Vec<f64>, Vec<f64>)> {
    let h = plan.horizon as usize;
    let mut world = World::default();
    world.sample(sc, plan.seed, trial, h);
    (0..sc.strategies.len())
        .map(|s| {
            let (mut cum, mut quality) = (vec![0.0; h], vec![0.0; h]);
            let o = model::simulate(sc, &world, s, plan.seed, trial, &mut cum, &mut quality);
            (o, cum, quality)
        })
        .collect()
}

/// Why a run stopped early.
#[derive(Debug)]
pub enum RunError {
    /// The cancel flag was raised (Ctrl-C, SIGTERM).
    Cancelled,
    /// trials.csv could not be written.
    Io(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Cancelled => write!(f, "interrupted"),
            RunError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `plan` on the current rayon pool; `progress` is told how many
/// trials have finished after each wave of chunks.
pub fn run(sc: &Scenario, plan: RunPlan, progress: &(dyn Fn(u64) + Sync)) -> Results {
    let never = std::sync::atomic::AtomicBool::new(false);
    match run_streaming(sc, plan, None, progress, &never) {
        Ok(r) => r,
        Err(_) => unreachable!("a run without a row sink or a cancel signal cannot fail"),
    }
}

/// Runs `plan`, streaming trials.csv rows (without header) into `rows` in
/// trial order when given. Stops between waves of chunks (a fraction of a
/// second) once `cancel` is raised.
pub fn run_streaming(
    sc: &Scenario,
    plan: RunPlan,
    mut rows: Option<&mut (dyn Write + Send)>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Results, RunError> {
    let s_count = sc.strategies.len();
    let h = plan.horizon as usize;
    let varying = varying_inputs(sc);
    let chunk = (CHUNK_VALUES / (s_count * h).max(1)).clamp(1, CHUNK_TRIALS) as u64;
    let chunks = plan.trials.div_ceil(chunk);
    let wave = (rayon::current_num_threads() * 4).max(8) as u64;
    let mut res = Results {
        strategies: sc.strategies.iter().map(|s| s.name.clone()).collect(),
        plan,
        totals: Vec::with_capacity(plan.trials as usize * s_count),
        inputs: varying.iter().map(|k| sc.inputs[*k].key.clone()).collect(),
        input_values: Vec::with_capacity(plan.trials as usize * varying.len()),
        agg: Aggregates::new(s_count, h),
    };
    let want_rows = rows.is_some();
    let (start, end) = (plan.first_trial, plan.first_trial + plan.trials);
    // Each wave is simulated while the previous one is folded in (in chunk
    // order), so the sequential fold overlaps the parallel work.
    let mut pending: Vec<ChunkOut> = Vec::new();
    let mut c0 = 0;
    loop {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(RunError::Cancelled);
        }
        let c1 = (c0 + wave).min(chunks);
        let folding = std::mem::take(&mut pending);
        let (outs, folded) = rayon::join(
            || {
                (c0..c1)
                    .into_par_iter()
                    .map(|c| {
                        let first = start + c * chunk;
                        simulate_chunk(
                            sc,
                            plan,
                            &varying,
                            first,
                            (first + chunk).min(end),
                            want_rows,
                        )
                    })
                    .collect::<Vec<ChunkOut>>()
            },
            || -> std::io::Result<()> {
                for out in folding {
                    fold(&mut res, out, &mut rows)?;
                }
                Ok(())
            },
        );
        folded.map_err(RunError::Io)?;
        if c0 > 0 {
            progress((c0 * chunk).min(plan.trials));
        }
        pending = outs;
        if c1 >= chunks {
            break;
        }
        c0 = c1;
    }
    for out in pending {
        fold(&mut res, out, &mut rows).map_err(RunError::Io)?;
    }
    progress(plan.trials);
    Ok(res)
}

fn fold(
    res: &mut Results,
    out: ChunkOut,
    rows: &mut Option<&mut (dyn Write + Send)>,
) -> std::io::Result<()> {
    let agg = &mut res.agg;
    let sm = agg.strategies * agg.horizon;
    agg.trials += (out.totals.len() / agg.strategies.max(1)) as u64;
    for row in out.buckets.chunks_exact(sm) {
        for (sk, b) in agg.cost.iter_mut().zip(row) {
            sk.add_bucket(*b);
        }
    }
    for (k, sk) in agg.cost.iter_mut().enumerate() {
        sk.merge_range(out.min[k], out.max[k]);
    }
    agg.sums.merge(&out.sums);
    res.totals.extend_from_slice(&out.totals);
    res.input_values.extend_from_slice(&out.inputs);
    if let Some(w) = rows.as_mut() {
        w.write_all(&out.rows)?;
    }
    Ok(())
}
