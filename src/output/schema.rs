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
use crate::stats::analysis::{Crossover, PairComparison, Precision, SensitivityRow};
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

    pub fn serialize<S: Serializer, T: AsRef<str>>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&neutralise(v.as_ref()))
    }

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
    #[serde(with = "cell")]
    pub strategy: String,
    pub trials: u64,
    pub mean: Money,
    pub sd: Money,
    pub sem: Money,
    pub p5: Money,
    pub p10: Money,
    pub p25: Money,
    pub p50: Money,
    pub p75: Money,
    pub p90: Money,
    pub p95: Money,
    pub cvar95: Money,
    pub min: Money,
    pub max: Money,
    pub prob_cheapest: Prob,
    // Mean cost per category, in the order of `model::CATEGORIES`.
    pub mean_build: Money,
    pub mean_roadmap: Money,
    pub mean_maintenance: Money,
    pub mean_remediation: Money,
    pub mean_rework: Money,
    pub mean_context: Money,
    pub mean_idle: Money,
    pub mean_hiring: Money,
    pub mean_degradation: Money,
    pub mean_delay: Money,
    pub mean_unfinished: Money,
    // Cash: every category but degradation and delay.
    pub mean_cash: Money,
    pub p10_cash: Money,
    pub p50_cash: Money,
    pub p90_cash: Money,
    /// Share of trials in which this strategy pays the least cash.
    pub p_cheapest_cash: Prob,
    // Lost value: degradation and delay.
    pub mean_lost_value: Money,
    pub p10_lost_value: Money,
    pub p50_lost_value: Money,
    pub p90_lost_value: Money,
    /// Share of trials in which this strategy loses the least value.
    pub p_least_lost_value: Prob,
    // How prob_cheapest splits: trials won alone, trials tied for the lowest.
    pub p_strictly_cheapest: Prob,
    pub p_tied_cheapest: Prob,
}

impl CsvFile for SummaryRecord {
    const FILE: &'static str = "summary.csv";
    const HEADER: &'static [&'static str] = &[
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

impl From<&Summary> for SummaryRecord {
    fn from(s: &Summary) -> Self {
        let c = s.mean_categories.as_array().map(Money);
        SummaryRecord {
            strategy: s.strategy.clone(),
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
    pub trial: u64,
    #[serde(with = "cell")]
    pub strategy: Cow<'a, str>,
    pub total: Money,
    /// What the strategy pays: every category but degradation and delay.
    pub cash: Money,
    /// Business value lost: degradation and delay.
    pub lost_value: Money,
    pub build: Money,
    pub roadmap: Money,
    pub maintenance: Money,
    pub remediation: Money,
    pub rework: Money,
    pub context: Money,
    pub idle: Money,
    pub hiring: Money,
    pub degradation: Money,
    pub delay: Money,
    pub unfinished: Money,
    /// Month of launch (0-based), empty if the product never launched.
    pub launch_month: Option<u32>,
    /// 1 if the product was retired for lack of traction, else 0.
    pub retired: u8,
    pub months_degraded: u32,
    pub handovers: u32,
    pub hires: u32,
    pub engagements: u32,
    /// Engineer-months of context lost at handovers.
    pub context_lost: Fixed4,
}

impl CsvFile for TrialRecord<'static> {
    const FILE: &'static str = "trials.csv";
    const HEADER: &'static [&'static str] = &[
        "trial",
        "strategy",
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
    /// The row of strategy `strategy`'s outcome `o` in trial `trial`.
    pub fn of(trial: u64, strategy: &'a str, o: &Outcome) -> Self {
        let c = |k: Category| Money(o.costs[k]);
        TrialRecord {
            trial,
            strategy: Cow::Borrowed(strategy),
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
    #[serde(with = "cell")]
    pub strategy: String,
    /// Month index, 0-based.
    pub month: u32,
    pub mean: Money,
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
}

impl CsvFile for MonthlyRecord {
    const FILE: &'static str = "monthly.csv";
    const HEADER: &'static [&'static str] = &["strategy", "month", "mean", "p10", "p50", "p90"];
}

/// A row of quality.csv: mean model quality at the end of a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityRecord {
    #[serde(with = "cell")]
    pub strategy: String,
    pub month: u32,
    pub mean_quality: Prob,
}

impl CsvFile for QualityRecord {
    const FILE: &'static str = "quality.csv";
    const HEADER: &'static [&'static str] = &["strategy", "month", "mean_quality"];
}

/// A row of comparison.csv: strategy A against strategy B, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRecord {
    #[serde(with = "cell")]
    pub strategy_a: String,
    #[serde(with = "cell")]
    pub strategy_b: String,
    pub trials: u64,
    pub mean_a_minus_b: Money,
    pub ci95_low: Money,
    pub ci95_high: Money,
    pub p50_a_minus_b: Money,
    pub prob_a_cheaper: Prob,
    pub prob_tie: Prob,
    pub prob_b_cheaper: Prob,
}

impl CsvFile for ComparisonRecord {
    const FILE: &'static str = "comparison.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy_a",
        "strategy_b",
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

impl From<&PairComparison> for ComparisonRecord {
    fn from(c: &PairComparison) -> Self {
        ComparisonRecord {
            strategy_a: c.a_name.clone(),
            strategy_b: c.b_name.clone(),
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
    #[serde(with = "cell")]
    pub strategy: String,
    pub trials: u64,
    /// `mean`, `p10`, `p50` or `p90`.
    pub statistic: String,
    pub estimate: Money,
    pub se: Money,
    pub ci95_low: Money,
    pub ci95_high: Money,
}

impl CsvFile for PrecisionRecord {
    const FILE: &'static str = "precision.csv";
    const HEADER: &'static [&'static str] = &[
        "strategy",
        "trials",
        "statistic",
        "estimate",
        "se",
        "ci95_low",
        "ci95_high",
    ];
}

impl PrecisionRecord {
    /// The four rows of a strategy: mean, P10, P50, P90.
    pub fn of(p: &Precision) -> [PrecisionRecord; 4] {
        let row = |statistic: &str, estimate, se, lo, hi| PrecisionRecord {
            strategy: p.name.clone(),
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
    #[serde(with = "cell")]
    pub strategy_a: String,
    #[serde(with = "cell")]
    pub strategy_b: String,
    pub median_month: Option<usize>,
    pub mean_month: Option<usize>,
}

impl CsvFile for CrossoverRecord {
    const FILE: &'static str = "crossover.csv";
    const HEADER: &'static [&'static str] =
        &["strategy_a", "strategy_b", "median_month", "mean_month"];
}

impl CrossoverRecord {
    /// The row of crossover `c` between the named strategies.
    pub fn of(c: &Crossover, strategies: &[String]) -> Self {
        CrossoverRecord {
            strategy_a: strategies[c.a].clone(),
            strategy_b: strategies[c.b].clone(),
            median_month: c.median_month,
            mean_month: c.mean_month,
        }
    }
}

/// A row of sensitivity.csv: Spearman's rho of an input with a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRecord {
    pub input: String,
    #[serde(with = "cell")]
    pub target: String,
    pub rho: Prob,
    pub top_minus_bottom_decile: Money,
}

impl CsvFile for SensitivityRecord {
    const FILE: &'static str = "sensitivity.csv";
    const HEADER: &'static [&'static str] = &["input", "target", "rho", "top_minus_bottom_decile"];
}

impl From<&SensitivityRow> for SensitivityRecord {
    fn from(s: &SensitivityRow) -> Self {
        SensitivityRecord {
            input: s.input.clone(),
            target: s.target.clone(),
            rho: Prob(s.rho),
            top_minus_bottom_decile: Money(s.effect),
        }
    }
}

impl From<SensitivityRecord> for SensitivityRow {
    fn from(s: SensitivityRecord) -> Self {
        SensitivityRow {
            input: s.input,
            target: s.target,
            rho: s.rho.0,
            effect: s.top_minus_bottom_decile.0,
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
    #[serde(with = "cell")]
    pub run: String,
    #[serde(with = "cell")]
    pub strategy: String,
    pub mean: Money,
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
    pub mean_change: Option<Money>,
    pub mean_change_pct: Option<Percent>,
    pub p50_change: Option<Money>,
    pub p50_change_pct: Option<Percent>,
}

impl CsvFile for CompareRecord {
    const FILE: &'static str = "compare.csv";
    const HEADER: &'static [&'static str] = &[
        "run",
        "strategy",
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
    pub input: String,
    pub evppi: Money,
    pub se: Money,
    pub bias: Money,
    pub bins: usize,
    #[serde(with = "cell")]
    pub choice_now: String,
    #[serde(with = "cell")]
    pub choice_if_low: String,
    #[serde(with = "cell")]
    pub choice_if_high: String,
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
        "choice_if_low",
        "choice_if_high",
        "share_changed",
    ];
}

impl VoiRecord {
    /// The row of `r`, its choices named from `strategies`.
    pub fn of(r: &VoiRow, strategies: &[String]) -> Self {
        let name = |i: usize| strategies.get(i).cloned().unwrap_or_default();
        VoiRecord {
            input: r.input.clone(),
            evppi: Money(r.evppi),
            se: Money(r.se),
            bias: Money(r.bias),
            bins: r.bins,
            choice_now: name(r.choice_now),
            choice_if_low: name(r.choice_if_low),
            choice_if_high: name(r.choice_if_high),
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
        check(&SummaryRecord::from(&s));
        let o = Outcome::default();
        let t = TrialRecord::of(0, "A", &o);
        assert_eq!(serde_header(&t), TrialRecord::HEADER.join(","));
        // The category columns are the model's categories, in its order.
        assert_eq!(TrialRecord::HEADER[2..5], ["total", "cash", "lost_value"]);
        assert_eq!(TrialRecord::HEADER[5..16], crate::model::CATEGORIES);
        let means: Vec<String> = crate::model::CATEGORIES
            .iter()
            .map(|c| format!("mean_{c}"))
            .collect();
        assert_eq!(SummaryRecord::HEADER[16..27], means);
        check(&MonthlyRecord {
            strategy: "A".into(),
            month: 0,
            mean: Money(0.0),
            p10: Money(0.0),
            p50: Money(0.0),
            p90: Money(0.0),
        });
        check(&QualityRecord {
            strategy: "A".into(),
            month: 0,
            mean_quality: Prob(1.0),
        });
        check(&CrossoverRecord {
            strategy_a: "A".into(),
            strategy_b: "B".into(),
            median_month: None,
            mean_month: Some(3),
        });
        check(&SensitivityRecord {
            input: "x".into(),
            target: "A".into(),
            rho: Prob(0.5),
            top_minus_bottom_decile: Money(-12.5),
        });
        check(&CompareRecord {
            run: "r".into(),
            strategy: "A".into(),
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
                target: "X - Y".into(),
                rho: Prob(-0.1234567),
                top_minus_bottom_decile: Money(3.0),
            },
            SensitivityRecord {
                input: "c".into(),
                target: "Y".into(),
                rho: Prob(1.0),
                top_minus_bottom_decile: Money(0.0),
            },
        ];
        write_file(&dir, &rows).expect("writes");
        let back: Vec<SensitivityRecord> = read_file(&dir).expect("reads");
        assert_eq!(back[0].input, "a,\"b\"");
        assert_eq!(back[0].rho, Prob(-0.123457));
        assert_eq!(back[1], rows[1]);
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
