//! Reading a response body with a cap: the first `cap` bytes are kept, the rest is counted and
//! dropped, so a 50 MB response costs at most `cap` bytes of memory and still reports its size.
//!
//! Progress lives in a [`BodyProgress`] owned by the caller, so a timeout or a cancel that drops
//! the reading future still leaves the part received for the response viewer.
//!
//! The sender asks for a little more than its cap (the length of the longest secret it masks):
//! the body is masked before it is cut to the cap, so a secret the server reflected across the
//! cap is found whole rather than leaving its first characters in the kept part.

/// Counting stops after this many bytes (or the cap, if larger): the size is then reported as
/// "at least", rather than downloading without end.
pub(crate) const DRAIN_LIMIT: u64 = 1 << 30;

/// Smallest allocation step while the body length is unknown.
const STEP: usize = 64 * 1024;

#[derive(Default)]
pub(crate) struct BodyProgress {
    pub data: Vec<u8>,
    pub size: u64,
    /// Set once the end of the body was reached.
    pub exact: bool,
}

/// Reads `resp`'s body into `into`, keeping at most `cap` bytes.
pub(crate) async fn read(
    resp: &mut reqwest::Response,
    cap: usize,
    into: &mut BodyProgress,
) -> Result<(), reqwest::Error> {
    if let Some(len) = resp.content_length() {
        into.data
            .reserve_exact(usize::try_from(len).unwrap_or(usize::MAX).min(cap));
    }
    while let Some(chunk) = resp.chunk().await? {
        into.size += chunk.len() as u64;
        let room = cap.saturating_sub(into.data.len());
        if room > 0 {
            let take = room.min(chunk.len());
            if into.data.capacity() - into.data.len() < take {
                // Grow by doubling, but never past the cap: the buffer is the memory bound.
                let target = (into.data.capacity() * 2)
                    .max(STEP)
                    .max(into.data.len() + take)
                    .min(cap);
                into.data.reserve_exact(target - into.data.len());
            }
            into.data.extend_from_slice(&chunk[..take]);
        }
        if into.size >= DRAIN_LIMIT.max(cap as u64) {
            return Ok(());
        }
    }
    into.exact = true;
    Ok(())
}
