//! The allocation algorithm of issue 13, pure: a [`Policy`] and the leads in, for each
//! lead the partner, method and relaxation out. No I/O, no clock, no hash-map order;
//! the README's "Lead allocation" section describes it in words.

// Partner and lead indices here are built by the caller from the same lists
// ([`Policy::partners`], the leads), each below its list's length by construction.
#![allow(clippy::indexing_slicing)]

use crate::config::Balance;
use crate::date::Date;
use rayon::slice::ParallelSliceMut;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::HashMap;
use ties::{Helper, TieHasher};

mod ties;

/// How a lead got its partner (the `allocation_method` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// The partner was set before `allocate` ran, by some other process.
    Existing,
    /// An editor set the partner by hand.
    Manual,
    /// The buyer chose the partner on the request form.
    Requested,
    /// The policy chose the partner.
    Rule,
    /// No eligible partner existed: the lead stays unassigned.
    None,
}

impl Method {
    /// Every method, in the order reports list them.
    pub const ALL: [Method; 5] = [
        Method::Existing,
        Method::Manual,
        Method::Requested,
        Method::Rule,
        Method::None,
    ];

    /// The value of the `allocation_method` column.
    pub fn id(self) -> &'static str {
        match self {
            Method::Existing => "existing",
            Method::Manual => "manual",
            Method::Requested => "requested",
            Method::Rule => "rule",
            Method::None => "none",
        }
    }

    /// The method named by a cell (exact, lower case).
    pub fn parse(s: &[u8]) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.id().as_bytes() == s)
    }
}

/// One constraint as the algorithm sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The partner serves the lead's region.
    Region,
    /// The lead's value (an index into the facet's vocabulary) is among the partner's.
    Facet,
}

/// A partner record as the algorithm sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub slug: String,
    /// Not a draft, and its tier receives leads.
    pub eligible: bool,
    /// Joined the program on this day (`None`: always a member).
    pub joined: Option<Date>,
    /// The tier's weight (1..=1000).
    pub weight: u32,
    /// Region indices served (`unspecified` never among them).
    pub regions: Vec<usize>,
    /// Per constraint (in `match` order): the partner's value indices for a facet
    /// constraint, sorted; empty for the region constraint.
    pub values: Vec<Vec<u32>>,
}

/// The policy, resolved against the partner records.
#[derive(Debug, Clone)]
pub struct Policy {
    pub seed: String,
    pub balance: Balance,
    /// The `match` constraints in order.
    pub checks: Vec<Check>,
    /// Number of regions, `unspecified` excluded: region index `nreg` is `unspecified`.
    pub nreg: usize,
    /// Sorted by slug.
    pub partners: Vec<Candidate>,
}

/// A lead as the algorithm sees it.
#[derive(Debug, Clone)]
pub struct Lead {
    pub received: Date,
    /// The id as read, trimmed.
    pub id: Box<[u8]>,
    /// Region index (`nreg` = unspecified).
    pub region: usize,
    /// Per constraint: the lead's value index (`None`: empty, or the region constraint).
    pub values: Box<[Option<u32>]>,
    /// The partner recorded in the export (index into `partners`), if it is a record.
    pub partner: Option<usize>,
    /// A partner is recorded (also when it is no record: `allow_unknown_partners`).
    pub has_partner: bool,
    /// The recorded `allocation_method`, if any.
    pub method: Option<Method>,
    /// The recorded `allocation_relaxed`, if any.
    pub relaxed: Option<u32>,
    /// The requested partner, when it names a record.
    pub requested: Option<usize>,
}

/// What the policy gives a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The partner's index in [`Policy::partners`] (`u32`: a million outcomes are kept).
    pub partner: Option<u32>,
    pub method: Method,
    /// Constraints dropped (only for [`Method::Rule`]).
    pub relaxed: Option<u32>,
}

/// A lead's outcome of a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The partner the lead ends with (the recorded one, or the policy's when filled),
    /// as in [`Choice::partner`].
    pub partner: Option<u32>,
    /// The lead's method after the replay (`None`: unassigned and not allocated).
    pub method: Option<Method>,
    pub relaxed: Option<u32>,
    /// What the policy gives, for leads that were unassigned or are recorded as `rule`,
    /// `requested` or `none`.
    pub policy: Option<Choice>,
}

/// The result of [`replay`].
#[derive(Debug, Clone)]
pub struct Replay {
    /// Lead indices in allocation order.
    pub order: Vec<usize>,
    /// Per lead, in input order.
    pub outcomes: Vec<Outcome>,
    /// Per partner: the expected number of `rule` leads under the policy (the sum of
    /// its weight over its candidates' total weight, over the `rule` leads it was a
    /// candidate for).
    pub expected: Vec<f64>,
}

/// Allocation order: by received date, then the id's bytes.
pub fn order(leads: &[Lead]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..leads.len()).collect();
    // A total order (the input position last), so the parallel unstable sort gives the
    // same order on any number of threads.
    order.par_sort_unstable_by(|&a, &b| {
        let (x, y) = (&leads[a], &leads[b]);
        x.received
            .cmp(&y.received)
            .then_with(|| x.id.cmp(&y.id))
            .then(a.cmp(&b))
    });
    order
}

/// Replay the policy over the leads. With `fill`, a lead without a partner gets the
/// policy's (what `allocate` writes); without it, every lead keeps what the export
/// records (what `verify` checks against). Counts are of each partner's balanced leads
/// before the current one: the leads it ends with, except `requested` ones.
pub fn replay(policy: &Policy, leads: &[Lead], fill: bool) -> Replay {
    let helped = leads.len() >= HELPED_LEADS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    replay_with(policy, leads, fill, helped)
}

/// From this many leads, [`replay`] hashes long ties on two threads when it can.
const HELPED_LEADS: usize = 10_000;

/// [`replay`], with or without a [`Helper`] thread (the outcomes are the same).
fn replay_with(policy: &Policy, leads: &[Lead], fill: bool, helped: bool) -> Replay {
    let order = order(leads);
    if !helped {
        return run(policy, leads, fill, order, None);
    }
    let slugs: Vec<String> = policy.partners.iter().map(|c| c.slug.clone()).collect();
    Helper::with(&policy.seed, &slugs, |h| {
        run(policy, leads, fill, order, Some(h))
    })
}

/// The replay's loop over the leads in `order`.
fn run(
    policy: &Policy,
    leads: &[Lead],
    fill: bool,
    order: Vec<usize>,
    helper: Option<&Helper>,
) -> Replay {
    let np = policy.partners.len();
    let queues = match policy.balance {
        Balance::Overall => 1,
        Balance::PerRegion => policy.nreg + 1,
    };
    let mut counts = vec![0u64; np * queues];
    let mut outcomes = vec![
        Outcome {
            partner: None,
            method: None,
            relaxed: None,
            policy: None,
        };
        leads.len()
    ];
    let mut cache = Cache::new(policy, helper);
    for (k, &i) in order.iter().enumerate() {
        if k % WARM == 0 {
            warm(leads, order.get(k..).unwrap_or_default());
        }
        let lead = &leads[i];
        let queue = match policy.balance {
            Balance::Overall => 0,
            Balance::PerRegion => lead.region.min(policy.nreg),
        };
        let counts_here = &counts[queue * np..(queue + 1) * np];
        let recorded = recorded(lead);
        let asks = !lead.has_partner
            || matches!(
                recorded,
                Some(Method::Rule | Method::Requested | Method::None)
            );
        let choice = asks.then(|| choose(policy, lead, counts_here, &mut cache));
        let out = match choice {
            Some(c) if fill && !lead.has_partner => Outcome {
                partner: c.partner,
                method: Some(c.method),
                relaxed: c.relaxed,
                policy: choice,
            },
            _ => Outcome {
                partner: lead.partner.map(index),
                method: recorded,
                relaxed: lead.relaxed.filter(|_| recorded == Some(Method::Rule)),
                policy: choice,
            },
        };
        if out.method == Some(Method::Rule) && choice.is_some_and(|c| c.method == Method::Rule) {
            cache.count_expected();
        }
        if let Some(p) = out.partner
            && out.method != Some(Method::Requested)
        {
            counts[queue * np + p as usize] += 1;
        }
        outcomes[i] = out;
    }
    cache.flush(policy);
    Replay {
        order,
        outcomes,
        expected: cache.expected,
    }
}

/// Leads read ahead by [`warm`] at a time.
const WARM: usize = 2048;

/// Read the next [`WARM`] leads of `order` (each lead, its id and its values) so
/// that they are in cache when the replay reaches them. The leads lie in input order
/// and are taken in date order: read one by one, every lead waits for memory, while
/// these reads do not depend on each other and the processor overlaps them.
fn warm(leads: &[Lead], order: &[usize]) {
    let mut sum = 0usize;
    for &i in order.iter().take(WARM) {
        let lead = &leads[i];
        let id = lead.id.first().copied().unwrap_or_default();
        let value = lead.values.first().copied().flatten().unwrap_or_default();
        sum = sum.wrapping_add(usize::from(id) + value as usize + lead.region);
    }
    std::hint::black_box(sum);
}

/// A partner index as outcomes keep it (there are fewer than 2^32 partners).
pub fn index(p: usize) -> u32 {
    u32::try_from(p).unwrap_or(u32::MAX)
}

/// The lead's method as recorded: its column, else `existing` when a partner is set.
fn recorded(lead: &Lead) -> Option<Method> {
    lead.method.or(lead.has_partner.then_some(Method::Existing))
}

/// True when the partner may receive the lead: eligible and a member on its date.
fn eligible(c: &Candidate, on: Date) -> bool {
    c.eligible && c.joined.is_none_or(|j| j <= on)
}

/// How many of the constraints, from the first, the partner satisfies.
fn prefix(policy: &Policy, c: &Candidate, lead: &Lead) -> usize {
    let ok = |k: usize, check: &Check| match check {
        Check::Region => lead.region >= policy.nreg || c.regions.contains(&lead.region),
        Check::Facet => match lead.values.get(k).copied().flatten() {
            None => true,
            Some(v) => c
                .values
                .get(k)
                .is_some_and(|vs| vs.binary_search(&v).is_ok()),
        },
    };
    policy
        .checks
        .iter()
        .enumerate()
        .take_while(|(k, check)| ok(*k, check))
        .count()
}

/// The candidates of a lead into `out` (partner indices, ascending), and how many
/// constraints were dropped; `None` when no partner is eligible.
fn candidates(policy: &Policy, lead: &Lead, out: &mut Vec<u32>) -> Option<u32> {
    out.clear();
    let mut best = 0;
    for (p, c) in policy.partners.iter().enumerate() {
        if !eligible(c, lead.received) {
            continue;
        }
        let p = u32::try_from(p).unwrap_or(u32::MAX);
        let n = prefix(policy, c, lead);
        if out.is_empty() || n > best {
            out.clear();
            best = n;
            out.push(p);
        } else if n == best {
            out.push(p);
        }
    }
    (!out.is_empty()).then(|| u32::try_from(policy.checks.len() - best).unwrap_or(u32::MAX))
}

/// Candidate lists by what decides them: the lead's region and constraint values, for
/// one set of members. Leads come in date order and the members change only on a
/// `joined` date, so the lists are kept until the lead's date passes the next one; a
/// lead then costs a lookup instead of a pass over every partner.
struct Cache<'h> {
    /// The distinct `joined` dates, ascending.
    joined: Vec<Date>,
    /// How many of them are on or before the date of the lists held.
    epoch: usize,
    key: Vec<u32>,
    index: HashMap<Vec<u32>, usize>,
    lists: Vec<List>,
    /// The list of the last lookup.
    last: usize,
    /// The tie-break's message buffer.
    hasher: TieHasher,
    /// Per partner: expected `rule` leads of the lists dropped so far.
    expected: Vec<f64>,
    /// Per partner, densely for the inner loop: its weight and slug.
    weights: Vec<u64>,
    slugs: Vec<String>,
    seed: String,
    /// The thread hashing half of long ties, if any.
    helper: Option<&'h Helper>,
}

/// The candidates of one kind of lead.
#[derive(Default)]
struct List {
    /// Partner indices, ascending.
    partners: Vec<u32>,
    /// Constraints dropped; `None` when no partner is eligible.
    relaxed: Option<u32>,
    /// `rule` leads that had these candidates and are not yet in `expected`.
    rule_leads: u64,
    /// The partners at the smallest `(count + 1) / weight` when [`pick`] last scanned
    /// the list, and that ratio as `(count + 1, weight)`.
    ties: Vec<u32>,
    least: (u64, u64),
}

/// More distinct kinds of lead than this between two `joined` dates start the cache
/// afresh.
const CACHE_LISTS: usize = 4096;

impl<'h> Cache<'h> {
    fn new(policy: &Policy, helper: Option<&'h Helper>) -> Cache<'h> {
        let mut joined: Vec<Date> = policy.partners.iter().filter_map(|c| c.joined).collect();
        joined.sort_unstable();
        joined.dedup();
        Cache {
            joined,
            epoch: 0,
            key: Vec::new(),
            index: HashMap::new(),
            lists: Vec::new(),
            last: 0,
            hasher: TieHasher::default(),
            expected: vec![0.0; policy.partners.len()],
            weights: policy
                .partners
                .iter()
                .map(|c| u64::from(c.weight))
                .collect(),
            slugs: policy.partners.iter().map(|c| c.slug.clone()).collect(),
            seed: policy.seed.clone(),
            helper,
        }
    }

    /// The lead's candidates, as [`candidates`] finds them.
    fn candidates(&mut self, policy: &Policy, lead: &Lead) -> &List {
        let epoch = self.joined.partition_point(|&j| j <= lead.received);
        if epoch != self.epoch || self.lists.len() >= CACHE_LISTS {
            self.epoch = epoch;
            self.flush(policy);
            self.index.clear();
        }
        self.key.clear();
        self.key
            .push(u32::try_from(lead.region).unwrap_or(u32::MAX));
        for (k, check) in policy.checks.iter().enumerate() {
            if *check == Check::Facet {
                let v = lead.values.get(k).copied().flatten();
                self.key.push(v.map_or(0, |v| v.saturating_add(1)));
            }
        }
        self.last = match self.index.get(self.key.as_slice()) {
            Some(&at) => at,
            None => {
                let mut partners = Vec::new();
                let relaxed = candidates(policy, lead, &mut partners);
                self.lists.push(List {
                    partners,
                    relaxed,
                    ..List::default()
                });
                self.index.insert(self.key.clone(), self.lists.len() - 1);
                self.lists.len() - 1
            }
        };
        &self.lists[self.last]
    }

    /// Count a `rule` lead of the last lookup's list towards the expected leads of its
    /// candidates (added when the list is dropped: every lead of a list gives the same
    /// shares).
    fn count_expected(&mut self) {
        if let Some(list) = self.lists.get_mut(self.last) {
            list.rule_leads += 1;
        }
    }

    /// Drop every list, adding its counted leads to `expected`.
    fn flush(&mut self, policy: &Policy) {
        for list in self.lists.drain(..) {
            add_expected(policy, &list, &mut self.expected);
        }
    }
}

/// What the policy gives the lead, given the counts of its queue.
fn choose(policy: &Policy, lead: &Lead, counts: &[u64], cache: &mut Cache<'_>) -> Choice {
    if let Some(r) = lead.requested
        && policy
            .partners
            .get(r)
            .is_some_and(|c| eligible(c, lead.received))
    {
        return Choice {
            partner: Some(index(r)),
            method: Method::Requested,
            relaxed: None,
        };
    }
    let relaxed = cache.candidates(policy, lead).relaxed;
    let mut list = std::mem::take(&mut cache.lists[cache.last]);
    let picked = relaxed.and_then(|_| pick(lead, counts, &mut list, cache));
    cache.lists[cache.last] = list;
    match (picked, relaxed) {
        (Some(p), Some(relaxed)) => Choice {
            partner: Some(index(p)),
            method: Method::Rule,
            relaxed: Some(relaxed),
        },
        _ => Choice {
            partner: None,
            method: Method::None,
            relaxed: None,
        },
    }
}

/// The candidate with the smallest `(count + 1) / weight`; among equals, the smallest
/// [`tie_hash`] (only the final equals are hashed).
///
/// The list keeps its last scan's equals: counts only grow during a replay and the
/// list's partners and queue are fixed, so its smallest ratio never falls, and those
/// of the kept equals still at that ratio are exactly the equals now. A full scan
/// happens only when none is left.
fn pick(lead: &Lead, counts: &[u64], list: &mut List, cache: &mut Cache<'_>) -> Option<usize> {
    let weights = &cache.weights;
    let (num, den) = list.least;
    list.ties
        .retain(|&p| (counts[p as usize] + 1) * den == num * weights[p as usize]);
    if list.ties.is_empty() {
        list.least = scan(weights, counts, &list.partners, &mut list.ties)?;
    }
    if let [only] = list.ties[..] {
        return Some(only as usize);
    }
    let (hasher, seed, slugs) = (&mut cache.hasher, &cache.seed, &cache.slugs);
    let winner = match cache.helper {
        Some(h) if list.ties.len() >= ties::SPLIT => {
            h.least(hasher, seed, slugs, &lead.id, &list.ties)
        }
        _ => ties::least(hasher, seed, slugs, &lead.id, &list.ties),
    };
    winner.map(|(_, p)| p as usize)
}

/// Every partner of `list` at the smallest `(count + 1) / weight` into `ties`, and
/// that ratio as `(count + 1, weight)`; `None` for an empty list.
fn scan(weights: &[u64], counts: &[u64], list: &[u32], ties: &mut Vec<u32>) -> Option<(u64, u64)> {
    let (&first, rest) = list.split_first()?;
    ties.clear();
    ties.push(first);
    let mut best = first as usize;
    for &p in rest {
        match compare(weights, counts, p as usize, best) {
            Ordering::Less => {
                best = p as usize;
                ties.clear();
                ties.push(p);
            }
            Ordering::Equal => ties.push(p),
            Ordering::Greater => {}
        }
    }
    Some((counts[best] + 1, weights[best]))
}

/// `(count_a + 1) / weight_a` against `(count_b + 1) / weight_b`, exactly: weights are
/// at most 1000 and counts below the number of leads (an export is under 2^31 bytes),
/// so the products stay far below 2^64.
fn compare(weights: &[u64], counts: &[u64], a: usize, b: usize) -> Ordering {
    ((counts[a] + 1) * weights[b]).cmp(&((counts[b] + 1) * weights[a]))
}

/// SHA-256 of `seed + "\n" + id + "\n" + slug`: its bytes order as its hex does.
pub fn tie_hash(policy: &Policy, lead: &Lead, p: usize) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(policy.seed.as_bytes());
    h.update(b"\n");
    h.update(&lead.id);
    h.update(b"\n");
    h.update(policy.partners[p].slug.as_bytes());
    h.finalize().into()
}

/// Add each candidate's share of one `rule` lead to `expected` (per lead, for a
/// report over part of the replayed leads; `replay` sums per candidate list).
pub fn add_lead_expected(
    policy: &Policy,
    lead: &Lead,
    scratch: &mut Vec<u32>,
    expected: &mut [f64],
) {
    if candidates(policy, lead, scratch).is_none() {
        return;
    }
    let list = List {
        partners: std::mem::take(scratch),
        relaxed: Some(0),
        rule_leads: 1,
        ..List::default()
    };
    add_expected(policy, &list, expected);
    *scratch = list.partners;
}

/// Add the shares of a list's `rule` leads to `expected`: each lead gives each
/// candidate its weight over the candidates' total weight.
fn add_expected(policy: &Policy, list: &List, expected: &mut [f64]) {
    if list.rule_leads == 0 {
        return;
    }
    let total: u64 = list
        .partners
        .iter()
        .map(|&p| u64::from(policy.partners[p as usize].weight))
        .sum();
    for &p in &list.partners {
        let p = p as usize;
        let w = f64::from(policy.partners[p].weight);
        expected[p] += list.rule_leads as f64 * w / total as f64;
    }
}

/// The lowercase hex of bytes ([`crate::sha::hex`]).
pub use crate::sha::hex;

#[cfg(test)]
mod tests;
