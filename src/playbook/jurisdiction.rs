//! A jurisdiction: a city, county or state whose entries sit in one folder. Its rules live
//! here once, for its `_index.md` file and for `playbook jurisdiction add`.

use serde::{Deserialize, Serialize};

use super::entry::meta::{MAX_TITLE_CHARS, is_invisible_format};
use super::entry::{Broken, FieldPath, FieldProblems};
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
    /// Every level.
    pub const ALL: [Level; 3] = [Level::City, Level::County, Level::State];

    /// The level's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Level::City => "City",
            Level::County => "County",
            Level::State => "State",
        }
    }

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
        Level::ALL.into_iter().find(|level| level.as_str() == text)
    }
}

/// A jurisdiction's fields as given, before any rule is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionFields {
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// Two-letter state code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `city`, `county` or `state`.
    #[serde(default)]
    pub level: Option<String>,
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
    /// Checks every field, reporting every problem at once; `body_markdown` describes the place.
    pub fn parse(
        slug: Slug,
        fields: &JurisdictionFields,
        body_markdown: &str,
    ) -> Result<Jurisdiction, FieldProblems> {
        let mut problems = FieldProblems::default();
        let name = match fields.name.as_deref().map(str::trim) {
            None => {
                problems.add(FieldPath::field("name"), Broken::Missing);
                String::new()
            }
            Some("") => {
                problems.add(FieldPath::field("name"), Broken::Empty);
                String::new()
            }
            Some(name) if name.chars().count() > MAX_TITLE_CHARS => {
                let max = MAX_TITLE_CHARS;
                problems.add(FieldPath::field("name"), Broken::TooLong { max });
                String::new()
            }
            Some(name)
                if name
                    .chars()
                    .any(|c| c.is_control() || is_invisible_format(c)) =>
            {
                problems.add(FieldPath::field("name"), Broken::ControlCharacters);
                String::new()
            }
            Some(name) => name.to_owned(),
        };
        let state = fields.state.as_deref().map(str::trim).and_then(|code| {
            let valid = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
            if !valid {
                problems.add(
                    FieldPath::field("state"),
                    Broken::Other("`state` must be a two-letter code like `MN`".into()),
                );
            }
            valid.then(|| code.to_owned())
        });
        let level = fields
            .level
            .as_deref()
            .map(str::trim)
            .and_then(Level::parse);
        if level.is_none() {
            problems.add(
                FieldPath::field("level"),
                Broken::Other("unknown `level`: use city, county or state".into()),
            );
        }
        problems.or_ok(|| {
            Some(Jurisdiction {
                slug,
                name,
                state,
                level: level?,
                body_markdown: body_markdown.trim().to_owned(),
            })
        })
    }

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
