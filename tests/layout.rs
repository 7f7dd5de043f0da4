//! The crate's layout rules, checked on its own source (docs/ARCHITECTURE.md, "What may import
//! what"): inside any folder of `src/` the modules' imports form no loop, and no module imports
//! an item from an ancestor module (a folder's `mod.rs` is for declarations and for re-exports
//! that serve outside users; its children import their siblings directly).
//!
//! A module's imports are the `crate::…` and `super::…` paths it names outside its test-only
//! inline modules (`#[cfg(test)] mod tests { … }`) and outside files that are themselves test
//! modules: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type ModPath = Vec<String>;

/// One source file: its module path and its text.
struct File {
    module: ModPath,
    text: String,
}

fn module_of(rel: &str) -> ModPath {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: ModPath = rel.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<File>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "bin") {
                continue; // binaries are crates of their own
            }
            collect(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel == "main.rs" {
                continue;
            }
            out.push(File {
                module: module_of(&rel),
                text: fs::read_to_string(&p).unwrap(),
            });
        }
    }
}

/// The text without comments and test-only inline modules, each line with the number of
/// (non-test) inline modules it sits in, which `super::` counts too.
fn code_lines(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut skip_until: Option<String> = None;
    let mut open: Vec<String> = Vec::new();
    let mut prev_cfg_test = false;
    for raw in text.lines() {
        let line = match raw.find("//") {
            Some(i) => &raw[..i],
            None => raw,
        };
        if let Some(indent) = &skip_until {
            if line.trim_end() == format!("{indent}}}") {
                skip_until = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if is_inline_mod(trimmed) {
            if prev_cfg_test {
                skip_until = Some(indent.to_string());
                prev_cfg_test = false;
                continue;
            }
            open.push(indent.to_string());
        } else if open
            .last()
            .is_some_and(|i| line.trim_end() == format!("{i}}}"))
        {
            open.pop();
        }
        if !trimmed.is_empty() {
            prev_cfg_test = trimmed.starts_with("#[cfg(") && trimmed.contains("test");
        }
        out.push((line.to_string(), open.len()));
    }
    out
}

fn is_inline_mod(trimmed: &str) -> bool {
    let rest = trimmed
        .strip_prefix("pub(crate) ")
        .or_else(|| trimmed.strip_prefix("pub "))
        .unwrap_or(trimmed);
    rest.starts_with("mod ") && rest.trim_end().ends_with('{')
}

/// Children declared test-only by their parent (`#[cfg(test)] mod tests;`).
fn test_only_children(file: &File) -> Vec<ModPath> {
    let mut out = Vec::new();
    let mut prev_cfg_test = false;
    for line in file.text.lines() {
        let t = line.trim();
        if prev_cfg_test && (t.starts_with("mod ") || t.starts_with("pub mod ")) && t.ends_with(';')
        {
            let name = t.trim_end_matches(';').rsplit(' ').next().unwrap();
            let mut m = file.module.clone();
            m.push(name.to_string());
            out.push(m);
        }
        if !t.is_empty() {
            prev_cfg_test = t.starts_with("#[cfg(") && t.contains("test");
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands `a::{b::C, d}` (nesting allowed) into full paths; `rest` starts after `crate::`.
fn expand(rest: &str, prefix: &[String], out: &mut Vec<ModPath>) {
    let mut path: ModPath = prefix.to_vec();
    let mut chars = rest.char_indices().peekable();
    let mut seg = String::new();
    while let Some((i, c)) = chars.next() {
        if is_ident_char(c) {
            seg.push(c);
        } else if c == ':' && chars.peek().map(|p| p.1) == Some(':') {
            chars.next();
            path.push(std::mem::take(&mut seg));
        } else if c == '{' {
            // Split the group at top-level commas.
            let body = &rest[i + 1..];
            let mut depth = 0;
            let mut start = 0;
            for (j, d) in body.char_indices() {
                match d {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(body[start..j].trim(), &path, out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(body[start..j].trim(), &path, out);
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            return;
        } else {
            break;
        }
    }
    if !seg.is_empty() {
        path.push(seg);
    }
    out.push(path);
}

/// Every module path a file names, as absolute paths below the crate root.
fn named_paths(file: &File) -> Vec<ModPath> {
    let lines = code_lines(&file.text);
    let mut code = String::new();
    let mut starts = Vec::new(); // (offset, inline depth) of each line
    for (line, depth) in &lines {
        starts.push((code.len(), *depth));
        code.push_str(line);
        code.push('\n');
    }
    let depth_at = |at: usize| starts[starts.partition_point(|s| s.0 <= at) - 1].1;
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        if i > 0 && code[..i].ends_with(|c: char| is_ident_char(c) || c == '$') {
            continue;
        }
        expand(&code[i + "crate::".len()..], &[], &mut out);
    }
    let mut i = 0;
    while let Some(j) = code[i..].find("super::") {
        let at = i + j;
        let before_ok = at == 0 || !code[..at].ends_with(|c: char| is_ident_char(c) || c == ':');
        let mut end = at;
        let mut levels = 0usize;
        while code[end..].starts_with("super::") {
            end += "super::".len();
            levels += 1;
        }
        // Inside an inline module the first `super`s only climb back to the file's module.
        let levels = levels.saturating_sub(depth_at(at));
        if before_ok && levels > 0 && levels <= file.module.len() {
            let base = &file.module[..file.module.len() - levels];
            expand(&code[end..], base, &mut out);
        }
        i = end;
    }
    out
}

/// What the layout check finds: import loops inside a folder, and upward imports.
fn check(files: &[File]) -> Vec<String> {
    let modules: BTreeSet<ModPath> = files.iter().map(|f| f.module.clone()).collect();
    let test_only: BTreeSet<ModPath> = files.iter().flat_map(test_only_children).collect();
    // `#[macro_export]` macros live at the crate root whatever file defines them.
    let macros: BTreeSet<String> = files
        .iter()
        .flat_map(|f| f.text.lines())
        .filter_map(|l| l.trim().strip_prefix("macro_rules! "))
        .map(|rest| rest.trim_end_matches(" {").trim().to_string())
        .collect();
    let resolve = |p: &ModPath| -> Option<ModPath> {
        (1..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|m| modules.contains(m))
    };
    let mut problems = Vec::new();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for f in files {
        if test_only.iter().any(|t| f.module.starts_with(t)) {
            continue;
        }
        for p in named_paths(f) {
            if p.len() == 1 && macros.contains(&p[0]) {
                continue;
            }
            // Upward: an item of an ancestor module, not one of its child modules.
            for n in 0..f.module.len() {
                let anc = &f.module[..n];
                if p.len() > n && p.starts_with(anc) && !modules.contains(&p[..=n]) {
                    problems.push(format!(
                        "upward import: {} uses crate::{}",
                        f.module.join("/"),
                        p.join("::")
                    ));
                }
            }
            if let Some(t) = resolve(&p) {
                if !f.module.starts_with(&t) && t != f.module {
                    edges.entry(f.module.clone()).or_default().insert(t);
                }
            }
        }
    }
    // For every folder, the graph between its children (a child stands for all below it).
    let folders: BTreeSet<ModPath> = modules
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| m[..m.len() - 1].to_vec())
        .collect();
    for folder in folders {
        let child = |m: &ModPath| -> Option<ModPath> {
            (m.len() > folder.len() && m.starts_with(&folder)).then(|| m[..=folder.len()].to_vec())
        };
        let mut adj: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
        for (from, tos) in &edges {
            let Some(a) = child(from) else { continue };
            for to in tos {
                if let Some(b) = child(to) {
                    if a != b {
                        adj.entry(a.clone()).or_default().insert(b);
                    }
                }
            }
        }
        for component in strongly_connected(&adj) {
            if component.len() > 1 {
                let names: Vec<String> = component.iter().map(|m| m.join("/")).collect();
                let name = if folder.is_empty() {
                    "src".to_string()
                } else {
                    folder.join("/")
                };
                problems.push(format!("import loop in {name}: {}", names.join(", ")));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Tarjan's algorithm, iteratively.
fn strongly_connected(adj: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    let nodes: Vec<&ModPath> = adj.keys().chain(adj.values().flatten()).collect();
    let nodes: BTreeSet<&ModPath> = nodes.into_iter().collect();
    let index_of: BTreeMap<&ModPath, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let list: Vec<&ModPath> = nodes.into_iter().collect();
    let succ: Vec<Vec<usize>> = list
        .iter()
        .map(|n| {
            adj.get(*n)
                .map_or(Vec::new(), |s| s.iter().map(|t| index_of[t]).collect())
        })
        .collect();
    let n = list.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let (mut on_stack, mut stack, mut out) = (vec![false; n], Vec::new(), Vec::new());
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if *next == 0 && index[v] == usize::MAX {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                loop {
                    let w = stack.pop().unwrap();
                    on_stack[w] = false;
                    comp.push(list[w].clone());
                    if w == v {
                        break;
                    }
                }
                comp.sort();
                out.push(comp);
            }
        }
    }
    out
}

#[test]
fn the_source_tree_has_no_import_loop_and_no_upward_import() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    assert!(files.len() > 50, "read {} files under src/", files.len());
    let problems = check(&files);
    assert!(
        problems.is_empty(),
        "layout rules broken (see docs/ARCHITECTURE.md):\n{}",
        problems.join("\n")
    );
}

fn file(rel: &str, text: &str) -> File {
    File {
        module: module_of(rel),
        text: text.to_string(),
    }
}

#[test]
fn the_check_sees_a_loop_an_upward_import_and_ignores_tests() {
    let files = [
        file("lib.rs", "pub mod a;\n"),
        file("a/mod.rs", "pub mod x;\npub mod y;\npub struct Top;\n"),
        file("a/x.rs", "use crate::a::y::Y;\npub struct X;\n"),
        file("a/y.rs", "use super::{x::X, Top};\npub struct Y;\n"),
    ];
    let problems = check(&files);
    assert_eq!(
        problems,
        [
            "import loop in a: a/x, a/y".to_string(),
            "upward import: a/y uses crate::a::Top".to_string(),
        ]
    );
    let files = [
        file("lib.rs", "pub mod a;\n"),
        file(
            "a/mod.rs",
            "pub mod x;\npub mod y;\n#[cfg(test)]\nmod tests;\n",
        ),
        file(
            "a/x.rs",
            "use crate::a::y::Y; // crate::a::Nope\npub struct X;\n",
        ),
        file(
            "a/y.rs",
            "pub struct Y;\n#[cfg(test)]\nmod tests {\n    use crate::a::x::X;\n}\n",
        ),
        file(
            "a/tests.rs",
            "use crate::a::x::X;\nuse crate::a::Anything;\n",
        ),
    ];
    assert_eq!(check(&files), Vec::<String>::new());
}
