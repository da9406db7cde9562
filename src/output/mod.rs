//! Everything a run writes to disk and reads back: one schema per file
//! ([`schema`]: header, column order and number format, used by both the
//! writer and the reader), the typed manifest, shard directories, the
//! [`rundata::RunData`] loaded from a run directory (what charts and the
//! report are drawn from), and [`StagedDir`], which makes an output
//! directory appear whole or not at all.

pub mod analysis;
pub mod csv;
pub mod manifest;
pub mod rundata;
pub mod schema;
pub mod shard;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A temporary directory beside the target that becomes the target when
/// committed. Until then the target (and any earlier result in it) is
/// untouched; dropping an uncommitted `StagedDir` removes the temporary
/// directory.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Creates the temporary directory; fails early (before any simulation)
    /// when the target cannot be written.
    pub fn new(target: &Path) -> Result<StagedDir> {
        // `results/.` and `results/x/` name the same directories as
        // `results` and `results/x`: normalise before taking the name.
        let normalised: PathBuf = target.components().collect();
        let target = normalised.as_path();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "..")
            .with_context(|| format!("the output directory `{}` has no usable name; give a path such as results/run1", target.display()))?;
        if target.exists() && !target.is_dir() {
            bail!(
                "the output path `{}` exists and is not a directory; choose another --out",
                target.display()
            );
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| {
            format!(
                "cannot create the directory `{}` for the results",
                parent.display()
            )
        })?;
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .with_context(|| format!("cannot remove the stale `{}`", tmp.display()))?;
        }
        std::fs::create_dir(&tmp).with_context(|| {
            format!(
                "cannot write in `{}`; choose a writable --out",
                parent.display()
            )
        })?;
        Ok(StagedDir {
            target: target.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The final directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the finished results into place, replacing an earlier result.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self.tmp.with_file_name(format!(
            "{}.old",
            self.tmp
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "cannot move the earlier results out of `{}`",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!("cannot move the results into `{}`", self.target.display())
            });
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
