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

/// What a command writes into its output directory. The whole directory is
/// replaced when the command finishes, so an existing `--out` is replaced
/// only if it is empty or holds nothing but what a command of this kind
/// writes: a directory with anything else in it (a user's own files, the
/// current project) is refused before anything is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A run, a shard or a merge: the CSVs, manifest, charts and report.
    Run,
    /// A sweep: sweep.csv, sweep.txt, scenario.toml and its chart.
    Sweep,
    /// `sweep --emit-jobs`: one scenario per point, points.csv, jobs.txt.
    Jobs,
    /// A comparison: compare.csv, the charts and report.html.
    Compare,
}

/// The files of a run or shard directory.
const RUN_FILES: [&str; 15] = [
    "aggregates.json",
    "comparison.csv",
    "crossover.csv",
    "inputs.csv",
    "manifest.json",
    "monthly.csv",
    "precision.csv",
    "quality.csv",
    "report.html",
    "scenario.toml",
    "sensitivity.csv",
    "summary.csv",
    "totals.csv",
    "trials.csv",
    "voi.csv",
];

impl OutputKind {
    /// Whether this kind of command writes the entry `name` of its output
    /// directory (`dir` for a directory).
    fn writes(self, name: &str, dir: bool) -> bool {
        let charts = dir && name == "charts";
        match self {
            OutputKind::Run => charts || !dir && RUN_FILES.contains(&name),
            OutputKind::Sweep => {
                charts || !dir && ["sweep.csv", "sweep.txt", "scenario.toml"].contains(&name)
            }
            OutputKind::Jobs => {
                !dir && (name == "points.csv"
                    || name == "jobs.txt"
                    || name.starts_with("point") && name.ends_with(".toml"))
            }
            OutputKind::Compare => charts || !dir && ["compare.csv", "report.html"].contains(&name),
        }
    }

    /// Refuses an existing directory that holds anything this kind of
    /// command did not write (charts/ may hold only PNG and SVG files).
    fn check_replaceable(self, target: &Path) -> Result<()> {
        let mut foreign = Vec::new();
        let list = |dir: &Path| -> Result<Vec<(String, bool)>> {
            let mut out = Vec::new();
            for e in std::fs::read_dir(dir)
                .with_context(|| format!("cannot list `{}`", dir.display()))?
            {
                let e = e.with_context(|| format!("cannot list `{}`", dir.display()))?;
                let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
                out.push((e.file_name().to_string_lossy().into_owned(), is_dir));
            }
            Ok(out)
        };
        for (name, is_dir) in list(target)? {
            if !self.writes(&name, is_dir) {
                foreign.push(if is_dir { format!("{name}/") } else { name });
            } else if is_dir {
                for (inner, inner_dir) in list(&target.join(&name))? {
                    if inner_dir || !(inner.ends_with(".png") || inner.ends_with(".svg")) {
                        foreign.push(format!("{name}/{inner}"));
                    }
                }
            }
        }
        if foreign.is_empty() {
            return Ok(());
        }
        foreign.sort();
        let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
        bail!(
            "`{}` holds files tcosim did not write ({}{}); tcosim replaces its output directory as a whole, so it will not write there. Give --out a new or empty directory, e.g. `{}`",
            target.display(),
            shown.join(", "),
            if foreign.len() > shown.len() {
                format!(" and {} more", foreign.len() - shown.len())
            } else {
                String::new()
            },
            target.join("results").display()
        )
    }
}

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
    pub fn new(target: &Path, kind: OutputKind) -> Result<StagedDir> {
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
        if target.is_dir() {
            kind.check_replaceable(target)?;
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
