//! Output directories (issue 13, items 1 and 5; issue 12, item 4): an
//! existing `--out` is replaced only if tcosim made it, in one step, with
//! the run it replaces kept as `previous/`; temporaries whose owner is gone
//! are removed by the next run of the same target; signals stop every
//! command the same way; what cannot be replaced is refused before any
//! work. Every test drives the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The arguments of a small, fast run.
const SMALL: [&str; 4] = ["--trials", "50", "--charts", "none"];

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// The temporary names of `name` in `dir` (`.NAME.tmp-*`).
fn temporaries(dir: &Path, name: &str) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.starts_with(&format!(".{name}.tmp-")))
        .collect()
}

/// Waits (up to a generous bound, for a loaded machine) until `done`.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "gave up waiting: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts the binary with `args`, output discarded.
fn spawn(args: &[&str], out: &Path) -> Child {
    StdCommand::new(env!("CARGO_BIN_EXE_tcosim"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tcosim")
}

fn kill(signal: &str, child: &Child) {
    let ok = StdCommand::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

/// A long run into `out` (for a signal to interrupt), started once its
/// temporary directory exists.
fn long_run(out: &Path, with_trials_csv: bool) -> Child {
    let mut args = vec!["run", "--trials", "20000000", "--quiet", "--charts", "none"];
    if !with_trials_csv {
        args.push("--no-trials-csv");
    }
    let child = spawn(&args, out);
    let parent = out.parent().expect("a parent");
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    wait_until("the run's temporary directory", || {
        !temporaries(parent, &name).is_empty()
    });
    child
}

#[test]
fn a_directory_without_a_tcosim_marker_is_never_replaced() {
    let tmp = tmp();
    // Names tcosim writes, but the user's own files: no manifest, no marker.
    let mine = tmp.path().join("mine");
    std::fs::create_dir_all(mine.join("charts")).unwrap();
    std::fs::write(mine.join("summary.csv"), "my own numbers").unwrap();
    std::fs::write(mine.join("scenario.toml"), "my own scenario").unwrap();
    std::fs::write(mine.join("report.html"), "my own report").unwrap();
    std::fs::write(mine.join("charts/plot.png"), "my own plot").unwrap();
    let before = snapshot(&mine);
    let a = tmp.path().join("a");
    run_into(None, &a, &SMALL);
    let sweep = |out: &Path| {
        let mut c = tcosim();
        c.args(["sweep"])
            .arg(shipped("default"))
            .args([
                "--set",
                "simulation.horizon_months=6,12",
                "--trials",
                "20",
                "--charts",
                "none",
                "-q",
                "--out",
            ])
            .arg(out);
        c
    };
    let mut compare = tcosim();
    compare
        .arg("compare")
        .arg(&a)
        .arg(&a)
        .arg("--out")
        .arg(&mine);
    for (what, cmd) in [
        ("run", &mut run_cmd(None, &mine, &SMALL)),
        ("sweep", &mut sweep(&mine)),
        ("compare", &mut compare),
    ] {
        let e = stderr_of(&cmd.assert().code(2));
        assert!(
            e.contains("is not a tcosim output") && e.contains("summary.csv"),
            "{what}: {e}"
        );
        assert_eq!(snapshot(&mine), before, "{what} touched the user's files");
    }
    // An output of another kind is refused too, saying which it is.
    let sw = tmp.path().join("sw");
    sweep(&sw).assert().success();
    let e = stderr_of(&run_cmd(None, &sw, &SMALL).assert().code(2));
    assert!(e.contains("holds the results of `tcosim sweep`"), "{e}");
    let e = stderr_of(
        &tcosim()
            .arg("compare")
            .arg(&a)
            .arg(&a)
            .arg("--out")
            .arg(&a)
            .assert()
            .code(2),
    );
    assert!(e.contains("holds the results of `tcosim run`"), "{e}");
    // An empty directory is fine, and a sweep re-runs into its own.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    run_into(None, &empty, &SMALL);
    sweep(&sw).assert().success();
}

#[test]
fn the_current_directory_is_never_replaced() {
    let tmp = tmp();
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let e = stderr_of(
        &tcosim()
            .current_dir(&here)
            .args(["run", "-q", "--trials", "50", "--charts", "none", "--out"])
            .arg(&here)
            .assert()
            .code(2),
    );
    assert!(e.contains("is the current directory"), "{e}");
    assert!(here.is_dir() && entries(&here).is_empty());
    assert_eq!(entries(tmp.path()), names(&["here"]));
    // Redrawing the charts of the run one is in says how to do it instead.
    run_into(None, &here, &SMALL);
    let before = snapshot(&here);
    let e = stderr_of(
        &tcosim()
            .current_dir(&here)
            .args(["charts", "."])
            .assert()
            .code(2),
    );
    assert!(e.contains("run this from outside it"), "{e}");
    assert_eq!(snapshot(&here), before);
}

#[test]
fn a_rerun_keeps_the_run_it_replaces_as_previous() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    run_into(None, &out, &["--trials", "50", "--seed", "1"]);
    let first = snapshot(&out);
    run_into(
        None,
        &out,
        &["--trials", "50", "--seed", "2", "--charts", "none"],
    );
    assert_eq!(manifest(&out)["seed"], 2);
    assert_eq!(
        snapshot(&out.join("previous")),
        first,
        "previous/ is the first run"
    );
    run_into(
        None,
        &out,
        &["--trials", "50", "--seed", "3", "--charts", "none"],
    );
    assert_eq!(manifest(&out)["seed"], 3);
    assert_eq!(manifest(&out.join("previous"))["seed"], 2);
    assert!(
        !out.join("previous/previous").exists(),
        "only one level is kept"
    );
    // Redrawing the charts keeps it too, and changes nothing else.
    let csvs = csv_bytes(&out);
    let prev = snapshot(&out.join("previous"));
    tcosim()
        .arg("charts")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    assert!(out.join("report.html").is_file() && out.join("charts").is_dir());
    assert_eq!(csv_bytes(&out), csvs);
    assert_eq!(snapshot(&out.join("previous")), prev);
    assert_eq!(entries(tmp.path()), names(&["res"]), "nothing left beside");
}

#[test]
fn results_left_aside_by_a_stopped_replacement_are_put_back() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    run_into(
        None,
        &out,
        &["--trials", "50", "--seed", "1", "--charts", "none"],
    );
    let earlier = snapshot(&out);
    // What a run killed between its two renames leaves: the earlier results
    // aside, the new ones at the temporary name, no target.
    std::fs::rename(&out, tmp.path().join(".res.tmp-999999999.old")).unwrap();
    std::fs::create_dir(tmp.path().join(".res.tmp-999999999")).unwrap();
    std::fs::write(tmp.path().join(".res.tmp-999999999/trials.csv"), "x").unwrap();
    let a = run_cmd(
        None,
        &out,
        &["--trials", "50", "--seed", "2", "--charts", "none"],
    )
    .assert()
    .success();
    assert!(stderr_of(&a).contains("put back the earlier results"));
    assert_eq!(manifest(&out)["seed"], 2);
    assert_eq!(snapshot(&out.join("previous")), earlier);
    wait_until("the stale temporaries to go", || {
        temporaries(tmp.path(), "res").is_empty()
    });
}

#[test]
fn a_killed_run_leaves_nothing_that_the_next_run_keeps() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    let mut child = long_run(&out, true);
    kill("KILL", &child);
    let _ = child.wait();
    assert_eq!(temporaries(tmp.path(), "res").len(), 1, "SIGKILL leaves it");
    run_into(None, &out, &SMALL);
    wait_until("the killed run's temporary directory to go", || {
        temporaries(tmp.path(), "res").is_empty()
    });
    assert_eq!(entries(tmp.path()), names(&["res"]));
}

#[test]
fn a_second_signal_ends_at_once_and_still_removes_the_temporary_directory() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    run_into(None, &out, &SMALL);
    let before = snapshot(&out);
    let mut child = long_run(&out, true);
    kill("INT", &child);
    kill("INT", &child);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "{status:?}");
    wait_until("the temporary directory to go", || {
        temporaries(tmp.path(), "res").is_empty()
    });
    assert_eq!(snapshot(&out), before, "earlier results changed");
}

#[test]
fn charts_stops_on_a_signal_and_leaves_the_run_as_it_was() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    run_into(None, &out, &["--trials", "3000", "--charts", "none"]);
    let before = snapshot(&out);
    // Retried: the command may finish before the signal reaches it.
    for _ in 0..20 {
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_tcosim"))
            .arg("charts")
            .arg(&out)
            .arg("-q")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let start = Instant::now();
        let mut finished = None;
        while temporaries(tmp.path(), "res").is_empty() && finished.is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "never staged");
            finished = child.try_wait().expect("try_wait");
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Some(status) = finished {
            // Done (and reaped) before the signal: try again.
            assert!(status.success(), "{status:?}");
            continue;
        }
        kill("INT", &child);
        let status = child.wait().expect("wait");
        if status.success() {
            continue;
        }
        assert_eq!(status.code(), Some(130), "{status:?}");
        assert_eq!(snapshot(&out), before, "the run changed");
        wait_until("the temporary directory to go", || {
            temporaries(tmp.path(), "res").is_empty()
                && !entries(&out).iter().any(|n| n.starts_with('.'))
        });
        return;
    }
    panic!("charts finished every time before the signal");
}

/// Runs `sh -c script` in a user and mount namespace (as root there), if
/// the machine allows it.
fn in_namespace(script: &str, dir: &Path) -> Option<std::process::Output> {
    let probe = StdCommand::new("unshare")
        .args(["-rm", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        eprintln!("skipped: unshare -rm is not allowed here");
        return None;
    }
    Some(
        StdCommand::new("unshare")
            .args(["-rm", "sh", "-c", script])
            .current_dir(dir)
            .env("TCOSIM", env!("CARGO_BIN_EXE_tcosim"))
            .env("SCENARIO", shipped("default"))
            .output()
            .expect("unshare"),
    )
}

#[test]
fn targets_that_cannot_be_replaced_are_refused_before_simulating() {
    let tmp = tmp();
    // A dangling symbolic link.
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &link).unwrap();
    let e = stderr_of(&run_cmd(None, &link, &SMALL).assert().code(2));
    assert!(e.contains("symbolic link") && e.contains("nowhere"), "{e}");
    // A link to a directory replaces the directory, not the link.
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let to_real = tmp.path().join("to-real");
    std::os::unix::fs::symlink(&real, &to_real).unwrap();
    run_into(None, &to_real, &SMALL);
    assert!(std::fs::symlink_metadata(&to_real).unwrap().is_symlink());
    assert!(real.join("manifest.json").is_file());
    // A mount point (an empty one: nothing else would refuse it).
    if let Some(o) = in_namespace(
        "mkdir mp && mount -t tmpfs none mp && \"$TCOSIM\" run --trials 20000000 --no-trials-csv --charts none -q --out mp",
        tmp.path(),
    ) {
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("is a mount point"), "{e}");
    }
    // An immutable directory (needs CAP_LINUX_IMMUTABLE).
    let imm = tmp.path().join("imm");
    std::fs::create_dir(&imm).unwrap();
    let set = StdCommand::new("chattr").arg("+i").arg(&imm).output();
    if set.is_ok_and(|o| o.status.success()) {
        let a = run_cmd(None, &imm, &["--trials", "20000000", "--no-trials-csv"]).assert();
        let _ = StdCommand::new("chattr").arg("-i").arg(&imm).status();
        let e = stderr_of(&a.code(2));
        assert!(e.contains("immutable"), "{e}");
    } else {
        eprintln!("skipped: chattr +i is not allowed here");
    }
}

#[test]
fn a_full_disk_is_reported_with_the_file_and_the_results() {
    let tmp = tmp();
    let Some(o) = in_namespace(
        "mkdir small && mount -t tmpfs -o size=64k none small && \
         \"$TCOSIM\" run --trials 300 --charts none -q --out small/run; \
         \"$TCOSIM\" sweep \"$SCENARIO\" --set simulation.horizon_months=6,12 --trials 20 -q --out small/sweep",
        tmp.path(),
    ) else {
        return;
    };
    let e = String::from_utf8_lossy(&o.stderr);
    for (out, file) in [("small/run", "trials.csv"), ("small/sweep", "")] {
        let line = e
            .lines()
            .find(|l| l.contains(&format!("`{out}`")))
            .unwrap_or_else(|| panic!("no error names `{out}`: {e}"));
        assert!(
            line.contains("cannot write the results to")
                && line.contains("No space left")
                && line.contains(file),
            "{line}"
        );
    }
}

#[test]
fn seeds_have_the_same_limit_on_the_command_line_and_in_a_file() {
    let tmp = tmp();
    let e = stderr_of(
        &run_cmd(None, &tmp.path().join("a"), &SMALL)
            .args(["--seed", "18446744073709551615"])
            .assert()
            .code(2),
    );
    assert!(e.contains("9223372036854775807"), "{e}");
    let top = "9223372036854775807";
    run_into(
        None,
        &tmp.path().join("b"),
        &[&SMALL[..], &["--seed", top]].concat(),
    );
    let text = std::fs::read_to_string(shipped("default"))
        .unwrap()
        .replace("seed = 20261125", &format!("seed = {top}"));
    assert!(text.contains(top), "the default scenario sets its seed");
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    run_into(Some(&file), &tmp.path().join("c"), &SMALL);
    assert_eq!(
        csv_bytes(&tmp.path().join("b")),
        csv_bytes(&tmp.path().join("c"))
    );
}

#[test]
fn compare_and_charts_given_a_shard_say_merge_it_first() {
    let tmp = tmp();
    let shard = tmp.path().join("s1");
    run_into(None, &shard, &["--trials", "50", "--shard", "1/2"]);
    let run = tmp.path().join("r");
    run_into(None, &run, &SMALL);
    let e = stderr_of(
        &tcosim()
            .arg("compare")
            .arg(&run)
            .arg(&shard)
            .arg("--out")
            .arg(tmp.path().join("c"))
            .assert()
            .code(2),
    );
    assert!(
        e.contains("is a shard") && e.contains("tcosim merge"),
        "{e}"
    );
    let e = stderr_of(&tcosim().arg("charts").arg(&shard).assert().code(2));
    assert!(
        e.contains("is a shard") && e.contains("tcosim merge"),
        "{e}"
    );
}

#[test]
fn precision_batches_double() {
    let tmp = tmp();
    let out = tmp.path().join("p");
    run_into(
        None,
        &out,
        &[
            "--trials",
            "50",
            "--precision",
            "0.1",
            "--charts",
            "none",
            "--no-trials-csv",
        ],
    );
    let m = manifest(&out);
    assert_eq!(m["precision"]["reached"], true);
    let trials = m["trials"].as_u64().unwrap();
    assert!(
        trials.is_multiple_of(50) && (trials / 50).is_power_of_two(),
        "{trials} trials: batches of 50, 50, 100, 200, ... add up to 50 x 2^k"
    );
}

#[test]
fn init_writes_whole_and_removes_stale_temporaries() {
    let tmp = tmp();
    let stale = tmp.path().join(".s.toml.tmp-999999999");
    std::fs::write(&stale, "half a scenario").unwrap();
    let target: PathBuf = tmp.path().join("s.toml");
    tcosim().arg("init").arg(&target).assert().success();
    tcosim().arg("validate").arg(&target).assert().success();
    assert_eq!(entries(tmp.path()), names(&["s.toml"]));
    tcosim().arg("init").arg(&target).assert().code(2);
}

#[test]
fn concurrent_runs_into_one_target_leave_one_whole_result_and_nothing_aside() {
    let tmp = tmp();
    let out = tmp.path().join("res");
    run_into(None, &out, &SMALL);
    let children: Vec<Child> = (1..=4)
        .map(|seed| {
            spawn(
                &[
                    "run",
                    "--trials",
                    "50",
                    "--charts",
                    "none",
                    "-q",
                    "--seed",
                    &seed.to_string(),
                ],
                &out,
            )
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().expect("wait");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let seed = manifest(&out)["seed"].as_u64().unwrap();
    assert!((1..=4).contains(&seed), "one of the runs: {seed}");
    let reference = tmp.path().join("ref");
    run_into(
        None,
        &reference,
        &[&SMALL[..], &["--seed", &seed.to_string()]].concat(),
    );
    assert_eq!(csv_bytes(&out), csv_bytes(&reference), "whole");
    assert!(out.join("previous/manifest.json").is_file());
    wait_until("the replaced directories to go", || {
        temporaries(tmp.path(), "res").is_empty()
    });
}
