//! tcosim: a Monte Carlo total-cost-of-ownership simulator for staffing AI
//! work (freelance, dedicated engineer, or a mix).
//!
//! The flow is one way: a scenario file is parsed and checked
//! ([`scenario`]), the engine runs trials in parallel ([`engine`]), each
//! trial simulating every strategy month by month ([`model`]); statistics
//! ([`stats`]) and outputs ([`report`]) are computed from the results.

pub mod charts;
pub mod cli;
pub mod decide;
pub mod dist;
pub mod engine;
pub mod model;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod stats;

pub use engine::{Results, RunPlan, run};
pub use scenario::{Scenario, ScenarioError};
