//! Ports of Kubernetes' apimachinery helpers that shape error texts: one place for each.
//!
//! * [`aggregate`]: `k8s.io/apimachinery/pkg/util/errors` `NewAggregate(errs).Error()`
//!   (Kubernetes v1.35).
//! * [`not_supported`], [`supported_values`]: `k8s.io/apimachinery/pkg/util/validation/field`
//!   `NotSupported` (the bad value quoted, then `supported values: "a", "b"`).

/// The text of `utilerrors.NewAggregate(errs)`: nothing for no error, the one message alone,
/// and otherwise the distinct messages in order as `[a, b]`. A message repeated later is listed
/// once; when every message is the same, it stands alone, without brackets.
pub(crate) fn aggregate<S: AsRef<str>>(messages: impl IntoIterator<Item = S>) -> String {
    let mut distinct: Vec<S> = Vec::new();
    for message in messages {
        if !distinct
            .iter()
            .any(|seen| seen.as_ref() == message.as_ref())
        {
            distinct.push(message);
        }
    }
    match distinct.as_slice() {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        all => {
            let texts: Vec<&str> = all.iter().map(AsRef::as_ref).collect();
            format!("[{}]", texts.join(", "))
        }
    }
}

/// The detail of `field.NotSupported`: `supported values: "a", "b"`, each value quoted as Go's
/// `%q` does.
pub(crate) fn supported_values(supported: &[&str]) -> String {
    let quoted: Vec<String> = supported.iter().map(|v| crate::go::quote(v)).collect();
    format!("supported values: {}", quoted.join(", "))
}

/// `field.NotSupported(path, value, supported).Error()` without the `path: ` prefix:
/// `Unsupported value: "x": supported values: "a", "b"`.
pub(crate) fn not_supported(value: &str, supported: &[&str]) -> String {
    format!(
        "Unsupported value: {}: {}",
        crate::go::quote(value),
        supported_values(supported)
    )
}

#[cfg(test)]
mod tests {
    use super::{aggregate, not_supported};

    #[test]
    fn not_supported_as_field_errors_print_it() {
        assert_eq!(
            not_supported("Sometimes", &["Always", "Never"]),
            r#"Unsupported value: "Sometimes": supported values: "Always", "Never""#
        );
    }

    #[test]
    fn aggregates_as_apimachinery_does() {
        let none: [&str; 0] = [];
        assert_eq!(aggregate(none), "");
        assert_eq!(aggregate(["a"]), "a");
        assert_eq!(aggregate(["a", "a"]), "a");
        assert_eq!(aggregate(["a", "b", "a"]), "[a, b]");
        assert_eq!(aggregate(["b", "a"]), "[b, a]");
        assert_eq!(aggregate(vec!["x".to_owned(), "y".to_owned()]), "[x, y]");
    }
}
