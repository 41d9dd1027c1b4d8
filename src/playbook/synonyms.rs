//! Synonym groups from `playbook/synonyms.toml`, editable by maintainers.
//!
//! ```toml
//! [[group]]
//! terms = ["sanctuary", "separation ordinance", "non-cooperation"]
//! ```
//! Every term of a group stands for every other; a term of several words is a phrase.

use serde::Deserialize;

use super::front_matter::LineProblem;
use super::problem::line_of_offset;

/// The file name, beside the jurisdiction folders.
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// Groups of words and phrases that mean the same thing to a searcher.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// Each group's terms, as written.
    pub groups: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonyms {
    #[serde(default)]
    group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    terms: toml::Spanned<Vec<String>>,
}

impl Synonyms {
    /// Parses the synonyms file.
    pub fn parse(text: &str) -> Result<Synonyms, Vec<LineProblem>> {
        let raw: RawSynonyms = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of_offset(text, s.start));
            vec![LineProblem {
                line,
                message: format!("invalid synonyms file: {}", e.message().trim()),
            }]
        })?;
        let mut problems = Vec::new();
        let mut groups = Vec::new();
        for group in raw.group {
            let line = line_of_offset(text, group.terms.span().start);
            let terms: Vec<String> = group
                .terms
                .into_inner()
                .into_iter()
                .map(|t| t.trim().to_owned())
                .collect();
            if terms.len() < 2 {
                problems.push(LineProblem {
                    line,
                    message: "a synonym group needs at least two terms".into(),
                });
            } else if terms.iter().any(|t| !t.chars().any(char::is_alphanumeric)) {
                problems.push(LineProblem {
                    line,
                    message: "every synonym term needs at least one letter or digit".into(),
                });
            } else {
                groups.push(terms);
            }
        }
        if problems.is_empty() {
            Ok(Synonyms { groups })
        } else {
            Err(problems)
        }
    }
}
