//! Turning the command line's INPUT arguments into a list of inputs, and reading them.
//!
//! A directory argument expands, in place, into every input file below it (`.txt`, `.md`,
//! `.html`, `.htm`, `.pdf`, or what `--glob` selects), sorted by the bytes of the path so
//! that the output order never depends on the file system's directory order.

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

/// Which files below a directory argument are inputs.
#[derive(Debug, Clone)]
pub(crate) enum Select {
    /// `.txt`, `.md`, `.html`, `.htm`, `.pdf` in any letter case.
    Extensions,
    /// `--glob` patterns, matched against the path below the directory argument.
    Glob(globset::GlobSet),
}

impl Select {
    /// The selection for a list of `--glob` patterns (none: the default extensions).
    pub(crate) fn new(patterns: &[String]) -> Result<Self, String> {
        if patterns.is_empty() {
            return Ok(Self::Extensions);
        }
        let mut set = globset::GlobSetBuilder::new();
        for p in patterns {
            set.add(globset::Glob::new(p).map_err(|e| format!("--glob `{p}`: {e}"))?);
        }
        set.build()
            .map(Self::Glob)
            .map_err(|e| format!("--glob: {e}"))
    }

    fn takes(&self, root: &Path, path: &Path) -> bool {
        match self {
            Self::Extensions => path.extension().is_some_and(|ext| {
                INPUT_EXTENSIONS
                    .iter()
                    .any(|known| ext.eq_ignore_ascii_case(known))
            }),
            Self::Glob(set) => set.is_match(path.strip_prefix(root).unwrap_or(path)),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Self::Extensions => "directory holds no input file (.txt, .md, .html, .htm, .pdf)",
            Self::Glob(_) => "directory holds no file matching --glob",
        }
    }
}

/// What a directory walk takes by default. Scanners and Windows tools often write `.TXT`.
const INPUT_EXTENSIONS: [&str; 5] = ["txt", "md", "html", "htm", "pdf"];

/// True when the name says PDF (`.pdf` in any case); the bytes can say so too
/// ([`looks_like_pdf`]).
pub(crate) fn is_pdf_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("pdf"))
}

/// True when the bytes start with a PDF header within the first KiB (readers accept
/// leading junk there, and so do producers that prepend a mail header).
pub(crate) fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
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

/// Expand one INPUT argument: `-`, a file, or a directory (every selected file below it).
///
/// Errors come back in place, among the inputs, so that the caller reports them in
/// argument order and still processes everything else.
pub(crate) fn expand(arg: &Path, select: &Select) -> Vec<Result<Input, InputError>> {
    if arg.as_os_str() == "-" {
        return vec![Ok(Input::Stdin)];
    }
    match fs::metadata(arg) {
        Err(err) => vec![Err(InputError::new(arg, describe_io(&err)))],
        Ok(meta) if meta.is_dir() => {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            walk(arg, arg, select, &mut files, &mut errors);
            if files.is_empty() && errors.is_empty() {
                return vec![Err(InputError::new(arg, select.describe()))];
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

/// Collect every selected file below `dir`. Symbolic links to files are followed; symbolic
/// links to directories are not, so a link cycle cannot make the walk endless.
fn walk(
    root: &Path,
    dir: &Path,
    select: &Select,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<InputError>,
) {
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
            walk(root, &path, select, files, errors);
        } else if select.takes(root, &path)
            // A regular file is one (the directory entry says so, without a `stat`); a
            // symbolic link is followed to see whether it leads to one.
            && (kind.is_file() || fs::metadata(&path).is_ok_and(|m| m.is_file()))
        {
            files.push(path);
        }
    }
}

/// Read one input whole, refusing more than `max_bytes`.
///
/// The size is checked twice: up front from the metadata (a clear error without reading
/// a huge file), and while reading (stdin, pipes and growing files have no size).
pub(crate) fn read(input: &Input, stdin: &mut dyn Read, max_bytes: u64) -> Result<Vec<u8>, String> {
    match input {
        Input::Stdin => read_capped(stdin, max_bytes),
        Input::File(path) => {
            let mut buf = Vec::new();
            let n = read_file(path, max_bytes, &mut buf)?;
            buf.truncate(n);
            Ok(buf)
        }
    }
}

/// Read the file at `path` whole into `buf`, refusing more than `max_bytes`, and return
/// how many bytes it holds: the file is `buf[..n]`.
///
/// `buf` is a scratch buffer that a worker thread keeps from one input to the next: its
/// length is that of the longest file it held, and what lies past `n` is left over from
/// earlier files. Reading into it directly takes one `read` per file and one more that
/// says end of file, where `read_to_end` on a fresh vector grew it by doubling (a dozen
/// reads and reallocations, each copying what was read). A file longer than the buffer
/// is read into room reserved for it from the metadata's size.
///
/// The size checks are [`read`]'s: the metadata up front, and the bytes read (a file
/// that grew after its metadata was read is read on, up to `max_bytes` and one more byte).
pub(crate) fn read_file(path: &Path, max_bytes: u64, buf: &mut Vec<u8>) -> Result<usize, String> {
    let mut file = fs::File::open(path).map_err(|e| describe_io(&e))?;
    let meta = file.metadata().map_err(|e| describe_io(&e))?;
    if meta.is_dir() {
        return Err("is a directory".to_owned());
    }
    if meta.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    // One byte more than allowed tells "too large" from "exactly the limit"; one byte more
    // than the metadata's size lets the first read end at the end of the file.
    let limit = usize::try_from(max_bytes.saturating_add(1)).unwrap_or(usize::MAX);
    let want = usize::try_from(meta.len())
        .unwrap_or(usize::MAX)
        .saturating_add(1)
        .min(limit);
    if buf.len() < want {
        // Longer than every file this buffer held: read into new room, which needs no
        // zeroing, as `read` does; the buffer's length is then this file's.
        buf.clear();
        buf.reserve(want);
        file.take(max_bytes.saturating_add(1))
            .read_to_end(buf)
            .map_err(|e| describe_io(&e))?;
        if buf.len() as u64 > max_bytes {
            return Err(too_large(max_bytes));
        }
        return Ok(buf.len());
    }
    let mut n = 0;
    while n < limit {
        if n == buf.len() {
            // The file grew since its metadata was read.
            let more = n.saturating_mul(2).clamp(n + 1, limit);
            buf.resize(more, 0);
        }
        let end = buf.len().min(limit);
        match file.read(&mut buf[n..end]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(describe_io(&e)),
        }
    }
    if n as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(n)
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
    fn default_extensions_any_case() {
        let root = Path::new("");
        for (path, taken) in [
            ("a.txt", true),
            ("a.TXT", true),
            ("dir/a.Txt", true),
            ("a.md", true),
            ("a.html", true),
            ("a.HTM", true),
            ("a.Pdf", true),
            ("a.txt.bak", false),
            ("txt", false),
            (".txt", false),
            ("a.json", false),
        ] {
            assert_eq!(
                Select::Extensions.takes(root, Path::new(path)),
                taken,
                "{path}"
            );
        }
    }

    #[test]
    fn globs_match_below_the_root() {
        let select = Select::new(&["*.tsv".to_owned(), "keep/**".to_owned()])
            .unwrap_or_else(|e| panic!("{e}"));
        let root = Path::new("in");
        for (path, taken) in [
            ("in/a.tsv", true),
            ("in/sub/a.tsv", true),
            ("in/keep/x.bin", true),
            ("in/a.txt", false),
        ] {
            assert_eq!(select.takes(root, Path::new(path)), taken, "{path}");
        }
        assert!(Select::new(&["a[".to_owned()]).is_err());
    }

    #[test]
    fn pdf_sniffing() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(looks_like_pdf(b"junk\n%PDF-1.4"));
        assert!(!looks_like_pdf(b"<html>"));
        assert!(!looks_like_pdf(b""));
        assert!(is_pdf_name(Path::new("a.PDF")));
        assert!(!is_pdf_name(Path::new("a.pdf.txt")));
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

    /// A file read into a scratch buffer longer than it (left over from a bigger file)
    /// or shorter than it gives its bytes, as `fs::read` does; the cap holds either way.
    #[test]
    fn files_into_a_reused_buffer() {
        let dir = std::env::temp_dir().join(format!("annex-read-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut buf = Vec::new();
        for (name, len) in [
            ("a", 5000usize),
            ("b", 3),
            ("c", 0),
            ("d", 70_000),
            ("e", 10),
        ] {
            let path = dir.join(name);
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
            let n = read_file(&path, 1 << 20, &mut buf).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&buf[..n], &bytes[..], "{name}");
            assert_eq!(
                read(&Input::File(path.clone()), &mut io::empty(), 1 << 20).as_deref(),
                Ok(&bytes[..])
            );
            if len > 0 {
                let capped = len as u64 - 1;
                let err = read_file(&path, capped, &mut buf).err().unwrap_or_default();
                assert!(err.contains("--max-bytes"), "{err}");
                assert_eq!(read_file(&path, len as u64, &mut buf), Ok(len));
            }
        }
        assert_eq!(
            read_file(&dir, 1 << 20, &mut buf).err().as_deref(),
            Some("is a directory")
        );
        let _ = fs::remove_dir_all(&dir);
    }

    /// A directory walk takes regular files (as the directory entry says) and symbolic
    /// links to files, and does not follow links to directories or dangling links.
    #[cfg(unix)]
    #[test]
    fn walk_takes_files_and_links_to_files() {
        let dir = std::env::temp_dir().join(format!("annex-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let sub = dir.join("sub");
        fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        fs::write(dir.join("a.txt"), "a").unwrap_or_else(|e| panic!("{e}"));
        fs::write(sub.join("b.txt"), "b").unwrap_or_else(|e| panic!("{e}"));
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
        };
        link(&dir.join("a.txt"), "c.txt");
        link(&sub, "d.txt");
        link(&dir.join("missing"), "e.txt");
        let got: Vec<String> = expand(&dir, &Select::Extensions)
            .into_iter()
            .map(|r| match r {
                Ok(Input::File(p)) => p.strip_prefix(&dir).unwrap_or(&p).display().to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(got, ["a.txt", "c.txt", "sub/b.txt"]);
        let _ = fs::remove_dir_all(&dir);
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
