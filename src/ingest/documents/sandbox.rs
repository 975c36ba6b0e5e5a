//! The parent's side of reading an attachment: run the child (`foi documents extract-one`)
//! in its own process group, with rlimits set between fork and exec (CPU seconds, address
//! space, file size, no core dumps), an empty environment but for `PATH`, and a watchdog
//! that kills the whole group at the wall-clock limit or when its output passes the bound.
//! Whatever the child does (hang, crash, print gigabytes), the answer is an
//! [`Extraction`], `failed` with the reason.
//!
//! The wire: one JSON object a line, each a [`TextUnit`], then one [`End`] line. No end
//! line means the child died.

use super::Limits;
use crate::domain::{DocumentState, Extraction, TextUnit};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// The last line the child writes.
#[derive(Debug, Serialize, Deserialize)]
pub struct End {
    pub state: DocumentState,
    pub reason: Option<String>,
    pub extractor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Line {
    Unit(TextUnit),
    End(End),
}

/// Write an extraction as the child's lines.
pub fn write_lines(x: &Extraction, out: &mut dyn Write) -> std::io::Result<()> {
    for u in &x.units {
        serde_json::to_writer(&mut *out, u)?;
        out.write_all(b"\n")?;
    }
    let end = End {
        state: x.state,
        reason: x.reason.clone(),
        extractor: x.extractor.clone(),
    };
    serde_json::to_writer(&mut *out, &end)?;
    out.write_all(b"\n")
}

/// Read the child's lines back (an error when they stop before the end line).
pub fn parse_lines(out: &[u8]) -> Result<Extraction, String> {
    let mut units = Vec::new();
    for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        match serde_json::from_slice::<Line>(line) {
            Ok(Line::Unit(u)) => units.push(u),
            Ok(Line::End(end)) => {
                return Ok(Extraction {
                    state: end.state,
                    reason: end.reason,
                    extractor: end.extractor,
                    units,
                })
            }
            Err(_) => return Err("the extractor wrote output that is not its JSON lines".into()),
        }
    }
    Err("the extractor stopped before it finished".into())
}

/// A command run under limits.
#[derive(Debug, Clone)]
pub struct Sandbox {
    program: PathBuf,
    args: Vec<OsString>,
    pub limits: Limits,
}

impl Sandbox {
    /// `exe documents extract-one` (`exe`: the `foi` binary).
    pub fn foi(exe: PathBuf, limits: Limits) -> Self {
        Self::command(exe, vec!["documents".into(), "extract-one".into()], limits)
    }

    /// Any command (tests run `sh` to hang, crash and flood).
    pub fn command(program: PathBuf, args: Vec<OsString>, limits: Limits) -> Self {
        Self {
            program,
            args,
            limits,
        }
    }

    /// The text of one file, read in the child. Blocking: call from a blocking thread.
    pub fn extract(&self, bytes: &[u8], name: &str, content_type: &str) -> Extraction {
        static N: AtomicU64 = AtomicU64::new(0);
        let work = std::env::temp_dir().join(format!(
            "foi-extract-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        if let Err(e) = std::fs::create_dir_all(&work) {
            return Extraction::failed(format!("cannot make the folder {}: {e}", work.display()));
        }
        let args: Vec<OsString> = vec![
            "--work".into(),
            work.clone().into(),
            "--name".into(),
            name.into(),
            "--content-type".into(),
            content_type.into(),
        ];
        let result = self.run(&args, bytes);
        let _ = std::fs::remove_dir_all(&work);
        match result {
            Ok(out) => parse_lines(&out).unwrap_or_else(Extraction::failed),
            Err(e) => Extraction::failed(e),
        }
    }

    /// Run the command with `input` on stdin: its stdout, or why it failed (a non-zero
    /// exit, a signal, the wall-clock limit, too much output).
    pub fn run(&self, extra: &[OsString], input: &[u8]) -> Result<Vec<u8>, String> {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .args(extra)
            .env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(t) = std::env::var_os("TESSDATA_PREFIX") {
            cmd.env("TESSDATA_PREFIX", t);
        }
        limit(&mut cmd, &self.limits);
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start the extractor {}: {e}", self.program.display()))?;
        let pid = child.id();
        let (done, watch) = mpsc::channel::<()>();
        let wall = self.limits.wall;
        let watchdog = std::thread::spawn(move || {
            let timed_out = matches!(
                watch.recv_timeout(wall),
                Err(mpsc::RecvTimeoutError::Timeout)
            );
            if timed_out {
                kill_group(pid);
            }
            timed_out
        });
        let mut stdin = child.stdin.take();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            if let Some(s) = stdin.as_mut() {
                // (a child that stops reading early is not an error here)
                let _ = s.write_all(&input);
            }
        });
        let mut stderr = child.stderr.take();
        let errors = std::thread::spawn(move || {
            let mut e = Vec::new();
            if let Some(s) = stderr.as_mut() {
                let _ = s.take(2048).read_to_end(&mut e);
                let _ = std::io::copy(s, &mut std::io::sink());
            }
            e
        });
        let mut out = Vec::new();
        let max = self.limits.max_output;
        let overflow = match child.stdout.take() {
            Some(s) => {
                let _ = s.take(max as u64 + 1).read_to_end(&mut out);
                out.len() > max
            }
            None => false,
        };
        if overflow {
            kill_group(pid);
        }
        let status = child.wait();
        // (tools the child started and left behind go with it)
        kill_group(pid);
        let _ = done.send(());
        let timed_out = watchdog.join().unwrap_or(false);
        let _ = writer.join();
        let errors = errors.join().unwrap_or_default();
        if timed_out {
            return Err(format!(
                "timed out after {} s and was killed",
                wall.as_secs()
            ));
        }
        if overflow {
            return Err(format!(
                "its output passed {} MB and it was killed",
                max >> 20
            ));
        }
        let status = status.map_err(|e| format!("the extractor failed: {e}"))?;
        if status.success() {
            return Ok(out);
        }
        Err(failure_text(status, &errors, &self.limits))
    }
}

/// Why an extractor that exited with `status` failed, with the first line it wrote to
/// stderr (`errors`), cleaned of control characters and cut to 200 characters.
fn failure_text(status: std::process::ExitStatus, errors: &[u8], limits: &Limits) -> String {
    let said = String::from_utf8_lossy(errors);
    let said: String = said
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    match (status.code(), said.is_empty()) {
        (Some(code), true) => format!("the extractor exited with status {code}"),
        (Some(code), false) => format!("the extractor exited with status {code}: {said}"),
        (None, _) => format!("the extractor crashed ({})", crash_text(&status, limits)),
    }
}

#[cfg(unix)]
fn crash_text(status: &std::process::ExitStatus, limits: &Limits) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(6) => format!(
            "signal 6: out of memory at {} MB, or a fault",
            limits.memory_bytes >> 20
        ),
        Some(9) => "signal 9: killed".into(),
        Some(11) => "signal 11: a segmentation fault".into(),
        Some(24) => format!("signal 24: over {} s of CPU time", limits.cpu_secs),
        Some(25) => format!(
            "signal 25: wrote a file over {} MB",
            limits.file_bytes >> 20
        ),
        Some(s) => format!("signal {s}"),
        None => "no exit status".into(),
    }
}

#[cfg(not(unix))]
fn crash_text(_: &std::process::ExitStatus, _: &Limits) -> String {
    "no exit status".into()
}

/// Its own process group (so the watchdog kills its tools too) and rlimits, set in the
/// child between fork and exec.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit(cmd: &mut Command, limits: &Limits) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    // (resource, soft, hard): past the soft CPU limit comes SIGXCPU, which says why
    let set = [
        (libc::RLIMIT_CPU, limits.cpu_secs, limits.cpu_secs + 1),
        (libc::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        (libc::RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
        (libc::RLIMIT_CORE, 0, 0),
    ];
    // SAFETY: the closure runs in the forked child before exec and only calls
    // setrlimit, which is async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            for (resource, soft, hard) in set {
                let l = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                if libc::setrlimit(resource, &l) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit(cmd: &mut Command, _: &Limits) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
}

/// SIGKILL to the child's process group (the child and every tool it started).
fn kill_group(pid: u32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is
        // touched. The group is the child's own (process_group(0)), never ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = pid;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sh(script: &str, limits: Limits) -> Sandbox {
        Sandbox::command(
            "sh".into(),
            vec!["-c".into(), script.into(), "sh".into()],
            limits,
        )
    }

    fn quick() -> Limits {
        Limits {
            wall: Duration::from_secs(2),
            max_output: 1 << 20,
            ..Limits::default()
        }
    }

    #[test]
    fn lines_round_trip() {
        let x = Extraction::read(
            "pdftotext",
            vec![TextUnit {
                locator: "page 1".into(),
                text: "a\n\"b\"".into(),
            }],
        );
        let mut out = Vec::new();
        write_lines(&x, &mut out).unwrap();
        assert_eq!(parse_lines(&out).unwrap(), x);
        // (the unit's line without the end line)
        let cut = &out[..out.iter().position(|&b| b == b'\n').unwrap() + 1];
        assert!(parse_lines(cut).unwrap_err().contains("stopped"));
    }

    #[test]
    fn a_hang_is_killed_at_the_wall_clock_limit_with_its_children() {
        let started = std::time::Instant::now();
        let x = sh("sleep 30 & sleep 30", quick()).extract(b"x", "a.pdf", "application/pdf");
        assert_eq!(x.state, DocumentState::Failed);
        assert!(
            x.reason.as_deref().unwrap().contains("timed out after 2 s"),
            "{x:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_flood_is_cut_and_a_crash_is_a_reason() {
        let x = sh("yes 'aaaaaaaaaaaaaaaa'", quick()).extract(b"", "a", "text/plain");
        assert!(
            x.reason.as_deref().unwrap().contains("output passed 1 MB"),
            "{x:?}"
        );
        let x = sh("kill -SEGV $$", quick()).extract(b"", "a", "text/plain");
        assert!(
            x.reason.as_deref().unwrap().contains("segmentation fault"),
            "{x:?}"
        );
        let x = sh("cat >/dev/null; echo nonsense", quick()).extract(b"abc", "a", "text/plain");
        assert!(
            x.reason.as_deref().unwrap().contains("not its JSON lines"),
            "{x:?}"
        );
    }

    #[test]
    fn the_cpu_limit_holds() {
        let limits = Limits {
            cpu_secs: 1,
            wall: Duration::from_secs(30),
            ..quick()
        };
        let x = sh("while :; do :; done", limits).extract(b"", "a", "text/plain");
        assert_eq!(x.state, DocumentState::Failed);
        assert!(x.reason.as_deref().unwrap().contains("CPU"), "{x:?}");
    }
}
