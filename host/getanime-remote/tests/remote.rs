//! The phone remote through real sockets on 127.0.0.1: a real app on a real library file, real
//! reqwest and a real WebSocket client, every rule of `guard.rs` and `api.rs` tried as an
//! attacker on the same network would.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use futures_util::{SinkExt, StreamExt};
use getanime_app::VolumeChange;
use getanime_app::navigation::Key;
use getanime_app::{App, DataPaths};
use getanime_domain::RemoteScope;
use getanime_remote::{
    Access, NowPlaying, PlayerAction, ROUTES, Remote, RemoteCommand, RemoteConfig, RemoteSnapshot,
    TextField,
};
use reqwest::StatusCode;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite;

/// A library, the remote on 127.0.0.1, and what it sends the TV.
struct World {
    dir: tempfile::TempDir,
    app: Arc<App>,
    remote: Remote,
    commands: mpsc::UnboundedReceiver<RemoteCommand>,
    snapshot: watch::Sender<RemoteSnapshot>,
    http: reqwest::Client,
}

impl World {
    async fn new() -> Result<World> {
        let dir = tempfile::tempdir()?;
        let app = Arc::new(App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?);
        let (commands_in, commands) = mpsc::unbounded_channel();
        let (snapshot, snapshot_out) = watch::channel(RemoteSnapshot::default());
        let config = RemoteConfig { bind: "127.0.0.1:0".parse()?, host_name: None };
        let remote = Remote::start(Arc::clone(&app), config, commands_in, snapshot_out).await?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
        Ok(World { dir, app, remote, commands, snapshot, http })
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.remote.address())
    }

    /// The page's own origin, as a browser on it sends.
    fn origin(&self) -> String {
        format!("http://{}", self.remote.address())
    }

    /// A request as the page sends it: its origin, and the token when given.
    fn page(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, self.url(path)).header("Origin", self.origin());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// Pairs a phone through the code on the TV; its token.
    async fn pair(&self) -> Result<String> {
        let offer = self.remote.open_pairing()?;
        let answer = self
            .page(reqwest::Method::POST, "/api/v1/pairings", None)
            .json(&serde_json::json!({"code": offer.code, "device_name": "Pixel 8"}))
            .send()
            .await?;
        ensure!(answer.status() == StatusCode::CREATED, "paired: {}", answer.status());
        let body: serde_json::Value = answer.json().await?;
        body["token"].as_str().map(str::to_owned).context("a token")
    }
}

/// An example request for a route: its method and a concrete path.
fn request_of(route: &getanime_remote::RouteSpec) -> (reqwest::Method, String) {
    let method =
        reqwest::Method::from_bytes(route.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    (method, route.path.replace("{id}", "1"))
}

#[tokio::test]
async fn every_api_route_needs_a_token_and_control_needs_the_control_scope() -> Result<()> {
    let world = World::new().await?;
    let open: Vec<&str> = ROUTES
        .iter()
        .filter(|route| route.access == Access::Open)
        .map(|route| route.path)
        .collect();
    assert_eq!(
        open,
        [
            "/",
            "/remote.js",
            "/remote.css",
            "/manifest.webmanifest",
            "/icon.svg",
            "/icon-192.png",
            "/icon-512.png",
            "/texts.json",
            "/api/v1/hello",
            "/api/v1/pairings"
        ],
        "only the page, hello and pairing are open"
    );
    let reader = world.app.create_remote_token("dashboard", RemoteScope::Read).await?.token;
    for route in ROUTES.iter().filter(|route| route.access != Access::Open) {
        if route.path == "/api/v1/events" {
            continue; // a WebSocket: its first message authenticates (below)
        }
        let (method, path) = request_of(route);
        for token in [None, Some("0123456789abcdef")] {
            let answer = world
                .page(method.clone(), &path, token)
                .json(&serde_json::json!({}))
                .send()
                .await?;
            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{method} {path} with {token:?}");
        }
        if route.path == "/api/v1/pairings/self" {
            continue; // a reader may forget itself (below, last)
        }
        let as_reader = world
            .page(method.clone(), &path, Some(&reader))
            .json(&serde_json::json!({}))
            .send()
            .await?;
        if route.access == Access::Control {
            assert_eq!(
                as_reader.status(),
                StatusCode::FORBIDDEN,
                "{method} {path}: read-only token"
            );
        } else {
            assert_ne!(
                as_reader.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path}: a reader reads"
            );
        }
    }
    let forget =
        world.page(reqwest::Method::DELETE, "/api/v1/pairings/self", Some(&reader)).send().await?;
    assert_eq!(forget.status(), StatusCode::NO_CONTENT);
    let gone = world.page(reqwest::Method::GET, "/api/v1/library", Some(&reader)).send().await?;
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED, "forgotten at once");
    Ok(())
}

#[tokio::test]
async fn a_phone_pairs_only_while_the_tv_shows_the_code_and_its_token_is_stored_hashed()
-> Result<()> {
    let mut world = World::new().await?;
    let closed = world
        .page(reqwest::Method::POST, "/api/v1/pairings", None)
        .json(&serde_json::json!({"code": "123456", "device_name": "Pixel 8"}))
        .send()
        .await?;
    assert_eq!(closed.status(), StatusCode::CONFLICT, "nobody is pairing on the TV");

    let offer = world.remote.open_pairing()?;
    let wrong = if offer.code == "000000" { "111111" } else { "000000" };
    let guess = world
        .page(reqwest::Method::POST, "/api/v1/pairings", None)
        .json(&serde_json::json!({"code": wrong, "device_name": "Pixel 8"}))
        .send()
        .await?;
    assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    let token = world.pair().await?;
    assert_eq!(token.len(), 64, "256 random bits");
    match world.commands.recv().await {
        Some(RemoteCommand::Paired { name }) => assert_eq!(name, "Pixel 8"),
        other => anyhow::bail!("the TV is told: {other:?}"),
    }
    let hello: serde_json::Value =
        world.page(reqwest::Method::GET, "/api/v1/hello", None).send().await?.json().await?;
    assert_eq!(hello["pairing_open"], true);
    let playing =
        world.page(reqwest::Method::GET, "/api/v1/now-playing", Some(&token)).send().await?;
    assert_eq!(playing.status(), StatusCode::NO_CONTENT, "the token works");

    let library = std::fs::read(world.dir.path().join("data/library.sqlite3"))?;
    let text = String::from_utf8_lossy(&library);
    assert!(!text.contains(&token), "the token itself is not in the library");
    let devices = world.app.remote_devices().await?;
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].last_peer.as_deref(), Some("127.0.0.1"));

    world.remote.close_pairing();
    let after = world
        .page(reqwest::Method::POST, "/api/v1/pairings", None)
        .json(&serde_json::json!({"secret": offer.secret, "device_name": "Other"}))
        .send()
        .await?;
    assert_eq!(after.status(), StatusCode::CONFLICT, "the window closed with the screen");
    Ok(())
}

#[tokio::test]
async fn guessing_the_code_is_slowed_per_peer_and_replaces_the_code() -> Result<()> {
    let world = World::new().await?;
    let offer = world.remote.open_pairing()?;
    let mut offers = world.remote.offers();
    let wrong = if offer.code == "000000" { "111111" } else { "000000" };
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let answer = world
            .page(reqwest::Method::POST, "/api/v1/pairings", None)
            .json(&serde_json::json!({"code": wrong, "device_name": "guesser"}))
            .send()
            .await?;
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(&statuses[..5], [401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|status| *status == 429), "then slowed down: {statuses:?}");
    let shown = offers.borrow_and_update().clone().context("pairing is open")?;
    assert_ne!(shown.code, offer.code, "five wrong guesses replaced the code on the TV");
    Ok(())
}

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused_and_no_cors_header_is_ever_sent() -> Result<()> {
    let world = World::new().await?;
    let token = world.pair().await?;
    let port = world.remote.address().port();
    let rebinding = world
        .http
        .get(world.url("/api/v1/hello"))
        .header("Host", format!("attacker.example:{port}"))
        .send()
        .await?;
    assert_eq!(rebinding.status(), StatusCode::MISDIRECTED_REQUEST, "DNS rebinding");
    let localhost =
        world.http.get(world.url("/")).header("Host", format!("localhost:{port}")).send().await?;
    assert_eq!(localhost.status(), StatusCode::OK);

    let csrf = world
        .http
        .post(world.url("/api/v1/keys"))
        .header("Origin", "http://evil.example")
        .bearer_auth(&token)
        .json(&serde_json::json!({"key": "ok"}))
        .send()
        .await?;
    assert_eq!(csrf.status(), StatusCode::FORBIDDEN, "another site's page");
    let no_origin = world
        .http
        .post(world.url("/api/v1/pairings"))
        .json(&serde_json::json!({"code": "000000", "device_name": "x"}))
        .send()
        .await?;
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN, "no origin and no token");
    let script = world
        .http
        .post(world.url("/api/v1/keys"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"key": "down"}))
        .send()
        .await?;
    assert_eq!(script.status(), StatusCode::NO_CONTENT, "a script with a token needs no origin");

    let preflight = world
        .http
        .request(reqwest::Method::OPTIONS, world.url("/api/v1/keys"))
        .header("Origin", "http://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Private-Network", "true")
        .send()
        .await?;
    let mut answers = vec![preflight, rebinding_again(&world).await?];
    for path in ["/", "/api/v1/hello", "/remote.js"] {
        answers.push(world.page(reqwest::Method::GET, path, None).send().await?);
    }
    for answer in &answers {
        let cors: Vec<&str> = answer
            .headers()
            .keys()
            .map(reqwest::header::HeaderName::as_str)
            .filter(|name| name.starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "{} sent {cors:?}", answer.url());
        assert_eq!(
            answer.headers().get("referrer-policy").map(|value| value.as_bytes()),
            Some(&b"no-referrer"[..])
        );
        assert_eq!(
            answer.headers().get("cache-control").map(|value| value.as_bytes()),
            Some(&b"no-store"[..])
        );
        let policy = answer.headers().get("content-security-policy").context("a CSP")?;
        assert!(policy.to_str()?.contains("frame-ancestors 'none'"));
    }
    Ok(())
}

async fn rebinding_again(world: &World) -> Result<reqwest::Response> {
    let port = world.remote.address().port();
    Ok(world.http.get(world.url("/")).header("Host", format!("evil.example:{port}")).send().await?)
}

#[tokio::test]
async fn bad_bodies_get_their_status_and_keys_and_text_reach_the_tv() -> Result<()> {
    let mut world = World::new().await?;
    let token = world.pair().await?;
    let mut commands = std::mem::replace(&mut world.commands, mpsc::unbounded_channel().1);
    commands.recv().await.context("paired")?;
    let post = |path: &str| world.page(reqwest::Method::POST, path, Some(&token));
    let malformed = post("/api/v1/keys")
        .header("Content-Type", "application/json")
        .body("{\"key\":")
        .send()
        .await?;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let unknown =
        post("/api/v1/keys").json(&serde_json::json!({"key": "self_destruct"})).send().await?;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let huge =
        post("/api/v1/text").json(&serde_json::json!({"text": "я".repeat(20_000)})).send().await?;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let long =
        post("/api/v1/text").json(&serde_json::json!({"text": "я".repeat(201)})).send().await?;
    assert_eq!(long.status(), StatusCode::UNPROCESSABLE_ENTITY, "at most 200 characters");
    let nowhere = post("/api/v1/text").json(&serde_json::json!({"text": "Песнь"})).send().await?;
    assert_eq!(nowhere.status(), StatusCode::CONFLICT, "no field has the focus");

    let pressed =
        post("/api/v1/keys").json(&serde_json::json!({"key": "down", "repeat": 2})).send().await?;
    assert_eq!(pressed.status(), StatusCode::NO_CONTENT);
    for _ in 0..2 {
        assert_eq!(commands.recv().await, Some(RemoteCommand::Key(Key::Down)));
    }
    world.snapshot.send_replace(RemoteSnapshot {
        screen: "search".into(),
        text_field: Some(TextField { field: "search".into(), value: String::new() }),
        now_playing: None,
    });
    let typed = post("/api/v1/text")
        .json(&serde_json::json!({"text": "Пес\u{7}нь", "submit": true}))
        .send()
        .await?;
    assert_eq!(typed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        commands.recv().await,
        Some(RemoteCommand::Text { text: "Песнь".into(), submit: true }),
        "control characters stripped"
    );
    let idle = post("/api/v1/player").json(&serde_json::json!({"action": "toggle"})).send().await?;
    assert_eq!(idle.status(), StatusCode::CONFLICT, "nothing plays");

    world.snapshot.send_replace(RemoteSnapshot {
        screen: "player".into(),
        text_field: None,
        now_playing: Some(NowPlaying {
            title_id: 1,
            title: "Песнь".into(),
            episode: 1.0,
            position_ms: 0,
            duration_ms: Some(30_000),
            paused: false,
            quality: Some("hd".into()),
            subtitles: None,
            volume: 100,
            muted: false,
        }),
    });
    let playing = world.page(reqwest::Method::GET, "/api/v1/now-playing", Some(&token));
    let playing: serde_json::Value = playing.send().await?.json().await?;
    assert_eq!((playing["volume"].as_u64(), playing["quality"].as_str()), (Some(100), Some("hd")));
    let player = async |body: serde_json::Value| -> Result<StatusCode> {
        Ok(post("/api/v1/player").json(&body).send().await?.status())
    };
    let volume = |change| RemoteCommand::Player(PlayerAction::Volume(change));
    assert_eq!(
        player(serde_json::json!({"action": "volume", "steps": -2})).await?,
        StatusCode::NO_CONTENT
    );
    for _ in 0..2 {
        assert_eq!(commands.recv().await, Some(volume(VolumeChange::Down)));
    }
    assert_eq!(
        player(serde_json::json!({"action": "volume", "level": 35})).await?,
        StatusCode::NO_CONTENT
    );
    assert_eq!(commands.recv().await, Some(volume(VolumeChange::To(35))));
    assert_eq!(player(serde_json::json!({"action": "mute"})).await?, StatusCode::NO_CONTENT);
    assert_eq!(commands.recv().await, Some(volume(VolumeChange::Mute(None))));
    let muted = serde_json::json!({"action": "mute", "muted": true});
    assert_eq!(player(muted).await?, StatusCode::NO_CONTENT);
    assert_eq!(commands.recv().await, Some(volume(VolumeChange::Mute(Some(true)))));
    let seek = serde_json::json!({"action": "seek", "position_ms": 12_000});
    assert_eq!(player(seek).await?, StatusCode::NO_CONTENT);
    assert_eq!(
        commands.recv().await,
        Some(RemoteCommand::Player(PlayerAction::SeekTo { position_ms: 12_000 }))
    );
    for refused in [
        serde_json::json!({"action": "volume"}),
        serde_json::json!({"action": "volume", "level": 101}),
        serde_json::json!({"action": "volume", "level": 5, "steps": 1}),
        serde_json::json!({"action": "volume", "steps": 0}),
        serde_json::json!({"action": "seek", "delta_ms": 1, "position_ms": 1}),
        serde_json::json!({"action": "seek"}),
        serde_json::json!({"action": "louder"}),
    ] {
        assert_eq!(player(refused.clone()).await?, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    }
    assert!(commands.try_recv().is_err(), "nothing refused reached the TV");
    Ok(())
}

/// The page's words come from the core's catalogs, every language with every key the page
/// names; the home-screen icons are PNGs of the sizes Android asks for.
#[tokio::test]
async fn the_page_gets_its_words_from_the_catalogs_and_its_icons() -> Result<()> {
    let world = World::new().await?;
    let texts: serde_json::Value =
        world.page(reqwest::Method::GET, "/texts.json", None).send().await?.json().await?;
    assert_eq!(texts["ru"]["play"], "Смотреть на ТВ");
    assert_eq!(texts["en"]["play"], "Play on TV");
    let html = world.page(reqwest::Method::GET, "/", None).send().await?.text().await?;
    let script = world.page(reqwest::Method::GET, "/remote.js", None).send().await?.text().await?;
    let mut keys = Vec::new();
    for (source, opening, closing) in
        [(&html, "data-text=\"", '"'), (&html, "data-placeholder=\"", '"'), (&script, "t(\"", '"')]
    {
        for (at, _) in source.match_indices(opening) {
            // `t("…")` alone, not `createElement("li")`.
            let before = source[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '.' || before == '_' {
                continue;
            }
            let rest = &source[at + opening.len()..];
            keys.push(rest[..rest.find(closing).context("closed")?].to_owned());
        }
    }
    ensure!(keys.len() > 15, "the page names its texts: {keys:?}");
    for language in ["en", "ru"] {
        for key in &keys {
            let text = texts[language][key].as_str().unwrap_or_default();
            ensure!(!text.is_empty(), "{language} has no text for {key:?}");
        }
    }
    for (path, side) in [("/icon-192.png", 192), ("/icon-512.png", 512)] {
        let answer = world.page(reqwest::Method::GET, path, None).send().await?;
        assert_eq!(answer.headers()["content-type"], "image/png");
        let bytes = answer.bytes().await?;
        ensure!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path} is a PNG");
        let width = u32::from_be_bytes(bytes[16..20].try_into()?);
        let height = u32::from_be_bytes(bytes[20..24].try_into()?);
        assert_eq!((width, height), (side, side), "{path}");
    }
    let manifest: serde_json::Value = world
        .page(reqwest::Method::GET, "/manifest.webmanifest", None)
        .send()
        .await?
        .json()
        .await?;
    let sizes: Vec<&str> = manifest["icons"]
        .as_array()
        .context("icons")?
        .iter()
        .filter_map(|icon| icon["sizes"].as_str())
        .collect();
    assert!(sizes.contains(&"192x192") && sizes.contains(&"512x512"), "{sizes:?}");
    Ok(())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(world: &World, origin: &str) -> Result<Socket> {
    use tungstenite::client::IntoClientRequest;
    let mut request =
        format!("ws://{}/api/v1/events", world.remote.address()).into_client_request()?;
    request.headers_mut().insert("Origin", tungstenite::http::HeaderValue::from_str(origin)?);
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

async fn next_text(socket: &mut Socket) -> Result<serde_json::Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .context("a message in time")?
            .context("the socket is open")??;
        match message {
            tungstenite::Message::Text(text) => return Ok(serde_json::from_str(text.as_str())?),
            tungstenite::Message::Close(frame) => anyhow::bail!("closed: {frame:?}"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_event_socket_authenticates_first_follows_the_tv_and_says_bye_when_forgotten()
-> Result<()> {
    let world = World::new().await?;
    let token = world.pair().await?;
    let foreign = socket(&world, "http://evil.example").await;
    assert!(foreign.is_err(), "a socket from another site is refused at the upgrade");

    let mut wrong = socket(&world, &world.origin()).await?;
    wrong.send(tungstenite::Message::text(r#"{"auth":"nope"}"#)).await?;
    let refused = next_text(&mut wrong).await;
    assert!(refused.is_err(), "an unknown token closes the socket: {refused:?}");

    let mut events = socket(&world, &world.origin()).await?;
    events.send(tungstenite::Message::text(serde_json::json!({"auth": token}).to_string())).await?;
    assert_eq!(next_text(&mut events).await?["type"], "screen");
    assert_eq!(next_text(&mut events).await?["type"], "now_playing");
    world.snapshot.send_replace(RemoteSnapshot {
        screen: "search".into(),
        text_field: Some(TextField { field: "search".into(), value: "Пе".into() }),
        now_playing: None,
    });
    let screen = next_text(&mut events).await?;
    assert_eq!(screen["screen"], "search");
    let requested = next_text(&mut events).await?;
    assert_eq!(
        (requested["type"].as_str(), requested["value"].as_str()),
        (Some("text_requested"), Some("Пе"))
    );

    let device = world.app.remote_devices().await?.pop().context("the phone")?;
    world.app.forget_remote_device(device.id).await?;
    world.remote.device_forgotten();
    let bye = next_text(&mut events).await?;
    assert_eq!((bye["type"].as_str(), bye["reason"].as_str()), (Some("bye"), Some("forgotten")));
    let after =
        world.page(reqwest::Method::GET, "/api/v1/now-playing", Some(&token)).send().await?;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "a forgotten phone is asked for a code");
    Ok(())
}

#[tokio::test]
async fn turned_off_it_refuses_connections() -> Result<()> {
    let world = World::new().await?;
    let address = world.remote.address();
    let token = world.pair().await?;
    let mut events = socket(&world, &world.origin()).await?;
    events.send(tungstenite::Message::text(serde_json::json!({"auth": token}).to_string())).await?;
    next_text(&mut events).await?;
    next_text(&mut events).await?;
    let World { remote, .. } = world;
    remote.stop().await;
    let bye = next_text(&mut events).await?;
    assert_eq!(bye["reason"], "stopped");
    let refused = tokio::net::TcpStream::connect(address).await;
    assert!(refused.is_err(), "nothing listens once it is off");
    Ok(())
}

#[tokio::test]
async fn a_socket_that_floods_or_sends_too_much_is_closed() -> Result<()> {
    let world = World::new().await?;
    let token = world.pair().await?;
    let authenticated = async || -> Result<Socket> {
        let mut events = socket(&world, &world.origin()).await?;
        events
            .send(tungstenite::Message::text(serde_json::json!({"auth": token}).to_string()))
            .await?;
        next_text(&mut events).await?;
        next_text(&mut events).await?;
        Ok(events)
    };
    let mut flood = authenticated().await?;
    for _ in 0..25 {
        if flood.send(tungstenite::Message::text("{}")).await.is_err() {
            break;
        }
    }
    assert!(closes(&mut flood, 5).await, "more than 20 messages a second close the socket");

    let mut big = authenticated().await?;
    let sent = big.send(tungstenite::Message::text("x".repeat(8 * 1024))).await;
    assert!(sent.is_err() || closes(&mut big, 5).await, "a message over 4 KiB closes the socket");

    let mut late = socket(&world, &world.origin()).await?;
    assert!(!closes(&mut late, 3).await, "a socket has its 5 s to authenticate");
    assert!(closes(&mut late, 5).await, "no token within 5 s closes the socket");

    let mut calm = authenticated().await?;
    calm.send(tungstenite::Message::text("{}")).await?;
    assert!(!closes(&mut calm, 2).await, "a message now and then keeps the socket open");
    Ok(())
}

/// Whether the server closes `socket` within `seconds` (messages before the close are skipped);
/// false when it is still open then.
async fn closes(socket: &mut Socket, seconds: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_elapsed) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(tungstenite::Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => {}
        }
    }
}
