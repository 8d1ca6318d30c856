//! Fetching `http(s)://` inputs: bounded in time, size and redirects, with a clear error per URL
//! (the run goes on with the other inputs).

use crate::error::{Error, Result};
use std::time::Duration;

/// Limits of one download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Time allowed to receive the response headers, and then the body.
    pub timeout: Duration,
    /// Time allowed to connect (capped by `timeout`).
    pub connect_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 20 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// What a server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    /// Lowercase media type without parameters (`text/html`), when the server named one.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Is this input a URL rather than a path?
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Downloads `url`; a status other than 2xx, a timeout, too many redirects or an oversize body is
/// an [`Error::Fetch`] that says which.
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched> {
    let fail = |message: String| Error::Fetch {
        url: url.to_string(),
        message,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(opts.connect_timeout.min(opts.timeout)))
        .timeout_recv_response(Some(opts.timeout))
        .timeout_recv_body(Some(opts.timeout))
        .max_redirects(opts.max_redirects)
        .http_status_as_error(false)
        .user_agent(concat!(
            "mtlint/",
            env!("CARGO_PKG_VERSION"),
            " (machine-translation linter)"
        ))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| fail(describe(&e, opts)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(
            format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string(),
        ));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty());
    let final_url = ureq::ResponseExt::get_uri(&response).to_string();
    let body = response
        .body_mut()
        .with_config()
        .limit(opts.max_bytes)
        .read_to_vec()
        .map_err(|e| fail(describe(&e, opts)))?;
    Ok(Fetched {
        url: final_url,
        content_type,
        body,
    })
}

/// A one-line reason a user can act on.
fn describe(e: &ureq::Error, opts: &FetchOptions) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "timed out after {} s (raise --timeout)",
            opts.timeout.as_secs_f64()
        ),
        ureq::Error::BodyExceedsLimit(_) => format!(
            "larger than the {} byte limit (raise --max-download)",
            opts.max_bytes
        ),
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects", opts.max_redirects)
        }
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => format!(
            "timed out after {} s (raise --timeout)",
            opts.timeout.as_secs_f64()
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        for (input, url) in [
            ("https://example.com/feed.xml", true),
            ("HTTP://example.com", true),
            ("http:/x", false),
            ("feeds/http.xml", false),
            ("-", false),
            ("", false),
        ] {
            assert_eq!(is_url(input), url, "{input}");
        }
    }

    #[test]
    fn an_unreachable_port_is_an_error_naming_the_url() {
        // Port 9 on the loopback address: nothing listens, so the connection is refused at once.
        let e = fetch("http://127.0.0.1:9/feed.xml", &FetchOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("http://127.0.0.1:9/feed.xml: cannot fetch:"),
            "{e}"
        );
    }
}
