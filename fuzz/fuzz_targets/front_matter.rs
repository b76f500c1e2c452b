//! `content::split_front_matter` on arbitrary text: never panics, and what it returns
//! is made of the input (front matter and body are slices of it, in order).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnersite::content::split_front_matter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(split) = split_front_matter(text) {
        assert!(split.front.len() + split.body.len() <= text.len());
        assert!(text.contains(split.front));
        assert!(text.ends_with(split.body));
        assert_eq!(split.front_line_offset, 1);
        // What the loader does next: the front matter goes to the TOML parser.
        // (The loader deserializes it into typed structs; a generic table exercises the
        // same parser on the same slice.)
        let _ = split.front.parse::<toml::Table>();
    }
});
