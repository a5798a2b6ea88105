//! An ordered JSON/YAML tree and the strict, case-sensitive walk over it that reproduces the
//! kubelet's decoder (`sigs.k8s.io/json` `UnmarshalStrict`): unknown and duplicate fields are
//! collected with their paths (`providers[0].unknownField`), the first type error wins.
//!
//! Only used for the config file: it holds no secrets except `env` values, which no error
//! message ever prints.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A parsed document with object members in document order and repeated keys kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The JSON value kind as Go's `UnmarshalTypeError` names it.
    pub(crate) fn go_kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "bool",
            Node::Number => "number",
            Node::String(_) => "string",
            Node::Array(_) => "array",
            Node::Object(_) => "object",
        }
    }

    /// The text of a scalar used as a YAML mapping key (`sigs.k8s.io/yaml` stringifies them).
    fn into_key(self) -> Option<String> {
        match self {
            Node::String(s) => Some(s),
            Node::Bool(b) => Some(b.to_string()),
            Node::Null => Some("null".to_owned()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Number)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Node, E> {
        Ok(Node::Number)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Node, E> {
        Ok(Node::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Number)
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let key = key
                .into_key()
                .ok_or_else(|| de::Error::custom("mapping key is not a string"))?;
            members.push((key, map.next_value::<Node>()?));
        }
        Ok(Node::Object(members))
    }
}

/// One member of an object being decoded.
pub(crate) struct Member<'a> {
    pub(crate) key: &'a str,
    pub(crate) value: &'a Node,
    known: bool,
    error: Option<String>,
}

/// Collects the errors of a strict decode: the first type error (fatal in Go, reported
/// alone) and every strict error (reported only when nothing else failed).
#[derive(Default)]
pub(crate) struct StrictDecoder {
    pub(crate) type_error: Option<String>,
    pub(crate) strict: Vec<String>,
}

impl StrictDecoder {
    /// Records Go's `cannot unmarshal` error for a value of the wrong type, unless an
    /// earlier one was recorded.
    pub(crate) fn wrong_type(&mut self, node: &Node, go_struct: &str, field: &str, go_type: &str) {
        if self.type_error.is_none() {
            self.type_error = Some(if go_struct.is_empty() {
                format!(
                    "json: cannot unmarshal {} into Go value of type {go_type}",
                    node.go_kind()
                )
            } else {
                format!(
                    "json: cannot unmarshal {} into Go struct field {go_struct}.{field} of type {go_type}",
                    node.go_kind()
                )
            });
        }
    }

    /// Records a fatal error of another kind (a bad duration) unless one was recorded.
    pub(crate) fn fatal(&mut self, message: String) {
        if self.type_error.is_none() {
            self.type_error = Some(message);
        }
    }

    fn strict_error(&mut self, message: String) {
        // sigs.k8s.io/json de-duplicates and caps the list at 100.
        if self.strict.len() < 100 && !self.strict.contains(&message) {
            self.strict.push(message);
        }
    }

    /// The members of an object, in document order. A member whose name is not in `known`
    /// (case-sensitive) or repeats an earlier one carries its strict error; the caller
    /// reports it with [`StrictDecoder::member_error`] when it reaches the member, so errors
    /// come out in document order as Go's do. `None` (after recording a type error) when the
    /// node is not an object; `Some(empty)` for `null`.
    pub(crate) fn object<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        known: &[&str],
        go_struct: &str,
        field: &str,
        go_type: &str,
    ) -> Option<Vec<Member<'a>>> {
        let members = match node {
            Node::Object(members) => members,
            Node::Null => return Some(Vec::new()),
            other => {
                self.wrong_type(other, go_struct, field, go_type);
                return None;
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::with_capacity(members.len());
        for (key, value) in members {
            let full = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let (known, error) = if !known.contains(&key.as_str()) {
                (
                    false,
                    Some(format!("unknown field {}", crate::go::quote(&full))),
                )
            } else if seen.contains(&key.as_str()) {
                (
                    true,
                    Some(format!("duplicate field {}", crate::go::quote(&full))),
                )
            } else {
                (true, None)
            };
            seen.push(key);
            out.push(Member {
                key: key.as_str(),
                value,
                known,
                error,
            });
        }
        Some(out)
    }

    /// Records a member's strict error; `true` when the member is known and should be
    /// decoded.
    pub(crate) fn member_error(&mut self, member: &Member<'_>) -> bool {
        if let Some(error) = &member.error {
            self.strict_error(error.clone());
        }
        member.known
    }

    /// A string field: `null` reads as `""` (Go leaves the zero value).
    pub(crate) fn string(&mut self, node: &Node, go_struct: &str, field: &str) -> String {
        match node {
            Node::String(s) => s.clone(),
            Node::Null => String::new(),
            other => {
                self.wrong_type(other, go_struct, field, "string");
                String::new()
            }
        }
    }

    /// A `[]string` field: `null` reads as `None`, `null` items as `""`.
    pub(crate) fn strings(
        &mut self,
        node: &Node,
        go_struct: &str,
        field: &str,
    ) -> Option<Vec<String>> {
        match node {
            Node::Array(items) => Some(
                items
                    .iter()
                    .map(|item| self.string(item, go_struct, field))
                    .collect(),
            ),
            Node::Null => None,
            other => {
                self.wrong_type(other, go_struct, field, "[]string");
                None
            }
        }
    }

    /// A `*bool` field.
    pub(crate) fn bool(&mut self, node: &Node, go_struct: &str, field: &str) -> Option<bool> {
        match node {
            Node::Bool(b) => Some(*b),
            Node::Null => None,
            other => {
                self.wrong_type(other, go_struct, field, "bool");
                None
            }
        }
    }
}
