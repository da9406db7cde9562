//! Diagnostics: what is wrong in a scenario file, and where.

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
}
