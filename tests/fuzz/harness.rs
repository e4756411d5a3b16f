//! The harness checks itself: every target has seeds, the corpus folder holds
//! nothing but target folders, CI runs the targets on stable, and the command
//! a property prints to repeat its run names its test.

use crate::support;

/// Every target module's `TARGET`; a new target is added here too.
const TARGETS: &[&str] = &[
    crate::frame::TARGET,
    crate::extra_info::TARGET,
    crate::json::TARGET,
    crate::stream::TARGET,
];

#[test]
fn every_target_has_seeds_and_every_corpus_folder_a_target() {
    for target in TARGETS {
        assert!(!support::corpus(target).is_empty());
    }
    let root = support::corpus_dir("");
    for entry in std::fs::read_dir(&root).expect("tests/fuzz/corpus") {
        let name = entry.expect("corpus entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.contains(&name.as_ref()),
            "tests/fuzz/corpus/{name} belongs to no target (add it to harness::TARGETS)"
        );
    }
}

/// CI must run this harness on the stable toolchain, unconditionally and
/// bounded: before, its only fuzz step was the nightly cargo-fuzz run, which
/// skips (exit 0) without nightly and cargo-fuzz.
#[test]
fn ci_runs_the_stable_fuzz_targets() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    // Commands, with `\`-continued lines joined.
    let joined = ci.replace("\\\n", " ");
    let commands: Vec<&str> = joined
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let run = commands
        .iter()
        .position(|l| {
            l.contains("cargo test") && l.contains("--test fuzz") && !l.contains("--no-run")
        })
        .unwrap_or_else(|| panic!(".ci/run never runs `cargo test --test fuzz`:\n{ci}"));
    let command = commands[run];
    assert!(
        !command.contains("+nightly"),
        "the stable harness must not need nightly: {command}"
    );
    assert!(
        command.contains(support::SECS_ENV) && command.contains("timeout "),
        "the CI fuzz run must be bounded: a per-property budget ({}) and an outer timeout: {command}",
        support::SECS_ENV
    );
    assert!(
        command.contains(&format!("{}=", support::SEED_ENV))
            && command.contains("scripts/fuzz-seed.sh"),
        "the CI fuzz run must take the commit's seed (scripts/fuzz-seed.sh), so a failure \
         repeats and the run can be made before landing: {command}"
    );
    // Not inside a conditional or after an early exit.
    let mut depth = 0i32;
    for line in &commands[..run] {
        assert!(
            !line.starts_with("exit"),
            ".ci/run exits before the fuzz step"
        );
        if line.starts_with("if ") || line.starts_with("for ") || line.starts_with("while ") {
            depth += 1;
        }
        if line.starts_with("fi") || line.starts_with("done") {
            depth -= 1;
        }
    }
    assert_eq!(
        depth, 0,
        "the stable fuzz step sits inside a conditional or loop"
    );
}

/// `scripts/fuzz-seed.sh` gives one whole number per commit: the seed the
/// harness reads, the same every time on the same checkout.
#[test]
fn the_ci_seed_is_the_commits() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = || {
        let out = std::process::Command::new("bash")
            .arg(root.join("scripts/fuzz-seed.sh"))
            .output()
            .expect("run scripts/fuzz-seed.sh");
        assert!(out.status.success(), "fuzz-seed.sh failed: {out:?}");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        text.trim()
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("not a seed the harness reads: {text:?}"))
    };
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok());
    let first = seed();
    // Outside a git checkout the seed is random: nothing more to compare.
    if let Some(head) = head {
        let expected = u64::from_str_radix(&head[..15], 16).expect("a commit hash");
        assert_eq!(first, expected, "the seed is not the commit's ({head})");
        assert_eq!(first, seed(), "the seed changed on one checkout");
    }
}

/// The command a property prints to repeat its run names the test exactly
/// (`--exact` takes the whole path), for a property in any module.
#[test]
fn the_repeat_command_names_the_running_test() {
    assert_eq!(
        support::test_path("the_repeat_command_names_the_running_test"),
        "harness::the_repeat_command_names_the_running_test"
    );
}

/// `cargo test --test fuzz -- --ignored write_seeds` (re)writes every target's
/// generated seeds as `tests/fuzz/corpus/<target>/gen-*`.
#[test]
#[ignore = "writes into the source tree; run by hand after changing a seed generator"]
fn write_seeds() {
    support::write_seeds(crate::frame::TARGET, &crate::frame::seeds());
    support::write_seeds(crate::extra_info::TARGET, &crate::extra_info::seeds());
    support::write_seeds(crate::json::TARGET, &crate::json::seeds());
    support::write_seeds(crate::stream::TARGET, &crate::stream::seeds());
}
