//! Calls into a tracker plugin (contract 0.3's world `tracker`), each for one account's
//! session, and the conversion of its records to the domain's.

use std::sync::Arc;

use getanime_domain::{
    EpisodeMark, RemoteStatus, SignInInput, SignInMethod, SignInStep, TrackerAccount,
    TrackerChange, TrackerEntry, TrackerError,
};
use wasmtime::Store;

use crate::account::AccountSession;
use crate::bindings::v0_3::tracker::{Tracker, sign_in, tracker_types as wit};
use crate::conversion::RECORD_COST;
use crate::runtime::{Instance, Plugin, PluginState};
use crate::{Error, Result};

impl Plugin {
    /// One tracker call for `account`; `make_run` makes the call (it may be made twice). With
    /// `[oauth]`, a token about to end is refreshed first, and a call the tracker refused as
    /// unauthorized is made once more after a refresh.
    async fn tracker_call<T, R>(
        &self,
        account: &Arc<AccountSession>,
        size: impl Fn(&T) -> usize,
        make_run: impl Fn() -> R,
    ) -> Result<T>
    where
        R: AsyncFnOnce(
            &mut Store<PluginState>,
            &Tracker,
        ) -> wasmtime::Result<std::result::Result<T, wit::TrackerError>>,
    {
        if !self.is_tracker() {
            return Err(Error::WrongKind { id: self.id().to_owned(), expected: "a tracker" });
        }
        if self.can_refresh(account) && self.token_ends_soon(account) {
            // A refused refresh shows as the call's own "unauthorized" below.
            self.refresh_token(account).await?;
        }
        let first = self.tracker_call_once(account, &size, make_run()).await;
        match first {
            Err(Error::Tracker { error: TrackerError::Unauthorized, .. })
                if self.can_refresh(account) =>
            {
                if self.refresh_token(account).await? {
                    return self.tracker_call_once(account, &size, make_run()).await;
                }
                first
            }
            other => other,
        }
    }

    async fn tracker_call_once<T>(
        &self,
        account: &Arc<AccountSession>,
        size: &impl Fn(&T) -> usize,
        run: impl AsyncFnOnce(
            &mut Store<PluginState>,
            &Tracker,
        ) -> wasmtime::Result<std::result::Result<T, wit::TrackerError>>,
    ) -> Result<T> {
        // The wait for the tracker's limits is spent here, not inside the call's time limit; a
        // pause the server asked for is the server's "wait", said at once.
        if let Err(left) = self.host.pace().await {
            let seconds = u32::try_from(left.as_secs().max(1)).unwrap_or(u32::MAX);
            return Err(Error::Tracker {
                id: self.id().to_owned(),
                name: self.manifest().name.clone(),
                error: TrackerError::RateLimited(Some(seconds)),
            });
        }
        self.call_as(
            Some(Arc::clone(account)),
            size,
            async |store, instance| match instance {
                Instance::Tracker(tracker) => run(store, tracker).await,
                _ => Ok(Err(wit::TrackerError::Unsupported)),
            },
            |store, error| self.tracker_error(store, error),
        )
        .await
    }

    fn tracker_error(&self, store: &Store<PluginState>, error: wit::TrackerError) -> Error {
        let id = self.id().to_owned();
        match (&store.data().denied_host, error) {
            (Some(host), _) => Error::CapabilityDenied { id, host: host.clone() },
            (None, wit::TrackerError::Denied(host)) => Error::CapabilityDenied { id, host },
            (None, error) => Error::Tracker {
                id,
                name: self.manifest().name.clone(),
                error: tracker_error(error),
            },
        }
    }

    /// The ways this tracker signs in, the preferred first.
    pub async fn sign_in_methods(&self) -> Result<Vec<SignInMethod>> {
        let session = Arc::new(AccountSession::ephemeral(None));
        self.tracker_call(
            &session,
            |methods: &Vec<SignInMethod>| methods.len() * RECORD_COST,
            || {
                async |store, tracker| {
                    let methods = tracker.getanime_provider_sign_in().call_methods(store).await?;
                    Ok(Ok(methods.into_iter().map(method).collect()))
                }
            },
        )
        .await
    }

    /// Starts signing in; a token the plugin hands over goes to `session`.
    pub async fn sign_in_start(
        &self,
        session: &Arc<AccountSession>,
        how: SignInMethod,
        device_id: &str,
    ) -> Result<SignInStep> {
        if let (Some(oauth), SignInMethod::Paste) = (self.oauth(), how) {
            return self.oauth_page(oauth);
        }
        let how = match how {
            SignInMethod::DeviceCode => sign_in::Method::DeviceCode,
            SignInMethod::Paste => sign_in::Method::Paste,
            SignInMethod::Password => sign_in::Method::Password,
        };
        self.tracker_call(session, step_size, || {
            async |store, tracker| {
                let answer =
                    tracker.getanime_provider_sign_in().call_start(store, how, device_id).await?;
                Ok(answer.map(step))
            }
        })
        .await
    }

    /// The next sign-in step after `input`.
    pub async fn sign_in_advance(
        &self,
        session: &Arc<AccountSession>,
        state: &str,
        device_id: &str,
        input: &SignInInput,
    ) -> Result<SignInStep> {
        if let (Some(oauth), SignInInput::Text(pasted)) = (self.oauth(), input)
            && state == crate::oauth::OAUTH_STATE
        {
            // The host signs in: the plugin only says who the token belongs to.
            return if self.oauth_paste(session, oauth, pasted).await? {
                Ok(SignInStep::Done(self.whoami(session).await?))
            } else {
                self.oauth_page(oauth)
            };
        }
        let input = match input {
            SignInInput::Poll => sign_in::Input::Poll,
            SignInInput::Text(text) => sign_in::Input::Text(text.clone()),
            SignInInput::LoginAndPassword { login, password } => {
                sign_in::Input::LoginAndPassword((login.clone(), password.clone()))
            }
        };
        self.tracker_call(session, step_size, || {
            async |store, tracker| {
                let sign_in = tracker.getanime_provider_sign_in();
                let answer = sign_in.call_advance(store, state, device_id, &input).await?;
                Ok(answer.map(step))
            }
        })
        .await
    }

    /// Signs the session's token out at the tracker.
    pub async fn sign_out(&self, session: &Arc<AccountSession>) -> Result<()> {
        self.tracker_call(
            session,
            |_| 0,
            || {
                async |store, tracker| {
                    tracker.getanime_provider_sign_in().call_sign_out(store).await
                }
            },
        )
        .await
    }

    /// Who the session's token belongs to.
    pub async fn whoami(&self, session: &Arc<AccountSession>) -> Result<TrackerAccount> {
        self.tracker_call(session, account_size, || {
            async |store, tracker| {
                let answer = tracker.getanime_provider_lists().call_whoami(store).await?;
                Ok(answer.map(account))
            }
        })
        .await
    }

    /// Every entry of the user's lists.
    pub async fn pull(&self, session: &Arc<AccountSession>) -> Result<Vec<TrackerEntry>> {
        let size = |entries: &Vec<TrackerEntry>| entries.iter().map(entry_size).sum();
        self.tracker_call(session, size, || {
            async |store, tracker| {
                let answer = tracker.getanime_provider_lists().call_pull(store).await?;
                Ok(answer.map(|entries| entries.into_iter().map(entry).collect()))
            }
        })
        .await
    }

    /// Applies `change`; answers the tracker's view of the title afterwards.
    pub async fn push(
        &self,
        session: &Arc<AccountSession>,
        change: &TrackerChange,
    ) -> Result<TrackerEntry> {
        let change = wit_change(change);
        self.tracker_call(session, entry_size, || {
            async |store, tracker| {
                let answer = tracker.getanime_provider_lists().call_push(store, &change).await?;
                Ok(answer.map(entry))
            }
        })
        .await
    }

    /// Takes a title off the user's lists at the tracker.
    pub async fn remove(
        &self,
        session: &Arc<AccountSession>,
        external_id: &str,
        remote_id: Option<&str>,
    ) -> Result<()> {
        self.tracker_call(
            session,
            |_| 0,
            || {
                async |store, tracker| {
                    let lists = tracker.getanime_provider_lists();
                    lists.call_remove(store, external_id, remote_id).await
                }
            },
        )
        .await
    }

    /// The tracker's ids for MyAnimeList ids.
    pub async fn resolve(
        &self,
        session: &Arc<AccountSession>,
        mal_ids: &[String],
    ) -> Result<Vec<(String, String)>> {
        let size = |pairs: &Vec<(String, String)>| {
            pairs.iter().map(|(mal, own)| RECORD_COST + mal.len() + own.len()).sum()
        };
        self.tracker_call(session, size, || {
            async |store, tracker| {
                tracker.getanime_provider_lists().call_resolve(store, mal_ids).await
            }
        })
        .await
    }

    /// Per-episode marks changed since `since`, or all.
    pub async fn pull_marks(
        &self,
        session: &Arc<AccountSession>,
        since: Option<i64>,
    ) -> Result<Vec<EpisodeMark>> {
        let size = |marks: &Vec<EpisodeMark>| {
            marks.iter().map(|mark| RECORD_COST + mark.episode_id.len()).sum()
        };
        self.tracker_call(session, size, || {
            async |store, tracker| {
                let answer =
                    tracker.getanime_provider_lists().call_pull_marks(store, since).await?;
                Ok(answer.map(|marks| marks.into_iter().map(mark).collect()))
            }
        })
        .await
    }

    /// Sends per-episode marks.
    pub async fn push_marks(
        &self,
        session: &Arc<AccountSession>,
        marks: &[EpisodeMark],
    ) -> Result<()> {
        let marks: Vec<wit::EpisodeMark> = marks
            .iter()
            .map(|mark| wit::EpisodeMark {
                episode_id: mark.episode_id.clone(),
                position_ms: mark.position_ms,
                watched: mark.watched,
            })
            .collect();
        self.tracker_call(
            session,
            |_| 0,
            || {
                async |store, tracker| {
                    tracker.getanime_provider_lists().call_push_marks(store, &marks).await
                }
            },
        )
        .await
    }
}

fn method(method: sign_in::Method) -> SignInMethod {
    match method {
        sign_in::Method::DeviceCode => SignInMethod::DeviceCode,
        sign_in::Method::Paste => SignInMethod::Paste,
        sign_in::Method::Password => SignInMethod::Password,
    }
}

fn step(step: sign_in::Step) -> SignInStep {
    match step {
        sign_in::Step::ShowCodeAndWait(code) => SignInStep::ShowCodeAndWait {
            code: code.code,
            url: code.url,
            expires_in_s: code.expires_in_s,
            poll_every_s: code.poll_every_s,
            state: code.state,
        },
        sign_in::Step::OpenAndPaste(paste) => SignInStep::OpenAndPaste {
            url: paste.url,
            expires_in_s: paste.expires_in_s,
            state: paste.state,
        },
        sign_in::Step::AskLoginAndPassword(state) => SignInStep::AskLoginAndPassword { state },
        sign_in::Step::Done(who) => SignInStep::Done(account(who)),
    }
}

fn step_size(step: &SignInStep) -> usize {
    RECORD_COST
        + match step {
            SignInStep::ShowCodeAndWait { code, url, state, .. } => {
                code.len() + url.as_ref().map_or(0, String::len) + state.len()
            }
            SignInStep::OpenAndPaste { url, state, .. } => url.len() + state.len(),
            SignInStep::AskLoginAndPassword { state } => state.len(),
            SignInStep::Done(who) => account_size(who),
        }
}

fn account(account: wit::Account) -> TrackerAccount {
    TrackerAccount { user_id: account.user_id, user_name: account.user_name }
}

fn account_size(account: &TrackerAccount) -> usize {
    RECORD_COST + account.user_id.len() + account.user_name.len()
}

fn status(status: wit::ListStatus) -> RemoteStatus {
    match status {
        wit::ListStatus::Watching => RemoteStatus::Watching,
        wit::ListStatus::Planned => RemoteStatus::Planned,
        wit::ListStatus::Completed => RemoteStatus::Completed,
        wit::ListStatus::OnHold => RemoteStatus::OnHold,
        wit::ListStatus::Dropped => RemoteStatus::Dropped,
        wit::ListStatus::Rewatching => RemoteStatus::Rewatching,
    }
}

fn wit_status(status: RemoteStatus) -> wit::ListStatus {
    match status {
        RemoteStatus::Watching => wit::ListStatus::Watching,
        RemoteStatus::Planned => wit::ListStatus::Planned,
        RemoteStatus::Completed => wit::ListStatus::Completed,
        RemoteStatus::OnHold => wit::ListStatus::OnHold,
        RemoteStatus::Dropped => wit::ListStatus::Dropped,
        RemoteStatus::Rewatching => wit::ListStatus::Rewatching,
    }
}

fn entry(entry: wit::Entry) -> TrackerEntry {
    TrackerEntry {
        external_id: entry.external_id,
        status: entry.status.map(status),
        progress: entry.progress,
        score: entry.score,
        favorite: entry.favorite,
        remote_id: entry.remote_id,
        updated_at: entry.updated_at,
    }
}

fn entry_size(entry: &TrackerEntry) -> usize {
    RECORD_COST + entry.external_id.len() + entry.remote_id.as_ref().map_or(0, String::len)
}

fn wit_change(change: &TrackerChange) -> wit::Change {
    wit::Change {
        external_id: change.external_id.clone(),
        status: change.status.map(|status| status.map(wit_status)),
        progress: change.progress,
        score: change.score,
        favorite: change.favorite,
        remote_id: change.remote_id.clone(),
    }
}

fn mark(mark: wit::EpisodeMark) -> EpisodeMark {
    EpisodeMark {
        episode_id: mark.episode_id,
        position_ms: mark.position_ms,
        watched: mark.watched,
    }
}

fn tracker_error(error: wit::TrackerError) -> TrackerError {
    match error {
        wit::TrackerError::Unauthorized => TrackerError::Unauthorized,
        wit::TrackerError::RateLimited(seconds) => TrackerError::RateLimited(seconds),
        wit::TrackerError::NotFound => TrackerError::NotFound,
        wit::TrackerError::Unsupported => TrackerError::Unsupported,
        wit::TrackerError::Denied(host) => TrackerError::Denied(host),
        wit::TrackerError::Network(message) => TrackerError::Network(message),
        wit::TrackerError::Parse(message) => TrackerError::Parse(message),
        wit::TrackerError::Rejected(message) => TrackerError::Rejected(message),
        wit::TrackerError::Other(message) => TrackerError::Other(message),
    }
}
