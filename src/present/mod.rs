//! What a reader sees of a run: the terminal table ([`terminal`]), the
//! self-contained HTML report ([`html`], with its "how sure" and "what would
//! change it" sections in [`decision`]) and the charts ([`charts`]).
//!
//! Everything here draws from data loaded from a run directory
//! ([`crate::output::rundata::RunData`]) or from plain statistics, and
//! states decisions made in [`crate::decide`]: presentation formats,
//! escapes and draws, and decides nothing itself.

pub mod changes;
pub mod charts;
pub mod decision;
pub mod html;
pub mod terminal;

/// The plain definitions of cash and lost value, and how the total relates
/// to them, sentence by sentence (the terminal table and the report say the
/// same).
pub fn cash_definition(include_business_impact: bool) -> [&'static str; 3] {
    [
        "Cash: what the strategy pays (salaries, fees, invoices, the cost to finish work left undone).",
        "Lost value: business value lost to degradation and delay.",
        if include_business_impact {
            "Total = cash + lost value."
        } else {
            "This scenario leaves business impact out of the total: the total is the cash alone, and lost value is shown for information."
        },
    ]
}
