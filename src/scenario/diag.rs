//! Diagnostics: what is wrong in a scenario file, and where, and what the
//! user probably meant.
//!
//! Problems are collected rather than returned one at a time so a user sees
//! every problem of a file at once; the suggestions ("did you mean") live
//! here so every misspelt key, distribution or kind of work gets the same
//! treatment.

use std::fmt;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// Dotted key path, e.g. `engagements.engineer.annual_salary.p90`
    /// (empty for problems that are not about one key, such as syntax).
    pub path: String,
    /// What is wrong and what would be valid, as a sentence.
    pub message: String,
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as the user named it.
    pub file: String,
    /// The problems, in the order they appear in the file.
    pub diags: Vec<Diag>,
}

impl ScenarioError {
    /// An error about the file as a whole (unreadable, not UTF-8, ...).
    pub fn whole_file(file: &str, line: usize, col: usize, message: String) -> ScenarioError {
        ScenarioError {
            file: file.to_string(),
            diags: vec![Diag {
                line,
                col,
                path: String::new(),
                message,
            }],
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diags.len();
        writeln!(
            f,
            "{} has {} problem{}:",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.diags {
            if d.path.is_empty() {
                writeln!(f, "  {}:{}:{}: {}", self.file, d.line, d.col, d.message)?;
            } else {
                writeln!(
                    f,
                    "  {}:{}:{}: {}: {}",
                    self.file, d.line, d.col, d.path, d.message
                )?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Maps byte offsets to 1-based line and column.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// Line and column of byte offset `at` in `text`.
    pub(crate) fn locate(&self, text: &str, at: usize) -> (usize, usize) {
        let at = at.min(text.len());
        let line = self.starts.partition_point(|s| *s <= at).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..at)
            .map(|s| s.chars().count())
            .unwrap_or(at - start);
        (line, col + 1)
    }
}

/// Keys (or names) as messages list them: `a`, `b`, `c`.
pub(crate) fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The allowed key closest to a misspelt one, if any is close.
pub(crate) fn suggestion<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// The message for a key that is not one of `allowed`; `place` says where
/// it was found (`in [drift]`).
pub(crate) fn unknown_key(key: &str, place: &str, allowed: &[&str]) -> String {
    let hint = match suggestion(key, allowed) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    format!(
        "unknown key `{key}` {place}; {hint}valid keys are {}",
        list(allowed)
    )
}

/// Why a name from a scenario cannot be used as written, if it cannot:
/// names are data, printed in the terminal table and written into CSVs, so
/// a control character (an escape sequence, a newline, a tab) in one would
/// garble the terminal or the table; it is refused rather than escaped so
/// that every output shows the name the user wrote. `what` says what the
/// name is ("strategy name", ...).
pub(crate) fn control_character(what: &str, name: &str) -> Option<String> {
    let (i, ch) = name.char_indices().find(|(_, ch)| ch.is_control())?;
    Some(format!(
        "the {what} {name:?} holds the control character {:?} at byte {i}; names are printed in the terminal and written into CSV files, where control characters (escape sequences, newlines, tabs) would garble them or act on the terminal: use plain text",
        ch
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let t = "a = 1\nbb = 2\n\nc";
        let ix = LineIndex::new(t);
        assert_eq!(ix.locate(t, 0), (1, 1));
        assert_eq!(ix.locate(t, 4), (1, 5));
        assert_eq!(ix.locate(t, 6), (2, 1));
        assert_eq!(ix.locate(t, 11), (2, 6));
        assert_eq!(ix.locate(t, 13), (3, 1));
        assert_eq!(ix.locate(t, 14), (4, 1));
        assert_eq!(ix.locate(t, 99), (4, 2));
    }

    #[test]
    fn suggests_close_keys_only() {
        let allowed = ["seed", "trials", "horizon_months"];
        assert_eq!(
            suggestion("horizon_month", &allowed),
            Some("horizon_months")
        );
        assert_eq!(suggestion("trails", &allowed), Some("trials"));
        assert_eq!(suggestion("colour", &allowed), None);
        assert_eq!(
            unknown_key("sed", "in [simulation]", &allowed),
            "unknown key `sed` in [simulation]; did you mean `seed`? valid keys are `seed`, `trials`, `horizon_months`"
        );
    }
}
