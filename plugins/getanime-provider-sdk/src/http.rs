//! HTTP through the host. The host checks the plugin's allowed hosts and bounds size and time.

use serde::de::DeserializeOwned;

pub use crate::bindings::getanime::provider::host::HttpResponse;
use crate::bindings::getanime::provider::host::{HttpError, HttpRequest};
use crate::{Method, ProviderError};

/// How a `parse` error begins when the body ended before the JSON did (a dropped connection, a
/// proxy cutting the answer): the host recognises it and tells the user in plain words
/// (`getanime_plugins` conversion, `ANSWER_CUT_OFF` there), keeping the detail for the log.
pub const ANSWER_CUT_OFF: &str = "answer cut off";

/// The `parse` error for JSON that `source` answered and serde could not read.
pub fn json_error(source: &str, error: &serde_json::Error) -> ProviderError {
    if error.is_eof() {
        ProviderError::Parse(format!(
            "{ANSWER_CUT_OFF}: the JSON from {source} ends early ({error})"
        ))
    } else {
        ProviderError::Parse(format!("invalid JSON from {source}: {error}"))
    }
}

/// How much of a body is quoted in error messages.
const QUOTE_LIMIT: usize = 200;

/// GETs `url` and returns the response whatever its status.
pub fn get(url: &str) -> Result<HttpResponse, ProviderError> {
    request(Method::Get, url, &[("accept", "application/json")], None)
}

/// POSTs `body` as JSON to `url` (a GraphQL query, a search form) and returns the response
/// whatever its status.
pub fn post_json(url: &str, body: &impl serde::Serialize) -> Result<HttpResponse, ProviderError> {
    let body = serde_json::to_vec(body)
        .map_err(|error| ProviderError::Other(format!("cannot write the request: {error}")))?;
    request(
        Method::Post,
        url,
        &[("accept", "application/json"), ("content-type", "application/json")],
        Some(body),
    )
}

/// Sends any request through the host. A refused host comes back as `denied(host)`, which the
/// host shows as such; the other failures as `network`.
pub fn request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Result<HttpResponse, ProviderError> {
    send(method, url, headers, body, false)
}

/// [`request`] with the account's token attached by the host (trackers; see
/// [`crate::tracker`]). The plugin never sees the token.
pub fn request_authorized(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Result<HttpResponse, ProviderError> {
    send(method, url, headers, body, true)
}

fn send(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
    authorized: bool,
) -> Result<HttpResponse, ProviderError> {
    let request = HttpRequest {
        method,
        url: url.to_owned(),
        headers: headers.iter().map(|(name, value)| ((*name).into(), (*value).into())).collect(),
        body,
        authorized,
    };
    #[cfg(target_arch = "wasm32")]
    let answer = crate::bindings::getanime::provider::host::fetch(&request);
    #[cfg(not(target_arch = "wasm32"))]
    let answer = crate::testing::fetch(&request);
    answer.map_err(|error| match error {
        HttpError::Denied(host) => ProviderError::Denied(host),
        HttpError::Timeout => ProviderError::Network(format!("{url} timed out")),
        HttpError::TooLarge => {
            ProviderError::Network(format!("the answer from {url} is too large"))
        }
        HttpError::Transport(reason) => ProviderError::Network(format!("{url}: {reason}")),
    })
}

/// GETs `url` and decodes a JSON body into `T`.
///
/// Maps 404 to `not-found`, 429 to `rate-limited`, other non-2xx to `network`, and a body that
/// is not JSON (an HTML error page from a proxy, an empty body) to `parse` with a quote of it.
pub fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ProviderError> {
    let response = get(url)?;
    check_status(url, &response)?;
    decode_json(url, &response.body)
}

/// Turns a non-success status into the matching error.
pub fn check_status(url: &str, response: &HttpResponse) -> Result<(), ProviderError> {
    status_error(url, response.status, &response.body)
}

fn status_error(url: &str, status: u16, body: &[u8]) -> Result<(), ProviderError> {
    match status {
        200..=299 => Ok(()),
        404 => Err(ProviderError::NotFound),
        429 => Err(ProviderError::RateLimited),
        status => {
            Err(ProviderError::Network(format!("{url} answered HTTP {status}: {}", quote(body))))
        }
    }
}

/// Decodes JSON, with the start of the body in the error when it is not JSON.
pub fn decode_json<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|error| match json_error(url, &error) {
        ProviderError::Parse(detail) => ProviderError::Parse(format!("{detail}: {}", quote(body))),
        other => other,
    })
}

/// The first bytes of a body, as text, for error messages.
pub fn quote(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(QUOTE_LIMIT)]);
    let text = text.trim();
    if text.is_empty() { "(empty body)".to_owned() } else { text.to_owned() }
}

/// The first header called `name` (any case) of a response, if any.
fn header<'a>(response: &'a HttpResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The `content-type` header of a response, if any.
pub fn content_type(response: &HttpResponse) -> Option<&str> {
    header(response, "content-type")
}

/// The seconds a `Retry-After` header asks to wait (a 429's), when it gives a number.
pub fn retry_after(response: &HttpResponse) -> Option<u32> {
    header(response, "retry-after").and_then(|value| value.trim().parse().ok())
}

/// The checks every JSON source needs before parsing, in order: a web page instead of data (a
/// CDN error, a captcha), the source's own error (its envelope, or its reading of a status), the
/// HTTP status, an empty body. `source_error` gets the status and the body.
pub fn check_response(
    url: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    source_error: impl FnOnce(u16, &[u8]) -> Option<ProviderError>,
) -> Result<(), ProviderError> {
    let trimmed = body.trim_ascii_start();
    let is_web_page = content_type.is_some_and(|kind| kind.to_ascii_lowercase().contains("html"))
        || trimmed.starts_with(b"<");
    if is_web_page {
        return Err(ProviderError::Network(format!(
            "{url} answered a web page (HTTP {status}) instead of data: the API may be down, moved or behind a captcha"
        )));
    }
    if let Some(error) = source_error(status, trimmed) {
        return Err(error);
    }
    match status {
        200..=299 if trimmed.is_empty() => {
            Err(ProviderError::Parse(format!("{url} answered an empty body")))
        }
        _ => status_error(url, status, body),
    }
}

/// GETs `url`, applies [`check_response`], then `parse`; a parse failure is also logged with
/// the URL, since the user only sees the short message.
pub fn get_parsed<T>(
    url: &str,
    source_error: impl FnOnce(u16, &[u8]) -> Option<ProviderError>,
    parse: impl FnOnce(&[u8]) -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    let response = get(url)?;
    check_response(url, response.status, content_type(&response), &response.body, source_error)?;
    parse(&response.body)
        .inspect_err(|error| crate::log(crate::Level::Warn, &format!("{url}: {error:?}")))
}
