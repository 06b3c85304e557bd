//! A provider plugin for host tests. `search(query)` runs the behaviour the query names:
//!
//! - `trap`: panics (a trap in wasm);
//! - `loop`: spins forever (the host's epoch deadline must stop it);
//! - `memory-bomb`: allocates until the host's memory limit stops it;
//! - `fetch <url>`: fetches through the host and returns one title named after the status;
//! - `post <url> <text>`: POSTs `{"text": ...}` and returns one title named after the status
//!   and the answer's body;
//! - `setting <key>`: returns one title named after the setting's value;
//! - `huge-output <MiB>`: returns a title whose name is that many MiB long;
//! - `sleep <ms>`: sleeps (through WASI clocks), then answers one title;
//! - `invalid-data`: returns data that breaks the host's validation rules;
//! - `stack-overflow`: recurses without end;
//! - `snoop`: tries to read the environment, a file and the directory listing, and reports;
//! - `many-fetches <n> <url>`: fetches `url` n times;
//! - anything else: an empty page.
//!
//! `filters` answers a fixed set and `catalog` one title naming the filter it was given.

use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Episode, FilterOption, Page, Provider, ProviderError, Quality,
    SkipRange, Stream, Title, http,
};

/// The provider; public so benchmarks can call it natively as a baseline.
pub struct TestProvider;

fn title(source_id: &str, name: &str) -> Title {
    Title::new(source_id, name)
}

/// Never returns: each call adds a frame (black_box keeps the optimizer from looping it).
#[allow(unconditional_recursion, reason = "the stack overflow is the point")]
fn recurse(depth: u64) -> u64 {
    let mut frame = [depth; 64];
    std::hint::black_box(&mut frame);
    recurse(frame[0] + 1) + frame[1]
}

fn one_title_page(name: &str) -> Page {
    Page { items: vec![title("1", name)], page: 1, pages: Some(1) }
}

impl Provider for TestProvider {
    fn filters() -> Result<CatalogFilters, ProviderError> {
        Ok(CatalogFilters {
            genres: vec![
                FilterOption::new("action", "Action"),
                FilterOption::new("drama", "Drama"),
            ],
            years: Some((1990, 2025)),
            sorts: vec![FilterOption::new("fresh", "Newest")],
            ..CatalogFilters::default()
        })
    }

    fn catalog(filter: CatalogFilter, page: u32) -> Result<Page, ProviderError> {
        let name =
            format!("genres={} from={:?} page={page}", filter.genres.join("+"), filter.year_from);
        Ok(Page::new(vec![title("c1", &name)], page, Some(3)))
    }

    fn latest(page: u32) -> Result<Page, ProviderError> {
        Ok(Page { items: vec![title("1", "First"), title("2", "Second")], page, pages: Some(1) })
    }

    fn search(query: String, _page: u32) -> Result<Page, ProviderError> {
        let (command, argument) = query.split_once(' ').unwrap_or((query.as_str(), ""));
        match command {
            "trap" => panic!("the test provider traps on purpose"),
            "loop" => {
                let mut counter: u64 = 0;
                loop {
                    counter = std::hint::black_box(counter.wrapping_add(1));
                }
            }
            "memory-bomb" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "fetch" => {
                let response = http::get(argument)?;
                Ok(one_title_page(&format!("status {}", response.status)))
            }
            "post" => {
                let (url, text) = argument.split_once(' ').unwrap_or((argument, ""));
                let response = http::post_json(url, &serde_json::json!({ "text": text }))?;
                let body = String::from_utf8_lossy(&response.body);
                Ok(one_title_page(&format!("status {} {body}", response.status)))
            }
            "huge-output" => {
                let mebibytes: usize = argument.parse().unwrap_or(1);
                Ok(one_title_page(&"x".repeat(mebibytes << 20)))
            }
            "sleep" => {
                let millis: u64 = argument.parse().unwrap_or(0);
                std::thread::sleep(std::time::Duration::from_millis(millis));
                Ok(one_title_page("slept"))
            }
            "invalid-data" => {
                let mut broken = title("", "  ");
                broken.summary.poster_url = Some("file:///etc/passwd".to_owned());
                broken.episodes.push(Episode {
                    streams: vec![Stream::new(Quality::Hd, "javascript:alert(1)")],
                    opening: Some(SkipRange { start_ms: 5_000, end_ms: 1_000 }),
                    ..Episode::new(f64::NAN)
                });
                Ok(Page::new(vec![broken], 1, Some(1)))
            }
            "stack-overflow" => {
                Ok(one_title_page(&format!("depth {}", recurse(std::hint::black_box(1)))))
            }
            "snoop" => {
                let env = std::env::vars().count();
                let home = std::env::var("HOME").is_ok();
                let file = std::fs::read("/etc/passwd").is_ok();
                let listing = std::fs::read_dir("/").is_ok();
                let args = std::env::args().count();
                Ok(one_title_page(&format!(
                    "env={env} home={home} file={file} listing={listing} args={args}"
                )))
            }
            "many-fetches" => {
                let (count, url) = argument.split_once(' ').unwrap_or(("0", ""));
                let count: u32 = count.parse().unwrap_or(0);
                let mut ok = 0;
                for _ in 0..count {
                    if http::get(url).is_ok_and(|response| response.status == 200) {
                        ok += 1;
                    }
                }
                Ok(one_title_page(&format!("fetched {ok}")))
            }
            "print" => {
                println!("{argument}");
                eprintln!("{argument} (stderr)");
                Ok(one_title_page("printed"))
            }
            "setting" => {
                let value = getanime_provider_sdk::setting(argument);
                Ok(one_title_page(value.as_deref().unwrap_or("(unset)")))
            }
            _ => Ok(Page { items: Vec::new(), page: 1, pages: Some(0) }),
        }
    }
}

getanime_provider_sdk::export_provider!(TestProvider);
