//! Reads what a person typed into a search box: words, "quoted phrases", -exclusions and
//! `jurisdiction:`, `kind:`, `topic:` filters. Nothing typed can make it fail except the
//! documented limits; anything it does not recognise is searched as text.

use super::filter::Filter;
use super::request::{MAX_QUERY_CHARS, SearchError};

/// A part of a query: loose words or a quoted phrase, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPart {
    /// Words to match individually.
    Words(String),
    /// Words to match next to each other, in order.
    Phrase(String),
}

/// The query text, taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryText {
    /// What results should contain.
    pub include: Vec<QueryPart>,
    /// What results must not contain.
    pub exclude: Vec<QueryPart>,
    /// Filters written in the text (`kind:checklist`), with their values lowercased.
    pub filters: Vec<(Filter, String)>,
}

impl QueryText {
    /// Parses query text. Errors only past the length limit.
    pub fn parse(input: &str) -> Result<QueryText, SearchError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong {
                max: MAX_QUERY_CHARS,
            });
        }
        // Control characters (and the like) separate words; they never mean anything.
        let cleaned: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut parsed = QueryText::default();
        let mut rest = cleaned.trim_start();
        while !rest.is_empty() {
            let (negated, after_sign) = match rest.strip_prefix('-') {
                Some(after) if !after.is_empty() && !after.starts_with(char::is_whitespace) => {
                    (true, after)
                }
                _ => (false, rest),
            };
            let (part, remaining) = if let Some(quoted) = after_sign
                .strip_prefix('"')
                .or_else(|| after_sign.strip_prefix('“'))
            {
                // An unbalanced quote runs to the end of the query.
                let end = quoted.find(['"', '”']).unwrap_or(quoted.len());
                let closing_len = quoted[end..].chars().next().map_or(0, char::len_utf8);
                (
                    QueryPart::Phrase(quoted[..end].to_owned()),
                    &quoted[end + closing_len..],
                )
            } else {
                let end = after_sign
                    .find(char::is_whitespace)
                    .unwrap_or(after_sign.len());
                let word = &after_sign[..end];
                if !negated && let Some(filter) = parse_filter(word) {
                    parsed.filters.push(filter);
                    rest = after_sign[end..].trim_start();
                    continue;
                }
                (QueryPart::Words(word.to_owned()), &after_sign[end..])
            };
            if negated {
                parsed.exclude.push(part);
            } else {
                parsed.include.push(part);
            }
            rest = remaining.trim_start();
        }
        Ok(parsed)
    }
}

/// `name:value` where the name is a filter's (in any case) and the value is not empty.
fn parse_filter(word: &str) -> Option<(Filter, String)> {
    let (name, value) = word.split_once(':')?;
    let filter = Filter::parse(&name.to_ascii_lowercase())?;
    (!value.is_empty()).then(|| (filter, value.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> QueryPart {
        QueryPart::Words(text.into())
    }

    #[test]
    fn splits_words_phrases_exclusions_and_filters() {
        let q = QueryText::parse(r#"guard "orange vests" -masks kind:practice topic:Policing"#)
            .expect("parses");
        assert_eq!(
            q.include,
            vec![words("guard"), QueryPart::Phrase("orange vests".into())]
        );
        assert_eq!(q.exclude, vec![words("masks")]);
        assert_eq!(
            q.filters,
            vec![
                (Filter::Kind, "practice".into()),
                (Filter::Topic, "policing".into())
            ]
        );
    }

    #[test]
    fn other_colons_and_bare_signs_are_text() {
        let q = QueryText::parse("https://example.com/x foo:bar title: - nosuchfield:value")
            .expect("parses");
        assert_eq!(
            q.include,
            vec![
                words("https://example.com/x"),
                words("foo:bar"),
                words("title:"),
                words("-"),
                words("nosuchfield:value"),
            ]
        );
        assert!(q.filters.is_empty());
    }

    #[test]
    fn unbalanced_quotes_run_to_the_end() {
        let q = QueryText::parse(r#"guard "national gua"#).expect("parses");
        assert_eq!(
            q.include,
            vec![words("guard"), QueryPart::Phrase("national gua".into())]
        );
    }

    #[test]
    fn length_is_capped() {
        assert!(QueryText::parse(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(matches!(
            QueryText::parse(&"a".repeat(MAX_QUERY_CHARS + 1)),
            Err(SearchError::QueryTooLong { .. })
        ));
    }
}
