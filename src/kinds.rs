//! The table of content kinds: where each kind's files live, which front matter they
//! have, how the site words, lists and feeds them, and whether the required-content
//! rules count them. Loading, the model, `new partner` and the rules read [`KINDS`]
//! instead of naming kinds one by one; see CONTRIBUTING.md, "Adding a content kind".

use crate::config;

/// Which front matter (and model type) a kind's files have. A new shape is a new
/// front-matter struct and model type in `content/`; a new kind with an existing
/// shape needs neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// [`crate::content::CaseStudy`]: title, date, client, anonymous, summary, tags, draft.
    CaseStudy,
    /// [`crate::content::Post`]: title, date, topic, summary, draft.
    Post,
    /// [`crate::content::Testimonial`]: author, role, client, anonymous, date, draft.
    Testimonial,
    /// [`crate::content::Page`]: title, weight, draft.
    Page,
    /// Not a Markdown file: the `[[client_logos]]` entries of partner.toml
    /// ([`crate::content::ClientLogo`]).
    ClientLogo,
    /// [`crate::content::Decision`]: title, status, opened, closes, decided, affects,
    /// discussion, outcome, draft.
    Decision,
}

/// A paginated listing of every item of a kind, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// Output path of the first page (`case-studies/`); later pages add `page/<n>/`.
    pub path: &'static str,
    /// Page title and navigation label (`Case studies`).
    pub title: &'static str,
    /// The value of `kind` in the template's context (`case-studies`).
    pub section: &'static str,
    /// Template that renders each page (`list.html`).
    pub template: &'static str,
}

/// An Atom feed of a kind's newest items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feed {
    /// Output path (`case-studies/atom.xml`).
    pub path: &'static str,
    /// Feed title after the site's title (`<site> — Case studies`).
    pub title: &'static str,
}

/// One content kind. Every field is read by at least one stage; see the field docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The kind's id: its key in `[rules] require` and `[rules.overrides]`, in
    /// `check --format json` and in the contributions data (`case-studies`).
    pub id: &'static str,
    /// The front matter of its files.
    pub shape: Shape,
    /// Folder under `content/partners/<slug>/` holding a partner's items, if partners
    /// write this kind (`case-studies`).
    pub partner_folder: Option<&'static str>,
    /// Folder under `content/` holding the program's own items, if the program writes
    /// this kind (`blog` for posts, `pages`).
    pub program_folder: Option<&'static str>,
    /// Heading wording, capitalised (`Case studies`).
    pub label: &'static str,
    /// One item, lower case (`case study`).
    pub singular: &'static str,
    /// Several items, lower case (`case studies`).
    pub plural: &'static str,
    /// What the rules ask for, singular and plural, when it is more than the noun
    /// (`post on an approved topic`): the wording of "missing ..." diagnostics.
    pub required_nouns: (&'static str, &'static str),
    /// The rules' name for the kind when they count it ([`config::Kind`]); `None` for
    /// kinds no rule requires.
    pub rule: Option<config::Kind>,
    /// Template of an item's own page, if items have one (`case_study.html`).
    pub item_template: Option<&'static str>,
    /// URL section of item pages (`case-studies` -> `case-studies/<partner>/<slug>/`).
    pub item_section: Option<&'static str>,
    /// The listing of all items, if any.
    pub listing: Option<Listing>,
    /// The Atom feed, if any.
    pub feed: Option<Feed>,
    /// The example file `partnersite new partner` writes into the partner folder of
    /// the kind: `(file name, template)`. The template's `{year}`, `{draft}` and
    /// `{topic}` are filled in by [`crate::scaffold`].
    pub example: Option<(&'static str, &'static str)>,
}

/// Every content kind, in the order the site lists them (navigation, rules reports,
/// JSON keys).
pub static KINDS: &[Kind] = &[
    Kind {
        id: "case-studies",
        shape: Shape::CaseStudy,
        partner_folder: Some("case-studies"),
        program_folder: None,
        label: "Case studies",
        singular: "case study",
        plural: "case studies",
        required_nouns: ("case study", "case studies"),
        rule: Some(config::Kind::CaseStudies),
        item_template: Some("case_study.html"),
        item_section: Some("case-studies"),
        listing: Some(Listing {
            path: "case-studies/",
            title: "Case studies",
            section: "case-studies",
            template: "list.html",
        }),
        feed: Some(Feed {
            path: "case-studies/atom.xml",
            title: "Case studies",
        }),
        example: Some((
            "example-case-study.md",
            include_str!("scaffold/case-study.md"),
        )),
    },
    Kind {
        id: "posts",
        shape: Shape::Post,
        partner_folder: Some("posts"),
        program_folder: Some("blog"),
        label: "Posts",
        singular: "post",
        plural: "posts",
        required_nouns: ("post on an approved topic", "posts on an approved topic"),
        rule: Some(config::Kind::Posts),
        item_template: Some("post.html"),
        item_section: Some("blog"),
        listing: Some(Listing {
            path: "blog/",
            title: "Blog",
            section: "posts",
            template: "list.html",
        }),
        feed: Some(Feed {
            path: "blog/atom.xml",
            title: "Blog",
        }),
        example: Some(("example-post.md", include_str!("scaffold/post.md"))),
    },
    Kind {
        id: "testimonials",
        shape: Shape::Testimonial,
        partner_folder: Some("testimonials"),
        program_folder: None,
        label: "Testimonials",
        singular: "testimonial",
        plural: "testimonials",
        required_nouns: ("testimonial", "testimonials"),
        rule: Some(config::Kind::Testimonials),
        // Shown on the partner page and the listing only.
        item_template: None,
        item_section: None,
        listing: Some(Listing {
            path: "testimonials/",
            title: "Testimonials",
            section: "testimonials",
            template: "testimonials.html",
        }),
        feed: None,
        example: Some((
            "example-testimonial.md",
            include_str!("scaffold/testimonial.md"),
        )),
    },
    Kind {
        id: "client-logos",
        shape: Shape::ClientLogo,
        partner_folder: None,
        program_folder: None,
        label: "Client logos",
        singular: "client logo",
        plural: "client logos",
        required_nouns: ("client logo", "client logos"),
        rule: Some(config::Kind::ClientLogos),
        item_template: None,
        item_section: None,
        listing: Some(Listing {
            path: "clients/",
            title: "Clients",
            section: "clients",
            template: "clients.html",
        }),
        feed: None,
        example: None,
    },
    Kind {
        id: "pages",
        shape: Shape::Page,
        partner_folder: None,
        program_folder: Some("pages"),
        label: "Pages",
        singular: "page",
        plural: "pages",
        required_nouns: ("page", "pages"),
        rule: None,
        item_template: Some("page.html"),
        // Program pages live at the root: `<slug>/`.
        item_section: Some(""),
        listing: None,
        feed: None,
        example: None,
    },
    Kind {
        id: "decisions",
        shape: Shape::Decision,
        partner_folder: None,
        program_folder: Some("decisions"),
        label: "Decisions",
        singular: "decision",
        plural: "decisions",
        required_nouns: ("decision", "decisions"),
        rule: None,
        item_template: Some("decision.html"),
        item_section: Some("decisions"),
        listing: Some(Listing {
            path: "decisions/",
            title: "Decisions",
            section: "decisions",
            template: "decisions.html",
        }),
        feed: Some(Feed {
            path: "decisions/atom.xml",
            title: "Decisions",
        }),
        example: None,
    },
];

/// The kind with this id (`case-studies`).
pub fn by_id(id: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.id == id)
}

/// The kind of this front-matter shape (each shape has one kind today).
pub fn by_shape(shape: Shape) -> &'static Kind {
    KINDS.iter().find(|k| k.shape == shape).unwrap_or(&FALLBACK)
}

/// The kind whose items live in `content/partners/<slug>/<folder>/`.
pub fn by_partner_folder(folder: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.partner_folder == Some(folder))
}

/// The kind whose program items live in `content/<folder>/`.
pub fn by_program_folder(folder: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.program_folder == Some(folder))
}

/// The kind the rules call `rule`.
pub fn by_rule(rule: config::Kind) -> &'static Kind {
    KINDS
        .iter()
        .find(|k| k.rule == Some(rule))
        .unwrap_or(&FALLBACK)
}

/// Kinds a partner writes as Markdown files in a folder of their own, in table order.
pub fn partner_kinds() -> impl Iterator<Item = &'static Kind> {
    KINDS.iter().filter(|k| k.partner_folder.is_some())
}

/// Kinds the program writes in `content/<folder>/`, in table order.
pub fn program_kinds() -> impl Iterator<Item = &'static Kind> {
    KINDS.iter().filter(|k| k.program_folder.is_some())
}

/// Kinds the required-content rules count, in table order.
pub fn counted() -> impl Iterator<Item = &'static Kind> {
    KINDS.iter().filter(|k| k.rule.is_some())
}

/// Kinds with a listing, in table order (the navigation after "Partners").
pub fn listed() -> impl Iterator<Item = &'static Kind> {
    KINDS.iter().filter(|k| k.listing.is_some())
}

/// Kinds with a feed, in table order.
pub fn with_feed() -> impl Iterator<Item = &'static Kind> {
    KINDS.iter().filter(|k| k.feed.is_some())
}

impl Kind {
    /// `1 case study`, `2 posts on an approved topic`: what a rule still requires.
    pub fn required(&self, n: u64) -> String {
        let noun = if n == 1 {
            self.required_nouns.0
        } else {
            self.required_nouns.1
        };
        format!("{n} {noun}")
    }

    /// The partner folder names joined for a hint: `case-studies/, posts/, testimonials`.
    pub fn partner_folder_list() -> String {
        partner_kinds()
            .filter_map(|k| k.partner_folder)
            .collect::<Vec<_>>()
            .join("/, ")
    }
}

// Only reached if the table lost a row the code names (a unit test guards against it).
static FALLBACK: Kind = Kind {
    id: "",
    shape: Shape::Page,
    partner_folder: None,
    program_folder: None,
    label: "",
    singular: "",
    plural: "",
    required_nouns: ("", ""),
    rule: None,
    item_template: None,
    item_section: None,
    listing: None,
    feed: None,
    example: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_folders_are_unique() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in KINDS.iter().skip(i + 1) {
                assert_ne!(a.id, b.id);
                assert_ne!(a.shape, b.shape, "by_shape assumes one kind per shape");
                assert!(a.partner_folder.is_none() || a.partner_folder != b.partner_folder);
                assert!(a.program_folder.is_none() || a.program_folder != b.program_folder);
            }
        }
    }

    #[test]
    fn every_rule_kind_has_a_row_with_its_wording() {
        use serde::Deserialize;
        use serde::de::value::{Error, StrDeserializer};
        for rule in config::Kind::ALL {
            let k = by_rule(rule);
            assert_eq!(k.id, rule.id());
            // The id in site.toml (`require = ["case-studies"]`) is the table's id.
            let read = config::Kind::deserialize(StrDeserializer::<Error>::new(k.id));
            assert_eq!(read.ok(), Some(rule));
            assert!(!k.plural.is_empty() && !k.singular.is_empty());
        }
        // The rules count kinds in config::Kind::ALL's order.
        let order: Vec<_> = counted().filter_map(|k| k.rule).collect();
        assert_eq!(order, config::Kind::ALL);
    }

    #[test]
    fn lookups() {
        assert_eq!(by_id("posts").map(|k| k.singular), Some("post"));
        assert_eq!(
            by_partner_folder("case-studies").map(|k| k.id),
            Some("case-studies")
        );
        assert_eq!(by_program_folder("blog").map(|k| k.id), Some("posts"));
        assert_eq!(
            by_program_folder("decisions").map(|k| k.shape),
            Some(Shape::Decision)
        );
        assert_eq!(by_shape(Shape::Testimonial).id, "testimonials");
        assert!(by_partner_folder("clients").is_none());
        assert_eq!(
            by_rule(config::Kind::Posts).required(1),
            "1 post on an approved topic"
        );
        assert_eq!(
            by_rule(config::Kind::CaseStudies).required(2),
            "2 case studies"
        );
        assert_eq!(
            Kind::partner_folder_list(),
            "case-studies/, posts/, testimonials"
        );
    }
}
