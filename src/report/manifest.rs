//! manifest.json: what produced a result directory.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The record of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// tcosim's version.
    pub tool_version: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// The scenario file as given (`<built-in default>` for the embedded one).
    pub scenario_file: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    pub seed: u64,
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
}

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the manifest as pretty JSON.
pub fn write_manifest(path: &Path, m: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m)? + "\n";
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
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
