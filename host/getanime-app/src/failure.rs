//! Errors as a person reads them. Storage, plugin and network errors carry English words meant
//! for the log; a screen shows [`explain`]'s sentence instead, in the interface language, and the
//! whole chain goes to the log. An error of a kind not classified here is shown as its chain,
//! which is still better than nothing.

use getanime_domain::{ProviderError, TrackerError};
use getanime_plugins::{Error as PluginError, FetchError, Refusal};
use getanime_storage::Error as StorageError;

use crate::language::tr;

/// What went wrong, for the person in front of the screen: one sentence in the interface
/// language. The chain of causes is logged (at warn), never shown.
pub fn explain(error: &anyhow::Error) -> String {
    let chain = format!("{error:#}");
    tracing::warn!("{chain}");
    sentence(error).unwrap_or(chain)
}

/// An error already said in the user's words (a sync report's `failure`), carried as the cause
/// of one with the log's words.
#[derive(Debug)]
pub struct Said(pub String);

impl std::fmt::Display for Said {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Said {}

/// The sentence for the first cause getanime knows how to say, if any.
fn sentence(error: &anyhow::Error) -> Option<String> {
    error.chain().find_map(|cause| {
        if let Some(said) = cause.downcast_ref::<Said>() {
            return Some(said.0.clone());
        }
        if let Some(storage) = cause.downcast_ref::<StorageError>() {
            return storage_sentence(storage);
        }
        if let Some(plugin) = cause.downcast_ref::<PluginError>() {
            return plugin_sentence(plugin);
        }
        if let Some(fetch) = cause.downcast_ref::<FetchError>() {
            return Some(fetch_sentence(fetch));
        }
        None
    })
}

fn storage_sentence(error: &StorageError) -> Option<String> {
    Some(
        match error {
            StorageError::DiskFull => {
                tr!("The disk is full: nothing was written. Free some space and try again.")
            }
            StorageError::ReadOnly => {
                tr!("The library folder is read-only: nothing was written.")
            }
            StorageError::Busy => tr!("The library is busy in another getanime; try again."),
            StorageError::NewerSchema { .. } => {
                tr!("The library was written by a newer getanime and was left untouched: update \
                 getanime or restore a backup.")
            }
            StorageError::Corrupt { .. } => {
                tr!("This is not a usable getanime library; it was left untouched.")
            }
            StorageError::NotFound { .. } => tr!("The library no longer has it."),
            _ => return None,
        }
        .to_owned(),
    )
}

fn plugin_sentence(error: &PluginError) -> Option<String> {
    Some(match error {
        PluginError::CapabilityDenied { id, host } => denied(id, host),
        PluginError::Timeout { id, .. } => {
            tr!("{source} took too long and was stopped; try again later.", source = id)
        }
        PluginError::MemoryExceeded { id, .. }
        | PluginError::OutputTooLarge { id, .. }
        | PluginError::Trap { id, .. } => {
            tr!("{source} misbehaved and was stopped; the library keeps what it had.", source = id)
        }
        PluginError::NotInstalled { id } => tr!("{source} is not installed.", source = id),
        PluginError::IncompatibleApi { id, .. } => tr!(
            "{source} was made for another version of getanime; update it or getanime.",
            source = id
        ),
        PluginError::Downgrade { id, installed, offered } => tr!(
            "{source} {offered} is older than the installed {installed}; nothing changed.",
            source = id,
            offered = offered,
            installed = installed
        ),
        PluginError::BadPackage { .. }
        | PluginError::Manifest { .. }
        | PluginError::Load { .. } => {
            tr!("This is not a usable getanime plugin package; nothing was installed.").to_owned()
        }
        PluginError::Provider { name, error, .. } => provider_sentence(name, error),
        PluginError::Tracker { name, error, .. } => tracker_sentence(name, error),
        PluginError::TokenNotKept { id, .. } => tr!(
            "{account} signed in, but getanime could not keep the sign-in; sign in again.",
            account = id
        ),
        PluginError::NoClientRegistration { name, .. } => tr!(
            "{account} first needs an application registered there: type its client id (and \
             secret) on Profiles → Accounts; the README says how to get them.",
            account = name
        ),
        PluginError::WrongKind { .. } => {
            tr!("This plugin cannot do that; nothing changed.").to_owned()
        }
        PluginError::Io { .. } | PluginError::Runtime(_) => return None,
    })
}

/// A source's own failure, named by the source's name ("AniLibria").
fn provider_sentence(name: &str, error: &ProviderError) -> String {
    match error {
        ProviderError::Network(_) => {
            tr!("{source} does not answer; check the connection or try again later.", source = name)
        }
        ProviderError::RateLimited => {
            tr!("{source} asks to slow down; try again in a few minutes.", source = name)
        }
        ProviderError::NotFound => tr!("{source} does not have it.", source = name),
        ProviderError::Parse(_) => tr!(
            "{source} answered something getanime cannot read; the library keeps what it had.",
            source = name
        ),
        ProviderError::CutOff(_) => {
            tr!("{source}'s answer was cut off; the library keeps what it had.", source = name)
        }
        ProviderError::Unsupported => tr!("{source} does not offer this.", source = name),
        ProviderError::Denied(host) => denied(name, host),
        ProviderError::Other(reason) => {
            tr!("{source} failed: {reason}", source = name, reason = reason)
        }
    }
}

/// An account's own failure, named by the plugin's name ("AniLiberty account").
fn tracker_sentence(name: &str, error: &TrackerError) -> String {
    match error {
        TrackerError::Unauthorized => {
            tr!("{account}: sign in again; changes wait until then.", account = name)
        }
        TrackerError::RateLimited(_) => tr!(
            "{account}: the server asks to wait; changes wait and are sent later.",
            account = name
        ),
        TrackerError::NotFound => {
            tr!("{account}: the server does not know it (or the code expired).", account = name)
        }
        TrackerError::Unsupported => tr!("{account} does not offer this.", account = name),
        TrackerError::Denied(host) => denied(name, host),
        TrackerError::Network(_) => tr!(
            "{account}: the server does not answer; changes wait and are sent later.",
            account = name
        ),
        TrackerError::Parse(_) => tr!(
            "{account} answered something getanime cannot read; nothing was lost.",
            account = name
        ),
        TrackerError::Rejected(reason) => {
            tr!("{account} refused: {reason}", account = name, reason = reason)
        }
        TrackerError::Other(reason) => {
            tr!("{account} failed: {reason}", account = name, reason = reason)
        }
    }
}

fn denied(source: &str, host: &str) -> String {
    tr!(
        "{source} may not connect to {host}; allow it in Sources if you trust it.",
        source = source,
        host = host
    )
}

/// A request the host made itself (a poster, the plugin index, a package).
fn fetch_sentence(error: &FetchError) -> String {
    match error {
        FetchError::Refused(Refusal::LocalAddress { host } | Refusal::NotAllowed { host }) => {
            tr!("getanime may not connect to {host}.", host = host)
        }
        FetchError::Refused(Refusal::Unresolved { host, .. }) => {
            tr!("{host} cannot be found; check the connection.", host = host)
        }
        FetchError::Refused(Refusal::Invalid { .. } | Refusal::Scheme { .. }) => {
            tr!("That is not a web address getanime can use.").to_owned()
        }
        FetchError::Timeout => {
            tr!("The server took too long to answer; try again later.").to_owned()
        }
        FetchError::TooLarge { .. } => tr!("The server sent far more than expected.").to_owned(),
        FetchError::Status { status } => {
            tr!("The server answered with an error ({status}).", status = status)
        }
        FetchError::Transport(_) => {
            tr!("The server does not answer; check the connection or try again later.").to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;
    use crate::language::{self, Language};

    #[track_caller]
    fn check(error: anyhow::Error, english: &str, russian: &str) {
        let said = |language| language::scoped(language, || explain(&error));
        assert_eq!(said(Language::English), english);
        assert_eq!(said(Language::Russian), russian);
    }

    #[test]
    fn a_refused_or_failed_network_call_reads_as_a_sentence_in_the_interface_language() {
        let down = PluginError::Provider {
            id: "anilibria".into(),
            name: "AniLibria".into(),
            error: ProviderError::Network("connection refused".into()),
        };
        check(
            anyhow::Error::new(down).context("syncing anilibria"),
            "AniLibria does not answer; check the connection or try again later.",
            "AniLibria не отвечает; проверьте подключение или попробуйте позже.",
        );
        check(
            anyhow::Error::new(FetchError::Transport("connection refused".into())),
            "The server does not answer; check the connection or try again later.",
            "Сервер не отвечает; проверьте подключение или попробуйте позже.",
        );
        let denied =
            PluginError::CapabilityDenied { id: "aniliberty".into(), host: "x.test".into() };
        check(
            anyhow::Error::new(denied),
            "aniliberty may not connect to x.test; allow it in Sources if you trust it.",
            "aniliberty не разрешено подключаться к x.test; разрешите это в «Источниках», если \
             доверяете ему.",
        );
    }

    #[test]
    fn storage_troubles_say_what_happened_to_the_library() {
        check(
            Err::<(), _>(StorageError::DiskFull).context("saving the position").unwrap_err(),
            "The disk is full: nothing was written. Free some space and try again.",
            "Диск заполнен: ничего не записано. Освободите место и попробуйте снова.",
        );
    }

    #[test]
    fn an_unknown_error_is_shown_as_its_chain() {
        let error = anyhow::anyhow!("not a package").context("reading /tmp/x");
        check(error, "reading /tmp/x: not a package", "reading /tmp/x: not a package");
    }
}
