//! What can be wrong with an entry's fields, said once and shown two ways: beside a form or
//! API field (`must not be empty`), and in a file report (`` `title` must not be empty ``).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::playbook::source::SOURCES_FOLDER;
use crate::playbook::{EntryId, SourceId};

/// Where a problem is: a field (`title`), an item of a list (`topics[2]`) or a field of a
/// list's item (`sources[0].url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldPath {
    /// The field's name as written in front matter and JSON.
    pub name: &'static str,
    /// The item of a list field, if the problem is with one item.
    pub index: Option<usize>,
    /// The field of that item, for lists of tables like `sources`.
    pub field: Option<&'static str>,
}

impl FieldPath {
    /// A whole field.
    pub const fn field(name: &'static str) -> Self {
        FieldPath {
            name,
            index: None,
            field: None,
        }
    }

    /// One item of a list field.
    pub const fn item(name: &'static str, index: usize) -> Self {
        FieldPath {
            name,
            index: Some(index),
            field: None,
        }
    }

    /// A field of one item of a list of tables.
    pub const fn item_field(name: &'static str, index: usize, field: &'static str) -> Self {
        FieldPath {
            name,
            index: Some(index),
            field: Some(field),
        }
    }

    /// The key forms and the API report it under: `title`, `topics`, `sources[0].url`. Items
    /// of plain lists report under the list, as one box holds the whole list in a form.
    pub fn key(&self) -> String {
        match (self.index, self.field) {
            (Some(index), Some(field)) => format!("{}[{index}].{field}", self.name),
            _ => self.name.to_owned(),
        }
    }

    /// The name a file report uses: `title`, `topics`, `sources.url`.
    pub fn label(&self) -> String {
        match self.field {
            Some(field) => format!("{}.{field}", self.name),
            None => self.name.to_owned(),
        }
    }
}

/// The rule a value breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// A required field is absent.
    Missing,
    /// A text is blank.
    Empty,
    /// A text is over its length limit, in characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A text holds control characters other than line breaks and tabs.
    ControlCharacters,
    /// A title-like text holds invisible formatting characters (bidi controls, zero-width
    /// characters), which can make it read as something it is not.
    FormatCharacters,
    /// A text holds a line of only `+++`, which would end the front matter of a file.
    FenceLine,
    /// A value outside a closed list (kind, status).
    NotOneOf {
        /// What was given.
        value: String,
        /// What is accepted.
        allowed: Vec<&'static str>,
    },
    /// Not a plain `YYYY-MM-DD` date.
    NotADate {
        /// What was given.
        value: String,
    },
    /// Not a slug; the reason.
    NotASlug(String),
    /// Not an entry id; the reason.
    NotAnId(String),
    /// A web address that is not http(s).
    NotAWebAddress,
    /// A list over its length limit.
    TooMany {
        /// The limit.
        max: usize,
        /// What the list holds, in words.
        what: &'static str,
    },
    /// A body over its size limit.
    TooLarge {
        /// The limit, in KiB.
        max_kib: usize,
    },
    /// A body holding a NUL character.
    NulCharacter,
    /// A body whose elements nest too deep (quotes in quotes, lists in lists).
    TooDeep {
        /// The deepest allowed.
        max: usize,
    },
    /// A related id names no entry.
    NoSuchEntry(EntryId),
    /// An entry names itself as related.
    RelatedToItself,
    /// A related id appears twice.
    ListedTwice(EntryId),
    /// A source item names a declared source and describes the document too.
    DescribedByDeclaration(SourceId),
    /// A source id names no declared source.
    NoSuchSource(SourceId),
    /// Anything else, said the same way everywhere.
    Other(String),
}

const FENCE: &str =
    "must not contain a line of only +++ (it ends the front matter in the file format)";

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Where.
    pub path: FieldPath,
    /// What.
    pub broken: Broken,
}

impl FieldProblem {
    /// The message beside the field, in a form or under the API's `error.fields`.
    pub fn field_message(&self) -> String {
        match &self.broken {
            Broken::Missing | Broken::Empty => "must not be empty".into(),
            Broken::TooLong { max } => format!("must be at most {max} characters"),
            Broken::ControlCharacters => "must not contain control characters".into(),
            Broken::FormatCharacters => {
                "must not contain invisible formatting characters (direction marks, zero-width characters)".into()
            }
            Broken::FenceLine => FENCE.into(),
            Broken::NotOneOf { allowed, .. } => format!("must be one of {}", allowed.join(", ")),
            Broken::NotADate { .. } => "must be a date like 2026-01-27".into(),
            Broken::NotASlug(why) | Broken::NotAnId(why) | Broken::Other(why) => why.clone(),
            Broken::NotAWebAddress => "must start with https:// or http://".into(),
            Broken::TooMany { max, what } => format!("at most {max} {what}"),
            Broken::TooLarge { max_kib } => format!("must be at most {max_kib} KiB"),
            Broken::NulCharacter => "must not contain NUL characters".into(),
            Broken::TooDeep { max } => format!(
                "must not nest more than {max} levels deep (quotes in quotes, lists in lists, emphasis in emphasis)"
            ),
            Broken::NoSuchEntry(id) => format!("no entry `{id}`"),
            Broken::RelatedToItself => "an entry cannot be related to itself".into(),
            Broken::ListedTwice(id) => format!("`{id}` is listed twice"),
            Broken::DescribedByDeclaration(id) => {
                format!("leave it out: the declared source `{id}` gives it")
            }
            Broken::NoSuchSource(id) => format!("no declared source `{id}`"),
        }
    }

    /// The message in a file report, which names the field.
    pub fn file_message(&self) -> String {
        let label = self.path.label();
        match &self.broken {
            Broken::Missing => format!("missing field `{label}`"),
            Broken::Empty => format!("`{label}` must not be empty"),
            Broken::TooLong { max } => format!("`{label}` is longer than {max} characters"),
            Broken::ControlCharacters => format!("`{label}` contains control characters"),
            Broken::FormatCharacters => {
                format!("`{label}` contains invisible formatting characters")
            }
            Broken::FenceLine => format!("`{label}` {FENCE}"),
            Broken::NotOneOf { value, allowed } => format!(
                "unknown {label} `{}`: use one of {}",
                value.escape_debug(),
                allowed.join(", ")
            ),
            Broken::NotADate { value } => {
                format!("`{label}` must be a plain date like 2026-01-27, not `{value}`")
            }
            Broken::NotASlug(why) => format!("bad `{label}`: {why}"),
            Broken::NotAnId(why) => format!("bad `{label}` id: {why}"),
            Broken::NotAWebAddress => format!("`{label}` must start with https:// or http://"),
            Broken::TooMany { max, what } => format!("an entry has at most {max} {what}"),
            Broken::NoSuchEntry(id) => format!("unknown related id `{id}`: no such entry"),
            Broken::ListedTwice(id) => format!("related id `{id}` is listed twice"),
            Broken::DescribedByDeclaration(id) => format!(
                "`{label}` must be left out: the declared source `{id}` gives it (in {SOURCES_FOLDER}/{id}.md)"
            ),
            Broken::NoSuchSource(id) => format!(
                "unknown source `{id}`: declare it in {SOURCES_FOLDER}/{id}.md, or describe it with title and publisher instead of `source`"
            ),
            Broken::TooLarge { .. }
            | Broken::NulCharacter
            | Broken::TooDeep { .. }
            | Broken::RelatedToItself
            | Broken::Other(_) => self.field_message(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file_message())
    }
}

/// Every problem found in one entry, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldProblems(Vec<FieldProblem>);

impl FieldProblems {
    /// Records that the value at `path` breaks a rule.
    pub fn add(&mut self, path: FieldPath, broken: Broken) {
        self.0.push(FieldProblem { path, broken });
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: FieldProblems) {
        self.0.extend(other.0);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each problem.
    pub fn iter(&self) -> impl Iterator<Item = &FieldProblem> {
        self.0.iter()
    }

    /// `Ok(value)` when there are no problems.
    pub fn or_ok<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldProblems> {
        match value() {
            Some(value) if self.is_empty() => Ok(value),
            _ => Err(self),
        }
    }

    /// The messages by form and API field, the first problem of each field kept.
    pub fn by_field(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for problem in &self.0 {
            errors.add(problem.path.key(), problem.field_message());
        }
        errors
    }
}

impl IntoIterator for FieldProblems {
    type Item = FieldProblem;
    type IntoIter = std::vec::IntoIter<FieldProblem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Problems by form and API field name (`title`, `sources[0].url`, …), as the API's
/// `error.fields` and the editor show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// Records a problem with `field` (the first one of a field is kept).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem with `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

impl From<FieldProblems> for FieldErrors {
    fn from(problems: FieldProblems) -> Self {
        problems.by_field()
    }
}
