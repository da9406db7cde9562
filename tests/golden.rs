//! Golden outputs: the three shipped scenarios and the built-in default, run
//! at a fixed seed and trial count, must write every CSV byte for byte as the
//! committed copies in `tests/golden/<name>/`. A refactoring that moves no
//! number passes unchanged; a change that does move numbers fails here and
//! must be deliberate: rerun with `TCOSIM_BLESS=1 cargo test --test golden`
//! and commit the new copies with the reason.

mod common;

use std::fs;

use assert_cmd::Command;
use common::{CSV_FILES, repo};

/// Trials per golden run: enough that every analysis file has content, few
/// enough that the committed copies stay small.
const TRIALS: &str = "400";
const SEED: &str = "7";

fn check(name: &str, scenario: Option<&str>, extra: &[&str]) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join(name);
    let mut cmd = Command::cargo_bin("tcosim").expect("the tcosim binary is built");
    cmd.arg("run");
    if let Some(s) = scenario {
        cmd.arg(repo(s));
    }
    cmd.args([
        "--trials", TRIALS, "--seed", SEED, "--charts", "none", "--quiet",
    ])
    .args(extra)
    .arg("--out")
    .arg(&out);
    cmd.assert().success();
    let golden = repo("tests/golden").join(name);
    let bless = std::env::var_os("TCOSIM_BLESS").is_some();
    if bless {
        fs::create_dir_all(&golden).expect("golden dir");
    }
    let mut differ = Vec::new();
    for file in CSV_FILES {
        let got = fs::read(out.join(file)).unwrap_or_else(|e| panic!("{name}/{file}: {e}"));
        let path = golden.join(file);
        if bless {
            fs::write(&path, &got).expect("write golden copy");
            continue;
        }
        let want = fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (bless with TCOSIM_BLESS=1)", path.display()));
        if got != want {
            let line = got
                .split(|&b| b == b'\n')
                .zip(want.split(|&b| b == b'\n'))
                .position(|(a, b)| a != b)
                .map_or("length".to_string(), |i| format!("line {}", i + 1));
            differ.push(format!("{file} (first difference: {line})"));
        }
    }
    assert!(
        differ.is_empty(),
        "{name}: outputs differ from tests/golden/{name}: {}",
        differ.join(", ")
    );
}

#[test]
fn builtin_default_matches_golden_outputs() {
    check("builtin", None, &[]);
}

#[test]
fn default_matches_golden_outputs() {
    check("default", Some("scenarios/default.toml"), &[]);
}

#[test]
fn proof_of_concept_matches_golden_outputs() {
    check(
        "proof-of-concept",
        Some("scenarios/proof-of-concept.toml"),
        &[],
    );
}

#[test]
fn core_product_matches_golden_outputs() {
    check("core-product", Some("scenarios/core-product.toml"), &[]);
}

#[test]
fn sweep_matches_golden_outputs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("sweep");
    Command::cargo_bin("tcosim")
        .expect("the tcosim binary is built")
        .arg("sweep")
        .arg(repo("scenarios/default.toml"))
        .args([
            "--set",
            "simulation.horizon_months=12,24",
            "--set",
            "engagements.freelancer.hourly_rate=90..150:60",
            "--trials",
            "200",
            "--seed",
            SEED,
            "--charts",
            "none",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let golden = repo("tests/golden/sweep");
    for file in ["sweep.csv", "sweep.txt"] {
        let got = fs::read(out.join(file)).unwrap_or_else(|e| panic!("sweep/{file}: {e}"));
        if std::env::var_os("TCOSIM_BLESS").is_some() {
            fs::create_dir_all(&golden).expect("golden dir");
            fs::write(golden.join(file), &got).expect("write golden copy");
        } else {
            let want =
                fs::read(golden.join(file)).expect("golden copy (bless with TCOSIM_BLESS=1)");
            assert!(
                got == want,
                "sweep/{file} differs from tests/golden/sweep/{file}"
            );
        }
    }
}
