//! The JSON Schema of scenario files: the shipped copy is what `tcosim
//! schema` prints, every shipped scenario and the starter pass it, and it
//! catches the mistakes an editor should flag (a misspelled key, a string
//! where a number goes, an unknown distribution). Checked with a real
//! validator (the `jsonschema` crate), as editors would.
//!
//! After a change to the key table, re-bless the shipped copy with
//! `TCOSIM_BLESS=1 cargo test --test schema`.

mod common;

use std::fs;

use common::{repo, stdout_of, tcosim, tmp};
use predicates::prelude::*;
use serde_json::Value as Json;

const SHIPPED_SCHEMA: &str = "scenarios/tcosim.schema.json";

/// What `tcosim schema` prints.
fn printed() -> String {
    stdout_of(&tcosim().arg("schema").assert().success())
}

/// The schema as a draft-07 validator.
fn validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(&printed()).expect("the schema is JSON");
    assert!(
        jsonschema::draft7::meta::is_valid(&schema),
        "the schema is not a valid draft-07 schema"
    );
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

/// A scenario's text as JSON, as editors see it (TOML -> toml::Value ->
/// serde_json::Value).
fn as_json(text: &str) -> Json {
    let v: toml::Value = toml::from_str(text).expect("the scenario is TOML");
    serde_json::to_value(v).expect("TOML converts to JSON")
}

/// The validator's complaints about `text`, one line each.
fn errors(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    let json = as_json(text);
    v.iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn default_text() -> String {
    fs::read_to_string(repo("scenarios/default.toml")).expect("default.toml")
}

#[test]
fn shipped_schema_is_what_tcosim_prints() {
    let now = printed();
    let path = repo(SHIPPED_SCHEMA);
    if std::env::var_os("TCOSIM_BLESS").is_some() {
        fs::write(&path, &now).expect("bless the schema");
    }
    let shipped = fs::read_to_string(&path).expect("scenarios/tcosim.schema.json");
    assert!(
        shipped == now,
        "{SHIPPED_SCHEMA} differs from `tcosim schema`; re-bless with TCOSIM_BLESS=1 cargo test --test schema"
    );
}

#[test]
fn shipped_scenarios_and_the_starter_pass_the_schema() {
    let v = validator();
    let mut files: Vec<_> = fs::read_dir(repo("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{files:?}");
    files.push(repo("src/scenario/starter.toml"));
    for f in files {
        let text = fs::read_to_string(&f).expect("a scenario");
        assert!(
            text.starts_with("#:schema ./tcosim.schema.json\n"),
            "{} lacks the #:schema line",
            f.display()
        );
        let errs = errors(&v, &text);
        assert!(errs.is_empty(), "{}: {errs:#?}", f.display());
    }
}

/// `default.toml` with `from` replaced by `to` (once), and the schema's
/// complaints about it.
fn complaints(from: &str, to: &str) -> Vec<String> {
    let text = default_text();
    assert!(text.contains(from), "default.toml has no `{from}`");
    errors(&validator(), &text.replacen(from, to, 1))
}

/// Asserts that `default.toml` with `from` replaced by `to` draws a
/// complaint at the JSON pointer `at` that says each of `says`.
fn assert_rejected(from: &str, to: &str, at: &str, says: &[&str]) {
    let e = complaints(from, to);
    assert!(
        e.iter()
            .any(|m| m.starts_with(at) && says.iter().all(|s| m.contains(s))),
        "`{to}`: no complaint at {at} saying {says:?}: {e:#?}"
    );
}

const LOGNORMAL_4_8: &str = "build_effort_months = { dist = \"lognormal\", median = 4, p90 = 8 }";

#[test]
fn schema_rejects_a_misspelled_key() {
    assert_rejected(
        "horizon_months = 36",
        "horizon_month = 36",
        "/simulation",
        &["horizon_month", "was unexpected"],
    );
    // In an engagement, and a key of the other kind of engagement.
    assert_rejected(
        "hourly_rate =",
        "hourly_rat =",
        "/engagements/freelancer",
        &["hourly_rat"],
    );
    assert_rejected(
        "kind = \"freelance\"\n",
        "kind = \"freelance\"\nannual_salary = 90000\n",
        "/engagements/freelancer",
        &["annual_salary"],
    );
    // A freelancer without an hourly rate (it extends no other).
    assert_rejected(
        "hourly_rate = { dist = \"lognormal\", median = 120, p90 = 200 }",
        "",
        "/engagements/freelancer",
        &["\"hourly_rate\" is a required property"],
    );
    // A parameter the family does not take.
    assert_rejected(
        LOGNORMAL_4_8,
        &LOGNORMAL_4_8.replace("p90", "p95"),
        "/project/build_effort_months",
        &["Additional properties are not allowed", "p95"],
    );
}

#[test]
fn schema_rejects_a_string_where_a_number_goes() {
    assert_rejected(
        "trials = 10000",
        "trials = \"10000\"",
        "/simulation/trials",
        &["\"10000\" is not of type \"integer\""],
    );
    // A drawn input: a number or a distribution table would do.
    assert_rejected(
        "target_launch_month = 6",
        "target_launch_month = \"6\"",
        "/project/target_launch_month",
        &["\"6\" is not of types \"number\", \"object\""],
    );
}

#[test]
fn schema_rejects_an_unknown_distribution_and_out_of_range_numbers() {
    // The families there are, by name.
    assert_rejected(
        LOGNORMAL_4_8,
        &LOGNORMAL_4_8.replace("lognormal", "lognormale"),
        "/project/build_effort_months/dist",
        &["\"lognormale\" is not one of", "\"triangular\""],
    );
    // A negative number of months, a horizon past the limit, a section
    // that must be there.
    assert_rejected(
        "traction_known_after_months = 3",
        "traction_known_after_months = -3",
        "/project/traction_known_after_months",
        &["-3"],
    );
    assert_rejected(
        "horizon_months = 36",
        "horizon_months = 1201",
        "/simulation/horizon_months",
        &["1201 is greater than the maximum of 1200"],
    );
    assert_rejected(
        "[knowledge]",
        "[knowledge_]",
        "",
        &["\"knowledge\" is a required property"],
    );
}

#[test]
fn schema_to_a_file_never_replaces_a_file_tcosim_did_not_write() {
    let tmp = tmp();
    let path = tmp.path().join("tcosim.schema.json");
    tcosim()
        .args(["schema", "--out"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&path).expect("written"), printed());
    // Its own file: replaced (a newer tcosim's schema over an older one).
    fs::write(&path, printed().replace("tcosim scenario", "old")).expect("age it");
    tcosim()
        .args(["schema", "--out"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&path).expect("rewritten"), printed());
    // The user's file: refused, untouched, unless --force.
    fs::write(&path, "{\"mine\": true}\n").expect("the user's file");
    tcosim()
        .args(["schema", "--out"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a schema tcosim wrote"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        fs::read_to_string(&path).expect("kept"),
        "{\"mine\": true}\n"
    );
    tcosim()
        .args(["schema", "--force", "--out"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&path).expect("forced"), printed());
    // Nothing left beside it.
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 1);
    // A directory is no place for it, even with --force.
    tcosim()
        .args(["schema", "--force", "--out"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn init_writes_the_schema_line_only_with_the_schema() {
    let tmp = tmp();
    let plain = tmp.path().join("plain.toml");
    tcosim().arg("init").arg(&plain).assert().success();
    let text = fs::read_to_string(&plain).expect("the starter");
    assert!(
        !text.contains("#:schema"),
        "plain init points at a schema it did not write"
    );
    assert!(!tmp.path().join("tcosim.schema.json").exists());

    let with = tmp.path().join("with.toml");
    let out = tcosim()
        .args(["init", "--schema"])
        .arg(&with)
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        said.contains("tcosim.schema.json"),
        "init --schema says where the schema is (on stderr): {said}"
    );
    let text = fs::read_to_string(&with).expect("the starter");
    assert!(text.starts_with("#:schema ./tcosim.schema.json\n"));
    let schema = tmp.path().join("tcosim.schema.json");
    assert_eq!(fs::read_to_string(&schema).expect("the schema"), printed());
    tcosim().arg("validate").arg(&with).assert().success();

    // A second scenario beside the same schema replaces tcosim's own file;
    // a user's file of that name is refused before anything is written.
    tcosim()
        .args(["init", "--schema"])
        .arg(tmp.path().join("again.toml"))
        .assert()
        .success();
    fs::write(&schema, "mine").expect("the user's file");
    let third = tmp.path().join("third.toml");
    tcosim()
        .args(["init", "--schema"])
        .arg(&third)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a schema tcosim wrote"));
    assert!(!third.exists());
    assert_eq!(fs::read_to_string(&schema).expect("kept"), "mine");
}
