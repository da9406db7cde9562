//! Output directories that appear whole or not at all, and that are
//! tcosim's only if tcosim made them.
//!
//! Every command that writes (run, sweep, compare, merge, charts, init)
//! goes through here:
//!
//! * A directory is a tcosim output if it carries a marker: a run's
//!   `manifest.json`, or the `.tcosim` file of a sweep, a job list or a
//!   comparison. An existing `--out` is replaced only if it is empty or an
//!   output of the same kind holding nothing but what tcosim wrote; anything
//!   else is refused before any work starts, as is a target that cannot be
//!   replaced (a mount point, an immutable directory, a dangling symbolic
//!   link, the current directory).
//! * Results are written into `.NAME.tmp-PID` beside the target, a
//!   directory locked (`flock`) by its owner for as long as it runs, and
//!   exchanged with the target in one step (`renameat2(RENAME_EXCHANGE)` on
//!   Linux). Where the platform or file system cannot exchange, the target
//!   is first renamed to `.NAME.tmp-PID.old`: a run stopped between the two
//!   renames leaves the earlier results there, and the next run of the same
//!   target puts them back.
//! * The next run of the same target removes every `.NAME.tmp-*` whose
//!   owner is gone (its lock is free), however it ended (SIGKILL, power
//!   loss).
//! * A re-run of a run keeps the run it replaces as `previous/` (its files,
//!   hard-linked, without its own `previous/`).
//! * Removing a large directory takes time: what is not removed within
//!   0.3 s is left to a detached `rm -rf`, so stopping stays prompt.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use super::manifest::Manifest;

/// Where a re-run keeps the run it replaced, inside the run directory.
pub const PREVIOUS: &str = "previous";

/// The marker of an output directory other than a run's (a run's is its
/// manifest.json): which kind of command wrote it and the files it wrote.
const MARKER: &str = ".tcosim";

/// How long removing a directory may hold up the command before the rest
/// is left to a detached process.
const REMOVE_BUDGET: Duration = Duration::from_millis(300);

/// What a command writes into its output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A run, a shard or a merge: the CSVs, manifest, charts and report.
    Run,
    /// A sweep: sweep.csv, sweep.txt, scenario.toml and its chart.
    Sweep,
    /// `sweep --emit-jobs`: one scenario per point, points.csv, jobs.txt.
    Jobs,
    /// A comparison: compare.csv, the charts and report.html.
    Compare,
}

/// The files of a run or shard directory (whatever its manifest lists:
/// `tcosim charts` may add the charts and report to a run made without).
const RUN_FILES: [&str; 15] = [
    "aggregates.json",
    "comparison.csv",
    "crossover.csv",
    "inputs.csv",
    "manifest.json",
    "monthly.csv",
    "precision.csv",
    "quality.csv",
    "report.html",
    "scenario.toml",
    "sensitivity.csv",
    "summary.csv",
    "totals.csv",
    "trials.csv",
    "voi.csv",
];

impl OutputKind {
    /// The word the marker holds.
    fn tag(self) -> &'static str {
        match self {
            OutputKind::Run => "run",
            OutputKind::Sweep => "sweep",
            OutputKind::Jobs => "jobs",
            OutputKind::Compare => "compare",
        }
    }

    fn from_tag(tag: &str) -> Option<OutputKind> {
        [
            OutputKind::Run,
            OutputKind::Sweep,
            OutputKind::Jobs,
            OutputKind::Compare,
        ]
        .into_iter()
        .find(|k| k.tag() == tag)
    }

    /// How messages name an output of this kind.
    fn what(self) -> &'static str {
        match self {
            OutputKind::Run => "the results of `tcosim run` (or merge)",
            OutputKind::Sweep => "the results of `tcosim sweep`",
            OutputKind::Jobs => "the job list of `tcosim sweep --emit-jobs`",
            OutputKind::Compare => "the results of `tcosim compare`",
        }
    }

    /// Whether a tcosim output of this kind, whose marker lists `listed`,
    /// may hold the entry `name` (`dir` for a directory).
    fn writes(self, name: &str, dir: bool, listed: &[String]) -> bool {
        let shown = if dir {
            format!("{name}/")
        } else {
            name.to_string()
        };
        if listed.contains(&shown) {
            return true;
        }
        match self {
            OutputKind::Run => {
                dir && (name == "charts" || name == PREVIOUS) || !dir && RUN_FILES.contains(&name)
            }
            _ => !dir && name == MARKER,
        }
    }

    /// Refuses an existing directory that is not empty and not an output of
    /// this kind holding only what tcosim wrote (charts/ only PNG and SVG
    /// files, previous/ only an earlier run).
    pub fn check_replaceable(self, target: &Path) -> Result<()> {
        let entries = list(target)?;
        if entries.is_empty() {
            return Ok(());
        }
        let found = identify(target);
        let foreign_of = |listed: &[String]| -> Result<Vec<String>> {
            let mut foreign = Vec::new();
            for (name, is_dir) in &entries {
                if !self.writes(name, *is_dir, listed) {
                    foreign.push(if *is_dir {
                        format!("{name}/")
                    } else {
                        name.clone()
                    });
                } else if *is_dir && name == PREVIOUS && self == OutputKind::Run {
                    for f in previous_foreign(&target.join(name))? {
                        foreign.push(format!("{PREVIOUS}/{f}"));
                    }
                } else if *is_dir {
                    for (inner, inner_dir) in list(&target.join(name))? {
                        if inner_dir || !(inner.ends_with(".png") || inner.ends_with(".svg")) {
                            foreign.push(format!("{name}/{inner}"));
                        }
                    }
                }
            }
            Ok(foreign)
        };
        match found {
            Some((kind, _)) if kind != self => bail!(
                "`{}` holds {}, not {}; tcosim replaces its output directory as a whole and only with one of the same kind. Give --out another directory, e.g. `{}`",
                target.display(),
                kind.what(),
                self.what(),
                sibling(target, self.tag()).display()
            ),
            Some((_, listed)) => {
                let foreign = foreign_of(&listed)?;
                if foreign.is_empty() {
                    return Ok(());
                }
                bail!(
                    "`{}` holds files tcosim did not write ({}) beside {}; tcosim replaces its output directory as a whole, so it will not write there. Move those files away, or give --out a new or empty directory, e.g. `{}`",
                    target.display(),
                    shown(foreign),
                    self.what(),
                    sibling(target, self.tag()).display()
                )
            }
            None => {
                let all: Vec<String> = entries
                    .iter()
                    .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
                    .collect();
                bail!(
                    "`{}` holds files tcosim did not write ({}) and is not a tcosim output (it has no {}); tcosim replaces its output directory as a whole, so it will not write there. Give --out a new or empty directory, e.g. `{}`",
                    target.display(),
                    shown(all),
                    if self == OutputKind::Run {
                        "manifest.json"
                    } else {
                        MARKER
                    },
                    target.join("results").display()
                )
            }
        }
    }
}

/// `a, b, c and 4 more` of a sorted list.
fn shown(mut names: Vec<String>) -> String {
    names.sort();
    let head: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = names.len() - head.len();
    if more > 0 {
        format!("{} and {more} more", head.join(", "))
    } else {
        head.join(", ")
    }
}

/// `dir-TAG` beside `dir`, to suggest.
fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    dir.with_file_name(format!("{name}-{tag}"))
}

/// The entries of a directory: name and whether it is a directory.
fn list(dir: &Path) -> Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot list `{}`", dir.display()))? {
        let e = e.with_context(|| format!("cannot list `{}`", dir.display()))?;
        let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
        out.push((e.file_name().to_string_lossy().into_owned(), is_dir));
    }
    Ok(out)
}

/// What kind of tcosim output `dir` is, by its marker, and the files the
/// marker lists; `None` for any other directory.
fn identify(dir: &Path) -> Option<(OutputKind, Vec<String>)> {
    if let Ok(text) = std::fs::read_to_string(dir.join(MARKER)) {
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        let kind = OutputKind::from_tag(v.get("tcosim")?.as_str()?)?;
        let files = v
            .get("files")?
            .as_array()?
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        return Some((kind, files));
    }
    let m = Manifest::read_any(&dir.join("manifest.json")).ok()?;
    Some((OutputKind::Run, m.files))
}

/// What in a run's `previous/` is not an earlier run's.
fn previous_foreign(dir: &Path) -> Result<Vec<String>> {
    match identify(dir) {
        Some((OutputKind::Run, listed)) => {
            let mut foreign = Vec::new();
            for (name, is_dir) in list(dir)? {
                if name == PREVIOUS || !OutputKind::Run.writes(&name, is_dir, &listed) {
                    foreign.push(if is_dir { format!("{name}/") } else { name });
                } else if is_dir {
                    for (inner, inner_dir) in list(&dir.join(&name))? {
                        if inner_dir || !(inner.ends_with(".png") || inner.ends_with(".svg")) {
                            foreign.push(format!("{name}/{inner}"));
                        }
                    }
                }
            }
            Ok(foreign)
        }
        _ if list(dir)?.is_empty() => Ok(Vec::new()),
        _ => Ok(vec!["(not a tcosim run)".to_string()]),
    }
}

/// The run a re-run into `dir` kept, if any: `dir/previous`.
pub fn previous_run(dir: &Path) -> Option<PathBuf> {
    let p = dir.join(PREVIOUS);
    matches!(identify(&p), Some((OutputKind::Run, _))).then_some(p)
}

/// Refuses a shard directory where a whole run is needed (compare, charts).
pub fn refuse_shard(dir: &Path) -> Result<()> {
    if let Ok(m) = Manifest::read_any(&dir.join("manifest.json"))
        && let Some(s) = m.shard
    {
        bail!(
            "`{}` is a shard (shard {} of {} of a run made with --shard); merge it first with tcosim merge: tcosim merge SHARD_DIR... --out DIR",
            dir.display(),
            s.index,
            s.count
        );
    }
    Ok(())
}

// ------------------------------------------------------ temporary names

/// `name` in the directory of `path` (as `path` names it: `name` alone for
/// a path without a directory).
fn beside(path: &Path, name: &str) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(name),
        _ => PathBuf::from(name),
    }
}

/// `.NAME.tmp-PID`, the staging directory (or file) of `NAME`.
fn tmp_name(name: &str, pid: u32) -> String {
    format!(".{name}.tmp-{pid}")
}

/// The owner's PID and whether it is the aside copy (`.old`) if `entry`
/// is a temporary name of `name`.
fn parse_tmp(entry: &str, name: &str) -> Option<(u32, bool)> {
    let rest = entry.strip_prefix(&format!(".{name}.tmp-"))?;
    let (pid, old) = match rest.strip_suffix(".old") {
        Some(p) => (p, true),
        None => (rest, false),
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((pid.parse().ok()?, old))
}

/// Whether the process `pid` exists (on this machine).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        pid == std::process::id()
    }
}

/// Whether the temporary `path` (owned by `pid`) is left over: its owner
/// no longer holds its lock. Returns the lock, held, when it is.
fn take_if_stale(path: &Path, pid: u32) -> Option<Option<File>> {
    if pid == std::process::id() && registered(path) {
        return None;
    }
    match File::open(path) {
        Ok(f) => match f.try_lock() {
            Ok(()) => Some(Some(f)),
            Err(std::fs::TryLockError::WouldBlock) => None,
            // No locks here (some network file systems): go by the PID.
            Err(std::fs::TryLockError::Error(_)) => (!alive(pid)).then_some(None),
        },
        Err(_) => (!alive(pid)).then_some(None),
    }
}

/// Holds an exclusive lock on a directory while it lives (none where the
/// file system has no locks).
struct DirLock(#[allow(dead_code)] Option<File>);

fn lock_dir(dir: &Path) -> DirLock {
    DirLock(File::open(dir).ok().filter(|f| f.lock().is_ok()))
}

/// Finds the temporary entries of `name` in `parent` whose owner is gone,
/// puts back earlier results left aside (`.old`) when `target` is missing,
/// and removes the rest.
fn reclaim(parent: &Path, name: &str, target: Option<&Path>) {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    let mut stale = Vec::new();
    for e in rd.flatten() {
        let entry = e.file_name().to_string_lossy().into_owned();
        let Some((pid, old)) = parse_tmp(&entry, name) else {
            continue;
        };
        let path = parent.join(&entry);
        if let Some(lock) = take_if_stale(&path, pid) {
            let modified = e.metadata().and_then(|m| m.modified()).ok();
            stale.push((path, old, modified, lock));
        }
    }
    if let Some(target) = target
        && std::fs::symlink_metadata(target).is_err()
    {
        // The newest left-aside run comes back; the others go.
        let back = stale
            .iter()
            .enumerate()
            .filter(|(_, (p, old, _, _))| *old && identify(p).is_some())
            .max_by_key(|(_, (_, _, m, _))| *m)
            .map(|(i, _)| i);
        if let Some(i) = back {
            let (p, _, _, _) = stale.remove(i);
            if std::fs::rename(&p, target).is_ok() {
                eprintln!(
                    "note: put back the earlier results of `{}` from `{}`, where a stopped run left them",
                    target.display(),
                    p.display()
                );
            }
        }
    }
    for (p, _, _, lock) in stale {
        remove_soon(p);
        drop(lock);
    }
}

// ------------------------------------------- what a signal must clean up

/// The temporary paths of this process, removed if it is stopped.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(p: &Path) {
    live().push(p.to_path_buf());
}

fn unregister(p: &Path) {
    live().retain(|q| q != p);
}

fn registered(p: &Path) -> bool {
    live().iter().any(|q| q == p)
}

/// For a process about to exit on a signal: removes every temporary path
/// of this process (`at_once`: hands them all to a detached remover;
/// otherwise what takes longer than 0.3 s) and returns them. Waits for a
/// replacement under way to finish, and keeps any other from starting, so
/// the target is never left half-replaced.
pub fn abandon_staged(at_once: bool) -> Vec<PathBuf> {
    abandon_unless_committed(at_once, false).unwrap_or_default()
}

/// Whether this process has put an output in place (then a late signal
/// lets it finish rather than report that nothing was written).
static COMMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// [`abandon_staged`], except that with `unless_committed` it does nothing
/// and returns `None` once this process has put an output in place.
pub fn abandon_unless_committed(at_once: bool, unless_committed: bool) -> Option<Vec<PathBuf>> {
    let mut g = live();
    if unless_committed && COMMITTED.load(std::sync::atomic::Ordering::SeqCst) {
        return None;
    }
    let paths = std::mem::take(&mut *g);
    for p in &paths {
        if at_once {
            remove_detached(p);
        } else {
            remove_soon(p.clone());
        }
    }
    // Held until the process exits.
    std::mem::forget(g);
    Some(paths)
}

/// Removes a file or directory, ignoring what is already gone.
fn remove_any(p: &Path) {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(p);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(p);
        }
        Err(_) => {}
    }
}

/// Removes `p`, leaving whatever is not gone within 0.3 s (`REMOVE_BUDGET`) to a
/// detached process (what even that leaves, the next run of the same
/// target removes: the name says whose it was).
pub fn remove_soon(p: PathBuf) {
    let (tx, rx) = std::sync::mpsc::channel();
    let q = p.clone();
    let spawned = std::thread::Builder::new()
        .name("remove".into())
        .spawn(move || {
            remove_any(&q);
            let _ = tx.send(());
        });
    if spawned.is_err() {
        remove_any(&p);
        return;
    }
    if rx.recv_timeout(REMOVE_BUDGET).is_err() {
        remove_detached(&p);
    }
}

/// Starts `rm -rf p` in its own process group (so a Ctrl-C at the terminal
/// does not reach it), not waited for.
fn remove_detached(p: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        let _ = Command::new("rm")
            .arg("-rf")
            .arg("--")
            .arg(p)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
    }
    #[cfg(not(unix))]
    remove_any(p);
}

// ------------------------------------------------------------ the checks

/// Refuses a target that a rename cannot replace, naming why.
fn check_movable(target: &Path, parent: &Path, update: bool) -> Result<()> {
    let here = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let real = target
        .canonicalize()
        .with_context(|| format!("cannot resolve `{}`", target.display()))?;
    if let Some(here) = here
        && here.starts_with(&real)
    {
        if update {
            bail!(
                "`{}` is the current directory{}; tcosim replaces the directory as a whole, so run this from outside it, e.g. `cd {} && tcosim charts {}`",
                target.display(),
                if here == real { "" } else { " (it holds it)" },
                parent.display(),
                target.file_name().unwrap_or_default().to_string_lossy()
            );
        }
        bail!(
            "`{}` is the current directory{}; tcosim replaces its output directory as a whole, so it will not write there. Give --out a directory inside it, e.g. `{}`",
            target.display(),
            if here == real { "" } else { " (it holds it)" },
            target.join("results").display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let t = std::fs::metadata(target)
            .with_context(|| format!("cannot read `{}`", target.display()))?;
        let p = std::fs::metadata(parent)
            .with_context(|| format!("cannot read `{}`", parent.display()))?;
        if t.dev() != p.dev() || is_listed_mount(&real) {
            bail!(
                "`{}` is a mount point; tcosim replaces its output directory as a whole and cannot replace a mount point. Give --out a directory inside it, e.g. `{}`",
                target.display(),
                target.join("results").display()
            );
        }
        for (dir, what) in [(target, "the output directory"), (parent, "its parent")] {
            if let Some(flag) = fixed_flag(dir) {
                bail!(
                    "{what} `{}` is {flag} (chattr), so `{}` cannot be replaced; clear the flag (chattr -i / -a) or give --out another directory",
                    dir.display(),
                    target.display()
                );
            }
        }
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if me != 0 && p.mode() & 0o1000 != 0 && t.uid() != me && p.uid() != me {
            bail!(
                "`{}` belongs to another user in a directory with the sticky bit (`{}`), so it cannot be replaced; give --out a directory of your own",
                target.display(),
                parent.display()
            );
        }
    }
    Ok(())
}

/// Whether `/proc/self/mountinfo` lists `dir` as a mount point (a bind
/// mount of the same file system has the same device number).
#[cfg(unix)]
fn is_listed_mount(dir: &Path) -> bool {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let want = dir.to_string_lossy();
    info.lines().any(|l| {
        l.split(' ')
            .nth(4)
            .is_some_and(|m| unescape_mount(m) == want)
    })
}

/// A mountinfo field with its octal escapes (`\040` for a space) undone.
#[cfg(any(unix, test))]
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// "immutable" or "append-only" if the directory has that attribute.
#[cfg(unix)]
fn fixed_flag(dir: &Path) -> Option<&'static str> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        const FS_IMMUTABLE_FL: libc::c_long = 0x10;
        const FS_APPEND_FL: libc::c_long = 0x20;
        use std::os::fd::AsRawFd;
        let f = File::open(dir).ok()?;
        let mut flags: libc::c_long = 0;
        // SAFETY: FS_IOC_GETFLAGS writes one long through the pointer.
        let r = unsafe { libc::ioctl(f.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) };
        if r != 0 {
            return None;
        }
        if flags & FS_IMMUTABLE_FL != 0 {
            return Some("immutable");
        }
        if flags & FS_APPEND_FL != 0 {
            return Some("append-only");
        }
        None
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = dir;
        None
    }
}

/// Exchanges two directories in one step. `Ok(false)` where the platform
/// or file system cannot.
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: two valid NUL-terminated paths relative to the cwd.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Recreates `src` (without the entries `skip` names, at its top level) as
/// `dst`, each file hard-linked (copied where links are refused).
fn link_tree(src: &Path, dst: &Path, skip: &dyn Fn(&str) -> bool) -> Result<()> {
    match std::fs::create_dir(dst) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create `{}`", dst.display())),
    }
    for e in std::fs::read_dir(src).with_context(|| format!("cannot list `{}`", src.display()))? {
        let e = e.with_context(|| format!("cannot list `{}`", src.display()))?;
        let name = e.file_name();
        if skip(&name.to_string_lossy()) {
            continue;
        }
        let (from, to) = (e.path(), dst.join(&name));
        let t = e
            .file_type()
            .with_context(|| format!("cannot read `{}`", from.display()))?;
        if t.is_dir() {
            link_tree(&from, &to, &|_| false)?;
        } else if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).with_context(|| {
                format!("cannot copy `{}` to `{}`", from.display(), to.display())
            })?;
        }
    }
    Ok(())
}

// ------------------------------------------------------------- StagedDir

/// A temporary directory beside the target that becomes the target when
/// committed. Until then the target (and any earlier result in it) is
/// untouched; dropping an uncommitted `StagedDir` removes the temporary
/// directory.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    tmp: PathBuf,
    kind: OutputKind,
    /// Whether the target's files were linked in to be updated (charts):
    /// no `previous/` is kept then.
    update: bool,
    /// The lock that tells other runs this directory is in use.
    lock: Option<File>,
    committed: bool,
}

impl StagedDir {
    /// Checks that the target can be replaced and creates the temporary
    /// directory; fails early (before any simulation) when the target is
    /// not tcosim's or cannot be replaced.
    pub fn new(target: &Path, kind: OutputKind) -> Result<StagedDir> {
        StagedDir::start(target, kind, false)
    }

    /// For a command that changes some files of an existing output (`tcosim
    /// charts`): the temporary directory starts with every entry of the
    /// target but those `fresh` names (hard links, no copies), and replaces
    /// the target whole when committed.
    pub fn update(target: &Path, kind: OutputKind, fresh: &[&str]) -> Result<StagedDir> {
        if !target.is_dir() {
            bail!("`{}` is not a directory", target.display());
        }
        let staged = StagedDir::start(target, kind, true)?;
        let skip = |n: &str| fresh.contains(&n);
        link_tree(&staged.target, &staged.tmp, &skip)
            .with_context(|| format!("cannot stage `{}`", staged.target.display()))?;
        Ok(staged)
    }

    fn start(target: &Path, kind: OutputKind, update: bool) -> Result<StagedDir> {
        // `results/.` and `results/x/` name the same directories as
        // `results` and `results/x`: normalise before taking the name.
        let normalised: PathBuf = target.components().collect();
        let mut target = normalised;
        if update {
            // `tcosim charts .` names the directory by its real name.
            target = target
                .canonicalize()
                .with_context(|| format!("cannot resolve `{}`", target.display()))?;
        }
        if let Ok(m) = std::fs::symlink_metadata(&target)
            && m.file_type().is_symlink()
        {
            let to = std::fs::read_link(&target).unwrap_or_default();
            match std::fs::metadata(&target) {
                Ok(m) if m.is_dir() => {
                    // Replace the directory it points to, not the link.
                    target = target.canonicalize().with_context(|| {
                        format!("cannot resolve the link `{}`", target.display())
                    })?;
                }
                Ok(_) => bail!(
                    "the output path `{}` is a symbolic link to `{}`, which is not a directory; choose another --out",
                    target.display(),
                    to.display()
                ),
                Err(_) => bail!(
                    "the output path `{}` is a symbolic link to `{}`, which does not exist; create that directory, remove the link, or choose another --out",
                    target.display(),
                    to.display()
                ),
            }
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "..")
            .with_context(|| format!("the output directory `{}` has no usable name; give a path such as results/run1", target.display()))?;
        if target.exists() && !target.is_dir() {
            bail!(
                "the output path `{}` exists and is not a directory; choose another --out",
                target.display()
            );
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if update {
            match identify(&target) {
                Some((k, _)) if k == kind => {}
                _ => bail!(
                    "`{}` does not hold {} (no {})",
                    target.display(),
                    kind.what(),
                    if kind == OutputKind::Run {
                        "manifest.json"
                    } else {
                        MARKER
                    }
                ),
            }
            check_movable(&target, &parent, true)?;
        } else if target.is_dir() {
            kind.check_replaceable(&target)?;
            check_movable(&target, &parent, false)?;
        }
        std::fs::create_dir_all(&parent).with_context(|| {
            format!(
                "cannot create the directory `{}` for the results",
                parent.display()
            )
        })?;
        // Another run's reclaim must never see this directory unlocked:
        // both happen under the parent's lock.
        let parent_lock = lock_dir(&parent);
        reclaim(&parent, &name, Some(&target));
        if update && !target.is_dir() {
            bail!("`{}` is not a directory", target.display());
        }
        if !update && target.is_dir() {
            // Earlier results put back just now are checked like any.
            kind.check_replaceable(&target)?;
        }
        let tmp = beside(&target, &tmp_name(&name, std::process::id()));
        remove_any(&tmp);
        // Registered before it exists: a signal between its creation and
        // its registration would leave it for the next run to remove.
        register(&tmp);
        if let Err(e) = std::fs::create_dir(&tmp) {
            unregister(&tmp);
            return Err(e).with_context(|| {
                format!("cannot create `{}`; choose a writable --out", tmp.display())
            });
        }
        let lock = File::open(&tmp).ok().filter(|f| f.try_lock().is_ok());
        drop(parent_lock);
        Ok(StagedDir {
            target,
            tmp,
            kind,
            update,
            lock,
            committed: false,
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The final directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the finished results into place in one step, replacing an
    /// earlier result; a run replacing a run keeps it as `previous/`
    /// ([`previous_run`] finds it). Returns the target.
    pub fn commit(mut self) -> Result<PathBuf> {
        if self.kind != OutputKind::Run {
            self.write_marker()?;
        }
        let _parent = lock_dir(&beside(&self.tmp, "."));
        // A signal now waits for the replacement to finish.
        let _signals = live();
        let target = self.target.clone();
        let exists = match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => bail!(
                "`{}` is no longer a directory; the results are not moved there",
                target.display()
            ),
            Err(_) => false,
        };
        if !exists {
            std::fs::rename(&self.tmp, &target).with_context(|| {
                format!(
                    "cannot rename `{}` to `{}`",
                    self.tmp.display(),
                    target.display()
                )
            })?;
        } else {
            if !self.update {
                self.kind
                    .check_replaceable(&target)
                    .with_context(|| format!("`{}` changed while this ran", target.display()))?;
                if self.kind == OutputKind::Run
                    && matches!(identify(&target), Some((OutputKind::Run, _)))
                {
                    let keep = self.tmp.join(PREVIOUS);
                    link_tree(&target, &keep, &|n| n == PREVIOUS).with_context(|| {
                        format!(
                            "cannot keep the earlier results of `{}` as `{}`",
                            target.display(),
                            Path::new(&target).join(PREVIOUS).display()
                        )
                    })?;
                }
            }
            if !exchange(&self.tmp, &target).with_context(|| {
                format!(
                    "cannot exchange `{}` with `{}`",
                    self.tmp.display(),
                    target.display()
                )
            })? {
                // No exchange: two renames; a stop between them leaves the
                // earlier results in `.old`, which the next run puts back.
                let old = self.tmp.with_file_name(format!(
                    "{}.old",
                    self.tmp
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ));
                std::fs::rename(&target, &old).with_context(|| {
                    format!(
                        "cannot rename `{}` to `{}`",
                        target.display(),
                        old.display()
                    )
                })?;
                if let Err(e) = std::fs::rename(&self.tmp, &target) {
                    let _ = std::fs::rename(&old, &target);
                    return Err(e).with_context(|| {
                        format!(
                            "cannot rename `{}` to `{}`",
                            self.tmp.display(),
                            target.display()
                        )
                    });
                }
                std::fs::rename(&old, &self.tmp).ok();
            }
        }
        self.committed = true;
        COMMITTED.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(_signals);
        drop(_parent);
        // What is left at the temporary name now is the replaced directory.
        self.lock = None;
        if exists {
            remove_soon(self.tmp.clone());
        }
        unregister(&self.tmp);
        Ok(target)
    }

    /// Writes the marker of a non-run output: its kind and its files.
    fn write_marker(&self) -> Result<()> {
        let mut files: Vec<String> = list(&self.tmp)?
            .into_iter()
            .map(|(n, d)| if d { format!("{n}/") } else { n })
            .collect();
        files.push(MARKER.to_string());
        files.sort();
        let v = serde_json::json!({ "tcosim": self.kind.tag(), "files": files });
        let path = self.tmp.join(MARKER);
        std::fs::write(&path, format!("{v}\n"))
            .with_context(|| format!("cannot write `{}`", path.display()))
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            self.lock = None;
            remove_soon(self.tmp.clone());
            unregister(&self.tmp);
        }
    }
}

/// Writes a new file (never replacing one): into `.NAME.tmp-PID` first,
/// then linked into place, so it appears whole or not at all.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_file(path, bytes, false)
}

/// Writes a file that may replace one already there: into `.NAME.tmp-PID`
/// first, then renamed over it in one step, so readers see the old file or
/// the new one, whole. The caller decides whether the old one may go.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_file(path, bytes, true)
}

/// [`write_new_file`], or with `replace` [`replace_file`].
fn write_file(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| anyhow!("`{}` has no file name", path.display()))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the directory `{}`", parent.display()))?;
    let parent_lock = lock_dir(&parent);
    reclaim(&parent, &name, None);
    let tmp = beside(path, &tmp_name(&name, std::process::id()));
    remove_any(&tmp);
    register(&tmp);
    let result = (|| -> Result<()> {
        let mut f =
            File::create_new(&tmp).with_context(|| format!("cannot create `{}`", tmp.display()))?;
        let _ = f.try_lock();
        drop(parent_lock);
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write `{}`", tmp.display()))?;
        if replace {
            return std::fs::rename(&tmp, path).with_context(|| {
                format!("cannot rename `{}` to `{}`", tmp.display(), path.display())
            });
        }
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(e).with_context(|| format!("`{}` already exists", path.display()))
            }
            // No hard links here: a rename, which could replace a file
            // made since the check just before.
            Err(_) if !path.exists() => std::fs::rename(&tmp, path).with_context(|| {
                format!("cannot rename `{}` to `{}`", tmp.display(), path.display())
            }),
            Err(e) => Err(e).with_context(|| format!("`{}` already exists", path.display())),
        }
    })();
    remove_any(&tmp);
    unregister(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(parse_tmp(".res.tmp-42", "res"), Some((42, false)));
        assert_eq!(parse_tmp(".res.tmp-42.old", "res"), Some((42, true)));
        assert_eq!(parse_tmp(".res.tmp-", "res"), None);
        assert_eq!(parse_tmp(".res.tmp-4x", "res"), None);
        assert_eq!(parse_tmp(".res2.tmp-4", "res"), None);
        assert_eq!(parse_tmp(".res.tmp-4", "res2"), None);
        assert_eq!(parse_tmp(&tmp_name("a b", 7), "a b"), Some((7, false)));
    }

    #[test]
    fn mountinfo_escapes_are_undone() {
        assert_eq!(unescape_mount("/a\\040b"), "/a b");
        assert_eq!(unescape_mount("/plain"), "/plain");
        assert_eq!(unescape_mount("/end\\04"), "/end\\04");
    }
}
