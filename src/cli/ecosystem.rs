//! What tcosim gives the user's other tools: shell completions, man pages
//! and the JSON Schema of scenario files, each generated from its one
//! source (the clap definitions, the key table) rather than written by hand.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::out::{Out, status};
use super::{Cli, CliError};
use crate::scenario::STARTER_SCENARIO;
use crate::scenario::json_schema::{self, SCHEMA_FILE};

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

/// `tcosim schema [--out FILE]`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write it to FILE instead of printing it. An existing FILE is replaced
    /// only if tcosim wrote it (a schema from any version) or with --force.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE even if tcosim did not write it.
    #[arg(long, requires = "out")]
    pub force: bool,
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
    // Every page names tcosim and its version at its foot (a command's own
    // would name the command alone).
    let source = format!("tcosim {}", top.get_version().unwrap_or_default());
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
        .source(source)
        .render(&mut page)
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot render the man page: {e}")))?;
    print_out(&page)
}

/// Prints the JSON Schema of scenario files, or writes it to `--out`.
pub fn schema_command(args: SchemaArgs) -> Result<(), CliError> {
    let Some(path) = args.out else {
        return print_out(json_schema::schema_text().as_bytes());
    };
    write_schema(&path, args.force)?;
    status(format_args!(
        "Wrote the JSON Schema of scenario files to {}.\nPoint an editor at it with a first line `#:schema ./{}` in a scenario beside it (taplo, Even Better TOML).",
        path.display(),
        path.file_name()
            .map_or_else(|| SCHEMA_FILE.into(), |n| n.to_string_lossy().into_owned())
    ));
    Ok(())
}

/// What `init` writes at `path`, after writing the schema beside it when
/// `with_schema`: the starter with its `#:schema` line then, without it
/// otherwise (it would point at nothing). Returns the text and the schema's
/// path if written. Refuses, before writing anything, a schema path that
/// holds a file tcosim did not write.
pub(crate) fn prepare_init(
    path: &Path,
    with_schema: bool,
) -> Result<(&'static str, Option<PathBuf>), CliError> {
    if !with_schema {
        return Ok((json_schema::without_directive(STARTER_SCENARIO), None));
    }
    let schema = path.with_file_name(SCHEMA_FILE);
    write_schema(&schema, false)?;
    Ok((STARTER_SCENARIO, Some(schema)))
}

/// Writes the schema to `path`, whole or not at all: a new file, or one
/// replacing a schema tcosim wrote (or any file with `force`).
fn write_schema(path: &Path, force: bool) -> Result<(), CliError> {
    let label = path.display();
    let exists = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(CliError::Input(format!("cannot check {label}: {e}"))),
        Ok(m) if m.is_dir() => {
            return Err(CliError::Input(format!(
                "{label} is a directory; give a file path such as {SCHEMA_FILE}"
            )));
        }
        Ok(_) => {
            let ours = std::fs::read_to_string(path).is_ok_and(|t| json_schema::is_generated(&t));
            if !ours && !force {
                return Err(CliError::Input(format!(
                    "{label} already exists and is not a schema tcosim wrote; tcosim replaces only its own. Give another path, or add --force to replace it"
                )));
            }
            true
        }
    };
    let text = json_schema::schema_text();
    let written = if exists {
        crate::output::replace_file(path, text.as_bytes())
    } else {
        crate::output::write_new_file(path, text.as_bytes())
    };
    written.map_err(|e| {
        CliError::Input(format!(
            "cannot write {label}: {e:#}; give a path in a writable directory"
        ))
    })
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`)
/// is not an error.
fn print_out(bytes: &[u8]) -> Result<(), CliError> {
    Out::new().print(String::from_utf8_lossy(bytes))
}
