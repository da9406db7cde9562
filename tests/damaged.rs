//! Damaged and edited results directories are refused, never trusted and
//! never a crash (issue 13, item 2). The manifest records the size and
//! SHA-256 of every file tcosim reads back and seals itself; `merge`,
//! `charts` and `compare` check them, and the row counts, fields and ranges
//! of what they parse, and refuse a damaged directory with exit code 2 and
//! a message naming the file.
//!
//! Most tests damage a directory twice: as an interrupted copy or an edit
//! leaves it (the checksums catch it), and "resealed", with the manifest's
//! checksums and seal recomputed over the damaged files as a careless tool
//! might, which leaves only the checks of the content itself.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use tcosim::output::manifest::{Manifest, file_check};

use common::{tcosim, tmp};

const TRIALS: &str = "200";

/// Runs shard `i` of 2 of the built-in default scenario into `dir/s{i}`.
fn shard(dir: &Path, i: u64) -> PathBuf {
    let out = dir.join(format!("s{i}"));
    tcosim()
        .args(["run", "--trials", TRIALS, "--quiet", "--charts", "none"])
        .args(["--shard", &format!("{i}/2"), "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// Runs the built-in default scenario into `dir/name`.
fn whole(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    tcosim()
        .args(["run", "--trials", TRIALS, "--quiet", "--charts", "none"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// A copy of a directory of plain files.
fn copy(from: &Path, to: &Path) -> PathBuf {
    fs::create_dir_all(to).expect("create the copy");
    for e in fs::read_dir(from).expect("list") {
        let e = e.expect("entry");
        fs::copy(e.path(), to.join(e.file_name())).expect("copy a file");
    }
    to.to_path_buf()
}

/// `tcosim merge DIRS --out OUT --quiet --charts none`.
fn merge(dirs: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    tcosim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--charts", "none"])
        .assert()
}

/// `tcosim charts DIR --quiet --charts svg` (SVG: quicker than PNG).
fn charts(dir: &Path) -> assert_cmd::assert::Assert {
    tcosim()
        .arg("charts")
        .arg(dir)
        .args(["--quiet", "--charts", "svg"])
        .assert()
}

/// Recomputes the manifest's checksums of the files it lists (as they are
/// now) and its seal: what is left to catch is the content itself.
fn reseal(dir: &Path) {
    let path = dir.join("manifest.json");
    let mut m = Manifest::read_any(&path).expect("a manifest");
    let names: Vec<String> = m.checksums.keys().cloned().collect();
    for name in names {
        if let Ok(c) = file_check(&dir.join(&name)) {
            m.checksums.insert(name, c);
        }
    }
    m.write(&path).expect("write the manifest");
}

/// Replaces the first `from` in a file by `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// Edits aggregates.json as JSON.
fn edit_aggregates(dir: &Path, f: impl Fn(&mut serde_json::Value)) {
    let path = dir.join("aggregates.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
    f(&mut v);
    fs::write(&path, serde_json::to_string(&v).expect("JSON")).expect("write");
}

/// Asserts exit code 2, nothing written to `out`, and a message containing
/// each of `says`.
fn refused(a: assert_cmd::assert::Assert, out: Option<&Path>, says: &[&str]) {
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    a.code(2);
    for s in says {
        assert!(stderr.contains(s), "no `{s}` in: {stderr}");
    }
    if let Some(out) = out {
        assert!(!out.exists(), "{} was written", out.display());
    }
}

#[test]
fn merge_refuses_a_shard_whose_trials_csv_was_cut_short() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    // An interrupted copy: about three quarters of the file, mid-row.
    let bad = copy(&s2, &tmp.path().join("bad"));
    let bytes = fs::read(s2.join("trials.csv")).expect("trials.csv");
    fs::write(bad.join("trials.csv"), &bytes[..bytes.len() * 3 / 4 + 7]).expect("write");
    refused(
        merge(&[s1.clone(), bad.clone()], &out),
        Some(&out),
        &[
            "bad/trials.csv",
            "cut short",
            "re-run that shard",
            "--shard 2/2",
        ],
    );
    // Resealed: the rows themselves are counted and checked.
    reseal(&bad);
    refused(
        merge(&[s1, bad], &out),
        Some(&out),
        &["bad/trials.csv", "row"],
    );
}

#[test]
fn merge_refuses_an_edited_totals_csv() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    let bad = copy(&s1, &tmp.path().join("bad"));
    // One total of trial 0, one digit changed: the size stays the same.
    let path = bad.join("totals.csv");
    let text = fs::read_to_string(&path).expect("totals.csv");
    let row = text.lines().nth(1).expect("a row");
    let cell = row.split(',').nth(1).expect("a total");
    let first = cell.chars().next().expect("a digit");
    let other = if first == '9' { '8' } else { '9' };
    let changed = format!("{other}{}", &cell[1..]);
    edit(&path, &format!("0,{cell},"), &format!("0,{changed},"));
    refused(
        merge(&[bad.clone(), s2.clone()], &out),
        Some(&out),
        &["bad/totals.csv", "SHA-256 does not match the manifest"],
    );
    // Resealed: the exact sums in aggregates.json no longer add up to the
    // totals, so the summary's mean and its spread would describe
    // different trials.
    reseal(&bad);
    refused(
        merge(&[bad, s2], &out),
        Some(&out),
        &["bad/aggregates.json", "the sum of `total` of Freelance"],
    );
}

#[test]
fn merge_refuses_edited_aggregates() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 5] = [
        (
            "horizon",
            |v| v["horizon"] = 12.into(),
            "12 months and 100 trials, but the shard has 4, 36 and 100",
        ),
        (
            "sums cut short",
            |v| {
                v["total_sum"].as_array_mut().expect("sums").pop();
            },
            "`total_sum` has 3 entries, not 4",
        ),
        (
            "bucket 65535",
            |v| v["cost"][0]["buckets"][0][0] = 65535.into(),
            "bucket 65535",
        ),
        (
            "count 1e18",
            |v| v["cost"][3]["buckets"][0][1] = 1_000_000_000_000_000_000u64.into(),
            "not one per trial (100)",
        ),
        (
            "a total sum",
            |v| v["total_sum"][2] = "12345".into(),
            "the sum of `total` of Dedicated engineer is not that of",
        ),
    ];
    for (what, f, says) in cases {
        let bad = copy(&s1, &tmp.path().join(what));
        edit_aggregates(&bad, f);
        let dirs = [bad.clone(), s2.clone()];
        refused(
            merge(&dirs, &out),
            Some(&out),
            &[
                &format!("{what}/aggregates.json"),
                "does not match the manifest",
            ],
        );
        reseal(&bad);
        let a = merge(&dirs, &out);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{what}: no `{says}` in: {stderr}");
        refused(a, Some(&out), &[&format!("{what}/aggregates.json")]);
    }
}

#[test]
fn merge_refuses_an_edited_scenario_toml() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    let bad = copy(&s2, &tmp.path().join("bad"));
    edit(&bad.join("scenario.toml"), "hourly_rate", "hourly_rate_was");
    refused(
        merge(&[s1.clone(), bad.clone()], &out),
        Some(&out),
        &["bad/scenario.toml", "does not match the manifest"],
    );
    // Checksums recomputed, but the scenario's SHA-256 in the manifest is
    // still that of the text the run used.
    reseal(&bad);
    refused(
        merge(&[s1, bad], &out),
        Some(&out),
        &[
            "the scenario's SHA-256 in the manifest is not that of",
            "scenario.toml",
        ],
    );
}

#[test]
fn merge_refuses_a_missing_inputs_row_instead_of_panicking() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    let bad = copy(&s1, &tmp.path().join("bad"));
    let path = bad.join("inputs.csv");
    let text = fs::read_to_string(&path).expect("inputs.csv");
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, l)| l)
        .collect();
    fs::write(&path, kept.join("\n") + "\n").expect("write");
    refused(
        merge(&[bad.clone(), s2.clone()], &out),
        Some(&out),
        &["bad/inputs.csv", "size does not match the manifest"],
    );
    reseal(&bad);
    refused(
        merge(&[bad, s2], &out),
        Some(&out),
        &["bad/inputs.csv", "99 trials, the manifest says 100"],
    );
}

#[test]
fn charts_refuses_a_manifest_claiming_2_to_the_64_trials() {
    let tmp = tmp();
    let run = whole(tmp.path(), "run", &[]);
    let max = u64::MAX.to_string();
    edit(
        &run.join("manifest.json"),
        &format!("\"trials\": {TRIALS}"),
        &format!("\"trials\": {max}"),
    );
    refused(
        charts(&run),
        None,
        &["run/manifest.json", "edited after the run wrote it"],
    );
    refused(
        tcosim()
            .arg("compare")
            .arg(&run)
            .arg(&run)
            .arg("--out")
            .arg(tmp.path().join("cmp"))
            .assert(),
        Some(&tmp.path().join("cmp")),
        &["run/manifest.json"],
    );
    // Resealed: the trials are counted against what the files hold before
    // anything is sized from them.
    reseal(&run);
    refused(charts(&run), None, &["run/summary.csv", &max]);
}

#[test]
fn charts_refuses_an_edited_scenario_toml() {
    let tmp = tmp();
    let run = whole(tmp.path(), "run", &[]);
    edit(
        &run.join("scenario.toml"),
        "horizon_months = 36",
        "horizon_months = 12",
    );
    refused(
        charts(&run),
        None,
        &[
            "run/scenario.toml",
            "does not match the manifest",
            "run the scenario again",
        ],
    );
    assert!(!run.join("report.html").exists(), "a report was drawn");
    reseal(&run);
    refused(
        charts(&run),
        None,
        &["the scenario's SHA-256 in the manifest is not that of"],
    );
}

#[test]
fn a_directory_of_the_previous_layout_asks_for_a_new_run() {
    let tmp = tmp();
    let run = whole(tmp.path(), "run", &[]);
    let s1 = shard(tmp.path(), 1);
    let s2 = shard(tmp.path(), 2);
    // What layout 2 wrote: no checksums, no seal.
    for dir in [&run, &s1] {
        let path = dir.join("manifest.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
        let o = v.as_object_mut().expect("an object");
        o.remove("checksums");
        o.remove("manifest_sha256");
        o.insert("schema_version".into(), 2.into());
        fs::write(&path, serde_json::to_string_pretty(&v).expect("JSON")).expect("write");
    }
    for a in [charts(&run), merge(&[s1, s2], &tmp.path().join("out"))] {
        refused(
            a,
            None,
            &[
                "layout 2",
                "layout 4 added a strategy_id column",
                "run the scenario again",
            ],
        );
    }
}

#[test]
fn checksums_are_the_same_whatever_the_threads_and_for_merged_shards() {
    let tmp = tmp();
    let one = whole(tmp.path(), "one", &["--threads", "1"]);
    let two = whole(tmp.path(), "two", &["--threads", "2"]);
    let merged = tmp.path().join("merged");
    merge(&[shard(tmp.path(), 1), shard(tmp.path(), 2)], &merged).success();
    let read = |d: &Path| Manifest::read_any(&d.join("manifest.json")).expect("manifest");
    let (m1, m2, mm) = (read(&one), read(&two), read(&merged));
    assert_eq!(m1.threads, 1);
    assert_eq!(m2.threads, 2);
    assert_eq!(m1.checksums, m2.checksums);
    assert_eq!(m1.checksums, mm.checksums);
    assert_eq!(
        m1.checksums.keys().collect::<Vec<_>>(),
        [
            "comparison.csv",
            "crossover.csv",
            "inputs.csv",
            "monthly.csv",
            "precision.csv",
            "quality.csv",
            "scenario.toml",
            "sensitivity.csv",
            "summary.csv",
            "trials.csv",
            "voi.csv"
        ]
    );
    for (name, c) in &m1.checksums {
        assert_eq!(c, &file_check(&one.join(name)).expect("hash"), "{name}");
    }
    // The manifests differ (threads, times), and each is sealed.
    assert_ne!(m1.manifest_sha256, m2.manifest_sha256);
    for m in [&m1, &m2, &mm] {
        assert_eq!(m.seal().expect("seal"), m.manifest_sha256);
    }
    charts(&one).success();
    charts(&merged).success();
}

/// Sets field `col` of line `line` (0 is the header) of a CSV file whose
/// line has no quoted fields.
fn set_field(path: &Path, line: usize, col: usize, value: &str) {
    let text = fs::read_to_string(path).expect("read");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut fields: Vec<&str> = lines[line].split(',').collect();
    assert!(
        !lines[line].contains('"'),
        "{}: quoted line",
        path.display()
    );
    fields[col] = value;
    lines[line] = fields.join(",");
    fs::write(path, lines.join("\n") + "\n").expect("write");
}

#[test]
fn resealed_run_files_are_still_checked_for_counts_and_ranges() {
    let tmp = tmp();
    let run = whole(tmp.path(), "run", &[]);
    // (file, line, field, new value, what the message says): each resealed,
    // so the checksums agree and only the content is wrong.
    let cases = [
        ("trials.csv", 1, 3, "1e300", "not an amount of money"),
        ("trials.csv", 5, 0, "7", "row 5 is not trial 1"),
        ("trials.csv", 1, 2, "freelancer", "row 1 is not trial 0"),
        ("summary.csv", 1, 2, "199", "Freelance has 199 trials"),
        ("summary.csv", 1, 4, "NaN", "not an amount of money"),
        ("summary.csv", 1, 0, "Freelancer", "strategies (Freelancer,"),
        (
            "summary.csv",
            2,
            1,
            "retainer",
            "the id of Freelance on retainer",
        ),
        ("monthly.csv", 2, 2, "9", "one row per strategy and month"),
        ("monthly.csv", 2, 1, "x", "the id of Freelance is \"x\""),
        ("quality.csv", 2, 3, "7.000000", "quality from 0 to 1"),
        ("comparison.csv", 1, 10, "3.000000", "out of range"),
        (
            "comparison.csv",
            1,
            3,
            "freelance",
            "the id of Freelance on retainer",
        ),
        (
            "precision.csv",
            1,
            2,
            "201",
            "does not agree with the manifest's 200 trials",
        ),
        ("sensitivity.csv", 1, 6, "2.000000", "outside -1 to 1"),
        (
            "sensitivity.csv",
            1,
            1,
            "difference",
            "has target_kind difference",
        ),
        ("sensitivity.csv", 1, 1, "total", "line 2 does not match"),
        ("voi.csv", 1, 6, "nobody", "is \"nobody\", not"),
    ];
    for (i, (file, line, col, value, says)) in cases.into_iter().enumerate() {
        let dir = copy(&run, &tmp.path().join(format!("case{i}")));
        set_field(&dir.join(file), line, col, value);
        reseal(&dir);
        let a = charts(&dir);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(file), "{file} `{value}`: {stderr}");
        assert!(
            stderr.contains(says),
            "{file} `{value}`: no `{says}` in: {stderr}"
        );
        a.code(2);
    }
}

#[test]
fn resealed_shard_files_are_still_checked_for_counts_and_ranges() {
    let tmp = tmp();
    let (s1, s2) = (shard(tmp.path(), 1), shard(tmp.path(), 2));
    let out = tmp.path().join("out");
    let cases = [
        ("totals.csv", 1, 1, "1e300", "not an amount of money"),
        ("totals.csv", 4, 2, "x", "`x` is not a number"),
        ("inputs.csv", 2, 1, "NaN", "not a finite number"),
        ("inputs.csv", 3, 1, "1,2", "is not valid CSV"),
        (
            "trials.csv",
            1,
            1,
            "Dedicated engineer",
            "row 2 is not the row of Freelance",
        ),
        ("trials.csv", 3, 22, "0.1,2", "row 4 is not valid CSV"),
    ];
    for (i, (file, line, col, value, says)) in cases.into_iter().enumerate() {
        let dir = copy(&s1, &tmp.path().join(format!("case{i}")));
        set_field(&dir.join(file), line, col, value);
        reseal(&dir);
        let a = merge(&[dir, s2.clone()], &out);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(stderr.contains(file), "{file} `{value}`: {stderr}");
        assert!(
            stderr.contains(says),
            "{file} `{value}`: no `{says}` in: {stderr}"
        );
        refused(a, Some(&out), &[]);
    }
    // A totals.csv of the layout before cash and lost value (one column
    // per strategy).
    let dir = copy(&s1, &tmp.path().join("old"));
    let text = fs::read_to_string(dir.join("totals.csv")).expect("read");
    let old: String = text
        .lines()
        .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(",") + "\n")
        .collect::<String>()
        .replace("total:", "");
    fs::write(dir.join("totals.csv"), old).expect("write");
    reseal(&dir);
    refused(
        merge(&[dir, s2.clone()], &out),
        Some(&out),
        &["old/totals.csv", "lacks the cash and lost value"],
    );
    let dir = copy(&s1, &tmp.path().join("minmax"));
    edit_aggregates(&dir, |v| v["cost"][5]["min"] = 1e12.into());
    reseal(&dir);
    refused(
        merge(&[dir, s2], &out),
        Some(&out),
        &["minmax/aggregates.json", "has the range 1000000000000"],
    );
}

// ------------------------------------------------------------------ fuzz

/// A small fixed-seed generator (xorshift64*), so every run of the test
/// makes the same damage.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The plain files of a directory, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Damages one file of `dir` (its twin shard `other` supplies files to
/// swap in) and says what it did. Every damage changes the file's bytes.
fn damage(g: &mut Gen, dir: &Path, other: &Path) -> String {
    let name = g.pick(&files(dir)).clone();
    let path = dir.join(&name);
    let before = fs::read(&path).expect("read");
    let what = match g.below(6) {
        0 => {
            let keep = g.below(before.len());
            fs::write(&path, &before[..keep]).expect("write");
            format!("{name} cut to {keep} of {} bytes", before.len())
        }
        1 => {
            let mut b = before.clone();
            let at = g.below(b.len());
            let bit = g.below(8);
            b[at] ^= 1 << bit;
            fs::write(&path, &b).expect("write");
            format!("{name}: bit {bit} of byte {at} flipped")
        }
        2 => {
            let lines: Vec<&[u8]> = before.split_inclusive(|b| *b == b'\n').collect();
            let drop = g.below(lines.len());
            let kept: Vec<u8> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            fs::write(&path, kept).expect("write");
            format!("{name}: line {} of {} deleted", drop + 1, lines.len())
        }
        3 if other.join(&name).exists() => {
            fs::copy(other.join(&name), &path).expect("copy");
            format!("{name} swapped in from the other shard")
        }
        3 | 4 => {
            let m = dir.join("manifest.json");
            let text = fs::read_to_string(&m).expect("manifest");
            let keys = [
                "\"trials\": ",
                "\"horizon_months\": ",
                "\"seed\": ",
                "\"first_trial\": ",
                "\"index\": ",
                "\"count\": ",
                "\"bytes\": ",
                "\"schema_version\": ",
            ];
            let present: Vec<&&str> = keys.iter().filter(|k| text.contains(**k)).collect();
            let key = **g.pick(&present);
            let at = text.find(key).expect("key") + key.len();
            let end = at + text[at..].find([',', '\n']).expect("end of number");
            let values = [
                "0",
                "1",
                "2",
                "3",
                "35",
                "4294967295",
                "18446744073709551615",
            ];
            let mut value = *g.pick(&values);
            if value == &text[at..end] {
                value = "7";
            }
            fs::write(&m, format!("{}{value}{}", &text[..at], &text[end..])).expect("write");
            return format!("manifest.json: {key}{} -> {value}", &text[at..end]);
        }
        _ => {
            fs::remove_file(&path).expect("remove");
            return format!("{name} deleted");
        }
    };
    if fs::read(&path).expect("read") == before {
        // A flip or cut that changed nothing: cut the last byte instead.
        fs::write(&path, &before[..before.len() - 1]).expect("write");
        return format!("{name}: last byte cut");
    }
    what
}

/// The exit code of a command, asserting it ended by itself with 0, or
/// with 2 and a message: never a panic (101) or a signal.
fn code_of(a: &assert_cmd::assert::Assert, what: &str) -> i32 {
    let out = a.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(2)),
        "{what}: exit {code:?} (a panic is 101, a signal none): {stderr}"
    );
    if code == Some(2) {
        assert!(
            stderr.starts_with("error: "),
            "{what}: no message: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
    code.unwrap_or(-1)
}

#[test]
fn fuzzed_damage_to_runs_and_shards_is_refused_never_a_crash() {
    let tmp = tmp();
    let s1 = shard(tmp.path(), 1);
    let s2 = shard(tmp.path(), 2);
    let run = whole(tmp.path(), "run", &[]);
    let mut g = Gen(0x7c05_13d2_9e3a_1b57);
    let (mut resealed_cases, mut resealed_accepted) = (0, 0);
    for case in 0..40 {
        // In turn: a shard damaged before `merge`, a run before `charts`,
        // and the same two resealed after the damage.
        let dir = tmp.path().join(format!("case{case}"));
        let out = tmp.path().join(format!("out{case}"));
        let on_shard = case % 2 == 0;
        let (target, other) = if on_shard {
            let (a, b) = if g.below(2) == 0 {
                (&s1, &s2)
            } else {
                (&s2, &s1)
            };
            (copy(a, &dir), b.clone())
        } else {
            (copy(&run, &dir), s1.clone())
        };
        let what = damage(&mut g, &target, &other);
        let resealed = case % 4 >= 2 && Manifest::read_any(&target.join("manifest.json")).is_ok();
        if resealed {
            reseal(&target);
        }
        let label = format!(
            "case {case} ({}{what})",
            if resealed { "resealed, " } else { "" }
        );
        let a = if on_shard {
            merge(&[target.clone(), other.clone()], &out)
        } else {
            charts(&target)
        };
        let code = code_of(&a, &label);
        eprintln!("{label}: exit {code}");
        if resealed {
            resealed_cases += 1;
            resealed_accepted += usize::from(code == 0);
        } else {
            // Every damage changed a file the manifest lists (or the
            // manifest itself): always refused.
            assert_eq!(code, 2, "{label}: accepted");
            assert!(!out.exists(), "{label}: merged anyway");
        }
    }
    // Resealing hides some damage (a changed digit of a figure), not all:
    // the content is checked too.
    assert!(resealed_cases >= 10, "{resealed_cases} resealed cases");
    assert!(
        resealed_accepted < resealed_cases,
        "all {resealed_cases} resealed cases accepted"
    );
}
