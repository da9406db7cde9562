//! Ctrl-C, SIGTERM and SIGHUP, the same for every command.
//!
//! Installed before any command runs. A command that checks for a stop
//! between steps (run, sweep, merge) asks for [`cancel_flag`]: the first
//! signal raises the flag, the command stops at its next check, removes its
//! temporary directory and exits with 130, earlier results as they were;
//! if it has not stopped within 0.2 s (a check can be far off), the process
//! ends as below, unless its results are already in place.
//! Any other signal (the first, for a command that does not check; the
//! second, for one that does) ends the process at once, still handing its
//! temporary directories to a detached remover (a replacement under way is
//! finished first, so the target is never half-replaced).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);
static COOPERATIVE: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Installs the handler (once). Until [`cancel_flag`] is asked for, a
/// signal ends the process at once.
pub fn install() {
    INSTALLED.get_or_init(|| ctrlc::set_handler(on_signal).is_ok());
}

/// How long the first signal waits for a command to stop at one of its
/// checks before ending it at once (a check may be a long way off: a wave
/// of trials in an unoptimised build, a large file being read).
const GRACE: std::time::Duration = std::time::Duration::from_millis(200);

fn on_signal() {
    if COOPERATIVE.load(Ordering::SeqCst) && !CANCEL.swap(true, Ordering::SeqCst) {
        // Stopping at a check ends the process (and this thread) first.
        std::thread::sleep(GRACE);
        let Some(left) = crate::output::abandon_unless_committed(false, true) else {
            // Too late: the results are in place; let it finish.
            return;
        };
        exit_interrupted(false, &left);
    }
    let again = CANCEL.swap(true, Ordering::SeqCst) && COOPERATIVE.load(Ordering::SeqCst);
    let left = crate::output::abandon_staged(again);
    exit_interrupted(again, &left);
}

/// Says what happened and ends the process with 130.
fn exit_interrupted(again: bool, left: &[std::path::PathBuf]) -> ! {
    let removing: Vec<String> = left.iter().map(|p| format!("`{}`", p.display())).collect();
    super::out::status(format_args!(
        "error: interrupted{}; nothing was written and earlier results are as they were{}",
        if again { " again, stopped at once" } else { "" },
        if removing.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {}",
                if again {
                    "removing in the background"
                } else {
                    "removing"
                },
                removing.join(", ")
            )
        }
    ));
    std::process::exit(130);
}

/// Installs the handler (once) and returns the flag the first signal
/// raises; a second signal ends the process at once. If no handler can be
/// installed the flag simply never rises.
pub fn cancel_flag() -> &'static AtomicBool {
    COOPERATIVE.store(true, Ordering::SeqCst);
    install();
    &CANCEL
}
