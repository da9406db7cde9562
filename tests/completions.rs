//! Shell completions, man pages and help, all generated from the clap
//! definitions: a script for every shell that knows the commands, roff man
//! pages for tcosim and each command, and help that fits 80 columns when it
//! is not printed to a terminal.

mod common;

use common::{stdout_of, tcosim};
use predicates::prelude::*;

/// The commands `tcosim --help` lists (without `help`).
fn commands() -> Vec<String> {
    let help = stdout_of(
        &tcosim()
            .arg("--help")
            .env_remove("COLUMNS")
            .assert()
            .success(),
    );
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a list of commands")
        .split("\n\n")
        .next()
        .expect("the list");
    let names: Vec<String> = list
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    for expected in [
        "run",
        "sweep",
        "validate",
        "init",
        "completions",
        "man",
        "schema",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    names
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&tcosim().args(["completions", shell]).assert().success());
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell}: no `{c}`");
        }
        // Options too (fish writes them `-l trials`).
        assert!(script.contains("trials"), "{shell}: no run options");
    }
    tcosim()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bash"));
}

/// The page's lines from its title on: clap_mangen starts a page with the
/// two-line definition of `\*(Aq` (a straight apostrophe) that its text
/// uses, then `.TH`.
fn from_title(page: &str) -> Vec<&str> {
    let lines: Vec<&str> = page.lines().collect();
    let th = lines
        .iter()
        .position(|l| l.starts_with(".TH "))
        .expect("a .TH line");
    assert!(
        lines[..th]
            .iter()
            .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")),
        "{:?}",
        &lines[..th]
    );
    lines[th..].to_vec()
}

#[test]
fn man_pages_are_roff() {
    let top = stdout_of(&tcosim().arg("man").assert().success());
    let lines = from_title(&top);
    assert!(lines[0].starts_with(".TH tcosim 1"), "{}", lines[0]);
    assert!(lines.contains(&".SH NAME") && lines.contains(&".SH SYNOPSIS"));
    assert!(top.contains("tcosim\\-run"), "no list of commands");
    for c in commands() {
        let page = stdout_of(&tcosim().args(["man", &c]).assert().success());
        let lines = from_title(&page);
        assert!(
            lines[0].starts_with(&format!(".TH tcosim-{c} 1")),
            "{c}: {}",
            lines[0]
        );
        assert!(lines.contains(&".SH OPTIONS"), "{c}");
        // The foot names tcosim and its version, not the command alone.
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            lines[0].contains(&format!("\"tcosim {version}")),
            "{c}: {}",
            lines[0]
        );
    }
    tcosim()
        .args(["man", "rn"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no command `rn`"))
        .stderr(predicate::str::contains("run, sweep"));
}

#[test]
fn help_fits_80_columns_when_not_a_terminal() {
    let mut pages = vec![vec!["--help".to_string()]];
    for c in commands() {
        pages.push(vec![c.clone(), "--help".to_string()]);
        pages.push(vec![c, "-h".to_string()]);
    }
    for args in pages {
        // Not a terminal: 80 columns, even where COLUMNS says more.
        let out = tcosim()
            .args(&args)
            .env("COLUMNS", "200")
            .assert()
            .success();
        let help = stdout_of(&out);
        for line in help.lines() {
            assert!(
                line.chars().count() <= 80,
                "`tcosim {}`: {} columns: {line}",
                args.join(" "),
                line.chars().count()
            );
        }
    }
}
