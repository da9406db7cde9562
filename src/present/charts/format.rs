//! Number formats shared by the charts and the HTML report.

pub use crate::decide::format::{percent, short_money, thousands};

/// A money tick label: `$0`, `$250k`, `$1.5M` (no trailing zeros, so axis
/// labels stay short).
pub fn money_tick(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    let (v, unit) = if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    format!("{sign}${}{unit}", trim(v, 2))
}

/// A fraction as a percentage tick: `0%`, `2.5%`, `100%`.
pub fn percent_tick(fraction: f64) -> String {
    format!("{}%", trim(100.0 * fraction, 1))
}

/// `v` with at most `decimals` decimals and no trailing zeros.
fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The run's circumstances as one line: `10,000 trials · 36-month horizon · seed 7`.
pub fn run_line(trials: u64, horizon: u32, seed: u64) -> String {
    format!(
        "{} trials · {horizon}-month horizon · seed {seed}",
        thousands(trials)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(money_tick(0.0), "$0");
        assert_eq!(money_tick(250_000.0), "$250k");
        assert_eq!(money_tick(1_500_000.0), "$1.5M");
        assert_eq!(money_tick(2_000_000.0), "$2M");
        assert_eq!(money_tick(12_500.0), "$12.5k");
        assert_eq!(money_tick(-800.0), "-$800");
        assert_eq!(percent_tick(0.025), "2.5%");
        assert_eq!(percent_tick(1.0), "100%");
    }
}
