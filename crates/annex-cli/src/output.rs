//! Where records go: JSON Lines (or pretty JSON) on a writer, or one file per table in a
//! directory, written atomically.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Longest stem kept, in bytes: leaves room under the usual 255-byte name limit for the
/// `-N` of a clash, the `.NN.json` suffix and the temporary file's decorations.
const MAX_STEM_BYTES: usize = 160;

/// A stem that is safe as the start of a file name inside the output directory.
///
/// Whatever the input is called, the result has no path separator, no `..`, no NUL or
/// other control character, does not start with `.` (no hidden files, no `.`/`..`), and
/// is never empty (`input` then). Characters that Windows forbids are replaced too, so an
/// output directory can be copied there.
pub(crate) fn sanitize_stem(raw: &str) -> String {
    let mut stem: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    while stem.contains("..") {
        stem = stem.replace("..", ".");
    }
    // Windows drops trailing dots and spaces from names, which could merge two stems.
    let trimmed = stem.trim_start_matches('.').trim_end_matches(['.', ' ']);
    let mut end = trimmed.len().min(MAX_STEM_BYTES);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    let stem = &trimmed[..end];
    if stem.is_empty() {
        "input".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Hands out stems so that two inputs of one run never write the same files: the second
/// `a` becomes `a-2`, the third `a-3`, and so on (skipping any taken by a real input).
/// Stems are compared ignoring ASCII case, since macOS and Windows file systems do.
#[derive(Debug, Default)]
pub(crate) struct Stems {
    taken: BTreeSet<String>,
}

impl Stems {
    /// Claim a unique stem for `raw` (sanitized first).
    pub(crate) fn claim(&mut self, raw: &str) -> String {
        let base = sanitize_stem(raw);
        let mut candidate = base.clone();
        let mut n = 1u32;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        candidate
    }
}

/// `<stem>.<NN>.json`: NN is the 1-based table ordinal, two digits, wider when the input
/// has 100 tables or more, so that names sort in table order.
pub(crate) fn table_file_name(stem: &str, ordinal: usize, tables: usize) -> String {
    let width = tables.max(1).to_string().len().max(2);
    format!("{stem}.{ordinal:0width$}.json")
}

/// Write `bytes` to `dir/name` so that no reader ever sees a half-written file: the bytes
/// go to a fresh temporary file in the same directory, which is synced and then renamed
/// over the final name (atomic on POSIX file systems).
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = dir.join(name);
    let (tmp, mut file) = create_temp(dir, name)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    match written.and_then(|()| fs::rename(&tmp, &target)) {
        Ok(()) => Ok(target),
        Err(err) => {
            // Best effort: the error that matters is the one above.
            let _ = fs::remove_file(&tmp);
            Err(err)
        }
    }
}

/// A file written in pieces that appears under its name only when complete: a temporary
/// file in the same directory, synced and renamed by [`AtomicFile::commit`]. Dropped
/// without a commit, it removes its temporary file.
pub(crate) struct AtomicFile {
    tmp: PathBuf,
    target: PathBuf,
    file: Option<io::BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Start writing `dir/name`.
    pub(crate) fn create(dir: &Path, name: &str) -> io::Result<Self> {
        let (tmp, file) = create_temp(dir, name)?;
        Ok(Self {
            tmp,
            target: dir.join(name),
            file: Some(io::BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Sync and rename into place.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
            fs::rename(&self.tmp, &self.target)?;
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A new temporary file beside `name`: hidden, ending in `.tmp` (never `.json`), unique
/// per process and attempt, created exclusively so a stray file is never clobbered.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let tmp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_cannot_escape() {
        for (raw, safe) in [
            ("pingluo-2024-annex2", "pingluo-2024-annex2"),
            ("平罗县 附件2", "平罗县 附件2"),
            ("../evil", "_evil"),
            ("..", "input"),
            (".", "input"),
            ("", "input"),
            ("a/b\\c", "a_b_c"),
            ("a..b", "a.b"),
            ("a....b", "a.b"),
            (".hidden", "hidden"),
            ("nul\0byte", "nul_byte"),
            ("new\nline\ttab", "new_line_tab"),
            ("trailing. ", "trailing"),
            ("c:evil", "c_evil"),
        ] {
            assert_eq!(sanitize_stem(raw), safe, "{raw:?}");
        }
    }

    #[test]
    fn long_stems_are_cut_on_a_char_boundary() {
        let long = "表".repeat(100); // 300 bytes
        let stem = sanitize_stem(&long);
        assert!(stem.len() <= MAX_STEM_BYTES);
        assert!(stem.chars().all(|c| c == '表'));
    }

    #[test]
    fn clashing_stems_get_a_number() {
        let mut stems = Stems::default();
        let got: Vec<String> = ["a", "b", "a", "A", "a-2", "../a", ""]
            .iter()
            .map(|s| stems.claim(s))
            .collect();
        assert_eq!(got, ["a", "b", "a-2", "A-3", "a-2-2", "_a", "input"]);
    }

    #[test]
    fn table_numbers_are_zero_padded() {
        assert_eq!(table_file_name("x", 1, 12), "x.01.json");
        assert_eq!(table_file_name("x", 12, 12), "x.12.json");
        assert_eq!(table_file_name("x", 7, 99), "x.07.json");
        assert_eq!(table_file_name("x", 7, 100), "x.007.json");
        assert_eq!(table_file_name("x", 1000, 1000), "x.1000.json");
    }
}
