//! The `ai-promptgate` APISIX plugin (`apisix/plugins/ai-promptgate.lua`) under
//! Debian's LuaJIT with the stubs of `tests/lua/stub.lua`: its unit tests (framing,
//! schema, every verdict against a scripted peer over a real Unix socket, the runner
//! down with fail-open and fail-closed, the request mode's codec and runner-down paths),
//! then the plugin against the real runner (streamed answers, and the request mode:
//! stop, redact, continue, shadow, oversize, bad conf).
//!
//! These tests fail, never skip, when `luajit` (or lua-cjson, lua-socket) is missing:
//! CI installs them with `scripts/setup-system.sh`. Real APISIX is not involved; see
//! apisix/README.md, "Streamed answers", for what that leaves unverified.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{Runner, RunnerOptions};

const EMAIL: &str = "maria.lopez@example.org";

/// Answers inspected with the defaults plus the canary of tests/lua/integration.lua.
const CONFIG: &str = "[policy.response]\nenabled = true\ncanaries = [\"PG-CANARY-5d2e9a71\"]\n";

/// Runs `luajit tests/lua/run.lua <args>` from the checkout.
fn luajit(args: &[&OsStr]) -> Output {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new("luajit")
        .arg(repo.join("tests/lua/run.lua"))
        .args(args)
        .current_dir(repo)
        // The plugin's last-resort socket; the tests set it themselves.
        .env_remove("APISIX_LISTEN_ADDRESS")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run luajit ({e}): the Lua plugin tests need Debian's luajit, \
                 lua-cjson and lua-socket (scripts/setup-system.sh installs them as root)"
            )
        })
}

/// Asserts the Lua suite passed and ran at least `min_tests` tests.
fn assert_passed(output: &Output, min_tests: usize, context: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Lua tests failed:\n{stdout}\n{stderr}\n{context}"
    );
    let summary = stdout
        .lines()
        .rev()
        .find(|l| l.ends_with(" failed"))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}\n{stderr}"));
    let ran: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad summary line {summary:?}"));
    assert!(
        ran >= min_tests && summary.ends_with(", 0 failed"),
        "{summary}\n{stdout}"
    );
}

#[test]
fn lua_plugin_unit_tests_pass_under_luajit() {
    let output = luajit(&[]);
    assert_passed(&output, 29, "");
}

#[test]
fn lua_plugin_redacts_and_stops_streams_against_the_real_runner() {
    let runner = Runner::start_with(RunnerOptions {
        config: CONFIG.to_owned(),
        env: vec![("PROMPTGATE_POLICY_L2_ENABLED".into(), "false".into())],
        ..RunnerOptions::default()
    });
    let output = luajit(&[runner.socket.as_os_str()]);
    let logs = runner.logs();
    assert_passed(&output, 16, &format!("runner log:\n{logs}"));
    assert!(
        !logs.contains(EMAIL) && !logs.contains("maria.lo"),
        "the runner never logs answer text"
    );
}
