//! The `tcosim` binary: parses the command line, runs it, and turns errors
//! into messages and exit codes in one place.

use clap::Parser;

// The command line is the binary's own: the library's public API is the
// simulation, its statistics and its outputs. The library's modules are
// re-exported here so that the command line names them as `crate::...`, as
// the library's own modules do.
pub use tcosim::{decide, dist, engine, model, output, pipeline, present, rng, scenario, stats};

mod cli;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(e) = cli::run(cli) {
        // A closed standard output ends the command quietly: its results
        // were written before it printed.
        if !e.is_quiet() {
            use std::io::Write;
            let _ = writeln!(std::io::stderr().lock(), "error: {e}");
        }
        std::process::exit(e.exit_code());
    }
}
