//! The record, in the data dir, of the playbook folder's stamp at the last full load, the
//! fingerprint of the contents that load read, and the quotes of declared sources it found.
//! Start-up trusts the index (and checks those quotes against the stored texts) without
//! reading the folder only when the folder's stamp is still this one. Replaced atomically (temp file,
//! fsync, rename), so a crash leaves the old record or the new one, never half of one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::playbook::{PlaybookQuotes, PlaybookScan};

/// The record's file name in the data dir.
pub const STAMP_FILE: &str = "playbook-stamp.json";

/// A playbook folder stamp and the fingerprint of the contents it stood for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampRecord {
    /// `PlaybookScan::stamp` taken just before the full load.
    pub stamp: String,
    /// `Playbook::fingerprint` of that load (also the index's, once opened or built).
    pub fingerprint: String,
    /// The quotes that load found, to check against the stored texts at the next start-up.
    /// Required: a record from before quotes were recorded does not read, so the next
    /// start-up reads the folder in full.
    pub quotes: PlaybookQuotes,
}

impl StampRecord {
    /// The record's path in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(STAMP_FILE)
    }

    /// Records, after a full load of the playbook that read contents with `fingerprint` and
    /// found `quotes`, the `scan` taken just before it, for the next start-up. Skipped when a
    /// file had changed moments before the scan; a failure is logged, as it costs only a
    /// slower next start.
    pub fn save_after_full_load(
        data_dir: &Path,
        scan: &PlaybookScan,
        fingerprint: &str,
        quotes: &PlaybookQuotes,
    ) {
        if !scan.settled {
            tracing::info!(
                "a playbook file changed moments ago; not recording the stamp, so the next start-up reads the playbook in full"
            );
            return;
        }
        let record = StampRecord {
            stamp: scan.stamp.clone(),
            fingerprint: fingerprint.to_owned(),
            quotes: quotes.clone(),
        };
        if let Err(e) = record.write(data_dir) {
            tracing::warn!(error = %e, "could not record the playbook stamp; the next start-up reads the playbook in full");
        }
    }

    /// The record in `data_dir`; None when absent or unreadable.
    pub fn read(data_dir: &Path) -> Option<StampRecord> {
        let text = fs::read_to_string(Self::path(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Replaces the record in `data_dir`: write a temp file, flush it to disk, rename it over
    /// the record, then flush the folder so the rename itself survives a crash.
    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_string(self).map_err(std::io::Error::other)?;
        let temp = data_dir.join(format!("{STAMP_FILE}.tmp"));
        let mut file = fs::File::create(&temp)?;
        file.write_all(json.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, Self::path(data_dir))?;
        fs::File::open(data_dir)?.sync_all()
    }
}
