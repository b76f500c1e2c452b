//! The `human_date` template filter: `2026-03-14` as a visitor reads it in the site's
//! language ("14 March 2026", "14 mars 2026", "14. März 2026"), for the languages of
//! [`LANGUAGES`]; any other language gets English. Feeds, the sitemap and JSON keep ISO.

use crate::date::Date;
use tera::{Kwargs, State, TeraResult, Value};

/// How one language writes a date: month names, and the words around them.
struct Style {
    months: [&'static str; 12],
    /// Day 1 written as an ordinal ("1er" in French), else `None`.
    first: Option<&'static str>,
    /// After the day ("." in German).
    day_suffix: &'static str,
    /// Between day and month, and between month and year (" de " in Spanish).
    before_month: &'static str,
    before_year: &'static str,
}

const EN: Style = Style {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    first: None,
    day_suffix: "",
    before_month: " ",
    before_year: " ",
};

/// The languages with their own table (ISO 639-1), as the README lists them.
#[cfg(test)]
pub const LANGUAGES: &[&str] = &["en", "fr", "de", "es", "pt", "it", "nl"];

const FR: Style = Style {
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    first: Some("1er"),
    ..EN
};
const DE: Style = Style {
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    day_suffix: ".",
    ..EN
};
const ES: Style = Style {
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    before_month: " de ",
    before_year: " de ",
    ..EN
};
const PT: Style = Style {
    months: [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    before_month: " de ",
    before_year: " de ",
    ..EN
};
const IT: Style = Style {
    months: [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    first: Some("1º"),
    ..EN
};
const NL: Style = Style {
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    ..EN
};
fn style(lang: &str) -> &'static Style {
    // `pt-BR`, `fr_CA`, `DE`: the primary subtag decides.
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    match primary.to_ascii_lowercase().as_str() {
        "fr" => &FR,
        "de" => &DE,
        "es" => &ES,
        "pt" => &PT,
        "it" => &IT,
        "nl" => &NL,
        _ => &EN,
    }
}

/// `date` written out in `lang` (English for a language without a table).
pub fn human(date: Date, lang: &str) -> String {
    let s = style(lang);
    let month = s
        .months
        .get(usize::from(date.month).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    let day = match (date.day, s.first) {
        (1, Some(first)) => first.to_string(),
        (d, _) => format!("{d}{}", s.day_suffix),
    };
    format!(
        "{day}{}{month}{}{}",
        s.before_month, s.before_year, date.year
    )
}

/// `{{ item.date | human_date }}`: a `YYYY-MM-DD` string written out in the site's
/// language (`site.language` of the context; `lang="fr"` overrides it; English without
/// either). Anything else is a template error naming the value.
pub fn filter(value: &Value, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    let site = state.get::<Value>("site")?;
    let site_lang = site
        .as_ref()
        .and_then(|s| s.get_from_path("language"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let lang = match kwargs.get::<Value>("lang")? {
        Some(l) => l.as_str().map(str::to_string).ok_or_else(|| {
            tera::Error::message(format!(
                "human_date: `lang` must be a language code such as \"fr\", not a {}",
                l.name()
            ))
        })?,
        None => site_lang.unwrap_or_else(|| "en".to_string()),
    };
    let date = value.as_str().and_then(Date::parse).ok_or_else(|| {
        tera::Error::message(format!(
            "human_date: expected a date written YYYY-MM-DD, got `{}`",
            value
                .as_str()
                .map_or_else(|| value.name().to_string(), str::to_string)
        ))
    })?;
    Ok(human(date, &lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(lang: &str, iso: &str) -> String {
        human(Date::parse(iso).unwrap(), lang)
    }

    #[test]
    fn english() {
        assert_eq!(on("en", "2026-03-14"), "14 March 2026");
        assert_eq!(on("en", "2026-01-01"), "1 January 2026");
        assert_eq!(on("en-GB", "2025-12-31"), "31 December 2025");
    }

    #[test]
    fn french_writes_the_first_as_an_ordinal() {
        assert_eq!(on("fr", "2026-03-14"), "14 mars 2026");
        assert_eq!(on("fr", "2026-08-01"), "1er août 2026");
        assert_eq!(on("fr-CA", "2026-12-25"), "25 décembre 2026");
    }

    #[test]
    fn german_puts_a_full_stop_after_the_day() {
        assert_eq!(on("de", "2026-03-14"), "14. März 2026");
        assert_eq!(on("de", "2026-01-01"), "1. Januar 2026");
    }

    #[test]
    fn spanish_and_portuguese_join_with_de() {
        assert_eq!(on("es", "2026-03-14"), "14 de marzo de 2026");
        assert_eq!(on("es", "2026-09-01"), "1 de septiembre de 2026");
        assert_eq!(on("pt", "2026-03-14"), "14 de março de 2026");
        assert_eq!(on("pt-BR", "2026-02-01"), "1 de fevereiro de 2026");
    }

    #[test]
    fn italian_writes_the_first_as_an_ordinal() {
        assert_eq!(on("it", "2026-03-14"), "14 marzo 2026");
        assert_eq!(on("it", "2026-05-01"), "1º maggio 2026");
    }

    #[test]
    fn dutch() {
        assert_eq!(on("nl", "2026-03-14"), "14 maart 2026");
        assert_eq!(on("nl", "2026-10-01"), "1 oktober 2026");
    }

    #[test]
    fn other_languages_fall_back_to_english() {
        for lang in ["sv", "ja", "", "x"] {
            assert_eq!(on(lang, "2026-03-14"), "14 March 2026", "{lang:?}");
        }
    }

    #[test]
    fn every_listed_language_has_its_own_months() {
        let marches: std::collections::BTreeSet<String> =
            LANGUAGES.iter().map(|l| on(l, "2026-03-02")).collect();
        assert_eq!(marches.len(), LANGUAGES.len(), "{marches:?}");
    }

    fn run(value: Value, kwargs: Kwargs, site_lang: Option<&str>) -> TeraResult<String> {
        let mut ctx = tera::Context::new();
        if let Some(l) = site_lang {
            ctx.insert("site", &std::collections::BTreeMap::from([("language", l)]));
        }
        filter(&value, kwargs, &State::new(&ctx))
    }

    #[test]
    fn the_filter_follows_the_site_language_unless_told_otherwise() {
        let d = || Value::from("2026-03-14");
        let none = Kwargs::default;
        assert_eq!(run(d(), none(), Some("de")).unwrap(), "14. März 2026");
        assert_eq!(run(d(), none(), None).unwrap(), "14 March 2026");
        let fr = || Kwargs::from([("lang", Value::from("fr"))]);
        assert_eq!(run(d(), fr(), Some("de")).unwrap(), "14 mars 2026");
        assert_eq!(run(d(), fr(), None).unwrap(), "14 mars 2026");
    }

    #[test]
    fn the_filter_refuses_what_is_not_a_date() {
        for bad in [Value::from("14/03/2026"), Value::from(3), Value::none()] {
            let e = run(bad, Kwargs::default(), Some("en")).unwrap_err();
            assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
        }
        let lang = Kwargs::from([("lang", Value::from(1))]);
        assert!(run(Value::from("2026-03-14"), lang, None).is_err());
    }
}
