//! What triggers a reload: SIGHUP, or a change of the configuration file or of
//! any watched rule file or directory. Only notices; building and swapping the
//! new configuration is the runtime's job (`runtime::Reloader`).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use tokio::signal::unix::Signal;

/// How often watched files are checked for changes.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// How long a change must hold still before it is loaded (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Waits for reload triggers: SIGHUP and changes of the watched paths.
///
/// Exists so that noticing a change (files, signals, debouncing) is apart from
/// what a reload does with it.
#[derive(Debug)]
pub struct Watch {
    paths: Vec<PathBuf>,
    stamp: Vec<FileStamp>,
    tick: tokio::time::Interval,
    hangup: Option<Signal>,
}

impl Watch {
    /// Watches `paths` every `poll`, and `hangup` (from [`install_hangup`]) when
    /// there is one. Must be called inside the tokio runtime.
    pub fn new(paths: Vec<PathBuf>, poll: Duration, hangup: Option<Signal>) -> Watch {
        let stamp = stamp_of(&paths);
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Watch {
            paths,
            stamp,
            tick,
            hangup,
        }
    }

    /// Returns at the next trigger: a SIGHUP, or a change of a watched path
    /// that has held still for a moment.
    pub async fn changed(&mut self) {
        loop {
            let hup = async {
                match self.hangup.as_mut() {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = hup => {
                    tracing::info!("SIGHUP: reloading configuration");
                    self.stamp = stamp_of(&self.paths);
                    return;
                }
                _ = self.tick.tick() => {
                    if stamp_of(&self.paths) == self.stamp {
                        continue;
                    }
                    // Let a multi-step write settle before reading it.
                    tokio::time::sleep(DEBOUNCE).await;
                    self.stamp = stamp_of(&self.paths);
                    tracing::info!("watched configuration changed: reloading");
                    return;
                }
            }
        }
    }
}

/// Installs the SIGHUP handler now, so that a SIGHUP from then on (a
/// `systemctl reload` or a log rotator right after start) is queued for the
/// reloader instead of taking the default action, which kills the process.
/// Call it before binding the socket and loading the engines. Must be called
/// inside the tokio runtime.
pub fn install_hangup() -> Option<Signal> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(signal) => Some(signal),
        Err(error) => {
            tracing::error!(%error, "cannot install the SIGHUP handler; reload by file change only");
            None
        }
    }
}

/// One file's identity at a moment: path, inode, length, mtime.
type FileStamp = (PathBuf, u64, u64, Option<SystemTime>);

/// The state of every watched path (files directly, directories recursively,
/// bounded), so any edit, replacement or removal changes it.
fn stamp_of(paths: &[PathBuf]) -> Vec<FileStamp> {
    use std::os::unix::fs::MetadataExt;
    const MAX_FILES: usize = 10_000;
    let mut out = Vec::new();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        if out.len() >= MAX_FILES {
            break;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    pending.extend(entries.flatten().map(|e| e.path()));
                }
                out.push((path, meta.ino(), 0, meta.modified().ok()));
            }
            Ok(meta) => out.push((path, meta.ino(), meta.len(), meta.modified().ok())),
            Err(_) => out.push((path, 0, 0, None)),
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_change_on_edit_replace_and_removal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x").expect("write");
        let rules = dir.path().join("rules");
        std::fs::create_dir(&rules).expect("mkdir");
        let watched = vec![file.clone(), rules.clone()];
        let first = stamp_of(&watched);
        assert_eq!(first, stamp_of(&watched));
        std::fs::write(&file, "xy").expect("write");
        let second = stamp_of(&watched);
        assert_ne!(first, second);
        std::fs::write(rules.join("r.toml"), "1").expect("write");
        let third = stamp_of(&watched);
        assert_ne!(second, third);
        std::fs::remove_file(&file).expect("rm");
        assert_ne!(third, stamp_of(&watched));
    }
}
