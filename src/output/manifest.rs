//! manifest.json: what produced a result directory. One type, [`Manifest`],
//! writes it and reads it back (every reader of a run directory goes through
//! [`Manifest::read`]); its `schema_version` says which layout of the run
//! directory's files it describes.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Which part of a sharded run a directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 1-based shard number.
    pub index: u64,
    /// Number of shards the run is split into.
    pub count: u64,
    /// First trial of this shard.
    pub first_trial: u64,
    /// Trials in this shard.
    pub trials: u64,
}

/// How a `--precision` run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionInfo {
    /// The target: 95% half-width of every mean, relative to the mean.
    pub target: f64,
    /// Whether it was reached (and the cheapest strategy settled) before the cap.
    pub reached: bool,
    /// The cap on trials.
    pub max_trials: u64,
}

/// The layout of run directories this version writes and reads: the
/// manifest's fields and the files and columns of [`super::schema`] and of
/// shard directories. Raised whenever either changes incompatibly.
///
/// 2: summary.csv and trials.csv gained the cash and lost value columns, a
/// shard's totals.csv and aggregates.json the cash and lost value of each
/// trial.
pub const SCHEMA_VERSION: u32 = 2;

/// What [`SCHEMA_VERSION`] added, for the message that refuses an older
/// directory (updated with every raise).
const LAYOUT_CHANGE: &str = "cash and lost value per trial and in the summary";

fn first_schema() -> u32 {
    1
}

/// The record of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout of the directory ([`SCHEMA_VERSION`] when written by this
    /// version; manifests written before the field existed are version 1).
    #[serde(default = "first_schema")]
    pub schema_version: u32,
    /// tcosim's version.
    pub tool_version: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// The scenario file as given (`<built-in default>` for the embedded one).
    pub scenario_file: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    pub seed: u64,
    /// Trials of the whole run (of all shards together, for a shard).
    pub trials: u64,
    pub horizon_months: u32,
    /// Worker threads used.
    pub threads: usize,
    /// When the run started, RFC 3339 UTC.
    pub started_at: String,
    /// Wall time of the simulation and its outputs, seconds.
    pub wall_seconds: f64,
    /// The files in the directory.
    pub files: Vec<String>,
    /// For a shard directory: which shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// For a `--precision` run: the target and whether it was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionInfo>,
}

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    /// Reads a manifest, refusing one of another layout than this version
    /// reads ([`Manifest::check_layout`]).
    pub fn read(path: &Path) -> Result<Manifest> {
        let m = Manifest::read_any(path)?;
        m.check_layout(path)?;
        Ok(m)
    }

    /// Reads a manifest of any layout.
    pub fn read_any(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a tcosim manifest", path.display()))
    }

    /// Refuses a manifest (read from `path`) whose directory is not of the
    /// layout this version writes: the files of an older one lack columns
    /// this version reads, those of a newer one may not be understood.
    pub fn check_layout(&self, path: &Path) -> Result<()> {
        if self.schema_version > SCHEMA_VERSION {
            bail!(
                "{} describes results of layout {} (written by tcosim {}); this tcosim {} reads layout {}: use a newer tcosim",
                path.display(),
                self.schema_version,
                self.tool_version,
                env!("CARGO_PKG_VERSION"),
                SCHEMA_VERSION
            );
        }
        if self.schema_version < SCHEMA_VERSION {
            bail!(
                "{} describes results of layout {} (written by tcosim {}), an older layout whose files lack columns this tcosim {} reads (layout {}: {LAYOUT_CHANGE}): run the scenario again with this tcosim",
                path.display(),
                self.schema_version,
                self.tool_version,
                env!("CARGO_PKG_VERSION"),
                SCHEMA_VERSION
            );
        }
        Ok(())
    }

    /// Writes the manifest as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            super::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
