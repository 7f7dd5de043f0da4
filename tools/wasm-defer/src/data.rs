//! Moving the read-only data that only moved code reads: the texts, tables and messages of the
//! parts the first screen does not run. A linked wasm has no boundaries between its statics, so
//! they come from the linker's map (`wasm-ld --Map`, which build.rs asks for): every input section
//! of `.rodata` is one unit. A unit stays in the first module when anything that stays can reach
//! it: a static address (any `i32.const` or load/store offset that falls inside it) in a function
//! that stays or in a global's initialiser, or a pointer-sized word inside writable data or
//! inside a unit that stays. Numbers that only look like addresses keep more, never less; moved
//! code runs only once the second module is in, and instantiating that module writes the moved
//! bytes back where they were.

use std::ops::Range;

use crate::module::Module;

/// One input section of the linked module's `.rodata`: the unit that moves or stays whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub start: u32,
    pub end: u32,
}

/// The linker map's facts the split relies on.
pub struct Map {
    /// `.rodata`'s input sections, ascending, without overlaps.
    pub units: Vec<Unit>,
    /// Each section of the linked file: name (`CODE`, `DATA`, …), file offset, size.
    pub sections: Vec<(String, usize, usize)>,
}

fn hex(s: &str) -> Option<usize> {
    usize::from_str_radix(s, 16).ok()
}

/// Reads a `wasm-ld --Map` file: columns `Addr Off Size Out In Symbol`, hexadecimal numbers of
/// eight places (`-` for an address a section does not have), the name indented by its level: a
/// file's section or an output section (`.rodata`), an input section, a symbol.
pub fn read_map(text: &str) -> Result<Map, String> {
    const OUT: usize = 27;
    const IN: usize = 35;
    let mut units = Vec::new();
    let mut sections = Vec::new();
    let mut output = "";
    for line in text.lines().skip(1) {
        let (Some(numbers), Some(rest)) = (line.get(..OUT - 1), line.get(OUT - 1..)) else {
            continue;
        };
        let name = rest.trim();
        let col = OUT - 1 + rest.len() - rest.trim_start().len();
        let [addr, off, size] = numbers.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(format!(
                "a line of the map without address, offset and size: {line}"
            ));
        };
        let (Some(off), Some(size)) = (hex(off), hex(size)) else {
            return Err(format!("a line of the map without offset and size: {line}"));
        };
        match (col, hex(addr)) {
            (OUT, None) => sections.push((name.to_string(), off, size)),
            (OUT, Some(_)) => output = name,
            (IN, Some(addr)) if output == ".rodata" && size > 0 => units.push(Unit {
                start: addr as u32,
                end: (addr + size) as u32,
            }),
            _ => {}
        }
    }
    units.sort_by_key(|u| u.start);
    units.dedup();
    if units.windows(2).any(|w| w[1].start < w[0].end) {
        return Err("the map's .rodata sections overlap".into());
    }
    if units.is_empty() {
        return Err("the map lists no .rodata input sections".into());
    }
    Ok(Map { units, sections })
}

/// Checks that `map` describes `linked` (its sections start and end where the map says) and that
/// `linked` and `m` (what wasm-bindgen and wasm-opt made of it) hold the same data at the same
/// addresses, so the map's units are the final module's.
pub fn check(map: &Map, linked: &[u8], m: &Module) -> Result<(), String> {
    let l = Module::read(linked)?;
    let ids = [
        ("TYPE", 1),
        ("IMPORT", 2),
        ("FUNCTION", 3),
        ("CODE", 10),
        ("DATA", 11),
    ];
    for (name, id) in ids {
        let Some((_, off, size)) = map.sections.iter().find(|(n, _, _)| n == name) else {
            return Err(format!("the map has no {name} section"));
        };
        let Some((_, range)) = l.sections.iter().find(|(i, _)| *i == id) else {
            return Err(format!("the linked module has no {name} section"));
        };
        // The map's offset and size are the whole section's, its id and size included.
        let header = range.start.wrapping_sub(*off);
        if !(2..=6).contains(&header) || range.end != off + size {
            return Err(format!(
                "the map is not the linked module's: its {name} section is at {off:#x} ({size:#x} B), the module's contents at {:#x} ({:#x} B)",
                range.start,
                range.len()
            ));
        }
    }
    if image(&l)? != image(m)? {
        return Err(
            "the linked module's data differs from the shipped module's (moved by a tool after the link?)"
                .into(),
        );
    }
    Ok(())
}

/// The bytes of the active data segments, as laid out in memory: (first address, bytes), zeros
/// trimmed at both ends.
pub fn image(m: &Module) -> Result<(u32, Vec<u8>), String> {
    let mut lo = u32::MAX;
    let mut hi = 0;
    for d in &m.data {
        let at = d
            .offset
            .ok_or("a data segment that is not active at a constant offset")?;
        lo = lo.min(at);
        hi = hi.max(at + d.range.len() as u32);
    }
    if lo >= hi {
        return Ok((0, Vec::new()));
    }
    let mut img = vec![0u8; (hi - lo) as usize];
    for d in &m.data {
        let at = (d.offset.unwrap_or(0) - lo) as usize;
        img[at..at + d.range.len()].copy_from_slice(&m.bytes[d.range.clone()]);
    }
    let first = img.iter().position(|b| *b != 0).unwrap_or(img.len());
    let last = img.iter().rposition(|b| *b != 0).map_or(first, |i| i + 1);
    Ok((lo + first as u32, img[first..last].to_vec()))
}

/// The address ranges of the units that move, ascending, given which functions move.
pub fn moved(m: &Module, map: &Map, moved_funcs: &[bool]) -> Result<Vec<Range<u32>>, String> {
    if m.uses.iter().any(|u| u.unlisted_memarg || u.segments) {
        return Err(
            "a function uses memory instructions the data split cannot read (SIMD, atomics or segments)"
                .into(),
        );
    }
    let (lo, img) = image(m)?;
    let hi = lo + img.len() as u32;
    let units = &map.units;
    // The unit an address falls in; one just past a unit's end counts for it too (an end pointer).
    let units_at = |a: u32| -> Vec<usize> {
        let mut out = Vec::new();
        let i = units.partition_point(|u| u.end <= a);
        if i < units.len() && units[i].start <= a {
            out.push(i);
        }
        if i > 0 && units[i - 1].end == a {
            out.push(i - 1);
        }
        out
    };
    let word = |a: u32| -> Option<u32> {
        let at = a.checked_sub(lo)? as usize;
        img.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut kept = vec![false; units.len()];
    let mut work: Vec<u32> = Vec::new();
    let first = m.first_defined();
    for (i, u) in m.uses.iter().enumerate() {
        if !moved_funcs[(first + i as u32) as usize] {
            work.extend(&u.data_refs);
        }
    }
    work.extend(&m.global_consts);
    // Pointers held by anything outside the units (writable data, padding).
    let mut a = lo & !3;
    let mut unit = 0;
    while a < hi {
        while unit < units.len() && units[unit].end <= a {
            unit += 1;
        }
        if unit < units.len() && units[unit].start <= a {
            a = (units[unit].end + 3) & !3;
            continue;
        }
        work.extend(word(a));
        a += 4;
    }
    while let Some(v) = work.pop() {
        if v < lo || v > hi {
            continue;
        }
        for i in units_at(v) {
            if !kept[i] {
                kept[i] = true;
                let u = units[i];
                let mut w = (u.start + 3) & !3;
                while w + 4 <= u.end {
                    work.extend(word(w));
                    w += 4;
                }
            }
        }
    }
    let mut out: Vec<Range<u32>> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if kept[i] || u.end <= lo || u.start >= hi {
            continue;
        }
        match out.last_mut() {
            Some(r) if r.end == u.start => r.end = u.end,
            _ => out.push(u.start..u.end),
        }
    }
    Ok(out)
}

/// Active segments of memory 0: (offset, bytes).
pub type Segments = Vec<(u32, Vec<u8>)>;

/// Active segments of memory 0 that write `bytes` (laid out from `base`) with the zero runs of at
/// least `gap` bytes left out: (offset, bytes).
pub fn segments(base: u32, bytes: &[u8], gap: usize) -> Segments {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut zeros = 0;
        while i < bytes.len() && zeros < gap {
            if bytes[i] == 0 {
                zeros += 1;
            } else {
                zeros = 0;
                end = i + 1;
            }
            i += 1;
        }
        out.push((base + start as u32, bytes[start..end].to_vec()));
    }
    out
}

/// The data segments of the first module (`moved` zeroed and left out) and of the second (only
/// `moved`).
pub fn split_segments(m: &Module, moved: &[Range<u32>]) -> Result<(Segments, Segments), String> {
    // Zero runs shorter than this cost less inside a segment than a segment's header.
    const GAP: usize = 16;
    let (lo, mut img) = image(m)?;
    let mut second = Vec::new();
    let len = img.len() as u32;
    for r in moved {
        // The image leaves out the zeros at its ends, which a unit may reach into.
        let at = (r.start.max(lo) - lo).min(len) as usize..(r.end.max(lo) - lo).min(len) as usize;
        let start = lo + at.start as u32;
        second.extend(segments(start, &img[at.clone()], GAP));
        img[at].fill(0);
    }
    Ok((segments(lo, &img, GAP), second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_leave_out_long_zero_runs_only() {
        let bytes = [0, 1, 2, 0, 3, 0, 0, 0, 0, 4, 0, 0];
        assert_eq!(
            segments(100, &bytes, 4),
            vec![(101, vec![1, 2, 0, 3]), (109, vec![4])]
        );
        assert!(segments(0, &[0, 0], 4).is_empty());
    }

    #[test]
    fn the_map_gives_rodata_units_and_the_files_sections() {
        let map = "    Addr      Off     Size Out     In      Symbol
       -        8      44d TYPE
       -   289ebb    4f217 DATA
  100000   289ebc    4f198 .rodata
  100000   289ec6       28         x.o:(.rodata..Lanon.1)
  100000   289ec6       28                 .Lanon.1
  100028   289eee       10         x.o:(.rodata..Lanon.2)
  100038   289efe     d91b         <internal>:(.rodata)
  14f198   2d905e       68 .data
  14f198   2d905e       68         x.o:(.data.y)
";
        let m = read_map(map).unwrap();
        assert_eq!(
            m.units,
            vec![
                Unit {
                    start: 0x100000,
                    end: 0x100028
                },
                Unit {
                    start: 0x100028,
                    end: 0x100038
                },
                Unit {
                    start: 0x100038,
                    end: 0x100038 + 0xd91b
                },
            ]
        );
        assert_eq!(
            m.sections,
            vec![
                ("TYPE".into(), 8, 0x44d),
                ("DATA".into(), 0x289ebb, 0x4f217)
            ]
        );
    }
}
