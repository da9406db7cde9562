//! How much memory a run may use before it is refused.
//!
//! A run's memory grows with trials x strategies, so a big run is checked
//! against what the process can actually get before it starts. That is the
//! least of:
//!
//! - on Linux, the memory the kernel reports available (`MemAvailable` in
//!   `/proc/meminfo`);
//! - on Linux, the room left under every control-group limit above the
//!   process: cgroup v2 `memory.max` or cgroup v1 `memory.limit_in_bytes`,
//!   less what the group already uses (`memory.current` /
//!   `memory.usage_in_bytes`) net of its reclaimable inactive file cache
//!   (`inactive_file` in `memory.stat`, as the kubelet counts a working set).
//!   This is where the limit of a container lives (the 8 GiB of a Kubernetes
//!   pod, `docker run --memory`), which `/proc/meminfo` does not show;
//! - on macOS, the physical memory (`hw.memsize`): macOS reports no
//!   "available" figure that counts its compressed and cached pages fairly,
//!   so the total is the best honest bound;
//! - on Windows, the available physical memory (`GlobalMemoryStatusEx`'s
//!   `ullAvailPhys`), and the job object's limit is not read.
//!
//! Elsewhere, or when nothing can be read, there is no check.
//!
//! The Linux reader is plain file parsing: it is compiled, and unit-tested
//! on fixture directories, on every platform, and used only on Linux.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use std::path::{Path, PathBuf};

/// What limits a run's memory: the bytes it may use and where that figure
/// comes from (shown in the message that refuses a run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headroom {
    /// Bytes the process may still use.
    pub bytes: u64,
    /// Where the figure comes from, in words.
    pub source: String,
}

/// The memory this process may use, if the system says.
pub fn available() -> Option<Headroom> {
    #[cfg(target_os = "linux")]
    {
        linux_under(Path::new("/"))
    }
    #[cfg(target_os = "macos")]
    {
        macos()
    }
    #[cfg(windows)]
    {
        windows()
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    {
        None
    }
}

/// The least of `MemAvailable` and every cgroup limit's room, with files read
/// under `root` (`/` in use; a fixture directory in tests).
fn linux_under(root: &Path) -> Option<Headroom> {
    let mut best = meminfo_available(root).map(|bytes| Headroom {
        bytes,
        source: "memory available on this machine, from /proc/meminfo".to_string(),
    });
    let own = std::fs::read_to_string(root.join("proc/self/cgroup")).unwrap_or_default();
    for room in cgroup_rooms(root, &own) {
        if best.as_ref().is_none_or(|b| room.bytes < b.bytes) {
            best = Some(room);
        }
    }
    best
}

fn meminfo_available(root: &Path) -> Option<u64> {
    let info = std::fs::read_to_string(root.join("proc/meminfo")).ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// The room under each memory limit of the control groups named in
/// `/proc/self/cgroup` (`own`), from the process's group up to the root of the
/// mounted hierarchy (a limit set on a parent binds its children too).
fn cgroup_rooms(root: &Path, own: &str) -> Vec<Headroom> {
    let mut rooms = Vec::new();
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let v2 = id == "0" && controllers.is_empty();
        let v1 = controllers.split(',').any(|c| c == "memory");
        if !v1 && !v2 {
            continue;
        }
        let bases: &[&str] = if v2 {
            &["sys/fs/cgroup", "sys/fs/cgroup/unified"]
        } else {
            &["sys/fs/cgroup/memory", "sys/fs/cgroup/memory,cpuacct"]
        };
        for base in bases {
            let base = root.join(base);
            if !base.is_dir() {
                continue;
            }
            for dir in group_and_parents(&base, path) {
                let room = if v2 { room_v2(&dir) } else { room_v1(&dir) };
                if let Some(bytes) = room {
                    rooms.push(Headroom {
                        bytes,
                        source: format!(
                            "room left under the control group's memory limit in {}",
                            dir.join(if v2 {
                                "memory.max"
                            } else {
                                "memory.limit_in_bytes"
                            })
                            .strip_prefix(root)
                            .map(|p| Path::new("/").join(p))
                            .unwrap_or_else(|_| dir.clone())
                            .display()
                        ),
                    });
                }
            }
            break;
        }
    }
    rooms
}

/// The group's directory under `base` and each parent up to `base`. Inside a
/// container the path may name a group of the host that is not mounted: then
/// `base` (the container's own group) is all there is.
fn group_and_parents(base: &Path, path: &str) -> Vec<PathBuf> {
    let rel = path.trim_start_matches('/');
    let mut dir = base.join(rel);
    if rel.split('/').any(|c| c == "..") || !dir.is_dir() {
        dir = base.to_path_buf();
    }
    let mut dirs = vec![dir.clone()];
    while dir != base {
        if !dir.pop() {
            break;
        }
        dirs.push(dir.clone());
    }
    dirs
}

/// Any limit at or above this is "no limit" (cgroup v1 writes
/// 9223372036854771712, a page-rounded `i64::MAX`).
const UNLIMITED: u64 = 1 << 60;

fn read_u64(path: PathBuf) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn stat_field(dir: &Path, key: &str) -> u64 {
    std::fs::read_to_string(dir.join("memory.stat"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                let (k, v) = l.split_once(' ')?;
                (k == key).then(|| v.trim().parse().ok())?
            })
        })
        .unwrap_or(0)
}

fn room(limit: u64, usage: u64, reclaimable: u64) -> Option<u64> {
    (limit < UNLIMITED).then(|| limit.saturating_sub(usage.saturating_sub(reclaimable)))
}

fn room_v2(dir: &Path) -> Option<u64> {
    // "max" (no limit) does not parse as a number.
    let limit = read_u64(dir.join("memory.max"))?;
    let usage = read_u64(dir.join("memory.current")).unwrap_or(0);
    room(limit, usage, stat_field(dir, "inactive_file"))
}

fn room_v1(dir: &Path) -> Option<u64> {
    let limit = read_u64(dir.join("memory.limit_in_bytes"))?;
    let usage = read_u64(dir.join("memory.usage_in_bytes")).unwrap_or(0);
    room(limit, usage, stat_field(dir, "total_inactive_file"))
}

#[cfg(target_os = "macos")]
fn macos() -> Option<Headroom> {
    let mut bytes: u64 = 0;
    let mut len = std::mem::size_of::<u64>();
    // SAFETY: the name is a NUL-terminated C string, `bytes` is a writable
    // u64 and `len` holds its size, as sysctlbyname requires.
    let rc = unsafe {
        libc::sysctlbyname(
            c"hw.memsize".as_ptr(),
            (&mut bytes as *mut u64).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    (rc == 0 && len == std::mem::size_of::<u64>() && bytes > 0).then(|| Headroom {
        bytes,
        source: "physical memory of this machine, from hw.memsize".to_string(),
    })
}

#[cfg(windows)]
fn windows() -> Option<Headroom> {
    use windows_sys::Win32::System::SystemInformation::{GlobalMemoryStatusEx, MEMORYSTATUSEX};
    // SAFETY: MEMORYSTATUSEX is plain data; dwLength is set as the call
    // requires before it fills the rest.
    let mut status: MEMORYSTATUSEX = unsafe { std::mem::zeroed() };
    status.dwLength = std::mem::size_of::<MEMORYSTATUSEX>() as u32;
    let ok = unsafe { GlobalMemoryStatusEx(&mut status) };
    (ok != 0 && status.ullAvailPhys > 0).then(|| Headroom {
        bytes: status.ullAvailPhys,
        source: "physical memory available on this machine, from GlobalMemoryStatusEx".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        fs::write(p, text).expect("write");
    }

    const MEMINFO: &str = "MemTotal: 32000000 kB\nMemFree: 1000 kB\nMemAvailable: 20000000 kB\n";

    #[test]
    fn without_a_limit_the_machine_decides() {
        let t = tempfile::tempdir().expect("tmp");
        write(t.path(), "proc/meminfo", MEMINFO);
        write(t.path(), "proc/self/cgroup", "0::/user.slice\n");
        write(t.path(), "sys/fs/cgroup/user.slice/memory.max", "max\n");
        let h = linux_under(t.path()).expect("a figure");
        assert_eq!(h.bytes, 20_000_000 * 1024);
        assert!(h.source.contains("/proc/meminfo"), "{}", h.source);
    }

    #[test]
    fn a_cgroup_v2_limit_binds_net_of_inactive_file_cache() {
        let t = tempfile::tempdir().expect("tmp");
        write(t.path(), "proc/meminfo", MEMINFO);
        write(t.path(), "proc/self/cgroup", "0::/kubepods/pod1/c1\n");
        let g = "sys/fs/cgroup/kubepods/pod1/c1";
        write(t.path(), &format!("{g}/memory.max"), "max\n");
        // The pod's limit, one level up: 8 GiB, 3 GiB used of which 1 GiB is
        // inactive file cache -> 6 GiB of room.
        let p = "sys/fs/cgroup/kubepods/pod1";
        write(t.path(), &format!("{p}/memory.max"), "8589934592\n");
        write(t.path(), &format!("{p}/memory.current"), "3221225472\n");
        write(
            t.path(),
            &format!("{p}/memory.stat"),
            "anon 2147483648\ninactive_file 1073741824\nactive_file 0\n",
        );
        let h = linux_under(t.path()).expect("a figure");
        assert_eq!(h.bytes, 6 << 30);
        assert!(
            h.source.contains("/sys/fs/cgroup/kubepods/pod1/memory.max"),
            "{}",
            h.source
        );
    }

    #[test]
    fn a_cgroup_v1_limit_binds_and_its_unlimited_value_does_not() {
        let t = tempfile::tempdir().expect("tmp");
        write(t.path(), "proc/meminfo", MEMINFO);
        write(
            t.path(),
            "proc/self/cgroup",
            "5:cpu:/\n4:memory:/docker/abc\n0::/\n",
        );
        let g = "sys/fs/cgroup/memory/docker/abc";
        write(
            t.path(),
            &format!("{g}/memory.limit_in_bytes"),
            "2147483648\n",
        );
        write(
            t.path(),
            &format!("{g}/memory.usage_in_bytes"),
            "1073741824\n",
        );
        write(
            t.path(),
            "sys/fs/cgroup/memory/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        let h = linux_under(t.path()).expect("a figure");
        assert_eq!(h.bytes, 1 << 30);
        assert!(h.source.contains("memory.limit_in_bytes"), "{}", h.source);
    }

    #[test]
    fn a_host_path_not_mounted_in_the_container_reads_the_containers_own_group() {
        let t = tempfile::tempdir().expect("tmp");
        write(t.path(), "proc/self/cgroup", "0::/../../host/slice\n");
        write(t.path(), "sys/fs/cgroup/memory.max", "1073741824\n");
        write(t.path(), "sys/fs/cgroup/memory.current", "0\n");
        let h = linux_under(t.path()).expect("a figure");
        assert_eq!(h.bytes, 1 << 30);
    }

    #[test]
    fn nothing_readable_means_no_check_and_garbage_is_ignored() {
        let t = tempfile::tempdir().expect("tmp");
        assert_eq!(linux_under(t.path()), None);
        write(t.path(), "proc/meminfo", "MemAvailable: lots kB\n");
        write(t.path(), "proc/self/cgroup", "garbage\n0::\n::::\n");
        write(t.path(), "sys/fs/cgroup/memory.max", "-5\n");
        assert_eq!(linux_under(t.path()), None);
    }

    #[test]
    fn usage_above_the_limit_leaves_no_room() {
        assert_eq!(room(100, 150, 0), Some(0));
        assert_eq!(room(100, 150, 100), Some(50));
        assert_eq!(room(UNLIMITED, 0, 0), None);
    }
}
