//! The socket file: where it is, how it is created, and how it is left.
//!
//! APISIX passes the path in `APISIX_LISTEN_ADDRESS` as `unix:/abs/path`. A
//! stale file from an earlier runner is replaced, the mode is set after bind so
//! the worker user can connect (spec 1.2), and on exit the file is removed only
//! if it is still the one this process bound: after `apisix reload` a newer
//! runner may already own the same path (spec 1.3, apache/apisix#11347).

use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The environment variable APISIX sets for the runner it starts.
pub const LISTEN_ENV: &str = "APISIX_LISTEN_ADDRESS";

/// The environment variable with APISIX's conf-token lifetime hint.
pub const CONF_EXPIRE_ENV: &str = "APISIX_CONF_EXPIRE_TIME";

/// Longest socket path Linux accepts (`sun_path` is 108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 107;

/// Why the socket could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// The address is not `unix:/absolute/path`.
    #[error("listen address {0:?} must have the form unix:/absolute/path")]
    BadAddress(String),
    /// The path does not fit in `sun_path`.
    #[error("socket path {path} is {len} bytes; Linux allows at most {max}")]
    PathTooLong {
        /// The path.
        path: PathBuf,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Something that is not a socket sits at the path; it is not ours to delete.
    #[error("{0} exists and is not a socket; refusing to replace it")]
    NotASocket(PathBuf),
    /// `APISIX_CONF_EXPIRE_TIME` is not a positive number of seconds.
    #[error("APISIX_CONF_EXPIRE_TIME={0:?} must be a positive number of seconds")]
    BadExpireTime(String),
    /// bind, chmod or stat failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Parses `unix:/path` (APISIX's form) into the path.
pub fn parse_listen_address(value: &str) -> Result<PathBuf, ListenError> {
    let path = value
        .strip_prefix("unix:")
        .filter(|p| p.starts_with('/'))
        .ok_or_else(|| ListenError::BadAddress(value.to_owned()))?;
    if path.len() > MAX_SOCKET_PATH {
        return Err(ListenError::PathTooLong {
            path: path.into(),
            len: path.len(),
            max: MAX_SOCKET_PATH,
        });
    }
    Ok(PathBuf::from(path))
}

/// Parses `APISIX_CONF_EXPIRE_TIME` (absent means the configured default).
pub fn parse_expire_time(value: Option<&str>, default: u64) -> Result<u64, ListenError> {
    match value {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(secs),
            _ => Err(ListenError::BadExpireTime(v.to_owned())),
        },
    }
}

/// A bound listening socket and the identity of its file.
#[derive(Debug)]
pub struct BoundSocket {
    /// The listener, non-blocking, ready for tokio.
    pub listener: std::os::unix::net::UnixListener,
    /// The path it is bound to.
    pub path: PathBuf,
    identity: FileIdentity,
}

/// What tells our socket file from a newer one at the same path. The inode
/// alone is not enough: a file created right after ours was deleted often
/// gets the same inode number back, so the change time (nanoseconds) is
/// compared too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    dev: u64,
    ino: u64,
    ctime: i64,
    ctime_nsec: i64,
}

impl FileIdentity {
    fn of(meta: &std::fs::Metadata) -> FileIdentity {
        FileIdentity {
            dev: meta.dev(),
            ino: meta.ino(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
        }
    }
}

/// Binds `path`, replacing a stale socket file, and sets `mode` on it.
pub fn bind(path: &Path, mode: u32) -> Result<BoundSocket, ListenError> {
    let io_err = |action, source| ListenError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            std::fs::remove_file(path).map_err(|e| io_err("remove stale socket", e))?;
        }
        Ok(_) => return Err(ListenError::NotASocket(path.to_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err("stat", e)),
    }
    let listener = std::os::unix::net::UnixListener::bind(path).map_err(|e| io_err("bind", e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| io_err("set non-blocking on", e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| io_err("chmod", e))?;
    let meta = std::fs::symlink_metadata(path).map_err(|e| io_err("stat", e))?;
    Ok(BoundSocket {
        listener,
        path: path.to_owned(),
        identity: FileIdentity::of(&meta),
    })
}

impl BoundSocket {
    /// Removes the socket file if it is still the one this process bound.
    /// Returns whether it removed it.
    ///
    /// The file's identity is checked first; since a newer file created in
    /// the same clock tick can reuse the inode number and show the same
    /// change time, the final proof is a connection: this process connects
    /// to the path and looks for that connection on its own listener. Call
    /// it after the server stopped accepting (the listener stays open here).
    pub fn remove_if_ours(&self) -> bool {
        match std::fs::symlink_metadata(&self.path) {
            Ok(meta) if FileIdentity::of(&meta) == self.identity && self.path_reaches_us() => {
                std::fs::remove_file(&self.path).is_ok()
            }
            _ => false,
        }
    }

    fn path_reaches_us(&self) -> bool {
        let Ok(probe) = std::os::unix::net::UnixStream::connect(&self.path) else {
            return false;
        };
        let reached = self.listener.accept().is_ok();
        drop(probe);
        reached
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_need_the_unix_prefix_and_an_absolute_path() {
        assert_eq!(
            parse_listen_address("unix:/tmp/x.sock").expect("valid"),
            PathBuf::from("/tmp/x.sock")
        );
        for bad in ["/tmp/x.sock", "unix:x.sock", "tcp:127.0.0.1:1", "", "unix:"] {
            assert!(
                matches!(parse_listen_address(bad), Err(ListenError::BadAddress(_))),
                "{bad}"
            );
        }
        let long = format!("unix:/{}", "a".repeat(200));
        assert!(matches!(
            parse_listen_address(&long),
            Err(ListenError::PathTooLong { .. })
        ));
    }

    #[test]
    fn expire_time_defaults_and_rejects_nonsense() {
        assert_eq!(parse_expire_time(None, 3600).expect("default"), 3600);
        assert_eq!(parse_expire_time(Some("2"), 3600).expect("valid"), 2);
        for bad in ["0", "-1", "soon", ""] {
            assert!(parse_expire_time(Some(bad), 3600).is_err(), "{bad}");
        }
    }

    #[test]
    fn stale_sockets_are_replaced_but_other_files_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.sock");
        let first = bind(&path, 0o766).expect("first bind");
        drop(first.listener);
        let second = bind(&path, 0o766).expect("stale socket replaced");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o766);
        // A newer runner re-creates the path: the old one must leave it alone.
        std::fs::remove_file(&path).expect("remove");
        let third = bind(&path, 0o766).expect("newer runner");
        assert!(!second.remove_if_ours());
        assert!(path.exists());
        assert!(third.remove_if_ours());
        assert!(!path.exists());
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").expect("write");
        assert!(matches!(
            bind(&file, 0o766),
            Err(ListenError::NotASocket(_))
        ));
    }
}
