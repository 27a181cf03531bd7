//! Atomic file writes with the right modes: every file `pki` writes goes through
//! [`stage`] then [`Staged::commit`] (temporary file in the same directory, fsync,
//! rename, fsync of the directory), so an interrupted run leaves no partial file.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Mode of private keys and other secrets.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of certificates and other public files.
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of the CA directory and its subdirectories.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// A file written to a temporary name beside its destination, not yet in place.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    durability: Durability,
}

/// The directory a path lives in ("." for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Write `bytes` to a temporary file beside `dest`, created with `mode` from the start
/// (a key is never readable by others, not even for a moment), and fsync it.
pub fn stage(dest: &Path, bytes: &[u8], mode: u32) -> Result<Staged> {
    stage_with(dest, bytes, mode, Durability::Synced)
}

/// Whether a staged file is flushed to the disk before it is renamed into place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// fsync the file and then its directory: for the CA directory (keys, certificate,
    /// ledger), which must survive a power cut.
    Synced,
    /// Rename only: the file is still never seen half-written (the rename is atomic, and a
    /// killed process loses nothing already written), but a power cut may lose it. For
    /// leaf output files, which can be issued again; skipping two fsyncs per file roughly
    /// halves the cost of `pki issue` on ordinary disks.
    Renamed,
}

/// [`stage`] with a choice of [`Durability`].
pub fn stage_with(dest: &Path, bytes: &[u8], mode: u32, durability: Durability) -> Result<Staged> {
    let dir = parent_dir(dest);
    let mut tmp = tempfile::Builder::new()
        .prefix(".pki-tmp-")
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, "write to directory", e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(dest, "write", e))?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all().map_err(|e| Error::io(dest, "write", e))?;
    }
    Ok(Staged { tmp, dest: dest.to_path_buf(), durability })
}

impl Staged {
    /// Move the file into place. Without `overwrite`, an existing destination is an
    /// [`Error::Exists`] and is left untouched (the check and the move are one atomic step).
    pub fn commit(self, overwrite: bool) -> Result<()> {
        let Staged { tmp, dest, durability } = self;
        if overwrite {
            tmp.persist(&dest).map_err(|e| Error::io(&dest, "write", e.error))?;
        } else {
            tmp.persist_noclobber(&dest).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::Exists { path: dest.clone() }
                } else {
                    Error::io(&dest, "write", e.error)
                }
            })?;
        }
        if durability == Durability::Synced {
            sync_dir(parent_dir(&dest));
        }
        Ok(())
    }

    /// The temporary file's path (before [`Staged::commit`]).
    pub fn tmp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Where the file will go.
    pub fn dest(&self) -> &Path {
        &self.dest
    }
}

/// Staged files moved into place by [`place_all`], with backups of the files they
/// replaced, until the caller keeps them ([`Placed::keep`]) or takes them back
/// ([`Placed::undo`]: say, when the ledger entry for them could not be committed).
#[must_use = "keep() or undo() the placed files"]
pub struct Placed {
    /// Each destination, the backup of the file that was there (if any), and whether the
    /// new file is in place yet.
    files: Vec<(PathBuf, Option<PathBuf>, bool)>,
}

impl Placed {
    /// Keep the new files: the backups go.
    pub fn keep(self) {
        for b in self.files.iter().filter_map(|(_, b, _)| b.as_ref()) {
            let _ = fs::remove_file(b);
        }
    }

    /// Take the new files back and put every replaced file back as it was.
    pub fn undo(self) {
        for (dest, backup, placed) in &self.files {
            match backup {
                Some(b) => {
                    let _ = fs::rename(b, dest);
                }
                None if *placed => {
                    let _ = fs::remove_file(dest);
                }
                None => {}
            }
        }
        if let Some((d, _, _)) = self.files.first() {
            sync_dir(parent_dir(d));
        }
    }
}

/// Move staged files into place, all or nothing. The first file is the one the others
/// depend on (a key, then its certificate and chain): when replacing, the old versions of
/// the others are removed before the first is replaced, so that at every instant, even
/// under `kill -9`, a certificate on disk belongs to the key beside it. Every file
/// replaced is first hard-linked (or copied) to a backup beside it (`.pki-old-*`), so a
/// failure puts the old set back, and a kill leaves it there; the backups go when the
/// caller keeps the new set ([`Placed`]).
pub fn place_all(staged: Vec<Staged>, overwrite: bool) -> Result<Placed> {
    let mut placed = Placed { files: Vec::with_capacity(staged.len()) };
    for s in &staged {
        let backup = match overwrite {
            true => match backup(s.dest()) {
                Ok(b) => b,
                Err(e) => {
                    placed.keep();
                    return Err(e);
                }
            },
            false => None,
        };
        placed.files.push((s.dest().to_path_buf(), backup, false));
    }
    for (dest, backup, _) in placed.files.iter().skip(1) {
        if backup.is_some()
            && let Err(e) = fs::remove_file(dest)
        {
            let e = Error::io(dest, "replace", e);
            placed.undo();
            return Err(e);
        }
    }
    for (i, s) in staged.into_iter().enumerate() {
        if let Err(e) = s.commit(overwrite) {
            placed.undo();
            return Err(e);
        }
        placed.files[i].2 = true;
    }
    Ok(placed)
}

/// A second name for `dest` (a hard link, or a copy where links are not supported), or
/// `None` when there is nothing to keep.
fn backup(dest: &Path) -> Result<Option<PathBuf>> {
    match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(dest, "read", e)),
        Ok(_) => {}
    }
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let keep = parent_dir(dest).join(format!(".pki-old-{}-{name}", std::process::id()));
    let _ = fs::remove_file(&keep);
    link_or_copy(dest, &keep)?;
    Ok(Some(keep))
}

/// Remove the temporary files `pki` makes in `dir` (`.pki-tmp-*` while staging,
/// `.pki-old-*` while replacing): for a caller that knows no other `pki` is writing there.
pub fn remove_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if (name.starts_with(".pki-tmp-") || name.starts_with(".pki-old-")) && e.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// A second name for an existing file: a hard link, or a copy (with its mode) where the
/// file system has no links.
pub fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).map_err(|e| Error::io(from, "copy", e))?;
    }
    Ok(())
}

/// Best-effort fsync of a directory so a rename in it survives a power cut.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Create new files in `dir`, a directory no one else sees yet (a fresh CA directory
/// before it is renamed into place), and make them durable: write them all, then fsync
/// each and the directory. The first fsync commits the others' data with it (ext4 and
/// xfs flush a transaction's data together), so three files cost little more than one,
/// where writing each through [`stage`] costs two fsyncs apiece.
pub fn write_new_synced(dir: &Path, files: &[(&str, &[u8], u32)]) -> Result<()> {
    write_new(dir, files, Durability::Synced)
}

/// [`write_new_synced`], or with [`Durability::Renamed`] only written (for a directory
/// that is itself renamed into place, and can be made again: a fixture set). Names may
/// hold `/` for files in subdirectories that already exist.
pub fn write_new(dir: &Path, files: &[(&str, &[u8], u32)], durability: Durability) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut opened = Vec::with_capacity(files.len());
    for (name, bytes, mode) in files {
        let path = dir.join(name);
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(*mode)
            .open(&path)
            .map_err(|e| Error::io(&path, "create", e))?;
        f.write_all(bytes).map_err(|e| Error::io(&path, "write", e))?;
        opened.push((f, path));
    }
    if durability == Durability::Renamed {
        return Ok(());
    }
    for (f, path) in opened {
        f.sync_all().map_err(|e| Error::io(&path, "write", e))?;
    }
    sync_dir(dir);
    Ok(())
}

/// Write a secret (mode 0600) atomically.
pub fn write_secret(dest: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    stage(dest, bytes, SECRET_MODE)?.commit(overwrite)
}

/// Write a public file (mode 0644) atomically.
pub fn write_public(dest: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    stage(dest, bytes, PUBLIC_MODE)?.commit(overwrite)
}

/// Create `dir` (and missing parents) with mode 0700; an existing directory is kept as is.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(Error::io(
                dir,
                "create directory",
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file of that name exists"),
            ));
        }
        Err(_) => {}
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(dir)
        .map_err(|e| Error::io(dir, "create directory", e))
}

/// Create an output directory (for leaves: mode 0755 as usual for user directories).
pub fn create_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create directory", e))
}

/// Fail with [`Error::Exists`] for the first of `paths` that exists (unless `overwrite`).
pub fn refuse_existing(paths: &[&Path], overwrite: bool) -> Result<()> {
    if overwrite {
        return Ok(());
    }
    for p in paths {
        if fs::symlink_metadata(p).is_ok() {
            return Err(Error::Exists { path: p.to_path_buf() });
        }
    }
    Ok(())
}

/// Fail when one of `paths` exists but is a directory, which a rename cannot replace,
/// so a forced run fails before writing anything.
pub fn refuse_non_files(paths: &[&Path]) -> Result<()> {
    for p in paths {
        if fs::metadata(p).is_ok_and(|m| m.is_dir()) {
            return Err(Error::io(p, "write", std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
    }
    Ok(())
}

/// Read a whole file a user named, through the one bounded reader ([`crate::input`]).
pub fn read(path: &Path) -> Result<Vec<u8>> {
    crate::input::read_input(path)
}

/// Whether `dir` does not exist or is an empty directory.
pub fn is_missing_or_empty_dir(dir: &Path) -> Result<bool> {
    match fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) => Err(Error::io(dir, "read directory", e)),
    }
}

/// Set a directory's mode to 0700.
pub fn set_private_mode(dir: &Path) -> Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(PRIVATE_DIR_MODE))
        .map_err(|e| Error::io(dir, "set permissions on", e))
}

/// Remove a file if it is there, and make the removal durable.
pub fn remove_file_synced(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, "replace", e)),
        _ => {
            sync_dir(parent_dir(path));
            Ok(())
        }
    }
}

/// The prefix of a directory [`publish_new_dir`] is building.
pub const NEW_DIR_PREFIX: &str = ".pki-init-";

/// A private (0700) temporary directory in `parent`, 0700 from its first instant.
pub fn private_temp_dir(parent: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(fs::Permissions::from_mode(PRIVATE_DIR_MODE))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, "create a directory in", e))
}

/// Build a new directory `dir` with `files` in it: in a 0700 temporary directory beside
/// it ([`NEW_DIR_PREFIX`]), each file written and synced, then renamed into place in one
/// step, so a crash leaves the whole directory or none. `guard` is called on the
/// temporary directory before anything is written in it, and what it returns (a lock) is
/// held until the rename is done. An existing non-empty `dir` is [`Error::Exists`].
pub fn publish_new_dir<G>(
    dir: &Path,
    files: &[(&str, &[u8], u32)],
    guard: impl FnOnce(&Path) -> Result<G>,
) -> Result<()> {
    // A symlink to an empty directory (`--ca-dir ~/ca` pointing at a mounted volume): the
    // new directory replaces its target, not the link (renaming onto a link is ENOTDIR).
    let target;
    let dir = if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        target = fs::canonicalize(dir).map_err(|e| Error::io(dir, "follow the link", e))?;
        target.as_path()
    } else {
        dir
    };
    let parent = parent_dir(dir);
    create_dir(parent)?;
    let tmp = private_temp_dir(parent, NEW_DIR_PREFIX)?;
    let _guard = guard(tmp.path())?;
    write_new_synced(tmp.path(), files)?;
    let staged = tmp.keep();
    if let Err(e) = fs::rename(&staged, dir) {
        let _ = fs::remove_dir_all(&staged);
        return Err(
            if e.kind() == std::io::ErrorKind::DirectoryNotEmpty || e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists { path: dir.to_path_buf() }
            } else {
                Error::io(dir, "create directory", e)
            },
        );
    }
    sync_dir(parent);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_secret_is_private_before_it_has_its_name() {
        let d = tempfile::tempdir().unwrap();
        let staged = stage(&d.path().join("k.pem"), b"secret", SECRET_MODE).unwrap();
        // The temporary file is 0600 from its creation, not tightened later.
        assert_eq!(fs::metadata(staged.tmp_path()).unwrap().mode() & 0o777, 0o600);
        staged.commit(false).unwrap();
    }

    #[test]
    fn modes_and_no_clobber() {
        let d = tempfile::tempdir().unwrap();
        let k = d.path().join("k.pem");
        write_secret(&k, b"one", false).unwrap();
        assert_eq!(fs::metadata(&k).unwrap().mode() & 0o777, 0o600);
        assert!(matches!(write_secret(&k, b"two", false), Err(Error::Exists { .. })));
        assert_eq!(fs::read(&k).unwrap(), b"one");
        write_secret(&k, b"two", true).unwrap();
        assert_eq!(fs::read(&k).unwrap(), b"two");
        let c = d.path().join("c.pem");
        write_public(&c, b"c", false).unwrap();
        assert_eq!(fs::metadata(&c).unwrap().mode() & 0o777, 0o644);
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
