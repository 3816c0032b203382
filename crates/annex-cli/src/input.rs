//! Turning the command line's INPUT arguments into a list of inputs, and reading them.
//!
//! A directory argument expands, in place, into every `.txt` file below it, sorted by the
//! bytes of the path so that the output order never depends on the file system's
//! directory order.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One input to extract from, after directory expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// Standard input (`-` on the command line).
    Stdin,
    /// A file path, as given or as found below a directory argument.
    File(PathBuf),
}

impl Input {
    /// The path as the user gave it: labels records (`source.path`) and messages.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::Stdin => "-".to_owned(),
            Self::File(path) => path.to_string_lossy().into_owned(),
        }
    }

    /// The name that output files of this input start with, before sanitizing.
    pub(crate) fn raw_stem(&self) -> String {
        match self {
            // `-` as a file stem would be unreadable in a listing; say where it came from.
            Self::Stdin => "stdin".to_owned(),
            Self::File(path) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// An input that could not be listed or read, with a reason for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    /// The path as the user gave it (or as found below a directory).
    pub(crate) label: String,
    /// Lowercase, no trailing period.
    pub(crate) reason: String,
}

impl InputError {
    fn new(path: &Path, reason: impl Into<String>) -> Self {
        Self {
            label: path.to_string_lossy().into_owned(),
            reason: reason.into(),
        }
    }
}

/// Expand one INPUT argument: `-`, a file, or a directory (every `.txt` below it).
///
/// Errors come back in place, among the inputs, so that the caller reports them in
/// argument order and still processes everything else.
pub(crate) fn expand(arg: &Path) -> Vec<Result<Input, InputError>> {
    if arg.as_os_str() == "-" {
        return vec![Ok(Input::Stdin)];
    }
    match fs::metadata(arg) {
        Err(err) => vec![Err(InputError::new(arg, describe_io(&err)))],
        Ok(meta) if meta.is_dir() => {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            walk(arg, &mut files, &mut errors);
            if files.is_empty() && errors.is_empty() {
                return vec![Err(InputError::new(arg, "directory holds no .txt file"))];
            }
            files.sort_by(|a, b| {
                a.as_os_str()
                    .as_encoded_bytes()
                    .cmp(b.as_os_str().as_encoded_bytes())
            });
            // Errors (an unreadable subdirectory) are reported before the files: they are
            // few, and the files' order must not depend on where the errors fall.
            errors
                .into_iter()
                .map(Err)
                .chain(files.into_iter().map(|f| Ok(Input::File(f))))
                .collect()
        }
        Ok(_) => vec![Ok(Input::File(arg.to_path_buf()))],
    }
}

/// Collect every `.txt` file below `dir`. Symbolic links to files are followed; symbolic
/// links to directories are not, so a link cycle cannot make the walk endless.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(InputError::new(dir, describe_io(&err)));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                errors.push(InputError::new(dir, describe_io(&err)));
                continue;
            }
        };
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, files, errors);
        } else if is_txt(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            files.push(path);
        }
    }
}

/// `.txt` in any letter case: scanners and Windows tools often write `.TXT`.
fn is_txt(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("txt"))
}

/// Read one input whole, refusing more than `max_bytes`.
///
/// The size is checked twice: up front from the metadata (a clear error without reading
/// a huge file), and while reading (stdin, pipes and growing files have no size).
pub(crate) fn read(input: &Input, stdin: &mut dyn Read, max_bytes: u64) -> Result<Vec<u8>, String> {
    match input {
        Input::Stdin => read_capped(stdin, max_bytes),
        Input::File(path) => {
            let file = fs::File::open(path).map_err(|e| describe_io(&e))?;
            let meta = file.metadata().map_err(|e| describe_io(&e))?;
            if meta.is_dir() {
                return Err("is a directory".to_owned());
            }
            if meta.len() > max_bytes {
                return Err(too_large(max_bytes));
            }
            read_capped(file, max_bytes)
        }
    }
}

fn read_capped(reader: impl Read, max_bytes: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| describe_io(&e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(bytes)
}

fn too_large(max_bytes: u64) -> String {
    format!("larger than --max-bytes ({max_bytes} bytes); raise it with --max-bytes SIZE")
}

/// An I/O error as a lowercase reason without the OS's capital letter and error number
/// for the common cases, which are what users meet.
pub(crate) fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        io::ErrorKind::InvalidData => "invalid data".to_owned(),
        _ => {
            let text = err.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => format!("{:?}", err.kind()).to_lowercase(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_extension_any_case() {
        for (path, txt) in [
            ("a.txt", true),
            ("a.TXT", true),
            ("dir/a.Txt", true),
            ("a.txt.bak", false),
            ("txt", false),
            (".txt", false),
            ("a.json", false),
        ] {
            assert_eq!(is_txt(Path::new(path)), txt, "{path}");
        }
    }

    #[test]
    fn labels_and_stems() {
        assert_eq!(Input::Stdin.label(), "-");
        assert_eq!(Input::Stdin.raw_stem(), "stdin");
        let file = Input::File(PathBuf::from("samples/pingluo-2024-annex2.txt"));
        assert_eq!(file.label(), "samples/pingluo-2024-annex2.txt");
        assert_eq!(file.raw_stem(), "pingluo-2024-annex2");
        assert_eq!(Input::File(PathBuf::from("..")).raw_stem(), "");
    }

    #[test]
    fn stdin_is_capped() {
        let mut small: &[u8] = b"12345";
        assert_eq!(
            read(&Input::Stdin, &mut small, 5).as_deref(),
            Ok(&b"12345"[..])
        );
        let mut big: &[u8] = b"123456";
        let err = read(&Input::Stdin, &mut big, 5).err().unwrap_or_default();
        assert!(err.contains("--max-bytes"), "{err}");
    }

    #[test]
    fn io_reasons_are_lowercase() {
        let err = io::Error::other("Disk on fire");
        assert_eq!(describe_io(&err), "disk on fire");
        assert_eq!(
            describe_io(&io::Error::from(io::ErrorKind::NotFound)),
            "no such file or directory"
        );
    }
}
