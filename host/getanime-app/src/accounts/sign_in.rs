//! Signing in to an account plugin: the steps the plugin returns, the token it hands over kept
//! in the credentials file the moment it comes, the account recorded when it is done.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use getanime_domain::{
    AccountRecord, AccountState, SignInInput, SignInMethod, SignInStep, TitleKey, Tracker,
    TrackerAccount,
};
use getanime_plugins::{AccountSession, Plugin};

use super::DEVICE_ID_SETTING;
use crate::{App, now_ms, random_hex};

/// A sign-in in progress: the plugin, the session that will receive the token, and the key the
/// token is kept under.
pub struct SignIn {
    plugin_id: String,
    plugin: Arc<Plugin>,
    session: Arc<AccountSession>,
    credential_key: String,
    device_id: String,
}

impl SignIn {
    pub fn plugin_id(&self) -> &str {
        &self.plugin_id
    }
}

impl App {
    /// The ways `plugin_id` signs in, the preferred first.
    pub async fn sign_in_methods(&self, plugin_id: &str) -> Result<Vec<SignInMethod>> {
        self.ensure_tracker_installed(plugin_id).await?;
        let plugin = self.load_tracker(plugin_id).await?;
        Ok(plugin.sign_in_methods().await?)
    }

    /// Starts signing in to `plugin_id` for the profile in use.
    pub async fn start_sign_in(
        &self,
        plugin_id: &str,
        method: SignInMethod,
    ) -> Result<(SignIn, SignInStep)> {
        self.ensure_tracker_installed(plugin_id).await?;
        let plugin = Arc::new(self.load_tracker(plugin_id).await?);
        let credential_key = random_hex(16)?;
        // A token the plugin hands over is on disk before the plugin goes on.
        let session = Arc::new(self.account_session(&credential_key, None));
        let device_id = self.device_id().await?;
        let step = plugin.sign_in_start(&session, method, &device_id).await?;
        let sign_in =
            SignIn { plugin_id: plugin_id.to_owned(), plugin, session, credential_key, device_id };
        Ok((sign_in, step))
    }

    /// Starts `sign_in` over (a code that expired): the same account key, a new code.
    pub async fn restart_sign_in(
        &self,
        sign_in: &SignIn,
        method: SignInMethod,
    ) -> Result<SignInStep> {
        Ok(sign_in.plugin.sign_in_start(&sign_in.session, method, &sign_in.device_id).await?)
    }

    /// The next step of `sign_in` after `input`.
    pub async fn advance_sign_in(
        &self,
        sign_in: &SignIn,
        state: &str,
        input: &SignInInput,
    ) -> Result<SignInStep> {
        Ok(sign_in
            .plugin
            .sign_in_advance(&sign_in.session, state, &sign_in.device_id, input)
            .await?)
    }

    /// Records the signed-in account. Its first sync asks before sending this profile's
    /// history when there is any.
    pub async fn finish_sign_in(
        &self,
        sign_in: &SignIn,
        who: TrackerAccount,
    ) -> Result<AccountRecord> {
        if sign_in.session.token().is_none() {
            bail!("{} signed in without handing over a token", sign_in.plugin_id);
        }
        // History counts by MyAnimeList ids too: a tracker's own ids are only resolved later.
        let titles = sign_in.plugin.manifest().title_key().map(|key| match key {
            TitleKey::Trackers(mut trackers) if !trackers.contains(&Tracker::MyAnimeList) => {
                trackers.push(Tracker::MyAnimeList);
                TitleKey::Trackers(trackers)
            }
            key => key,
        });
        let (profile, plugin_id, key) =
            (self.profile(), sign_in.plugin_id.clone(), sign_in.credential_key.clone());
        let earlier = {
            let plugin_id = plugin_id.clone();
            self.db(move |db| db.account(profile, &plugin_id)).await?
        };
        // Signing in again as the same user keeps the answer to the first sync's question.
        let answered = earlier.as_ref().is_some_and(|earlier| {
            earlier.user_id == who.user_id && earlier.state != AccountState::NeedsConsent
        });
        let record = self
            .db(move |db| {
                let has_history = match &titles {
                    Some(titles) if !answered => db.has_history(profile, titles)?,
                    _ => false,
                };
                let state =
                    if has_history { AccountState::NeedsConsent } else { AccountState::Active };
                db.connect_account(profile, &plugin_id, &key, &who, state, now_ms())
            })
            .await?;
        if let Some(earlier) = earlier
            && earlier.credential_key != record.credential_key
        {
            self.credentials().forget(&earlier.credential_key)?;
        }
        Ok(record)
    }

    /// Signs in to `plugin_id` with a login and a password in one go (the Accounts screen's
    /// form); returns the user's name. A refusal is an error in words; nothing is kept.
    pub async fn sign_in_with_password(
        &self,
        plugin_id: &str,
        login: &str,
        password: &str,
    ) -> Result<String> {
        let (sign_in, step) = self.start_sign_in(plugin_id, SignInMethod::Password).await?;
        let outcome = async {
            let SignInStep::AskLoginAndPassword { state } = step else {
                bail!("{plugin_id} does not sign in by login and password");
            };
            let input = SignInInput::LoginAndPassword {
                login: login.to_owned(),
                password: password.to_owned(),
            };
            match self.advance_sign_in(&sign_in, &state, &input).await? {
                SignInStep::Done(who) => Ok(who),
                other => bail!("{plugin_id} asked for more than a password: {other:?}"),
            }
        }
        .await;
        match outcome {
            Ok(who) => {
                let account = self.finish_sign_in(&sign_in, who).await?;
                self.typed_logins().remove(plugin_id);
                Ok(account.user_name)
            }
            Err(error) => {
                self.abandon_sign_in(&sign_in)?;
                Err(error)
            }
        }
    }

    /// Keeps the login typed on the Accounts screen until the password row's Enter.
    pub(crate) fn keep_typed_login(&self, plugin_id: &str, login: &str) {
        self.typed_logins().insert(plugin_id.to_owned(), login.to_owned());
    }

    pub(crate) fn typed_login(&self, plugin_id: &str) -> Option<String> {
        self.typed_logins().get(plugin_id).cloned()
    }

    fn typed_logins(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A login is replaced whole; a poisoned lock still holds whole ones.
        self.typed_logins.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Gives up a sign-in: a token already handed over is forgotten.
    pub fn abandon_sign_in(&self, sign_in: &SignIn) -> Result<()> {
        self.credentials().forget(&sign_in.credential_key)
    }

    /// This device's id at trackers, made once.
    async fn device_id(&self) -> Result<String> {
        if let Some(id) = self.db(|db| db.setting(DEVICE_ID_SETTING)).await? {
            return Ok(id);
        }
        let id = format!("getanime-{}", random_hex(8)?);
        let owned = id.clone();
        self.db(move |db| db.set_setting(DEVICE_ID_SETTING, &owned)).await?;
        Ok(id)
    }
}
