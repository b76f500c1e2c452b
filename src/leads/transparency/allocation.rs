//! The "Allocation" section of the report, generated from the digest's `allocation`
//! section: the policy in plain words (from `[allocation]`, so no hand-written page can
//! drift from it), counts by method (table and chart), per region and per partner,
//! relaxations, expected against actual rule leads, and the commitment.

use super::format::{attribute_label, csv_bytes, csv_cell, humanize, region_label};
use super::{Downloads, Report};
use crate::config::SiteConfig;
use crate::facets;
use crate::leads::charts::Bar;
use crate::leads::{AllocationSection, Cell, OrderedMap, PolicyView};
use serde::Serialize;

/// A method as the page names it.
pub(super) fn method_label(id: &str) -> &'static str {
    match id {
        "existing" => "Already assigned (existing)",
        "manual" => "Assigned by hand (manual)",
        "requested" => "Chosen by the buyer (requested)",
        "rule" => "By the policy (rule)",
        "none" => "No eligible partner (none)",
        _ => "Not yet allocated",
    }
}

/// A method as a table column names it.
fn method_column(id: &str) -> &'static str {
    match id {
        "existing" => "Existing",
        "manual" => "Manual",
        "requested" => "Requested",
        "rule" => "Rule",
        "none" => "None",
        _ => "Not yet allocated",
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What a `match` constraint asks of a partner, in words.
fn constraint_words(p: &PolicyView, name: &str) -> String {
    if name == "region" {
        return "serves the lead's region".into();
    }
    let facet = p
        .categories
        .get(name)
        .and_then(|key| facets::FACETS.iter().find(|f| f.key == key.as_str()));
    match facet {
        Some(f) => format!(
            "has the lead's {} among its {}",
            humanize(name).to_lowercase(),
            f.key.replace('_', " ")
        ),
        None => format!("matches the lead's {}", humanize(name).to_lowercase()),
    }
}

/// The policy in plain words, one paragraph per sentence group.
fn policy_sentences(c: &SiteConfig, p: &PolicyView) -> Vec<String> {
    let tier = |t: &str| attribute_label(c, "tier", t);
    let tiers: Vec<String> = match &p.eligible_tiers {
        Some(ts) => ts.iter().map(|t| tier(t)).collect(),
        None => p.weights.keys().map(tier).collect(),
    };
    let mut out = vec![format!(
        "Leads can go to the published partners of the tier(s) {} (not drafts), from the day each joined the program. A lead that already has a partner keeps it (method existing, or manual when the program set it by hand). A lead naming the partner the buyer chose on its profile goes to that partner when it can receive leads (method requested), and does not count for balancing.",
        and_list(&tiers)
    )];
    let words: Vec<String> = p
        .constraints
        .iter()
        .map(|n| constraint_words(p, n))
        .collect();
    if !words.is_empty() {
        let order: Vec<String> = words.iter().rev().cloned().collect();
        let relax = if words.len() > 1 {
            format!(
                " When no partner meets them all, conditions are dropped from the last one until some partner qualifies, in this order: {}.",
                order.join("; then ")
            )
        } else {
            " When no partner meets it, it is dropped.".to_string()
        };
        out.push(format!(
            "Every other lead goes to a partner that {}.{relax} With no partner that can receive leads at all, the lead stays unassigned (method none).",
            and_list(&words)
        ));
    }
    let weighted: Vec<String> = p
        .weights
        .iter()
        .filter(|(t, _)| {
            p.eligible_tiers
                .as_ref()
                .is_none_or(|e| e.iter().any(|x| x == t))
        })
        .map(|(t, w)| format!("{} {w}", tier(t)))
        .collect();
    let queue = if p.balance == "per-region" {
        "counting only its leads in the lead's region (each region balances on its own)"
    } else {
        "counting its leads in every region"
    };
    out.push(format!(
        "Among those partners the one with the fewest leads so far for its weight wins: the smallest (leads + 1) / weight, {queue}, compared exactly. Weights by tier: {}. A tie goes to the partner with the smallest SHA-256 of the public seed “{}”, the lead id and the partner's slug, one per line, so no one can steer it and anyone can recompute it.",
        and_list(&weighted),
        p.seed
    ));
    out
}

#[derive(Serialize)]
pub(super) struct MethodCount {
    id: String,
    label: &'static str,
    leads: String,
}

#[derive(Serialize)]
pub(super) struct Row {
    label: String,
    url: Option<String>,
    leads: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct PartnerRow {
    label: String,
    url: Option<String>,
    leads: String,
    cells: Vec<String>,
    expected: String,
    actual: String,
}

/// The section as the template reads it (`report.allocation`).
#[derive(Serialize)]
pub(super) struct AllocationView {
    policy: Vec<String>,
    leads: String,
    methods: Vec<MethodCount>,
    /// Column labels of the region table (every method) and of the partner table.
    region_columns: Vec<&'static str>,
    partner_columns: Vec<&'static str>,
    regions: Vec<Row>,
    partners: Vec<PartnerRow>,
    relaxed: Vec<MethodCount>,
    rule: String,
    commitment: String,
    #[serde(skip)]
    pub(super) chart: String,
}

fn cells(r: &Report, m: &OrderedMap<Cell>) -> Vec<String> {
    m.iter().map(|(_, c)| r.num.cell(*c, &r.withheld)).collect()
}

/// The section, and `allocation-by-partner.csv`; `None` when the digest has none.
pub(super) fn allocation(r: &Report, dl: &mut Downloads) -> Option<AllocationView> {
    let a = r.digest.allocation.as_ref()?;
    let c = r.config();
    let methods: Vec<MethodCount> = a
        .methods
        .iter()
        .map(|(id, n)| MethodCount {
            id: id.to_string(),
            label: method_label(id),
            leads: r.num.count(*n),
        })
        .collect();
    let chart = method_chart(r, a);
    let partners = a
        .by_partner
        .iter()
        .map(|(slug, row)| PartnerRow {
            label: r.name(slug),
            url: r.url(slug),
            leads: r.num.count(row.leads),
            cells: cells(r, &row.methods),
            expected: format_expected(r, row.expected_rule),
            actual: r
                .num
                .cell(row.methods.get("rule").copied().flatten(), &r.withheld),
        })
        .collect();
    dl.add(
        "allocation-by-partner.csv",
        "Leads per partner by allocation method, with expected rule leads",
        partner_csv(a),
    );
    Some(AllocationView {
        policy: policy_sentences(c, &a.policy),
        leads: r.num.count(a.leads),
        region_columns: a.methods.keys().map(method_column).collect(),
        partner_columns: a
            .methods
            .keys()
            .take(crate::leads::PARTNER_METHODS.len())
            .map(method_column)
            .collect(),
        methods,
        regions: a
            .by_region
            .iter()
            .map(|(id, row)| Row {
                label: region_label(c, id),
                url: None,
                leads: r.num.count(row.leads),
                cells: cells(r, &row.methods),
            })
            .collect(),
        partners,
        relaxed: a
            .relaxed
            .iter()
            .map(|(k, n)| MethodCount {
                id: k.to_string(),
                label: "",
                leads: r.num.cell(*n, &r.withheld),
            })
            .collect(),
        rule: r.num.count(a.methods.get("rule").copied().unwrap_or(0)),
        commitment: a.commitment.clone(),
        chart,
    })
}

/// The bar chart of leads per method (always published counts).
fn method_chart(r: &Report, a: &AllocationSection) -> String {
    let bars: Vec<Bar> = a
        .methods
        .iter()
        .map(|(id, n)| Bar {
            label: method_label(id).to_string(),
            value: Some(*n),
            shown: r.num.count(*n),
        })
        .collect();
    r.bar_chart("Leads per allocation method", &bars)
}

/// `12.3` in the page's decimal style.
fn format_expected(r: &Report, x: f64) -> String {
    // One decimal already (the digest rounds it); as a ratio of 4 decimals for the
    // shared formatter.
    r.num.one_decimal(Some(x))
}

fn partner_csv(a: &AllocationSection) -> Vec<u8> {
    let mut header = vec!["partner", "leads"];
    header.extend(a.methods.keys().take(crate::leads::PARTNER_METHODS.len()));
    header.push("expected_rule");
    csv_bytes(
        &header,
        a.by_partner.iter().map(|(slug, row)| {
            let mut v = vec![slug.to_string(), row.leads.to_string()];
            v.extend(row.methods.iter().map(|(_, c)| csv_cell(*c)));
            v.push(format!("{:.1}", row.expected_rule));
            v
        }),
    )
}
