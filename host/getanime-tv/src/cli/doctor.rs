//! `getanime doctor`: whether this machine has what getanime needs, said in words with the
//! package that brings what is missing. The installed-package test and the TV-box unit run it.
//! It opens no window and asks no server, so it also works where the UI cannot start.

use std::path::Path;
use std::process::Command;

use getanime_app::{App, DataPaths};
use getanime_player::requirements;
use serde::Serialize;

/// Libraries the window opens at run time with `dlopen` (winit, glutin, xkbcommon-dl, x11rb),
/// so no dependency scan sees them; each with the Debian package that brings it. Read from the
/// binary's strings and mapped with `dpkg -S` on Debian 12.
const WINDOWING_LIBRARIES: &[(&str, &str)] = &[
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb.so.1", "libxcb1"),
    ("libXcursor.so.1", "libxcursor1"),
    ("libXi.so.6", "libxi6"),
    ("libXrender.so.1", "libxrender1"),
    ("libwayland-client.so.0", "libwayland-client0"),
    ("libwayland-egl.so.1", "libwayland-egl1"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
];

/// One thing the doctor looked at.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was checked (`avdec_h264`, `libEGL.so.1`, `data folder`).
    pub subject: String,
    /// What was found, or what is wrong, in words.
    pub said: String,
    pub ok: bool,
    /// Whether getanime cannot work without it (a missing optional thing is only a warning).
    pub required: bool,
    /// The Debian package that brings it, when it is missing and one does.
    pub package: Option<String>,
}

impl Finding {
    fn ok(subject: impl Into<String>, said: impl Into<String>) -> Finding {
        Finding {
            subject: subject.into(),
            said: said.into(),
            ok: true,
            required: true,
            package: None,
        }
    }

    fn missing(subject: impl Into<String>, said: impl Into<String>, required: bool) -> Finding {
        Finding { subject: subject.into(), said: said.into(), ok: false, required, package: None }
    }

    fn brought_by(mut self, package: &str) -> Finding {
        self.package = Some(package.to_owned());
        self
    }
}

/// Everything the doctor found, in the order it looked.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether everything getanime needs is here.
    pub fn healthy(&self) -> bool {
        self.findings.iter().all(|finding| finding.ok || !finding.required)
    }

    /// The packages that would bring what is missing, each once.
    pub fn packages_to_install(&self) -> Vec<&str> {
        let mut packages: Vec<&str> = self
            .findings
            .iter()
            .filter(|finding| !finding.ok)
            .filter_map(|finding| finding.package.as_deref())
            .collect();
        packages.sort_unstable();
        packages.dedup();
        packages
    }

    /// The report as a person reads it; with `quiet`, only what is missing.
    pub fn text(&self, quiet: bool) -> String {
        let mut text = String::new();
        for finding in &self.findings {
            if quiet && finding.ok {
                continue;
            }
            let mark = match (finding.ok, finding.required) {
                (true, _) => "ok     ",
                (false, true) => "MISSING",
                (false, false) => "missing (optional)",
            };
            let package = finding
                .package
                .as_deref()
                .filter(|_| !finding.ok)
                .map(|package| format!(" — the package {package} brings it"))
                .unwrap_or_default();
            text.push_str(&format!("{mark} {}: {}{package}\n", finding.subject, finding.said));
        }
        let packages = self.packages_to_install();
        if self.healthy() {
            if !quiet {
                text.push_str("Everything getanime needs is here.\n");
            }
        } else {
            text.push_str("getanime cannot play or show everything here.\n");
        }
        if !packages.is_empty() {
            let lead = if self.healthy() { "For the optional parts" } else { "To fix it" };
            text.push_str(&format!("{lead}: sudo apt install {}\n", packages.join(" ")));
        }
        text
    }
}

/// Looks at GStreamer, the windowing libraries, the renderer, the data folder and the plugins.
pub async fn examine(paths: &DataPaths) -> Report {
    let mut findings = Vec::new();
    gstreamer_findings(&mut findings);
    let found = linker_libraries();
    for (soname, package) in WINDOWING_LIBRARIES {
        findings.push(if found.iter().any(|name| name == soname) {
            Finding::ok(*soname, "found")
        } else {
            Finding::missing(*soname, "not found; the window cannot open without it", true)
                .brought_by(package)
        });
    }
    findings.push(Finding::ok("renderer", crate::screens::renderer_in_use()));
    findings.push(data_folder(paths).await);
    findings.push(shipped_plugins());
    Report { findings }
}

fn gstreamer_findings(findings: &mut Vec<Finding>) {
    match requirements::gstreamer_version() {
        Ok(version) => findings.push(Finding::ok("GStreamer", version)),
        Err(error) => {
            findings.push(
                Finding::missing("GStreamer", format!("cannot start: {error}"), true)
                    .brought_by("libgstreamer1.0-0"),
            );
            return;
        }
    }
    let checks = match requirements::check_elements() {
        Ok(checks) => checks,
        Err(error) => {
            findings.push(Finding::missing("GStreamer registry", error.to_string(), true));
            return;
        }
    };
    for check in checks {
        let preferred = check.need.names.first().copied().unwrap_or_default();
        findings.push(match check.found {
            Some(name) if name == preferred => Finding::ok(name, check.need.purpose),
            Some(name) => {
                Finding::ok(preferred, format!("{} (with {name} instead)", check.need.purpose))
            }
            None => Finding::missing(
                check.need.names.join(" or "),
                format!("nothing {}", check.need.purpose),
                check.need.required,
            )
            .brought_by(check.need.package),
        });
    }
}

/// The sonames the dynamic linker can find (`ldconfig -p`), else what the usual library
/// folders hold.
fn linker_libraries() -> Vec<String> {
    let cache = ["ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"]
        .into_iter()
        .find_map(|program| Command::new(program).arg("-p").output().ok())
        .filter(|output| output.status.success());
    if let Some(output) = cache {
        return String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
            .collect();
    }
    ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib"]
        .into_iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.flatten())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

async fn data_folder(paths: &DataPaths) -> Finding {
    let subject = format!("data folder {}", paths.root().display());
    if !paths.database().is_file() {
        return Finding::ok(subject, "no library yet; the first start makes one");
    }
    let checked = async {
        let app = App::open(paths.clone())?;
        let check = app.check().await?;
        anyhow::Ok((check, app.plugins().await?.len()))
    };
    match checked.await {
        Ok((check, _)) if !check.problems.is_empty() => Finding::missing(
            subject,
            format!(
                "the library file is damaged ({}); restore a backup",
                check.problems.join("; ")
            ),
            true,
        ),
        Ok((check, plugins)) => Finding::ok(
            subject,
            format!("healthy: {} titles, {plugins} sources installed", check.titles),
        ),
        Err(error) => Finding::missing(subject, getanime_app::explain(&error), true),
    }
}

fn shipped_plugins() -> Finding {
    let Some(dir) = getanime_app::shipped_dir() else {
        return Finding::missing(
            "shipped sources",
            "not found (looked beside the program and in the XDG data folders); sources can still \
             be installed from a package",
            false,
        );
    };
    let found: Vec<String> =
        getanime_app::shipped_in(&dir).into_iter().map(|plugin| plugin.manifest.name).collect();
    if found.is_empty() {
        return Finding::missing(
            "shipped sources",
            format!("none readable in {}", dir.display()),
            false,
        );
    }
    Finding::ok("shipped sources", format!("{} in {}", found.join(", "), shipped_dir_text(&dir)))
}

fn shipped_dir_text(dir: &Path) -> String {
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()).display().to_string()
}
