//! A small record per submitted job in the user's data dir
//! (`~/.local/share/hjob/jobs/<id>.json`), so `status`, `wait`, `kill` and
//! `logs` find the job's cluster even after the active cluster changed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What hjob remembers about a job it submitted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub cluster: String,
    pub oozie_url: String,
    #[serde(default)]
    pub yarn_url: Option<String>,
    pub app_name: String,
    pub submission_id: String,
    pub submitted_at: String,
    pub user: String,
}

fn file_for(dir: &Path, id: &str) -> Option<PathBuf> {
    let safe = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '@' | '.'));
    (safe && !id.is_empty() && !id.starts_with('.'))
        .then(|| dir.join("jobs").join(format!("{id}.json")))
}

/// Saves a record (best effort: a failure is logged, never fatal, since the
/// job exists on the server either way). Never torn, not fsynced (two
/// fsyncs were a tenth of a submit's time): after a power cut the record
/// may be gone or empty, read as no record, and the commands find the job
/// on Oozie then.
pub fn save(data_dir: Option<&Path>, record: &JobRecord) {
    let Some(path) = data_dir.and_then(|d| file_for(d, &record.id)) else {
        return;
    };
    let result = (|| -> anyhow::Result<()> {
        let mut content = serde_json::to_string_pretty(record)?;
        content.push('\n');
        crate::local_file::replace(&path, content.as_bytes())?;
        Ok(())
    })();
    if let Err(e) = result {
        tracing::warn!(
            "could not remember job {} in {}: {e:#}",
            record.id,
            path.display()
        );
    }
}

/// Loads the record of a job, when there is one.
pub fn load(data_dir: Option<&Path>, id: &str) -> Option<JobRecord> {
    let path = data_dir.and_then(|d| file_for(d, id))?;
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Every record kept (unreadable ones are skipped), in file name order.
pub fn all(data_dir: Option<&Path>) -> Vec<JobRecord> {
    let Some(dir) = data_dir.map(|d| d.join("jobs")) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_odd_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let record = JobRecord {
            id: "0000001-261122103501000-oozie-oozi-W".into(),
            cluster: "alpha".into(),
            oozie_url: "http://127.0.0.1:1/oozie".into(),
            yarn_url: None,
            app_name: "hjob-shell-a-1".into(),
            submission_id: "20261122T103501-7f3a9c01".into(),
            submitted_at: "2026-11-22T10:35:01Z".into(),
            user: "a".into(),
        };
        save(Some(dir.path()), &record);
        assert_eq!(load(Some(dir.path()), &record.id), Some(record.clone()));
        std::fs::write(dir.path().join("jobs/broken.json"), "{").unwrap();
        assert_eq!(all(Some(dir.path())), vec![record]);
        assert!(all(None).is_empty());
        assert!(load(Some(dir.path()), "../../etc/passwd").is_none());
    }
}
