//! The two in-process runners every case talks to (body only; variables
//! asked before the body), and the watch around each case: a hang detector,
//! runner panics recorded, a fresh connection served afterwards.

use std::sync::LazyLock;
use std::time::Duration;

use proptest::prelude::*;

use crate::support::runner::{InProcessRunner, take_panics};

use super::apisix::Apisix;
use super::case::Case;
use super::conversation::run_case;

/// Hang detector: no case comes near it (a case takes milliseconds); hitting
/// it means the runner stopped answering.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// L2 is off (no model in tests); a named policy refuses compressed bodies.
const CONFIG: &str = "[policy.l2]\nenabled = false\n\
                      [policies.refuse]\ncompressed_bodies = \"refuse\"\n";

/// Variables the second runner asks for before the body.
pub(super) const VARS: usize = 2;

/// The same, and the runner also asks for [`VARS`] variables before the body.
const CONFIG_VARS: &str = "[server]\nfetch_vars = [\"consumer_name\", \"route_id\"]\n\
                           [policy.l2]\nenabled = false\n\
                           [policies.refuse]\ncompressed_bodies = \"refuse\"\n";

static RUNNER: LazyLock<InProcessRunner> = LazyLock::new(|| InProcessRunner::start(CONFIG));
static RUNNER_VARS: LazyLock<InProcessRunner> =
    LazyLock::new(|| InProcessRunner::start(CONFIG_VARS));

pub(super) fn runner(vars: bool) -> &'static InProcessRunner {
    if vars { &RUNNER_VARS } else { &RUNNER }
}

/// Runs one case.
pub(super) fn check(case: &Case) -> Result<(), TestCaseError> {
    watch(runner(case.vars), run_case(case))
}

/// Runs `work` against `runner` under the hang detector, then checks that no
/// runner thread panicked and that a fresh connection is served.
pub(super) fn watch(
    runner: &InProcessRunner,
    work: impl Future<Output = Result<(), String>>,
) -> Result<(), TestCaseError> {
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let outcome = client.block_on(async {
        let outcome = tokio::time::timeout(CASE_TIMEOUT, work)
            .await
            .unwrap_or_else(|_| Err(format!("runner hung: no progress in {CASE_TIMEOUT:?}")));
        let alive = tokio::time::timeout(CASE_TIMEOUT, async {
            Apisix::connect(runner)
                .await?
                .prepare_conf(Some("{}"))
                .await
        })
        .await
        .unwrap_or_else(|_| Err("runner hung on a fresh connection".to_owned()));
        outcome.and(
            alive
                .map(|_| ())
                .map_err(|e| format!("runner not serving after the case: {e}")),
        )
    });
    let panics = take_panics();
    prop_assert!(
        panics.is_empty(),
        "runner panicked:\n{}",
        panics.join("\n---\n")
    );
    outcome.map_err(TestCaseError::fail)
}

/// Starts both runners (compiling their rules takes seconds in a debug build)
/// before a property's time budget starts.
pub(super) fn start_runners() {
    LazyLock::force(&RUNNER);
    LazyLock::force(&RUNNER_VARS);
}
