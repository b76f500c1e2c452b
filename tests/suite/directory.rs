//! The directory's client data (issue 12): what `partners.json` carries for the home
//! page's filters (search text, case-study counts, the region -> countries map) and the
//! filter form the home page ships hidden for directory.js.

use crate::common;

use common::{SiteTest, attr, one, select, text};
use serde_json::Value;

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    site
}

fn partner<'a>(json: &'a Value, slug: &str) -> &'a Value {
    json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} not in partners.json"))
}

#[test]
fn partners_json_carries_a_folded_search_text_and_case_study_counts() {
    let site = built_example();
    let json = site.json("partners.json");
    assert_eq!(json["version"], 1, "additive fields keep version 1");
    for p in json["partners"].as_array().unwrap() {
        let slug = p["slug"].as_str().unwrap();
        let search = p["search"]
            .as_str()
            .unwrap_or_else(|| panic!("{slug}: no search"));
        assert!(
            search
                .chars()
                .all(|c| c == ' ' || c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{slug}: search text not folded to lower-case ASCII words: {search}"
        );
        assert!(!search.contains("  ") && !search.starts_with(' ') && !search.ends_with(' '));
        let words: Vec<&str> = search.split(' ').collect();
        let mut distinct = words.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            words.len(),
            "{slug}: a word twice in {search}"
        );
        let head = p["name"].as_str().unwrap().len() + p["summary"].as_str().unwrap().len();
        assert!(
            search.len() <= head + 481,
            "{slug}: search text of {} bytes",
            search.len()
        );
        // The count is what the site publishes: one page per case study of the partner.
        let dir = site.public().join("case-studies").join(slug);
        let pages = std::fs::read_dir(&dir).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().join("index.html").is_file() && e.file_name() != "page")
                .count()
        });
        assert_eq!(p["case_studies"], pages, "{slug}: case_studies");
    }
    let ostersjo = partner(&json, "ostersjo-larande")["search"]
        .as_str()
        .unwrap();
    // Name folded; "Norrköping" and "Turku" come from about.md only, no markup kept.
    for word in ["ostersjo", "larande", "norrkoping", "turku"] {
        assert!(
            ostersjo.split(' ').any(|w| w == word),
            "{word} not in {ostersjo}"
        );
    }
    assert!(!ostersjo.split(' ').any(|w| w == "the" || w == "strong"));
}

#[test]
fn partners_json_maps_regions_to_the_countries_they_serve() {
    let site = built_example();
    let json = site.json("partners.json");
    let regions = json["region_countries"]
        .as_object()
        .expect("region_countries");
    let ids: Vec<&str> = regions.keys().map(String::as_str).collect();
    for id in [
        "africa",
        "asia-pacific",
        "europe",
        "latin-america",
        "middle-east",
        "north-america",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    let europe: Vec<&str> = regions["europe"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        europe.contains(&"fr") && europe.contains(&"de"),
        "{europe:?}"
    );
    let serves = json["vocabularies"]["serves"]
        .as_array()
        .expect("vocabularies.serves");
    let pairs: Vec<(&str, &str)> = serves
        .iter()
        .map(|t| (t[0].as_str().unwrap(), t[1].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&("fr", "France")), "{pairs:?}");
    // By name, accents ignored ("Côte d'Ivoire" with "Costa Rica").
    let names: Vec<String> = pairs
        .iter()
        .map(|p| partnersite::content::sort_key(p.1))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "vocabularies.serves is by name");
    let mut codes: Vec<&str> = regions
        .values()
        .flat_map(|v| v.as_array().unwrap().iter().map(|c| c.as_str().unwrap()))
        .collect();
    codes.sort();
    codes.dedup();
    let mut named: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    named.sort();
    assert_eq!(named, codes, "every country of a region is named once");
}

#[test]
fn home_ships_multi_select_facets_and_a_serves_country_filter_hidden() {
    let site = built_example();
    let doc = site.html("index.html");
    let form = one(&doc, "form#filters");
    assert!(
        form.value().attr("hidden").is_some(),
        "the form shows without JavaScript"
    );
    let boxes = select(&doc, "#filters input[type=checkbox][data-facet=services]");
    let json = site.json("partners.json");
    assert_eq!(
        boxes.len(),
        json["vocabularies"]["services"].as_array().unwrap().len(),
        "one checkbox per service"
    );
    let summaries: Vec<String> = select(&doc, "#filters details.facet summary")
        .into_iter()
        .map(text)
        .collect();
    assert!(
        summaries.contains(&"Headquarters".to_string()),
        "{summaries:?}"
    );
    assert!(
        summaries.contains(&"Region served".to_string()),
        "{summaries:?}"
    );
    assert_eq!(text(one(&doc, "label[for=f-serves]")), "Serves country");
    let groups = select(&doc, "#f-serves optgroup");
    assert_eq!(groups.len(), 6, "one group per region");
    assert!(groups.iter().any(|g| attr(*g, "label") == "Europe"));
    let sorts: Vec<&str> = select(&doc, "#f-sort option")
        .into_iter()
        .map(|o| attr(o, "value"))
        .collect();
    assert_eq!(sorts, ["", "newest", "case-studies"]);
    assert_eq!(
        select(&doc, "#dir-empty[hidden]").len(),
        1,
        "the empty state"
    );
}
