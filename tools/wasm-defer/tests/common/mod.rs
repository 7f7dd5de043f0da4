//! The sections the tests' small modules share (a function table, one memory, the stack
//! pointer, bodies from instruction lists, function names), and running modules in node.

use std::process::Command;

use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, Function, FunctionSection, GlobalSection,
    GlobalType, IndirectNameMap, Instruction, MemArg, MemorySection, MemoryType, NameMap,
    NameSection, RefType, TableSection, TableType, ValType,
};

/// A 4-byte load or store at the address on the stack.
pub const WORD: MemArg = MemArg {
    offset: 0,
    align: 2,
    memory_index: 0,
};

/// The defined functions, by their types.
pub fn functions(types: &[u32]) -> FunctionSection {
    let mut funcs = FunctionSection::new();
    for ty in types {
        funcs.function(*ty);
    }
    funcs
}

/// What the app's wasm exports that the split reads: `run` (the test's entry), the loader the
/// stubs call, the memory.
pub fn exports(run: u32, loader: u32) -> ExportSection {
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, run);
    exports.export("mirrorscope_load_deferred", ExportKind::Func, loader);
    exports.export("memory", ExportKind::Memory, 0);
    exports
}

/// One table of `size` function references.
pub fn table(size: u64) -> TableSection {
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: size,
        maximum: Some(size),
        shared: false,
    });
    tables
}

/// One memory of one page, as the app's (defined, growable).
pub fn memory() -> MemorySection {
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    memories
}

/// The stack pointer, a mutable `i32` global starting at `at`.
pub fn stack_pointer(at: i32) -> GlobalSection {
    let mut globals = GlobalSection::new();
    globals.global(
        GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        },
        &ConstExpr::i32_const(at),
    );
    globals
}

/// The bodies, without locals.
pub fn code(bodies: &[Vec<Instruction>]) -> CodeSection {
    let mut code = CodeSection::new();
    for body in bodies {
        let mut f = Function::new([]);
        for i in body {
            f.instruction(i);
        }
        code.function(&f);
    }
    code
}

/// The functions' names, by index from 0.
pub fn names(of: &[&str]) -> NameSection {
    let mut names = NameMap::new();
    for (i, n) in of.iter().enumerate() {
        names.append(i as u32, n);
    }
    let mut section = NameSection::new();
    section.functions(&names);
    section.locals(&IndirectNameMap::new());
    section
}

/// Runs `script` in node with `files` as `<name>.wasm` in a scratch directory (its first
/// argument, `process.argv[1]`); returns what it printed.
pub fn node(tag: &str, files: &[(&str, &[u8])], script: &str) -> String {
    let dir = std::env::temp_dir().join(format!("wasm-defer-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(format!("{name}.wasm")), bytes).unwrap();
    }
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&dir)
        .output()
        .expect("node runs (the e2e tier needs it too)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
