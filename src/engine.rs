//! The engine: trials in parallel, results collected deterministically.
//!
//! Trials are split into fixed-size chunks. Rayon simulates a wave of chunks
//! in parallel; the wave's outputs are then folded in chunk order: per-trial
//! totals (TCO, cash, lost value) and input values are appended, trials.csv rows are streamed to
//! disk, and the monthly figures go into mergeable aggregates (integer
//! histogram sketches and fixed-point exact sums, which give the same result
//! in any order). Memory therefore grows with trials x strategies, not with
//! months, and nothing depends on the number of threads. Every random number
//! comes from a stream keyed by `(seed, trial, name)`.

use rayon::prelude::*;

use crate::model::{self, CATEGORIES, EventInput, Outcome, World};
use crate::scenario::Scenario;
use crate::stats::sketch::bucket;
use crate::stats::{Aggregates, InputDraws, PerTrial, Sums, Totals, TotalsError};

/// Values (trial x strategy x month) simulated per chunk, about.
const CHUNK_VALUES: usize = 1 << 17;
/// Most trials per chunk.
const CHUNK_TRIALS: usize = 512;

/// What to run: trials `first_trial .. first_trial + trials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    /// Trials to run.
    pub trials: u64,
    /// Months per trial.
    pub horizon: u32,
    /// Seed of every random stream.
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

    /// Bytes of memory a run of this plan needs at its peak, an upper
    /// bound: per trial and strategy six numbers (its total, cash and lost
    /// value, and the sorted copies and ranks the statistics and analyses
    /// make of them), per trial and varying input its value and its rank,
    /// and per strategy and month a sketch. Measured peaks (release build,
    /// 2 threads, default scenario, 20,000 and 80,000 trials, no trials.csv
    /// or charts): 40.6 bytes per trial and strategy and 6.4 per trial and
    /// input, with 4 strategies as with 64.
    pub fn memory_estimate(&self, sc: &Scenario) -> u64 {
        let s = sc.strategies.len() as u64;
        let inputs = varying_inputs(sc).len() + model::event_inputs(sc).len();
        let per_trial = 6 * 8 * s + 8 * inputs as u64;
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

/// Every trial's results.
#[derive(Debug, Clone)]
pub struct Results {
    /// What was run.
    pub plan: RunPlan,
    /// TCO per trial and strategy.
    pub totals: Totals,
    /// Cash per trial and strategy: every category but degradation and delay.
    pub cash: Totals,
    /// Lost value per trial and strategy: degradation and delay.
    pub lost_value: Totals,
    /// Each trial's values of the inputs that vary: the per-trial inputs,
    /// then the first draw of each per-event input.
    pub inputs: InputDraws,
    /// Monthly and category figures.
    pub agg: Aggregates,
}

impl Results {
    /// Appends the results of the trials that follow these (a later batch
    /// of the same scenario, seed and horizon).
    pub fn append(&mut self, next: Results) -> Result<(), TotalsError> {
        if next.plan.first_trial != self.plan.first_trial + self.plan.trials {
            return Err(TotalsError::Mismatch);
        }
        self.totals.append(next.totals)?;
        self.cash.append(next.cash)?;
        self.lost_value.append(next.lost_value)?;
        self.inputs.append(next.inputs)?;
        self.plan.trials += next.plan.trials;
        self.agg.merge(&next.agg);
        Ok(())
    }

    /// Strategy names, in scenario order.
    pub fn strategies(&self) -> &[String] {
        self.totals.strategies()
    }

    /// The TCO, cash and lost value per trial and strategy, together.
    pub fn per_trial(&self) -> PerTrial<'_> {
        PerTrial {
            total: &self.totals,
            cash: &self.cash,
            lost_value: &self.lost_value,
        }
    }
}

/// Where the engine hands each trial's outcomes, in trial order, while a
/// run goes (the trials.csv writer is one). The engine knows only this
/// trait, not any file format.
///
/// Outcomes are recorded into a `Chunk` on the worker thread that simulated
/// them (formatting runs in parallel); finished chunks are then handed to
/// [`TrialSink::write_chunk`] one at a time, in trial order.
pub trait TrialSink: Sync {
    /// A worker's buffer of recorded outcomes.
    type Chunk: Send;
    /// An empty buffer for a chunk of `outcomes` outcomes (trials x
    /// strategies).
    fn start_chunk(&self, outcomes: usize) -> Self::Chunk;
    /// Records the outcome of strategy `strategy` (its index in the
    /// scenario) in trial `trial`.
    fn record(&self, chunk: &mut Self::Chunk, trial: u64, strategy: usize, outcome: &Outcome);
    /// Takes a finished chunk; chunks arrive in trial order.
    fn write_chunk(&self, chunk: Self::Chunk) -> std::io::Result<()>;
}

/// A sink that keeps nothing.
pub struct NoSink;

impl TrialSink for NoSink {
    type Chunk = ();
    #[inline]
    fn start_chunk(&self, _: usize) {}
    #[inline]
    fn record(&self, _: &mut (), _: u64, _: usize, _: &Outcome) {}
    fn write_chunk(&self, _: ()) -> std::io::Result<()> {
        Ok(())
    }
}

/// An optional sink: `None` records nothing.
impl<S: TrialSink> TrialSink for Option<S> {
    type Chunk = Option<S::Chunk>;
    fn start_chunk(&self, outcomes: usize) -> Self::Chunk {
        self.as_ref().map(|s| s.start_chunk(outcomes))
    }
    #[inline]
    fn record(&self, chunk: &mut Self::Chunk, trial: u64, strategy: usize, outcome: &Outcome) {
        if let (Some(s), Some(c)) = (self, chunk) {
            s.record(c, trial, strategy, outcome);
        }
    }
    fn write_chunk(&self, chunk: Self::Chunk) -> std::io::Result<()> {
        match (self, chunk) {
            (Some(s), Some(c)) => s.write_chunk(c),
            _ => Ok(()),
        }
    }
}

/// A chunk's results before they are folded in.
struct ChunkOut<C> {
    totals: Vec<f64>,
    cash: Vec<f64>,
    lost_value: Vec<f64>,
    inputs: Vec<f32>,
    /// Bucket of each cumulative cost: `[(t * S + s) * H + m]`.
    buckets: Vec<u16>,
    /// Exact range of the cumulative cost: `[s * H + m]`.
    min: Vec<f64>,
    max: Vec<f64>,
    sums: Sums,
    /// The sink's record of the chunk's outcomes.
    recorded: C,
}

/// A chunk of trials to simulate: `first .. end`.
struct Chunk<'a> {
    sc: &'a Scenario,
    plan: RunPlan,
    varying: &'a [usize],
    events: &'a [EventInput],
    first: u64,
    end: u64,
}

fn simulate_chunk<S: TrialSink>(c: Chunk<'_>, sink: &S) -> ChunkOut<S::Chunk> {
    let Chunk {
        sc,
        plan,
        varying,
        events,
        first,
        end,
    } = c;
    let s_count = sc.strategies.len();
    let h = plan.horizon as usize;
    let n = (end - first) as usize;
    let sm = s_count * h;
    let mut out = ChunkOut {
        totals: Vec::with_capacity(n * s_count),
        cash: Vec::with_capacity(n * s_count),
        lost_value: Vec::with_capacity(n * s_count),
        inputs: Vec::with_capacity(n * (varying.len() + events.len())),
        buckets: Vec::with_capacity(n * sm),
        min: vec![f64::INFINITY; sm],
        max: vec![f64::NEG_INFINITY; sm],
        sums: Sums::new(s_count, h),
        recorded: sink.start_chunk(n * s_count),
    };
    let mut world = World::default();
    let mut cum = vec![0.0; h];
    let mut quality = vec![0.0; h];
    for trial in first..end {
        world.sample(sc, plan.seed, trial, h);
        out.inputs
            .extend(varying.iter().map(|k| world.values[*k] as f32));
        out.inputs
            .extend(events.iter().map(|e| e.first_draw(plan.seed, trial) as f32));
        for s in 0..s_count {
            let o = model::simulate(sc, &world, s, plan.seed, trial, &mut cum, &mut quality);
            out.totals.push(o.total);
            out.cash.push(o.cash);
            out.lost_value.push(o.lost_value);
            out.sums.total[s].add(o.total);
            out.sums.cash[s].add(o.cash);
            out.sums.lost_value[s].add(o.lost_value);
            for (c, x) in o.costs.iter().enumerate() {
                out.sums.category[s * CATEGORIES.len() + c].add(*x);
            }
            let month = s * h..(s + 1) * h;
            out.buckets.extend(cum.iter().map(|x| bucket(*x)));
            let recorded = out.min[month.clone()]
                .iter_mut()
                .zip(&mut out.max[month.clone()])
                .zip(&mut out.sums.cost[month.clone()])
                .zip(&mut out.sums.degradation[month]);
            for ((((lo, hi), cost), degradation), (x, q)) in recorded.zip(cum.iter().zip(&quality))
            {
                *lo = lo.min(*x);
                *hi = hi.max(*x);
                cost.add(*x);
                let d = 1.0 - q;
                if d != 0.0 {
                    degradation.add(d);
                }
            }
            sink.record(&mut out.recorded, trial, s, &o);
        }
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
    /// The trial sink could not write.
    Io(std::io::Error),
    /// The results broke an invariant of the statistics (a total that is
    /// not finite): a defect of the model, reported rather than summarised.
    Invalid(TotalsError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Cancelled => write!(f, "interrupted"),
            RunError::Io(e) => write!(f, "{e}"),
            RunError::Invalid(e) => write!(f, "the simulation produced invalid results: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `plan` on the current rayon pool, keeping no per-trial rows;
/// `progress` is told how many trials have finished after each wave.
pub fn run(
    sc: &Scenario,
    plan: RunPlan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Results, RunError> {
    let never = std::sync::atomic::AtomicBool::new(false);
    run_with_sink(sc, plan, &NoSink, progress, &never, ALL_INPUTS)
}

/// For [`run_with_sink`]: keep the input draws of every trial.
pub const ALL_INPUTS: u64 = u64::MAX;

/// The per-trial figures as they are folded in, before their invariants
/// are checked.
struct Collected {
    totals: Vec<f64>,
    cash: Vec<f64>,
    lost_value: Vec<f64>,
    inputs: Vec<f32>,
    agg: Aggregates,
}

/// Runs `plan`, handing every trial's outcomes to `sink` in trial order.
/// Stops between waves of chunks (a fraction of a second) once `cancel` is
/// raised. The input draws are kept for the trials numbered below
/// `inputs_kept` only ([`ALL_INPUTS`]: every trial): a run that writes no
/// inputs.csv needs those of the trials its sensitivity and value of
/// information read, and no more.
pub fn run_with_sink<S: TrialSink>(
    sc: &Scenario,
    plan: RunPlan,
    sink: &S,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
    inputs_kept: u64,
) -> Result<Results, RunError> {
    let s_count = sc.strategies.len();
    let h = plan.horizon as usize;
    let varying = varying_inputs(sc);
    let events = model::event_inputs(sc);
    let chunk = (CHUNK_VALUES / (s_count * h).max(1)).clamp(1, CHUNK_TRIALS) as u64;
    let chunks = plan.trials.div_ceil(chunk);
    // Eight chunks per thread in a wave: the threads wait for each other at
    // the end of every wave, and with four per thread that wait cost a
    // sixth of the simulation on two threads (measured: simulation 1.59x
    // one thread with four, 1.88x with eight, 1.89x with sixteen). A wave
    // stays a fraction of a second, so a signal is still answered quickly.
    let wave = (rayon::current_num_threads() * 8).max(8) as u64;
    let mut res = Collected {
        totals: Vec::with_capacity(plan.trials as usize * s_count),
        cash: Vec::with_capacity(plan.trials as usize * s_count),
        lost_value: Vec::with_capacity(plan.trials as usize * s_count),
        inputs: Vec::with_capacity(
            plan.trials
                .min(inputs_kept.saturating_sub(plan.first_trial)) as usize
                * (varying.len() + events.len()),
        ),
        agg: Aggregates::new(s_count, h),
    };
    let (start, end) = (plan.first_trial, plan.first_trial + plan.trials);
    // Each wave is simulated while the previous one is folded in (in chunk
    // order), so the sequential fold overlaps the parallel work.
    let mut pending: Vec<ChunkOut<S::Chunk>> = Vec::new();
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
                        let part = Chunk {
                            sc,
                            plan,
                            varying: &varying,
                            events: &events,
                            first,
                            end: (first + chunk).min(end),
                        };
                        simulate_chunk(part, sink)
                    })
                    .collect::<Vec<_>>()
            },
            || -> std::io::Result<()> {
                for out in folding {
                    fold(&mut res, out, sink, plan.first_trial, inputs_kept)?;
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
        fold(&mut res, out, sink, plan.first_trial, inputs_kept).map_err(RunError::Io)?;
    }
    progress(plan.trials);
    let names: Vec<String> = sc.strategies.iter().map(|s| s.name.clone()).collect();
    let keys = varying
        .iter()
        .map(|k| sc.inputs[*k].key.clone())
        .chain(events.into_iter().map(|e| e.key))
        .collect();
    Ok(Results {
        plan,
        totals: Totals::new(names.clone(), res.totals).map_err(RunError::Invalid)?,
        cash: Totals::new(names.clone(), res.cash).map_err(RunError::Invalid)?,
        lost_value: Totals::new(names, res.lost_value).map_err(RunError::Invalid)?,
        inputs: InputDraws::new(keys, res.inputs).map_err(RunError::Invalid)?,
        agg: res.agg,
    })
}

fn fold<S: TrialSink>(
    res: &mut Collected,
    out: ChunkOut<S::Chunk>,
    sink: &S,
    first_trial: u64,
    inputs_kept: u64,
) -> std::io::Result<()> {
    // The trial number of the chunk's first trial, and how many of its
    // trials keep their input draws.
    let rows = out.totals.len() / res.agg.strategies.max(1);
    let first = first_trial + (res.totals.len() / res.agg.strategies.max(1)) as u64;
    let kept = (inputs_kept.saturating_sub(first) as usize).min(rows);
    let per_row = out.inputs.len().checked_div(rows).unwrap_or(0);
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
    res.cash.extend_from_slice(&out.cash);
    res.lost_value.extend_from_slice(&out.lost_value);
    res.inputs.extend_from_slice(&out.inputs[..kept * per_row]);
    sink.write_chunk(out.recorded)
}
