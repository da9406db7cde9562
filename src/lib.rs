//! tcosim: a Monte Carlo total-cost-of-ownership simulator for staffing AI
//! work (freelance, dedicated engineer, or a mix).
//!
//! # The flow
//!
//! Data moves one way, and so do imports: a module uses only modules below
//! it in this list (`tests/layers.rs` checks every `crate::` path).
//!
//! 1. [`rng`]: named random streams keyed by (seed, trial, name).
//! 2. [`dist`]: distributions, checked when built.
//! 3. [`scenario`]: scenario text -> a checked [`Scenario`]; one table of
//!    keys drives what is accepted, read and defaulted.
//! 4. [`model`]: one strategy through one trial, month by month.
//! 5. [`stats`]: numbers only: per-trial [`stats::Totals`] (non-empty,
//!    finite), mergeable sketches and exact sums, summaries, paired
//!    comparisons, precision, crossovers, sensitivity. It sits below the
//!    engine because the engine accumulates into its sketches and sums; it
//!    never sees an engine type.
//! 6. [`engine`]: trials in parallel, folded in order; hands each trial's
//!    outcomes to a [`engine::TrialSink`] and returns [`Results`].
//! 7. [`decide`]: the one ranking, crossover and precision reading, and the
//!    verdict sentences, from plain statistics.
//! 8. [`output`]: one schema per file, the typed manifest, shard
//!    directories, the staged output directory, and the run directory read
//!    back for presentation.
//! 9. [`present`]: the terminal table, the HTML report and the charts, drawn
//!    from a run directory's data.
//! 10. [`pipeline`]: a checked run plan -> a whole results directory (used
//!     by `run`, `merge` and `sweep`).
//! 11. `cli`, the binary's own module (`src/main.rs`, `src/cli/`): raw
//!     arguments -> checked plan -> a pipeline call -> printing. It is not
//!     part of the library's API.

// Every public item is documented (`cargo doc` shows the library's API);
// clippy's `-D warnings` in CI makes a missing doc an error.
#![warn(missing_docs)]

pub mod decide;
pub mod dist;
pub mod engine;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod present;
pub mod rng;
pub mod scenario;
pub mod stats;

pub use engine::{Results, RunPlan, run};
pub use scenario::{Scenario, ScenarioError};
