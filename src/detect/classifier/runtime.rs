//! Finding and loading the ONNX Runtime shared library, once per process.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::environment::Environment;

use super::ClassifierError;

/// The file the setup script writes, relative to the repository root.
const PATH_FILE: &str = ".runtime/onnxruntime/path";

/// `ort` allows one environment per process; it is created on the first successful load
/// and reused by every classifier after (reloads, tests).
static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// Where the library is looked for, in order: the config value, `ORT_DYLIB_PATH`, then the
/// path the setup script wrote (beside the current directory, the executable's folder and
/// its ancestors, and the crate's manifest dir for tests). An explicit config value that
/// does not exist is final: no fallback hides a wrong setting.
pub(crate) fn locate(configured: Option<&Path>) -> Result<PathBuf, ClassifierError> {
    if let Some(path) = configured {
        return existing(path.to_path_buf()).ok_or_else(|| missing(vec![path.to_path_buf()]));
    }
    let mut tried = Vec::new();
    if let Some(env) = std::env::var_os("ORT_DYLIB_PATH").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(env);
        if let Some(found) = existing(path.clone()) {
            return Ok(found);
        }
        tried.push(path);
    }
    for root in search_roots() {
        let file = root.join(PATH_FILE);
        if let Ok(text) = std::fs::read_to_string(&file) {
            let path = PathBuf::from(text.trim());
            let path = if path.is_relative() {
                root.join(path)
            } else {
                path
            };
            if let Some(found) = existing(path.clone()) {
                return Ok(found);
            }
            tried.push(path);
        } else {
            tried.push(file);
        }
    }
    Err(missing(tried))
}

fn existing(path: PathBuf) -> Option<PathBuf> {
    path.is_file().then_some(path)
}

fn missing(tried: Vec<PathBuf>) -> ClassifierError {
    ClassifierError::RuntimeMissing { tried }
}

fn search_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/<profile>/promptgate or target/<profile>/deps/<test>: walk up a few levels.
        roots.extend(exe.ancestors().skip(1).take(4).map(Path::to_path_buf));
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    roots.dedup();
    roots
}

/// Loads the library (first call only) and returns the process's environment.
pub(crate) fn environment(library: &Path) -> Result<Environment, ClassifierError> {
    let mut guard = ENVIRONMENT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(env) = guard.as_ref() {
        return Ok(env.clone());
    }
    let builder = ort::init_from(library).map_err(|e| ClassifierError::RuntimeLoad {
        path: library.to_path_buf(),
        reason: e.to_string(),
    })?;
    let env =
        builder
            .with_name("promptgate")
            .build()
            .map_err(|e| ClassifierError::RuntimeLoad {
                path: library.to_path_buf(),
                reason: e.to_string(),
            })?;
    *guard = Some(env.clone());
    Ok(env)
}
