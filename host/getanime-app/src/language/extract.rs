//! Finding the messages sources use, for the catalog check: `tr!`/`trn!` in Rust, `@tr` in
//! `.slint` files, and any `.slint` text shown without `@tr`.

use std::path::{Path, PathBuf};

use super::catalog::Message;

/// Every file under `dir` (and its folders) whose name ends in `.extension`: the sources a
/// catalog check reads.
pub fn source_files(dir: &Path, extension: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|found| found == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The messages of `tr!("…")` and `trn!("…", "…", n)` in a Rust file.
pub fn rust_messages(source: &str) -> Result<Vec<Message>, String> {
    let mut messages = Vec::new();
    for (macro_name, plural) in [("tr!(", false), ("trn!(", true)] {
        for (at, _) in source.match_indices(macro_name) {
            // `include_str!(` is not `tr!(`.
            let joined = source[..at]
                .chars()
                .next_back()
                .is_some_and(|before| before.is_alphanumeric() || before == '_');
            if joined {
                continue;
            }
            let rest = source[at + macro_name.len()..].trim_start();
            let (msgid, after) = literal(rest).ok_or_else(|| {
                format!("{macro_name} at byte {at} does not start with a plain string literal")
            })?;
            let plural = if plural {
                let after = after.trim_start().strip_prefix(',').unwrap_or(after).trim_start();
                let (plural, _) = literal(after)
                    .ok_or_else(|| format!("{macro_name} at byte {at} has no plural literal"))?;
                Some(plural)
            } else {
                None
            };
            messages.push(Message { msgid, plural });
        }
    }
    Ok(messages)
}

/// What a `.slint` file shows: the messages of its `@tr(…)` calls, and the texts with letters
/// that are not wrapped in `@tr` (imports, exports, accessible labels and font names, which
/// people do not read on screen, are left out).
pub fn slint_messages(source: &str) -> Result<(Vec<Message>, Vec<String>), String> {
    let mut messages: Vec<Message> = Vec::new();
    let mut bare = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let trimmed = code.trim_start();
        if trimmed.starts_with("import ")
            || trimmed.starts_with("export {")
            || trimmed.starts_with("accessible-label:")
            || trimmed.starts_with("font-family:")
        {
            continue;
        }
        let mut rest = code;
        let mut before = String::new();
        while let Some(open) = rest.find('"') {
            before.push_str(&rest[..open]);
            let (text, after) = literal(&rest[open..])
                .ok_or_else(|| format!("an unterminated string in {line:?}"))?;
            let lead = before.trim_end().to_owned();
            if lead.ends_with("@tr(") {
                messages.push(Message { msgid: text, plural: None });
            } else if lead.ends_with('|') && !messages.is_empty() && plural_pending(&lead) {
                if let Some(last) = messages.last_mut() {
                    last.plural = Some(text);
                }
            } else if text.chars().any(char::is_alphabetic) {
                bare.push(text);
            }
            before = lead;
            before.push('"');
            rest = after;
        }
    }
    Ok((messages, bare))
}

/// `lead` is `@tr("…" |`: the literal after it is a plural id.
fn plural_pending(lead: &str) -> bool {
    lead.trim_end_matches('|').trim_end().ends_with('"')
}

/// Reads a plain Rust or Slint string literal at the start of `text`: its value and the rest.
fn literal(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((at, character)) = chars.next() {
        match character {
            '"' => return Some((value, &text[at + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                '\n' => {
                    // A Rust line continuation: the newline and the next line's indent vanish.
                    let rest = chars.as_str();
                    let skipped = rest.len() - rest.trim_start().len();
                    for _ in 0..rest[..skipped].chars().count() {
                        chars.next();
                    }
                }
                other => value.push(other),
            },
            other => value.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(msgid: &str, plural: Option<&str>) -> Message {
        Message { msgid: msgid.into(), plural: plural.map(str::to_owned) }
    }

    #[test]
    fn rust_messages_are_read_with_their_plurals_and_continuations() {
        let source = "let a = tr!(\"Synced at {time}\", time = t);\n\
                      let b = trn!(\"{n} title\",\n  \"{n} titles\", count);\n\
                      let c = tr!(\"Line one \\\n        and \\\"two\\\"\");";
        let mut found = rust_messages(source).expect("readable");
        found.sort();
        assert_eq!(
            found,
            [
                message("Line one and \"two\"", None),
                message("Synced at {time}", None),
                message("{n} title", Some("{n} titles")),
            ]
        );
        assert!(rust_messages("tr!(NAME)").is_err(), "a message must be a literal");
    }

    #[test]
    fn slint_texts_outside_tr_are_found() {
        let source = "import { Theme } from \"theme.slint\";\n\
                      text: @tr(\"This week\");\n\
                      text: @tr(\"{n} title\" | \"{n} titles\" % count);\n\
                      accessible-label: \"episode \" + n;\n\
                      text: \"Nothing airs\"; // \"a comment\"\n\
                      text: line.value + \"  ›\";";
        let (messages, bare) = slint_messages(source).expect("readable");
        assert_eq!(
            messages,
            [message("This week", None), message("{n} title", Some("{n} titles"))]
        );
        assert_eq!(bare, ["Nothing airs"]);
    }
}
