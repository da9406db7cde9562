//! What a reader sees of a run: the terminal table, the HTML report and
//! its decision sections.

pub mod decision;
pub mod html;
pub mod terminal;

// Transitional: the run-directory types moved to `output`.
pub use crate::output::rundata;
