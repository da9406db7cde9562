//! Number formats of the sentences a user reads: money, percentages and
//! swept values.
//!
//! They live here, below every presentation module, because the verdict
//! sentences ([`super::verdict`]) need them and must not depend on
//! `report` or `charts`; the terminal table, the charts and the HTML
//! report import them from here, so a figure reads the same everywhere.

/// Money in a short form: $950, $12.3k, $1.25M.
pub fn short_money(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    if a >= 1e6 {
        format!("{sign}${:.2}M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}${:.1}k", a / 1e3)
    } else {
        format!("{sign}${a:.0}")
    }
}

/// A fraction as a percentage with one decimal: `28.9%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", 100.0 * fraction)
}

/// An integer with thousands separators: `10,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A swept value as a sentence writes it: whole numbers without a decimal
/// point (`24`), others as Rust prints them (`0.15`).
pub fn swept_value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_money_reads_as_k_and_m() {
        assert_eq!(short_money(950.0), "$950");
        assert_eq!(short_money(12_345.0), "$12.3k");
        assert_eq!(short_money(1_250_000.0), "$1.25M");
        assert_eq!(short_money(-1_500.0), "-$1.5k");
    }

    #[test]
    fn percent_has_one_decimal() {
        assert_eq!(percent(0.289), "28.9%");
        assert_eq!(percent(1.0), "100.0%");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn swept_values_drop_the_point_of_whole_numbers() {
        assert_eq!(swept_value(24.0), "24");
        assert_eq!(swept_value(0.15), "0.15");
        assert_eq!(swept_value(-3.0), "-3");
    }
}
