//! The tie-break of [`super::pick`]: SHA-256 of `seed + "\n" + id + "\n" + slug` for
//! each partner tied at the smallest ratio, the smallest winning. On a machine with a
//! second core, a [`Helper`] thread hashes half of a long list of ties while the
//! replay's thread hashes the other half; the winner is the same either way (the
//! smallest `(hash, partner)` of the union is the smaller of the two halves').

// Partner indices are below the slug list's length by construction (see the parent).
#![allow(clippy::indexing_slicing)]

use std::sync::atomic::{
    AtomicBool, AtomicU64,
    Ordering::{Acquire, Release},
};
use std::sync::{Mutex, PoisonError};

/// A tie's hash as SHA-256 state words (ordered as the digest's bytes and hex are) and
/// the partner's index.
pub type Hashed = ([u32; 8], u32);

/// [`super::tie_hash`] for many slugs of one lead: the message `seed + "\n" + id +
/// "\n"` is written once and each slug padded after it by hand (FIPS 180-4, 5.1.1) for
/// the crate's compression function, without a hasher's buffering per slug. The digest
/// is the state words, whose order is the digest bytes' (big-endian) and so the hex's.
#[derive(Default)]
pub struct TieHasher {
    message: Vec<u8>,
    blocks: Vec<[u8; 64]>,
}

/// A [`TieHasher`] holding one lead's head.
pub struct TieHead<'a> {
    head: usize,
    /// The head in a zeroed block, when a slug may still fit in one block after it.
    block: [u8; 64],
    hasher: &'a mut TieHasher,
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Bytes of a block that a message may fill and still be padded within it (the
/// `0x80` byte and the 8-byte length follow).
const ONE_BLOCK: usize = 64 - 9;

impl TieHasher {
    pub fn start(&mut self, seed: &str, id: &[u8]) -> TieHead<'_> {
        self.message.clear();
        self.message.extend_from_slice(seed.as_bytes());
        self.message.push(b'\n');
        self.message.extend_from_slice(id);
        self.message.push(b'\n');
        let head = self.message.len();
        let mut block = [0; 64];
        if let Some(b) = block.get_mut(..head) {
            b.copy_from_slice(&self.message);
        }
        TieHead {
            head,
            block,
            hasher: self,
        }
    }
}

impl TieHead<'_> {
    /// The SHA-256 of the head and `slug`, as state words.
    pub fn digest(&mut self, slug: &[u8]) -> [u32; 8] {
        let len = self.head + slug.len();
        let bits = (len as u64) * 8;
        let mut state = SHA256_IV;
        if len <= ONE_BLOCK {
            let mut block = self.block;
            block[self.head..len].copy_from_slice(slug);
            block[len] = 0x80;
            block[56..].copy_from_slice(&bits.to_be_bytes());
            sha2::block_api::compress256(&mut state, &[block]);
            return state;
        }
        let TieHasher { message, blocks } = &mut *self.hasher;
        message.truncate(self.head);
        message.extend_from_slice(slug);
        let n = (len + 8) / 64 + 1;
        blocks.clear();
        blocks.resize(n, [0; 64]);
        for (block, chunk) in blocks.iter_mut().zip(message.chunks(64)) {
            block[..chunk.len()].copy_from_slice(chunk);
        }
        blocks[len / 64][len % 64] = 0x80;
        blocks[n - 1][56..].copy_from_slice(&bits.to_be_bytes());
        sha2::block_api::compress256(&mut state, blocks);
        state
    }
}

/// The smallest `(hash, partner)` of `ties` for the lead `id`.
pub fn least(
    hasher: &mut TieHasher,
    seed: &str,
    slugs: &[String],
    id: &[u8],
    ties: &[u32],
) -> Option<Hashed> {
    let mut head = hasher.start(seed, id);
    let mut winner: Option<Hashed> = None;
    for &p in ties {
        let hash = head.digest(slugs[p as usize].as_bytes());
        if winner.is_none_or(|w| (hash, p) < w) {
            winner = Some((hash, p));
        }
    }
    winner
}

/// Ties at least this many are split with the [`Helper`]: below, handing half over
/// costs more than hashing it.
pub const SPLIT: usize = 12;

/// The second thread's side of a split: the replay's thread posts a task (a lead id and
/// half of its ties) and hashes its own half; the helper, waiting on `posted`, hashes
/// the task and stores its winner, then `finished`. Both sides spin briefly and then
/// yield while they wait, so an idle helper costs little beside a busy process.
#[derive(Default)]
pub struct Helper {
    posted: AtomicU64,
    finished: AtomicU64,
    /// Set by the replay's thread when it is done (or unwinding): the helper returns.
    stop: AtomicBool,
    /// Set by the helper as it returns (or unwinds): the replay's thread then hashes
    /// what it posted itself instead of waiting for ever.
    gone: AtomicBool,
    task: Mutex<Task>,
}

#[derive(Default)]
struct Task {
    id: Vec<u8>,
    ties: Vec<u32>,
    winner: Option<Hashed>,
}

/// Sets a flag when dropped, also while unwinding from a panic.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Release);
    }
}

/// Spin until `done` holds, yielding the core after a while.
fn wait(mut done: impl FnMut() -> bool) {
    let mut spins = 0u32;
    while !done() {
        if spins < 1 << 14 {
            spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

impl Helper {
    /// Run `f` with a helper thread serving it (hashing with `seed` and `slugs`).
    pub fn with<R>(seed: &str, slugs: &[String], f: impl FnOnce(&Helper) -> R) -> R {
        let helper = Helper::default();
        std::thread::scope(|s| {
            s.spawn(|| helper.serve(seed, slugs));
            let _stop = SetOnDrop(&helper.stop);
            f(&helper)
        })
    }

    /// The helper thread's loop.
    fn serve(&self, seed: &str, slugs: &[String]) {
        let _gone = SetOnDrop(&self.gone);
        let mut hasher = TieHasher::default();
        let mut seen = 0;
        loop {
            wait(|| self.posted.load(Acquire) != seen || self.stop.load(Acquire));
            if self.stop.load(Acquire) {
                return;
            }
            seen = self.posted.load(Acquire);
            let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
            let Task { id, ties, winner } = &mut *task;
            *winner = least(&mut hasher, seed, slugs, id, ties);
            drop(task);
            self.finished.store(seen, Release);
        }
    }

    /// How many tasks were posted.
    #[cfg(test)]
    pub fn splits(&self) -> u64 {
        self.posted.load(Acquire)
    }

    /// [`least`], half of `ties` hashed by the helper thread.
    pub fn least(
        &self,
        hasher: &mut TieHasher,
        seed: &str,
        slugs: &[String],
        id: &[u8],
        ties: &[u32],
    ) -> Option<Hashed> {
        let (mine, theirs) = ties.split_at(ties.len() / 2);
        {
            let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
            task.id.clear();
            task.id.extend_from_slice(id);
            task.ties.clear();
            task.ties.extend_from_slice(theirs);
        }
        let n = self.posted.fetch_add(1, Release) + 1;
        let own = least(hasher, seed, slugs, id, mine);
        wait(|| self.finished.load(Acquire) == n || self.gone.load(Acquire));
        let other = if self.finished.load(Acquire) == n {
            self.task
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .winner
        } else {
            least(hasher, seed, slugs, id, theirs)
        };
        match (own, other) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}
