//! Slugs (`[a-z0-9]+(-[a-z0-9]+)*`), entry ids (`<jurisdiction>/<slug>`) and source ids (a
//! slug naming a declared source).

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest slug accepted, in bytes.
pub const MAX_SLUG_LEN: usize = 80;

/// A lowercase, hyphen-separated name used in paths and ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, explaining what is wrong when it is not one.
    pub fn parse(text: &str) -> Result<Slug, String> {
        if text.is_empty() {
            return Err("a slug must not be empty".into());
        }
        if text.len() > MAX_SLUG_LEN {
            return Err(format!("a slug is at most {MAX_SLUG_LEN} characters"));
        }
        let valid_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid_hyphens = !text.starts_with('-') && !text.ends_with('-') && !text.contains("--");
        if valid_chars && valid_hyphens {
            Ok(Slug(text.to_owned()))
        } else {
            Err(format!(
                "`{}` is not a slug: use lowercase letters, digits and single hyphens (like `minneapolis-mn`)",
                text.escape_debug()
            ))
        }
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for Slug {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Slug::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An entry's id: its jurisdiction's slug and its own slug, written `jurisdiction/slug`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId {
    /// The jurisdiction the entry belongs to.
    pub jurisdiction: Slug,
    /// The entry's own slug within its jurisdiction.
    pub slug: Slug,
}

impl EntryId {
    /// An id from its two parts.
    pub fn new(jurisdiction: Slug, slug: Slug) -> Self {
        EntryId { jurisdiction, slug }
    }

    /// Parses `jurisdiction/slug`.
    pub fn parse(text: &str) -> Result<EntryId, String> {
        let Some((jurisdiction, slug)) = text.split_once('/') else {
            return Err(format!(
                "`{}` is not an entry id: write `jurisdiction/slug`",
                text.escape_debug()
            ));
        };
        Ok(EntryId {
            jurisdiction: Slug::parse(jurisdiction)?,
            slug: Slug::parse(slug)?,
        })
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.jurisdiction, self.slug)
    }
}

impl Serialize for EntryId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EntryId::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A declared source's id: a slug, the name of its declaration `_sources/<id>.md`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(Slug);

impl SourceId {
    /// Parses a source id, explaining what is wrong when it is not one.
    pub fn parse(text: &str) -> Result<SourceId, String> {
        Slug::parse(text).map(SourceId)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Borrow<str> for SourceId {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(Slug::parse("minneapolis-mn").is_ok());
        assert!(Slug::parse("a1-b2-c3").is_ok());
        for bad in [
            "", "-a", "a-", "a--b", "A", "a_b", "a b", "é", "../x", "a/b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)).is_err());
    }

    #[test]
    fn entry_ids_round_trip_through_text() {
        let id = EntryId::parse("minneapolis-mn/separation-ordinance").expect("valid id");
        assert_eq!(id.to_string(), "minneapolis-mn/separation-ordinance");
        assert!(EntryId::parse("no-slash").is_err());
        assert!(EntryId::parse("a/b/c").is_err());
    }
}
