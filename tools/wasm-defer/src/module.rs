//! What the splitter needs to know of the input module, read in one pass.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use wasmparser::{
    DataKind, ElementItems, ExternalKind, GlobalType, KnownCustom, MemoryType, Name, Operator,
    Parser, Payload, TableType, TypeRef,
};

/// One function body's references to other entities, as the split has to rewrite or forbid them.
#[derive(Default)]
pub struct Uses {
    /// Functions called directly (`call`, `return_call`).
    pub calls: Vec<u32>,
    /// Functions named by `ref.func`.
    pub ref_funcs: Vec<u32>,
    /// Globals read or written.
    pub globals: Vec<u32>,
    /// Tables used (`call_indirect`, `table.*`).
    pub tables: Vec<u32>,
    /// Every `i32.const` value, both halves of every `i64.const` and every load or store offset:
    /// the static addresses it may read or write, with other numbers besides (which only keep
    /// more data in the first module).
    pub data_refs: Vec<u32>,
    /// Whether it has a load or store whose offset `data_refs` does not list.
    pub unlisted_memarg: bool,
    /// Whether it uses data or element segments (`memory.init`, `data.drop`, `table.init`,
    /// `elem.drop`), which a second module cannot reach.
    pub segments: bool,
}

/// The input module.
pub struct Module<'a> {
    pub bytes: &'a [u8],
    /// Every section in order: id and the range of its contents.
    pub sections: Vec<(u8, Range<usize>)>,
    /// The custom section's name, for custom sections (same order as `sections`).
    pub custom_names: HashMap<usize, String>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    /// Parameter count of every type (non-function types: 0, never used for a stub).
    pub type_params: Vec<u32>,
    /// The first type `() -> ()`, if any.
    pub empty_type: Option<u32>,
    pub imported_funcs: u32,
    /// Every table, imports first, with its initialiser when defined with one.
    pub tables: Vec<TableType>,
    pub imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    pub imported_globals: u32,
    pub exports: Vec<(String, ExternalKind, u32)>,
    pub start: Option<u32>,
    /// Functions that element segments name.
    pub elem_funcs: HashSet<u32>,
    /// Body of every defined function (contents after the size).
    pub bodies: Vec<Range<usize>>,
    /// What each defined function's body uses.
    pub uses: Vec<Uses>,
    /// Function names from the `name` section.
    pub names: HashMap<u32, String>,
    /// The data segments, in order.
    pub data: Vec<DataSegment>,
    /// `i32.const` values in global initialisers (static addresses among them).
    pub global_consts: Vec<u32>,
}

/// One data segment.
pub struct DataSegment {
    /// Where an active segment of memory 0 with a constant offset starts; `None` for any other.
    pub offset: Option<u32>,
    /// Its bytes in the input.
    pub range: Range<usize>,
}

impl<'a> Module<'a> {
    /// Reads `bytes`, a module that must validate.
    pub fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let err = |e: wasmparser::BinaryReaderError| e.to_string();
        wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
            .validate_all(bytes)
            .map_err(|e| format!("the input does not validate: {e}"))?;
        let mut m = Module {
            bytes,
            sections: Vec::new(),
            custom_names: HashMap::new(),
            func_types: Vec::new(),
            type_params: Vec::new(),
            empty_type: None,
            imported_funcs: 0,
            tables: Vec::new(),
            imported_tables: 0,
            memories: Vec::new(),
            globals: Vec::new(),
            imported_globals: 0,
            exports: Vec::new(),
            start: None,
            elem_funcs: HashSet::new(),
            bodies: Vec::new(),
            uses: Vec::new(),
            names: HashMap::new(),
            data: Vec::new(),
            global_consts: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(err)?;
            if let Some(section) = payload.as_section() {
                if let Payload::CustomSection(c) = &payload {
                    m.custom_names
                        .insert(m.sections.len(), c.name().to_string());
                }
                m.sections.push(section);
            }
            match payload {
                Payload::TypeSection(r) => {
                    for ty in r.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(err)?;
                        if ty.params().is_empty()
                            && ty.results().is_empty()
                            && m.empty_type.is_none()
                        {
                            m.empty_type = Some(m.type_params.len() as u32);
                        }
                        m.type_params.push(ty.params().len() as u32);
                    }
                }
                Payload::ImportSection(r) => {
                    for imp in r.into_imports() {
                        match imp.map_err(err)?.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                m.func_types.push(t);
                                m.imported_funcs += 1;
                            }
                            TypeRef::Table(t) => {
                                m.tables.push(t);
                                m.imported_tables += 1;
                            }
                            TypeRef::Memory(t) => m.memories.push(t),
                            TypeRef::Global(t) => {
                                m.globals.push(t);
                                m.imported_globals += 1;
                            }
                            TypeRef::Tag(_) => return Err("tags are not supported".into()),
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        m.func_types.push(t.map_err(err)?);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r {
                        m.tables.push(t.map_err(err)?.ty);
                    }
                }
                Payload::MemorySection(r) => {
                    for t in r {
                        m.memories.push(t.map_err(err)?);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        let g = g.map_err(err)?;
                        m.globals.push(g.ty);
                        for op in g.init_expr.get_operators_reader() {
                            if let Operator::I32Const { value } = op.map_err(err)? {
                                m.global_consts.push(value as u32);
                            }
                        }
                    }
                }
                Payload::DataSection(r) => {
                    for d in r {
                        let d = d.map_err(err)?;
                        let offset = match d.kind {
                            DataKind::Active {
                                memory_index: 0,
                                offset_expr,
                            } => {
                                let mut ops = offset_expr.get_operators_reader();
                                match (ops.read().map_err(err)?, ops.read().map_err(err)?) {
                                    (Operator::I32Const { value }, Operator::End) => {
                                        Some(value as u32)
                                    }
                                    _ => None,
                                }
                            }
                            _ => None,
                        };
                        let end = d.range.end;
                        m.data.push(DataSegment {
                            offset,
                            range: end - d.data.len()..end,
                        });
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e.map_err(err)?;
                        m.exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(r) => {
                    for e in r {
                        match e.map_err(err)?.items {
                            ElementItems::Functions(fs) => {
                                for f in fs {
                                    m.elem_funcs.insert(f.map_err(err)?);
                                }
                            }
                            ElementItems::Expressions(_, es) => {
                                for ex in es {
                                    for op in ex.map_err(err)?.get_operators_reader() {
                                        if let Operator::RefFunc { function_index } =
                                            op.map_err(err)?
                                        {
                                            m.elem_funcs.insert(function_index);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    m.bodies.push(body.range());
                    m.uses.push(uses_of(&body).map_err(err)?);
                }
                Payload::CustomSection(c) => {
                    if let KnownCustom::Name(names) = c.as_known() {
                        for n in names {
                            if let Ok(Name::Function(map)) = n {
                                for naming in map.into_iter().flatten() {
                                    m.names
                                        .insert(naming.index, crate::parts::plain(naming.name));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// The index of the first defined function.
    pub fn first_defined(&self) -> u32 {
        self.imported_funcs
    }

    /// The defined function's body bytes.
    pub fn body(&self, func: u32) -> &'a [u8] {
        &self.bytes[self.bodies[(func - self.imported_funcs) as usize].clone()]
    }

    /// The contents of the first section with `id`.
    pub fn section(&self, id: u8) -> Option<&'a [u8]> {
        self.sections
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, r)| &self.bytes[r.clone()])
    }
}

fn uses_of(body: &wasmparser::FunctionBody) -> wasmparser::Result<Uses> {
    let mut u = Uses::default();
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        match ops.read()? {
            Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                u.calls.push(function_index)
            }
            Operator::RefFunc { function_index } => u.ref_funcs.push(function_index),
            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => {
                u.globals.push(global_index)
            }
            Operator::CallIndirect { table_index, .. }
            | Operator::ReturnCallIndirect { table_index, .. }
            | Operator::TableGet { table: table_index }
            | Operator::TableSet { table: table_index }
            | Operator::TableSize { table: table_index }
            | Operator::TableGrow { table: table_index }
            | Operator::TableFill { table: table_index } => u.tables.push(table_index),
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                u.tables.push(dst_table);
                u.tables.push(src_table);
            }
            Operator::I32Const { value } => u.data_refs.push(value as u32),
            // A (pointer, length) pair stored in one go: `i64.const` with the address in either half.
            Operator::I64Const { value } => {
                u.data_refs.push(value as u64 as u32);
                u.data_refs.push((value as u64 >> 32) as u32);
            }
            Operator::I32Load { memarg }
            | Operator::I64Load { memarg }
            | Operator::F32Load { memarg }
            | Operator::F64Load { memarg }
            | Operator::I32Load8S { memarg }
            | Operator::I32Load8U { memarg }
            | Operator::I32Load16S { memarg }
            | Operator::I32Load16U { memarg }
            | Operator::I64Load8S { memarg }
            | Operator::I64Load8U { memarg }
            | Operator::I64Load16S { memarg }
            | Operator::I64Load16U { memarg }
            | Operator::I64Load32S { memarg }
            | Operator::I64Load32U { memarg }
            | Operator::I32Store { memarg }
            | Operator::I64Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::F64Store { memarg }
            | Operator::I32Store8 { memarg }
            | Operator::I32Store16 { memarg }
            | Operator::I64Store8 { memarg }
            | Operator::I64Store16 { memarg }
            | Operator::I64Store32 { memarg }
            | Operator::V128Load { memarg }
            | Operator::V128Store { memarg } => u.data_refs.push(memarg.offset as u32),
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. } => u.segments = true,
            // Memory instructions the list above does not read an offset of (SIMD lanes,
            // atomics): the data split cannot see every static address then, and moves none.
            op if format!("{op:?}").contains("memarg") => u.unlisted_memarg = true,
            _ => {}
        }
    }
    Ok(u)
}
