//! A media upstream for the gateway made of plain reqwest, for tests and benchmarks that run the
//! gateway without the plugins' guarded client: it refuses every URL on one address (a
//! "private" probe), redirects to it included, as the guarded client refuses a private address.

use futures_util::future::BoxFuture;
use getanime_gateway::{Failure, Fetched, Upstream};

/// Fetches anything but what is on `refused`.
pub struct PlainUpstream {
    client: reqwest::Client,
    refused: String,
}

impl PlainUpstream {
    /// Refusing every URL that contains `refused` (an address), at any hop.
    pub fn refusing(refused: &str) -> anyhow::Result<PlainUpstream> {
        let hops = refused.to_owned();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if !hops.is_empty() && attempt.url().as_str().contains(&hops) {
                attempt.error("a redirect to a refused address")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder().redirect(redirect).build()?;
        Ok(PlainUpstream { client, refused: refused.to_owned() })
    }
}

impl Upstream for PlainUpstream {
    fn fetch(
        &self,
        url: String,
        range: Option<String>,
    ) -> BoxFuture<'static, std::result::Result<Fetched, Failure>> {
        let client = self.client.clone();
        let refused = !self.refused.is_empty() && url.contains(&self.refused);
        Box::pin(async move {
            if refused {
                return Err(Failure::Refused { words: format!("refused: {url}") });
            }
            let mut request = client.get(&url);
            if let Some(range) = range {
                request = request.header("range", range);
            }
            let failed = |error: reqwest::Error| Failure::Failed { words: error.to_string() };
            let response = request.send().await.map_err(failed)?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let (content_type, content_range) = (header("content-type"), header("content-range"));
            let status = response.status().as_u16();
            let url = response.url().to_string();
            let content_length = response.content_length();
            let body = futures_util::stream::unfold(Some(response), |response| async move {
                let mut response = response?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(error) => Some((Err(std::io::Error::other(error)), None)),
                }
            });
            Ok(Fetched {
                status,
                url,
                content_type,
                content_length,
                content_range,
                body: Box::pin(body),
            })
        })
    }
}
