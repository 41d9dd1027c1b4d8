//! A declared source: a document entries quote, declared once in
//! `playbook/_sources/<source-id>.md` (TOML front matter and a short description) and cited
//! by its id. Its rules live here once, for its file and for anything that writes one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::entry::fields::DateField;
use super::entry::meta::{SourceDetails, one_of};
use super::entry::{FieldPath, FieldProblems};
use super::slug::SourceId;

/// The folder of the playbook that holds source declarations (and, by default, their texts).
pub const SOURCES_FOLDER: &str = "_sources";

/// How a declaration's file name ends: `<source-id>.md`.
pub const DECLARATION_ENDING: &str = ".md";

/// How a stored text's file name ends: `<source-id>.txt`.
pub const TEXT_ENDING: &str = ".txt";

/// What sort of document a source is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Reporting by a news organisation.
    News,
    /// A law passed by a council or legislature.
    Ordinance,
    /// An order signed by a mayor or governor.
    ExecutiveOrder,
    /// A resolution of a council or board.
    Resolution,
    /// A report, such as an after-action review.
    Report,
    /// A public statement or press release.
    Statement,
    /// A filing or ruling in a court.
    CourtDocument,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, in the order shown to people.
    pub const ALL: [SourceKind; 8] = [
        SourceKind::News,
        SourceKind::Ordinance,
        SourceKind::ExecutiveOrder,
        SourceKind::Resolution,
        SourceKind::Report,
        SourceKind::Statement,
        SourceKind::CourtDocument,
        SourceKind::Other,
    ];

    /// The kind's slug as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::News => "news",
            SourceKind::Ordinance => "ordinance",
            SourceKind::ExecutiveOrder => "executive-order",
            SourceKind::Resolution => "resolution",
            SourceKind::Report => "report",
            SourceKind::Statement => "statement",
            SourceKind::CourtDocument => "court-document",
            SourceKind::Other => "other",
        }
    }

    /// The kind's name for people.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::News => "News",
            SourceKind::Ordinance => "Ordinance",
            SourceKind::ExecutiveOrder => "Executive order",
            SourceKind::Resolution => "Resolution",
            SourceKind::Report => "Report",
            SourceKind::Statement => "Statement",
            SourceKind::CourtDocument => "Court document",
            SourceKind::Other => "Other",
        }
    }
}

impl From<SourceKind> for &'static str {
    fn from(kind: SourceKind) -> Self {
        kind.as_str()
    }
}

/// A declaration's front matter as written, before any rule is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDeclarationFields {
    /// The document's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The kind's slug: news, ordinance, executive-order, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// When it was published, when known (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateField>,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether its stored text may be shown to readers (false unless said: a news article's
    /// text usually may not be redistributed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_may_be_shown: Option<bool>,
}

/// A document declared once and cited by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredSource {
    /// Its id: the declaration's file name without `.md`.
    pub id: SourceId,
    /// Its title, publisher, publication date and web address.
    pub details: SourceDetails,
    /// What sort of document it is.
    pub kind: SourceKind,
    /// Whether its stored text may be shown to readers.
    pub text_may_be_shown: bool,
    /// A short Markdown description.
    pub description_markdown: String,
}

impl DeclaredSource {
    /// Checks every field, reporting every problem at once; `description_markdown` is the
    /// file's body.
    pub fn parse(
        id: SourceId,
        fields: &SourceDeclarationFields,
        description_markdown: &str,
    ) -> Result<DeclaredSource, FieldProblems> {
        let mut problems = FieldProblems::default();
        let details = SourceDetails::parse(
            &mut problems,
            |name| match name {
                "date" => FieldPath::field("published"),
                other => FieldPath::field(other),
            },
            &fields.title,
            &fields.publisher,
            fields.published.as_ref(),
            &fields.url,
        );
        let kind = one_of(
            &mut problems,
            FieldPath::field("kind"),
            &fields.kind,
            &SourceKind::ALL,
            true,
        );
        problems.or_ok(|| {
            Some(DeclaredSource {
                id,
                details,
                kind: kind?,
                text_may_be_shown: fields.text_may_be_shown.unwrap_or(false),
                description_markdown: description_markdown.trim().to_owned(),
            })
        })
    }

    /// The declaration's fields, as its file is written.
    pub fn fields(&self) -> SourceDeclarationFields {
        let details = &self.details;
        SourceDeclarationFields {
            title: Some(details.title.clone()),
            publisher: details.publisher.clone(),
            kind: Some(self.kind.as_str().to_owned()),
            published: details.date.map(DateField::of),
            url: details.url.clone(),
            text_may_be_shown: self.text_may_be_shown.then_some(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> SourceId {
        SourceId::parse("council-minutes").expect("id")
    }

    #[test]
    fn a_declaration_needs_a_title_and_a_known_kind() {
        let fields = SourceDeclarationFields {
            kind: Some("rumour".into()),
            url: Some("ftp://example.org".into()),
            published: Some(DateField::Text("last week".into())),
            ..SourceDeclarationFields::default()
        };
        let errors = DeclaredSource::parse(id(), &fields, "")
            .expect_err("invalid")
            .by_field();
        for field in ["title", "kind", "url", "published"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn text_may_not_be_shown_unless_the_declaration_says_so() {
        let fields = SourceDeclarationFields {
            title: Some("Council minutes".into()),
            kind: Some("report".into()),
            ..SourceDeclarationFields::default()
        };
        let declared = DeclaredSource::parse(id(), &fields, " Minutes. \n").expect("valid");
        assert!(!declared.text_may_be_shown);
        assert_eq!(declared.kind, SourceKind::Report);
        assert_eq!(declared.description_markdown, "Minutes.");
        assert_eq!(
            DeclaredSource::parse(id(), &declared.fields(), "Minutes.").expect("valid"),
            declared
        );
    }
}
