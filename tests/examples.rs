//! The example documentation page (`examples/seed-walkthrough.html`, copied into
//! `dist/examples/`) embeds the scenarios of `examples/scenarios/`: each embed's link must decode
//! to its file's text, so page and files cannot drift (`REWRITE=1 cargo test --test examples`
//! writes the links from the files), and each scenario must run and meet its `expect` lines.
#![cfg(feature = "web")]

use std::path::{Path, PathBuf};

use mirrorscope::sim::scenario::{self, report};
use mirrorscope::sim::time::Micros;
use mirrorscope::ui::share::{hash_for, parse_hash};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

const PAGE: &str = "seed-walkthrough.html";

/// The link for a scenario, as the playground's Share writes it, without its `#` and time.
fn link_for(text: &str) -> String {
    let hash = hash_for(text, Micros::ZERO);
    hash.trim_start_matches('#')
        .trim_end_matches("&t=0")
        .to_string()
}

/// Each embed of the page: (the scenario file it names, the byte range of its link).
fn embeds(page: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for (at, _) in page.match_indices("data-scenario=\"") {
        let tag_start = page[..at].rfind('<').expect("inside a tag");
        let tag_end = at + page[at..].find('>').expect("tag closes");
        let tag = &page[tag_start..tag_end];
        let file = tag
            .split("data-scenario=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("file named")
            .to_string();
        // The iframe form: the link is the hash of `src`; the element form: `data-mirrorscope`.
        let (start, end) = if let Some(i) = tag.find("data-mirrorscope=\"") {
            let s = i + "data-mirrorscope=\"".len();
            (s, s + tag[s..].find('"').expect("value closes"))
        } else {
            let src = tag.find("src=\"").expect("an iframe's src");
            let s = src + tag[src..].find('#').expect("src has a hash") + 1;
            (s, s + tag[s..].find('"').expect("src closes"))
        };
        out.push((file, tag_start + start..tag_start + end));
    }
    out
}

#[test]
fn every_embed_of_the_example_page_carries_its_scenario_file() {
    let path = examples().join(PAGE);
    let mut page = std::fs::read_to_string(&path).expect("the example page");
    let found = embeds(&page);
    assert_eq!(found.len(), 2, "the page embeds two scenarios");
    if std::env::var_os("REWRITE").is_some() {
        // From the last embed back, so the earlier ranges stay valid.
        for (file, range) in found.iter().rev() {
            let text = std::fs::read_to_string(examples().join("scenarios").join(file))
                .expect("scenario file");
            page.replace_range(range.clone(), &link_for(&text).replace('&', "&amp;"));
        }
        std::fs::write(&path, &page).expect("page written");
        return;
    }
    for (file, range) in found {
        let text = std::fs::read_to_string(examples().join("scenarios").join(&file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let link = page[range].replace("&amp;", "&");
        match parse_hash(&format!("#{link}")) {
            Some(Ok((decoded, _))) => assert_eq!(
                decoded, text,
                "{PAGE}: the link for {file} does not carry the file's text (REWRITE=1 cargo test --test examples)"
            ),
            other => panic!("{PAGE}: the link for {file} does not decode: {other:?}"),
        }
    }
}

#[test]
fn the_example_scenarios_meet_their_expectations() {
    let dir = examples().join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/scenarios")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        let run = scenario::run_text(&text, None)
            .unwrap_or_else(|e| panic!("{}:{}: {}", f.display(), e.line, e.message));
        assert!(
            !run.expectations.is_empty(),
            "{} has no expect lines",
            f.display()
        );
        assert!(
            run.all_passed(),
            "{}\n{}",
            f.display(),
            report::to_text(&run)
        );
        assert!(
            run.steps.iter().all(|s| s.exit_code != 2),
            "{}\n{}",
            f.display(),
            report::to_text(&run)
        );
    }
}
