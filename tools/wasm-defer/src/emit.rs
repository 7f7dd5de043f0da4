//! Writes the two modules: the first keeps every function index (moved bodies become stubs that
//! load the second module on first use and forward through the function table) and exports what
//! the second needs; the second imports that, defines the moved functions and writes them into
//! their table slots.

use std::collections::{BTreeSet, HashMap};

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, Elements,
    EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType,
    ImportSection, Instruction, MemoryType, Module as Out, RawSection, StartSection, TableSection,
    TableType, ValType,
};
use wasmparser::{BinaryReader, FunctionBody, RefType, TableInit};

use crate::data::Segments;
use crate::module::Module;
use crate::plan::Plan;

/// The module the second part's imports come from (its instance's `exports` object in JS).
pub const IMPORT_MODULE: &str = "p";

/// How the two modules meet.
pub struct Link {
    /// The function table (funcref) the stubs call through.
    pub table: u32,
    /// Its first slot for moved functions.
    pub base: u32,
    /// The global that says the second module is in (index in the first module).
    pub loaded: u32,
    /// What the second module imports, ascending.
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub globals: Vec<u32>,
    pub memory: bool,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Works out what the second module imports.
pub fn link(m: &Module, plan: &Plan) -> Result<Link, String> {
    let table = m
        .tables
        .iter()
        .position(|t| t.element_type == RefType::FUNCREF)
        .ok_or("the module has no function table")? as u32;
    if table < m.imported_tables {
        return Err("the function table is imported; only a defined one can grow".into());
    }
    let defined: BTreeSet<u32> = plan.moved.iter().chain(&plan.copied).copied().collect();
    let (mut funcs, mut tables, mut globals) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    tables.insert(table);
    let loaded = m.globals.len() as u32;
    globals.insert(loaded);
    for f in &defined {
        let u = &m.uses[(f - m.first_defined()) as usize];
        funcs.extend(u.calls.iter().filter(|c| !defined.contains(c)));
        tables.extend(&u.tables);
        globals.extend(&u.globals);
    }
    Ok(Link {
        table,
        base: m.tables[table as usize].initial as u32,
        loaded,
        funcs: funcs.into_iter().collect(),
        tables: tables.into_iter().collect(),
        globals: globals.into_iter().collect(),
        memory: !m.memories.is_empty(),
    })
}

fn func_name(f: u32) -> String {
    format!("f{f}")
}
fn table_name(t: u32) -> String {
    format!("t{t}")
}
fn global_name(g: u32) -> String {
    format!("g{g}")
}
const MEMORY_NAME: &str = "m";

/// The first module: every index kept, moved bodies stubbed, the table grown, the `loaded`
/// global added and exported with everything else the second module imports. `keep_names`
/// keeps the `name` section (for profiles); otherwise it and DWARF sections are dropped. With
/// `trace`, every stub calls the loader on every call, after writing its own function index to
/// one more global, exported as `trace` (to list what the first screen calls).
pub fn primary(
    m: &Module,
    plan: &Plan,
    l: &Link,
    segments: Option<&Segments>,
    loader: u32,
    keep_names: bool,
    trace: bool,
) -> Result<Vec<u8>, String> {
    let slots: HashMap<u32, u32> = plan
        .stubbed
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i as u32))
        .collect();
    let moved: BTreeSet<u32> = plan.moved.iter().copied().collect();
    let existing: BTreeSet<&str> = m.exports.iter().map(|(n, _, _)| n.as_str()).collect();
    let mut out = Out::new();
    let mut rt = RoundtripReencoder;
    let mut seen_globals = false;
    for (i, (id, range)) in m.sections.iter().enumerate() {
        let data = &m.bytes[range.clone()];
        let reader = BinaryReader::new(data, range.start);
        match id {
            0 => {
                let name = m.custom_names.get(&i).map(String::as_str).unwrap_or("");
                if (name == "name" && !keep_names) || name.starts_with(".debug") {
                    continue;
                }
                out.section(&RawSection { id: 0, data });
            }
            4 => {
                let mut tables = TableSection::new();
                for (k, t) in wasmparser::TableSectionReader::new(reader)
                    .map_err(err)?
                    .into_iter()
                    .enumerate()
                {
                    let t = t.map_err(err)?;
                    let mut ty: TableType = rt.table_type(t.ty).map_err(err)?;
                    if k as u32 + m.imported_tables == l.table {
                        ty.minimum += plan.stubbed.len() as u64;
                        ty.maximum = ty.maximum.map(|x| x.max(ty.minimum));
                    }
                    match t.init {
                        TableInit::RefNull => tables.table(ty),
                        TableInit::Expr(e) => {
                            tables.table_with_init(ty, &rt.const_expr(e).map_err(err)?)
                        }
                    };
                }
                out.section(&tables);
            }
            6 => {
                out.section(&globals_and(reader, if trace { 2 } else { 1 })?);
                seen_globals = true;
            }
            7 => {
                if !seen_globals {
                    return Err("the module has no global section".into());
                }
                let mut exports = exports_of(reader)?;
                let mut add = |name: String, kind, index| {
                    if existing.contains(name.as_str()) {
                        return Err(format!("export name {name} is taken"));
                    }
                    exports.export(&name, kind, index);
                    Ok(())
                };
                for f in &l.funcs {
                    add(func_name(*f), ExportKind::Func, *f)?;
                }
                for t in &l.tables {
                    add(table_name(*t), ExportKind::Table, *t)?;
                }
                for g in &l.globals {
                    add(global_name(*g), ExportKind::Global, *g)?;
                }
                if l.memory {
                    add(MEMORY_NAME.into(), ExportKind::Memory, 0)?;
                }
                if trace {
                    add("trace".into(), ExportKind::Global, l.loaded + 1)?;
                }
                out.section(&exports);
            }
            10 => {
                let mut code = CodeSection::new();
                for (k, body) in m.bodies.iter().enumerate() {
                    let f = m.first_defined() + k as u32;
                    if let Some(slot) = slots.get(&f) {
                        code.function(&stub(m, l, loader, f, l.base + slot, trace));
                    } else if moved.contains(&f) {
                        let mut g = Function::new([]);
                        g.instruction(&Instruction::Unreachable)
                            .instruction(&Instruction::End);
                        code.function(&g);
                    } else {
                        code.raw(&m.bytes[body.clone()]);
                    }
                }
                out.section(&code);
            }
            11 if segments.is_some() => {
                out.section(&data_section(segments.into_iter().flatten()));
            }
            12 if segments.is_some() => {
                out.section(&DataCountSection {
                    count: segments.map_or(0, |d| d.len() as u32),
                });
            }
            _ => {
                out.section(&RawSection { id: *id, data });
            }
        }
    }
    Ok(out.finish())
}

/// A global section's globals and `extra` more: mutable `i32`s that start at 0.
pub(crate) fn globals_and(reader: BinaryReader, extra: usize) -> Result<GlobalSection, String> {
    let mut globals = GlobalSection::new();
    RoundtripReencoder
        .parse_global_section(
            &mut globals,
            wasmparser::GlobalSectionReader::new(reader).map_err(err)?,
        )
        .map_err(err)?;
    for _ in 0..extra {
        globals.global(
            GlobalType {
                val_type: ValType::I32,
                mutable: true,
                shared: false,
            },
            &ConstExpr::i32_const(0),
        );
    }
    Ok(globals)
}

/// An export section's exports, to add to.
pub(crate) fn exports_of(reader: BinaryReader) -> Result<ExportSection, String> {
    let mut exports = ExportSection::new();
    RoundtripReencoder
        .parse_export_section(
            &mut exports,
            wasmparser::ExportSectionReader::new(reader).map_err(err)?,
        )
        .map_err(err)?;
    Ok(exports)
}

/// Active segments of memory 0.
fn data_section<'a>(segments: impl IntoIterator<Item = &'a (u32, Vec<u8>)>) -> DataSection {
    let mut data = DataSection::new();
    for (at, bytes) in segments {
        data.active(0, &ConstExpr::i32_const(*at as i32), bytes.iter().copied());
    }
    data
}

/// A stub: loads the second module unless it is in, then calls the moved body in its slot with
/// the same arguments.
fn stub(m: &Module, l: &Link, loader: u32, f: u32, slot: u32, trace: bool) -> Function {
    let ty = m.func_types[f as usize];
    let mut g = Function::new([]);
    if trace {
        g.instruction(&Instruction::I32Const(f as i32))
            .instruction(&Instruction::GlobalSet(l.loaded + 1))
            .instruction(&Instruction::Call(loader));
    } else {
        g.instruction(&Instruction::GlobalGet(l.loaded))
            .instruction(&Instruction::I32Eqz)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::Call(loader))
            .instruction(&Instruction::End);
    }
    for p in 0..m.type_params[ty as usize] {
        g.instruction(&Instruction::LocalGet(p));
    }
    g.instruction(&Instruction::I32Const(slot as i32))
        .instruction(&Instruction::CallIndirect {
            type_index: ty,
            table_index: l.table,
        })
        .instruction(&Instruction::End);
    g
}

/// Index maps from the first module's spaces to the second's.
struct Remap {
    funcs: HashMap<u32, u32>,
    tables: HashMap<u32, u32>,
    globals: HashMap<u32, u32>,
}

impl Reencode for Remap {
    type Error = String;
    fn function_index(&mut self, f: u32) -> Result<u32, reencode::Error<String>> {
        self.funcs
            .get(&f)
            .copied()
            .ok_or_else(|| reencode::Error::UserError(format!("function {f} unmapped")))
    }
    fn table_index(&mut self, t: u32) -> Result<u32, reencode::Error<String>> {
        self.tables
            .get(&t)
            .copied()
            .ok_or_else(|| reencode::Error::UserError(format!("table {t} unmapped")))
    }
    fn global_index(&mut self, g: u32) -> Result<u32, reencode::Error<String>> {
        self.globals
            .get(&g)
            .copied()
            .ok_or_else(|| reencode::Error::UserError(format!("global {g} unmapped")))
    }
}

/// The second module: imports from the first (module `p`), the moved functions, an element
/// segment that puts the stubbed ones in their slots, and a start function that sets `loaded`.
pub fn secondary(
    m: &Module,
    plan: &Plan,
    l: &Link,
    segments: Option<&Segments>,
    grown_table_min: u64,
) -> Result<Vec<u8>, String> {
    let mut rt = RoundtripReencoder;
    let mut out = Out::new();
    if let Some(types) = m.section(1) {
        out.section(&RawSection { id: 1, data: types });
    }
    let mut imports = ImportSection::new();
    let mut map = Remap {
        funcs: HashMap::new(),
        tables: HashMap::new(),
        globals: HashMap::new(),
    };
    for (i, f) in l.funcs.iter().enumerate() {
        imports.import(
            IMPORT_MODULE,
            &func_name(*f),
            EntityType::Function(m.func_types[*f as usize]),
        );
        map.funcs.insert(*f, i as u32);
    }
    for (i, t) in l.tables.iter().enumerate() {
        let mut ty = rt.table_type(m.tables[*t as usize]).map_err(err)?;
        if *t == l.table {
            ty.minimum = grown_table_min;
            ty.maximum = ty.maximum.map(|x| x.max(grown_table_min));
        }
        imports.import(IMPORT_MODULE, &table_name(*t), EntityType::Table(ty));
        map.tables.insert(*t, i as u32);
    }
    if l.memory {
        let ty: MemoryType = rt.memory_type(m.memories[0]).map_err(err)?;
        imports.import(IMPORT_MODULE, MEMORY_NAME, EntityType::Memory(ty));
    }
    for (i, g) in l.globals.iter().enumerate() {
        let ty = if *g == l.loaded {
            GlobalType {
                val_type: ValType::I32,
                mutable: true,
                shared: false,
            }
        } else {
            rt.global_type(m.globals[*g as usize]).map_err(err)?
        };
        imports.import(IMPORT_MODULE, &global_name(*g), EntityType::Global(ty));
        map.globals.insert(*g, i as u32);
    }
    out.section(&imports);
    let first_local = l.funcs.len() as u32;
    let mut funcs = FunctionSection::new();
    let defined: Vec<u32> = plan.moved.iter().chain(&plan.copied).copied().collect();
    for (i, f) in defined.iter().enumerate() {
        funcs.function(m.func_types[*f as usize]);
        map.funcs.insert(*f, first_local + i as u32);
    }
    let start = first_local + defined.len() as u32;
    let start_ty = m
        .empty_type
        .ok_or("no type () -> () for the start function")?;
    funcs.function(start_ty);
    out.section(&funcs);
    out.section(&StartSection {
        function_index: start,
    });
    let mut elems = ElementSection::new();
    let slots: Vec<u32> = plan.stubbed.iter().map(|f| map.funcs[f]).collect();
    elems.active(
        Some(map.tables[&l.table]),
        &ConstExpr::i32_const(l.base as i32),
        Elements::Functions(slots.into()),
    );
    out.section(&elems);
    let mut code = CodeSection::new();
    for f in &defined {
        let body = m.body(*f);
        let offset = m.bodies[(f - m.first_defined()) as usize].start;
        let body = FunctionBody::new(BinaryReader::new(body, offset));
        map.parse_function_body(&mut code, body).map_err(err)?;
    }
    let mut s = Function::new([]);
    s.instruction(&Instruction::I32Const(1))
        .instruction(&Instruction::GlobalSet(map.globals[&l.loaded]))
        .instruction(&Instruction::End);
    code.function(&s);
    out.section(&code);
    if let Some(segments) = segments {
        out.section(&data_section(segments));
    }
    Ok(out.finish())
}
