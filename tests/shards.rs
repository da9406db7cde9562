//! Sharded runs merge into exactly what a single run writes, and shards
//! that do not belong together are refused.

mod common;

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use common::{CSV_FILES as FILES, Csv, manifest, tcosim, tmp};

const TRIALS: &str = "700";

/// Runs the default scenario with `extra` into `out`.
fn run_default(out: PathBuf, extra: &[&str]) -> PathBuf {
    tcosim()
        .args([
            "run",
            "scenarios/default.toml",
            "--trials",
            TRIALS,
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

/// Runs shard `i` of `n` of the default scenario into `dir`.
fn shard(dir: &Path, i: u64, n: u64, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("s{i}of{n}{}", extra.join("")));
    let shard = format!("{i}/{n}");
    run_default(out, &[&["--shard", shard.as_str()], extra].concat())
}

/// Runs the whole default scenario (no shard) into `dir/single`.
fn whole(dir: &Path, extra: &[&str]) -> PathBuf {
    run_default(dir.join("single"), extra)
}

fn merge(dirs: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    tcosim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .assert()
}

/// Only the CSV files are compared: the shards and the single run skip
/// their charts (the merges draw theirs, as do the shards of the tests below).
const NO_CHARTS: [&str; 2] = ["--charts", "none"];

#[test]
fn merged_shards_are_byte_identical_to_a_single_run() {
    let tmp = tmp();
    let single = whole(tmp.path(), &NO_CHARTS);
    for n in [1u64, 2, 3, 7] {
        // Given in reverse order: merge sorts them.
        let dirs: Vec<PathBuf> = (1..=n)
            .rev()
            .map(|i| shard(tmp.path(), i, n, &NO_CHARTS))
            .collect();
        let out = tmp.path().join(format!("merged{n}"));
        merge(&dirs, &out).success();
        for f in FILES {
            assert_eq!(
                std::fs::read(out.join(f)).expect(f),
                std::fs::read(single.join(f)).expect(f),
                "{n} shards: {f}"
            );
        }
        let m = manifest(&out);
        assert_eq!(m["trials"], 700);
        assert!(m.get("shard").is_none());
    }
}

#[test]
fn shards_without_per_trial_files_merge_like_a_run_without_them() {
    let tmp = tmp();
    let lean = ["--charts", "none", "--no-trials-csv"];
    let single = whole(tmp.path(), &lean);
    let dirs: Vec<PathBuf> = (1..=2).map(|i| shard(tmp.path(), i, 2, &lean)).collect();
    // A shard keeps the inputs merge needs, even without trials.csv.
    assert!(dirs.iter().all(|d| d.join("inputs.csv").is_file()));
    let out = tmp.path().join("merged");
    merge(&dirs, &out).success();
    for f in FILES {
        let per_trial = f == "trials.csv" || f == "inputs.csv";
        assert_eq!(out.join(f).exists(), !per_trial, "{f}");
        assert_eq!(single.join(f).exists(), !per_trial, "{f}");
        if !per_trial {
            assert_eq!(
                std::fs::read(out.join(f)).expect(f),
                std::fs::read(single.join(f)).expect(f),
                "{f}"
            );
        }
    }
}

#[test]
fn shards_cover_the_trials_exactly_once() {
    let tmp = tmp();
    let mut next = 0;
    for i in 1..=7 {
        let d = shard(tmp.path(), i, 7, &NO_CHARTS);
        let m = manifest(&d);
        assert_eq!(m["shard"]["first_trial"], next);
        next += m["shard"]["trials"].as_u64().unwrap();
    }
    assert_eq!(next, 700);
}

#[test]
fn shards_that_do_not_belong_together_are_refused() {
    let tmp = tmp();
    let (a1, a2, a3) = (
        shard(tmp.path(), 1, 3, &[]),
        shard(tmp.path(), 2, 3, &[]),
        shard(tmp.path(), 3, 3, &[]),
    );
    let other_seed = shard(tmp.path(), 3, 3, &["--seed", "9"]);
    let other_n = shard(tmp.path(), 2, 4, &[]);
    let other_scenario = tmp.path().join("poc");
    tcosim()
        .args([
            "run",
            "scenarios/proof-of-concept.toml",
            "--trials",
            TRIALS,
            "--quiet",
            "--shard",
            "3/3",
            "--out",
        ])
        .arg(&other_scenario)
        .assert()
        .success();
    let whole = tmp.path().join("whole");
    tcosim()
        .args(["run", "--trials", "50", "--quiet", "--out"])
        .arg(&whole)
        .assert()
        .success();
    let out = tmp.path().join("out");
    let cases: Vec<(Vec<PathBuf>, &str)> = vec![
        (vec![a1.clone(), a2.clone()], "shard 3/3 is missing"),
        (
            vec![a1.clone(), a2.clone(), a2.clone(), a3.clone()],
            "shard 2/3 is given twice",
        ),
        (vec![a1.clone(), a2.clone(), other_seed], "the seed differs"),
        (
            vec![a1.clone(), other_n, a3.clone()],
            "the number of shards differs",
        ),
        (
            vec![a1.clone(), a2.clone(), other_scenario],
            "the scenario differs",
        ),
        (vec![a1.clone(), whole], "is a whole run, not a shard"),
    ];
    for (dirs, says) in cases {
        merge(&dirs, &out)
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(!out.exists(), "{says}: output written");
    }
}

#[test]
fn shards_of_an_older_layout_are_refused() {
    let tmp = tmp();
    let dirs: Vec<PathBuf> = (1..=2)
        .map(|i| shard(tmp.path(), i, 2, &NO_CHARTS))
        .collect();
    let out = tmp.path().join("out");
    // totals.csv carries each trial's TCO, cash and lost value per strategy.
    let totals = Csv::read(&dirs[1].join("totals.csv"));
    assert_eq!(totals.header[0], "trial");
    assert_eq!(totals.header.len(), 1 + 3 * 4);
    assert_eq!(totals.header[1], "total:Freelance");
    assert_eq!(totals.header[5], "cash:Freelance");
    assert_eq!(totals.header[9], "lost_value:Freelance");
    // A totals.csv as the older layout wrote it (one TCO column per strategy).
    let text = std::fs::read_to_string(dirs[1].join("totals.csv")).unwrap();
    let old: String = text
        .lines()
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(",") + "\n")
        .collect::<String>()
        .replace("total:", "");
    std::fs::write(dirs[1].join("totals.csv"), old).unwrap();
    // Refused by its checksum before its columns are read (tests/damaged.rs
    // checks what is read).
    merge(&dirs, &out).code(2).stderr(predicate::str::contains(
        "totals.csv: size does not match the manifest",
    ));
    assert!(!out.exists());
    // A manifest of the older layout is refused before its files are read.
    let path = dirs[0].join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"schema_version\": 4", "\"schema_version\": 1"),
    )
    .unwrap();
    merge(&dirs, &out)
        .code(2)
        .stderr(predicate::str::contains("layout 1"))
        .stderr(predicate::str::contains("run the scenario again"));
    assert!(!out.exists());
}

#[test]
fn a_shard_count_above_the_trials_is_refused() {
    tcosim()
        .args(["run", "--trials", "5", "--shard", "1/6"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most 5 shards"));
    tcosim().args(["run", "--shard", "0/6"]).assert().code(2);
    tcosim().args(["run", "--shard", "7/6"]).assert().code(2);
}

#[test]
fn sweep_jobs_run_anywhere_and_match_the_local_sweep() {
    let tmp = tmp();
    let jobs = tmp.path().join("jobs");
    let results = tmp.path().join("points");
    let sets = [
        "--set",
        "simulation.horizon_months=12,24",
        "--set",
        "engagements.freelancer.hourly_rate=100,150",
    ];
    tcosim()
        .args([
            "sweep",
            "scenarios/default.toml",
            "--trials",
            "300",
            "--quiet",
            "--emit-jobs",
        ])
        .arg(&jobs)
        .arg("--out")
        .arg(&results)
        .args(sets)
        .assert()
        .success();
    let lines: Vec<String> = std::fs::read_to_string(jobs.join("jobs.txt"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 4);
    // Run job 3 as a scheduler would: its words after `tcosim`.
    let words: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(words[0], "tcosim");
    tcosim().args(&words[1..]).assert().success();
    // The local sweep's row for point 3 (horizon 24, rate 100) equals the job's summary.
    let local = tmp.path().join("local");
    tcosim()
        .args([
            "sweep",
            "scenarios/default.toml",
            "--trials",
            "300",
            "--quiet",
            "--out",
        ])
        .arg(&local)
        .args(sets)
        .assert()
        .success();
    // A column's values in the rows that `keep` selects.
    let column = |path: &Path, name: &str, keep: &dyn Fn(&[String]) -> bool| -> Vec<String> {
        let csv = Csv::read(path);
        let at = csv.col(name);
        csv.rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| r[at].clone())
            .collect()
    };
    let from_sweep = column(&local.join("sweep.csv"), "p50", &|r| {
        &r[0] == "24" && &r[1] == "100"
    });
    let from_job = column(&results.join("point-0003/summary.csv"), "p50", &|_| true);
    assert_eq!(from_sweep.len(), 4);
    assert_eq!(from_sweep, from_job);
}

/// `--emit-jobs` to `jobs` with results under `out`: the command, not run.
fn emit_jobs(jobs: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = tcosim();
    cmd.args([
        "sweep",
        "scenarios/default.toml",
        "--trials",
        "50",
        "--quiet",
    ])
    .arg("--emit-jobs")
    .arg(jobs)
    .arg("--out")
    .arg(out)
    .args(["--set", "simulation.horizon_months=12,24"]);
    cmd
}

#[cfg(unix)]
#[test]
fn every_byte_of_a_path_reaches_the_job_exactly_as_given() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    // Every byte from 1 to 255 but `/` (a separator) and the line breaks
    // (refused: see below), in one directory name, non-UTF-8 bytes included.
    let name: Vec<u8> = (1..=255u8)
        .filter(|b| !matches!(b, b'/' | b'\n' | b'\r'))
        .collect();
    let tmp = tmp();
    let out = tmp.path().join(OsStr::from_bytes(&name));
    let jobs = tmp.path().join("jobs");
    emit_jobs(&jobs, &out).assert().success();
    let text = std::fs::read(jobs.join("jobs.txt")).expect("jobs.txt");
    let lines: Vec<&[u8]> = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 2);
    for (i, line) in lines.iter().enumerate() {
        // Let the shell split the line, then print each word NUL-ended.
        let words = line
            .strip_prefix(b"tcosim run ")
            .expect("a tcosim run line");
        let mut script = b"printf '%s\\0' ".to_vec();
        script.extend_from_slice(words);
        let shown = std::process::Command::new("sh")
            .arg("-c")
            .arg(OsStr::from_bytes(&script))
            .output()
            .expect("sh");
        assert!(shown.status.success());
        let args: Vec<&[u8]> = shown.stdout.split(|b| *b == 0).collect();
        let expected_out = out.join(format!("point-{:04}", i + 1));
        assert_eq!(args[1], b"--out");
        assert_eq!(args[2], expected_out.as_os_str().as_bytes());
    }
}

#[test]
fn a_line_break_in_a_job_path_is_refused_before_anything_is_written() {
    let tmp = tmp();
    let jobs = tmp.path().join("jobs");
    let out = tmp.path().join("a\nrm -rf ~ #");
    emit_jobs(&jobs, &out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds a line break"));
    assert!(!jobs.exists());
}
