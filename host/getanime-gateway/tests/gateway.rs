//! The media gateway over real HTTP: an origin and a "private" probe on 127.0.0.1
//! (getanime-loopback), reqwest as the player would ask. The upstream here is testkit's plain
//! reqwest one that refuses the probe, standing in for the host's guarded client (whose own rule
//! is tested in getanime-plugins; the two together, under GStreamer, in getanime-tv's tests).

use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use getanime_gateway::{GatewaySession, MediaGateway};
use getanime_testkit::media_upstream::PlainUpstream;
use getanime_testkit::{FakeServer as LoopbackServer, Reply};

struct World {
    origin: LoopbackServer,
    probe: LoopbackServer,
    gateway: MediaGateway,
    client: reqwest::Client,
    _media: tempfile::TempDir,
}

const SEGMENT: &[u8] = b"segment bytes: 0123456789abcdefghijklmnopqrstuvwxyz";

impl World {
    async fn new() -> Result<World> {
        let origin = LoopbackServer::start().await?;
        let probe = LoopbackServer::start().await?;
        let media = tempfile::tempdir()?;
        std::fs::write(media.path().join("main.mp4"), SEGMENT)?;
        origin.serve_dir("/media", media.path());
        let playlist = |body: String| Reply::new(200, "application/vnd.apple.mpegurl", body);
        origin.route(
            "/v/master.m3u8",
            playlist(
                "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=5000000\n1080/index.m3u8\n\
                 #EXT-X-STREAM-INF:BANDWIDTH=800000\n/v/redirect\n"
                    .to_owned(),
            ),
        );
        origin.route(
            "/v/1080/index.m3u8",
            playlist(format!(
                "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-KEY:METHOD=AES-128,URI=\"../key.bin\"\n\
                 #EXT-X-MAP:URI=\"/media/main.mp4\",BYTERANGE=\"8@0\"\n\
                 #EXTINF:4,\n#EXT-X-BYTERANGE:10@8\n/media/main.mp4\n\
                 #EXT-X-DISCONTINUITY\n#EXTINF:4,\n{probe}/router/admin.ts\n#EXT-X-ENDLIST\n",
                probe = probe.base_url()
            )),
        );
        origin.route("/v/key.bin", Reply::new(200, "application/octet-stream", vec![7u8; 16]));
        // A public-looking hop that redirects to the private probe.
        origin.route("/v/redirect", Reply::redirect(&format!("{}/hidden.m3u8", probe.base_url())));
        probe.route("/router/admin.ts", Reply::new(200, "video/mp2t", "secret"));
        probe.route("/hidden.m3u8", playlist("#EXTM3U\n".to_owned()));
        let gateway = MediaGateway::start().await?;
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(World { origin, probe, gateway, client, _media: media })
    }

    fn open(&self) -> Result<GatewaySession> {
        // The upstream refuses the probe by its address, whatever the hop that names it (a
        // redirect to it included), as the guarded client does with a private address.
        let upstream = PlainUpstream::refusing(&self.probe.address().to_string())?;
        Ok(self.gateway.open(Arc::new(upstream))?)
    }

    async fn get(&self, url: &str, range: Option<&str>) -> Result<reqwest::Response> {
        let mut request = self.client.get(url);
        if let Some(range) = range {
            request = request.header("range", range);
        }
        Ok(request.send().await?)
    }
}

/// The URIs a playlist names (URI lines and `URI="…"` attributes).
fn uris(playlist: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in playlist.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !line.starts_with('#') {
            found.push(line.to_owned());
        }
        for (at, _) in line.match_indices("URI=\"") {
            let rest = &line[at + 5..];
            found.extend(rest.split('"').next().map(str::to_owned));
        }
    }
    found
}

#[tokio::test]
async fn every_hop_goes_through_the_gateway_and_a_private_one_is_refused_in_words() -> Result<()> {
    let world = World::new().await?;
    let session = world.open()?;
    let master_url = session.local_url(&format!("{}/v/master.m3u8", world.origin.base_url()));
    let own = format!("http://{}/", world.gateway.address());
    ensure!(master_url.starts_with(&own), "{master_url}");

    let master = world.get(&master_url, None).await?;
    ensure!(master.status() == 200, "{}", master.status());
    let master = master.text().await?;
    let variants = uris(&master);
    ensure!(variants.len() == 2 && variants.iter().all(|uri| uri.starts_with(&own)), "{master}");

    // The 1080p variant: its key, init map, byte-range segment and ad segment are the gateway's.
    let media = world.get(&variants[0], None).await?.text().await?;
    let named = uris(&media);
    ensure!(named.len() == 4 && named.iter().all(|uri| uri.starts_with(&own)), "{media}");
    ensure!(!media.contains(&world.probe.address().to_string()), "{media}");
    let key = world.get(&named[0], None).await?.bytes().await?;
    ensure!(key.as_ref() == [7u8; 16], "the key, through");
    let part = world.get(&named[2], Some("bytes=8-17")).await?;
    ensure!(part.status() == 206, "a byte range is one: {}", part.status());
    ensure!(part.bytes().await?.as_ref() == &SEGMENT[8..18], "the asked bytes");

    // The ad segment on the private address, and the redirect to it: refused, never reached.
    let ad = world.get(&named[3], None).await?;
    ensure!(ad.status() == 403, "{}", ad.status());
    ensure!(ad.text().await?.starts_with("refused: "), "in words");
    let hidden = world.get(&variants[1], None).await?;
    ensure!(hidden.status() != 200, "a redirect to the probe is not followed: {}", hidden.status());
    ensure!(
        world.probe.requests().is_empty(),
        "the probe was reached: {:?}",
        world.probe.requests()
    );
    let refusal = session.refusal().context("the refusal is kept for the player")?;
    ensure!(refusal.contains("/router/admin.ts"), "{refusal}");
    Ok(())
}

#[tokio::test]
async fn only_its_own_address_and_a_playback_in_progress_are_answered() -> Result<()> {
    let world = World::new().await?;
    let session = world.open()?;
    let master_url = session.local_url(&format!("{}/v/master.m3u8", world.origin.base_url()));

    // Another Host (a rebinding page reaching 127.0.0.1 by its own name) is not answered.
    let rebound = world.client.get(&master_url).header("host", "evil.example").send().await?;
    ensure!(rebound.status() == 421, "{}", rebound.status());
    // Only what a playlist of this playback named: not another index, not a guessed token.
    let token_and_rest =
        master_url.trim_start_matches(&format!("http://{}/", world.gateway.address()));
    let (token, _) = token_and_rest.split_once('/').context("token/index")?;
    let unnamed = format!("http://{}/{token}/99/x", world.gateway.address());
    ensure!(world.get(&unnamed, None).await?.status() == 404);
    let guessed = master_url.replacen(token, &"0".repeat(token.len()), 1);
    ensure!(world.get(&guessed, None).await?.status() == 404);
    ensure!(world.get(&master_url, None).await?.status() == 200);

    // The playback ends: its URLs with it.
    drop(session);
    ensure!(world.gateway.playbacks() == 0);
    ensure!(world.get(&master_url, None).await?.status() == 404);
    ensure!(
        world.origin.requests().iter().filter(|line| line.contains("master.m3u8")).count() == 1,
        "only the one answered request reached the origin: {:?}",
        world.origin.requests()
    );
    Ok(())
}
