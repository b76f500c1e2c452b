//! The header and footer links of a page, as base.html's `nav_header` and `nav_footer`:
//! `<li>` items with `aria-current` set for this page. Written here rather than looped in
//! the template because every page has them: the template loop, with its prefix tests,
//! was 6% of a build (N = 200, callgrind). Each link's markup is escaped once ([`Nav`]);
//! a page only joins the pieces. `site.nav` and `site.footer_nav` stay in every context
//! for themes that lay the links out themselves.

use super::theme::escape_into;
use super::views::NavLink;

/// The site's links, escaped once.
pub(super) struct Nav {
    header: Vec<Piece>,
    footer: Vec<Piece>,
    base: String,
    /// `<base>partners/`: the home link ("Partners") is the section of partner profiles.
    partners: String,
}

struct Piece {
    url: String,
    /// `<li><a href="…"`.
    open: String,
    /// `>title</a></li>`.
    close: String,
}

impl Piece {
    fn new(link: &NavLink) -> Piece {
        let mut open = String::from("<li><a href=\"");
        escape_into(&mut open, &link.url);
        open.push('"');
        let mut close = String::from(">");
        escape_into(&mut close, &link.title);
        close.push_str("</a></li>");
        Piece {
            url: link.url.clone(),
            open,
            close,
        }
    }

    fn write(&self, out: &mut String, current: Option<&str>) {
        out.push_str(&self.open);
        if let Some(c) = current {
            out.push_str(" aria-current=\"");
            out.push_str(c);
            out.push('"');
        }
        out.push_str(&self.close);
    }
}

impl Nav {
    pub fn new((header, footer): &(Vec<NavLink>, Vec<NavLink>), base: &str) -> Nav {
        Nav {
            header: header.iter().map(Piece::new).collect(),
            footer: footer.iter().map(Piece::new).collect(),
            base: base.to_string(),
            partners: format!("{base}partners/"),
        }
    }

    /// The header's items for the page at `url`: a link is current (`page`) when it is
    /// the page, or its section (`true`) when the page is under it.
    pub fn header(&self, url: &str) -> String {
        let mut out = String::with_capacity(self.header.len() * 80);
        for p in &self.header {
            let section = match p.url == self.base {
                true => url.starts_with(&self.partners),
                false => url.starts_with(&p.url),
            };
            let current = if p.url == url {
                Some("page")
            } else if section {
                Some("true")
            } else {
                None
            };
            p.write(&mut out, current);
        }
        out
    }

    /// The footer's items: current (`page`) on the link's page, `true` under it.
    pub fn footer(&self, url: &str) -> String {
        let mut out = String::with_capacity(self.footer.len() * 80);
        for p in &self.footer {
            let current = if p.url == url {
                Some("page")
            } else if url.starts_with(&p.url) {
                Some("true")
            } else {
                None
            };
            p.write(&mut out, current);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(urls: &[&str]) -> Vec<NavLink> {
        urls.iter()
            .map(|u| NavLink {
                title: format!("T<{u}>"),
                url: u.to_string(),
            })
            .collect()
    }

    #[test]
    fn marks_the_page_and_its_sections() {
        let nav = Nav::new(
            &(
                links(&["/p/", "/p/blog/", "/p/about/"]),
                links(&["/p/rules/"]),
            ),
            "/p/",
        );
        assert_eq!(
            nav.header("/p/blog/x/"),
            "<li><a href=\"/p/\">T&lt;/p/&gt;</a></li>\
             <li><a href=\"/p/blog/\" aria-current=\"true\">T&lt;/p/blog/&gt;</a></li>\
             <li><a href=\"/p/about/\">T&lt;/p/about/&gt;</a></li>"
        );
        let home = "<li><a href=\"/p/\" aria-current=\"page\">";
        assert!(nav.header("/p/").starts_with(home));
        let section = "<li><a href=\"/p/\" aria-current=\"true\">";
        assert!(nav.header("/p/partners/a/").starts_with(section));
        assert!(nav.footer("/p/rules/").contains("aria-current=\"page\""));
        assert!(
            nav.footer("/p/rules/2026/")
                .contains("aria-current=\"true\"")
        );
        assert!(!nav.footer("/p/").contains("aria-current"));
    }
}
