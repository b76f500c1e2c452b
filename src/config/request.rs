//! `[request]`: the request form a buyer fills on the site (issue 13, "leads forwarded
//! from the requests sent on the website"). The form posts the export's own column names
//! to the program's backend, so what the backend stores is an export partnersite reads
//! as it is; this module checks the table against `[leads]`.

use super::{LeadsConfig, error_at};
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde::Deserialize;
use toml::Spanned;

/// The name of the consent checkbox's field (never an export column).
pub const CONSENT_FIELD: &str = "consent";
/// The name of the honeypot field: humans leave it empty, bots fill it.
pub const HONEYPOT_FIELD: &str = "homepage";

/// `[request]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    endpoint: Spanned<String>,
    consent: Spanned<String>,
    privacy_url: Option<Spanned<String>>,
    #[serde(default)]
    contact: RawContact,
}

/// `[request.contact]` as written: each contact field = the export column it posts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    name: Option<Spanned<String>>,
    given_name: Option<Spanned<String>>,
    family_name: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    organization: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    message: Option<Spanned<String>>,
}

impl RawContact {
    /// The fields written, in site.toml order (the form's order).
    fn fields(&self) -> Vec<(ContactRole, &Spanned<String>)> {
        let all = [
            (ContactRole::Name, &self.name),
            (ContactRole::GivenName, &self.given_name),
            (ContactRole::FamilyName, &self.family_name),
            (ContactRole::Email, &self.email),
            (ContactRole::Organization, &self.organization),
            (ContactRole::Phone, &self.phone),
            (ContactRole::Message, &self.message),
        ];
        let mut out: Vec<_> = all
            .into_iter()
            .filter_map(|(role, col)| col.as_ref().map(|c| (role, c)))
            .collect();
        out.sort_by_key(|(_, col)| col.span().start);
        out
    }
}

/// A contact field the form asks for (`[request.contact]` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRole {
    Name,
    GivenName,
    FamilyName,
    Email,
    Organization,
    Phone,
    Message,
}

impl ContactRole {
    /// Every role, by its key in `[request.contact]`.
    pub const ALL: [ContactRole; 7] = [
        ContactRole::Name,
        ContactRole::GivenName,
        ContactRole::FamilyName,
        ContactRole::Email,
        ContactRole::Organization,
        ContactRole::Phone,
        ContactRole::Message,
    ];

    /// The key in `[request.contact]`.
    pub fn id(self) -> &'static str {
        match self {
            ContactRole::Name => "name",
            ContactRole::GivenName => "given_name",
            ContactRole::FamilyName => "family_name",
            ContactRole::Email => "email",
            ContactRole::Organization => "organization",
            ContactRole::Phone => "phone",
            ContactRole::Message => "message",
        }
    }

    /// The field's label on the form.
    pub fn label(self) -> &'static str {
        match self {
            ContactRole::Name => "Your name",
            ContactRole::GivenName => "First name",
            ContactRole::FamilyName => "Last name",
            ContactRole::Email => "E-mail",
            ContactRole::Organization => "Organization",
            ContactRole::Phone => "Phone",
            ContactRole::Message => "About your project",
        }
    }

    /// The form control: an `<input type>` or `textarea`.
    pub fn control(self) -> &'static str {
        match self {
            ContactRole::Name
            | ContactRole::GivenName
            | ContactRole::FamilyName
            | ContactRole::Organization => "text",
            ContactRole::Email => "email",
            ContactRole::Phone => "tel",
            ContactRole::Message => "textarea",
        }
    }

    /// The `autocomplete` token, so browsers can fill the field.
    pub fn autocomplete(self) -> &'static str {
        match self {
            ContactRole::Name => "name",
            ContactRole::GivenName => "given-name",
            ContactRole::FamilyName => "family-name",
            ContactRole::Email => "email",
            ContactRole::Organization => "organization",
            ContactRole::Phone => "tel",
            ContactRole::Message => "off",
        }
    }

    /// True when the buyer must fill it (the program needs a name and an address).
    pub fn required(self) -> bool {
        matches!(
            self,
            ContactRole::Name | ContactRole::GivenName | ContactRole::Email
        )
    }
}

/// The validated `[request]` table.
#[derive(Debug, Clone)]
pub struct Request {
    /// Where the form posts: an https URL (http only for 127.0.0.1 and localhost).
    pub endpoint: String,
    /// `scheme://host[:port]` of the endpoint, named by the form pages' CSP `form-action`.
    pub origin: String,
    /// The text of the required consent checkbox.
    pub consent: String,
    /// The program's privacy notice, linked next to the checkbox.
    pub privacy_url: Option<String>,
    /// The contact fields, in site.toml order, with the export column each one posts.
    pub contact: Vec<(ContactRole, String)>,
    /// `[leads.columns] country`.
    pub country_column: String,
    /// `[leads.columns] requested_partner`.
    pub requested_column: String,
}

/// Check `[request]` against `[leads]`; every problem is reported with its position.
/// `None` when it cannot be used.
pub(super) fn validate(
    raw: RawRequest,
    leads: Option<&LeadsConfig>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Request> {
    let before = diags.error_count();
    let at = |span: std::ops::Range<usize>, msg: String| error_at(text, span.start, msg);
    let columns = leads.and_then(|l| l.columns.as_ref());
    let Some(columns) = columns else {
        diags.push(
            at(
                raw.endpoint.span(),
                "[request] needs [leads] and [leads.columns]".into(),
            )
            .hint("the form posts the export's column names: map them in [leads.columns] first"),
        );
        return None;
    };
    let origin = check_endpoint(&raw.endpoint, text, diags);
    if raw.consent.get_ref().trim().is_empty() {
        diags.push(at(raw.consent.span(), "[request] consent is empty".into()).hint(
            "write the sentence the buyer agrees to, e.g. consent = \"I agree that the program forwards my request to its partners.\"",
        ));
    }
    if let Some(url) = &raw.privacy_url
        && !super::is_http_url(url.get_ref())
    {
        diags.push(
            at(
                url.span(),
                format!(
                    "[request] privacy_url: `{}` is not an http(s) URL",
                    url.get_ref()
                ),
            )
            .hint(
                "link the program's privacy notice, e.g. \"https://openedx.org/privacy-policy/\"",
            ),
        );
    }
    let requested = columns.requested_partner.clone();
    if requested.is_none() {
        diags.push(
            at(raw.endpoint.span(), "[request] needs [leads.columns] requested_partner".into())
                .hint("name the export column that receives the partner a buyer chose on a profile, e.g. requested_partner = \"requested_partner\""),
        );
    }
    let mut mapped: Vec<(String, &str)> = columns
        .mapped()
        .into_iter()
        .map(|(key, col)| (format!("[leads.columns] {key}"), col))
        .collect();
    if let Some(cats) = leads.and_then(|l| l.categories.as_ref()) {
        for c in &cats.0 {
            mapped.push((format!("[leads.categories] {}", c.name), c.column.as_str()));
        }
    }
    check_reserved(&raw, &mapped, text, diags);
    let contact = check_contact(&raw, &mapped, text, diags);
    let (Some(origin), Some(requested)) = (origin, requested) else {
        return None;
    };
    (diags.error_count() == before).then(|| Request {
        endpoint: raw.endpoint.into_inner(),
        origin,
        consent: raw.consent.into_inner(),
        privacy_url: raw.privacy_url.map(Spanned::into_inner),
        contact,
        country_column: columns.country.clone(),
        requested_column: requested,
    })
}

/// `endpoint`: an https URL whose origin a CSP can name. Gives that origin.
fn check_endpoint(url: &Spanned<String>, text: &str, diags: &mut Diagnostics) -> Option<String> {
    match endpoint_origin(url.get_ref()) {
        Ok(origin) => Some(origin),
        Err(why) => {
            diags.push(
                error_at(
                    text,
                    url.span().start,
                    format!("[request] endpoint `{}` {why}", url.get_ref()),
                )
                .hint("write the https URL of the program's form backend or CRM, e.g. \"https://forms.example.org/partner-requests\" (http:// only for 127.0.0.1 or localhost, in tests)"),
            );
            None
        }
    }
}

/// The origin (`https://host[:port]`, host in lower case) of an endpoint URL, or why it
/// cannot be one.
pub fn endpoint_origin(url: &str) -> Result<String, &'static str> {
    let (scheme, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => ("https", rest),
        (None, Some(rest)) => ("http", rest),
        (None, None) => return Err("is not an https URL"),
    };
    let bad = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    };
    if url.chars().any(bad) {
        return Err("holds a space, a quote or another character a URL cannot hold");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("holds a user name or password");
    }
    if authority.starts_with('[') {
        return Err("names an IPv6 address, which the pages' Content-Security-Policy cannot allow");
    }
    let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    if !host_ok {
        return Err("has no valid host name (ASCII letters, digits, `.` and `-`)");
    }
    if authority.contains(':') && port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err("has a port that is not a number from 1 to 65535");
    }
    let host = host.to_ascii_lowercase();
    if scheme == "http" && host != "127.0.0.1" && host != "localhost" {
        return Err(
            "uses http://, which would send a buyer's details unencrypted (http:// is only accepted for 127.0.0.1 and localhost)",
        );
    }
    Ok(match port {
        "" => format!("{scheme}://{host}"),
        _ => format!("{scheme}://{host}:{port}"),
    })
}

/// The export columns the form posts may not be the names of its own consent and
/// honeypot fields.
fn check_reserved(
    raw: &RawRequest,
    mapped: &[(String, &str)],
    text: &str,
    diags: &mut Diagnostics,
) {
    let posted = mapped.iter().filter(|(key, _)| {
        key.starts_with("[leads.categories]")
            || key == "[leads.columns] country"
            || key == "[leads.columns] requested_partner"
    });
    let contact = raw.contact.fields().into_iter().map(|(role, col)| {
        (
            col.span(),
            format!("[request.contact] {}", role.id()),
            col.get_ref().as_str(),
        )
    });
    let posted = posted
        .map(|(key, col)| (raw.endpoint.span(), key.clone(), *col))
        .chain(contact);
    for (span, key, col) in posted {
        let field = match col {
            CONSENT_FIELD => "consent checkbox",
            HONEYPOT_FIELD => "honeypot field (the one bots fill)",
            _ => continue,
        };
        diags.push(
            error_at(
                text,
                span.start,
                format!("{key} reads the column `{col}`, the name of the request form's {field}"),
            )
            .hint(format!(
                "rename that export column: the form keeps `{CONSENT_FIELD}` and `{HONEYPOT_FIELD}` for itself"
            )),
        );
    }
}

/// `[request.contact]`: known roles, each its own column, `email` among them.
fn check_contact(
    raw: &RawRequest,
    mapped: &[(String, &str)],
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<(ContactRole, String)> {
    let mut mapped: Vec<(String, &str)> = mapped.to_vec();
    let mut out = Vec::new();
    for (role, col) in raw.contact.fields() {
        let column = col.get_ref();
        let here = format!("[request.contact] {}", role.id());
        if column.trim().is_empty() {
            diags.push(
                error_at(
                    text,
                    col.span().start,
                    format!("{here}: the column name is empty"),
                )
                .hint("name the export column this field is stored in, e.g. \"email\""),
            );
        } else if let Some((other, _)) = mapped.iter().find(|(_, c)| *c == column) {
            diags.push(
                error_at(
                    text,
                    col.span().start,
                    format!("{here} reads the column `{column}`, already mapped by {other}"),
                )
                .hint("each field of the form posts one column of the export: give this one its own column"),
            );
        }
        mapped.push((here, column.as_str()));
        out.push((role, column.clone()));
    }
    if raw.contact.email.is_none() {
        let offset = text
            .find("[request.contact]")
            .unwrap_or(raw.endpoint.span().start);
        diags.push(
            Diagnostic::error(super::SITE_FILE, "[request.contact] has no `email` field")
                .at_offset(text, offset, 0)
                .hint("the program answers the buyer by e-mail: add email = \"email\" (the export column it is stored in) to [request.contact]"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::endpoint_origin;

    #[test]
    fn endpoint_origins_a_csp_can_name() {
        for (url, origin) in [
            ("https://forms.example.org/in", "https://forms.example.org"),
            (
                "https://Forms.Example.ORG:8443/a?b=c&d",
                "https://forms.example.org:8443",
            ),
            ("https://crm.example.org", "https://crm.example.org"),
            ("http://127.0.0.1:41234/submit", "http://127.0.0.1:41234"),
            ("http://localhost/x", "http://localhost"),
        ] {
            assert_eq!(endpoint_origin(url).as_deref(), Ok(origin), "{url}");
        }
        for url in [
            "forms.example.org/in",
            "ftp://x.org/",
            "http://x.org/in",
            "http://127.0.0.2/in",
            "http://[::1]:8080/in",
            "https://u@x.org/",
            "https://x.org:99999/",
            "https://x.org:/",
            "https:///in",
            "https://-x.org/",
            "https://x.org/a\"b",
            "https://x.org/'; script-src *",
            "https://x.org;script-src/",
            "https://bücher.example/",
        ] {
            assert!(endpoint_origin(url).is_err(), "{url}");
        }
    }
}
