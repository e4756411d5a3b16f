//! The field encoding both `RequestCall` directions share: big-endian
//! unsigned integers and byte strings behind a 2-byte (`short`) or 4-byte
//! (`wide`) length. Kept apart from the messages so the request and the
//! reply are read and written by the same bounds-checked code: a read never
//! goes past the payload or over a field's bound, and a write cuts a field
//! to what its length prefix can hold instead of writing a wrong length.

use super::REQUEST_CALL_VERSION;
use super::error::RequestDecodeError;

/// Reads fields off the front of a payload.
pub(super) struct Reader<'a> {
    /// What is left to read.
    pub(super) rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], RequestDecodeError> {
        if self.rest.len() < n {
            return Err(RequestDecodeError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub(super) fn u8(&mut self, field: &'static str) -> Result<u8, RequestDecodeError> {
        Ok(self.take(1, field)?[0])
    }

    pub(super) fn u16(&mut self, field: &'static str) -> Result<usize, RequestDecodeError> {
        let b = self.take(2, field)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn u32(&mut self, field: &'static str) -> Result<usize, RequestDecodeError> {
        let b = self.take(4, field)?;
        Ok(usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(usize::MAX))
    }

    fn checked(
        &mut self,
        len: usize,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], RequestDecodeError> {
        if len > max {
            return Err(RequestDecodeError::TooLong { field, len, max });
        }
        self.take(len, field)
    }

    pub(super) fn short(
        &mut self,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], RequestDecodeError> {
        let len = self.u16(field)?;
        self.checked(len, max, field)
    }

    pub(super) fn wide(
        &mut self,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], RequestDecodeError> {
        let len = self.u32(field)?;
        self.checked(len, max, field)
    }

    pub(super) fn end(&self) -> Result<(), RequestDecodeError> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(RequestDecodeError::Trailing(n)),
        }
    }
}

/// Reads the version byte; refuses any but [`REQUEST_CALL_VERSION`].
pub(super) fn version(r: &mut Reader<'_>) -> Result<(), RequestDecodeError> {
    match r.u8("version")? {
        REQUEST_CALL_VERSION => Ok(()),
        v => Err(RequestDecodeError::Version(v)),
    }
}

/// `value` if it sets no bit outside `allowed`.
pub(super) fn known(field: &'static str, value: u8, allowed: u8) -> Result<u8, RequestDecodeError> {
    if value & !allowed != 0 {
        return Err(RequestDecodeError::BadValue {
            field,
            value: u32::from(value),
        });
    }
    Ok(value)
}

/// Writes `bytes` behind a 2-byte length, cut to 65535 bytes.
pub(super) fn short(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Writes `bytes` behind a 4-byte length, cut to `u32::MAX` bytes.
pub(super) fn wide(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}
