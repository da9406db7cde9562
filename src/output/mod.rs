//! Everything a run writes to disk and reads back: one schema per file
//! ([`schema`]: header, column order and number format, used by both the
//! writer and the reader), the typed manifest, shard directories, the
//! [`rundata::RunData`] loaded from a run directory (what charts and the
//! report are drawn from), and [`StagedDir`], which makes an output
//! directory appear whole or not at all ([`staged`]).

pub mod analysis;
pub mod csv;
pub mod manifest;
pub mod rundata;
pub mod schema;
pub mod shard;
pub mod staged;

pub use staged::{
    OutputKind, PREVIOUS, StagedDir, abandon_staged, abandon_unless_committed, previous_run,
    refuse_shard, remove_soon, replace_file, write_new_file,
};

/// A writer of one file, independent of the others.
pub type FileWriter<'a> = Box<dyn FnOnce() -> anyhow::Result<()> + Send + 'a>;

/// Runs independent file writers in parallel (on the current rayon pool).
/// Every writer runs; the error reported is the first in the order given,
/// so the message does not depend on the threads. Each file's bytes are
/// those its writer alone produces.
pub fn write_in_parallel(writers: Vec<FileWriter<'_>>) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let done: Vec<anyhow::Result<()>> = writers.into_par_iter().map(|w| w()).collect();
    done.into_iter().collect()
}
