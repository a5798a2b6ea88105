//! Standard-alphabet base64 exactly as Go's `encoding/base64` decodes it.
//!
//! The kubelet decodes `auth` with `StdEncoding` (padded) or `RawStdEncoding` (unpadded), and
//! `encoding/json` decodes `[]byte` (a Secret's `data`) with `StdEncoding`. Go ignores `\r`
//! and `\n` anywhere, accepts non-zero trailing bits (not strict), and reports the byte offset
//! of the first problem as `illegal base64 data at input byte N`. This is a direct port of
//! `decodeQuantum`, so the offsets match.

use base64::Engine as _;

const INVALID: u8 = 0xff;

const DECODE_MAP: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut map = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        map[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    map
};

/// A decode failure at a byte offset of the input (Go's `CorruptInputError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CorruptInput(pub usize);

impl CorruptInput {
    /// Go's error text.
    pub(crate) fn message(self) -> String {
        format!("illegal base64 data at input byte {}", self.0)
    }
}

/// Decodes `src` with Go's `StdEncoding` (`padded = true`) or `RawStdEncoding`.
pub(crate) fn decode(src: &[u8], padded: bool) -> Result<Vec<u8>, CorruptInput> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3 + 3);
    let mut si = 0;
    loop {
        let (next, done) = decode_quantum(src, si, padded, &mut out)?;
        si = next;
        if done {
            return Ok(out);
        }
    }
}

/// One 4-character quantum; returns the next input index and whether decoding is finished.
fn decode_quantum(
    src: &[u8],
    mut si: usize,
    padded: bool,
    out: &mut Vec<u8>,
) -> Result<(usize, bool), CorruptInput> {
    let mut dbuf = [0u8; 4];
    let mut dlen = 4;
    let mut j = 0;
    let mut finished = false;
    while j < 4 {
        if si == src.len() {
            if j == 0 {
                return Ok((si, true));
            }
            if j == 1 || padded {
                return Err(CorruptInput(si - j));
            }
            dlen = j;
            finished = true;
            break;
        }
        let byte = src[si];
        si += 1;
        let value = DECODE_MAP[byte as usize];
        if value != INVALID {
            dbuf[j] = value;
            j += 1;
            continue;
        }
        if byte == b'\n' || byte == b'\r' {
            continue;
        }
        if !padded || byte != b'=' {
            return Err(CorruptInput(si - 1));
        }
        // Padding: only valid after two or three characters of the final quantum.
        match j {
            0 | 1 => return Err(CorruptInput(si - 1)),
            2 => {
                si = skip_newlines(src, si);
                if si == src.len() {
                    return Err(CorruptInput(src.len()));
                }
                if src[si] != b'=' {
                    return Err(CorruptInput(si - 1));
                }
                si += 1;
            }
            _ => {}
        }
        si = skip_newlines(src, si);
        if si < src.len() {
            return Err(CorruptInput(si));
        }
        dlen = j;
        finished = true;
        break;
    }
    let value = (u32::from(dbuf[0]) << 18)
        | (u32::from(dbuf[1]) << 12)
        | (u32::from(dbuf[2]) << 6)
        | u32::from(dbuf[3]);
    let bytes = [(value >> 16) as u8, (value >> 8) as u8, value as u8];
    out.extend_from_slice(&bytes[..dlen - 1]);
    Ok((si, finished || si == src.len()))
}

fn skip_newlines(src: &[u8], mut si: usize) -> usize {
    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
        si += 1;
    }
    si
}

/// Padded standard base64, as Go's `base64.StdEncoding.EncodeToString`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::{CorruptInput, decode};

    #[test]
    fn matches_go() {
        assert_eq!(decode(b"Zm9vOmJhcg==", true).unwrap(), b"foo:bar");
        assert_eq!(decode(b"Zm9vOmJhcg", false).unwrap(), b"foo:bar");
        assert_eq!(decode(b"Zm9vOm\nJhcg==\n", true).unwrap(), b"foo:bar");
        assert_eq!(decode(b"", true).unwrap(), b"");
        assert_eq!(decode(b"\n\r", true).unwrap(), b"");
        assert_eq!(decode(b"Zm9vOmJhcg== ", true), Err(CorruptInput(12)));
        assert_eq!(decode(b"pants", false), Err(CorruptInput(4)));
        assert_eq!(decode(b"pants", true), Err(CorruptInput(4)));
        assert_eq!(decode(b"Zm9vOmJhcg", true), Err(CorruptInput(8)));
        assert_eq!(decode(b"Zm9vOmJhcg=", true), Err(CorruptInput(11)));
        assert_eq!(decode(b"Zm9vOmJhcg==", false), Err(CorruptInput(10)));
        assert_eq!(decode(b"Zm9=x", true), Err(CorruptInput(4)));
        assert_eq!(decode(b"Z===", true), Err(CorruptInput(1)));
        // Non-zero trailing bits are accepted (Go is not strict by default).
        assert_eq!(decode(b"Zm9=", true).unwrap(), b"fo");
        assert_eq!(decode(b"Zm9vOmJhcgo=", true).unwrap(), b"foo:bar\n");
    }
}
