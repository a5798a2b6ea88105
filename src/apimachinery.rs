//! Ports of Kubernetes' apimachinery helpers that shape error texts: one place for each.
//!
//! * [`aggregate`]: `k8s.io/apimachinery/pkg/util/errors` `NewAggregate(errs).Error()`
//!   (Kubernetes v1.35).

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

#[cfg(test)]
mod tests {
    use super::aggregate;

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
