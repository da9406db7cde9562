//! `tcosim merge`: combine shard directories into what a single run writes.

use std::path::PathBuf;

use clap::Args;

use super::out::{Out, status};
use super::{CliError, signals};
use crate::output::{OutputKind, StagedDir};
use crate::pipeline::{self, Hooks};
use crate::present;
use crate::present::charts::Formats;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard directories written by `tcosim run --shard I/N`, all N of them (any order).
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Chart formats: png,svg (the default), png, svg or none.
    #[arg(long, value_name = "FORMATS", default_value = "png,svg", value_parser = Formats::parse)]
    pub charts: Formats,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn merge_command(args: MergeArgs) -> Result<(), CliError> {
    let shards = pipeline::check_shards(&args.shards)?;
    let same = |a: &std::path::Path, b: &std::path::Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some((d, _)) = shards.iter().find(|(d, _)| same(d, &args.out)) {
        return Err(CliError::Input(format!(
            "--out {} is one of the shards being merged; merging into it would replace the shard. Give --out a new directory, e.g. {}",
            d.display(),
            d.with_file_name("merged").display()
        )));
    }
    let staged = StagedDir::new(&args.out, OutputKind::Run)
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let hooks = Hooks {
        progress: &|_, _| {},
        cancel: signals::cancel_flag(),
    };
    let done = pipeline::merge(&shards, staged, args.charts, &hooks)
        .map_err(|e| super::run::writing_into(&args.out)(e.into()))?;
    if !args.quiet {
        Out::results_in(&done.dir).print(present::terminal::summary_table(
            &done.summaries,
            done.include_business_impact,
        ))?;
        status(format_args!(
            "\nMerged {} shards ({} trials) into {}",
            shards.len(),
            done.results.plan.trials,
            done.dir.display()
        ));
    }
    Ok(())
}
