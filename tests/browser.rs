//! The report as a browser shows it: headless Chromium renders report.html
//! at a desktop and a phone width, and a probe script (added to a copy of
//! the page, never to the report itself, which has no scripts) reports
//! whether anything overflows the page sideways, whether an image failed
//! to load, how many charts are drawn and whether the verdict is there.
//!
//! Chromium comes from the distribution's packages (`.ci/run` installs it
//! when absent). Without it these tests say so and pass, unless
//! `TCOSIM_REQUIRE_BROWSER=1` (set by `.ci/run`) makes its absence a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run_into, shipped, tmp};

/// The probe: the page's layout width is forced to `width` pixels (headless
/// Chromium will not open a window narrower than about 500), then every
/// element not inside a sideways-scrolling box must end within it.
fn probe(width: u32) -> String {
    format!(
        r#"<style>html {{ width: {width}px !important; }}</style>
<script>
const W = {width};
const clipped = e => {{
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {{
    const o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
  }}
  return false;
}};
const wide = [...document.body.querySelectorAll('*')]
  .filter(e => !clipped(e) && e.getBoundingClientRect().right > W + 1)
  .map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))
  .slice(0, 5);
const r = {{
  wide: wide,
  broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
  charts: [...document.querySelectorAll('figure svg')].filter(s => s.getBoundingClientRect().width > 0).length,
  verdict: !!document.querySelector('.headline') && document.querySelector('.headline').textContent.trim().length > 40,
}};
document.body.setAttribute('data-probe', JSON.stringify(r));
</script>"#
    )
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(|name| {
            let ok = Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(name))
        })
}

/// What the probe found in `report` laid out `width` pixels wide.
fn render(browser: &Path, report: &Path, width: u32) -> serde_json::Value {
    let html = std::fs::read_to_string(report).expect("report.html");
    assert!(
        !html.contains("<script"),
        "the report itself has no scripts"
    );
    let page = report.with_file_name(format!("probe-{width}.html"));
    std::fs::write(
        &page,
        html.replace("</body>", &format!("{}</body>", probe(width))),
    )
    .expect("write the probe page");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,2000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").unwrap_or_else(|| {
        panic!(
            "the probe did not run: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    }) + "data-probe=\"".len();
    let end = start + dom[start..].find('"').expect("end of the attribute");
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("the probe's JSON")
}

fn check_scenario(stem: &str) {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("TCOSIM_REQUIRE_BROWSER").is_none(),
            "TCOSIM_REQUIRE_BROWSER is set but no Chromium was found"
        );
        eprintln!("skipped: no chromium to render the report (install it to run this test)");
        return;
    };
    let t = tmp();
    let out = t.path().join("r");
    run_into(
        Some(&shipped(stem)),
        &out,
        &["--trials", "400", "--charts", "svg"],
    );
    for width in [1280, 420] {
        let r = render(&browser, &out.join("report.html"), width);
        assert_eq!(
            r["wide"],
            serde_json::json!([]),
            "{stem} at {width} px overflows: {r}"
        );
        assert_eq!(r["broken"], 0, "{stem} at {width} px: an image failed: {r}");
        assert!(
            r["charts"].as_u64().unwrap_or(0) >= 6,
            "{stem} at {width} px: charts missing: {r}"
        );
        assert_eq!(r["verdict"], true, "{stem} at {width} px: no verdict: {r}");
    }
}

#[test]
fn the_default_report_fits_a_desktop_and_a_phone() {
    check_scenario("default");
}

#[test]
fn the_core_product_report_fits_a_desktop_and_a_phone() {
    check_scenario("core-product");
}

/// The probe itself must catch an overflow, or the tests above prove
/// nothing.
#[test]
fn the_probe_catches_a_page_wider_than_a_phone() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium");
        return;
    };
    let t = tmp();
    let page = t.path().join("report.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><div class=\"headline\">A verdict long enough to count as one, surely.</div>\
         <table><tr><td style=\"white-space:nowrap\">a very long line that does not wrap on any phone at all, not even a large one</td></tr></table>\
         <img src=\"missing.png\"></body></html>",
    )
    .unwrap();
    let r = render(&browser, &page, 420);
    assert_ne!(r["wide"], serde_json::json!([]), "{r}");
    assert_eq!(r["broken"], 1, "{r}");
}
