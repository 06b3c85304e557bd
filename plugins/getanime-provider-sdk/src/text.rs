//! Text and URL clean-up shared by source plugins.

/// Decodes HTML entities, turns `\r\n`/`\r` into `\n`, drops tags' usual line breaks (`<br>`),
/// collapses runs of blank lines and trims. Descriptions are shown as plain text, never as HTML.
pub fn clean_description(text: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n");
    let decoded = decode_entities(&text);
    let mut lines: Vec<&str> = Vec::new();
    for line in decoded.lines().map(str::trim_end) {
        if line.trim().is_empty() && lines.last().is_none_or(|last| last.trim().is_empty()) {
            continue;
        }
        lines.push(line);
    }
    let cleaned = lines.join("\n").trim().to_owned();
    if cleaned.is_empty() { None } else { Some(cleaned) }
}

/// A single-line name: entities decoded, whitespace collapsed.
pub fn clean_name(text: &str) -> Option<String> {
    let decoded = decode_entities(text);
    let cleaned = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() { None } else { Some(cleaned) }
}

/// Decodes the named entities AniLibria-like sites use and every numeric entity.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let decoded = candidate.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = &candidate[1..end];
            let character = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "hellip" => Some('…'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()))
                    .and_then(char::from_u32),
            };
            character.map(|character| (character, end))
        });
        match decoded {
            Some((character, end)) => {
                out.push(character);
                rest = &candidate[end + 1..];
            }
            None => {
                out.push('&');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Makes `path` absolute against `base` (an origin like `https://host`): an absolute http(s) URL
/// stays as it is, `//host/x` gets `https:`, `/x` and `x` are joined with exactly one `/`. Other
/// schemes (`javascript:`, `file:`) give `None`.
pub fn absolute_url(base: &str, path: &str) -> Option<String> {
    let path = path.trim();
    if path.is_empty() {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(path.to_owned());
    }
    if let Some(rest) = path.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    if lower
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.contains('?'))
    {
        return None;
    }
    let base = base.trim().trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return None;
    }
    Some(format!("{base}/{}", path.trim_start_matches('/')))
}

/// A source's magnet link when it is one, else one built from the info hash.
pub fn magnet_link(magnet: Option<String>, hash: Option<&str>) -> Option<String> {
    magnet
        .filter(|magnet| magnet.starts_with("magnet:?"))
        .or_else(|| hash.map(|hash| format!("magnet:?xt=urn:btih:{hash}")))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Unix milliseconds from an RFC 3339 / ISO 8601 date-time (`2025-05-14T17:42:05+00:00`,
/// fractional seconds, `Z`, a space for `T` and a `+0300` offset allowed). `None` when malformed,
/// impossible (`2025-02-31`) or outside years 0–9999. chrono does the calendar.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim();
    let parsed = chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%z"))
        .ok()?;
    (0..=9999).contains(&chrono::Datelike::year(&parsed)).then(|| parsed.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_plain_text() {
        assert_eq!(
            clean_description(
                "Братья &laquo;Элрики&raquo; &amp; Ко.\r\n\r\n\r\nВторая&nbsp;строка &#039;x&#x27; &bogus; &"
            ),
            Some("Братья «Элрики» & Ко.\n\nВторая строка 'x' &bogus; &".to_owned())
        );
        assert_eq!(clean_description("  \r\n "), None);
        assert_eq!(clean_description("a<br />b"), Some("a\nb".to_owned()));
    }

    #[test]
    fn names_are_one_line() {
        assert_eq!(
            clean_name("  Стальной \n алхимик&quot; "),
            Some("Стальной алхимик\"".to_owned())
        );
        assert_eq!(clean_name("   "), None);
    }

    #[test]
    fn urls_are_made_absolute_and_only_http() {
        let base = "https://static.example/";
        assert_eq!(
            absolute_url(base, "/storage/a.jpg").as_deref(),
            Some("https://static.example/storage/a.jpg")
        );
        assert_eq!(
            absolute_url(base, "storage/a.jpg").as_deref(),
            Some("https://static.example/storage/a.jpg")
        );
        assert_eq!(
            absolute_url(base, "//cdn.example/x.m3u8?t=1").as_deref(),
            Some("https://cdn.example/x.m3u8?t=1")
        );
        assert_eq!(
            absolute_url(base, "HTTPS://cdn.example/x").as_deref(),
            Some("HTTPS://cdn.example/x")
        );
        assert_eq!(
            absolute_url(base, "/x?a=b:c").as_deref(),
            Some("https://static.example/x?a=b:c")
        );
        assert_eq!(absolute_url(base, "javascript:alert(1)"), None);
        assert_eq!(absolute_url(base, "file:///etc/passwd"), None);
        assert_eq!(absolute_url(base, "  "), None);
        assert_eq!(absolute_url("ftp://x", "/a"), None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query("алхимик 2&x=y"),
            "%D0%B0%D0%BB%D1%85%D0%B8%D0%BC%D0%B8%D0%BA%202%26x%3Dy"
        );
        assert_eq!(encode_query("a-b_c.d~"), "a-b_c.d~");
    }

    #[test]
    fn rfc3339_dates_become_unix_millis() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2025-05-14T17:42:05+00:00"), Some(1_747_244_525_000));
        assert_eq!(parse_rfc3339("2025-05-14T20:42:05+03:00"), Some(1_747_244_525_000));
        assert_eq!(parse_rfc3339("2025-05-14T17:42:05.250Z"), Some(1_747_244_525_250));
        assert_eq!(parse_rfc3339("2000-02-29T12:00:00-01:30"), Some(951_831_000_000), "13:30 UTC");
        assert_eq!(parse_rfc3339("2025-05-14T20:42:05+0300"), Some(1_747_244_525_000));
        for bad in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-05-14",
            "2025-05-14T25:00:00Z",
            // Found by the fuzzer: an offset whose third byte is inside a Cyrillic letter.
            "2025-05-14T17:42:05+0ез адреса",
            "2025-05-14T17:42:05+99:00",
            "99999999999999-05-14T17:42:05Z",
            "2025-05-14T17:42:NaNZ",
            // Days a month does not have (the hand-written parser took these).
            "2025-02-31T00:00:00Z",
            "2025-04-31T12:00:00+03:00",
            "2023-02-29T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
