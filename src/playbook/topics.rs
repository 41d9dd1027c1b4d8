//! How topics read on pages, from `playbook/topics.toml`, editable by maintainers.
//!
//! ```toml
//! [labels]
//! national-guard = "National Guard"
//! de-escalation = "De-escalation"
//! ```
//! A topic without a label reads as its slug in words: `public-communication` →
//! "Public communication".

use std::collections::BTreeMap;

use serde::Deserialize;

use super::front_matter::LineProblem;
use super::problem::line_of_offset;
use super::slug::Slug;

/// The file name, beside the jurisdiction folders.
pub const TOPICS_FILE: &str = "topics.toml";

/// The longest label accepted, in characters: a label is a few words on a filter link.
pub const MAX_TOPIC_LABEL_CHARS: usize = 60;

/// The labels maintainers gave topics, by topic slug.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicLabels {
    labels: BTreeMap<Slug, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    #[serde(default)]
    labels: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

impl TopicLabels {
    /// Parses the topics file: every key a topic slug, every label a few words of plain text.
    pub fn parse(text: &str) -> Result<TopicLabels, Vec<LineProblem>> {
        let raw: RawTopics = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of_offset(text, s.start));
            vec![LineProblem {
                line,
                message: format!("invalid topics file: {}", e.message().trim()),
            }]
        })?;
        let mut problems = Vec::new();
        let mut labels = BTreeMap::new();
        for (slug, label) in raw.labels {
            let line = line_of_offset(text, slug.span().start);
            let label_text = label.get_ref().trim();
            match Slug::parse(slug.get_ref()) {
                Err(why) => problems.push(LineProblem {
                    line,
                    message: format!("a topic label's key must be a topic slug: {why}"),
                }),
                Ok(_) if label_text.is_empty() => problems.push(LineProblem {
                    line,
                    message: "a topic label must not be empty".into(),
                }),
                Ok(_) if label_text.chars().count() > MAX_TOPIC_LABEL_CHARS => {
                    problems.push(LineProblem {
                        line,
                        message: format!(
                            "a topic label is at most {MAX_TOPIC_LABEL_CHARS} characters"
                        ),
                    });
                }
                Ok(_) if label_text.chars().any(char::is_control) => problems.push(LineProblem {
                    line,
                    message: "a topic label must be one line of text".into(),
                }),
                Ok(slug) => {
                    labels.insert(slug, label_text.to_owned());
                }
            }
        }
        if problems.is_empty() {
            Ok(TopicLabels { labels })
        } else {
            problems.sort_by_key(|p| p.line);
            Err(problems)
        }
    }

    /// How the topic `slug` reads: its label, else the slug in words with a capital first
    /// letter.
    pub fn label(&self, slug: &str) -> String {
        match self.labels.get(slug) {
            Some(label) => label.clone(),
            None => slug_as_words(slug),
        }
    }

    /// How many topics have a label.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether no topic has a label.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// A slug as words: `immigration-enforcement` → `Immigration enforcement`.
fn slug_as_words(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_topic_reads_as_its_label_and_others_as_words() {
        let labels = TopicLabels::parse(
            "[labels]\nnational-guard = \"National Guard\"\nde-escalation = \" De-escalation \"\n",
        )
        .expect("valid");
        assert_eq!(labels.label("national-guard"), "National Guard");
        assert_eq!(labels.label("de-escalation"), "De-escalation");
        assert_eq!(labels.label("public-communication"), "Public communication");
        assert_eq!(TopicLabels::default().label("protests"), "Protests");
    }

    #[test]
    fn problems_name_their_lines() {
        let problems = TopicLabels::parse(
            "[labels]\nnational-guard = \"National Guard\"\n\"Not A Slug\" = \"x\"\nempty = \"  \"\n",
        )
        .expect_err("invalid");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4], "{problems:?}");
        assert!(problems[0].message.contains("topic slug"), "{problems:?}");
        assert!(problems[1].message.contains("empty"), "{problems:?}");
    }

    #[test]
    fn a_long_label_and_an_unknown_table_are_problems() {
        let long = format!("[labels]\nx = \"{}\"\n", "a".repeat(61));
        let problems = TopicLabels::parse(&long).expect_err("too long");
        assert_eq!(problems[0].line, 2);
        let problems = TopicLabels::parse("[names]\nx = \"X\"\n").expect_err("unknown table");
        assert_eq!(problems[0].line, 1);
        assert!(problems[0].message.starts_with("invalid topics file"));
    }
}
