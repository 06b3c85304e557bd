//! The user's preferences: a fixed list of settings, each with the values it can take. The CLI
//! (`getanime settings`) and the Settings screen both read this list, so they cannot disagree.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::App;
use crate::language::{self, Language, tr};

/// One preference: its key in the `settings` table and its allowed values (the first is the
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub key: &'static str,
    pub values: &'static [&'static str],
}

/// The key of the interface language: `auto` (the system's), `ru` or `en`.
pub const LANGUAGE: &str = "language";

impl Preference {
    /// What the Settings screen calls it, in the current language. The language row says it in
    /// both, so whoever cannot read the current one still finds it.
    pub fn label(&self) -> &'static str {
        match self.key {
            LANGUAGE => "Язык / Language",
            "quality" => tr!("Preferred quality"),
            "auto_skip" => tr!("Skip openings and endings"),
            "auto_play_next" => tr!("Play the next episode"),
            "sync_interval_minutes" => tr!("Sync sources every"),
            "details_ttl_hours" => tr!("Refresh title details after"),
            other => other,
        }
    }

    /// A value as the Settings screen shows it: `on`, `3 hours`, `Русский`.
    pub fn value_label(&self, value: &str) -> String {
        let number = value.parse::<u64>().ok();
        match (self.key, value, number) {
            (LANGUAGE, "auto", _) => tr!(
                "as the system ({language})",
                language = Language::from_environment().native_name()
            ),
            (LANGUAGE, code, _) => Language::from_code(code)
                .map_or_else(|| code.to_owned(), |known| known.native_name().to_owned()),
            ("sync_interval_minutes", _, Some(0)) => tr!("never").to_owned(),
            ("sync_interval_minutes", _, Some(minutes)) => language::hours(minutes / 60),
            ("details_ttl_hours", _, Some(hours)) => language::hours(hours),
            (_, "true", _) => tr!("on").to_owned(),
            (_, "false", _) => tr!("off").to_owned(),
            _ => value.to_owned(),
        }
    }

    pub fn default_value(&self) -> &'static str {
        self.values[0]
    }

    /// The value after (or before) `current`, wrapping around.
    pub fn step(&self, current: &str, forward: bool) -> &'static str {
        let count = self.values.len();
        let at = self.values.iter().position(|value| *value == current).unwrap_or(0);
        let next = if forward { (at + 1) % count } else { (at + count - 1) % count };
        self.values[next]
    }
}

/// Every preference, in the order the Settings screen lists them.
pub const PREFERENCES: [Preference; 6] = [
    Preference { key: LANGUAGE, values: &["auto", "ru", "en"] },
    Preference { key: "quality", values: &["fhd", "hd", "sd"] },
    Preference { key: "auto_skip", values: &["false", "true"] },
    Preference { key: "auto_play_next", values: &["true", "false"] },
    Preference { key: "sync_interval_minutes", values: &["60", "180", "720", "0"] },
    Preference { key: "details_ttl_hours", values: &["24", "6", "72", "168"] },
];

/// The preferences each profile keeps for itself; the others belong to the library.
pub const PER_PROFILE: [&str; 4] = [LANGUAGE, "quality", "auto_skip", "auto_play_next"];

/// The preference named `key`.
pub fn preference(key: &str) -> Option<&'static Preference> {
    PREFERENCES.iter().find(|preference| preference.key == key)
}

impl App {
    /// Sets a preference to one of its values.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let Some(preference) = preference(key) else {
            let known: Vec<&str> = PREFERENCES.iter().map(|preference| preference.key).collect();
            bail!("unknown setting {key:?}; known: {}", known.join(", "));
        };
        if !preference.values.contains(&value) {
            bail!(
                "{value:?} is not a valid value for {key}; one of: {}",
                preference.values.join(", ")
            );
        }
        let (key, value) = (key.to_owned(), value.to_owned());
        let profile = self.profile();
        self.db(move |db| {
            if PER_PROFILE.contains(&key.as_str()) {
                db.set_profile_setting(profile, &key, &value)
            } else {
                db.set_setting(&key, &value)
            }
        })
        .await
    }

    /// Every preference and its value: the profile's own, else the library's (what a library
    /// from before profiles had set), else the default; a value no longer valid is the default.
    pub async fn settings(&self) -> Result<Vec<(String, String)>> {
        let profile = self.profile();
        self.db(move |db| {
            PREFERENCES
                .iter()
                .map(|preference| {
                    let own = if PER_PROFILE.contains(&preference.key) {
                        db.profile_setting(profile, preference.key)?
                    } else {
                        None
                    };
                    let stored = match own {
                        Some(value) => Some(value),
                        None => db.setting(preference.key)?,
                    };
                    let value = stored
                        .filter(|value| preference.values.contains(&value.as_str()))
                        .unwrap_or_else(|| preference.default_value().to_owned());
                    Ok((preference.key.to_owned(), value))
                })
                .collect()
        })
        .await
    }

    /// The interface language the Settings row asks for (`auto`: the system's locale).
    pub async fn interface_language(&self) -> Result<Language> {
        Ok(Language::from_setting(&self.setting_value(LANGUAGE).await?))
    }

    /// The value of one preference.
    pub async fn setting_value(&self, key: &str) -> Result<String> {
        let settings = self.settings().await?;
        settings
            .into_iter()
            .find_map(|(candidate, value)| (candidate == key).then_some(value))
            .with_context(|| format!("unknown setting {key:?}"))
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
    fn every_preference_steps_through_its_values_and_wraps() {
        for preference in &PREFERENCES {
            let mut value = preference.default_value();
            let mut seen = Vec::new();
            for _ in 0..preference.values.len() {
                seen.push(value);
                value = preference.step(value, true);
            }
            assert_eq!(value, preference.default_value(), "{} wraps", preference.key);
            assert_eq!(seen, preference.values);
            assert_eq!(preference.step(preference.default_value(), false), *seen.last().unwrap());
        }
        assert_eq!(preference("quality").map(|quality| quality.step("nonsense", true)), Some("hd"));
    }
}
