//! The guard every YAML input passes before `serde_norway` parses it: one place for the rule
//! (provider configs and Kubernetes objects both read YAML).

/// The deepest nesting of YAML flow collections kubepull parses: 128, `serde_norway`'s own
/// recursion limit, so no document it would accept is refused.
pub const MAX_YAML_DEPTH: usize = 128;

/// Where YAML's flow collections may first nest deeper than [`MAX_YAML_DEPTH`] (line and
/// column), found in one linear pass without a YAML parser; `None` when they never do.
///
/// Whether a bracket is structure depends on whether it sits in a quoted scalar or a comment,
/// and whether a quote starts a quoted scalar depends on context this pass does not track
/// (`don't` is a plain scalar). So it follows every reading at once: the states outside, in a
/// single-quoted scalar (and just after a `'` in one, which may be an escaped `''`), in a
/// double-quoted scalar (and after a `\`), and in a comment, each with the deepest nesting it
/// can have. A quote may always start a scalar, and readings that meet keep the deeper count,
/// so the count of the reading that is the real one is never below the real depth: the check
/// may refuse a document whose strings hold more than 128 unclosed `[`, but never lets a
/// deeper one through.
#[cfg(feature = "yaml")]
pub(crate) fn too_deep_at(bytes: &[u8]) -> Option<(usize, usize)> {
    const OUT: usize = 0;
    const SINGLE: usize = 1;
    const SINGLE_QUOTE: usize = 2;
    const DOUBLE: usize = 3;
    const DOUBLE_ESCAPE: usize = 4;
    const COMMENT: usize = 5;
    fn keep(next: &mut [Option<usize>; 6], state: usize, depth: usize) {
        next[state] = next[state].max(Some(depth));
    }
    fn outside(next: &mut [Option<usize>; 6], byte: u8, after_space: bool, depth: usize) {
        match byte {
            b'[' | b'{' => keep(next, OUT, depth + 1),
            b']' | b'}' => keep(next, OUT, depth.saturating_sub(1)),
            b'\'' => {
                keep(next, OUT, depth);
                keep(next, SINGLE, depth);
            }
            b'"' => {
                keep(next, OUT, depth);
                keep(next, DOUBLE, depth);
            }
            b'#' if after_space => keep(next, COMMENT, depth),
            _ => keep(next, OUT, depth),
        }
    }
    let mut states: [Option<usize>; 6] = [Some(0), None, None, None, None, None];
    let (mut line, mut column) = (1, 0);
    let mut after_space = true;
    for &byte in bytes {
        if byte == b'\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        let mut next = [None; 6];
        for (state, depth) in states.iter().enumerate() {
            let Some(depth) = *depth else { continue };
            match state {
                OUT => outside(&mut next, byte, after_space, depth),
                SINGLE if byte == b'\'' => keep(&mut next, SINGLE_QUOTE, depth),
                SINGLE => keep(&mut next, SINGLE, depth),
                SINGLE_QUOTE if byte == b'\'' => keep(&mut next, SINGLE, depth),
                SINGLE_QUOTE => outside(&mut next, byte, after_space, depth),
                DOUBLE if byte == b'\\' => keep(&mut next, DOUBLE_ESCAPE, depth),
                DOUBLE if byte == b'"' => keep(&mut next, OUT, depth),
                DOUBLE => keep(&mut next, DOUBLE, depth),
                DOUBLE_ESCAPE => keep(&mut next, DOUBLE, depth),
                _ if byte == b'\n' => keep(&mut next, OUT, depth),
                _ => keep(&mut next, COMMENT, depth),
            }
        }
        if next.iter().flatten().any(|&depth| depth > MAX_YAML_DEPTH) {
            return Some((line, column));
        }
        states = next;
        after_space = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
    }
    None
}
