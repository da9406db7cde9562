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
