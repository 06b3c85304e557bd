//! What a plugin package declares about itself in `plugin.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The `plugin.toml` of a plugin package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Stable id: lower-case ASCII letters, digits and `-`, e.g. `anilibria`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Plugin version (semver).
    pub version: String,
    /// Version of the WIT contract the plugin was built against.
    pub api_version: String,
    /// One sentence for the plugin list.
    #[serde(default)]
    pub description: Option<String>,
    /// Hosts the plugin may fetch from (exact host names or IP addresses).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Setting defaults the plugin reads through the host.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
}

/// A manifest that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManifestError {
    #[error("plugin id {0:?} must be 1-64 characters of a-z, 0-9 and '-'")]
    BadId(String),
    #[error("plugin {id}: the field `{field}` must not be empty")]
    Empty { id: String, field: &'static str },
}

impl PluginManifest {
    /// Checks the rules serde cannot express.
    pub fn check(&self) -> Result<(), ManifestError> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
        if !id_ok {
            return Err(ManifestError::BadId(self.id.clone()));
        }
        for (field, value) in
            [("name", &self.name), ("version", &self.version), ("api_version", &self.api_version)]
        {
            if value.trim().is_empty() {
                return Err(ManifestError::Empty { id: self.id.clone(), field });
            }
        }
        Ok(())
    }

    /// Whether the plugin may fetch from `host` (case-insensitive exact match).
    pub fn allows_host(&self, host: &str) -> bool {
        self.allowed_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str) -> PluginManifest {
        PluginManifest {
            id: id.to_owned(),
            name: "Name".to_owned(),
            version: "1.0.0".to_owned(),
            api_version: "0.1.0".to_owned(),
            description: None,
            allowed_hosts: vec!["api.example.org".to_owned()],
            settings: BTreeMap::new(),
        }
    }

    #[test]
    fn ids_are_lower_case_slugs() {
        assert_eq!(manifest("anilibria").check(), Ok(()));
        assert_eq!(manifest("demo-source-2").check(), Ok(()));
        for bad in ["", "AniLibria", "../etc", "a b", &"x".repeat(65)] {
            assert_eq!(manifest(bad).check(), Err(ManifestError::BadId(bad.to_owned())));
        }
    }

    #[test]
    fn empty_fields_are_named() {
        let mut plugin = manifest("demo");
        plugin.version = " ".to_owned();
        assert_eq!(
            plugin.check(),
            Err(ManifestError::Empty { id: "demo".to_owned(), field: "version" })
        );
    }

    #[test]
    fn hosts_match_exactly_ignoring_case() {
        let plugin = manifest("demo");
        assert!(plugin.allows_host("API.example.org"));
        assert!(!plugin.allows_host("evil.example.org"));
        assert!(!plugin.allows_host("api.example.org.evil.com"));
    }
}
