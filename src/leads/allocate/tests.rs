//! Unit tests of the allocation algorithm: one per rule of issue 13.

use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn partner(slug: &str, weight: u32, regions: &[usize], services: &[u32]) -> Candidate {
    let mut services = services.to_vec();
    services.sort_unstable();
    Candidate {
        slug: slug.into(),
        eligible: true,
        joined: None,
        weight,
        regions: regions.to_vec(),
        values: vec![Vec::new(), services],
    }
}

/// Regions 0 and 1 (2 = unspecified); constraints region, then service.
fn policy(partners: Vec<Candidate>) -> Policy {
    Policy {
        seed: "test-seed".into(),
        balance: Balance::Overall,
        checks: vec![Check::Region, Check::Facet],
        nreg: 2,
        partners,
    }
}

fn lead(id: &str, received: &str, region: usize, service: Option<u32>) -> Lead {
    Lead {
        received: d(received),
        id: id.as_bytes().into(),
        region,
        values: vec![None, service].into(),
        partner: None,
        has_partner: false,
        method: None,
        relaxed: None,
        requested: None,
    }
}

fn weights(p: &Policy) -> Vec<u64> {
    p.partners.iter().map(|c| u64::from(c.weight)).collect()
}

fn slugs(p: &Policy, r: &Replay) -> Vec<String> {
    r.outcomes
        .iter()
        .map(|o| {
            o.partner
                .map_or("-".into(), |i| p.partners[i as usize].slug.clone())
        })
        .collect()
}

#[test]
fn ties_go_to_the_smallest_sha256_hex_of_seed_id_and_slug() {
    let p = policy(vec![
        partner("alpha", 1, &[0], &[]),
        partner("beta", 1, &[0], &[]),
    ]);
    let l = lead("L-1", "2026-01-01", 0, None);
    let r = replay(&p, std::slice::from_ref(&l), true);
    let hex_of = |slug: &str| hex(&Sha256::digest(format!("test-seed\nL-1\n{slug}")));
    let want = if hex_of("alpha") < hex_of("beta") {
        0
    } else {
        1
    };
    assert_eq!(r.outcomes[0].partner, Some(want));
    assert_eq!(r.outcomes[0].method, Some(Method::Rule));
    assert_eq!(r.outcomes[0].relaxed, Some(0));
    assert_eq!(
        tie_hash(&p, &l, 0).to_vec(),
        Sha256::digest("test-seed\nL-1\nalpha").to_vec()
    );
}

#[test]
fn weights_give_shares_in_proportion() {
    let p = policy(vec![
        partner("heavy", 2, &[0], &[]),
        partner("light", 1, &[0], &[]),
    ]);
    let leads: Vec<Lead> = (0..30)
        .map(|i| lead(&format!("L-{i:02}"), "2026-01-01", 0, None))
        .collect();
    let r = replay(&p, &leads, true);
    let heavy = r.outcomes.iter().filter(|o| o.partner == Some(0)).count();
    assert_eq!(heavy, 20);
    // After every lead, the counts stay within one lead of the 2:1 share.
    let mut c = [0i64; 2];
    for &i in &r.order {
        c[r.outcomes[i].partner.unwrap() as usize] += 1;
        assert!((c[0] - 2 * c[1]).abs() <= 2, "{c:?}");
    }
    // Expected rule leads: 2/3 and 1/3 of each lead.
    assert!((r.expected[0] - 20.0).abs() < 1e-9 && (r.expected[1] - 10.0).abs() < 1e-9);
}

#[test]
fn fractions_are_compared_exactly_not_as_floats() {
    let p = policy(vec![partner("a", 1, &[0], &[]), partner("b", 1, &[0], &[])]);
    // 2^53 + 1 and 2^53 are the same f64; as integers a's fraction is larger.
    let counts = [1u64 << 53, (1u64 << 53) - 1];
    assert_eq!(((counts[0] + 1) as f64), ((counts[1] + 1) as f64));
    assert_eq!(compare(&weights(&p), &counts, 0, 1), Ordering::Greater);
    let weighted = policy(vec![partner("a", 3, &[0], &[]), partner("b", 1, &[0], &[])]);
    // 3/3 against 1/1: equal, a tie.
    assert_eq!(compare(&weights(&weighted), &[2, 0], 0, 1), Ordering::Equal);
    assert_eq!(
        compare(&weights(&weighted), &[3, 0], 0, 1),
        Ordering::Greater
    );
}

#[test]
fn constraints_are_relaxed_from_the_last() {
    let p = policy(vec![
        partner("serves-region", 1, &[0], &[7]),
        partner("has-service", 1, &[1], &[5]),
    ]);
    // Region 0 and service 5: nobody has both; the service is dropped first.
    let r = replay(&p, &[lead("L-1", "2026-01-01", 0, Some(5))], true);
    assert_eq!(r.outcomes[0].partner, Some(0));
    assert_eq!(r.outcomes[0].relaxed, Some(1));
    // Both satisfied: relaxed 0.
    let r = replay(&p, &[lead("L-1", "2026-01-01", 1, Some(5))], true);
    assert_eq!(
        (r.outcomes[0].partner, r.outcomes[0].relaxed),
        (Some(1), Some(0))
    );
    // Nobody serves the region (a partner without it): both dropped, any eligible one.
    let q = policy(vec![partner("x", 1, &[], &[5]), partner("y", 1, &[], &[])]);
    let r = replay(&q, &[lead("L-1", "2026-01-01", 0, Some(5))], true);
    assert_eq!(r.outcomes[0].relaxed, Some(2));
    // An empty value and region `unspecified` are satisfied by everyone.
    let r = replay(&p, &[lead("L-1", "2026-01-01", 2, None)], true);
    assert_eq!(r.outcomes[0].relaxed, Some(0));
}

#[test]
fn per_region_balance_keeps_one_queue_per_region_and_unspecified() {
    let partners = vec![partner("a", 1, &[0, 1], &[]), partner("b", 1, &[0, 1], &[])];
    let leads: Vec<Lead> = [0, 0, 1, 1, 2, 2, 0, 1]
        .iter()
        .enumerate()
        .map(|(i, &r)| lead(&format!("L-{i}"), "2026-01-01", r, None))
        .collect();
    let mut p = policy(partners);
    p.balance = Balance::PerRegion;
    let r = replay(&p, &leads, true);
    for region in 0..3 {
        let got: Vec<usize> = r
            .order
            .iter()
            .filter(|&&i| leads[i].region == region)
            .map(|&i| r.outcomes[i].partner.unwrap() as usize)
            .collect();
        // Each region's first two leads go one to each partner.
        assert_ne!(got[0], got[1], "region {region}: {got:?}");
    }
    // Overall, the same leads give a different sequence somewhere (regions share one queue).
    p.balance = Balance::Overall;
    let overall = replay(&p, &leads, true);
    let mut c = [0usize; 2];
    for o in &overall.outcomes {
        c[o.partner.unwrap() as usize] += 1;
    }
    assert_eq!(c, [4, 4]);
}

#[test]
fn partners_receive_leads_from_the_day_they_joined() {
    let mut late = partner("late", 1, &[0], &[]);
    late.joined = Some(d("2026-03-01"));
    let p = policy(vec![late, partner("old", 1000, &[], &[])]);
    let leads = [
        lead("L-1", "2026-02-28", 0, None),
        lead("L-2", "2026-03-01", 0, None),
    ];
    let r = replay(&p, &leads, true);
    // Before joining, only `old` is eligible; it serves no region, so both constraints
    // are dropped (the region one last).
    assert_eq!(
        (r.outcomes[0].partner, r.outcomes[0].relaxed),
        (Some(1), Some(2))
    );
    assert_eq!(
        (r.outcomes[1].partner, r.outcomes[1].relaxed),
        (Some(0), Some(0))
    );
}

#[test]
fn no_eligible_partner_leaves_the_lead_unassigned() {
    let mut draft = partner("draft", 1, &[0], &[]);
    draft.eligible = false;
    let p = policy(vec![draft]);
    let r = replay(&p, &[lead("L-1", "2026-01-01", 0, None)], true);
    assert_eq!(r.outcomes[0].partner, None);
    assert_eq!(r.outcomes[0].method, Some(Method::None));
    assert_eq!(r.outcomes[0].relaxed, None);
}

#[test]
fn a_requested_eligible_partner_gets_the_lead_without_counting() {
    let mut ineligible = partner("community", 1, &[0], &[]);
    ineligible.eligible = false;
    let p = policy(vec![
        partner("a", 1, &[0], &[]),
        partner("b", 1, &[0], &[]),
        ineligible,
    ]);
    let mut leads: Vec<Lead> = (0..4)
        .map(|i| lead(&format!("L-{i}"), "2026-01-01", 0, Some(3)))
        .collect();
    leads[0].requested = Some(0);
    leads[1].requested = Some(0);
    // An ineligible requested partner: allocated by rule.
    leads[2].requested = Some(2);
    let r = replay(&p, &leads, true);
    assert_eq!(r.outcomes[0].method, Some(Method::Requested));
    assert_eq!(r.outcomes[0].partner, Some(0));
    assert_eq!(r.outcomes[0].relaxed, None);
    assert_eq!(r.outcomes[1].partner, Some(0));
    assert_eq!(r.outcomes[2].method, Some(Method::Rule));
    // The requested leads did not count: the two rule leads go one to each.
    assert_ne!(r.outcomes[2].partner, r.outcomes[3].partner);
}

#[test]
fn recorded_partners_are_kept_and_count_unless_requested() {
    let p = policy(vec![partner("a", 1, &[0], &[]), partner("b", 1, &[0], &[])]);
    let mut leads: Vec<Lead> = (0..4)
        .map(|i| lead(&format!("L-{i}"), "2026-01-01", 0, None))
        .collect();
    // L-0 existing (no method column) and L-1 manual: both a's, both count.
    leads[0].partner = Some(0);
    leads[0].has_partner = true;
    leads[1].partner = Some(0);
    leads[1].has_partner = true;
    leads[1].method = Some(Method::Manual);
    // A set partner wins over a requested one.
    leads[1].requested = Some(1);
    let r = replay(&p, &leads, true);
    assert_eq!(r.outcomes[0].method, Some(Method::Existing));
    assert_eq!(r.outcomes[1].method, Some(Method::Manual));
    assert_eq!(r.outcomes[1].partner, Some(0));
    assert_eq!(r.outcomes[0].policy, None);
    // a has 2: the next two go to b.
    assert_eq!(slugs(&p, &r)[2..], ["b", "b"]);
    // Recorded as `requested`: it does not count, so the next two are split.
    leads[0].method = Some(Method::Requested);
    leads[1].method = Some(Method::Requested);
    let r = replay(&p, &leads, true);
    assert_ne!(r.outcomes[2].partner, r.outcomes[3].partner);
}

#[test]
fn leads_are_taken_by_received_date_then_id_bytes() {
    let leads = [
        lead("L-b", "2026-01-02", 0, None),
        lead("L-c", "2026-01-01", 0, None),
        lead("L-a", "2026-01-02", 0, None),
        lead("L-B", "2026-01-02", 0, None),
    ];
    assert_eq!(order(&leads), [1, 3, 2, 0]);
}

#[test]
fn verify_replays_with_the_recorded_partners_so_one_edit_does_not_cascade() {
    let p = policy(vec![partner("a", 1, &[0], &[]), partner("b", 1, &[0], &[])]);
    let leads: Vec<Lead> = (0..6)
        .map(|i| lead(&format!("L-{i}"), "2026-01-01", 0, None))
        .collect();
    let filled = replay(&p, &leads, true);
    let mut recorded: Vec<Lead> = leads
        .iter()
        .zip(&filled.outcomes)
        .map(|(l, o)| Lead {
            partner: o.partner.map(|x| x as usize),
            has_partner: true,
            method: o.method,
            relaxed: o.relaxed,
            ..l.clone()
        })
        .collect();
    // Differences in allocation order.
    let differ = |r: &Replay| -> Vec<usize> {
        r.order
            .iter()
            .copied()
            .filter(|&i| r.outcomes[i].policy.unwrap().partner != r.outcomes[i].partner)
            .collect()
    };
    assert!(differ(&replay(&p, &recorded, false)).is_empty());
    // The last lead edited: only it differs.
    let last = filled.order[5];
    recorded[last].partner = Some(1 - recorded[last].partner.unwrap());
    assert_eq!(differ(&replay(&p, &recorded, false)), [last]);
    recorded[last].partner = filled.outcomes[last].partner.map(|x| x as usize);
    // An earlier one: it is the first difference; the leads before it are untouched
    // (later ones may differ, as the edit changed the counts they are balanced on).
    let edited = filled.order[2];
    recorded[edited].partner = Some(1 - recorded[edited].partner.unwrap());
    assert_eq!(differ(&replay(&p, &recorded, false)).first(), Some(&edited));
}

#[test]
fn another_seed_changes_only_tie_breaks() {
    let p = policy(vec![
        partner("a", 2, &[0, 1], &[1, 2]),
        partner("b", 1, &[0], &[1]),
        partner("c", 1, &[1], &[2, 3]),
        partner("d", 3, &[0, 1], &[3]),
    ]);
    let leads: Vec<Lead> = (0..200)
        .map(|i| {
            let day = format!("2026-01-{:02}", 1 + i % 28);
            lead(&format!("L-{i:03}"), &day, i % 3, Some((i % 4) as u32))
        })
        .collect();
    let a = replay(&p, &leads, true);
    let recorded: Vec<Lead> = leads
        .iter()
        .zip(&a.outcomes)
        .map(|(l, o)| Lead {
            partner: o.partner.map(|x| x as usize),
            has_partner: true,
            method: o.method,
            relaxed: o.relaxed,
            ..l.clone()
        })
        .collect();
    let mut q = p.clone();
    q.seed = "another-seed".into();
    let b = replay(&q, &recorded, false);
    let mut counts = vec![0u64; 4];
    let mut changed = 0;
    for &i in &a.order {
        let (mine, theirs) = (a.outcomes[i], b.outcomes[i].policy.unwrap());
        assert_eq!(mine.relaxed, theirs.relaxed);
        let (x, y) = (
            mine.partner.unwrap() as usize,
            theirs.partner.unwrap() as usize,
        );
        if x != y {
            changed += 1;
            assert_eq!(
                compare(&weights(&p), &counts, x, y),
                Ordering::Equal,
                "lead {i}"
            );
        }
        counts[x] += 1;
    }
    assert!(changed > 0, "the seeds should break some tie differently");
    // Same seed, same result.
    assert_eq!(replay(&p, &leads, true).outcomes, a.outcomes);
}

#[test]
fn methods_round_trip() {
    for m in Method::ALL {
        assert_eq!(Method::parse(m.id().as_bytes()), Some(m));
    }
    assert_eq!(Method::parse(b"Rule"), None);
}

#[test]
fn the_readme_worked_example() {
    let mut p = policy(vec![
        partner("eduvantage", 2, &[0], &[1]),
        partner("ipe-digital", 1, &[0], &[1]),
    ]);
    p.seed = "openedx-2026".into();
    let leads: Vec<Lead> = (1..=4)
        .map(|i| lead(&format!("L-{i}"), "2026-03-02", 0, Some(1)))
        .collect();
    let r = replay(&p, &leads, true);
    assert_eq!(
        slugs(&p, &r),
        ["eduvantage", "ipe-digital", "eduvantage", "eduvantage"]
    );
    assert_eq!(&hex(&tie_hash(&p, &leads[1], 0))[..8], "f35e6eb4");
    assert_eq!(&hex(&tie_hash(&p, &leads[1], 1))[..8], "41474480");
}

/// The algorithm as issue 13 words it, one lead at a time with a pass over every
/// partner: what the cached, windowed [`replay`] must agree with.
fn reference(policy: &Policy, leads: &[Lead], fill: bool) -> Vec<Outcome> {
    let np = policy.partners.len();
    let weights = weights(policy);
    let mut counts = vec![0u64; np * (policy.nreg + 1)];
    let mut outcomes = vec![None; leads.len()];
    let mut scratch = Vec::new();
    for i in order(leads) {
        let lead = &leads[i];
        let queue = match policy.balance {
            Balance::Overall => 0,
            Balance::PerRegion => lead.region,
        };
        let counts_here = &counts[queue * np..(queue + 1) * np];
        let recorded = recorded(lead);
        let asks = !lead.has_partner
            || matches!(
                recorded,
                Some(Method::Rule | Method::Requested | Method::None)
            );
        let choice = asks.then(|| {
            if let Some(r) = lead.requested
                && eligible(&policy.partners[r], lead.received)
            {
                return Choice {
                    partner: Some(index(r)),
                    method: Method::Requested,
                    relaxed: None,
                };
            }
            let Some(relaxed) = candidates(policy, lead, &mut scratch) else {
                return Choice {
                    partner: None,
                    method: Method::None,
                    relaxed: None,
                };
            };
            let best = scratch
                .iter()
                .map(|&p| p as usize)
                .min_by(|&a, &b| {
                    compare(&weights, counts_here, a, b)
                        .then_with(|| tie_hash(policy, lead, a).cmp(&tie_hash(policy, lead, b)))
                })
                .unwrap();
            Choice {
                partner: Some(index(best)),
                method: Method::Rule,
                relaxed: Some(relaxed),
            }
        });
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
        if let Some(p) = out.partner
            && out.method != Some(Method::Requested)
        {
            counts[queue * np + p as usize] += 1;
        }
        outcomes[i] = Some(out);
    }
    outcomes.into_iter().map(Option::unwrap).collect()
}

/// A small deterministic generator (xorshift64*), so the cases are the same every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
    }
}

/// A random policy over 3 regions and 6 services, and leads over 40 days, some with a
/// recorded or requested partner.
fn random_case(rng: &mut Rng, np: usize, nl: usize) -> (Policy, Vec<Lead>) {
    let day =
        |rng: &mut Rng| Date::from_days(d("2026-01-01").days() + rng.below(40) as i64).unwrap();
    let partners = (0..np)
        .map(|k| {
            let regions: Vec<usize> = (0..3).filter(|_| rng.below(2) == 0).collect();
            let services: Vec<u32> = (0..6).filter(|_| rng.below(3) == 0).collect();
            let mut c = partner(
                &format!("p{k:03}"),
                1 + rng.below(3) as u32,
                &regions,
                &services,
            );
            c.eligible = rng.below(8) != 0;
            c.joined = (rng.below(3) == 0).then(|| day(rng));
            c
        })
        .collect();
    let mut p = policy(partners);
    p.nreg = 3;
    if rng.below(2) == 0 {
        p.balance = Balance::PerRegion;
    }
    let leads = (0..nl)
        .map(|k| {
            let service = (rng.below(4) != 0).then(|| rng.below(6) as u32);
            let mut l = lead(
                &format!("L-{:05}", rng.below(100_000)),
                "2026-01-01",
                rng.below(4) as usize,
                service,
            );
            l.id = format!("L-{k}-{}", rng.below(1000)).into_bytes().into();
            l.received = day(rng);
            match rng.below(10) {
                0 => {
                    l.partner = Some(rng.below(np as u64) as usize);
                    l.has_partner = true;
                    l.method = [
                        None,
                        Some(Method::Manual),
                        Some(Method::Rule),
                        Some(Method::Requested),
                    ][rng.below(4) as usize];
                }
                1 => l.requested = Some(rng.below(np as u64) as usize),
                _ => {}
            }
            l
        })
        .collect();
    (p, leads)
}

#[test]
fn the_replay_agrees_with_the_reference_on_random_cases() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..300 {
        let np = 1 + rng.below(25) as usize;
        let nl = rng.below(400) as usize;
        let (p, leads) = random_case(&mut rng, np, nl);
        for fill in [true, false] {
            assert_eq!(
                replay(&p, &leads, fill).outcomes,
                reference(&p, &leads, fill),
                "case {case}, fill {fill}"
            );
        }
    }
}

#[test]
fn a_helper_thread_hashing_half_the_ties_changes_no_outcome() {
    // Up to 80 partners of weight 1: ties of SPLIT and more, so the helper's half and
    // the replay's half are both exercised (counted by the helper's posts).
    let mut rng = Rng(0x51f1_5eed);
    let mut splits = 0;
    for case in 0..60 {
        let np = ties::SPLIT + rng.below(70) as usize;
        let nl = 1 + rng.below(300) as usize;
        let (mut p, leads) = random_case(&mut rng, np, nl);
        for c in &mut p.partners {
            c.weight = 1;
            c.regions = vec![0, 1, 2];
        }
        let slugs: Vec<String> = p.partners.iter().map(|c| c.slug.clone()).collect();
        for fill in [true, false] {
            let alone = replay_with(&p, &leads, fill, false);
            let helped = Helper::with(&p.seed, &slugs, |h| {
                let r = run(&p, &leads, fill, order(&leads), Some(h));
                splits += h.splits();
                r
            });
            assert_eq!(helped.outcomes, alone.outcomes, "case {case}, fill {fill}");
            assert_eq!(helped.outcomes, reference(&p, &leads, fill), "case {case}");
        }
    }
    assert!(splits > 1000, "too few long ties: {splits}");
}

#[test]
fn the_tie_hasher_agrees_with_sha256_across_block_boundaries() {
    // Messages from 1 to 3 blocks: the padding by hand must match the full hasher at
    // every length, around 55/56 and 64 bytes especially.
    let mut p = policy(vec![partner("a", 1, &[0], &[])]);
    let mut hasher = TieHasher::default();
    for n in 0..150 {
        p.seed = "s".repeat(n % 40);
        p.partners[0].slug = "x".repeat(n);
        let l = lead(&"i".repeat(n / 3), "2026-01-01", 0, None);
        let words = hasher
            .start(&p.seed, &l.id)
            .digest(p.partners[0].slug.as_bytes());
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(bytes, tie_hash(&p, &l, 0), "message of length {n}");
    }
}
