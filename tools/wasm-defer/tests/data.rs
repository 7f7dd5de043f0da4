//! The split's profile-driven parts: read-only data that only moved code reads moves with it
//! (given the linker's map), a function the profile names moves whatever its part, and the
//! instrumented module records exactly the functions that ran. Checked by running the modules
//! in node, as tests/split.rs does.

mod common;

use common::node;

use wasm_encoder::{
    ConstExpr, DataSection, EntityType, ImportSection, Instruction as I, MemArg, Module,
    TypeSection, ValType,
};

const NAMES: &[&str] = &[
    "env::load",
    "mirrorscope::ui::deferred::mirrorscope_load_deferred",
    "mirrorscope::app::run",
    "mirrorscope::py::work",
    "mirrorscope::app::rarely",
];

/// Where the statics lie: one `.rodata` unit each.
const KEPT: u32 = 0x1000; // read by run through i32.const
const TABLE: u32 = 0x1004; // read by run; holds a pointer to POINTED
const POINTED: u32 = 0x1008;
const PAIR: u32 = 0x100c; // reached by run through an i64.const (length << 32 | address)
const WORK: u32 = 0x1010; // read only by py::work (moves by its part)
const RARE: u32 = 0x1014; // read only by app::rarely (moves by the profile)
const END: u32 = 0x1018;

fn byte(at: u32) -> MemArg {
    MemArg {
        offset: at as u64,
        align: 0,
        memory_index: 0,
    }
}

fn module() -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([], []);
    types.ty().function([], [ValType::I32]);
    let mut imports = ImportSection::new();
    imports.import("env", "load", EntityType::Function(0));
    let funcs = common::functions(&[0, 1, 1, 1]);
    let tables = common::table(0);
    let memories = common::memory();
    let globals = common::stack_pointer(0x8000);
    let exports = common::exports(2, 1);
    let word = common::WORD;
    let bodies: Vec<Vec<I>> = vec![
        // 1: the loader
        vec![I::Call(0), I::End],
        // 2: run() = KEPT + *TABLE + *(the address an i64 pair stored) + work() + rarely()
        vec![
            I::I32Const(0),
            I::I32Load8U(byte(KEPT)),
            I::I32Const(TABLE as i32),
            I::I32Load(word),
            I::I32Load8U(byte(0)),
            I::I32Add,
            I::GlobalGet(0),
            I::I64Const(((1i64) << 32) | PAIR as i64),
            I::I64Store(MemArg {
                offset: 0,
                align: 3,
                memory_index: 0,
            }),
            I::GlobalGet(0),
            I::I32Load(word),
            I::I32Load8U(byte(0)),
            I::I32Add,
            I::Call(3),
            I::I32Add,
            I::Call(4),
            I::I32Add,
            I::End,
        ],
        // 3: work() = WORK
        vec![I::I32Const(0), I::I32Load8U(byte(WORK)), I::End],
        // 4: rarely() = RARE
        vec![I::I32Const(RARE as i32), I::I32Load8U(byte(0)), I::End],
    ];
    let code = common::code(&bodies);
    let mut bytes = vec![0u8; (END - KEPT) as usize];
    let mut put = |at: u32, b: &[u8]| {
        let i = (at - KEPT) as usize;
        bytes[i..i + b.len()].copy_from_slice(b);
    };
    put(KEPT, &[11]);
    put(TABLE, &POINTED.to_le_bytes());
    put(POINTED, &[22]);
    put(PAIR, &[33]);
    put(WORK, &[44]);
    put(RARE, &[55]);
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(KEPT as i32), bytes);
    let name_section = common::names(NAMES);
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&tables)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&code)
        .section(&data)
        .section(&name_section);
    m.finish()
}

/// A linker map of `wasm`, as wasm-ld writes one: its sections, then each static of `.rodata`.
fn map_of(wasm: &[u8]) -> String {
    let mut out = String::from("    Addr      Off     Size Out     In      Symbol\n");
    let names = [
        (1, "TYPE"),
        (2, "IMPORT"),
        (3, "FUNCTION"),
        (10, "CODE"),
        (11, "DATA"),
    ];
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Some((id, range)) = payload.unwrap().as_section() {
            if let Some((_, name)) = names.iter().find(|(i, _)| *i == id) {
                let size_len = leb_len(range.len());
                let start = range.start - 1 - size_len;
                out += &format!(
                    "{:>8} {:>8x} {:>8x} {name}\n",
                    "-",
                    start,
                    range.end - start
                );
            }
        }
    }
    out += &format!("{:>8x} {:>8x} {:>8x} .rodata\n", KEPT, 0, END - KEPT);
    for (k, at) in [KEPT, TABLE, POINTED, PAIR, WORK, RARE].iter().enumerate() {
        out += &format!(
            "{:>8x} {:>8x} {:>8x}         x.o:(.rodata.u{k})\n",
            at, 0, 4
        );
        out += &format!("{:>8x} {:>8x} {:>8x}                 u{k}\n", at, 0, 4);
    }
    out
}

fn leb_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn split() -> wasm_defer::Split {
    let whole = module();
    let map = wasm_defer::data::read_map(&map_of(&whole)).expect("reads the map");
    let opts = wasm_defer::Options {
        cold: ["mirrorscope::app::rarely".to_string()].into(),
        data: vec![(map, whole.clone())],
        ..wasm_defer::Options::app()
    };
    wasm_defer::split(&whole, &opts).expect("splits")
}

#[test]
fn the_data_only_moved_code_reads_moves_and_comes_back_with_it() {
    let s = split();
    assert_eq!(s.moved, 2, "work by its part, rarely by the profile");
    assert_eq!(s.per_part[wasm_defer::parts::DEFERRED.len()], 1, "rarely");
    assert_eq!(
        s.data_moved, 8,
        "WORK and RARE; KEPT, TABLE, POINTED and PAIR stay"
    );
    let script = r#"
const fs = require('fs');
const dir = process.argv[1];
const bytes = (f) => fs.readFileSync(`${dir}/${f}.wasm`);
const whole = new WebAssembly.Instance(new WebAssembly.Module(bytes('whole')), { env: { load() {} } });
const second = new WebAssembly.Module(bytes('second'));
let exports;
let before;
const load = () => {
  before = Array.from(new Uint8Array(exports.memory.buffer, 0x1000, 0x18));
  new WebAssembly.Instance(second, { p: exports });
};
exports = new WebAssembly.Instance(new WebAssembly.Module(bytes('first')), { env: { load } }).exports;
const got = exports.run();
console.log(JSON.stringify({ want: whole.exports.run(), got, before }));
"#;
    let whole = module();
    let text = node(
        "data",
        &[
            ("whole", &whole),
            ("first", &s.primary),
            ("second", &s.secondary),
        ],
        script,
    );
    // 11 + 22 + 33 + 44 + 55
    assert!(text.contains("\"want\":165,\"got\":165"), "{text}");
    // Before the second module: the kept statics in place, WORK and RARE not yet.
    assert!(
        text.contains("\"before\":[11,0,0,0,8,16,0,0,22,0,0,0,33,0,0,0,0,0,0,0,0,0,0,0]"),
        "{text}"
    );
}

#[test]
fn only_the_map_of_the_inputs_link_is_used() {
    let whole = module();
    // The code one byte further on, as after a link of other code.
    let text: String = map_of(&whole)
        .lines()
        .map(|l| match l.strip_suffix(" CODE") {
            Some(_) => {
                let off = usize::from_str_radix(l[9..17].trim(), 16).unwrap();
                format!("{}{:>8x}{}\n", &l[..9], off + 1, &l[17..])
            }
            None => format!("{l}\n"),
        })
        .collect();
    let map = wasm_defer::data::read_map(&text).unwrap();
    let opts = wasm_defer::Options {
        data: vec![(map, whole.clone())],
        ..wasm_defer::Options::app()
    };
    let err = wasm_defer::split(&whole, &opts).err().expect("refused");
    assert!(err.contains("the map is not the linked module's"), "{err}");
    // Among several maps, the one of this link is used.
    let right = wasm_defer::data::read_map(&map_of(&whole)).unwrap();
    let wrong = wasm_defer::data::read_map(&text).unwrap();
    let opts = wasm_defer::Options {
        cold: ["mirrorscope::app::rarely".to_string()].into(),
        data: vec![(wrong, whole.clone()), (right, whole.clone())],
        ..wasm_defer::Options::app()
    };
    assert_eq!(wasm_defer::split(&whole, &opts).unwrap().data_moved, 8);
}

#[test]
fn the_instrumented_module_records_the_functions_that_ran() {
    let whole = module();
    let instrumented = wasm_defer::coverage::instrument(&whole).expect("instruments");
    let script = r#"
const fs = require('fs');
const dir = process.argv[1];
const bytes = (f) => fs.readFileSync(`${dir}/${f}.wasm`);
const i = new WebAssembly.Instance(new WebAssembly.Module(bytes('instrumented')), { env: { load() {} } });
const record = () => {
  const at = i.exports.mirrorscope_coverage.value;
  return at ? Array.from(new Uint8Array(i.exports.memory.buffer, at, 5)) : [0, 0, 0, 0, 0];
};
const idle = record();
const got = i.exports.run();
console.log(JSON.stringify({ idle, got, ran: record() }));
"#;
    let text = node("coverage", &[("instrumented", &instrumented)], script);
    // The import (0) and the loader (1) never ran; run, work and rarely did.
    assert!(
        text.contains("{\"idle\":[0,0,0,0,0],\"got\":165,\"ran\":[0,0,1,1,1]}"),
        "{text}"
    );
}
