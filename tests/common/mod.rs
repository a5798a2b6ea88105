//! The one loader of the table-driven tests: conformance data under `tests/data/`, as JSON
//! lines or a JSON array, with the path in every failure. A table that is missing or empty
//! fails the test: an empty table would check nothing.
#![allow(dead_code)] // each test crate uses part of it

use serde_json::Value;

/// The path of `tests/data/REL`.
pub fn data_path(rel: &str) -> String {
    format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The text of `tests/data/REL`.
pub fn data_text(rel: &str) -> String {
    let path = data_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The rows of a JSON-lines table (blank lines skipped).
pub fn rows(rel: &str) -> Vec<Value> {
    let path = data_path(rel);
    let rows: Vec<Value> = data_text(rel)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{path}: {e}: {line}")))
        .collect();
    assert!(!rows.is_empty(), "{path} has no rows");
    rows
}

/// The cases of a table written as one JSON array.
pub fn cases(rel: &str) -> Vec<Value> {
    let path = data_path(rel);
    let cases: Vec<Value> =
        serde_json::from_str(&data_text(rel)).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(!cases.is_empty(), "{path} is empty");
    cases
}

/// A string field of a row.
pub fn s<'a>(row: &'a Value, field: &str) -> &'a str {
    row[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string in {row}"))
}
