//! Where the commands print: data on standard output, everything else on
//! standard error.
//!
//! Data is what a script or a pipe reads: the summary table, the verdict,
//! what changed, validate's `FILE: ok`, and the one JSON document of
//! `--format json`. It goes through [`Out`], whose writes return their
//! errors instead of panicking as `println!` does. Status (what is being
//! simulated, progress, "Wrote ...", warnings, watch's chatter) goes through
//! [`status`] to standard error, where a closed or full stream is ignored:
//! it must never cost the results.
//!
//! Every command writes its results (through the staged directory) before
//! it prints them, so a failed print loses nothing. A closed standard output
//! (`tcosim run | head -1`: a broken pipe) ends the command quietly with
//! exit code 0; any other failure (`> /dev/full`) becomes
//! [`CliError::Stdout`]: one message naming where the results are, exit
//! code 1.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::CliError;

/// What a command prints on standard output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people: the table, the verdict, what changed.
    #[default]
    Text,
    /// One JSON document (documented in docs/JSON.md), nothing else.
    Json,
}

impl Format {
    pub fn is_json(self) -> bool {
        self == Format::Json
    }
}

/// Standard output for data. Every write is flushed at once and returns
/// its error; `results` (where the command's results are, if it wrote any)
/// is named in the message when standard output cannot be written.
#[derive(Debug, Default)]
pub struct Out {
    results: Option<PathBuf>,
}

impl Out {
    /// Standard output of a command that writes no results directory.
    pub fn new() -> Out {
        Out::default()
    }

    /// Standard output of a command whose results are in `dir`.
    pub fn results_in(dir: &Path) -> Out {
        Out {
            results: Some(dir.to_path_buf()),
        }
    }

    /// Writes `text` as it is.
    pub fn print(&self, text: impl Display) -> Result<(), CliError> {
        let mut o = io::stdout().lock();
        write!(o, "{text}")
            .and_then(|()| o.flush())
            .map_err(|e| self.failed(e))
    }

    /// Writes `text` and a line break.
    pub fn line(&self, text: impl Display) -> Result<(), CliError> {
        self.print(format_args!("{text}\n"))
    }

    /// Writes `doc` as one pretty-printed JSON document and a line break.
    pub fn json(&self, doc: &serde_json::Value) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(doc)
            .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot encode the JSON: {e}")))?;
        self.line(text)
    }

    fn failed(&self, error: io::Error) -> CliError {
        CliError::Stdout {
            error,
            results: self.results.clone(),
        }
    }
}

/// Writes a status line to standard error. A standard error that cannot
/// be written is ignored: status is never worth failing a command for.
pub fn status(text: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Whether a write failed because the reader went away (a broken pipe):
/// the command then ends quietly, with exit code 0.
pub fn reader_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdout_errors_name_the_results_and_a_closed_pipe_is_quiet() {
        let full = Out::results_in(Path::new("results/x")).failed(io::Error::from_raw_os_error(28));
        assert_eq!(full.exit_code(), 1);
        let msg = full.to_string();
        assert!(
            msg.starts_with("cannot write to standard output: ")
                && msg.ends_with("; the results are in results/x"),
            "{msg}"
        );
        let closed = Out::new().failed(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(closed.exit_code(), 0);
        assert!(closed.is_quiet());
        assert!(!full.is_quiet());
    }
}
