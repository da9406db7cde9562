//! manifest.json: what produced a result directory. One type, [`Manifest`],
//! writes it and reads it back (every reader of a run directory goes through
//! [`Manifest::read`]); its `schema_version` says which layout of the run
//! directory's files it describes.

use std::collections::BTreeMap;
use std::io::Read;
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
///
/// 3: the manifest records the size and SHA-256 of every file it lists
/// ([`Manifest::checksums`]) and of itself ([`Manifest::manifest_sha256`]),
/// which readers check before trusting a file.
///
/// 4: every per-strategy CSV holds the strategy's id beside its name,
/// sensitivity.csv names its target in columns (`target_kind`, `strategy`,
/// `versus`), and a run directory holds inputs.csv.
pub const SCHEMA_VERSION: u32 = 4;

/// What [`SCHEMA_VERSION`] added, for the message that refuses an older
/// directory (updated with every raise).
const LAYOUT_CHANGE: &str = "a strategy_id column beside every strategy name and sensitivity.csv's target in the columns target_kind, strategy and versus";

/// Files of a results directory that are not checksummed: the manifest
/// itself (sealed by [`Manifest::manifest_sha256`]) and what `tcosim charts`
/// redraws in place from the checksummed files (report.html, charts/).
const NOT_CHECKSUMMED: [&str; 2] = ["manifest.json", "report.html"];

/// The size and SHA-256 of a file as the run wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCheck {
    /// Size in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

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
    /// Seed of every random stream.
    pub seed: u64,
    /// Trials of the whole run (of all shards together, for a shard).
    pub trials: u64,
    /// Months simulated.
    pub horizon_months: u32,
    /// Worker threads used.
    pub threads: usize,
    /// When the run started, RFC 3339 UTC.
    pub started_at: String,
    /// Wall time of the simulation and its outputs, seconds.
    pub wall_seconds: f64,
    /// The files in the directory (directories end in `/`).
    pub files: Vec<String>,
    /// The size and SHA-256 of every listed file but manifest.json,
    /// report.html and the charts, by name: every file tcosim reads back.
    /// Identical files have identical entries, so this does not depend on
    /// the threads or the machine.
    #[serde(default)]
    pub checksums: BTreeMap<String, FileCheck>,
    /// For a shard directory: which shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// For a `--precision` run: the target and whether it was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionInfo>,
    /// SHA-256 of this manifest as written (pretty JSON) with this field
    /// empty: any edit of a value above is refused.
    #[serde(default)]
    pub manifest_sha256: String,
}

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

impl Manifest {
    /// Reads a manifest, refusing one of another layout than this version
    /// reads ([`Manifest::check_layout`]) and one edited after it was
    /// written ([`Manifest::check_seal`]). `remedy` ends the message that
    /// refuses an edited one ("run the scenario again").
    pub fn read(path: &Path, remedy: &str) -> Result<Manifest> {
        let m = Manifest::read_any(path)?;
        m.check_layout(path)?;
        m.check_seal(path, remedy)?;
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
                "{} describes results of layout {} (written by tcosim {}), an older layout than this tcosim {} reads (layout {} added {LAYOUT_CHANGE}): run the scenario again with this tcosim",
                path.display(),
                self.schema_version,
                self.tool_version,
                env!("CARGO_PKG_VERSION"),
                SCHEMA_VERSION
            );
        }
        Ok(())
    }

    /// Writes the manifest as pretty JSON, sealed with its own SHA-256.
    pub fn write(&self, path: &Path) -> Result<()> {
        let sealed = Manifest {
            manifest_sha256: self.seal()?,
            ..self.clone()
        };
        let text = serde_json::to_string_pretty(&sealed)? + "\n";
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The SHA-256 of this manifest as pretty JSON with `manifest_sha256`
    /// empty. Reading a manifest and writing it again gives the same text
    /// (floats in shortest round-trip form), so the seal of a manifest read
    /// back is the one it was written with unless a value was edited.
    pub fn seal(&self) -> Result<String> {
        let unsealed = Manifest {
            manifest_sha256: String::new(),
            ..self.clone()
        };
        Ok(sha256_hex(&serde_json::to_string_pretty(&unsealed)?))
    }

    /// Refuses a manifest (read from `path`) whose values are not those it
    /// was sealed with.
    pub fn check_seal(&self, path: &Path, remedy: &str) -> Result<()> {
        if self.manifest_sha256.is_empty() {
            bail!(
                "{}: has no manifest_sha256, so it cannot be checked (it was edited or not written by tcosim); {remedy}",
                path.display()
            );
        }
        if self.seal()? != self.manifest_sha256 {
            bail!(
                "{}: its values do not match its manifest_sha256 (the manifest was edited after the run wrote it); {remedy}",
                path.display()
            );
        }
        Ok(())
    }

    /// Lists the files of `dir` (sorted, directories ending in `/`, the
    /// manifest about to be written included) and records the size and
    /// SHA-256 of each but the manifest, report.html and the charts. Called
    /// last, when every other file is written.
    pub fn record_files(&mut self, dir: &Path) -> Result<()> {
        self.record_files_with(dir, BTreeMap::new())
    }

    /// [`Manifest::record_files`], taking the checks of `known` files (by
    /// name, computed as they were written) instead of reading them again.
    pub fn record_files_with(
        &mut self,
        dir: &Path,
        mut known: BTreeMap<String, FileCheck>,
    ) -> Result<()> {
        use rayon::prelude::*;
        let mut files = vec!["manifest.json".to_string()];
        let mut to_check = Vec::new();
        let mut checksums = BTreeMap::new();
        for e in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                files.push(format!("{name}/"));
                continue;
            }
            if let Some(check) = known.remove(&name) {
                checksums.insert(name.clone(), check);
            } else if !NOT_CHECKSUMMED.contains(&name.as_str()) {
                to_check.push((name.clone(), e.path()));
            }
            files.push(name);
        }
        // The files are hashed in parallel; a failure is reported for the
        // first file in name order, whatever the threads.
        to_check.sort();
        let checked: Vec<Result<FileCheck>> = to_check
            .par_iter()
            .map(|(_, path)| file_check(path))
            .collect();
        for ((name, _), check) in to_check.into_iter().zip(checked) {
            checksums.insert(name, check?);
        }
        files.sort();
        files.dedup();
        self.files = files;
        self.checksums = checksums;
        Ok(())
    }

    /// Checks the files of `dir` against the manifest before any is read:
    /// every checksummed file is present with its recorded size and
    /// SHA-256, scenario.toml is the text whose SHA-256 the manifest
    /// records, and each of `reads` (the files the caller will read) that
    /// is present is checksummed. Messages name the file, say what is
    /// wrong and end with `remedy`.
    pub fn verify_files(&self, dir: &Path, reads: &[&str], remedy: &str) -> Result<()> {
        for (name, want) in &self.checksums {
            let path = dir.join(name);
            if name.contains(['/', '\\']) || name == ".." {
                bail!(
                    "{}: lists `{name}`, which is not a file of a results directory; {remedy}",
                    dir.join("manifest.json").display()
                );
            }
            let meta = match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => m,
                _ => bail!(
                    "{}: missing or not a file, but the manifest lists it (it was removed or renamed after the run wrote it); {remedy}",
                    path.display()
                ),
            };
            if meta.len() != want.bytes {
                bail!(
                    "{}: size does not match the manifest ({} bytes, the run wrote {}: the file was changed or cut short after the run wrote it); {remedy}",
                    path.display(),
                    meta.len(),
                    want.bytes
                );
            }
            if file_check(&path)?.sha256 != want.sha256 {
                bail!(
                    "{}: SHA-256 does not match the manifest (the file was changed after the run wrote it); {remedy}",
                    path.display()
                );
            }
        }
        let listed = self
            .files
            .iter()
            .filter(|f| !f.ends_with('/') && !NOT_CHECKSUMMED.contains(&f.as_str()));
        if !listed.eq(self.checksums.keys()) {
            bail!(
                "{}: its list of files and its checksums do not name the same files; {remedy}",
                dir.join("manifest.json").display()
            );
        }
        for name in reads {
            if !self.checksums.contains_key(*name) && dir.join(name).exists() {
                bail!(
                    "{}: not listed in the manifest (it was added after the run wrote its files); remove it or {remedy}",
                    dir.join(name).display()
                );
            }
        }
        match self.checksums.get("scenario.toml") {
            Some(c) if c.sha256 == self.scenario_sha256 => Ok(()),
            _ => bail!(
                "{}: the scenario's SHA-256 in the manifest is not that of {} (one of them was edited after the run); {remedy}",
                dir.join("manifest.json").display(),
                dir.join("scenario.toml").display()
            ),
        }
    }
}

/// A writer that passes every byte on and keeps their count and SHA-256,
/// so that a file written in one pass (trials.csv, as the run goes) needs
/// no second read for its checksum.
pub struct CheckedWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: std::io::Write> CheckedWriter<W> {
    /// A writer that passes every byte to `inner`, counting and hashing it.
    pub fn new(inner: W) -> CheckedWriter<W> {
        CheckedWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Flushes the writer and returns the size and SHA-256 of everything
    /// written through it.
    pub fn finish(mut self) -> std::io::Result<FileCheck> {
        self.inner.flush()?;
        Ok(FileCheck {
            bytes: self.bytes,
            sha256: hex(&self.hasher.finalize()),
        })
    }
}

impl<W: std::io::Write> std::io::Write for CheckedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The size and SHA-256 of a file, read in blocks.
pub fn file_check(path: &Path) -> Result<FileCheck> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok(FileCheck {
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
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

    #[test]
    fn a_manifest_read_back_keeps_its_seal_and_an_edit_breaks_it() {
        let dir = std::env::temp_dir().join(format!("tcosim-seal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("scenario.toml"), "name = \"x\"\n").expect("write");
        let mut m = super::Manifest {
            schema_version: super::SCHEMA_VERSION,
            tool_version: "0".into(),
            scenario_name: "x".into(),
            scenario_file: "x.toml".into(),
            scenario_sha256: super::sha256_hex("name = \"x\"\n"),
            seed: 1,
            trials: 3,
            horizon_months: 2,
            threads: 1,
            started_at: "2026-01-01T00:00:00Z".into(),
            wall_seconds: 0.1 + 0.2,
            files: Vec::new(),
            checksums: Default::default(),
            shard: None,
            precision: Some(super::PrecisionInfo {
                target: 1.0 / 3.0,
                reached: true,
                max_trials: 9,
            }),
            manifest_sha256: String::new(),
        };
        m.record_files(&dir).expect("hashes");
        assert_eq!(m.files, ["manifest.json", "scenario.toml"]);
        assert_eq!(m.checksums["scenario.toml"].bytes, 11);
        let path = dir.join("manifest.json");
        m.write(&path).expect("write");
        let back = super::Manifest::read(&path, "again").expect("reads back sealed");
        back.verify_files(&dir, &["scenario.toml"], "again")
            .expect("files match");
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replace("\"seed\": 1", "\"seed\": 2")).expect("write");
        let err = super::Manifest::read(&path, "again").expect_err("edited");
        assert!(err.to_string().contains("edited after the run"), "{err}");
        std::fs::write(dir.join("scenario.toml"), "name = \"y\"\n").expect("write");
        let err = back
            .verify_files(&dir, &["scenario.toml"], "again")
            .expect_err("changed");
        assert!(err.to_string().contains("SHA-256 does not match"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
