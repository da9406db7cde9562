//! The flow is one way: each module of `src/` may use only modules at its
//! own layer or below. This test reads every source file and fails on any
//! `crate::X` reference that points up the flow, naming the file, the line
//! and both layers. The layers, bottom to top, are those of `LAYERS` (and of
//! the "Where things live" section of README.md).

use std::path::{Path, PathBuf};

/// Top-level modules of `src/`, bottom of the flow first. Modules on one
/// line form one layer and may use each other.
const LAYERS: &[&[&str]] = &[
    &["rng"],
    &["dist"],
    &["scenario"],
    &["model"],
    &["stats"],
    &["engine"],
    &["decide"],
    &["output"],
    &["present"],
    &["pipeline"],
    &["cli"],
];

/// Files that orchestrate and may use any module.
const ROOTS: &[&str] = &["lib", "main"];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("non-empty");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Every module named by `crate::NAME` (or `crate::{A, B::x}`) in code;
/// comments are skipped.
fn crate_refs(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, m) in code.match_indices("crate::") {
        let before = code[..i].chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `my_crate::`
        }
        let rest = &code[i + m.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            out.extend(inner.split(',').map(ident));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty() && s != "self");
    out
}

#[test]
fn no_module_uses_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for f in &files {
        let module = module_of(&src, f);
        if ROOTS.contains(&module.as_str()) {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| {
            panic!(
                "{}: module `{module}` is in no layer of LAYERS",
                f.display()
            )
        });
        let text = std::fs::read_to_string(f).expect("readable");
        for (n, line) in text.lines().enumerate() {
            for dep in crate_refs(line) {
                checked += 1;
                let Some(theirs) = layer(&dep) else {
                    wrong.push(format!(
                        "{}:{}: `crate::{dep}` is in no layer",
                        f.display(),
                        n + 1
                    ));
                    continue;
                };
                if theirs > own {
                    wrong.push(format!(
                        "{}:{}: `{module}` (layer {own}) uses `crate::{dep}` (layer {theirs}), above it",
                        f.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        checked > 50,
        "too few references found ({checked}): is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "imports that run up the flow:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_references() {
    assert_eq!(crate_refs("use crate::stats::{Totals};"), ["stats"]);
    assert_eq!(
        crate_refs("    let x = crate::engine::run(a); // crate::cli"),
        ["engine"]
    );
    assert!(crate_refs("//! see crate::cli").is_empty());
    assert!(crate_refs("use my_crate::x;").is_empty());
    assert_eq!(
        crate_refs("use crate::{cli, stats::Totals};"),
        ["cli", "stats"]
    );
    assert_eq!(
        layer("stats").map(|s| s < layer("engine").unwrap_or(0)),
        Some(true)
    );
}
