//! Small-count suppression against an attacker: adversarial exports (one-country regions,
//! countries outside every region, a one-quarter period, one-lead categories, a partner
//! and a status with one lead, small quarter x region blocks) are aggregated, and an
//! auditor written here (exact integer search, not the build's LP) checks `leads.json`:
//! no withheld cell is determined or narrowed to fewer than `min_cell` values.

use crate::common;

use common::SiteTest;
use serde_json::Value;

/// The regions the sites below declare (site.toml is public: the attacker knows them).
const REGIONS: [(&str, &[&str]); 3] = [
    ("europe", &["DE", "ES", "FR"]),
    ("north-america", &["US"]),
    ("latin-america", &["BR"]),
];

/// The fixture site with one-country regions (US, BR; CA and AR are in no region), the
/// period `from..to` and this export (`(date, country, partner, status, service, budget,
/// how many)` rows).
fn site(from: &str, to: &str, rows: &[(&str, &str, &str, &str, &str, &str, usize)]) -> SiteTest {
    let site = SiteTest::from_fixture("leads/site");
    site.edit("site.toml", |toml| {
        toml.replacen("countries = [\"CA\", \"US\"]", "countries = [\"US\"]", 1)
            .replacen("countries = [\"AR\", \"BR\"]", "countries = [\"BR\"]", 1)
            .replacen("from = 2025-01-01", &format!("from = {from}"), 1)
            .replacen("to = 2025-12-31", &format!("to = {to}"), 1)
    });
    let mut csv = String::from(
        "lead_id,received_date,country,region,assigned_provider,status,service_requested,budget_band\n",
    );
    let mut id = 0;
    for &(date, country, partner, status, service, budget, n) in rows {
        for _ in 0..n {
            id += 1;
            csv.push_str(&format!(
                "L{id},{date},{country},,{partner},{status},{service},{budget}\n"
            ));
        }
    }
    site.write("leads/export.csv", csv);
    site
}

/// `partnersite leads digest`: exactly the bytes of /transparency/leads.json.
fn digest(site: &SiteTest) -> Value {
    site.run(&["leads", "digest", "--output", "digest.json"])
        .expect_success();
    serde_json::from_str(&site.read("digest.json")).unwrap()
}

// ---------- the independent auditor ----------

/// `sum(vars) = rhs` over integer unknowns with lower bounds.
struct System {
    lower: Vec<i64>,
    sums: Vec<(Vec<usize>, i64)>,
}

/// Tighten every unknown's interval from the sums until nothing moves; false when some
/// interval empties.
fn propagate(lo: &mut [i64], hi: &mut [i64], sums: &[(Vec<usize>, i64)]) -> bool {
    loop {
        let mut moved = false;
        for (vars, rhs) in sums {
            let sum_lo: i64 = vars.iter().map(|&v| lo[v]).sum();
            let sum_hi: i64 = vars.iter().map(|&v| hi[v]).sum();
            for &v in vars {
                let new_hi = rhs - (sum_lo - lo[v]);
                let new_lo = rhs - (sum_hi - hi[v]);
                if new_hi < hi[v] {
                    hi[v] = new_hi;
                    moved = true;
                }
                if new_lo > lo[v] {
                    lo[v] = new_lo;
                    moved = true;
                }
                if lo[v] > hi[v] {
                    return false;
                }
            }
        }
        if !moved {
            return true;
        }
    }
}

/// Whether an integer solution exists in `lo..=hi` (depth-first, values in order).
fn feasible(lo: &[i64], hi: &[i64], sums: &[(Vec<usize>, i64)]) -> bool {
    let (mut lo, mut hi) = (lo.to_vec(), hi.to_vec());
    if !propagate(&mut lo, &mut hi, sums) {
        return false;
    }
    let Some(v) = (0..lo.len())
        .filter(|&v| lo[v] < hi[v])
        .min_by_key(|&v| hi[v] - lo[v])
    else {
        return true;
    };
    (lo[v]..=hi[v]).any(|x| {
        let (mut l, mut h) = (lo.clone(), hi.clone());
        l[v] = x;
        h[v] = x;
        feasible(&l, &h, sums)
    })
}

impl System {
    /// The exact integer [min, max] of each unknown.
    fn bounds(&self) -> Vec<(i64, i64)> {
        let n = self.lower.len();
        let cap: i64 = self.sums.iter().map(|(_, r)| *r).max().unwrap_or(0);
        let (lo, hi) = (self.lower.clone(), vec![cap; n]);
        assert!(
            feasible(&lo, &hi, &self.sums),
            "the published table does not add up"
        );
        (0..n)
            .map(|v| {
                let fixed = |x: i64| {
                    let (mut l, mut h) = (lo.clone(), hi.clone());
                    l[v] = x;
                    h[v] = x;
                    feasible(&l, &h, &self.sums)
                };
                let min = (lo[v]..=cap).find(|&x| fixed(x)).unwrap();
                let max = (min..=cap).rev().find(|&x| fixed(x)).unwrap();
                (min, max)
            })
            .collect()
    }
}

/// One table as the attacker sees it: cells (`None` = withheld) and published sums over
/// them.
struct Table {
    name: String,
    labels: Vec<String>,
    cells: Vec<Option<i64>>,
    lower: i64,
    sums: Vec<(Vec<usize>, i64)>,
}

impl Table {
    /// Exact integer bounds of the cells `unknown` when the others are as published.
    fn bounds(&self, unknown: &[usize]) -> Vec<(i64, i64)> {
        let sums = self
            .sums
            .iter()
            .map(|(cells, total)| {
                let known: i64 = cells
                    .iter()
                    .filter(|i| !unknown.contains(i))
                    .filter_map(|&i| self.cells[i])
                    .sum();
                let vars = cells
                    .iter()
                    .filter_map(|&i| unknown.iter().position(|&u| u == i))
                    .collect();
                (vars, total - known)
            })
            .collect();
        System {
            lower: vec![self.lower; unknown.len()],
            sums,
        }
        .bounds()
    }

    /// The withheld cells an integer attacker pins, or narrows to fewer than
    /// `min(min_cell, what the published totals alone leave)` values of doubt, as
    /// `table key [min, max]`. (A published total below min_cell bounds its cells
    /// whatever is withheld: the README's rule.)
    fn exposed(&self, min_cell: i64) -> Vec<String> {
        let unknown: Vec<usize> = (0..self.cells.len())
            .filter(|&i| self.cells[i].is_none())
            .collect();
        if unknown.is_empty() {
            return Vec::new();
        }
        let every: Vec<usize> = (0..self.cells.len()).collect();
        let alone = self.bounds(&every);
        self.bounds(&unknown)
            .into_iter()
            .zip(&unknown)
            .filter(|((min, max), i)| {
                let need = min_cell.min(alone[**i].1 - alone[**i].0);
                max == min || max - min < need
            })
            .map(|((min, max), &i)| format!("{} {} [{min}, {max}]", self.name, self.labels[i]))
            .collect()
    }
}

fn cell(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// The tables of leads.json with their sums, rebuilt from the JSON and REGIONS alone.
fn tables(d: &Value) -> Vec<Table> {
    let leads = d["totals"]["leads"].as_i64().unwrap();
    let region_leads = |r: &str| d["by_region"][r]["leads"].as_i64().unwrap();
    let mut out = Vec::new();

    let countries = d["by_country"].as_object().unwrap();
    let labels: Vec<String> = countries.keys().cloned().collect();
    let region_of = |code: &str| {
        REGIONS
            .iter()
            .find(|(_, cs)| cs.contains(&code))
            .map_or("unspecified", |(r, _)| *r)
    };
    let mut sums = vec![((0..labels.len()).collect(), leads)];
    for r in REGIONS.iter().map(|(r, _)| *r).chain(["unspecified"]) {
        let members = (0..labels.len())
            .filter(|&i| region_of(&labels[i]) == r)
            .collect();
        sums.push((members, region_leads(r)));
    }
    out.push(Table {
        name: "by_country".into(),
        cells: countries.values().map(cell).collect(),
        labels,
        lower: 1,
        sums,
    });

    let quarters = d["by_quarter_region"].as_object().unwrap();
    let regions: Vec<String> = REGIONS
        .iter()
        .map(|(r, _)| r.to_string())
        .chain(["unspecified".into()])
        .collect();
    let w = regions.len();
    let mut cells = Vec::new();
    let mut labels = Vec::new();
    let mut sums = Vec::new();
    for (q, (name, row)) in quarters.iter().enumerate() {
        for r in &regions {
            cells.push(cell(&row[r.as_str()]));
            labels.push(format!("{name}/{r}"));
        }
        sums.push((
            (q * w..(q + 1) * w).collect(),
            d["by_quarter"][name].as_i64().unwrap(),
        ));
    }
    for (k, r) in regions.iter().enumerate() {
        sums.push((
            (0..quarters.len()).map(|q| q * w + k).collect(),
            region_leads(r),
        ));
    }
    out.push(Table {
        name: "by_quarter_region".into(),
        labels,
        cells,
        lower: 0,
        sums,
    });

    for (name, values) in d["by_category"].as_object().unwrap() {
        let values = values.as_object().unwrap();
        out.push(Table {
            name: format!("by_category.{name}"),
            labels: values.keys().cloned().collect(),
            cells: values.values().map(cell).collect(),
            lower: 1,
            sums: vec![((0..values.len()).collect(), leads)],
        });
    }

    // Leads received before their partner joined, per partner: they add up to the
    // published audit total.
    if let Some(b) = d["audit"].get("before_joined") {
        let cells = b["by_partner"].as_object().unwrap();
        out.push(Table {
            name: "audit.before_joined".into(),
            labels: cells.keys().cloned().collect(),
            cells: cells.values().map(cell).collect(),
            lower: 1,
            sums: vec![((0..cells.len()).collect(), b["leads"].as_i64().unwrap())],
        });
    }
    out
}

fn exposed(d: &Value) -> Vec<String> {
    let min_cell = d["min_cell"].as_i64().unwrap();
    tables(d).iter().flat_map(|t| t.exposed(min_cell)).collect()
}

// ---------- the exports ----------

/// One quarter; US and BR each alone in their region; CA and AR in no region; one lead
/// of a category value, of a status and of a partner.
fn one_quarter_site() -> SiteTest {
    let d = "2025-05-02";
    site(
        "2025-04-01",
        "2025-06-30",
        &[
            (d, "DE", "", "new", "hosting", "under-10k", 20),
            (d, "ES", "", "new", "hosting", "under-10k", 7),
            (d, "FR", "", "new", "training", "under-10k", 2),
            (d, "US", "", "new", "hosting", "under-10k", 3),
            (d, "BR", "", "contacted", "hosting", "under-10k", 12),
            (d, "CA", "", "new", "training", "under-10k", 2),
            (d, "AR", "", "new", "hosting", "under-10k", 40),
            (d, "", "", "new", "", "under-10k", 8),
            (d, "", "alpha-hosting", "won", "consulting", "10k-50k", 1),
        ],
    )
}

#[test]
fn a_one_country_region_does_not_give_its_country_away() {
    let d = digest(&one_quarter_site());
    // Old code: US (3) withheld but equal to north-america's published total.
    assert_eq!(d["by_region"]["north-america"]["leads"], 3);
    let found = exposed(&d);
    assert!(
        !found.iter().any(|f| f.starts_with("by_country US")),
        "{found:?}"
    );
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_country_outside_every_region_is_not_unspecified_minus_no_country() {
    let d = digest(&one_quarter_site());
    // CA (2) and AR (40) are in no region: with `unspecified` (9) they make up the
    // unspecified region's 51. Old code published 40 and 9, so CA = 51 - 49.
    assert_eq!(d["by_region"]["unspecified"]["leads"], 51);
    assert!(d["by_country"]["CA"].is_null());
    let found = exposed(&d);
    assert!(
        !found.iter().any(|f| f.starts_with("by_country CA")),
        "{found:?}"
    );
}

#[test]
fn a_one_quarter_period_does_not_repeat_region_totals_as_withheld_cells() {
    let d = digest(&one_quarter_site());
    let row = &d["by_quarter_region"]["2025-Q2"];
    // Each cell is its region's published total: published, not a pretend `null`.
    assert_eq!(row["north-america"], 3);
    let found = exposed(&d);
    assert!(
        !found.iter().any(|f| f.starts_with("by_quarter_region")),
        "{found:?}"
    );
}

#[test]
fn one_lead_categories_and_small_sums_leave_min_cell_of_doubt() {
    let d = digest(&one_quarter_site());
    // consulting (1) and training (4): withheld with enough published away that
    // neither can be narrowed to fewer than 5 values.
    assert!(d["by_category"]["service"]["consulting"].is_null());
    assert!(d["by_category"]["budget"]["10k-50k"].is_null());
    assert_eq!(exposed(&d), Vec::<String>::new());
}

#[test]
fn a_small_quarter_region_block_is_not_narrowed() {
    // Four 1s in a 2 x 2 block: the old pairing rule withheld just them, and their
    // rows and columns pin each to [0, 2] (the quarters themselves are 12 and 14).
    let site = site(
        "2025-01-01",
        "2025-12-31",
        &[
            ("2025-02-01", "DE", "", "new", "hosting", "under-10k", 1),
            ("2025-02-01", "US", "", "new", "hosting", "under-10k", 1),
            ("2025-02-01", "BR", "", "new", "hosting", "under-10k", 10),
            ("2025-05-01", "DE", "", "new", "hosting", "under-10k", 1),
            ("2025-05-01", "US", "", "new", "hosting", "under-10k", 1),
            ("2025-05-01", "BR", "", "new", "hosting", "under-10k", 12),
            ("2025-08-01", "DE", "", "new", "hosting", "under-10k", 30),
            ("2025-08-01", "US", "", "new", "hosting", "under-10k", 20),
            ("2025-08-01", "BR", "", "new", "hosting", "under-10k", 15),
            ("2025-11-01", "DE", "", "new", "hosting", "under-10k", 25),
            ("2025-11-01", "US", "", "lost", "hosting", "under-10k", 40),
            ("2025-11-01", "BR", "", "lost", "hosting", "under-10k", 9),
        ],
    );
    let d = digest(&site);
    assert!(d["by_quarter_region"]["2025-Q1"]["europe"].is_null());
    assert_eq!(exposed(&d), Vec::<String>::new());
}

/// `joined = <date>` in a partner's record.
fn join(site: &SiteTest, slug: &str, date: &str) {
    site.edit(&format!("content/partners/{slug}/partner.toml"), |t| {
        format!("{t}\njoined = {date}\n")
    });
}

#[test]
fn named_before_joined_counts_leave_min_cell_of_doubt() {
    // Alpha has 2 leads before it joined, beta 9, epsilon 1: 12 in all.
    let site = site(
        "2025-01-01",
        "2025-12-31",
        &[
            (
                "2025-02-01",
                "DE",
                "alpha-hosting",
                "new",
                "hosting",
                "under-10k",
                2,
            ),
            (
                "2025-09-01",
                "DE",
                "alpha-hosting",
                "new",
                "hosting",
                "under-10k",
                20,
            ),
            (
                "2025-02-01",
                "US",
                "beta-learning",
                "new",
                "hosting",
                "under-10k",
                9,
            ),
            (
                "2025-09-01",
                "US",
                "beta-learning",
                "new",
                "hosting",
                "under-10k",
                20,
            ),
            (
                "2025-02-01",
                "DE",
                "epsilon-learning",
                "new",
                "hosting",
                "under-10k",
                1,
            ),
            (
                "2025-09-01",
                "DE",
                "epsilon-learning",
                "new",
                "hosting",
                "under-10k",
                20,
            ),
        ],
    );
    for slug in ["alpha-hosting", "beta-learning", "epsilon-learning"] {
        join(&site, slug, "2025-06-01");
    }
    let d = digest(&site);
    let b = &d["audit"]["before_joined"];
    assert_eq!(b["leads"], 12);
    // The two small counts are withheld, and so is 9: with it published, the pair would
    // share 3, each in [1, 2].
    for slug in ["alpha-hosting", "beta-learning", "epsilon-learning"] {
        assert!(b["by_partner"][slug].is_null(), "{slug}: {b}");
    }
    assert_eq!(exposed(&d), Vec::<String>::new());
    // Publishing two of them would give the third away: the build refuses it.
    let mut leaked = d.clone();
    leaked["audit"]["before_joined"]["by_partner"]["alpha-hosting"] = Value::from(2);
    leaked["audit"]["before_joined"]["by_partner"]["beta-learning"] = Value::from(9);
    let found = exposed(&leaked);
    assert_eq!(found.len(), 1, "{found:?}");
    site.write(
        "leads/old.json",
        serde_json::to_vec_pretty(&leaked).unwrap(),
    )
    .replace(
        "site.toml",
        "source = \"leads/export.csv\"",
        "source = \"leads/old.json\"",
    );
    site.build(&[]).expect_error().stderr_contains(
        "error: audit.before_joined `epsilon-learning`: the withheld count can be recovered",
    );
}

#[test]
fn the_build_refuses_a_digest_its_auditor_can_undo() {
    let site = one_quarter_site();
    let mut d = digest(&site);
    assert!(d["by_country"]["CA"].is_null());
    // Publish the no-country count: CA is then the unspecified region minus AR minus it.
    d["by_country"]["unspecified"] = Value::from(9);
    d["by_country"]["AR"] = Value::from(40);
    site.write("leads/old.json", serde_json::to_vec_pretty(&d).unwrap())
        .replace(
            "site.toml",
            "source = \"leads/export.csv\"",
            "source = \"leads/old.json\"",
        );
    let out = site.root().parent().unwrap().join("public");
    site.run(&["build", "--output", out.to_str().unwrap()])
        .expect_error()
        .stderr_contains(
            "error: by_country `CA`: the withheld count can be recovered from the published totals",
        );
    assert!(!out.exists());
}
