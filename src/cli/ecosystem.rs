//! What tcosim gives the user's other tools: shell completions and man
//! pages, generated from the clap definitions rather than written by hand.

use std::io::{IsTerminal, Write};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError};

/// `tcosim completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// `tcosim man [COMMAND]`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (run, sweep, ...); without it, the
    /// page of tcosim itself.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// The widest help clap may print: the terminal's width on a terminal (0:
/// no cap below it), 80 columns otherwise (a pipe, a file, a test), so help
/// read through `less` or pasted into an issue keeps short lines.
pub fn help_width() -> usize {
    if std::io::stdout().is_terminal() {
        0
    } else {
        80
    }
}

/// Prints the completion script for `shell`.
pub fn completions_command(args: CompletionsArgs) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "tcosim", &mut script);
    print_out(&script)
}

/// Prints a man page in roff: tcosim's, or a command's.
pub fn man_command(args: ManArgs) -> Result<(), CliError> {
    let mut top = Cli::command();
    top.build();
    let cmd = match &args.command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) if name != "help" => sub.clone(),
            _ => {
                let names: Vec<&str> = top
                    .get_subcommands()
                    .map(|c| c.get_name())
                    .filter(|n| *n != "help")
                    .collect();
                return Err(CliError::Input(format!(
                    "tcosim has no command `{name}`; valid: {}",
                    names.join(", ")
                )));
            }
        },
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot render the man page: {e}")))?;
    print_out(&page)
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`)
/// is not an error.
fn print_out(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Failure(
            anyhow::anyhow!("cannot write to standard output: {e}"),
        )),
        _ => Ok(()),
    }
}
