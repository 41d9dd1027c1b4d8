//! An entry as a city submits it, through the API's JSON or the editor's form: its slug, its
//! jurisdiction (admins may name one), its front matter fields and its body.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{EntryFields, SourceFields, field_names};
use super::meta::{EntryMeta, plain_line_breaks};
use super::problem::{Broken, FieldErrors, FieldPath, FieldProblems};
use crate::playbook::Slug;
use crate::playbook::markdown::{MAX_NESTING_DEPTH, too_deep_at};

/// The largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 100 * 1024;

/// A jurisdiction named in input: a slug, or the object the API returns (its `slug` is used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum JurisdictionInput {
    /// `"minneapolis-mn"`
    Slug(String),
    /// `{"slug": "minneapolis-mn", ...}`
    Object {
        /// The slug.
        slug: String,
    },
}

impl JurisdictionInput {
    /// The slug as given.
    pub fn slug(&self) -> &str {
        match self {
            JurisdictionInput::Slug(slug) | JurisdictionInput::Object { slug } => slug,
        }
    }
}

/// An entry as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    /// The slug within the jurisdiction.
    pub slug: String,
    /// The jurisdiction (only admins may name one other than their own).
    pub jurisdiction: Option<JurisdictionInput>,
    /// The front matter fields.
    pub fields: EntryFields,
    /// The Markdown body.
    pub body_markdown: String,
}

/// A submitted entry that passed every rule that needs nothing but itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    /// The slug.
    pub slug: Slug,
    /// The jurisdiction named, if any.
    pub jurisdiction: Option<Slug>,
    /// The front matter.
    pub meta: EntryMeta,
    /// The body, line breaks made plain.
    pub body_markdown: String,
}

/// The parts of the input that are not front matter.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    jurisdiction: Option<JurisdictionInput>,
    #[serde(default)]
    body_markdown: String,
}

/// The fields of a source item that a declared source's declaration gives.
const DESCRIBED_BY_DECLARATION: [&str; 4] = ["title", "publisher", "date", "url"];

/// Whether a JSON source item names a declared source (a `source` id that is not blank).
fn names_declared_source(source: &Map<String, Value>) -> bool {
    source
        .get("source")
        .and_then(Value::as_str)
        .is_some_and(|id| !id.trim().is_empty())
}

/// `object` with only the keys of `names`.
fn narrowed(object: &Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    object
        .iter()
        .filter(|(key, _)| names.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

impl EntryInput {
    /// Reads a JSON object as the API takes it: as `from_json`, except that a source naming
    /// a declared source may carry the title, publisher, date and web address `GET` filled in
    /// from its declaration; they are the declaration's, so they are dropped, not refused.
    pub fn from_api_json(value: &Value) -> Result<EntryInput, FieldErrors> {
        let mut value = value.clone();
        let sources = value.get_mut("sources").and_then(Value::as_array_mut);
        for source in sources.into_iter().flatten() {
            if let Value::Object(source) = source
                && names_declared_source(source)
            {
                for described in DESCRIBED_BY_DECLARATION {
                    source.remove(described);
                }
            }
        }
        Self::from_json(&value)
    }

    /// Reads a JSON object. Fields it does not know (`id`, `body_html`, a source's
    /// `verification`, …) are ignored, so an entry as the API returns it can be sent back; a
    /// known field of the wrong type is a problem with the body as a whole.
    pub fn from_json(value: &Value) -> Result<EntryInput, FieldErrors> {
        let wrong = |message: String| {
            let mut errors = FieldErrors::default();
            errors.add("body", message);
            errors
        };
        let Some(object) = value.as_object() else {
            return Err(wrong("the body must be a JSON object".into()));
        };
        let envelope: Envelope = serde_json::from_value(Value::Object(object.clone()))
            .map_err(|e| wrong(e.to_string()))?;
        let mut fields = narrowed(object, field_names::<EntryFields>());
        if let Some(Value::Array(sources)) = fields.get_mut("sources") {
            for source in sources.iter_mut() {
                if let Value::Object(source_fields) = source {
                    *source_fields = narrowed(source_fields, field_names::<SourceFields>());
                }
            }
        }
        let fields: EntryFields =
            serde_json::from_value(Value::Object(fields)).map_err(|e| wrong(e.to_string()))?;
        Ok(EntryInput {
            slug: envelope.slug,
            jurisdiction: envelope.jurisdiction,
            fields,
            body_markdown: envelope.body_markdown,
        })
    }

    /// Checks every rule that needs only the input, reporting every problem at once.
    pub fn parse(&self) -> Result<ValidEntry, FieldProblems> {
        let mut problems = FieldProblems::default();
        let slug = Slug::parse(self.slug.trim())
            .map_err(|why| problems.add(FieldPath::field("slug"), Broken::NotASlug(why)))
            .ok();
        let jurisdiction = match &self.jurisdiction {
            Some(named) => Slug::parse(named.slug().trim())
                .map_err(|why| {
                    problems.add(FieldPath::field("jurisdiction"), Broken::NotASlug(why))
                })
                .ok(),
            None => None,
        };
        let meta = EntryMeta::parse(&self.fields)
            .map_err(|more| problems.extend(more))
            .ok();
        let body_path = FieldPath::field("body_markdown");
        let body_markdown = plain_line_breaks(&self.body_markdown).trim().to_owned();
        // The size first: the other checks read the whole body.
        if self.body_markdown.len() > MAX_BODY_BYTES {
            problems.add(
                body_path,
                Broken::TooLarge {
                    max_kib: MAX_BODY_BYTES / 1024,
                },
            );
        } else if self.body_markdown.contains('\0') {
            problems.add(body_path, Broken::NulCharacter);
        } else if too_deep_at(&body_markdown).is_some() {
            problems.add(
                body_path,
                Broken::TooDeep {
                    max: MAX_NESTING_DEPTH,
                },
            );
        }
        problems.or_ok(|| {
            Some(ValidEntry {
                slug: slug?,
                jurisdiction,
                meta: meta?,
                body_markdown,
            })
        })
    }

    /// The input that would recreate an existing entry (for edit forms).
    pub fn of_entry(slug: &Slug, meta: &EntryMeta, body_markdown: &str) -> Self {
        EntryInput {
            slug: slug.to_string(),
            jurisdiction: None,
            fields: EntryFields::from(meta),
            body_markdown: body_markdown.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::Cited;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "slug": "sanctuary-resolution",
            "title": "Sanctuary resolution",
            "summary": "The council restated its policy.",
            "kind": "ordinance",
            "body_markdown": "Body",
        })
    }

    #[test]
    fn a_complete_entry_is_valid_and_unknown_fields_are_ignored() {
        let mut value = valid();
        value["id"] = json!("x/y");
        value["sources"] = json!([{"title": "Memo", "publisher": "City", "extra": 1}]);
        let entry = EntryInput::from_json(&value)
            .expect("reads")
            .parse()
            .expect("valid");
        assert_eq!(entry.slug.as_str(), "sanctuary-resolution");
        let Cited::Inline(details) = &entry.meta.sources()[0].cites else {
            panic!("an inline source: {:?}", entry.meta.sources());
        };
        assert_eq!(details.publisher.as_deref(), Some("City"));
    }

    #[test]
    fn a_declared_source_sent_back_as_returned_keeps_only_its_id_and_quote() {
        let mut value = valid();
        value["sources"] = json!([{
            "source": "council-minutes", "title": "Council minutes", "publisher": "City",
            "date": "2026-01-01", "url": "https://example.org", "quote": "We met.",
            "verification": "verified"
        }]);
        let entry = EntryInput::from_api_json(&value)
            .expect("reads")
            .parse()
            .expect("valid");
        let source = &entry.meta.sources()[0];
        assert_eq!(
            source.declared_id().map(|id| id.as_str()),
            Some("council-minutes")
        );
        assert_eq!(source.quote.as_deref(), Some("We met."));
        let refused = EntryInput::from_json(&value)
            .expect("reads")
            .parse()
            .expect_err("a form describing a declared source is refused")
            .by_field();
        assert!(refused.get("sources[0].title").is_some(), "{refused:?}");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut value = valid();
        value["slug"] = json!("Bad Slug");
        value["title"] = json!(" ");
        value["date"] = json!("27/01/2026");
        value["body_markdown"] = json!("a\0b");
        let errors = EntryInput::from_json(&value)
            .expect("reads")
            .parse()
            .expect_err("invalid")
            .by_field();
        for field in ["slug", "title", "date", "body_markdown"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_body_nesting_too_deep_is_refused_and_one_within_the_limit_is_not() {
        for (body, refused) in [
            (">".repeat(100_000), true),
            ("> ".repeat(50_000), true),
            ("> ".repeat(MAX_NESTING_DEPTH + 1) + "deep", true),
            ("> ".repeat(MAX_NESTING_DEPTH - 1) + "deep enough", false),
        ] {
            let mut value = valid();
            value["body_markdown"] = json!(body);
            let parsed = EntryInput::from_json(&value).expect("reads").parse();
            match parsed {
                Err(problems) if refused => {
                    let errors = problems.by_field();
                    let message = errors.get("body_markdown").unwrap_or_default();
                    assert!(message.contains("levels deep"), "{errors:?}");
                }
                Ok(_) if !refused => {}
                other => panic!("{}: {other:?}", body.len()),
            }
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_is_a_problem_with_the_body() {
        let mut value = valid();
        value["title"] = json!(5);
        let errors = EntryInput::from_json(&value).expect_err("wrong type");
        assert!(errors.get("body").is_some(), "{errors:?}");
    }
}
