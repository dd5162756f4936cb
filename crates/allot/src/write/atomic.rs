//! Output files: written atomically, never over an input.
//!
//! Every file allot writes goes through [`write_atomic`]: the bytes go to a temporary file in
//! the destination's folder, which is renamed over the destination only once complete, so an
//! error never leaves a partial file; temporaries in flight are listed so that an interrupt
//! handler can remove them ([`remove_temporaries`]). Missing folders on the way are created.
//! The path `-` means standard output. [`resolve_output`] turns a folder into a file named
//! after the input; [`check_outputs`] refuses an output path that names one of the inputs or
//! the same file as another output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written now (removed by [`remove_temporaries`] on an interrupt).
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Removes every temporary file an unfinished [`write_atomic_with`] holds: for a SIGINT or
/// SIGTERM handler, which then exits, so no `.NAME.allot-tmp-PID` file is left behind.
pub fn remove_temporaries() {
    for tmp in temporaries().drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
}

/// Where an output goes given as `path`: `-` (standard output) as it is; a folder (an existing
/// one, or a path ending in `/`) becomes `<folder>/<input stem>.<ext>`; any other path as it
/// is. A folder with no input file to name the output after (standard input, or no input)
/// is refused.
///
/// ```
/// use std::path::Path;
/// use allot::write::resolve_output;
/// let input = Some(Path::new("data/site.geojson"));
/// assert_eq!(resolve_output(Path::new("out/"), input, "svg").unwrap(), Path::new("out/site.svg"));
/// assert_eq!(resolve_output(Path::new("-"), input, "svg").unwrap(), Path::new("-"));
/// assert_eq!(resolve_output(Path::new("m.svg"), input, "svg").unwrap(), Path::new("m.svg"));
/// assert!(resolve_output(Path::new("out/"), Some(Path::new("-")), "svg").is_err());
/// ```
pub fn resolve_output(
    path: &Path,
    input: Option<&Path>,
    ext: &str,
) -> Result<PathBuf, OutputError> {
    if path.as_os_str() == "-" {
        return Ok(path.to_path_buf());
    }
    let text = path.as_os_str().to_string_lossy();
    let folder = text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir();
    if !folder {
        return Ok(path.to_path_buf());
    }
    let stem = input
        .filter(|i| i.as_os_str() != "-")
        .and_then(Path::file_stem)
        .ok_or_else(|| OutputError::FolderWithoutName {
            path: path.display().to_string(),
        })?;
    let mut name = stem.to_os_string();
    name.push(".");
    name.push(ext);
    Ok(path.join(name))
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output path is also an input.
    #[error("{output}: refusing to overwrite an input file; choose another output path")]
    WouldOverwriteInput {
        /// The offending path.
        output: String,
    },
    /// Two outputs name the same file (the second write would silently replace the first).
    #[error("{first} and {second} name the same file; give each output its own path")]
    SameOutput {
        /// The earlier output.
        first: String,
        /// The later output naming the same file.
        second: String,
    },
    /// A folder was given as an output, but there is no input file to name the output after.
    #[error(
        "{path} is a folder, and there is no input file name to name the output after; give a file name"
    )]
    FolderWithoutName {
        /// The folder.
        path: String,
    },
    /// The output's extension names no format allot writes.
    #[error(transparent)]
    UnknownFormat(#[from] super::format::UnknownFormat),
    /// The output CRS cannot be used, or a feature cannot be moved into it.
    #[error("{path}: {message}")]
    Crs {
        /// The output.
        path: String,
        /// What went wrong, naming the layer and feature.
        message: String,
    },
    /// The format's encoder failed (nothing was written).
    #[error("{path}: cannot write {format}: {message}")]
    Encode {
        /// The output.
        path: String,
        /// The format's name.
        format: &'static str,
        /// What the encoder said.
        message: String,
    },
    /// Creating, writing or renaming failed.
    #[error("{path}: cannot write: {error}")]
    Io {
        /// The destination.
        path: String,
        /// The cause.
        error: std::io::Error,
    },
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Fails when `output` names the same file as any of `inputs` (`-` for stdin never matches).
///
/// ```
/// let dir = std::env::temp_dir();
/// let f = dir.join("allot-doc-check-not-input.geojson");
/// std::fs::write(&f, "{}").unwrap();
/// assert!(allot::write::check_not_input(&f, &[f.as_path()]).is_err());
/// assert!(allot::write::check_not_input(&dir.join("other.svg"), &[f.as_path()]).is_ok());
/// ```
pub fn check_not_input(output: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    for input in inputs {
        if input.as_os_str() != "-" && (output == *input || same_file(output, input)) {
            return Err(OutputError::WouldOverwriteInput {
                output: output.display().to_string(),
            });
        }
    }
    Ok(())
}

/// Where a path points: the canonical file when it exists, else its canonical folder joined
/// with its name (so `./out.svg` and `out.svg` compare equal before either exists).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Refuses, before any work is done, an output that is one of the inputs or that names the
/// same file as another output (the second write would silently replace the first).
///
/// ```
/// let dir = std::env::temp_dir();
/// let a = dir.join("allot-doc-check-outputs.svg");
/// let same = dir.join(".").join("allot-doc-check-outputs.svg");
/// assert!(allot::write::check_outputs(&[a.as_path(), same.as_path()], &[]).is_err());
/// assert!(allot::write::check_outputs(&[a.as_path()], &[]).is_ok());
/// ```
pub fn check_outputs(outputs: &[&Path], inputs: &[&Path]) -> Result<(), OutputError> {
    for (i, out) in outputs.iter().enumerate() {
        check_not_input(out, inputs)?;
        if let Some(other) = outputs[..i].iter().find(|o| resolved(o) == resolved(out)) {
            return Err(OutputError::SameOutput {
                first: other.display().to_string(),
                second: out.display().to_string(),
            });
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, creating the parent folder if needed (`-`: standard
/// output).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Streams into `path` atomically: `fill` writes to a buffered temporary file in the same
/// folder, which replaces `path` only when `fill` and the flush succeed. `-` streams to
/// standard output instead.
///
/// ```
/// use std::io::Write;
/// let f = std::env::temp_dir().join("allot-doc-write-atomic-with.txt");
/// allot::write::write_atomic_with(&f, |w| writeln!(w, "streamed")).unwrap();
/// assert_eq!(std::fs::read_to_string(&f).unwrap(), "streamed\n");
/// ```
pub fn write_atomic_with<F>(path: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io = |error| OutputError::Io {
        path: path.display().to_string(),
        error,
    };
    if path.as_os_str() == "-" {
        let mut w = std::io::BufWriter::new(std::io::stdout().lock());
        return fill(&mut w).and_then(|()| w.flush()).map_err(io);
    }
    let tmp = temporary_beside(path).map_err(io)?;
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    temporaries().retain(|t| *t != tmp);
    result.map_err(io)
}

/// The temporary file `path` is first written to: `.NAME.allot-tmp-PID` in the same folder
/// (created if missing), so the final rename stays on one file system. It is registered in
/// [`temporaries`] for removal should the process be interrupted; the caller removes it from
/// there when done.
fn temporary_beside(path: &Path) -> std::io::Result<PathBuf> {
    let parent: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let tmp = parent.join(format!(
        ".{}.allot-tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    temporaries().push(tmp.clone());
    Ok(tmp)
}

/// Writes the file at `path` atomically through a writer that needs a path of its own (an
/// SQLite database): `fill` creates the file at the temporary path it is given, which
/// replaces `path` only when `fill` succeeds.
pub fn write_atomic_file<F, E>(path: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: std::fmt::Display,
{
    let io = |error| OutputError::Io {
        path: path.display().to_string(),
        error,
    };
    let tmp = temporary_beside(path).map_err(io)?;
    let result = fill(&tmp)
        .map_err(|e| io(std::io::Error::other(e.to_string())))
        .and_then(|()| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .and_then(|()| std::fs::rename(&tmp, path))
                .map_err(io)
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    temporaries().retain(|t| *t != tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leaving_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        std::fs::create_dir(&p).unwrap(); // rename over a directory fails
        assert!(write_atomic(&p, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn refuses_input_as_output_even_through_another_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.geojson");
        std::fs::write(&p, "{}").unwrap();
        let other = dir.path().join("./sub/../in.geojson");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(check_not_input(&other, &[p.as_path()]).is_err());
    }
}
