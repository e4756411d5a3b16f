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
/// path the setup script wrote, under each of [`search_roots`]. An explicit config value
/// that does not exist is final: no fallback hides a wrong setting.
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

/// Installed data (the L2 model) when it is neither under the working directory nor
/// beside the executable: the distribution packages' place.
pub const SYSTEM_DATA_DIR: &str = "/usr/share/promptgate";

/// The folders a relative data path is looked up under, in order: the working directory,
/// then the executable's folder and its three nearest ancestors. A checkout finds its own
/// files both ways (cargo runs tests from the package root; `target/<profile>/promptgate`
/// and `target/<profile>/deps/<test>` walk up to it), and an install laid out as
/// `PREFIX/bin/promptgate` beside `PREFIX/models/` finds its model. Nothing depends on
/// where the binary was built.
pub(crate) fn search_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).take(4).map(Path::to_path_buf));
    }
    roots.dedup();
    roots
}

/// The model directory a configured `classifier.model_dir` names: an absolute path as it
/// is; a relative one under the first of `search_roots()` or [`SYSTEM_DATA_DIR`] where
/// it exists, else as given (loading then reports it missing).
pub fn resolve_model_dir(configured: &str) -> PathBuf {
    let path = Path::new(configured);
    if path.is_absolute() {
        return path.to_owned();
    }
    search_roots()
        .into_iter()
        .chain(std::iter::once(PathBuf::from(SYSTEM_DATA_DIR)))
        .map(|root| root.join(path))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| path.to_owned())
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
