//! The `ids` parameter of side-by-side pages and briefs (`?ids=minnesota/a,minneapolis-mn/b`):
//! parsed and checked at the edge, and the entries it names read as the viewer may see them.

use crate::catalog::{CatalogError, EntryView};
use crate::playbook::EntryId;
use crate::store::User;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// The most entries a brief holds.
pub const MAX_BRIEF_ENTRIES: usize = crate::briefs::MAX_ENTRIES;
/// The most entries shown side by side.
pub const MAX_SIDE_BY_SIDE: usize = 4;

/// Entry ids as a request names them: well formed, each once, in the order given, within a
/// limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryIds(Vec<EntryId>);

impl EntryIds {
    /// Parses `ids` (commas between ids, spaces around them ignored): 400 when absent or
    /// empty, when an id is malformed, or when more than `max` different ids are named. A
    /// repeated id is kept once, where it first appears.
    pub fn parse(ids: Option<&str>, max: usize) -> Result<EntryIds, AppError> {
        let mut parsed: Vec<EntryId> = Vec::new();
        for text in ids.unwrap_or("").split(',').map(str::trim) {
            if text.is_empty() {
                continue;
            }
            let id = EntryId::parse(text).map_err(|why| {
                AppError::BadRequest(format!(
                    "`{}` is not an entry id ({why}): ids look like `minneapolis-mn/separation-ordinance`",
                    text.escape_debug()
                ))
            })?;
            if !parsed.contains(&id) {
                parsed.push(id);
            }
        }
        if parsed.is_empty() {
            return Err(AppError::BadRequest(
                "name the entries in `ids`, separated by commas: `ids=minneapolis-mn/separation-ordinance,minnesota/document-on-video`".into(),
            ));
        }
        if parsed.len() > max {
            return Err(AppError::BadRequest(format!(
                "at most {max} entries at once; {} were named",
                parsed.len()
            )));
        }
        Ok(EntryIds(parsed))
    }

    /// The `ids` parameter of a raw query string.
    pub fn from_query(raw: Option<&str>, max: usize) -> Result<EntryIds, AppError> {
        let ids = query_value(raw, "ids");
        EntryIds::parse(ids.as_deref(), max)
    }

    /// The ids, in order.
    pub fn ids(&self) -> &[EntryId] {
        &self.0
    }

    /// Reads each entry as `viewer` may see it (a retired one only by those who may edit
    /// it), in order, off the async threads: 404 naming the first that is not there.
    pub async fn read(
        &self,
        state: &AppState,
        viewer: Option<User>,
    ) -> Result<Vec<EntryView>, AppError> {
        let ids = self.0.clone();
        state
            .with_catalog(move |catalog| {
                ids.iter()
                    .map(|id| {
                        catalog.entry_for(viewer.as_ref(), id).map_err(|e| match e {
                            CatalogError::NotFound(_) => {
                                CatalogError::NotFound(format!("There is no entry `{id}`."))
                            }
                            other => other,
                        })
                    })
                    .collect()
            })
            .await
    }
}

/// The last value of the parameter `name` in a raw query string, if any.
pub fn query_value(raw: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .filter(|(key, _)| key == name)
        .last()
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_kept_once_in_order_and_capped() {
        let ids =
            EntryIds::parse(Some("minnesota/b, minneapolis-mn/a,,minnesota/b"), 4).expect("parses");
        let texts: Vec<String> = ids.ids().iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["minnesota/b", "minneapolis-mn/a"]);
        assert!(
            EntryIds::parse(Some("a/b,c/d,e/f"), 2).is_err(),
            "over the cap"
        );
        assert!(EntryIds::parse(Some("not an id"), 2).is_err(), "malformed");
        assert!(EntryIds::parse(Some(" , "), 2).is_err(), "none");
        assert!(EntryIds::parse(None, 2).is_err(), "absent");
    }
}
