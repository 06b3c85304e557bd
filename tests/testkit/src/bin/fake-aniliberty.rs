//! A fake AniLiberty API on 127.0.0.1 answering the real recorded responses in
//! tests/fixtures/aniliberty/real (their provenance is in that folder's README): the latest
//! releases (any page), the week's schedule and release 9970. For tests that run the program
//! outside cargo test (`cargo xtask deb-test`, inside a Debian root): prints its base URL on
//! the first line of stdout, then serves until stdin closes. It also serves a fake AniLiberty
//! account (`getanime_testkit::aniliberty_account`) whose user has release 9970 in Watching with
//! its first episode watched, and a "phone" that accepts every sign-in code 3 s after it is
//! handed out.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use getanime_testkit::{FakeServer, Reply, fixture_path};

fn main() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    let real = |name: &str| -> Result<Vec<u8>> {
        let path = fixture_path("aniliberty", &format!("real/{name}"));
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    let latest = real("releases_latest.json")?;
    server.route_computed("/api/v1/anime/releases/latest", move |_| Reply::json(latest.clone()));
    server.route("/api/v1/anime/schedule/week", Reply::json(real("schedule_week.json")?));
    server.route("/api/v1/anime/releases/9970", Reply::json(real("release_9970.json")?));
    server.route("/api/v1/app/status", Reply::json(real("app_status.json")?));
    let account =
        getanime_testkit::aniliberty_account::FakeAnilibertyAccount::serve(&server, "/api/v1");
    account.set_collection(9970, "WATCHING");
    account.set_timecode("9f5182a6-4714-4833-b9b8-ca7643d8eea9", 1420.0, true);
    let phone = account.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3));
            phone.accept_last_code();
        }
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}/api/v1", server.base_url())?;
    stdout.flush()?;
    drop(stdout);
    // Serve until whoever started it closes stdin (or the process is killed).
    for line in std::io::stdin().lock().lines() {
        line?;
    }
    let requests = server.requests();
    eprintln!("fake AniLiberty answered {} requests", requests.len());
    Ok(())
}
