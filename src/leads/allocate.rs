//! The allocation algorithm of issue 13, pure: a [`Policy`] and the leads in, for each
//! lead the partner, method and relaxation out. No I/O, no clock, no hash-map order;
//! the README's "Lead allocation" section describes it in words.

// Partner and lead indices here are built by the caller from the same lists
// ([`Policy::partners`], the leads), each below its list's length by construction.
#![allow(clippy::indexing_slicing)]

use crate::config::Balance;
use crate::date::Date;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

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
    pub id: Vec<u8>,
    /// Region index (`nreg` = unspecified).
    pub region: usize,
    /// Per constraint: the lead's value index (`None`: empty, or the region constraint).
    pub values: Vec<Option<u32>>,
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
    pub partner: Option<usize>,
    pub method: Method,
    /// Constraints dropped (only for [`Method::Rule`]).
    pub relaxed: Option<u32>,
}

/// A lead's outcome of a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The partner the lead ends with (the recorded one, or the policy's when filled).
    pub partner: Option<usize>,
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
    order.sort_by(|&a, &b| {
        let (a, b) = (&leads[a], &leads[b]);
        a.received.cmp(&b.received).then_with(|| a.id.cmp(&b.id))
    });
    order
}

/// Replay the policy over the leads. With `fill`, a lead without a partner gets the
/// policy's (what `allocate` writes); without it, every lead keeps what the export
/// records (what `verify` checks against). Counts are of each partner's balanced leads
/// before the current one: the leads it ends with, except `requested` ones.
pub fn replay(policy: &Policy, leads: &[Lead], fill: bool) -> Replay {
    let order = order(leads);
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
    let mut expected = vec![0f64; np];
    let mut scratch = Vec::with_capacity(np);
    for &i in &order {
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
        let choice = asks.then(|| choose(policy, lead, counts_here, &mut scratch));
        let out = match choice {
            Some(c) if fill && !lead.has_partner => Outcome {
                partner: c.partner,
                method: Some(c.method),
                relaxed: c.relaxed,
                policy: choice,
            },
            _ => Outcome {
                partner: lead.partner,
                method: recorded,
                relaxed: lead.relaxed.filter(|_| recorded == Some(Method::Rule)),
                policy: choice,
            },
        };
        if out.method == Some(Method::Rule) && choice.is_some_and(|c| c.method == Method::Rule) {
            add_expected(policy, lead, &mut scratch, &mut expected);
        }
        if let Some(p) = out.partner
            && out.method != Some(Method::Requested)
        {
            counts[queue * np + p] += 1;
        }
        outcomes[i] = out;
    }
    Replay {
        order,
        outcomes,
        expected,
    }
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
fn candidates(policy: &Policy, lead: &Lead, out: &mut Vec<usize>) -> Option<u32> {
    out.clear();
    let mut best = 0;
    for (p, c) in policy.partners.iter().enumerate() {
        if !eligible(c, lead.received) {
            continue;
        }
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

/// What the policy gives the lead, given the counts of its queue.
fn choose(policy: &Policy, lead: &Lead, counts: &[u64], scratch: &mut Vec<usize>) -> Choice {
    if let Some(r) = lead.requested
        && policy
            .partners
            .get(r)
            .is_some_and(|c| eligible(c, lead.received))
    {
        return Choice {
            partner: Some(r),
            method: Method::Requested,
            relaxed: None,
        };
    }
    let Some(relaxed) = candidates(policy, lead, scratch) else {
        return Choice {
            partner: None,
            method: Method::None,
            relaxed: None,
        };
    };
    let mut best = scratch[0];
    let mut best_hash: Option<[u8; 32]> = None;
    for &p in &scratch[1..] {
        match compare(policy, counts, p, best) {
            Ordering::Less => {
                best = p;
                best_hash = None;
            }
            Ordering::Greater => {}
            Ordering::Equal => {
                let theirs = *best_hash.get_or_insert_with(|| tie_hash(policy, lead, best));
                let mine = tie_hash(policy, lead, p);
                if mine < theirs {
                    best = p;
                    best_hash = Some(mine);
                }
            }
        }
    }
    Choice {
        partner: Some(best),
        method: Method::Rule,
        relaxed: Some(relaxed),
    }
}

/// `(count_a + 1) / weight_a` against `(count_b + 1) / weight_b`, exactly.
fn compare(policy: &Policy, counts: &[u64], a: usize, b: usize) -> Ordering {
    let (wa, wb) = (
        u128::from(policy.partners[a].weight),
        u128::from(policy.partners[b].weight),
    );
    let (ca, cb) = (u128::from(counts[a]) + 1, u128::from(counts[b]) + 1);
    (ca * wb).cmp(&(cb * wa))
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

/// Add each candidate's share of a `rule` lead to `expected`.
pub fn add_expected(policy: &Policy, lead: &Lead, scratch: &mut Vec<usize>, expected: &mut [f64]) {
    if candidates(policy, lead, scratch).is_none() {
        return;
    }
    let total: u64 = scratch
        .iter()
        .map(|&p| u64::from(policy.partners[p].weight))
        .sum();
    for &p in scratch.iter() {
        expected[p] += f64::from(policy.partners[p].weight) / total as f64;
    }
}

/// The lowercase hex of bytes ([`crate::sha::hex`]).
pub use crate::sha::hex;

#[cfg(test)]
mod tests;
