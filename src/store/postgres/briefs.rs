//! Saved briefs in PostgreSQL: a `briefs` row each, and its entries in `brief_entries` by
//! position. A brief is always written whole, in one transaction.

use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::{PgStore, corrupt, now, pg, time};
use crate::playbook::{EntryId, Slug};
use crate::store::{
    BriefContent, BriefItem, BriefListing, BriefStore, Sharing, StoreError, StoredBrief, UserId,
};

/// Writes a brief's entries (after its old ones are gone).
async fn insert_items(
    tx: &Transaction<'_>,
    id: &str,
    items: &[BriefItem],
) -> Result<(), StoreError> {
    let statement = tx
        .prepare(
            "INSERT INTO brief_entries (brief_id, position, entry_id, note) VALUES ($1, $2, $3, $4)",
        )
        .await
        .map_err(pg)?;
    for (position, item) in items.iter().enumerate() {
        let position = i64::try_from(position).map_err(corrupt)?;
        tx.execute(
            &statement,
            &[&id, &position, &item.entry.to_string(), &item.note],
        )
        .await
        .map_err(pg)?;
    }
    Ok(())
}

fn sharing(text: &str) -> Result<Sharing, StoreError> {
    Sharing::parse(text).ok_or_else(|| corrupt(format!("bad brief sharing `{text}`")))
}

const LISTING_COLUMNS: &str = "b.id, b.title, u.email, b.sharing, b.updated_at, \
     (SELECT COUNT(*) FROM brief_entries e WHERE e.brief_id = b.id)";

fn listing_from_row(row: &Row) -> Result<BriefListing, StoreError> {
    let (shared, updated, entries): (String, String, i64) = (row.get(3), row.get(4), row.get(5));
    Ok(BriefListing {
        id: row.get(0),
        title: row.get(1),
        owner_email: row.get(2),
        sharing: sharing(&shared)?,
        entries: usize::try_from(entries).map_err(corrupt)?,
        updated_at: time(&updated)?,
    })
}

impl PgStore {
    /// Briefs matching `filter` (its parameters `$1`… are `params`), latest change first, at
    /// most `limit`.
    fn listings(
        &self,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
        limit: Option<usize>,
    ) -> Result<Vec<BriefListing>, StoreError> {
        let limit = limit.map_or_else(|| "ALL".to_owned(), |n| n.to_string());
        self.block(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {LISTING_COLUMNS} FROM briefs b JOIN users u ON u.id = b.owner_id \
                         WHERE {filter} ORDER BY b.updated_at DESC, b.id LIMIT {limit}"
                    ),
                    params,
                )
                .await
                .map_err(pg)?;
            rows.iter().map(listing_from_row).collect()
        })
    }
}

impl BriefStore for PgStore {
    fn add_brief(&self, id: &str, owner: UserId, content: &BriefContent) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            let at = now();
            tx.execute(
                "INSERT INTO briefs (id, owner_id, title, prepared_for, intro, sharing, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                &[
                    &id,
                    &owner,
                    &content.title,
                    &content.prepared_for,
                    &content.intro,
                    &content.sharing.as_str(),
                    &at,
                ],
            )
            .await
            .map_err(pg)?;
            insert_items(&tx, id, &content.items).await?;
            tx.commit().await.map_err(pg)
        })
    }

    fn brief(&self, id: &str) -> Result<Option<StoredBrief>, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let Some(row) = client
                .query_opt(
                    "SELECT b.owner_id, u.jurisdiction, b.title, b.prepared_for, b.intro, b.sharing, \
                     b.created_at, b.updated_at FROM briefs b JOIN users u ON u.id = b.owner_id \
                     WHERE b.id = $1",
                    &[&id],
                )
                .await
                .map_err(pg)?
            else {
                return Ok(None);
            };
            let items = client
                .query(
                    "SELECT entry_id, note FROM brief_entries WHERE brief_id = $1 ORDER BY position",
                    &[&id],
                )
                .await
                .map_err(pg)?
                .iter()
                .map(|item| {
                    let entry: String = item.get(0);
                    let entry = EntryId::parse(&entry)
                        .map_err(|e| corrupt(format!("bad entry id `{entry}` in a brief: {e}")))?;
                    Ok(BriefItem {
                        entry,
                        note: item.get(1),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let jurisdiction: String = row.get(1);
            let (shared, created, updated): (String, String, String) =
                (row.get(5), row.get(6), row.get(7));
            Ok(Some(StoredBrief {
                id: id.to_owned(),
                owner: row.get(0),
                owner_jurisdiction: Slug::parse(&jurisdiction)
                    .map_err(|e| corrupt(format!("bad jurisdiction `{jurisdiction}`: {e}")))?,
                content: BriefContent {
                    title: row.get(2),
                    prepared_for: row.get(3),
                    intro: row.get(4),
                    sharing: sharing(&shared)?,
                    items,
                },
                created_at: time(&created)?,
                updated_at: time(&updated)?,
            }))
        })
    }

    fn replace_brief(&self, id: &str, content: &BriefContent) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            let changed = tx
                .execute(
                    "UPDATE briefs SET title = $2, prepared_for = $3, intro = $4, sharing = $5, \
                     updated_at = $6 WHERE id = $1",
                    &[
                        &id,
                        &content.title,
                        &content.prepared_for,
                        &content.intro,
                        &content.sharing.as_str(),
                        &now(),
                    ],
                )
                .await
                .map_err(pg)?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("There is no brief `{id}`.")));
            }
            tx.execute("DELETE FROM brief_entries WHERE brief_id = $1", &[&id])
                .await
                .map_err(pg)?;
            insert_items(&tx, id, &content.items).await?;
            tx.commit().await.map_err(pg)
        })
    }

    fn remove_brief(&self, id: &str) -> Result<(), StoreError> {
        self.block(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(pg)?;
            tx.execute("DELETE FROM brief_entries WHERE brief_id = $1", &[&id])
                .await
                .map_err(pg)?;
            if tx
                .execute("DELETE FROM briefs WHERE id = $1", &[&id])
                .await
                .map_err(pg)?
                == 0
            {
                return Err(StoreError::NotFound(format!("There is no brief `{id}`.")));
            }
            tx.commit().await.map_err(pg)
        })
    }

    fn count_briefs(&self, owner: UserId) -> Result<usize, StoreError> {
        self.block(async {
            let client = self.client().await?;
            let count: i64 = client
                .query_one("SELECT COUNT(*) FROM briefs WHERE owner_id = $1", &[&owner])
                .await
                .map_err(pg)?
                .get(0);
            usize::try_from(count).map_err(corrupt)
        })
    }

    fn briefs_of(&self, owner: UserId) -> Result<Vec<BriefListing>, StoreError> {
        self.listings("b.owner_id = $1", &[&owner], None)
    }

    fn briefs_shared_in(
        &self,
        jurisdiction: &Slug,
        except: UserId,
        limit: usize,
    ) -> Result<Vec<BriefListing>, StoreError> {
        self.listings(
            "u.jurisdiction = $1 AND b.owner_id <> $2 AND b.sharing <> 'private' \
             AND u.disabled_at IS NULL",
            &[&jurisdiction.as_str(), &except],
            Some(limit),
        )
    }
}
