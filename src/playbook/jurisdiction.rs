//! A jurisdiction: a city, county or state whose entries sit in one folder.

use serde::{Deserialize, Serialize};

use super::slug::Slug;

/// The level of government a jurisdiction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A city.
    City,
    /// A county.
    County,
    /// A state.
    State,
}

impl Level {
    /// The level's slug.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::County => "county",
            Level::State => "state",
        }
    }

    /// Parses a level's slug.
    pub fn parse(text: &str) -> Option<Level> {
        [Level::City, Level::County, Level::State]
            .into_iter()
            .find(|level| level.as_str() == text)
    }
}

/// A city, county or state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jurisdiction {
    /// Its slug, like `minneapolis-mn`.
    pub slug: Slug,
    /// Its name, like `Minneapolis`.
    pub name: String,
    /// Two-letter state code; absent for national bodies.
    pub state: Option<String>,
    /// City, county or state.
    pub level: Level,
    /// A Markdown description of the place.
    pub body_markdown: String,
}

impl Jurisdiction {
    /// The name with its state, like `Minneapolis, MN` (see `display_name`).
    pub fn display_name(&self) -> String {
        display_name(&self.name, self.state.as_deref(), self.level)
    }
}

/// The name people read for a jurisdiction: with its state for a city or county
/// (`Minneapolis, MN`), the name alone for a state or a national body (`Minnesota`).
pub fn display_name(name: &str, state: Option<&str>, level: Level) -> String {
    match (state, level) {
        (Some(state), Level::City | Level::County) => format!("{name}, {state}"),
        _ => name.to_owned(),
    }
}
