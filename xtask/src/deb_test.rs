//! `cargo xtask deb-test`: the package installed the way a user would, into a fresh minimal
//! Debian 12 root made on the spot with mmdebstrap (not this machine, which has every library
//! `cargo xtask setup` installed, so a missing `Depends` would go unseen here). Inside it:
//! `getanime --version`, `getanime doctor`, a shipped plugin installed from
//! /usr/share/getanime/plugins, the window as an unprivileged user showing the welcome screen
//! with both shipped sources (screenshot + OCR), a first sync against the fake AniLiberty API on
//! 127.0.0.1; then `apt-get purge` leaves none of the package's files behind. Static checks
//! first: the archive's layout, lintian, desktop-file-validate, appstreamcli.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail, ensure};

use crate::deb::{self, Build};
use crate::{cargo, check, setup, step, workspace_root};

/// The Debian release the root is made of (the one this project builds on).
const SUITE: &str = "bookworm";
/// Tools the checks run on this machine.
const TOOLS: &[&str] =
    &["mmdebstrap", "lintian", "desktop-file-utils", "appstream", "xvfb", "tesseract-ocr"];
/// The TV-box unit in the kiosk package.
const KIOSK_UNIT: &str = "./usr/lib/systemd/system/getanime-kiosk@.service";
/// Files the package must hold.
const EXPECTED: &[&str] = &[
    "./usr/bin/getanime",
    "./usr/share/getanime/plugins/aniliberty/plugin.wasm",
    "./usr/share/getanime/plugins/aniliberty/plugin.toml",
    "./usr/share/getanime/plugins/anilibria/plugin.wasm",
    "./usr/share/getanime/plugins/anilibria/plugin.toml",
    "./usr/share/getanime/plugins/aniliberty-account/plugin.wasm",
    "./usr/share/getanime/plugins/aniliberty-account/plugin.toml",
    "./usr/share/getanime/plugins/shikimori/plugin.wasm",
    "./usr/share/getanime/plugins/shikimori/plugin.toml",
    "./usr/share/getanime/plugins/anilist/plugin.wasm",
    "./usr/share/getanime/plugins/anilist/plugin.toml",
    "./usr/share/applications/io.github.getanime.GetAnime.desktop",
    "./usr/share/metainfo/io.github.getanime.GetAnime.metainfo.xml",
    "./usr/share/icons/hicolor/scalable/apps/io.github.getanime.GetAnime.svg",
    "./usr/share/man/man1/getanime.1.gz",
    "./usr/share/bash-completion/completions/getanime",
    "./usr/share/doc/getanime/copyright",
    "./usr/share/doc/getanime/changelog.Debian.gz",
];

/// Whether this machine lets the test make its root: root, and allowed to mount (a container
/// without that right cannot run it); `Err` says why not.
pub fn can_run() -> std::result::Result<(), String> {
    if !setup::is_root() {
        return Err("it needs root (mount, chroot)".into());
    }
    let probe = workspace_root().join("target/deb-test-mount-probe");
    std::fs::create_dir_all(&probe)
        .map_err(|error| format!("cannot make {}: {error}", probe.display()))?;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "probe"])
        .arg(&probe)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        return Err("this machine does not allow mounting, which the Debian root needs".into());
    }
    let unmounted = Command::new("umount").arg(&probe).status();
    if !unmounted.is_ok_and(|status| status.success()) {
        return Err(format!("could not unmount the probe {}", probe.display()));
    }
    Ok(())
}

pub fn run(build: Build) -> Result<()> {
    let packages = deb::build(build)?;
    let package = packages.main.as_path();
    setup::install(TOOLS)?;
    let work = workspace_root().join("target/deb-test");
    if work.exists() {
        // A run stopped half-way may have left its mounts; a finished one has none (quiet).
        unmount_all(&work.join("root"), true);
        std::fs::remove_dir_all(&work).with_context(|| format!("clearing {}", work.display()))?;
    }
    std::fs::create_dir_all(&work)?;
    static_checks(package, &work)?;
    kiosk_static_checks(&packages)?;
    let root = work.join("root");
    step(&format!("a minimal Debian root ({SUITE}, mmdebstrap --variant=minbase)"));
    check(
        Command::new("mmdebstrap")
            .args(["--variant=minbase", "--quiet", SUITE])
            .arg(&root)
            .arg("http://deb.debian.org/debian"),
    )?;
    let mounted = Mounts::new(&root)?;
    let result = inside(&root, package, &work).and_then(|()| kiosk_inside(&root, &packages, &work));
    drop(mounted);
    result?;
    println!("deb-test passed");
    Ok(())
}

/// The archive's layout and the linters, on this machine.
fn static_checks(package: &Path, work: &Path) -> Result<()> {
    step("the archive: its files, lintian, desktop-file-validate, appstreamcli");
    let contents = output(Command::new("dpkg-deb").arg("--contents").arg(package))?;
    let files: Vec<&str> =
        contents.lines().filter_map(|line| line.split_whitespace().nth(5)).collect();
    for expected in EXPECTED {
        ensure!(files.contains(expected), "the package lacks {expected}: {files:?}");
    }
    let stray: Vec<&&str> = files
        .iter()
        .filter(|file| {
            ["./usr/local", "./home", "./root", "./tmp"].iter().any(|bad| file.starts_with(bad))
        })
        .collect();
    ensure!(stray.is_empty(), "the package writes outside its place: {stray:?}");
    check(
        Command::new("lintian")
            .args(["--fail-on", "error", "--tag-display-limit", "0"])
            .arg(package),
    )?;
    let unpacked = work.join("unpacked");
    check(Command::new("dpkg-deb").arg("-x").arg(package).arg(&unpacked))?;
    check(
        Command::new("desktop-file-validate")
            .arg(unpacked.join("usr/share/applications/io.github.getanime.GetAnime.desktop")),
    )?;
    check(
        Command::new("appstreamcli")
            .args(["validate", "--no-net"])
            .arg(unpacked.join("usr/share/metainfo/io.github.getanime.GetAnime.metainfo.xml")),
    )
}

/// Everything that runs inside the root.
fn inside(root: &Path, package: &Path, work: &Path) -> Result<()> {
    let in_root = |args: &[&str]| chroot(root, args);
    step("apt-get install ./getanime_….deb inside the root");
    check(&mut in_root(&["apt-get", "update", "-qq"]))?;
    apt_install_file(root, package)?;
    let status = output(&mut in_root(&["dpkg-query", "-W", "-f=${Status}", "getanime"]))?;
    ensure!(status == "install ok installed", "dpkg says: {status}");

    step("the installed program, as an unprivileged user");
    check(&mut in_root(&["useradd", "--create-home", "viewer"]))?;
    let as_viewer = |script: &str| -> Command {
        let mut command = in_root(&["runuser", "-u", "viewer", "--", "sh", "-c", script]);
        command.env("HOME", "/home/viewer").env_remove("XDG_DATA_HOME");
        command
    };
    let version = output(&mut as_viewer("getanime --version"))?;
    ensure!(version.starts_with("getanime "), "getanime --version said {version:?}");
    let doctor = output(&mut as_viewer("getanime doctor"))?;
    println!("{doctor}");
    ensure!(
        doctor.contains("shipped sources: AniLiberty, AniLibria in /usr/share/getanime/plugins"),
        "{doctor}"
    );
    let plugins = output(&mut as_viewer(
        "getanime --data-dir /tmp/cli plugin install /usr/share/getanime/plugins/anilibria \
         && getanime --data-dir /tmp/cli plugin list",
    ))?;
    ensure!(plugins.contains("anilibria"), "the shipped plugin did not install: {plugins}");

    step("the window: the welcome screen, then a first sync against a fake AniLiberty");
    let (mut fake, api) = fake_aniliberty()?;
    let display = Xvfb::start()?;
    let window = output(&mut as_viewer(&format!(
        "DISPLAY={display} SLINT_BACKEND=winit-software GETANIME_SILENT=1 LANG=C.UTF-8 \
         GETANIME_PRESET_ANILIBERTY_BASE_URL={api} \
         getanime --data-dir /home/viewer/data --exit-after-first-frame --keys enter,wait \
         --key-interval-ms 4000 --screenshot /tmp/welcome.png",
        display = display.name
    )));
    drop(display);
    drop(fake.stdin.take());
    fake.wait()?;
    window?;
    let shot = root.join("tmp/welcome.png");
    let copy = work.join("welcome.png");
    std::fs::copy(&shot, &copy).with_context(|| format!("no screenshot at {}", shot.display()))?;
    let read = output(Command::new("tesseract").arg(&copy).arg("-").args(["-l", "eng"]))?;
    for word in ["AniLiberty", "AniLibria"] {
        ensure!(read.contains(word), "the welcome screen does not show {word}: {read}");
    }
    let titles = output(&mut as_viewer("getanime --data-dir /home/viewer/data --json titles"))?;
    let titles: serde_json::Value = serde_json::from_str(&titles)?;
    let count = titles.as_array().map_or(0, Vec::len);
    ensure!(count > 0, "the first sync saved no titles");
    println!("the first sync saved {count} titles");

    Ok(())
}

/// The kiosk package's files, its pin on the main package's version, lintian.
fn kiosk_static_checks(packages: &deb::Packages) -> Result<()> {
    step("the kiosk package: its files, its Depends, lintian");
    let contents = output(Command::new("dpkg-deb").arg("--contents").arg(&packages.kiosk))?;
    for expected in [KIOSK_UNIT, "./etc/pam.d/getanime-kiosk"] {
        ensure!(contents.contains(expected), "getanime-kiosk lacks {expected}:\n{contents}");
    }
    let version =
        output(Command::new("dpkg-deb").args(["--field"]).arg(&packages.main).arg("Version"))?;
    let depends =
        output(Command::new("dpkg-deb").args(["--field"]).arg(&packages.kiosk).arg("Depends"))?;
    ensure!(
        depends.contains(&format!("getanime (= {version})")),
        "getanime-kiosk must need this very getanime ({version}): Depends: {depends}"
    );
    check(
        Command::new("lintian")
            .args(["--fail-on", "error", "--tag-display-limit", "0"])
            .arg(&packages.kiosk),
    )
}

/// TV-box mode in the root: installing enables nothing; the unit verifies; the system user
/// exists; cage started headless (wlroots' headless backend) shows the welcome screen, as a
/// compositor screenshot (grim) read back by OCR; then both packages purge cleanly.
fn kiosk_inside(root: &Path, packages: &deb::Packages, work: &Path) -> Result<()> {
    let in_root = |args: &[&str]| chroot(root, args);
    step("apt-get install ./getanime-kiosk_….deb inside the root");
    apt_install_file(root, &packages.kiosk)?;
    // Test tools only: the man page check of `systemd-analyze verify`, a compositor screenshot.
    check(&mut in_root(&[
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "man-db",
        "grim",
    ]))?;
    output(&mut in_root(&["getent", "passwd", "getanime"])).context("no system user getanime")?;
    let enabled =
        output(&mut in_root(&["find", "/etc/systemd/system", "-name", "getanime-kiosk*"]))?;
    ensure!(enabled.is_empty(), "installing enabled the TV-box unit: {enabled}");
    let unit = KIOSK_UNIT.trim_start_matches('.').replace("@.service", "@tty1.service");
    check(&mut in_root(&["systemd-analyze", "verify", &unit]))
        .context("systemd-analyze verify found problems in the TV-box unit")?;

    step("cage, headless, as the user getanime: the welcome screen");
    let script = "set -e\n\
        export GETANIME_KIOSK=1 GETANIME_SILENT=1 LANG=C.UTF-8\n\
        getanime --no-sync --exit-after-first-frame --keys wait,wait,wait --key-interval-ms 2000 \
            > /tmp/kiosk-app.log 2>&1 &\n\
        for _ in $(seq 100); do\n\
            [ \"$(grep -c 'pressing key' /tmp/kiosk-app.log)\" -ge 2 ] && break\n\
            sleep 0.2\n\
        done\n\
        grim /tmp/kiosk.png\n\
        wait\n";
    std::fs::write(root.join("tmp/in-cage.sh"), script)?;
    check(&mut in_root(&["install", "-d", "-m", "0700", "-o", "getanime", "/tmp/kiosk-runtime"]))?;
    check(
        in_root(&["runuser", "-u", "getanime", "--", "cage", "--", "sh", "/tmp/in-cage.sh"])
            .env("HOME", "/var/lib/getanime")
            .env("XDG_RUNTIME_DIR", "/tmp/kiosk-runtime")
            .env("WLR_BACKENDS", "headless")
            .env("WLR_RENDERER", "pixman")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY"),
    )
    .context("cage did not run getanime")?;
    let shot = work.join("kiosk.png");
    std::fs::copy(root.join("tmp/kiosk.png"), &shot).context("grim took no screenshot")?;
    let read = output(Command::new("tesseract").arg(&shot).arg("-").args(["-l", "eng"]))?;
    // The end of a long line too: the window is scaled to cage's output, not cut by it.
    for word in ["Welcome to getanime", "AniLiberty", "AniLibria", "Reaches api.anilibria.tv"] {
        ensure!(read.contains(word), "cage does not show {word}: {read}");
    }

    step("apt-get purge leaves nothing behind");
    let installed = output(&mut in_root(&["dpkg", "-L", "getanime", "getanime-kiosk"]))?;
    check(&mut in_root(&["apt-get", "purge", "-y", "-qq", "getanime-kiosk", "getanime"]))?;
    let left: Vec<&str> = installed
        .lines()
        .filter(|file| {
            let path = root.join(file.trim_start_matches('/'));
            file.starts_with('/') && path.exists() && !path.is_dir()
        })
        .collect();
    ensure!(left.is_empty(), "left behind after purge: {left:?}");
    ensure!(!root.join("usr/share/getanime").exists(), "/usr/share/getanime is left behind");
    ensure!(!root.join("etc/pam.d/getanime-kiosk").exists(), "the PAM file outlived purge");
    Ok(())
}

/// `args` run inside `root`, apt without questions.
fn chroot(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("chroot");
    command.arg(root).args(args).env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// Installs the package file `package` inside `root` as a user would (`apt-get install ./…`),
/// apt resolving its Depends from Debian.
fn apt_install_file(root: &Path, package: &Path) -> Result<()> {
    let file_name = package.file_name().context("the package's file name")?;
    std::fs::copy(package, root.join("tmp").join(file_name))?;
    let in_tmp = format!("/tmp/{}", file_name.to_string_lossy());
    check(&mut chroot(root, &["apt-get", "install", "-y", "-qq", &in_tmp]))
}

/// The first line `child` writes to its (piped) stdout, trimmed: how the fake server and Xvfb
/// say where they listen.
fn first_line(child: &mut Child) -> Result<String> {
    let stdout = child.stdout.take().context("the child's stdout is not piped")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// The fake AniLiberty API (tests/testkit's `fake-aniliberty`) and its base URL; it stops when
/// its stdin is closed.
fn fake_aniliberty() -> Result<(Child, String)> {
    let mut child = cargo()
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "getanime-testkit",
            "--bin",
            "fake-aniliberty",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the fake AniLiberty")?;
    let api = first_line(&mut child)?;
    ensure!(api.starts_with("http://127.0.0.1:"), "the fake AniLiberty said {api:?}");
    Ok((child, api))
}

/// An Xvfb of the test's own; the root shares this machine's network namespace, so the
/// program inside reaches it through its abstract socket. Stopped when dropped.
struct Xvfb {
    name: String,
    child: Child,
}

impl Xvfb {
    fn start() -> Result<Xvfb> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?;
        let number = first_line(&mut child)?;
        ensure!(!number.is_empty(), "Xvfb named no display");
        Ok(Xvfb { name: format!(":{number}"), child })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("stopping Xvfb: {error}");
        }
        if let Err(error) = self.child.wait() {
            eprintln!("waiting for Xvfb: {error}");
        }
    }
}

/// /proc, /dev and /sys mounted into the root for apt and the program; unmounted when dropped.
struct Mounts {
    root: PathBuf,
}

impl Mounts {
    fn new(root: &Path) -> Result<Mounts> {
        let mounts = Mounts { root: root.to_path_buf() };
        check(Command::new("mount").args(["-t", "proc", "proc"]).arg(root.join("proc")))?;
        check(Command::new("mount").args(["--rbind", "/dev"]).arg(root.join("dev")))?;
        check(Command::new("mount").args(["--rbind", "/sys"]).arg(root.join("sys")))?;
        // Name resolution for apt inside the root.
        std::fs::copy("/etc/resolv.conf", root.join("etc/resolv.conf"))?;
        Ok(mounts)
    }
}

impl Drop for Mounts {
    fn drop(&mut self) {
        unmount_all(&self.root, false);
    }
}

/// Unmounts whatever is mounted under `root` (lazily: a busy /dev is let go when free); `quiet`
/// keeps umount's "not mounted" off the terminal.
fn unmount_all(root: &Path, quiet: bool) {
    for dir in ["proc", "dev", "sys"] {
        let target = root.join(dir);
        let mut umount = Command::new("umount");
        umount.args(["--recursive", "--lazy"]).arg(&target);
        if quiet {
            umount.stderr(Stdio::null());
        }
        let unmounted = umount.status();
        if let Err(error) = unmounted {
            eprintln!("umount {}: {error}", target.display());
        }
    }
}

/// Runs `command`, requiring success; returns its stdout.
fn output(command: &mut Command) -> Result<String> {
    let output = command.output().with_context(|| format!("cannot start {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed with {}:\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
