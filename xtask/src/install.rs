//! `cargo xtask install [--prefix DIR] [--destdir DIR]` and `uninstall`: for people who build
//! from source. The same files as the Debian package (staged by [`crate::deb`]) laid out under
//! a prefix (default `~/.local`), where the program finds its shipped sources through
//! `../share/getanime/plugins`; a manifest of what was written lets `uninstall` remove exactly
//! that. `--destdir` prefixes every path, as other distributions' packagers expect.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::deb::{self, Build};
use crate::step;

/// Where the manifest of an installation lives, under the prefix.
const MANIFEST: &str = "share/getanime/install-manifest.txt";

/// Each staged file and the folder under the prefix it goes to (the package's assets, the same
/// way round).
const LAYOUT: &[(&str, &str)] = &[
    ("getanime", "bin"),
    ("plugins/aniliberty/plugin.wasm", "share/getanime/plugins/aniliberty"),
    ("plugins/aniliberty/plugin.toml", "share/getanime/plugins/aniliberty"),
    ("plugins/anilibria/plugin.wasm", "share/getanime/plugins/anilibria"),
    ("plugins/anilibria/plugin.toml", "share/getanime/plugins/anilibria"),
    ("getanime.1.gz", "share/man/man1"),
    ("completions/getanime", "share/bash-completion/completions"),
    ("completions/_getanime", "share/zsh/site-functions"),
    ("completions/getanime.fish", "share/fish/vendor_completions.d"),
    ("THIRD-PARTY-LICENSES.md", "share/doc/getanime"),
];
/// Files from the repository's packaging folder, and where they go.
const DESKTOP_FILES: &[(&str, &str)] = &[
    ("linux/io.github.getanime.GetAnime.desktop", "share/applications"),
    ("linux/io.github.getanime.GetAnime.metainfo.xml", "share/metainfo"),
    ("linux/io.github.getanime.GetAnime.svg", "share/icons/hicolor/scalable/apps"),
];

/// The default prefix: `~/.local`.
pub fn default_prefix() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("no HOME; pass --prefix")?;
    Ok(PathBuf::from(home).join(".local"))
}

/// `destdir` + `prefix` (the prefix made relative when a destdir is given).
fn root_of(prefix: &Path, destdir: Option<&Path>) -> PathBuf {
    match destdir {
        Some(destdir) => destdir.join(prefix.strip_prefix("/").unwrap_or(prefix)),
        None => prefix.to_path_buf(),
    }
}

/// Builds (as `build` says), then installs under `prefix`; returns the files written.
pub fn install(build: Build, prefix: &Path, destdir: Option<&Path>) -> Result<Vec<PathBuf>> {
    if !prefix.is_absolute() {
        bail!("--prefix must be an absolute path, not {}", prefix.display());
    }
    let stage = deb::stage_all(build)?;
    let packaging = crate::workspace_root().join("packaging");
    let root = root_of(prefix, destdir);
    step(&format!("installing under {}", root.display()));
    let sources = LAYOUT
        .iter()
        .map(|(file, dir)| (stage.join(file), *dir))
        .chain(DESKTOP_FILES.iter().map(|(file, dir)| (packaging.join(file), *dir)));
    let mut written = Vec::new();
    for (source, dir) in sources {
        let name = source.file_name().context("a file name")?;
        let target_dir = root.join(dir);
        std::fs::create_dir_all(&target_dir)
            .with_context(|| format!("creating {}", target_dir.display()))?;
        let target = target_dir.join(name);
        std::fs::copy(&source, &target)
            .with_context(|| format!("copying {} to {}", source.display(), target.display()))?;
        println!("  {}", target.display());
        written.push(target);
    }
    let manifest = root.join(MANIFEST);
    let listed: Vec<String> = written.iter().map(|path| path.display().to_string()).collect();
    std::fs::write(&manifest, listed.join("\n") + "\n")
        .with_context(|| format!("writing {}", manifest.display()))?;
    written.push(manifest);
    println!("installed; {} runs it", root.join("bin/getanime").display());
    Ok(written)
}

/// Removes what `install` wrote under `prefix` (its manifest says what), then the folders it
/// leaves empty.
pub fn uninstall(prefix: &Path, destdir: Option<&Path>) -> Result<()> {
    let root = root_of(prefix, destdir);
    let manifest = root.join(MANIFEST);
    let listed = std::fs::read_to_string(&manifest).with_context(|| {
        format!("no installation under {} ({} is missing)", root.display(), manifest.display())
    })?;
    for file in listed.lines().map(PathBuf::from).chain([manifest]) {
        match std::fs::remove_file(&file) {
            Ok(()) => println!("  removed {}", file.display()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| format!("removing {}", file.display()));
            }
        }
        // Folders left empty, up to the prefix (remove_dir refuses a folder that is not empty).
        let mut dir = file.parent();
        while let Some(current) =
            dir.filter(|current| *current != root && current.starts_with(&root))
        {
            if std::fs::remove_dir(current).is_err() {
                break;
            }
            dir = current.parent();
        }
    }
    Ok(())
}

/// Installs the tests' build into a temporary prefix, checks that the installed program finds
/// its shipped sources there (`getanime doctor`), then uninstalls and checks nothing is left.
pub fn check_round_trip() -> Result<()> {
    let prefix = crate::workspace_root().join("target/install-test/usr");
    if prefix.exists() {
        std::fs::remove_dir_all(&prefix)?;
    }
    let written = install(Build::Dev, &prefix, None)?;
    let data = prefix.join("../data");
    let doctor = std::process::Command::new(prefix.join("bin/getanime"))
        .arg("--data-dir")
        .arg(&data)
        .arg("doctor")
        .env_remove("GETANIME_SHIPPED_PLUGINS")
        .output()
        .context("running the installed getanime")?;
    let said = String::from_utf8_lossy(&doctor.stdout);
    let plugins = prefix.join("share/getanime/plugins").canonicalize()?;
    let expected = format!("shipped sources: AniLiberty, AniLibria in {}", plugins.display());
    if !doctor.status.success() || !said.contains(&expected) {
        bail!("the installed program did not find its sources ({expected:?}):\n{said}");
    }
    uninstall(&prefix, None)?;
    let left: Vec<&PathBuf> = written.iter().filter(|file| file.exists()).collect();
    let folders_left = std::fs::read_dir(&prefix)?.count();
    if !left.is_empty() || folders_left > 0 {
        bail!("uninstall left {left:?} and {folders_left} folders in {}", prefix.display());
    }
    Ok(())
}
