//! An instrumented copy of the whole module that records which functions ran, for choosing what
//! the first screen needs (`tests/e2e/first-screen-profile.mjs`), as binaryen's
//! `wasm-split --instrument` does: every defined function's body starts by writing 1 at its own
//! index in a record the first call reserves at the end of the memory (`memory.grow`, as the
//! allocator also grows it, so the app's data and heap are where they would be), whose address
//! the global exported as `COVERAGE_EXPORT` holds. Only a profiling run loads this module.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, CodeSection, ExportKind, Function, Instruction, MemArg, Module as Out, RawSection,
};
use wasmparser::{BinaryReader, FunctionBody};

use crate::emit::{exports_of, globals_and};
use crate::module::Module;

/// The exported global holding the record's address in memory 0: byte `i` of the record is 1
/// once function `i` (in the module's function index space, imports first) has run.
pub const COVERAGE_EXPORT: &str = "mirrorscope_coverage";

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The instrumented module; validates like its input.
pub fn instrument(input: &[u8]) -> Result<Vec<u8>, String> {
    let m = Module::read(input)?;
    if m.memories.is_empty() {
        return Err("the module has no memory".into());
    }
    let record = m.globals.len() as u32;
    let pages = (m.func_types.len() as u64).div_ceil(65_536).max(1);
    let mut out = Out::new();
    let mut added_global = false;
    for (id, range) in &m.sections {
        let data = &m.bytes[range.clone()];
        let reader = BinaryReader::new(data, range.start);
        match id {
            6 => {
                out.section(&globals_and(reader, 1)?);
                added_global = true;
            }
            7 => {
                if !added_global {
                    return Err("the module has no global section".into());
                }
                let mut exports = exports_of(reader)?;
                exports.export(COVERAGE_EXPORT, ExportKind::Global, record);
                out.section(&exports);
            }
            10 => {
                let mut code = CodeSection::new();
                for (k, body) in m.bodies.iter().enumerate() {
                    let f = m.first_defined() + k as u32;
                    code.function(&recording(&m, body.clone(), f, record, pages)?);
                }
                out.section(&code);
            }
            _ => {
                out.section(&RawSection { id: *id, data });
            }
        }
    }
    let bytes = out.finish();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .map_err(|e| format!("the instrumented module does not validate: {e}"))?;
    Ok(bytes)
}

/// Function `f`'s body with `record[f] = 1` in front, the record reserved first if need be.
fn recording(
    m: &Module,
    body: std::ops::Range<usize>,
    f: u32,
    record: u32,
    pages: u64,
) -> Result<Function, String> {
    let parsed = FunctionBody::new(BinaryReader::new(&m.bytes[body.clone()], body.start));
    let mut locals = Vec::new();
    let mut rt = RoundtripReencoder;
    let mut reader = parsed.get_locals_reader().map_err(err)?;
    for _ in 0..reader.get_count() {
        let (n, ty) = reader.read().map_err(err)?;
        locals.push((n, rt.val_type(ty).map_err(err)?));
    }
    let ops = reader.original_position() - body.start;
    let mut g = Function::new(locals);
    g.instruction(&Instruction::GlobalGet(record))
        .instruction(&Instruction::I32Eqz)
        .instruction(&Instruction::If(BlockType::Empty))
        .instruction(&Instruction::I32Const(pages as i32))
        .instruction(&Instruction::MemoryGrow(0))
        .instruction(&Instruction::I32Const(16))
        .instruction(&Instruction::I32Shl)
        .instruction(&Instruction::GlobalSet(record))
        .instruction(&Instruction::End)
        .instruction(&Instruction::GlobalGet(record))
        .instruction(&Instruction::I32Const(1))
        .instruction(&Instruction::I32Store8(MemArg {
            offset: f as u64,
            align: 0,
            memory_index: 0,
        }))
        .raw(m.bytes[body.start + ops..body.end].iter().copied());
    Ok(g)
}
