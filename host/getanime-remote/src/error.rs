//! What can go wrong starting or running the phone remote.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot listen on {address}: {source}")]
    Bind { address: std::net::SocketAddr, source: std::io::Error },
    #[error("the system has no randomness: {0}")]
    Random(String),
    #[error("the library: {0}")]
    Library(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
