//! Helpers shared by the integration tests (`mod common;` in each test
//! file): the `tcosim` command, paths inside the repository, temporary
//! directories, runs into a directory, and reading what a run wrote.

// Each test file is its own crate and uses only some of these helpers; the
// rest would be reported as dead code in that crate.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The CSV files of a result directory (those that must not depend on the
/// number of threads, and that merged shards must reproduce byte for byte).
pub const CSV_FILES: [&str; 10] = [
    "summary.csv",
    "trials.csv",
    "inputs.csv",
    "monthly.csv",
    "quality.csv",
    "comparison.csv",
    "precision.csv",
    "crossover.csv",
    "sensitivity.csv",
    "voi.csv",
];

/// The built `tcosim` binary, not yet run.
pub fn tcosim() -> Command {
    Command::cargo_bin("tcosim").expect("the tcosim binary is built")
}

/// A path inside the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A shipped scenario, by file stem.
pub fn shipped(stem: &str) -> PathBuf {
    repo("scenarios").join(format!("{stem}.toml"))
}

/// The directory of broken scenario files.
pub fn fixtures_dir() -> PathBuf {
    repo("tests/fixtures/broken")
}

/// A broken scenario file, by file name.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// A fresh temporary directory, removed when dropped.
pub fn tmp() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// `tcosim run [scenario] --out <out> --quiet <extra>`, not yet run.
pub fn run_cmd(scenario: Option<&Path>, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = tcosim();
    cmd.arg("run");
    if let Some(s) = scenario {
        cmd.arg(s);
    }
    cmd.arg("--out").arg(out).arg("--quiet").args(extra);
    cmd
}

/// Runs quietly into `out` and asserts success with nothing on stdout.
pub fn run_into(scenario: Option<&Path>, out: &Path, extra: &[&str]) {
    run_cmd(scenario, out, extra).assert().success().stdout("");
}

/// A command's stdout as text.
pub fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).expect("UTF-8 stdout")
}

/// A CSV file: its header and rows, with access by column name.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(path: &Path) -> Csv {
        let mut r = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        let header = r
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| {
                rec.expect("a well-formed row")
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    /// The index of a column.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    pub fn text(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    pub fn num(&self, row: usize, name: &str) -> f64 {
        let s = self.text(row, name);
        s.parse()
            .unwrap_or_else(|_| panic!("row {row} column {name}: `{s}` is not a number"))
    }

    /// A column's values, in row order.
    pub fn column(&self, name: &str) -> Vec<String> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].clone()).collect()
    }
}

/// The rows of a CSV file (without its header).
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    Csv::read(path).rows
}

/// A result directory's manifest.json.
pub fn manifest(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

/// The names in a directory (hidden ones included).
pub fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// A set of names, to compare with `entries`.
pub fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Every file under a directory (recursively, as `sub/name`) with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for n in entries(dir) {
        let path = dir.join(&n);
        if path.is_dir() {
            for (sub, bytes) in snapshot(&path) {
                out.insert(format!("{n}/{sub}"), bytes);
            }
        } else {
            out.insert(n, fs::read(path).expect("a readable file"));
        }
    }
    out
}

/// The bytes of the CSV files of a result directory, in `CSV_FILES` order.
pub fn csv_bytes(dir: &Path) -> Vec<Vec<u8>> {
    CSV_FILES
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e}", dir.display())))
        .collect()
}
