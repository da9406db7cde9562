//! The CSV results: summary.csv, trials.csv, monthly.csv, quality.csv.
//!
//! Money is written with two decimals, probabilities with six, so files are
//! identical byte for byte across runs and open cleanly in pandas, R and
//! spreadsheets (plain numbers, a header row, RFC 4180 quoting).

use std::path::Path;

use anyhow::{Context, Result};

use crate::engine::Results;
use crate::model::{CATEGORIES, Outcome};
use crate::stats::{MonthBand, Summary};

/// Money as written in every CSV: two decimals.
pub(crate) fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// A probability as written in every CSV: six decimals.
pub(crate) fn prob(x: f64) -> String {
    format!("{x:.6}")
}

fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        f,
    )))
}

/// The header of summary.csv.
pub fn summary_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "strategy",
        "trials",
        "mean",
        "sd",
        "sem",
        "p5",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "cvar95",
        "min",
        "max",
        "prob_cheapest",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(CATEGORIES.iter().map(|c| format!("mean_{c}")));
    h
}

/// Writes summary.csv: one row per strategy in scenario order.
pub fn write_summary(path: &Path, rows: &[Summary]) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(summary_header())?;
    for s in rows {
        let mut rec = vec![s.strategy.clone(), s.trials.to_string()];
        rec.extend(
            [
                s.mean, s.sd, s.sem, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.cvar95,
                s.min, s.max,
            ]
            .map(money),
        );
        rec.push(prob(s.prob_cheapest));
        rec.extend(s.mean_categories.map(money));
        w.write_record(rec)?;
    }
    w.flush()?;
    Ok(())
}

/// The header of trials.csv.
pub fn trials_header() -> Vec<&'static str> {
    let mut h = vec!["trial", "strategy", "total"];
    h.extend(CATEGORIES);
    h.extend([
        "launch_month",
        "retired",
        "months_degraded",
        "handovers",
        "hires",
        "engagements",
        "context_lost",
    ]);
    h
}

/// trials.csv, written as the run goes: the header first, then rows
/// streamed by the engine in trial order.
pub struct TrialsFile {
    path: std::path::PathBuf,
    out: std::io::BufWriter<std::fs::File>,
}

impl TrialsFile {
    /// Creates the file and writes the header.
    pub fn create(path: &Path) -> Result<TrialsFile> {
        let f = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, f);
        let mut header = csv::Writer::from_writer(&mut out);
        header.write_record(trials_header())?;
        header.flush()?;
        drop(header);
        Ok(TrialsFile {
            path: path.to_path_buf(),
            out,
        })
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<()> {
        use std::io::Write;
        self.out
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl std::io::Write for TrialsFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Appends one trials.csv row.
pub fn trial_row<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    trial: u64,
    strategy: &str,
    o: &Outcome,
) -> csv::Result<()> {
    let mut fields: Vec<String> = Vec::with_capacity(21);
    fields.push(trial.to_string());
    fields.push(strategy.to_string());
    fields.push(money(o.total));
    fields.extend(o.costs.iter().map(|c| money(*c)));
    fields.push(o.launch_month.map(|l| l.to_string()).unwrap_or_default());
    fields.push(u8::from(o.retired).to_string());
    fields.push(o.months_degraded.to_string());
    fields.push(o.handovers.to_string());
    fields.push(o.hires.to_string());
    fields.push(o.engagements.to_string());
    fields.push(format!("{:.4}", o.context_lost));
    w.write_record(&fields)
}

/// Writes monthly.csv: cumulative cost at the end of each month.
pub fn write_monthly(path: &Path, r: &Results, bands: &[MonthBand]) -> Result<()> {
    write_bands(path, r, bands)?;
    Ok(())
}

/// Writes quality.csv: mean model quality (1 - degradation) at the end of
/// each month.
pub fn write_quality(path: &Path, r: &Results, bands: &[MonthBand]) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["strategy", "month", "mean_quality"])?;
    for b in bands {
        w.write_record([
            r.strategies[b.strategy].clone(),
            b.month.to_string(),
            prob(b.quality),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_bands(path: &Path, r: &Results, bands: &[MonthBand]) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["strategy", "month", "mean", "p10", "p50", "p90"])?;
    for b in bands {
        w.write_record([
            r.strategies[b.strategy].clone(),
            b.month.to_string(),
            money(b.mean),
            money(b.p10),
            money(b.p50),
            money(b.p90),
        ])?;
    }
    w.flush()?;
    Ok(())
}
