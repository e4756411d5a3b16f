//! Interop against an encoder nobody here wrote: the official generated
//! Python bindings (PyPI a6pluginprotos 0.2.1) play APISIX against the real
//! runner (issue 2, item 8). `scripts/setup-test-env.sh` installs them; the
//! test fails, never skips, when they are missing.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{Runner, RunnerOptions};

#[test]
fn official_python_bindings_drive_the_runner() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".runtime/venv/bin/python");
    assert!(
        python.exists(),
        "{} missing: run scripts/setup-test-env.sh (the README's test command does)",
        python.display()
    );
    let runner = Runner::start_with(RunnerOptions {
        config: "[server]\nfetch_vars = [\"remote_addr\"]\n[policy]\nmax_body_bytes = 4096\n\
                 [policies.watch]\nmode = \"shadow\"\n"
            .into(),
        ..RunnerOptions::default()
    });
    let output = Command::new(python)
        .arg(root.join("tests/interop/apisix_peer.py"))
        .arg(&runner.socket)
        .output()
        .expect("run the Python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python peer failed:\n{stdout}\n{stderr}\nrunner:\n{}",
        runner.logs()
    );
    assert!(stdout.contains("4 passed, 0 failed"), "{stdout}");
}
