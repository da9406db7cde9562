//! One schema per CSV file: its name, header, column order and number
//! formats, defined once as a row type that both the writer and the reader
//! use. A column added, renamed or reformatted here changes the writer and
//! the reader together; a file whose header is not the schema's is refused
//! with a message that names it, never read by position.
//!
//! Numbers are written in fixed formats so files are identical byte for byte
//! across runs and open cleanly in pandas, R and spreadsheets: money with two
//! decimals ([`Money`]), probabilities and correlations with six ([`Prob`]),
//! and the context lost per trial with four ([`Fixed4`]).

use std::borrow::Cow;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Category, Costs, Outcome};
use crate::stats::analysis::{Crossover, PairComparison, Precision, SensitivityRow, Target};
use crate::stats::voi::VoiRow;
use crate::stats::{Brief, Summary};

/// Text cells from a scenario (strategy names, run names, sensitivity
/// targets) neutralised against spreadsheet formula injection, as OWASP
/// recommends: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is written with a leading `'`, which spreadsheets show as
/// text and never evaluate; a cell that starts with `'` gets one more, so the
/// reader can undo exactly what the writer did. Numbers are never text
/// cells, so negative numbers are untouched.
pub mod cell {
    use std::borrow::Cow;

    use serde::{Deserialize, Deserializer, Serializer};

    /// First characters a spreadsheet reads as the start of a formula.
    const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

    /// The cell as written.
    pub fn neutralise(s: &str) -> Cow<'_, str> {
        if s.starts_with(FORMULA) || s.starts_with('\'') {
            Cow::Owned(format!("'{s}"))
        } else {
            Cow::Borrowed(s)
        }
    }

    /// The text a written cell stands for (the inverse of [`neutralise`]).
    pub fn restore(s: String) -> String {
        match s.strip_prefix('\'') {
            Some(rest) if rest.starts_with(FORMULA) || rest.starts_with('\'') => rest.to_string(),
            _ => s,
        }
    }

    /// Writes a text cell, neutralised (serde's `with`).
    pub fn serialize<S: Serializer, T: AsRef<str>>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&neutralise(v.as_ref()))
    }

    /// Reads a text cell, restored (serde's `with`).
    pub fn deserialize<'de, D: Deserializer<'de>, T: From<String>>(d: D) -> Result<T, D::Error> {
        Ok(restore(String::deserialize(d)?).into())
    }
}

macro_rules! fixed_format {
    ($(#[$doc:meta])* $name:ident, $digits:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $name(pub f64);

        impl $name {
            /// `x` as the file holds it: formatted, then read back.
            pub fn as_written(x: f64) -> f64 {
                format!("{x:.prec$}", prec = $digits).parse().unwrap_or(x)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:.prec$}", self.0, prec = $digits)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                f64::deserialize(d).map($name)
            }
        }
    };
}

fixed_format!(
    /// An amount of money: two decimals.
    Money,
    2
);
fixed_format!(
    /// A probability, share or correlation: six decimals.
    Prob,
    6
);
fixed_format!(
    /// A small quantity (engineer-months of context lost): four decimals.
    Fixed4,
    4
);

/// A CSV file of a run directory and the type of its rows.
pub trait CsvFile: Serialize + DeserializeOwned {
    /// The file's name in a run directory.
    const FILE: &'static str;
    /// Its header: the row type's field names, in order (a unit test checks
    /// that serde writes exactly these).
    const HEADER: &'static [&'static str];
}

/// A CSV writer with the header of `R` already written.
pub struct RowWriter<R: CsvFile, W: std::io::Write> {
    w: csv::Writer<W>,
    _rows: std::marker::PhantomData<R>,
}

impl<R: CsvFile, W: std::io::Write> RowWriter<R, W> {
    /// Writes the header into `out`.
    pub fn new(out: W) -> Result<Self> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        w.write_record(R::HEADER)?;
        Ok(RowWriter {
            w,
            _rows: std::marker::PhantomData,
        })
    }

    /// Appends one row.
    pub fn write(&mut self, row: &R) -> csv::Result<()> {
        self.w.serialize(row)
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> Result<W> {
        self.w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))
    }
}

/// Rows without the header, for parts of a file written in pieces (the
/// chunks of trials.csv).
pub fn row_bytes<R: Serialize>(rows: &mut csv::Writer<Vec<u8>>, row: &R) -> csv::Result<()> {
    rows.serialize(row)
}

/// A writer of rows without header into memory.
pub fn row_buffer(capacity: usize) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(capacity))
}

/// Writes `dir/R::FILE` with its header and `rows`.
pub fn write_file<'a, R: CsvFile + 'a>(
    dir: &Path,
    rows: impl IntoIterator<Item = &'a R>,
) -> Result<()> {
    let path = dir.join(R::FILE);
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = RowWriter::<R, _>::new(std::io::BufWriter::with_capacity(1 << 20, f))?;
    for r in rows {
        w.write(r)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = w
        .finish()
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::flush(&mut out).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads `dir/R::FILE`, refusing a file whose header is not the schema's.
pub fn read_file<R: CsvFile>(dir: &Path) -> Result<Vec<R>> {
    let mut rows = Vec::new();
    read_each(dir, |r: R| {
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}

/// Streams the rows of `dir/R::FILE` into `f` (for files too large to hold
/// whole), refusing a file whose header is not the schema's.
pub fn read_each<R: CsvFile>(dir: &Path, mut f: impl FnMut(R) -> Result<()>) -> Result<()> {
    let path = dir.join(R::FILE);
    let mut r =
        csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r
        .headers()
        .with_context(|| format!("{} is not valid CSV", path.display()))?
        .clone();
    if header.iter().ne(R::HEADER.iter().copied()) {
        bail!(
            "{} does not have the columns tcosim writes ({}); it was edited or written by another version",
            path.display(),
            R::HEADER.join(",")
        );
    }
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    loop {
        line += 1;
        let more = r
            .read_record(&mut record)
            .with_context(|| format!("{}: line {line} is not valid CSV", path.display()))?;
        if !more {
            return Ok(());
        }
        let row: R = record.deserialize(Some(&header)).with_context(|| {
            format!("{}: line {line} does not match the columns", path.display())
        })?;
        f(row)?;
    }
}

// ---------------------------------------------------------------- files

/// A row of summary.csv: one strategy's distribution of total cost, then
/// its cash and its lost value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRecord {
    /// Column `strategy` (text): the strategy's name.
    #[serde(with = "cell")]
    pub strategy: String,
    /// The strategy's stable id ([`crate::scenario::strategy_ids`]).
    pub strategy_id: String,
    /// Column `trials` (count): trials simulated.
    pub trials: u64,
    /// Column `mean` (dollars); of `mean`, `sd`: mean and standard deviation of the TCO (total cost
    /// of ownership: cash + lost value).
    pub mean: Money,
    /// Column `sd` (dollars); of `mean`, `sd`: mean and standard deviation of the TCO (total cost
    /// of ownership: cash + lost value).
    pub sd: Money,
    /// Column `sem` (dollars): standard error of `mean` (`sd / sqrt(trials)`).
    pub sem: Money,
    /// Column `p5` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of the
    /// TCO (`p50` is the median).
    pub p5: Money,
    /// Column `p10` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p10: Money,
    /// Column `p25` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p25: Money,
    /// Column `p50` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p50: Money,
    /// Column `p75` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p75: Money,
    /// Column `p90` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p90: Money,
    /// Column `p95` (dollars); of `p5`, `p10`, `p25`, `p50`, `p75`, `p90`, `p95`: percentiles of
    /// the TCO (`p50` is the median).
    pub p95: Money,
    /// Column `cvar95` (dollars): mean TCO of the costliest 5% of trials.
    pub cvar95: Money,
    /// Column `min` (dollars); of `min`, `max`: smallest and largest TCO of any trial.
    pub min: Money,
    /// Column `max` (dollars); of `min`, `max`: smallest and largest TCO of any trial.
    pub max: Money,
    /// Column `prob_cheapest` (fraction): share of trials in which this strategy's TCO is the
    /// lowest, a tie split equally among the tied.
    pub prob_cheapest: Prob,
    // Mean cost per category, in the order of `model::CATEGORIES`.
    /// Column `mean_build` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_build: Money,
    /// Column `mean_roadmap` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_roadmap: Money,
    /// Column `mean_maintenance` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_maintenance: Money,
    /// Column `mean_remediation` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_remediation: Money,
    /// Column `mean_rework` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_rework: Money,
    /// Column `mean_context` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_context: Money,
    /// Column `mean_idle` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_idle: Money,
    /// Column `mean_hiring` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_hiring: Money,
    /// Column `mean_degradation` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_degradation: Money,
    /// Column `mean_delay` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_delay: Money,
    /// Column `mean_unfinished` (dollars); of `mean_build`, `mean_roadmap`, `mean_maintenance`,
    /// `mean_remediation`, `mean_rework`, `mean_context`, `mean_idle`, `mean_hiring`,
    /// `mean_degradation`, `mean_delay`, `mean_unfinished`: mean of each of the eleven cost
    /// categories (see [`Category`]); they add up to `mean`.
    pub mean_unfinished: Money,
    // Cash: every category but degradation and delay.
    /// Column `mean_cash` (dollars); of `mean_cash`, `p10_cash`, `p50_cash`, `p90_cash`: mean and
    /// percentiles of the cash: what the strategy pays, every category but `degradation` and
    /// `delay`.
    pub mean_cash: Money,
    /// Column `p10_cash` (dollars); of `mean_cash`, `p10_cash`, `p50_cash`, `p90_cash`: mean and
    /// percentiles of the cash: what the strategy pays, every category but `degradation` and
    /// `delay`.
    pub p10_cash: Money,
    /// Column `p50_cash` (dollars); of `mean_cash`, `p10_cash`, `p50_cash`, `p90_cash`: mean and
    /// percentiles of the cash: what the strategy pays, every category but `degradation` and
    /// `delay`.
    pub p50_cash: Money,
    /// Column `p90_cash` (dollars); of `mean_cash`, `p10_cash`, `p50_cash`, `p90_cash`: mean and
    /// percentiles of the cash: what the strategy pays, every category but `degradation` and
    /// `delay`.
    pub p90_cash: Money,
    /// Share of trials in which this strategy pays the least cash.
    pub p_cheapest_cash: Prob,
    // Lost value: degradation and delay.
    /// Column `mean_lost_value` (dollars); of `mean_lost_value`, `p10_lost_value`,
    /// `p50_lost_value`, `p90_lost_value`: mean and percentiles of the lost value: `degradation` +
    /// `delay`.
    pub mean_lost_value: Money,
    /// Column `p10_lost_value` (dollars); of `mean_lost_value`, `p10_lost_value`, `p50_lost_value`,
    /// `p90_lost_value`: mean and percentiles of the lost value: `degradation` + `delay`.
    pub p10_lost_value: Money,
    /// Column `p50_lost_value` (dollars); of `mean_lost_value`, `p10_lost_value`, `p50_lost_value`,
    /// `p90_lost_value`: mean and percentiles of the lost value: `degradation` + `delay`.
    pub p50_lost_value: Money,
    /// Column `p90_lost_value` (dollars); of `mean_lost_value`, `p10_lost_value`, `p50_lost_value`,
    /// `p90_lost_value`: mean and percentiles of the lost value: `degradation` + `delay`.
    pub p90_lost_value: Money,
    /// Share of trials in which this strategy loses the least value.
    pub p_least_lost_value: Prob,
    // How prob_cheapest splits: trials won alone, trials tied for the lowest.
    /// Column `p_strictly_cheapest` (fraction): share of trials in which its TCO alone is the
    /// lowest.
    pub p_strictly_cheapest: Prob,
    /// Column `p_tied_cheapest` (fraction): share of trials in which it ties with another for the
    /// lowest TCO (`prob_cheapest` counts a share of each).
    pub p_tied_cheapest: Prob,
}

impl CsvFile for SummaryRecord {
    const FILE: &'static str = "summary.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy",
        "strategy_id",
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
        "mean_build",
        "mean_roadmap",
        "mean_maintenance",
        "mean_remediation",
        "mean_rework",
        "mean_context",
        "mean_idle",
        "mean_hiring",
        "mean_degradation",
        "mean_delay",
        "mean_unfinished",
        "mean_cash",
        "p10_cash",
        "p50_cash",
        "p90_cash",
        "p_cheapest_cash",
        "mean_lost_value",
        "p10_lost_value",
        "p50_lost_value",
        "p90_lost_value",
        "p_least_lost_value",
        "p_strictly_cheapest",
        "p_tied_cheapest",
    ];
}

impl SummaryRecord {
    /// The row of summary `s`, of the strategy whose id is `id`.
    pub fn of(s: &Summary, id: &str) -> Self {
        let c = s.mean_categories.as_array().map(Money);
        SummaryRecord {
            strategy: s.strategy.clone(),
            strategy_id: id.to_string(),
            trials: s.trials,
            mean: Money(s.mean),
            sd: Money(s.sd),
            sem: Money(s.sem),
            p5: Money(s.p5),
            p10: Money(s.p10),
            p25: Money(s.p25),
            p50: Money(s.p50),
            p75: Money(s.p75),
            p90: Money(s.p90),
            p95: Money(s.p95),
            cvar95: Money(s.cvar95),
            min: Money(s.min),
            max: Money(s.max),
            prob_cheapest: Prob(s.prob_cheapest),
            mean_build: c[0],
            mean_roadmap: c[1],
            mean_maintenance: c[2],
            mean_remediation: c[3],
            mean_rework: c[4],
            mean_context: c[5],
            mean_idle: c[6],
            mean_hiring: c[7],
            mean_degradation: c[8],
            mean_delay: c[9],
            mean_unfinished: c[10],
            mean_cash: Money(s.cash.mean),
            p10_cash: Money(s.cash.p10),
            p50_cash: Money(s.cash.p50),
            p90_cash: Money(s.cash.p90),
            p_cheapest_cash: Prob(s.cash.prob_lowest),
            mean_lost_value: Money(s.lost_value.mean),
            p10_lost_value: Money(s.lost_value.p10),
            p50_lost_value: Money(s.lost_value.p50),
            p90_lost_value: Money(s.lost_value.p90),
            p_least_lost_value: Prob(s.lost_value.prob_lowest),
            p_strictly_cheapest: Prob(s.prob_strictly_cheapest),
            p_tied_cheapest: Prob(s.prob_tied_cheapest),
        }
    }
}

impl From<SummaryRecord> for Summary {
    fn from(r: SummaryRecord) -> Self {
        let mean_categories = [
            r.mean_build,
            r.mean_roadmap,
            r.mean_maintenance,
            r.mean_remediation,
            r.mean_rework,
            r.mean_context,
            r.mean_idle,
            r.mean_hiring,
            r.mean_degradation,
            r.mean_delay,
            r.mean_unfinished,
        ]
        .map(|m| m.0);
        let mean_categories = Costs::from_array(mean_categories);
        Summary {
            strategy: r.strategy,
            trials: r.trials,
            mean: r.mean.0,
            sd: r.sd.0,
            sem: r.sem.0,
            p5: r.p5.0,
            p10: r.p10.0,
            p25: r.p25.0,
            p50: r.p50.0,
            p75: r.p75.0,
            p90: r.p90.0,
            p95: r.p95.0,
            cvar95: r.cvar95.0,
            min: r.min.0,
            max: r.max.0,
            prob_cheapest: r.prob_cheapest.0,
            prob_strictly_cheapest: r.p_strictly_cheapest.0,
            prob_tied_cheapest: r.p_tied_cheapest.0,
            mean_categories,
            cash: Brief {
                mean: r.mean_cash.0,
                p10: r.p10_cash.0,
                p50: r.p50_cash.0,
                p90: r.p90_cash.0,
                prob_lowest: r.p_cheapest_cash.0,
            },
            lost_value: Brief {
                mean: r.mean_lost_value.0,
                p10: r.p10_lost_value.0,
                p50: r.p50_lost_value.0,
                p90: r.p90_lost_value.0,
                prob_lowest: r.p_least_lost_value.0,
            },
        }
    }
}

/// A row of trials.csv: one strategy in one trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord<'a> {
    /// Column `trial` (count): trial number, from 0 (the same trial in every file; shards keep the
    /// whole run's numbers).
    pub trial: u64,
    /// Column `strategy` (text); of `strategy`, `strategy_id`: the strategy.
    #[serde(with = "cell")]
    pub strategy: Cow<'a, str>,
    /// Column `strategy_id` (text); of `strategy`, `strategy_id`: the strategy.
    pub strategy_id: Cow<'a, str>,
    /// Column `total` (dollars): the TCO of this strategy in this trial.
    pub total: Money,
    /// What the strategy pays: every category but degradation and delay.
    pub cash: Money,
    /// Business value lost: degradation and delay.
    pub lost_value: Money,
    /// Column `build` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub build: Money,
    /// Column `roadmap` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub roadmap: Money,
    /// Column `maintenance` (dollars); of `build` ... `unfinished`: the eleven categories, in the
    /// order of summary.csv.
    pub maintenance: Money,
    /// Column `remediation` (dollars); of `build` ... `unfinished`: the eleven categories, in the
    /// order of summary.csv.
    pub remediation: Money,
    /// Column `rework` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub rework: Money,
    /// Column `context` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub context: Money,
    /// Column `idle` (dollars); of `build` ... `unfinished`: the eleven categories, in the order of
    /// summary.csv.
    pub idle: Money,
    /// Column `hiring` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub hiring: Money,
    /// Column `degradation` (dollars); of `build` ... `unfinished`: the eleven categories, in the
    /// order of summary.csv.
    pub degradation: Money,
    /// Column `delay` (dollars); of `build` ... `unfinished`: the eleven categories, in the order
    /// of summary.csv.
    pub delay: Money,
    /// Column `unfinished` (dollars); of `build` ... `unfinished`: the eleven categories, in the
    /// order of summary.csv.
    pub unfinished: Money,
    /// Month of launch (0-based), empty if the product never launched.
    pub launch_month: Option<u32>,
    /// 1 if the product was retired for lack of traction, else 0.
    pub retired: u8,
    /// Column `months_degraded` (count): months the model spent degraded.
    pub months_degraded: u32,
    /// Column `handovers` (count): times an engineer left and another took over.
    pub handovers: u32,
    /// Column `hires` (count): employees hired.
    pub hires: u32,
    /// Column `engagements` (count): freelance engagements started.
    pub engagements: u32,
    /// Engineer-months of context lost at handovers.
    pub context_lost: Fixed4,
}

impl CsvFile for TrialRecord<'static> {
    const FILE: &'static str = "trials.csv";
    const HEADER: &'static [&'static str] = &[
        "trial",
        "strategy",
        "strategy_id",
        "total",
        "cash",
        "lost_value",
        "build",
        "roadmap",
        "maintenance",
        "remediation",
        "rework",
        "context",
        "idle",
        "hiring",
        "degradation",
        "delay",
        "unfinished",
        "launch_month",
        "retired",
        "months_degraded",
        "handovers",
        "hires",
        "engagements",
        "context_lost",
    ];
}

impl<'a> TrialRecord<'a> {
    /// The row of strategy `strategy`'s (id `id`) outcome `o` in trial
    /// `trial`.
    pub fn of(trial: u64, strategy: &'a str, id: &'a str, o: &Outcome) -> Self {
        let c = |k: Category| Money(o.costs[k]);
        TrialRecord {
            trial,
            strategy: Cow::Borrowed(strategy),
            strategy_id: Cow::Borrowed(id),
            total: Money(o.total),
            cash: Money(o.cash),
            lost_value: Money(o.lost_value),
            build: c(Category::Build),
            roadmap: c(Category::Roadmap),
            maintenance: c(Category::Maintenance),
            remediation: c(Category::Remediation),
            rework: c(Category::Rework),
            context: c(Category::Context),
            idle: c(Category::Idle),
            hiring: c(Category::Hiring),
            degradation: c(Category::Degradation),
            delay: c(Category::Delay),
            unfinished: c(Category::Unfinished),
            launch_month: o.launch_month,
            retired: u8::from(o.retired),
            months_degraded: o.months_degraded,
            handovers: o.handovers,
            hires: o.hires,
            engagements: o.engagements,
            context_lost: Fixed4(o.context_lost),
        }
    }
}

/// A row of monthly.csv: cumulative cost at the end of a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRecord {
    /// Column `strategy` (text); of `strategy`, `strategy_id`: the strategy.
    #[serde(with = "cell")]
    pub strategy: String,
    /// Column `strategy_id` (text); of `strategy`, `strategy_id`: the strategy.
    pub strategy_id: String,
    /// Month index, 0-based.
    pub month: u32,
    /// Column `mean` (dollars to date): mean over trials of the cumulative TCO at the end of the
    /// month (exact).
    pub mean: Money,
    /// Column `p10` (dollars to date); of `p10`, `p50`, `p90`: its percentiles, from mergeable
    /// sketches (within 0.39%, see MODEL.md).
    pub p10: Money,
    /// Column `p50` (dollars to date); of `p10`, `p50`, `p90`: its percentiles, from mergeable
    /// sketches (within 0.39%, see MODEL.md).
    pub p50: Money,
    /// Column `p90` (dollars to date); of `p10`, `p50`, `p90`: its percentiles, from mergeable
    /// sketches (within 0.39%, see MODEL.md).
    pub p90: Money,
}

impl CsvFile for MonthlyRecord {
    const FILE: &'static str = "monthly.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy",
        "strategy_id",
        "month",
        "mean",
        "p10",
        "p50",
        "p90",
    ];
}

/// A row of quality.csv: mean model quality at the end of a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityRecord {
    /// Column `strategy` (text); of `strategy`, `strategy_id`: the strategy.
    #[serde(with = "cell")]
    pub strategy: String,
    /// Column `strategy_id` (text); of `strategy`, `strategy_id`: the strategy.
    pub strategy_id: String,
    /// Column `month` (month index): the month.
    pub month: u32,
    /// Column `mean_quality` (fraction): mean over trials of the model's quality (1 - degradation)
    /// at the end of the month.
    pub mean_quality: Prob,
}

impl CsvFile for QualityRecord {
    const FILE: &'static str = "quality.csv";
    const HEADER: &'static [&'static str] = &["strategy", "strategy_id", "month", "mean_quality"];
}

/// A row of comparison.csv: strategy A against strategy B, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRecord {
    /// Column `strategy_a` (text); of `strategy_a`, `strategy_a_id`: strategy A.
    #[serde(with = "cell")]
    pub strategy_a: String,
    /// Column `strategy_a_id` (text); of `strategy_a`, `strategy_a_id`: strategy A.
    pub strategy_a_id: String,
    /// Column `strategy_b` (text); of `strategy_b`, `strategy_b_id`: strategy B.
    #[serde(with = "cell")]
    pub strategy_b: String,
    /// Column `strategy_b_id` (text); of `strategy_b`, `strategy_b_id`: strategy B.
    pub strategy_b_id: String,
    /// Column `trials` (count): trials compared (all of them).
    pub trials: u64,
    /// Column `mean_a_minus_b` (dollars): mean of A's TCO minus B's, trial by trial (negative: A
    /// costs less on average).
    pub mean_a_minus_b: Money,
    /// Column `ci95_low` (dollars); of `ci95_low`, `ci95_high`: its 95% confidence interval.
    pub ci95_low: Money,
    /// Column `ci95_high` (dollars); of `ci95_low`, `ci95_high`: its 95% confidence interval.
    pub ci95_high: Money,
    /// Column `p50_a_minus_b` (dollars): median of the per-trial difference.
    pub p50_a_minus_b: Money,
    /// Column `prob_a_cheaper` (fraction); of `prob_a_cheaper`, `prob_tie`, `prob_b_cheaper`:
    /// shares of trials in which A costs less, the same, more; they add up to 1.
    pub prob_a_cheaper: Prob,
    /// Column `prob_tie` (fraction); of `prob_a_cheaper`, `prob_tie`, `prob_b_cheaper`: shares of
    /// trials in which A costs less, the same, more; they add up to 1.
    pub prob_tie: Prob,
    /// Column `prob_b_cheaper` (fraction); of `prob_a_cheaper`, `prob_tie`, `prob_b_cheaper`:
    /// shares of trials in which A costs less, the same, more; they add up to 1.
    pub prob_b_cheaper: Prob,
}

impl CsvFile for ComparisonRecord {
    const FILE: &'static str = "comparison.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy_a",
        "strategy_a_id",
        "strategy_b",
        "strategy_b_id",
        "trials",
        "mean_a_minus_b",
        "ci95_low",
        "ci95_high",
        "p50_a_minus_b",
        "prob_a_cheaper",
        "prob_tie",
        "prob_b_cheaper",
    ];
}

/// A row of comparison.csv as the verdict reads it: A − B.
impl From<&ComparisonRecord> for crate::decide::verdict::PairDifference {
    fn from(c: &ComparisonRecord) -> Self {
        crate::decide::verdict::PairDifference {
            mean: c.mean_a_minus_b.0,
            ci_low: c.ci95_low.0,
            ci_high: c.ci95_high.0,
            p50: c.p50_a_minus_b.0,
            prob_a_cheaper: c.prob_a_cheaper.0,
            prob_tie: c.prob_tie.0,
        }
    }
}

impl ComparisonRecord {
    /// The row of comparison `c`; `ids` are the strategies' ids in
    /// scenario order.
    pub fn of(c: &PairComparison, ids: &[String]) -> Self {
        ComparisonRecord {
            strategy_a: c.a_name.clone(),
            strategy_a_id: ids[c.a].clone(),
            strategy_b: c.b_name.clone(),
            strategy_b_id: ids[c.b].clone(),
            trials: c.trials as u64,
            mean_a_minus_b: Money(c.mean),
            ci95_low: Money(c.ci_low),
            ci95_high: Money(c.ci_high),
            p50_a_minus_b: Money(c.median),
            prob_a_cheaper: Prob(c.p_a_cheaper),
            prob_tie: Prob(c.p_tie),
            prob_b_cheaper: Prob(c.p_b_cheaper),
        }
    }
}

/// A row of precision.csv: one statistic of one strategy with its standard
/// error and 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionRecord {
    /// Column `strategy` (text); of `strategy`, `strategy_id`: the strategy.
    #[serde(with = "cell")]
    pub strategy: String,
    /// Column `strategy_id` (text); of `strategy`, `strategy_id`: the strategy.
    pub strategy_id: String,
    /// Column `trials` (count): trials.
    pub trials: u64,
    /// `mean`, `p10`, `p50` or `p90`.
    pub statistic: String,
    /// Column `estimate` (dollars): the statistic.
    pub estimate: Money,
    /// Column `se` (dollars): its Monte Carlo standard error.
    pub se: Money,
    /// Column `ci95_low` (dollars); of `ci95_low`, `ci95_high`: its 95% interval.
    pub ci95_low: Money,
    /// Column `ci95_high` (dollars); of `ci95_low`, `ci95_high`: its 95% interval.
    pub ci95_high: Money,
}

impl CsvFile for PrecisionRecord {
    const FILE: &'static str = "precision.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy",
        "strategy_id",
        "trials",
        "statistic",
        "estimate",
        "se",
        "ci95_low",
        "ci95_high",
    ];
}

impl PrecisionRecord {
    /// The four rows of a strategy (id `id`): mean, P10, P50, P90.
    pub fn of(p: &Precision, id: &str) -> [PrecisionRecord; 4] {
        let row = |statistic: &str, estimate, se, lo, hi| PrecisionRecord {
            strategy: p.name.clone(),
            strategy_id: id.to_string(),
            trials: p.trials as u64,
            statistic: statistic.to_string(),
            estimate: Money(estimate),
            se: Money(se),
            ci95_low: Money(lo),
            ci95_high: Money(hi),
        };
        let q = |n, q: &crate::stats::analysis::QuantileEstimate| {
            row(n, q.estimate, q.se, q.ci_low, q.ci_high)
        };
        [
            row("mean", p.mean, p.mean_se, p.mean_ci_low, p.mean_ci_high),
            q("p10", &p.p10),
            q("p50", &p.p50),
            q("p90", &p.p90),
        ]
    }
}

/// A row of crossover.csv: the month from which B stays cheaper to date
/// than A (empty if it does not by the horizon).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossoverRecord {
    /// Column `strategy_a` (text); of `strategy_a`, `strategy_a_id`, `strategy_b`, `strategy_b_id`:
    /// the pair.
    #[serde(with = "cell")]
    pub strategy_a: String,
    /// Column `strategy_a_id` (text); of `strategy_a`, `strategy_a_id`, `strategy_b`,
    /// `strategy_b_id`: the pair.
    pub strategy_a_id: String,
    /// Column `strategy_b` (text); of `strategy_a`, `strategy_a_id`, `strategy_b`, `strategy_b_id`:
    /// the pair.
    #[serde(with = "cell")]
    pub strategy_b: String,
    /// Column `strategy_b_id` (text); of `strategy_a`, `strategy_a_id`, `strategy_b`,
    /// `strategy_b_id`: the pair.
    pub strategy_b_id: String,
    /// Column `median_month` (month index): the first month from which A's median cumulative cost
    /// stays above B's to the horizon; empty if none.
    pub median_month: Option<usize>,
    /// Column `mean_month` (month index): the same for the means.
    pub mean_month: Option<usize>,
}

impl CsvFile for CrossoverRecord {
    const FILE: &'static str = "crossover.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy_a",
        "strategy_a_id",
        "strategy_b",
        "strategy_b_id",
        "median_month",
        "mean_month",
    ];
}

impl CrossoverRecord {
    /// The row of crossover `c` between the named strategies (names and
    /// ids in scenario order).
    pub fn of(c: &Crossover, strategies: &[String], ids: &[String]) -> Self {
        CrossoverRecord {
            strategy_a: strategies[c.a].clone(),
            strategy_a_id: ids[c.a].clone(),
            strategy_b: strategies[c.b].clone(),
            strategy_b_id: ids[c.b].clone(),
            median_month: c.median_month,
            mean_month: c.mean_month,
        }
    }
}

/// What a sensitivity.csv row correlates its input with: one strategy's
/// TCO, or the difference of two strategies' TCO, trial by trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// The TCO of `strategy`; `versus` is empty.
    Strategy,
    /// The TCO of `strategy` minus that of `versus`.
    Difference,
}

/// A row of sensitivity.csv: Spearman's rho of an input with a target, the
/// target named by its kind and the strategies it involves (each with its
/// id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRecord {
    /// Column `input` (text): the input's key path, as in inputs.csv.
    pub input: String,
    /// Column `target_kind` (`strategy` or `difference`): what the input is correlated with: one
    /// strategy's TCO, or the difference of two strategies' TCO trial by trial.
    pub target_kind: TargetKind,
    /// Column `strategy` (text); of `strategy`, `strategy_id`: the strategy whose TCO is the
    /// target; for a difference, the first of the pair (the one with the lower median TCO).
    #[serde(with = "cell")]
    pub strategy: String,
    /// Column `strategy_id` (text); of `strategy`, `strategy_id`: the strategy whose TCO is the
    /// target; for a difference, the first of the pair (the one with the lower median TCO).
    pub strategy_id: String,
    /// The strategy subtracted in a difference; empty otherwise.
    #[serde(with = "cell")]
    pub versus: String,
    /// Column `versus_id` (text); of `versus`, `versus_id`: for a difference, the strategy
    /// subtracted (the next lowest median); empty for a `strategy` target.
    pub versus_id: String,
    /// Column `rho` (rank correlation): Spearman's rho of the input with the target over trials
    /// (for a difference, positive means a higher input makes `strategy` dearer relative to
    /// `versus`).
    pub rho: Prob,
    /// Column `top_minus_bottom_decile` (dollars): the target's mean over the trials with the input
    /// at or above its P90 minus its mean over those at or below its P10 (0 when the two coincide).
    pub top_minus_bottom_decile: Money,
}

impl CsvFile for SensitivityRecord {
    const FILE: &'static str = "sensitivity.csv";
    const HEADER: &'static [&'static str] = &[
        "input",
        "target_kind",
        "strategy",
        "strategy_id",
        "versus",
        "versus_id",
        "rho",
        "top_minus_bottom_decile",
    ];
}

impl SensitivityRecord {
    /// The row of `s`, its strategies named from `strategies` (with their
    /// ids `ids`), in scenario order.
    pub fn of(s: &SensitivityRow, strategies: &[String], ids: &[String]) -> Self {
        let (kind, a, b) = match s.target {
            Target::Strategy(a) => (TargetKind::Strategy, a, None),
            Target::Difference(a, b) => (TargetKind::Difference, a, Some(b)),
        };
        let name = |i: Option<usize>| i.map_or_else(String::new, |i| strategies[i].clone());
        let id = |i: Option<usize>| i.map_or_else(String::new, |i| ids[i].clone());
        SensitivityRecord {
            input: s.input.clone(),
            target_kind: kind,
            strategy: name(Some(a)),
            strategy_id: id(Some(a)),
            versus: name(b),
            versus_id: id(b),
            rho: Prob(s.rho),
            top_minus_bottom_decile: Money(s.effect),
        }
    }
}

fixed_format!(
    /// A percentage: two decimals (`-12.50` is -12.5%).
    Percent,
    2
);

/// A row of compare.csv (`tcosim compare`): one strategy of one run, and
/// how its mean and median changed against the same strategy in the first
/// run (dollars, and percent of the first run's figure). The changes are
/// 0 in the first run's rows and empty where the first run lacks the
/// strategy (the percentages also where its figure is 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRecord {
    /// Column `run` (text): the run directory's name.
    #[serde(with = "cell")]
    pub run: String,
    /// Column `strategy` (text): the strategy's name (strategies are matched across runs by
    /// name).
    #[serde(with = "cell")]
    pub strategy: String,
    /// The strategy's id within its run.
    pub strategy_id: String,
    /// Column `mean` (dollars): the run's mean TCO for the strategy.
    pub mean: Money,
    /// Column `p10` (dollars): the run's 10th percentile of TCO.
    pub p10: Money,
    /// Column `p50` (dollars): the run's median TCO.
    pub p50: Money,
    /// Column `p90` (dollars): the run's 90th percentile of TCO.
    pub p90: Money,
    /// Column `mean_change` (dollars): change of `mean` against the same strategy in the first
    /// run (empty when the first run lacks it).
    pub mean_change: Option<Money>,
    /// Column `mean_change_pct` (percent): the same in percent of the first run's figure.
    pub mean_change_pct: Option<Percent>,
    /// Column `p50_change` (dollars): change of `p50` against the first run.
    pub p50_change: Option<Money>,
    /// Column `p50_change_pct` (percent): the same in percent of the first run's figure.
    pub p50_change_pct: Option<Percent>,
}

impl CsvFile for CompareRecord {
    const FILE: &'static str = "compare.csv";
    const HEADER: &'static [&'static str] = &[
        "run",
        "strategy",
        "strategy_id",
        "mean",
        "p10",
        "p50",
        "p90",
        "mean_change",
        "mean_change_pct",
        "p50_change",
        "p50_change_pct",
    ];
}

/// A row of voi.csv: the expected value of perfect information on one
/// input (EVPPI), in dollars of mean TCO saved, with its Monte Carlo error
/// and bias (see [`crate::stats::voi`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiRecord {
    /// Column `input` (text): the input's key path, as in sensitivity.csv; rows largest `evppi`
    /// first.
    pub input: String,
    /// Column `evppi` (dollars): expected saving in mean TCO from choosing the strategy after
    /// learning the input exactly (expected value of partial perfect information).
    pub evppi: Money,
    /// Column `se` (dollars): its Monte Carlo standard error.
    pub se: Money,
    /// Column `bias` (dollars): the estimator's upward bias (what it gives for the input shuffled);
    /// `evppi - bias` is conservative.
    pub bias: Money,
    /// Column `bins` (count): quantile bins of the input used by the estimator.
    pub bins: usize,
    /// Column `choice_now` (text); of `choice_now`, `choice_now_id`: the strategy with the lowest
    /// mean TCO without the information.
    #[serde(with = "cell")]
    pub choice_now: String,
    /// Column `choice_now_id` (text); of `choice_now`, `choice_now_id`: the strategy with the
    /// lowest mean TCO without the information.
    pub choice_now_id: String,
    /// Column `choice_if_low` (text); of `choice_if_low`, `choice_if_low_id`: the strategy the
    /// input's lowest bin calls for.
    #[serde(with = "cell")]
    pub choice_if_low: String,
    /// Column `choice_if_low_id` (text); of `choice_if_low`, `choice_if_low_id`: the strategy the
    /// input's lowest bin calls for.
    pub choice_if_low_id: String,
    /// Column `choice_if_high` (text); of `choice_if_high`, `choice_if_high_id`: the strategy its
    /// highest bin calls for.
    #[serde(with = "cell")]
    pub choice_if_high: String,
    /// Column `choice_if_high_id` (text); of `choice_if_high`, `choice_if_high_id`: the strategy
    /// its highest bin calls for.
    pub choice_if_high_id: String,
    /// Column `share_changed` (fraction): share of trials whose bin calls for another strategy than
    /// `choice_now`.
    pub share_changed: Prob,
}

impl CsvFile for VoiRecord {
    const FILE: &'static str = "voi.csv";
    const HEADER: &'static [&'static str] = &[
        "input",
        "evppi",
        "se",
        "bias",
        "bins",
        "choice_now",
        "choice_now_id",
        "choice_if_low",
        "choice_if_low_id",
        "choice_if_high",
        "choice_if_high_id",
        "share_changed",
    ];
}

impl VoiRecord {
    /// The row of `r`, its choices named from `strategies` (with their
    /// ids `ids`).
    pub fn of(r: &VoiRow, strategies: &[String], ids: &[String]) -> Self {
        let name = |i: usize| strategies.get(i).cloned().unwrap_or_default();
        let id = |i: usize| ids.get(i).cloned().unwrap_or_default();
        VoiRecord {
            input: r.input.clone(),
            evppi: Money(r.evppi),
            se: Money(r.se),
            bias: Money(r.bias),
            bins: r.bins,
            choice_now: name(r.choice_now),
            choice_now_id: id(r.choice_now),
            choice_if_low: name(r.choice_if_low),
            choice_if_low_id: id(r.choice_if_low),
            choice_if_high: name(r.choice_if_high),
            choice_if_high_id: id(r.choice_if_high),
            share_changed: Prob(r.share_changed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header serde writes for `row`.
    fn serde_header<R: Serialize>(row: &R) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).expect("serialises");
        let bytes = w.into_inner().expect("flushes");
        String::from_utf8(bytes)
            .expect("utf-8")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    fn check<R: CsvFile>(row: &R) {
        assert_eq!(serde_header(row), R::HEADER.join(","), "{}", R::FILE);
    }

    #[test]
    fn headers_are_the_field_names_in_order() {
        let s = crate::stats::Summary {
            strategy: "A".into(),
            trials: 1,
            mean: 0.0,
            sd: 0.0,
            sem: 0.0,
            p5: 0.0,
            p10: 0.0,
            p25: 0.0,
            p50: 0.0,
            p75: 0.0,
            p90: 0.0,
            p95: 0.0,
            cvar95: 0.0,
            min: 0.0,
            max: 0.0,
            prob_cheapest: 0.0,
            prob_strictly_cheapest: 0.0,
            prob_tied_cheapest: 0.0,
            mean_categories: crate::model::Costs::default(),
            cash: Brief::default(),
            lost_value: Brief::default(),
        };
        check(&SummaryRecord::of(&s, "a"));
        let o = Outcome::default();
        let t = TrialRecord::of(0, "A", "a", &o);
        assert_eq!(serde_header(&t), TrialRecord::HEADER.join(","));
        // The category columns are the model's categories, in its order.
        assert_eq!(TrialRecord::HEADER[3..6], ["total", "cash", "lost_value"]);
        assert_eq!(TrialRecord::HEADER[6..17], crate::model::CATEGORIES);
        let means: Vec<String> = crate::model::CATEGORIES
            .iter()
            .map(|c| format!("mean_{c}"))
            .collect();
        assert_eq!(SummaryRecord::HEADER[17..28], means);
        check(&MonthlyRecord {
            strategy: "A".into(),
            strategy_id: "a".into(),
            month: 0,
            mean: Money(0.0),
            p10: Money(0.0),
            p50: Money(0.0),
            p90: Money(0.0),
        });
        check(&QualityRecord {
            strategy: "A".into(),
            strategy_id: "a".into(),
            month: 0,
            mean_quality: Prob(1.0),
        });
        check(&CrossoverRecord {
            strategy_a: "A".into(),
            strategy_a_id: "a".into(),
            strategy_b: "B".into(),
            strategy_b_id: "b".into(),
            median_month: None,
            mean_month: Some(3),
        });
        check(&SensitivityRecord {
            input: "x".into(),
            target_kind: TargetKind::Strategy,
            strategy: "A".into(),
            strategy_id: "a".into(),
            versus: String::new(),
            versus_id: String::new(),
            rho: Prob(0.5),
            top_minus_bottom_decile: Money(-12.5),
        });
        check(&CompareRecord {
            run: "r".into(),
            strategy: "A".into(),
            strategy_id: "a".into(),
            mean: Money(1.0),
            p10: Money(1.0),
            p50: Money(1.0),
            p90: Money(1.0),
            mean_change: Some(Money(0.0)),
            mean_change_pct: None,
            p50_change: Some(Money(0.0)),
            p50_change_pct: Some(Percent(0.0)),
        });
    }

    #[test]
    fn formats_round_trip_as_written() {
        assert_eq!(Money(1234.5).to_string(), "1234.50");
        assert_eq!(Prob(0.25).to_string(), "0.250000");
        assert_eq!(Fixed4(1.0 / 3.0).to_string(), "0.3333");
        assert_eq!(Money::as_written(0.125 + 1e-9), 0.13);
        let dir = tempfile_dir();
        let rows = vec![
            SensitivityRecord {
                input: "a,\"b\"".into(),
                target_kind: TargetKind::Difference,
                strategy: "X".into(),
                strategy_id: "x".into(),
                versus: "-Y".into(),
                versus_id: "y".into(),
                rho: Prob(-0.1234567),
                top_minus_bottom_decile: Money(3.0),
            },
            SensitivityRecord {
                input: "c".into(),
                target_kind: TargetKind::Strategy,
                strategy: "-Y".into(),
                strategy_id: "y".into(),
                versus: String::new(),
                versus_id: String::new(),
                rho: Prob(1.0),
                top_minus_bottom_decile: Money(0.0),
            },
        ];
        write_file(&dir, &rows).expect("writes");
        let back: Vec<SensitivityRecord> = read_file(&dir).expect("reads");
        assert_eq!(back[0].input, "a,\"b\"");
        assert_eq!(back[0].versus, "-Y");
        assert_eq!(back[0].target_kind, TargetKind::Difference);
        let text = std::fs::read_to_string(dir.join("sensitivity.csv")).expect("reads");
        assert!(
            text.contains("\"a,\"\"b\"\"\",difference,X,x,'-Y,y,-0.123457,3.00\n"),
            "{text}"
        );
        assert!(
            text.contains("c,strategy,'-Y,y,,,1.000000,0.00\n"),
            "{text}"
        );
        assert_eq!(back[0].rho, Prob(-0.123457));
        assert_eq!(back[1], rows[1]);
        // A target kind tcosim does not write is refused.
        let bad = text.replace("\nc,strategy,", "\nc,total,");
        std::fs::write(dir.join("sensitivity.csv"), bad).expect("w");
        let err = read_file::<SensitivityRecord>(&dir).expect_err("unknown kind");
        assert!(err.to_string().contains("line 3"), "{err:#}");
        std::fs::write(dir.join("sensitivity.csv"), "rho,input,target\n0.1,a,b\n").expect("w");
        let err = read_file::<SensitivityRecord>(&dir).expect_err("columns differ");
        assert!(
            err.to_string().contains("does not have the columns"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("tcosim-schema-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    }
}
