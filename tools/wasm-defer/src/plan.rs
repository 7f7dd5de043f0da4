//! Which functions move to the second module, and which of them keep a stub in the first.

use std::collections::HashSet;

use crate::module::Module;
use crate::parts;
use crate::Options;
use wasmparser::ExternalKind;

/// The functions that move and how the first module reaches them.
pub struct Plan {
    /// Every moved function, ascending.
    pub moved: Vec<u32>,
    /// The moved functions the first module still reaches (calls from kept code, exports,
    /// element segments, the start): their bodies become stubs, each with a table slot, in this
    /// order. The others' bodies become `unreachable`.
    pub stubbed: Vec<u32>,
    /// Moved functions per part (`parts::DEFERRED`), then those the profile lists
    /// (`Options::cold`) outside the parts, then those moved only because only moved code calls
    /// them (last entry).
    pub per_part: Vec<usize>,
    /// Small functions of the first module that moved code calls, copied into the second one
    /// (they stay in the first): a call between modules is an indirect call the engine cannot
    /// inline, and the interpreter calls small helpers (allocation, `Rc` counts, vector growth)
    /// all the time.
    pub copied: Vec<u32>,
}

/// What to move: functions of the deferred parts, minus those a name in `keep` matches (a
/// substring) and those whose bodies reach segments, plus every function called only from moved
/// ones.
pub fn plan(m: &Module, opts: &Options, loader: u32) -> Plan {
    let (crate_name, keep, copy_max) = (&opts.crate_name, &opts.keep, opts.copy_max);
    let n = m.func_types.len();
    let first = m.first_defined();
    let mut pinned = vec![false; n];
    for (_, kind, index) in &m.exports {
        if *kind == ExternalKind::Func {
            pinned[*index as usize] = true;
        }
    }
    for f in &m.elem_funcs {
        pinned[*f as usize] = true;
    }
    if let Some(s) = m.start {
        pinned[s as usize] = true;
    }
    for u in &m.uses {
        for f in &u.ref_funcs {
            pinned[*f as usize] = true;
        }
    }
    // A function may move when its body is free of segments and ref.func, and it is not the loader.
    let movable = |f: u32| {
        let u = &m.uses[(f - first) as usize];
        f != loader && !u.segments && u.ref_funcs.is_empty()
    };
    let mut part_of = vec![None; n];
    let mut moved = vec![false; n];
    for f in first..n as u32 {
        let Some(name) = m.names.get(&f) else {
            continue;
        };
        if keep.iter().any(|k| name.contains(k.as_str())) {
            continue;
        }
        let part = parts::deferred_part(name, crate_name);
        if (part.is_some() || opts.cold.contains(name)) && movable(f) {
            moved[f as usize] = true;
            part_of[f as usize] = Some(part.unwrap_or(parts::DEFERRED.len()));
        }
    }
    // Callers of each function, to add what only moved code calls.
    let mut callers: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, u) in m.uses.iter().enumerate() {
        let caller = first + i as u32;
        for c in &u.calls {
            callers[*c as usize].push(caller);
        }
    }
    let kept_names: HashSet<u32> = (first..n as u32)
        .filter(|f| {
            m.names
                .get(f)
                .is_some_and(|name| keep.iter().any(|k| name.contains(k.as_str())))
        })
        .collect();
    loop {
        let mut grew = false;
        for f in first..n as u32 {
            let i = f as usize;
            if moved[i]
                || pinned[i]
                || kept_names.contains(&f)
                || callers[i].is_empty()
                || !movable(f)
            {
                continue;
            }
            if callers[i].iter().all(|c| moved[*c as usize]) {
                moved[i] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let mut stubbed = Vec::new();
    for f in first..n as u32 {
        let i = f as usize;
        if moved[i] && (pinned[i] || callers[i].iter().any(|c| !moved[*c as usize])) {
            stubbed.push(f);
        }
    }
    // Copies: callees of moved or copied code, up to `copy_max` bytes of body each.
    let mut copied = vec![false; n];
    loop {
        let mut grew = false;
        for f in first..n as u32 {
            if !(moved[f as usize] || copied[f as usize]) {
                continue;
            }
            for c in &m.uses[(f - first) as usize].calls {
                let i = *c as usize;
                if *c >= first
                    && !moved[i]
                    && !copied[i]
                    && movable(*c)
                    && m.bodies[(*c - first) as usize].len() <= copy_max
                {
                    copied[i] = true;
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    let copied: Vec<u32> = (first..n as u32).filter(|f| copied[*f as usize]).collect();
    let mut per_part = vec![0; parts::DEFERRED.len() + 2];
    let moved: Vec<u32> = (first..n as u32).filter(|f| moved[*f as usize]).collect();
    for f in &moved {
        per_part[part_of[*f as usize].unwrap_or(parts::DEFERRED.len() + 1)] += 1;
    }
    Plan {
        moved,
        stubbed,
        per_part,
        copied,
    }
}
