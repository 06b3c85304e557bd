//! `frame_time_catalog_grid`: the frames of Browse paging down a source's whole catalog, served
//! by a fake AniLiberty v1 API on 127.0.0.1 and read through the real plugin.

use anyhow::{Context, Result};
use getanime_testkit::{FakeServer, built_plugin, serve_aniliberty_catalog};

/// Titles of the big catalog.
const TITLES: u32 = 10_000;

/// (the frames on the 10 000-title catalog, the frames on a one-title catalog).
pub fn frames(runtime: &tokio::runtime::Runtime) -> Result<(Vec<f64>, Vec<f64>)> {
    // One second of 40 ms keys for the filters and the first page to come.
    let settle = vec!["wait"; 25].join(",");
    // Browse; the mode chip: the catalog; Right, Right: Genre, Enter: the first (a third of
    // the titles); down the grid, sixty rows.
    let keys = format!(
        "up,right,enter,{settle},up,enter,{settle},right,right,enter,{settle},{}",
        vec!["down"; 60].join(",")
    );
    let big = catalog_library(runtime, TITLES)?;
    let one = catalog_library(runtime, 1)?;
    let catalog = super::frames(super::SOFTWARE, big.data.path(), &keys, "down")?;
    let baseline = super::frames(super::SOFTWARE, one.data.path(), &keys, "down")?;
    let asked = big.server.requests();
    let pages = asked.iter().filter(|target| target.contains("f%5Bgenres%5D=1")).count();
    anyhow::ensure!(pages >= 5, "only {pages} pages of the genre were asked for: {asked:?}");
    Ok((catalog, baseline))
}

/// A data directory with AniLiberty installed against a fake catalog of `titles` titles, and
/// one title in the library (an empty one would open the welcome screen).
struct CatalogLibrary {
    data: tempfile::TempDir,
    server: FakeServer,
}

fn catalog_library(runtime: &tokio::runtime::Runtime, titles: u32) -> Result<CatalogLibrary> {
    let server = FakeServer::start_in_background()?;
    serve_aniliberty_catalog(&server, "/api/v1", titles);
    let data = super::library(runtime, 1)?;
    let getanime = |args: &[&str]| super::playback::getanime(data.path(), args);
    let plugin = built_plugin("aniliberty")?;
    getanime(&["plugin", "install", plugin.to_str().context("a UTF-8 path")?])?;
    let base_url = format!("{}/api/v1", server.base_url());
    getanime(&["plugin", "set", "aniliberty", "base_url", &base_url])?;
    getanime(&["plugin", "grant", "aniliberty", "127.0.0.1"])?;
    Ok(CatalogLibrary { data, server })
}
