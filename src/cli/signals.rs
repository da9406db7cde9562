//! Ctrl-C and SIGTERM: raise a flag that the engine checks between waves of
//! trials, so a run stops promptly, its temporary directory is removed and
//! earlier results stay as they were.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static CANCEL: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Installs the handler (once) and returns the flag it raises. If no handler
/// can be installed the flag simply never rises.
pub fn cancel_flag() -> &'static AtomicBool {
    INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if CANCEL.swap(true, Ordering::SeqCst) {
                // A second signal while cleaning up: leave at once.
                std::process::exit(130);
            }
        })
        .is_ok()
    });
    &CANCEL
}
