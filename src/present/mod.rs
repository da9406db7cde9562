//! What a reader sees of a run: the terminal table ([`terminal`]), the
//! self-contained HTML report ([`html`], with its "how sure" and "what would
//! change it" sections in [`decision`]) and the charts ([`charts`]).
//!
//! Everything here draws from data loaded from a run directory
//! ([`crate::output::rundata::RunData`]) or from plain statistics, and
//! states decisions made in [`crate::decide`]: presentation formats,
//! escapes and draws, and decides nothing itself.

pub mod charts;
pub mod decision;
pub mod html;
pub mod terminal;
