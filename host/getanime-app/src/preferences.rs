//! The user's preferences: a fixed set of settings ([`Setting`]), each with the values it can
//! take. The CLI (`getanime settings`) and the Settings screen both read this set, so they cannot
//! disagree, and a misspelled setting does not compile. Reads that mean something (how long
//! details stay fresh, how often to sync) are typed methods on [`App`].

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use getanime_domain::Quality;

use crate::App;
use crate::language::{self, Language, tr};

/// One setting: its key in the `settings` tables and the values it can take (the first is the
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum Setting {
    /// The interface language: `auto` (the system's), `ru` or `en`.
    Language,
    /// The stream quality to start with: `fhd`, `hd`, `sd`.
    Quality,
    /// Skip openings and endings by themselves.
    AutoSkip,
    /// Play the next episode after a countdown.
    AutoPlayNext,
    /// Minutes between background syncs (`0`: never).
    SyncIntervalMinutes,
    /// Hours after which a title's details are fetched again.
    DetailsTtlHours,
    /// Notices when a sync brings a new episode: of every followed title, of favorites only,
    /// or none.
    NewEpisodeNotices,
    /// The phone remote listens on the home network (off until the user turns it on).
    PhoneRemote,
    /// The phone remote's port (a fixed one, so phones' bookmarks and QR codes keep working).
    PhoneRemotePort,
}

impl Setting {
    /// Every setting, in the order the Settings screen lists them.
    pub const ALL: [Setting; 9] = [
        Setting::Language,
        Setting::Quality,
        Setting::AutoSkip,
        Setting::AutoPlayNext,
        Setting::SyncIntervalMinutes,
        Setting::DetailsTtlHours,
        Setting::NewEpisodeNotices,
        Setting::PhoneRemote,
        Setting::PhoneRemotePort,
    ];

    /// Its key in the `settings` and `profile_settings` tables, and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Language => "language",
            Setting::Quality => "quality",
            Setting::AutoSkip => "auto_skip",
            Setting::AutoPlayNext => "auto_play_next",
            Setting::SyncIntervalMinutes => "sync_interval_minutes",
            Setting::DetailsTtlHours => "details_ttl_hours",
            Setting::NewEpisodeNotices => "new_episode_notices",
            Setting::PhoneRemote => "phone_remote",
            Setting::PhoneRemotePort => "phone_remote_port",
        }
    }

    /// The setting stored under `key`.
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|setting| setting.key() == key)
    }

    /// The values it can take, the default first.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Setting::Language => &["auto", "ru", "en"],
            Setting::Quality => &["fhd", "hd", "sd"],
            Setting::AutoSkip => &["false", "true"],
            Setting::AutoPlayNext => &["true", "false"],
            Setting::SyncIntervalMinutes => &["60", "180", "720", "0"],
            Setting::DetailsTtlHours => &["24", "6", "72", "168"],
            Setting::NewEpisodeNotices => &["followed", "favorites", "off"],
            Setting::PhoneRemote => &["false", "true"],
            // Any port `accepts` takes; the default is the one listed.
            Setting::PhoneRemotePort => &["47401"],
        }
    }

    /// Whether `value` is one this setting takes: one of its values, or for the port any
    /// unprivileged port a browser will open (not one of Chromium's restricted ones).
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Setting::PhoneRemotePort => value
                .parse::<u16>()
                .is_ok_and(|port| port >= 1024 && !BROWSER_RESTRICTED_PORTS.contains(&port)),
            _ => self.values().contains(&value),
        }
    }

    /// Whether each profile keeps its own value (else the library has one for everybody).
    pub fn per_profile(self) -> bool {
        match self {
            Setting::Language
            | Setting::Quality
            | Setting::AutoSkip
            | Setting::AutoPlayNext
            | Setting::NewEpisodeNotices => true,
            Setting::SyncIntervalMinutes
            | Setting::DetailsTtlHours
            | Setting::PhoneRemote
            | Setting::PhoneRemotePort => false,
        }
    }

    /// What the Settings screen calls it, in the current language. The language row says it in
    /// both, so whoever cannot read the current one still finds it.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Language => "Язык / Language",
            Setting::Quality => tr!("Preferred quality"),
            Setting::AutoSkip => tr!("Skip openings and endings"),
            Setting::AutoPlayNext => tr!("Play the next episode"),
            Setting::SyncIntervalMinutes => tr!("Sync sources every"),
            Setting::DetailsTtlHours => tr!("Refresh title details after"),
            Setting::NewEpisodeNotices => tr!("Notices of new episodes"),
            Setting::PhoneRemote => tr!("Phone remote"),
            Setting::PhoneRemotePort => tr!("Phone remote port"),
        }
    }

    /// A value as the Settings screen shows it: `on`, `3 hours`, `Русский`.
    pub fn value_label(self, value: &str) -> String {
        let number = value.parse::<u64>().ok();
        match (self, value, number) {
            (Setting::Language, "auto", _) => tr!(
                "as the system ({language})",
                language = Language::from_environment().native_name()
            ),
            (Setting::Language, code, _) => Language::from_code(code)
                .map_or_else(|| code.to_owned(), |known| known.native_name().to_owned()),
            (Setting::SyncIntervalMinutes, _, Some(0)) => tr!("never").to_owned(),
            (Setting::SyncIntervalMinutes, _, Some(minutes)) => language::hours(minutes / 60),
            (Setting::DetailsTtlHours, _, Some(hours)) => language::hours(hours),
            (Setting::NewEpisodeNotices, "followed", _) => {
                tr!("of the titles you follow").to_owned()
            }
            (Setting::NewEpisodeNotices, "favorites", _) => tr!("of favorites only").to_owned(),
            (_, "true", _) => tr!("on").to_owned(),
            (_, "false", _) => tr!("off").to_owned(),
            _ => value.to_owned(),
        }
    }

    pub fn default_value(self) -> &'static str {
        self.values()[0]
    }

    /// The value after (or before) `current`, wrapping around.
    pub fn step(self, current: &str, forward: bool) -> &'static str {
        let values = self.values();
        let count = values.len();
        let at = values.iter().position(|value| *value == current).unwrap_or(0);
        let next = if forward { (at + 1) % count } else { (at + count - 1) % count };
        values[next]
    }
}

/// Ports Chromium refuses to open pages on (its `kRestrictedPorts`, the unprivileged ones).
const BROWSER_RESTRICTED_PORTS: [u16; 16] = [
    1719, 1720, 1723, 2049, 3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 10080,
];

impl std::fmt::Display for Setting {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.key())
    }
}

impl std::str::FromStr for Setting {
    type Err = String;

    /// A key typed on the command line; an unknown one names the known ones.
    fn from_str(key: &str) -> std::result::Result<Setting, String> {
        Setting::from_key(key).ok_or_else(|| {
            let known: Vec<&str> = Setting::ALL.iter().map(|setting| setting.key()).collect();
            format!("unknown setting {key:?}; known: {}", known.join(", "))
        })
    }
}

impl App {
    /// Sets a setting to one of its values (the profile's own when it is per profile).
    pub async fn set_setting(&self, setting: Setting, value: &str) -> Result<()> {
        if !setting.accepts(value) {
            bail!(
                "{value:?} is not a valid value for {setting}; one of: {}",
                setting.values().join(", ")
            );
        }
        let value = value.to_owned();
        let profile = self.profile();
        self.db(move |db| {
            if setting.per_profile() {
                db.set_profile_setting(profile, setting.key(), &value)
            } else {
                db.set_setting(setting.key(), &value)
            }
        })
        .await
    }

    /// Every setting and its value: the profile's own, else the library's (what a library
    /// from before profiles had set), else the default; a value no longer valid is the default.
    pub async fn settings(&self) -> Result<Vec<(Setting, String)>> {
        let profile = self.profile();
        self.db(move |db| {
            Setting::ALL
                .iter()
                .map(|&setting| {
                    let own = if setting.per_profile() {
                        db.profile_setting(profile, setting.key())?
                    } else {
                        None
                    };
                    let stored = match own {
                        Some(value) => Some(value),
                        None => db.setting(setting.key())?,
                    };
                    let value = stored
                        .filter(|value| setting.accepts(value))
                        .unwrap_or_else(|| setting.default_value().to_owned());
                    Ok((setting, value))
                })
                .collect()
        })
        .await
    }

    /// The value of one setting, as [`App::settings`] reads it.
    pub async fn setting(&self, setting: Setting) -> Result<String> {
        let settings = self.settings().await?;
        Ok(settings
            .into_iter()
            .find_map(|(candidate, value)| (candidate == setting).then_some(value))
            .unwrap_or_else(|| setting.default_value().to_owned()))
    }

    /// The interface language the Settings row asks for (`auto`: the system's locale).
    pub async fn interface_language(&self) -> Result<Language> {
        Ok(Language::from_setting(&self.setting(Setting::Language).await?))
    }

    /// How long a title's details stay fresh ("Refresh title details after").
    pub async fn details_ttl(&self) -> Result<Duration> {
        Ok(Duration::from_secs(self.number_setting(Setting::DetailsTtlHours).await? * 3600))
    }

    /// How often the sources sync in the background; `None`: never.
    pub async fn sync_interval(&self) -> Result<Option<Duration>> {
        let minutes = self.number_setting(Setting::SyncIntervalMinutes).await?;
        Ok((minutes > 0).then(|| Duration::from_secs(minutes * 60)))
    }

    /// The quality the profile starts playback with.
    pub async fn preferred_quality(&self) -> Result<Quality> {
        Ok(Quality::parse(&self.setting(Setting::Quality).await?).unwrap_or(Quality::Fhd))
    }

    /// Whether an on/off setting is on.
    pub async fn is_on(&self, setting: Setting) -> Result<bool> {
        Ok(self.setting(setting).await? == "true")
    }

    /// A numeric setting's value; every value of those is a number, so the default stands in
    /// only for a build whose list and parser disagree.
    async fn number_setting(&self, setting: Setting) -> Result<u64> {
        let value = self.setting(setting).await?;
        Ok(value.parse().or_else(|_| setting.default_value().parse()).unwrap_or_default())
    }

    /// Writes a backup into the data directory's `backups/`, named by the time; returns its path.
    pub async fn backup_now(&self) -> Result<PathBuf> {
        let dir = self.paths.backups();
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let name = format!("getanime-{}.sqlite3", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
        let path = dir.join(name);
        self.backup(path.clone()).await?;
        Ok(path)
    }

    /// The backups in the data directory's `backups/`, newest first.
    pub async fn backups(&self) -> Result<Vec<PathBuf>> {
        let dir = self.paths.backups();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error).with_context(|| format!("listing {}", dir.display())),
        };
        let mut backups = Vec::new();
        for entry in entries {
            let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
            if path.extension().is_some_and(|extension| extension == "sqlite3") {
                backups.push(path);
            }
        }
        // Names carry the time, so name order is time order.
        backups.sort_by(|a, b| b.cmp(a));
        Ok(backups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_steps_through_its_values_and_wraps() {
        for setting in Setting::ALL {
            let mut value = setting.default_value();
            let mut seen = Vec::new();
            for _ in 0..setting.values().len() {
                seen.push(value);
                value = setting.step(value, true);
            }
            assert_eq!(value, setting.default_value(), "{setting} wraps");
            assert_eq!(seen, setting.values());
            assert_eq!(setting.step(setting.default_value(), false), *seen.last().unwrap());
            assert_eq!(Setting::from_key(setting.key()), Some(setting));
        }
        assert_eq!(Setting::Quality.step("nonsense", true), "hd");
        assert!("qualty".parse::<Setting>().unwrap_err().contains("known: language, quality"));
    }

    #[test]
    fn every_setting_is_listed_once() {
        use strum::IntoEnumIterator;
        assert_eq!(Setting::iter().collect::<Vec<_>>(), Setting::ALL);
    }

    #[test]
    fn the_phone_remote_port_takes_any_port_a_browser_opens() {
        let port = Setting::PhoneRemotePort;
        assert_eq!(port.default_value(), "47401");
        for good in ["47401", "8080", "1024", "65535"] {
            assert!(port.accepts(good), "{good}");
        }
        for bad in ["80", "6666", "10080", "65536", "-1", "http", ""] {
            assert!(!port.accepts(bad), "{bad}");
        }
        assert!(Setting::PhoneRemote.accepts("true") && !Setting::PhoneRemote.accepts("yes"));
    }

    #[test]
    fn numeric_settings_hold_only_numbers() {
        for setting in [Setting::SyncIntervalMinutes, Setting::DetailsTtlHours] {
            assert!(setting.values().iter().all(|value| value.parse::<u64>().is_ok()), "{setting}");
        }
    }
}
