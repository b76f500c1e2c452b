//! The request form (issue 13, part 4): `[request]` builds `/request/` and, on profiles of
//! the tiers that receive leads, `/partners/<slug>/request/`; a plain POST form whose
//! field names are the export's columns (country, categories, contact), with a hidden
//! `requested_partner` on a partner's form, a required consent checkbox and a honeypot;
//! the form pages' CSP `form-action` names the endpoint's origin; every mistake in the
//! table is reported with its position; without `[request]` nothing of it is built.

use crate::common;

use common::{SiteTest, attr, one, select, text};
use scraper::Html;

const FIXTURE: &str = "leads/site";
const BASE: &str = "https://example.org/dir/";

/// The leads fixture with `requested_partner` mapped and a `[request]` table (plus
/// `extra`, appended after it).
fn site_with_request(extra: &str) -> SiteTest {
    let site = SiteTest::from_fixture(FIXTURE);
    site.replace(
        "site.toml",
        "status = \"status\"\n",
        "status = \"status\"\nrequested_partner = \"requested_partner\"\n",
    );
    site.edit("site.toml", |s| {
        format!(
            "{s}
[request]
endpoint = \"https://forms.example.org/in\"
consent = \"I agree that the program forwards my request.\"
privacy_url = \"https://example.org/privacy/\"

[request.contact]
name = \"requester_name\"
email = \"email\"
organization = \"organisation\"
message = \"notes\"
{extra}"
        )
    });
    site
}

/// (name, tag or input type) of every control of the page's form, in order.
fn controls(doc: &Html) -> Vec<(String, String)> {
    select(doc, "form.request-form [name]")
        .into_iter()
        .map(|el| {
            let kind = match el.value().name() {
                "input" => attr(el, "type").to_string(),
                other => other.to_string(),
            };
            (attr(el, "name").to_string(), kind)
        })
        .collect()
}

/// (value, label) of the options of a select.
fn options(doc: &Html, name: &str) -> Vec<(String, String)> {
    select(doc, &format!("select[name=\"{name}\"] option"))
        .into_iter()
        .map(|o| (attr(o, "value").to_string(), text(o)))
        .collect()
}

fn csp(doc: &Html) -> String {
    attr(
        one(doc, "meta[http-equiv=\"Content-Security-Policy\"]"),
        "content",
    )
    .to_string()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn the_form_posts_exactly_the_export_columns() {
    let site = site_with_request("");
    site.build(&[]).expect_success();
    let doc = site.html("request/");
    let form = one(&doc, "form.request-form");
    assert_eq!(attr(form, "method"), "post");
    assert_eq!(attr(form, "action"), "https://forms.example.org/in");
    assert_eq!(
        controls(&doc),
        pairs(&[
            ("country", "select"),
            ("service_requested", "text"),
            ("budget_band", "text"),
            ("requester_name", "text"),
            ("email", "email"),
            ("organisation", "text"),
            ("notes", "textarea"),
            ("homepage", "text"),
            ("consent", "checkbox"),
        ])
    );
    // Every field but the form's own two is a column of the export.
    let export = site.read("leads/export.csv");
    let header: Vec<&str> = export
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    for (name, _) in controls(&doc) {
        assert!(
            header.contains(&name.as_str()) || name == "homepage" || name == "consent",
            "{name} is not a column of the export {header:?}"
        );
    }
    // The countries of [regions], by name, after the empty choice.
    assert_eq!(
        options(&doc, "country"),
        pairs(&[
            ("", "Choose a country"),
            ("AR", "Argentina"),
            ("BR", "Brazil"),
            ("CA", "Canada"),
            ("FR", "France"),
            ("DE", "Germany"),
            ("ES", "Spain"),
            ("US", "United States"),
        ])
    );
    // Labels, required markers, fieldsets.
    for el in select(&doc, "form.request-form [name]:not([type=hidden])") {
        let id = attr(el, "id");
        let label = one(&doc, &format!("label[for=\"{id}\"]"));
        let required = el.value().attr("required").is_some();
        assert_eq!(
            text(label).contains("(required)"),
            required,
            "{id}: {}",
            text(label)
        );
    }
    let required: Vec<&str> = select(&doc, "form.request-form [required]")
        .into_iter()
        .map(|el| attr(el, "name"))
        .collect();
    assert_eq!(required, ["country", "requester_name", "email", "consent"]);
    let legends: Vec<String> = select(&doc, "fieldset > legend")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(legends, ["Your project", "How to reach you", "Consent"]);
    // The consent checkbox carries the configured text; the privacy notice is linked.
    let consent = one(&doc, "input[name=consent]");
    assert_eq!(attr(consent, "value"), "yes");
    assert!(
        text(one(&doc, "label[for=f-consent]"))
            .starts_with("I agree that the program forwards my request.")
    );
    assert_eq!(
        select(&doc, "a[href=\"https://example.org/privacy/\"]").len(),
        1
    );
    // The honeypot: out of the tab order, never autofilled, its label telling people.
    let hp = one(&doc, "input[name=homepage]");
    assert_eq!(attr(hp, "tabindex"), "-1");
    assert_eq!(attr(hp, "autocomplete"), "off");
    assert!(text(one(&doc, "label[for=f-hp]")).starts_with("Leave this field empty"));
    // The general form names no partner.
    assert!(select(&doc, "input[type=hidden]").is_empty());
    // No script needed, and none on the page.
    assert!(select(&doc, "script[src]").is_empty());
}

#[test]
fn choices_come_from_declared_values_else_the_allocation_facet() {
    let site = site_with_request(
        "
[allocation]
seed = \"s\"
eligible_tiers = [\"partner\", \"verified-provider\"]
[allocation.categories]
service = \"services\"
",
    );
    site.replace(
        "site.toml",
        "budget = \"budget_band\"\n",
        "budget = { column = \"budget_band\", values = [\"lt-5k\", \"gt-5k\"], labels = { lt-5k = \"Under 5k\" } }\n",
    );
    site.build(&[]).expect_success();
    let doc = site.html("request/");
    // Mapped to the `services` facet: its vocabulary, in site.toml order.
    assert_eq!(
        options(&doc, "service_requested"),
        pairs(&[
            ("", "No preference"),
            ("hosting", "Hosting"),
            ("consulting", "Consulting")
        ])
    );
    // Declared values with their labels (the id when it has none), in their order.
    assert_eq!(
        options(&doc, "budget_band"),
        pairs(&[
            ("", "No preference"),
            ("lt-5k", "Under 5k"),
            ("gt-5k", "gt-5k")
        ])
    );
    // Neither (a plain category mapped to no facet) is a free-text field: see
    // `the_form_posts_exactly_the_export_columns`.
    // [allocation] eligible_tiers decides the profiles: the verified provider has one.
    site.html("partners/beta-learning/request/");
    assert_eq!(
        select(&site.html("partners/beta-learning/"), "a.request-button").len(),
        1
    );
}

#[test]
fn profiles_of_eligible_tiers_link_to_a_form_naming_the_partner() {
    let site = site_with_request("");
    site.build(&[]).expect_success();
    let profile = site.html("partners/alpha-hosting/");
    let button = one(&profile, "a.request-button");
    assert_eq!(text(button), "Request a proposal");
    assert_eq!(attr(button, "href"), "/dir/partners/alpha-hosting/request/");
    let doc = site.html("partners/alpha-hosting/request/");
    let hidden = select(&doc, "form.request-form input[type=hidden]");
    assert_eq!(hidden.len(), 1);
    assert_eq!(attr(hidden[0], "name"), "requested_partner");
    assert_eq!(attr(hidden[0], "value"), "alpha-hosting");
    assert_eq!(
        text(one(&doc, "h1")),
        "Request a proposal from Alpha Hosting"
    );
    // The rest of the form is the general one.
    let general = site.html("request/");
    let without_hidden: Vec<(String, String)> = controls(&doc)
        .into_iter()
        .filter(|(_, kind)| kind != "hidden")
        .collect();
    assert_eq!(without_hidden, controls(&general));
    // [leads] eligible_tiers = ["partner"]: the verified provider gets no button and no
    // form; a draft is not built at all.
    let beta = site.html("partners/beta-learning/");
    assert!(select(&beta, "a.request-button").is_empty());
    let files = site.output_files();
    assert!(!files.contains(&"partners/beta-learning/request/index.html".to_string()));
    assert!(!files.iter().any(|f| f.contains("delta-draft")));
    let forms: Vec<&String> = files.iter().filter(|f| f.contains("request/")).collect();
    assert_eq!(
        forms,
        [
            "partners/alpha-hosting/request/index.html",
            "partners/epsilon-learning/request/index.html",
            "partners/gamma-sur/request/index.html",
            "request/index.html",
        ]
    );
    // In the sitemap, and every link of the site resolves.
    let sitemap = site.output_text("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{BASE}request/</loc>")),
        "{sitemap}"
    );
    assert!(sitemap.contains(&format!("<loc>{BASE}partners/alpha-hosting/request/</loc>")));
    site.assert_links_ok(&site.public(), BASE);
}

#[test]
fn the_csp_allows_the_endpoint_origin_on_form_pages_only() {
    let site = site_with_request("");
    site.replace(
        "site.toml",
        "endpoint = \"https://forms.example.org/in\"",
        "endpoint = \"https://Forms.Example.org:8443/in?list=partners&x=1\"",
    );
    site.build(&[]).expect_success();
    for page in ["request/", "partners/alpha-hosting/request/"] {
        let doc = site.html(page);
        assert!(
            csp(&doc).ends_with("; form-action 'self' https://forms.example.org:8443"),
            "{page}: {}",
            csp(&doc)
        );
        assert_eq!(
            attr(one(&doc, "form"), "action"),
            "https://Forms.Example.org:8443/in?list=partners&x=1"
        );
    }
    for page in ["", "partners/alpha-hosting/", "transparency/"] {
        let doc = site.html(page);
        assert!(
            csp(&doc).ends_with("; form-action 'self'"),
            "{page}: {}",
            csp(&doc)
        );
    }
}

#[test]
fn a_loopback_http_endpoint_is_accepted_for_tests() {
    let site = site_with_request("");
    site.replace(
        "site.toml",
        "endpoint = \"https://forms.example.org/in\"",
        "endpoint = \"http://127.0.0.1:41234/submit\"",
    );
    site.build(&[]).expect_success();
    assert!(csp(&site.html("request/")).ends_with("form-action 'self' http://127.0.0.1:41234"));
}

#[test]
fn without_request_no_form_is_built() {
    let site = SiteTest::from_fixture(FIXTURE);
    site.build(&[]).expect_success();
    let files = site.output_files();
    assert!(!files.iter().any(|f| f.contains("request")), "{files:#?}");
    let profile = site.html("partners/alpha-hosting/");
    assert!(select(&profile, "a.request-button").is_empty());
    assert!(select(&profile, "form").is_empty());
    assert!(csp(&profile).ends_with("; form-action 'self'"));
    assert!(!site.output_text("sitemap.xml").contains("request"));
}

#[test]
fn a_form_without_an_email_field_is_refused_and_the_form_follows_site_toml_order() {
    let site = site_with_request("");
    site.replace("site.toml", "email = \"email\"\n", "");
    let out = site.check(&[]);
    out.expect_error();
    assert!(
        out.stderr.contains(
            "error: [request.contact] has no `email` field\n  = help: the program answers the buyer by e-mail"
        ),
        "{}",
        out.stderr
    );
    // The contact fields come in the order site.toml writes them, not a fixed one.
    let site = site_with_request("");
    site.replace(
        "site.toml",
        "name = \"requester_name\"\nemail = \"email\"\n",
        "email = \"email\"\nname = \"requester_name\"\n",
    );
    site.build(&[]).expect_success();
    let names: Vec<String> = controls(&site.html("request/"))
        .into_iter()
        .map(|(name, _)| name)
        .filter(|n| n == "email" || n == "requester_name")
        .collect();
    assert_eq!(names, ["email", "requester_name"]);
}

#[test]
fn every_mistake_in_request_is_reported_with_its_position() {
    let site = SiteTest::from_fixture(FIXTURE);
    site.edit("site.toml", |s| {
        format!(
            "{s}
[request]
endpoint = \"http://forms.example.org/x\"
consent = \" \"
privacy_ulr = \"privacy\"

[request.contact]
mail = \"email\"
name = \"requester_name\"
organization = \"country\"
phone = \"requester_name\"
message = \"consent\"
"
        )
    });
    let diagnostics = "site.toml:63:12: error: [request] endpoint `http://forms.example.org/x` uses http://, which would send a buyer's details unencrypted (http:// is only accepted for 127.0.0.1 and localhost)
  = help: write the https URL of the program's form backend or CRM, e.g. \"https://forms.example.org/partner-requests\" (http:// only for 127.0.0.1 or localhost, in tests)
site.toml:63:12: error: [request] needs [leads.columns] requested_partner
  = help: name the export column that receives the partner a buyer chose on a profile, e.g. requested_partner = \"requested_partner\"
site.toml:64:11: error: [request] consent is empty
  = help: write the sentence the buyer agrees to, e.g. consent = \"I agree that the program forwards my request to its partners.\"
site.toml:65:1: error: unknown key `privacy_ulr`
  = help: did you mean `privacy_url`?
site.toml:65:15: error: [request] privacy_url: `privacy` is not an http(s) URL
  = help: link the program's privacy notice, e.g. \"https://openedx.org/privacy-policy/\"
site.toml:68:1: error: unknown key `mail`
  = help: did you mean `email`?
site.toml:70:16: error: [request.contact] organization reads the column `country`, already mapped by [leads.columns] country
  = help: each field of the form posts one column of the export: give this one its own column
site.toml:71:9: error: [request.contact] phone reads the column `requester_name`, already mapped by [request.contact] name
  = help: each field of the form posts one column of the export: give this one its own column
site.toml:72:11: error: [request.contact] message reads the column `consent`, the name of the request form's consent checkbox
  = help: rename that export column: the form keeps `consent` and `homepage` for itself";
    site.check(&[])
        .expect_failure(1)
        .expect_stderr(&format!("{diagnostics}\n\n9 errors found"));
    site.build(&[]).expect_errors(diagnostics);
}

#[test]
fn endpoints_a_csp_cannot_name_and_a_request_without_leads_are_refused() {
    let cases = [
        (
            "ftp://x.org/in",
            "site.toml:64:12: error: [request] endpoint `ftp://x.org/in` is not an https URL",
        ),
        (
            "http://[::1]:8080/in",
            "site.toml:64:12: error: [request] endpoint `http://[::1]:8080/in` names an IPv6 address, which the pages' Content-Security-Policy cannot allow",
        ),
        (
            "https://user:pw@x.org/in",
            "site.toml:64:12: error: [request] endpoint `https://user:pw@x.org/in` holds a user name or password",
        ),
        (
            "https://x.org:0/in",
            "site.toml:64:12: error: [request] endpoint `https://x.org:0/in` has a port that is not a number from 1 to 65535",
        ),
        (
            "https://x.org/a b",
            "site.toml:64:12: error: [request] endpoint `https://x.org/a b` holds a space, a quote or another character a URL cannot hold",
        ),
    ];
    for (endpoint, want) in cases {
        let site = SiteTest::from_fixture(FIXTURE);
        site.replace(
            "site.toml",
            "status = \"status\"\n",
            "status = \"status\"\nrequested_partner = \"requested_partner\"\n",
        );
        site.edit("site.toml", |s| {
            format!("{s}\n[request]\nendpoint = \"{endpoint}\"\nconsent = \"Yes.\"\n[request.contact]\nemail = \"email\"\n")
        });
        let run = site.check(&[]);
        run.expect_failure(1).expect_stderr(&format!("{want}\n  = help: write the https URL of the program's form backend or CRM, e.g. \"https://forms.example.org/partner-requests\" (http:// only for 127.0.0.1 or localhost, in tests)\n\n1 error found"));
    }
    // No [leads]: nothing to post.
    let site = SiteTest::from_fixture("site-basic");
    site.edit("site.toml", |s| {
        format!("{s}\n[request]\nendpoint = \"https://x.org/in\"\nconsent = \"Yes.\"\n[request.contact]\nemail = \"email\"\n")
    });
    site.check(&[]).expect_failure(1).expect_stderr(
        "site.toml:47:12: error: [request] needs [leads] and [leads.columns]\n  = help: the form posts the export's column names: map them in [leads.columns] first\n\n1 error found"
    );
}
