//! An entry's version on the wire: its latest revision is sent as `ETag` (`"r3"`), and a
//! `PUT` or `DELETE` with `If-Match` is saved only if the entry is still at that revision, so
//! two programs (or a program and an editor) cannot silently overwrite each other's changes.
//! Without `If-Match`, writes are saved whatever the latest revision is.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::catalog::EntryView;
use crate::playbook::EntryId;
use crate::store::User;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// The `ETag` of an entry at revision `number`.
pub fn etag(number: u32) -> String {
    format!("\"r{number}\"")
}

/// The `ETag` header of an entry as read, when it has revisions (curated entries have none).
pub fn etag_header(view: &EntryView) -> Option<(header::HeaderName, HeaderValue)> {
    let number = view.revision.as_ref()?.number;
    HeaderValue::from_str(&etag(number))
        .ok()
        .map(|value| (header::ETAG, value))
}

/// `reply` (an answer about `view`) with the entry's `ETag`, when it has revisions.
pub fn with_etag(view: &EntryView, reply: impl IntoResponse) -> Response {
    let mut response = reply.into_response();
    if let Some((name, value)) = etag_header(view) {
        response.headers_mut().insert(name, value);
    }
    response
}

/// The revision `user`'s write to `id` must start from, as `if_match` asks (None: whatever
/// the latest is).
pub async fn base_revision(
    state: &AppState,
    user: &User,
    id: &EntryId,
    if_match: IfMatch,
) -> Result<Option<u32>, AppError> {
    if if_match == IfMatch::Anything {
        return Ok(None);
    }
    let (user, id) = (user.clone(), id.clone());
    let current = state
        .with_catalog(move |catalog| catalog.editable(&user, &id))
        .await?
        .revision
        .map(|r| r.number);
    if_match.base(current)
}

/// What a request's `If-Match` asks of the entry's latest revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No `If-Match`, or `*`: saved whatever the latest revision is.
    Anything,
    /// One of these revisions (the entity tags of this API that were listed).
    OneOf(Vec<u32>),
}

impl IfMatch {
    /// Reads `If-Match` (every instance of the header, each a comma-separated list). Tags
    /// this API never sends, and weak tags (`W/"…"`, never equal under `If-Match`), match no
    /// revision: a request listing only those fails its precondition.
    pub fn of(headers: &HeaderMap) -> Result<IfMatch, AppError> {
        let mut any = false;
        let mut listed = false;
        let mut revisions = Vec::new();
        for value in headers.get_all(header::IF_MATCH) {
            let value = value.to_str().map_err(|_| {
                AppError::BadRequest("If-Match must be entity tags such as \"r3\"".into())
            })?;
            for tag in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                listed = true;
                if tag == "*" {
                    any = true;
                } else if let Some(number) = revision_of(tag) {
                    revisions.push(number);
                }
            }
        }
        Ok(if any || !listed {
            IfMatch::Anything
        } else {
            IfMatch::OneOf(revisions)
        })
    }

    /// The revision a write must start from, given the entry's latest revision as read now
    /// (`current`; None for an entry without revisions): None to save whatever it is, or
    /// `PreconditionFailed` when the latest is none of those listed. The store checks the
    /// base again as it saves, so a save in between still fails.
    pub fn base(&self, current: Option<u32>) -> Result<Option<u32>, AppError> {
        match self {
            IfMatch::Anything => Ok(None),
            IfMatch::OneOf(listed) => match current {
                Some(current) if listed.contains(&current) => Ok(Some(current)),
                _ => Err(AppError::PreconditionFailed(format!(
                    "the entry is at {}, not at the version If-Match names: read it again, then \
                     send your change with its ETag",
                    current.map_or_else(|| "no revision".to_owned(), etag)
                ))),
            },
        }
    }
}

/// The revision number of one of this API's strong entity tags (`"r3"`).
fn revision_of(tag: &str) -> Option<u32> {
    tag.strip_prefix("\"r")?.strip_suffix('"')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_match(values: &[&str]) -> IfMatch {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                header::IF_MATCH,
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        IfMatch::of(&headers).expect("reads")
    }

    #[test]
    fn reads_tags_lists_and_the_wildcard() {
        assert_eq!(if_match(&[]), IfMatch::Anything);
        assert_eq!(if_match(&["*"]), IfMatch::Anything);
        assert_eq!(if_match(&["\"r3\""]), IfMatch::OneOf(vec![3]));
        assert_eq!(
            if_match(&["\"r3\", \"r5\"", "\"r7\""]),
            IfMatch::OneOf(vec![3, 5, 7])
        );
        // Weak and foreign tags match nothing.
        assert_eq!(if_match(&["W/\"r3\", \"abc\", r4"]), IfMatch::OneOf(vec![]));
    }

    #[test]
    fn the_base_is_the_current_revision_when_listed() {
        assert_eq!(IfMatch::Anything.base(Some(4)).ok(), Some(None));
        assert_eq!(IfMatch::Anything.base(None).ok(), Some(None));
        let listed = IfMatch::OneOf(vec![3, 4]);
        assert_eq!(listed.base(Some(4)).ok(), Some(Some(4)));
        for current in [Some(5), None] {
            assert!(matches!(
                listed.base(current),
                Err(AppError::PreconditionFailed(_))
            ));
        }
        assert!(IfMatch::OneOf(vec![]).base(Some(1)).is_err());
    }
}
