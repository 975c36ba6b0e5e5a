//! The shared test harness: a fresh working folder (its own SQLite file) per test, the real
//! `foi` binary driven through assert_cmd, and (in `mail`) real Postfix and Dovecot.
#![allow(dead_code)]

pub mod mail;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A fixed "now" for every command: Monday 2 March 2026, 10:00 in London.
pub const NOW: &str = "2026-03-02T10:00:00Z";

/// A working folder made by `foi init`, removed when the test ends.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    /// `foi init` in a new temporary folder.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let w = Self { dir };
        w.foi(["init", "--dir", w.path().to_str().unwrap()])
            .assert()
            .success();
        w
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("foi.toml")
    }

    /// The `foi` binary, run in the working folder with its config and the fixed clock.
    pub fn foi<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_foi"));
        cmd.current_dir(self.path())
            .env("FOI_CONFIG", self.config())
            .env("FOI_NOW", NOW)
            .env_remove("RUST_LOG")
            .args(args);
        cmd
    }

    /// Start `foi` in the background (for `run`, or a run to interrupt), with the working
    /// folder's config, `FOI_NOW` fixed unless `envs` overrides it, and stdout discarded.
    /// `stderr_piped` keeps stderr for the test to read.
    pub fn spawn(
        &self,
        args: &[&str],
        envs: &[(&str, &str)],
        stderr_piped: bool,
    ) -> std::process::Child {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_foi"));
        cmd.current_dir(self.path())
            .env("FOI_CONFIG", self.config())
            .env("FOI_NOW", NOW)
            .env_remove("RUST_LOG")
            .envs(envs.iter().copied())
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(if stderr_piped {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            });
        cmd.spawn().expect("start foi")
    }

    /// Run a command that must succeed; return its stdout.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out = self.foi(args).output().expect("run foi");
        assert!(
            out.status.success(),
            "foi failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Run a command that must fail; return its stderr.
    pub fn fails<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out = self.foi(args).output().expect("run foi");
        assert!(
            !out.status.success(),
            "foi succeeded but should have failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Run and parse `--json` output.
    pub fn json<I, S>(&self, args: I) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        serde_json::from_str(&self.ok(args)).expect("json output")
    }

    /// Write a file into the working folder.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Everything the database holds that a user can see, to prove a failed command
    /// changed nothing.
    pub fn snapshot(&self) -> String {
        [
            self.ok(["bodies", "list", "--json"]),
            self.ok(["campaign", "list", "--json"]),
            self.ok(["cases", "list", "--json"]),
        ]
        .join("\n")
    }

    /// Replace (or add) one `[section]` of foi.toml.
    pub fn set_section(&self, name: &str, body: &str) {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with('[') {
                skipping = t == format!("[{name}]");
            }
            if !skipping {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str(&format!("\n[{name}]\n{body}\n"));
        std::fs::write(self.config(), out).unwrap();
    }

    /// A dashboard user (cases are assigned to users), with a throwaway password.
    pub fn add_user(&self, name: &str, role: &str) {
        self.foi(["users", "add", name, "--role", role, "--password-stdin"])
            .write_stdin("a long enough password\n")
            .assert()
            .success();
    }

    /// Import the example directory (52 bodies).
    pub fn import_examples(&self) {
        self.ok(["bodies", "import", &repo_path("examples/bodies.csv")]);
    }

    /// A campaign folder with the given body template and a plain subject.
    pub fn campaign_dir(&self, name: &str, body: &str) -> String {
        self.write(&format!("{name}/subject.hbs"), "FOI request about CCTV");
        self.write(&format!("{name}/body.txt.hbs"), body);
        self.path().join(name).to_string_lossy().into_owned()
    }

    /// `foi campaign create c` from the example template (`examples/cctv-campaign`, which
    /// declares four questions) for the bodies `select` picks, references `PREFIX-0001`...
    /// The campaign stays a draft.
    pub fn create_example_campaign(&self, select: &str, prefix: &str) {
        self.create_campaign(&repo_path("examples/cctv-campaign"), select, prefix);
    }

    /// `foi campaign create c` from the campaign folder `template` for the bodies `select`
    /// picks, references `PREFIX-0001`... The campaign stays a draft.
    pub fn create_campaign(&self, template: &str, select: &str, prefix: &str) {
        self.ok([
            "campaign",
            "create",
            "c",
            "--template",
            template,
            "--select",
            select,
            "--reference-prefix",
            prefix,
        ]);
    }

    /// [`Workdir::create_example_campaign`], then `foi campaign launch c` (queued, not sent).
    pub fn launch_example_campaign(&self, select: &str, prefix: &str) {
        self.create_example_campaign(select, prefix);
        self.ok(["campaign", "launch", "c"]);
    }
}

/// The example bodies and the example campaign to the 7 example police forces
/// (`POL-0001`...), launched and sent as .eml files (date of receipt Mon 2026-03-02).
pub fn sent_campaign() -> Workdir {
    let w = Workdir::new();
    w.import_examples();
    w.launch_example_campaign("tag:police", "POL");
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    w
}

/// A path inside the repository.
pub fn repo_path(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .to_string_lossy()
        .into_owned()
}
