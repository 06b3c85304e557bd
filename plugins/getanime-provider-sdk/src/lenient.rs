//! Decoding helpers for real-world JSON: any key may be missing or null, numbers may come as
//! strings or floats. Use with `#[serde(default, deserialize_with = "...")]`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A number from a JSON number or a numeric string; anything else is `None`.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The first and last plausible year (1900-2100) of a list of numbers or numeric strings, as
/// catalogs' "years" references give them.
pub fn year_range(values: &[Value]) -> Option<(u16, u16)> {
    let years: Vec<u16> = values
        .iter()
        .filter_map(number)
        .filter(|year| (1900.0..=2100.0).contains(year))
        .map(|year| year as u16)
        .collect();
    years.iter().min().copied().zip(years.iter().max().copied())
}

/// `number`, for serde.
pub fn f64_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?
        .as_ref()
        .and_then(number)
        .filter(|value| value.is_finite()))
}

/// A non-negative integer from a number or a numeric string (fractions truncated).
pub fn u64_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = f64_opt(deserializer)?;
    Ok(value.filter(|value| *value >= 0.0 && *value <= u64::MAX as f64).map(|value| value as u64))
}

/// An integer from a number or a numeric string.
pub fn i64_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = f64_opt(deserializer)?;
    Ok(value.filter(|value| value.abs() <= 9.0e15).map(|value| value as i64))
}

/// A string from a string or a number; empty strings are `None`.
pub fn string_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    })
}

/// A list of strings, tolerating null and non-string items.
pub fn strings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(text) if !text.trim().is_empty() => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// Any value that fails to decode as `T` becomes `None` instead of failing the whole document.
pub fn tolerant<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| serde_json::from_value(value).ok()))
}

#[cfg(test)]
mod tests;
