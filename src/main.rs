//! The `tcosim` binary: parses the command line, runs it, and turns errors
//! into messages and exit codes in one place.

use clap::Parser;

fn main() {
    let cli = tcosim::cli::Cli::parse();
    if let Err(e) = tcosim::cli::run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
