//! Build script: records the git commit tcosim is built from, for
//! `tcosim --version` ("tcosim 0.1.0 (commit 1a2b3c4)"). Outside a git
//! checkout (a published package, a tarball) the version is the bare
//! package version. The outputs of a run never depend on it.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=TCOSIM_BUILD_COMMIT");
    let commit = std::env::var("TCOSIM_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=10", "HEAD"]));
    // Rebuild when HEAD moves: the HEAD file (a branch switch) and the
    // branch's ref, loose or packed. Not on every edit of a source file.
    // Only files that exist: cargo reruns the script at every build for a
    // missing one (a branch whose ref is packed has no loose ref file).
    let mut watch = vec![
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--git-path", "packed-refs"]),
        // A commit on a branch whose ref was packed writes a new loose ref.
        git(&["rev-parse", "--git-path", "refs/heads"]),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(git(&["rev-parse", "--git-path", &branch]));
    }
    for p in watch.into_iter().flatten() {
        if std::path::Path::new(&p).exists() {
            println!("cargo::rerun-if-changed={p}");
        }
    }
    // Only characters a version string may safely show.
    let suffix = commit
        .filter(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric()))
        .map(|c| format!(" (commit {c})"))
        .unwrap_or_default();
    println!("cargo::rustc-env=TCOSIM_VERSION_SUFFIX={suffix}");
}
