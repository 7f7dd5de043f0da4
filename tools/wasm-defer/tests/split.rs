//! Splits a small module shaped like the app's (a deferred function called from kept code, one
//! in the table, a generic helper only deferred code calls, deferred code calling kept code and
//! an import, using the stack-pointer global and memory) and runs both halves against the whole
//! in node: the same results whether the second module is loaded by the first call (the stubs'
//! synchronous path) or before it.

mod common;

use wasm_encoder::{
    ConstExpr, ElementSection, Elements, EntityType, ImportSection, Instruction as I, Module,
    TypeSection, ValType,
};

const NAMES: &[&str] = &[
    "env::load",
    "env::host",
    "mirrorscope::ui::deferred::mirrorscope_load_deferred",
    "mirrorscope::app::run",
    "mirrorscope::py::work",
    "core::helper<mirrorscope::py::T>",
    "mirrorscope::py::twice",
    "mirrorscope::app::add",
];

fn module() -> Vec<u8> {
    module_with(true)
}

fn module_with(with_names: bool) -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([], []);
    types.ty().function([ValType::I32], [ValType::I32]);
    types
        .ty()
        .function([ValType::I32, ValType::I32], [ValType::I32]);
    let mut imports = ImportSection::new();
    imports.import("env", "load", EntityType::Function(0));
    imports.import("env", "host", EntityType::Function(1));
    let funcs = common::functions(&[0, 1, 1, 1, 1, 2]);
    let tables = common::table(2);
    let memories = common::memory();
    let globals = common::stack_pointer(1024);
    let exports = common::exports(3, 2);
    let mut elems = ElementSection::new();
    elems.active(
        Some(0),
        &ConstExpr::i32_const(0),
        Elements::Functions([6, 7].as_slice().into()),
    );
    let mem = common::WORD;
    let bodies: Vec<Vec<I>> = vec![
        // 2: the loader
        vec![I::Call(0), I::End],
        // 3: run(x) = work(x) + table[0](x)
        vec![
            I::LocalGet(0),
            I::Call(4),
            I::LocalGet(0),
            I::I32Const(0),
            I::CallIndirect {
                type_index: 1,
                table_index: 0,
            },
            I::I32Add,
            I::End,
        ],
        // 4: work(x) = helper(mem[sp] = x) + host(x)
        vec![
            I::GlobalGet(0),
            I::LocalGet(0),
            I::I32Store(mem),
            I::GlobalGet(0),
            I::I32Load(mem),
            I::Call(5),
            I::LocalGet(0),
            I::Call(1),
            I::I32Add,
            I::End,
        ],
        // 5: helper(x) = x + 7
        vec![I::LocalGet(0), I::I32Const(7), I::I32Add, I::End],
        // 6: twice(x) = add(x, x) + table[1](x, 100)
        vec![
            I::LocalGet(0),
            I::LocalGet(0),
            I::Call(7),
            I::LocalGet(0),
            I::I32Const(100),
            I::I32Const(1),
            I::CallIndirect {
                type_index: 2,
                table_index: 0,
            },
            I::I32Add,
            I::End,
        ],
        // 7: add(a, b)
        vec![I::LocalGet(0), I::LocalGet(1), I::I32Add, I::End],
    ];
    let code = common::code(&bodies);
    let name_section = common::names(NAMES);
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&tables)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&elems)
        .section(&code);
    if with_names {
        m.section(&name_section);
    }
    m.finish()
}

fn options() -> wasm_defer::Options {
    wasm_defer::Options::app()
}

#[test]
fn moves_the_parts_and_what_only_they_call() {
    let split = wasm_defer::split(&module(), &options()).expect("splits");
    // work and twice by name, helper because only work calls it.
    assert_eq!(split.moved, 3);
    // work (called by run) and twice (in the table) keep stubs; helper does not.
    assert_eq!(split.stubbed, 2);
    assert_eq!(split.per_part[0], 2, "py");
    assert_eq!(
        *split.per_part.last().unwrap(),
        1,
        "called only from moved code"
    );
}

#[test]
fn refuses_a_module_without_names() {
    let err = wasm_defer::split(&module_with(false), &options())
        .err()
        .unwrap();
    assert!(err.contains("no function names"), "{err}");
}

#[test]
fn both_halves_compute_what_the_whole_did() {
    both_halves_compute_what_the_whole_did_copying(0);
}

#[test]
fn both_halves_compute_what_the_whole_did_with_copies() {
    // `add` (called by `twice`) is copied into the second module.
    let copying = wasm_defer::Options {
        copy_max: 1000,
        ..options()
    };
    assert_eq!(wasm_defer::split(&module(), &copying).unwrap().copied, 1);
    both_halves_compute_what_the_whole_did_copying(1000);
}

fn both_halves_compute_what_the_whole_did_copying(copy_max: usize) {
    let opts = wasm_defer::Options {
        copy_max,
        ..options()
    };
    let split = wasm_defer::split(&module(), &opts).expect("splits");
    let script = r#"
const fs = require('fs');
const dir = process.argv[1];
const bytes = (f) => fs.readFileSync(`${dir}/${f}.wasm`);
const host = (x) => x * 3;
const whole = new WebAssembly.Instance(new WebAssembly.Module(bytes('whole')), { env: { load() {}, host } });
function split(early) {
  let loads = 0;
  const second = new WebAssembly.Module(bytes('second'));
  let exports;
  const load = () => { loads++; new WebAssembly.Instance(second, { p: exports }); };
  const first = new WebAssembly.Instance(new WebAssembly.Module(bytes('first')), { env: { load, host } });
  exports = first.exports;
  if (early) new WebAssembly.Instance(second, { p: exports });
  const out = [1, 5, -9, 1000].map((x) => exports.run(x));
  return { out, loads };
}
const want = [1, 5, -9, 1000].map((x) => whole.exports.run(x));
console.log(JSON.stringify({ want, late: split(false), early: split(true) }));
"#;
    let whole = module();
    let text = common::node(
        &format!("split-{copy_max}"),
        &[
            ("whole", &whole),
            ("first", &split.primary),
            ("second", &split.secondary),
        ],
        script,
    );
    // run(x) = work(x) + twice(x) = ((x + 7) + 3x) + (2x + (x + 100)) = 7x + 107
    let want = "[114,142,44,7107]";
    assert!(text.contains(&format!("\"want\":{want}")), "{text}");
    assert!(
        text.contains(&format!("\"late\":{{\"out\":{want},\"loads\":1}}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("\"early\":{{\"out\":{want},\"loads\":0}}")),
        "{text}"
    );
}
