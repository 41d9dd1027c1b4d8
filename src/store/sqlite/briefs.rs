//! Saved briefs in SQLite: a `briefs` row each, and its entries in `brief_entries` by
//! position. A brief is always written whole, in one transaction.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::{SqliteStore, corrupt, now, time};
use crate::playbook::{EntryId, Slug};
use crate::store::{
    BriefContent, BriefItem, BriefListing, BriefStore, Sharing, StoreError, StoredBrief, UserId,
};

/// Writes a brief's entries (after its old ones are gone).
fn insert_items(tx: &Transaction<'_>, id: &str, items: &[BriefItem]) -> Result<(), StoreError> {
    let mut statement = tx.prepare(
        "INSERT INTO brief_entries (brief_id, position, entry_id, note) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, item) in items.iter().enumerate() {
        statement.execute(params![id, position, item.entry.to_string(), item.note])?;
    }
    Ok(())
}

fn sharing(text: &str) -> Result<Sharing, StoreError> {
    Sharing::parse(text).ok_or_else(|| corrupt(format!("bad brief sharing `{text}`")))
}

const LISTING_COLUMNS: &str = "b.id, b.title, u.email, b.sharing, b.updated_at, \
     (SELECT COUNT(*) FROM brief_entries e WHERE e.brief_id = b.id)";

type RawListing = (String, String, String, String, String, usize);

fn listing_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawListing> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn into_listing(raw: RawListing) -> Result<BriefListing, StoreError> {
    let (id, title, owner_email, shared, updated, entries) = raw;
    Ok(BriefListing {
        id,
        title,
        owner_email,
        sharing: sharing(&shared)?,
        entries,
        updated_at: time(&updated)?,
    })
}

impl SqliteStore {
    /// Briefs matching `filter` (its parameters `?1`, `?2`… are `values`), latest change
    /// first, at most `limit` (None: all).
    fn listings(
        &self,
        filter: &str,
        values: &[&dyn rusqlite::ToSql],
        limit: Option<usize>,
    ) -> Result<Vec<BriefListing>, StoreError> {
        let conn = self.conn();
        // SQLite reads a negative LIMIT as none.
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut statement = conn.prepare(&format!(
            "SELECT {LISTING_COLUMNS} FROM briefs b JOIN users u ON u.id = b.owner_id \
             WHERE {filter} ORDER BY b.updated_at DESC, b.id LIMIT {limit}"
        ))?;
        let rows = statement.query_map(values, listing_from_row)?;
        rows.map(|row| into_listing(row?)).collect()
    }
}

impl BriefStore for SqliteStore {
    fn add_brief(&self, id: &str, owner: UserId, content: &BriefContent) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        tx.execute(
            "INSERT INTO briefs (id, owner_id, title, prepared_for, intro, sharing, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                id,
                owner,
                content.title,
                content.prepared_for,
                content.intro,
                content.sharing.as_str(),
                at
            ],
        )?;
        insert_items(&tx, id, &content.items)?;
        tx.commit()?;
        Ok(())
    }

    fn brief(&self, id: &str) -> Result<Option<StoredBrief>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT b.owner_id, u.jurisdiction, b.title, b.prepared_for, b.intro, b.sharing, \
                 b.created_at, b.updated_at FROM briefs b JOIN users u ON u.id = b.owner_id \
                 WHERE b.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, UserId>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((owner, jurisdiction, title, prepared_for, intro, shared, created, updated)) = row
        else {
            return Ok(None);
        };
        let mut statement = conn.prepare(
            "SELECT entry_id, note FROM brief_entries WHERE brief_id = ?1 ORDER BY position",
        )?;
        let items = statement
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (entry, note) = row?;
                let entry = EntryId::parse(&entry)
                    .map_err(|e| corrupt(format!("bad entry id `{entry}` in a brief: {e}")))?;
                Ok(BriefItem { entry, note })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(StoredBrief {
            id: id.to_owned(),
            owner,
            owner_jurisdiction: Slug::parse(&jurisdiction)
                .map_err(|e| corrupt(format!("bad jurisdiction `{jurisdiction}`: {e}")))?,
            content: BriefContent {
                title,
                prepared_for,
                intro,
                sharing: sharing(&shared)?,
                items,
            },
            created_at: time(&created)?,
            updated_at: time(&updated)?,
        }))
    }

    fn replace_brief(&self, id: &str, content: &BriefContent) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE briefs SET title = ?2, prepared_for = ?3, intro = ?4, sharing = ?5, \
             updated_at = ?6 WHERE id = ?1",
            params![
                id,
                content.title,
                content.prepared_for,
                content.intro,
                content.sharing.as_str(),
                now()
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("There is no brief `{id}`.")));
        }
        tx.execute("DELETE FROM brief_entries WHERE brief_id = ?1", [id])?;
        insert_items(&tx, id, &content.items)?;
        tx.commit()?;
        Ok(())
    }

    fn remove_brief(&self, id: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM brief_entries WHERE brief_id = ?1", [id])?;
        if tx.execute("DELETE FROM briefs WHERE id = ?1", [id])? == 0 {
            return Err(StoreError::NotFound(format!("There is no brief `{id}`.")));
        }
        tx.commit()?;
        Ok(())
    }

    fn count_briefs(&self, owner: UserId) -> Result<usize, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM briefs WHERE owner_id = ?1",
            [owner],
            |r| r.get(0),
        )?)
    }

    fn briefs_of(&self, owner: UserId) -> Result<Vec<BriefListing>, StoreError> {
        self.listings("b.owner_id = ?1", &[&owner], None)
    }

    fn briefs_shared_in(
        &self,
        jurisdiction: &Slug,
        except: UserId,
        limit: usize,
    ) -> Result<Vec<BriefListing>, StoreError> {
        let filter = "u.jurisdiction = ?1 AND b.owner_id <> ?2 AND b.sharing <> 'private' \
                      AND u.disabled_at IS NULL";
        self.listings(filter, &[&jurisdiction.as_str(), &except], Some(limit))
    }
}
