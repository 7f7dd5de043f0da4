//! Splits a wasm module in two after linking, as binaryen's `wasm-split` does: the functions of
//! the parts the first screen does not need move to a second module that shares the first one's
//! memory, table and globals. Every function keeps its index in the first module; a moved one
//! that the first module still reaches becomes a stub that calls the loader (once) and then the
//! moved body through a new slot of the function table. docs/ARCHITECTURE.md, "What the first
//! screen downloads", has the design and the measured figures.

use std::collections::HashSet;

pub mod coverage;
pub mod data;
pub mod emit;
pub mod module;
pub mod parts;
pub mod plan;

/// What to split and how.
pub struct Options {
    /// The crate whose module paths `parts::DEFERRED` names (`mirrorscope`).
    pub crate_name: String,
    /// The exported function stubs call to load the second module.
    pub loader_export: String,
    /// Substrings of function names to keep in the first module.
    pub keep: Vec<String>,
    /// Names (`parts::plain`) of functions that move as well, whatever their part: those no first
    /// screen runs (`tests/e2e/first-screen-profile.mjs` lists them).
    pub cold: HashSet<String>,
    /// Linker maps, each with the linked module it describes (build.rs has wasm-ld write one
    /// per build of the app): with the one whose link the input came from, the read-only data
    /// only moved code reads moves too (data.rs). None given, no data moves.
    pub data: Vec<(data::Map, Vec<u8>)>,
    /// Keep the `name` section in the first module (for profiles and diagnostics).
    pub keep_names: bool,
    /// The largest body (bytes) of a first-module function that moved code calls to copy into
    /// the second module (`plan::Plan::copied`); 0 copies nothing.
    pub copy_max: usize,
    /// Stubs that report every call (see `emit::primary`), for finding what the first screen
    /// calls; never for a shipped build.
    pub trace: bool,
}

impl Options {
    /// The app's split as the build makes it: mirrorscope's parts, its loader, nothing kept or
    /// traced, names dropped, and the first module's functions of up to 1,000 bytes that moved
    /// code calls copied into the second (the simulator's message flow, moved by the profile,
    /// calls the allocator and the collections' small helpers all the time: without the copies
    /// the wasm ran 2.47 M events/s instead of 3.57 M, with them 3.22 M).
    pub fn app() -> Options {
        Options {
            crate_name: "mirrorscope".into(),
            loader_export: "mirrorscope_load_deferred".into(),
            keep: Vec::new(),
            cold: HashSet::new(),
            data: Vec::new(),
            keep_names: false,
            copy_max: 1000,
            trace: false,
        }
    }
}

/// The two modules and what moved.
pub struct Split {
    pub primary: Vec<u8>,
    pub secondary: Vec<u8>,
    pub moved: usize,
    pub stubbed: usize,
    /// Moved functions per part of `parts::DEFERRED`, then those the profile lists outside the
    /// parts, then those moved only because only moved code calls them.
    pub per_part: Vec<usize>,
    /// First-module functions copied into the second.
    pub copied: usize,
    /// Bytes of read-only data moved.
    pub data_moved: usize,
}

/// Splits `input` (a module that validates, with its `name` section); both outputs validate.
pub fn split(input: &[u8], opts: &Options) -> Result<Split, String> {
    let m = module::Module::read(input)?;
    if m.names.is_empty() {
        return Err(
            "the input has no function names (build it with data-keep-debug and wasm-opt -g)"
                .into(),
        );
    }
    let loader = m
        .exports
        .iter()
        .find(|(n, k, _)| n == &opts.loader_export && *k == wasmparser::ExternalKind::Func)
        .map(|(_, _, i)| *i)
        .ok_or_else(|| format!("no exported function {}", opts.loader_export))?;
    if m.func_types[loader as usize] != m.empty_type.ok_or("no type () -> ()")? {
        return Err(format!(
            "{} must take and return nothing",
            opts.loader_export
        ));
    }
    let plan = plan::plan(&m, opts, loader);
    let link = emit::link(&m, &plan)?;
    let moved_data = if opts.data.is_empty() {
        Vec::new()
    } else {
        let mut why = Vec::new();
        let map = opts
            .data
            .iter()
            .find_map(|(map, linked)| match data::check(map, linked, &m) {
                Ok(()) => Some(map),
                Err(e) => {
                    why.push(e);
                    None
                }
            })
            .ok_or_else(|| {
                format!(
                    "none of the linker's maps describes this module: {}",
                    why.join("; ")
                )
            })?;
        let mut moved = vec![false; m.func_types.len()];
        for f in &plan.moved {
            moved[*f as usize] = true;
        }
        data::moved(&m, map, &moved)?
    };
    // The data segments of both modules, when any data moves: (first, second).
    let segments = if moved_data.is_empty() {
        None
    } else {
        Some(data::split_segments(&m, &moved_data)?)
    };
    let primary = emit::primary(
        &m,
        &plan,
        &link,
        segments.as_ref().map(|s| &s.0),
        loader,
        opts.keep_names,
        opts.trace,
    )?;
    let grown = m.tables[link.table as usize].initial + plan.stubbed.len() as u64;
    let secondary = emit::secondary(&m, &plan, &link, segments.as_ref().map(|s| &s.1), grown)?;
    let features = wasmparser::WasmFeatures::all();
    wasmparser::Validator::new_with_features(features)
        .validate_all(&primary)
        .map_err(|e| format!("the first module does not validate: {e}"))?;
    wasmparser::Validator::new_with_features(features)
        .validate_all(&secondary)
        .map_err(|e| format!("the second module does not validate: {e}"))?;
    Ok(Split {
        primary,
        secondary,
        moved: plan.moved.len(),
        stubbed: plan.stubbed.len(),
        per_part: plan.per_part,
        copied: plan.copied.len(),
        data_moved: moved_data.iter().map(|r| r.len()).sum(),
    })
}
