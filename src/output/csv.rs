//! The result CSVs of a run: summary.csv, monthly.csv, quality.csv, and
//! trials.csv, which is streamed as the run goes (it is the engine's
//! [`TrialSink`]). Layouts and number formats are those of [`super::schema`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::manifest::{CheckedWriter, FileCheck};
use super::schema::{self, Money, MonthlyRecord, Prob, QualityRecord, SummaryRecord, TrialRecord};
use crate::engine::TrialSink;
use crate::model::Outcome;
use crate::scenario::strategy_ids;
use crate::stats::{InputDraws, MonthBand, Summary};

/// Writes summary.csv: one row per strategy in scenario order.
pub fn write_summary(dir: &Path, rows: &[Summary]) -> Result<()> {
    let ids = strategy_ids(&rows.iter().map(|s| &s.strategy).collect::<Vec<_>>());
    let rows: Vec<SummaryRecord> = rows
        .iter()
        .zip(&ids)
        .map(|(s, id)| SummaryRecord::of(s, id))
        .collect();
    schema::write_file(dir, &rows)
}

/// Writes monthly.csv (cumulative cost at the end of each month) and
/// quality.csv (mean model quality then), one row per strategy and month.
pub fn write_monthly(dir: &Path, strategies: &[String], bands: &[MonthBand]) -> Result<()> {
    let ids = strategy_ids(strategies);
    let monthly: Vec<MonthlyRecord> = bands
        .iter()
        .map(|b| MonthlyRecord {
            strategy: strategies[b.strategy].clone(),
            strategy_id: ids[b.strategy].clone(),
            month: b.month,
            mean: Money(b.mean),
            p10: Money(b.p10),
            p50: Money(b.p50),
            p90: Money(b.p90),
        })
        .collect();
    schema::write_file(dir, &monthly)?;
    let quality: Vec<QualityRecord> = bands
        .iter()
        .map(|b| QualityRecord {
            strategy: strategies[b.strategy].clone(),
            strategy_id: ids[b.strategy].clone(),
            month: b.month,
            mean_quality: Prob(b.quality),
        })
        .collect();
    schema::write_file(dir, &quality)
}

/// The name of the file of each trial's inputs.
pub const INPUTS_FILE: &str = "inputs.csv";

/// Writes inputs.csv: a header `trial` then one column per varying input,
/// named by its key path as sensitivity.csv names it, and one row per
/// trial (numbered from `first_trial`) with each input's draw in the
/// shortest form that reads back to the same single-precision value.
pub fn write_inputs(dir: &Path, inputs: &InputDraws, first_trial: u64) -> Result<()> {
    use rayon::prelude::*;
    use std::io::Write as _;
    /// Rows formatted by one task.
    const ROWS_PER_TASK: usize = 4096;
    /// Rows formatted before they are written: bounds the memory held.
    const ROWS_PER_BLOCK: usize = 64 * ROWS_PER_TASK;
    let path = dir.join(INPUTS_FILE);
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, f);
    let names = inputs.names();
    // Trials `from..to` as CSV rows (numbers never need quoting).
    let rows = |from: usize, to: usize| -> csv::Result<Vec<u8>> {
        let mut w = schema::row_buffer((to - from) * (names.len() * 10 + 8));
        let mut number = String::new();
        for t in from..to {
            w.write_field((first_trial + t as u64).to_string())?;
            for k in 0..names.len() {
                number.clear();
                let _ = write!(number, "{}", inputs.value(t, k));
                w.write_field(&number)?;
            }
            w.write_record(None::<&[u8]>)?;
        }
        Ok(w.into_inner().unwrap_or_default())
    };
    let mut write = || -> Result<()> {
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_field("trial")?;
        for name in names {
            header.write_field(name)?;
        }
        header.write_record(None::<&[u8]>)?;
        out.write_all(&header.into_inner().unwrap_or_default())?;
        let n = inputs.n_trials();
        // Formatted in parallel task by task, written in trial order: the
        // same bytes as one pass.
        for block in (0..n).step_by(ROWS_PER_BLOCK) {
            let end = (block + ROWS_PER_BLOCK).min(n);
            let parts: Vec<csv::Result<Vec<u8>>> = (block..end)
                .step_by(ROWS_PER_TASK)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|from| rows(from, (from + ROWS_PER_TASK).min(end)))
                .collect();
            for part in parts {
                out.write_all(&part?)?;
            }
        }
        out.flush()?;
        Ok(())
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}

/// trials.csv, written as the run goes: the header first, then the rows of
/// each chunk of trials, formatted on the worker that simulated them and
/// appended in trial order.
pub struct TrialsFile {
    path: PathBuf,
    /// The strategies' names and ids, in scenario order.
    strategies: Vec<(String, String)>,
    out: Mutex<Out>,
}

/// Where trials.csv's bytes go: hashed on their way to the file, so the
/// manifest's checksum needs no second read of the largest file.
type Out = CheckedWriter<std::io::BufWriter<std::fs::File>>;

impl TrialsFile {
    /// The file's name.
    pub const FILE: &str = <TrialRecord as schema::CsvFile>::FILE;

    /// Creates `dir/trials.csv` and writes the header; `strategies` are the
    /// names of the strategies whose outcomes it will record.
    pub fn create(dir: &Path, strategies: &[String]) -> Result<TrialsFile> {
        let path = dir.join(Self::FILE);
        let f = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let w = schema::RowWriter::<TrialRecord, _>::new(CheckedWriter::new(
            std::io::BufWriter::with_capacity(1 << 20, f),
        ))?;
        let ids = strategy_ids(strategies);
        Ok(TrialsFile {
            strategies: strategies.iter().cloned().zip(ids).collect(),
            out: Mutex::new(w.finish()?),
            path,
        })
    }

    /// Appends rows written elsewhere (a shard's trials.csv without its
    /// header).
    pub fn append(&self, mut rows: impl std::io::Read) -> Result<()> {
        let mut out = self.lock();
        std::io::copy(&mut rows, &mut *out)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(())
    }

    /// Flushes what is buffered; returns the file's size and SHA-256.
    pub fn finish(self) -> Result<FileCheck> {
        let path = self.path;
        self.out
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .finish()
            .with_context(|| format!("cannot write {}", path.display()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Out> {
        // A panic while holding the lock cannot leave the writer in a state
        // worse than a failed write, which is reported anyway.
        self.out.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TrialSink for TrialsFile {
    type Chunk = csv::Writer<Vec<u8>>;

    fn start_chunk(&self, outcomes: usize) -> Self::Chunk {
        // About 180 bytes a row.
        schema::row_buffer(outcomes * 180)
    }

    fn record(&self, chunk: &mut Self::Chunk, trial: u64, strategy: usize, outcome: &Outcome) {
        // The file is created with the scenario's strategies, the ones the
        // engine numbers.
        let (name, id) = &self.strategies[strategy];
        // Writing into memory cannot fail.
        let _ = schema::row_bytes(chunk, &TrialRecord::of(trial, name, id, outcome));
    }

    fn write_chunk(&self, chunk: Self::Chunk) -> std::io::Result<()> {
        use std::io::Write;
        let bytes = chunk.into_inner().unwrap_or_default();
        self.lock().write_all(&bytes)
    }
}
