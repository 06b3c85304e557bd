//! HLS playlists, rewritten so that every URI they name is one of the gateway's: the URI lines
//! (variant playlists, segments) and every `URI="…"` attribute (`#EXT-X-KEY`, `#EXT-X-MAP`,
//! `#EXT-X-MEDIA`, `#EXT-X-I-FRAME-STREAM-INF`, `#EXT-X-SESSION-KEY`, `#EXT-X-PART`,
//! `#EXT-X-PRELOAD-HINT`, `#EXT-X-RENDITION-REPORT`, steering's `SERVER-URI`…). Nothing the
//! playlist names escapes: a URI that cannot be resolved still becomes a gateway URL, which
//! the upstream then refuses in words. Only `data:` URIs, which fetch nothing, stay as they are.

use url::Url;

/// Whether a response is a playlist: by its type, or by its name when the type says nothing.
pub fn is_playlist(url: &str, content_type: Option<&str>) -> bool {
    let by_type = content_type.is_some_and(|kind| kind.to_ascii_lowercase().contains("mpegurl"));
    let path = url.split(['?', '#']).next().unwrap_or_default();
    by_type || path.to_ascii_lowercase().ends_with(".m3u8")
}

/// Whether `body` begins as a playlist must (`#EXTM3U`, after a byte-order mark or blank space).
pub fn looks_like_playlist(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.trim_ascii_start().starts_with(b"#EXTM3U")
}

/// `text` with each URI it names resolved against `base` (the playlist's own URL, after
/// redirects) and replaced by `local(absolute)`.
pub fn rewrite(text: &str, base: &str, mut local: impl FnMut(&str) -> String) -> String {
    let base = Url::parse(base).ok();
    let mut resolve = |reference: &str| -> String {
        let reference = reference.trim();
        if reference.get(..5).is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:")) {
            return reference.to_owned();
        }
        let absolute = match &base {
            Some(base) => base.join(reference).map(String::from),
            None => Url::parse(reference).map(String::from),
        };
        local(&absolute.unwrap_or_else(|_| reference.to_owned()))
    };
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.push_str(line);
        } else if trimmed.starts_with('#') {
            out.push_str(&rewrite_attributes(line, &mut resolve));
        } else {
            out.push_str(&resolve(trimmed));
        }
        out.push('\n');
    }
    out
}

/// A tag line with the value of each attribute whose name ends in `URI` replaced.
fn rewrite_attributes(line: &str, resolve: &mut impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("URI=\"") {
        // An attribute name: the `URI` is preceded by a separator or by more of the name.
        let start = at + "URI=\"".len();
        let Some(length) = rest[start..].find('"') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&resolve(&rest[start..start + length]));
        out.push('"');
        rest = &rest[start + length + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxied(text: &str, base: &str) -> (String, Vec<String>) {
        let mut seen = Vec::new();
        let rewritten = rewrite(text, base, |absolute| {
            seen.push(absolute.to_owned());
            format!("http://127.0.0.1:9/t/{}", seen.len() - 1)
        });
        (rewritten, seen)
    }

    #[test]
    fn a_master_playlist_s_variants_and_renditions_go_through_the_gateway() {
        let master = "#EXTM3U\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"ru\",URI=\"audio/ru.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,AUDIO=\"a\"\n\
            1080/index.m3u8\n\
            #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI=\"//cdn.example/iframes.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=800000\n\
            http://192.168.1.1/admin?x=1\n";
        let (rewritten, seen) = proxied(master, "https://cache.example/videos/42/master.m3u8");
        assert_eq!(
            seen,
            [
                "https://cache.example/videos/42/audio/ru.m3u8",
                "https://cache.example/videos/42/1080/index.m3u8",
                "https://cdn.example/iframes.m3u8",
                "http://192.168.1.1/admin?x=1",
            ]
        );
        assert!(rewritten.contains("URI=\"http://127.0.0.1:9/t/0\""), "{rewritten}");
        assert!(rewritten.contains("\n#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,AUDIO=\"a\"\nhttp://127.0.0.1:9/t/1\n"));
        assert!(!rewritten.contains("192.168"), "nothing of the original URIs is left");
        assert!(!rewritten.contains("cache.example") && !rewritten.contains("cdn.example"));
    }

    #[test]
    fn keys_init_segments_byte_ranges_and_ad_breaks_go_through_the_gateway() {
        let media = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n\
            #EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\",IV=0x00000000000000000000000000000001\n\
            #EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"720@0\"\n\
            #EXTINF:4.0,\n#EXT-X-BYTERANGE:10000@720\nmain.mp4\n\
            #EXT-X-DISCONTINUITY\n#EXTINF:4.0,\nhttps://ads.example/spot/1.ts\n\
            #EXT-X-KEY:METHOD=AES-128,URI=\"data:text/plain;base64,AAAA\"\n\
            #EXT-X-ENDLIST\n";
        let (rewritten, seen) = proxied(media, "https://cache.example/v/1080/index.m3u8");
        assert_eq!(
            seen,
            [
                "https://cache.example/v/1080/key.bin",
                "https://cache.example/v/1080/init.mp4",
                "https://cache.example/v/1080/main.mp4",
                "https://ads.example/spot/1.ts",
            ]
        );
        assert!(
            rewritten.contains("#EXT-X-MAP:URI=\"http://127.0.0.1:9/t/1\",BYTERANGE=\"720@0\"")
        );
        assert!(
            rewritten.contains("IV=0x00000000000000000000000000000001"),
            "other attributes kept"
        );
        assert!(rewritten.contains("#EXT-X-BYTERANGE:10000@720\nhttp://127.0.0.1:9/t/2\n"));
        assert!(rewritten.contains("URI=\"data:text/plain;base64,AAAA\""), "data: fetches nothing");
        assert!(rewritten.ends_with("#EXT-X-ENDLIST\n"));
    }

    #[test]
    fn what_cannot_be_resolved_is_still_the_gateway_s() {
        let (rewritten, seen) = proxied("#EXTM3U\n#EXTINF:4,\nhttp://[::1\n", "not a url");
        assert_eq!(seen, ["http://[::1"]);
        assert!(rewritten.ends_with("http://127.0.0.1:9/t/0\n"));
    }

    #[test]
    fn a_playlist_is_known_by_its_type_or_its_name_and_its_first_line() {
        assert!(is_playlist("https://a/x", Some("application/vnd.apple.mpegURL")));
        assert!(is_playlist("https://a/index.M3U8?token=1", Some("text/plain")));
        assert!(!is_playlist("https://a/seg.ts", Some("video/mp2t")));
        assert!(looks_like_playlist(b"\xEF\xBB\xBF  #EXTM3U\n"));
        assert!(!looks_like_playlist(b"<html>"));
    }
}
