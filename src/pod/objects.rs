//! Reading what a file of Kubernetes objects holds: one object, or a `kind: List` as kubectl
//! prints several (`kubectl get pod/web sa/web secret -n shop -o json`).

use std::fmt;

use serde_json::Value;

use super::{Pod, ServiceAccount, same_namespace};
use crate::config::KubeSecret;

/// The largest input [`Objects::from_json`] and [`Objects::from_yaml`] read: 16 MiB, the
/// same cap as a docker config file ([`crate::config::MAX_CONFIG_BYTES`]), far above what a
/// pod with its secrets needs and what the API server stores per object (1.5 MiB).
pub const MAX_OBJECTS_BYTES: usize = crate::config::MAX_CONFIG_BYTES;

/// The pods, ServiceAccounts and Secrets of one or more files, in the order read.
///
/// Objects of other kinds are counted in [`Objects::other_kinds`] and otherwise ignored.
/// A `List` (or a typed list such as `SecretList`) contributes its items.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Objects {
    /// `kind: Pod` objects.
    pub pods: Vec<Pod>,
    /// `kind: ServiceAccount` objects.
    pub service_accounts: Vec<ServiceAccount>,
    /// `kind: Secret` objects, read by [`KubeSecret::from_json`].
    pub secrets: Vec<KubeSecret>,
    /// The kinds of the objects that were ignored, in order.
    pub other_kinds: Vec<String>,
}

/// An input that is not an object or list of objects. `Display` names the item and the
/// position, never a value (a Secret's data may be in the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsError {
    message: String,
}

impl ObjectsError {
    fn new(message: impl Into<String>) -> ObjectsError {
        ObjectsError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ObjectsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ObjectsError {}

impl Objects {
    /// Reads JSON: one object or a list.
    ///
    /// # Errors
    ///
    /// The input is over [`MAX_OBJECTS_BYTES`], is not JSON, is not an object, an object has
    /// no `kind`, or a Pod, ServiceAccount or Secret does not have that kind's shape.
    pub fn from_json(bytes: &[u8]) -> Result<Objects, ObjectsError> {
        check_size(bytes)?;
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            ObjectsError::new(format!(
                "not JSON: {} at line {} column {}",
                json_category(&e),
                e.line(),
                e.column()
            ))
        })?;
        let mut objects = Objects::default();
        objects.push(value, None)?;
        Ok(objects)
    }

    /// Reads YAML, as `kubectl get -o yaml` prints it; several `---` documents are read in
    /// turn.
    ///
    /// # Errors
    ///
    /// As [`Objects::from_json`]; also YAML whose flow collections nest deeper than
    /// [`MAX_YAML_DEPTH`](crate::provider::MAX_YAML_DEPTH).
    #[cfg(feature = "yaml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
    pub fn from_yaml(bytes: &[u8]) -> Result<Objects, ObjectsError> {
        use serde::Deserialize as _;
        check_size(bytes)?;
        // The parser's time grows with the square of the nesting depth: refuse deep input first.
        if let Some((line, column)) = crate::yaml::too_deep_at(bytes) {
            return Err(ObjectsError::new(format!(
                "not read: YAML flow collections nested deeper than {} at line {line} column {column}",
                crate::yaml::MAX_YAML_DEPTH
            )));
        }
        let mut objects = Objects::default();
        for document in serde_norway::Deserializer::from_slice(bytes) {
            let value = Value::deserialize(document).map_err(|e| {
                let position = e
                    .location()
                    .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                    .unwrap_or_default();
                ObjectsError::new(format!("not YAML objects{position}"))
            })?;
            if !value.is_null() {
                objects.push(value, None)?;
            }
        }
        Ok(objects)
    }

    /// Reads JSON when the first non-blank byte is `{`, YAML otherwise (which needs feature
    /// `yaml`).
    ///
    /// # Errors
    ///
    /// As [`Objects::from_json`] and [`Objects::from_yaml`]; without feature `yaml`, input
    /// that is not JSON.
    pub fn from_slice(bytes: &[u8]) -> Result<Objects, ObjectsError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'{') {
            return Objects::from_json(bytes);
        }
        #[cfg(feature = "yaml")]
        return Objects::from_yaml(bytes);
        #[cfg(not(feature = "yaml"))]
        Err(ObjectsError::new(
            "not JSON (YAML input needs kubepull's feature `yaml`)",
        ))
    }

    /// Appends `other`'s objects to this set's.
    pub fn extend(&mut self, other: Objects) {
        self.pods.extend(other.pods);
        self.service_accounts.extend(other.service_accounts);
        self.secrets.extend(other.secrets);
        self.other_kinds.extend(other.other_kinds);
    }

    /// Whether no object was read.
    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
            && self.service_accounts.is_empty()
            && self.secrets.is_empty()
            && self.other_kinds.is_empty()
    }

    /// The ServiceAccount `pod` runs as ([`Pod::service_account_name`]), if read: same name,
    /// and the pod's namespace when both carry one.
    pub fn service_account(&self, pod: &Pod) -> Option<&ServiceAccount> {
        let name = pod.service_account_name();
        self.service_accounts.iter().find(|account| {
            account.metadata.name == name
                && same_namespace(&pod.metadata.namespace, &account.metadata.namespace)
        })
    }

    fn push(&mut self, value: Value, list_item: Option<usize>) -> Result<(), ObjectsError> {
        let at = |message: String| match list_item {
            Some(i) => ObjectsError::new(format!("items[{i}]: {message}")),
            None => ObjectsError::new(message),
        };
        let Value::Object(map) = &value else {
            return Err(at(format!(
                "expected an object, found {}",
                json_type(&value)
            )));
        };
        let kind = match map.get("kind") {
            Some(Value::String(kind)) => kind.clone(),
            Some(_) => return Err(at("`kind` is not a string".to_owned())),
            None => return Err(at("the object has no `kind`".to_owned())),
        };
        match kind.as_str() {
            "Pod" => {
                let pod = serde_json::from_value(value).map_err(|e| at(shape_error("Pod", &e)))?;
                self.pods.push(pod);
            }
            "ServiceAccount" => {
                let account = serde_json::from_value(value)
                    .map_err(|e| at(shape_error("ServiceAccount", &e)))?;
                self.service_accounts.push(account);
            }
            "Secret" => {
                let bytes = zeroize::Zeroizing::new(
                    serde_json::to_vec(&value).map_err(|e| at(shape_error("Secret", &e)))?,
                );
                drop(value);
                let secret = KubeSecret::from_json(&bytes).map_err(|e| at(e.to_string()))?;
                self.secrets.push(secret);
            }
            list if list.ends_with("List") && list_item.is_none() => {
                let Value::Object(mut map) = value else {
                    unreachable!("matched as an object above")
                };
                let items = match map.remove("items") {
                    Some(Value::Array(items)) => items,
                    None | Some(Value::Null) => Vec::new(),
                    Some(_) => return Err(at(format!("{list}: `items` is not a list"))),
                };
                for (i, item) in items.into_iter().enumerate() {
                    self.push(item, Some(i))?;
                }
            }
            _ => self.other_kinds.push(kind),
        }
        Ok(())
    }
}

fn check_size(bytes: &[u8]) -> Result<(), ObjectsError> {
    if bytes.len() > MAX_OBJECTS_BYTES {
        return Err(ObjectsError::new(format!(
            "too large: {} bytes, the limit is {MAX_OBJECTS_BYTES}",
            bytes.len()
        )));
    }
    Ok(())
}

/// A serde error as a position only: its text may quote a value of the input.
fn shape_error(kind: &str, error: &serde_json::Error) -> String {
    format!("not a {kind}: a field has the wrong type or shape ({})", {
        let text = error.to_string();
        // serde_json's data errors read "invalid type: string \"…\", expected …": keep only
        // what was expected.
        text.rsplit_once("expected ")
            .map(|(_, expected)| format!("expected {expected}"))
            .unwrap_or_else(|| "unexpected value".to_owned())
    })
}

fn json_category(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Eof => "unexpected end of input",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected value",
        serde_json::error::Category::Io => "read error",
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_errors_never_quote_values() {
        let err = Objects::from_json(br#"{"kind":"Pod","spec":{"containers":"s3cret-value"}}"#)
            .unwrap_err();
        assert!(!err.to_string().contains("s3cret-value"), "{err}");
        assert!(err.to_string().starts_with("not a Pod: "), "{err}");
        let err = Objects::from_json(
            br#"{"kind":"Secret","metadata":{"name":"x"},"data":{"a":"s3cret-value!"}}"#,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("s3cret-value"), "{err}");
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn deep_yaml_is_refused_before_parsing() {
        let err = Objects::from_yaml(&[b'['; 100_000]).unwrap_err();
        assert!(err.to_string().contains("nested deeper than 128"), "{err}");
        let fine = format!("kind: List\nitems: {}{}", "[".repeat(3), "]".repeat(3));
        assert!(
            Objects::from_yaml(fine.as_bytes()).is_err(),
            "items hold no objects"
        );
    }
}
