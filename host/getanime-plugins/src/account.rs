//! An account's token while a tracker plugin runs: the host attaches it to `authorized`
//! requests and takes a new one from `credentials.store`; the plugin can never read it.

use std::sync::Mutex;

use getanime_domain::UnixMillis;

/// An account's token. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub access: String,
    pub refresh: Option<String>,
    pub expires_at: Option<UnixMillis>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Token")
            .field("access", &"…")
            .field("refresh", &self.refresh.as_ref().map(|_| "…"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Persists a token the moment the plugin hands one over (before anything else can fail).
pub type StoreToken = Box<dyn Fn(&Token) -> Result<(), String> + Send + Sync>;

/// Reads the account's token as stored now (another process may have refreshed it).
pub type LoadToken = Box<dyn Fn() -> Option<Token> + Send + Sync>;

/// The account a tracker call acts for.
pub struct AccountSession {
    token: Mutex<Option<Token>>,
    store: StoreToken,
    load: Option<LoadToken>,
}

impl AccountSession {
    /// `token`: the account's current token (none while signing in); `store` keeps a new one.
    pub fn new(token: Option<Token>, store: StoreToken) -> AccountSession {
        AccountSession { token: Mutex::new(token), store, load: None }
    }

    /// Where the token is stored, to see a newer one another process put there (refresh
    /// tokens rotate: only one process's refresh succeeds).
    pub fn reloading_from(mut self, load: LoadToken) -> AccountSession {
        self.load = Some(load);
        self
    }

    /// A session that keeps nothing (tests, and calls that must not change the token).
    pub fn ephemeral(token: Option<Token>) -> AccountSession {
        AccountSession::new(token, Box::new(|_| Ok(())))
    }

    /// The token the next `authorized` request carries.
    pub fn token(&self) -> Option<Token> {
        self.lock().clone()
    }

    pub(crate) fn replace(&self, token: Token) -> Result<(), String> {
        (self.store)(&token)?;
        *self.lock() = Some(token);
        Ok(())
    }

    /// Takes the stored token when it is not `stale` (another process refreshed it); `true`
    /// when it did.
    pub(crate) fn adopt_newer(&self, stale: &Token) -> bool {
        match self.load.as_ref().and_then(|load| load()) {
            Some(stored) if stored != *stale => {
                *self.lock() = Some(stored);
                true
            }
            _ => false,
        }
    }

    /// `text` with every secret of this session replaced, for logs.
    pub(crate) fn redact(&self, text: &str) -> String {
        let guard = self.lock();
        let Some(token) = guard.as_ref() else { return text.to_owned() };
        let mut redacted = text.to_owned();
        for secret in std::iter::once(&token.access).chain(token.refresh.as_ref()) {
            // Short strings would blank out ordinary words; real tokens are long.
            if secret.len() >= 8 {
                redacted = redacted.replace(secret.as_str(), "[token]");
            }
        }
        redacted
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        // A poisoned lock only means another call panicked while holding it; the token in it
        // is still whole (it is replaced in one assignment).
        self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
