//! A copy of an interpreter that resumes exactly as the original would: its frames, the
//! activations a host call or a callback left suspended, and every object they reach.

use crate::py::runtime::error::Uncaught;
use crate::py::runtime::object::deep_copy::Copier;
use crate::py::runtime::vm::frame::{Activation, Block, Frame, Pending};
use crate::py::runtime::vm::machine::Vm;

impl Vm {
    /// A copy of this interpreter through `c` (so that the host's objects copied through the
    /// same copier and this one's values stay the very same objects to each other). Frame ids
    /// are kept, and the code shared: a copy's tracebacks and behaviour are the original's.
    pub fn copy(&self, c: &mut Copier) -> Vm {
        let Vm {
            program,
            globals,
            builtin_slots,
            modules,
            acts,
            failed,
            finished,
            last_line,
            next_frame_id,
            nested,
            reraise,
            trampoline,
            executed,
            meter,
        } = self;
        let slots = |c: &mut Copier, v: &[Option<_>]| -> Vec<_> {
            v.iter().map(|x| x.as_ref().map(|x| c.value(x))).collect()
        };
        Vm {
            program: program.clone(),
            globals: slots(c, globals),
            builtin_slots: slots(c, builtin_slots),
            modules: modules
                .iter()
                .map(|(name, m)| (name.clone(), c.value(m)))
                .collect(),
            acts: acts.iter().map(|a| activation(c, a)).collect(),
            failed: failed.as_ref().map(|u| Uncaught {
                exception: c.exception(&u.exception),
                report: u.report.clone(),
            }),
            finished: *finished,
            last_line: *last_line,
            next_frame_id: *next_frame_id,
            nested: *nested,
            reraise: *reraise,
            trampoline: trampoline.clone(),
            executed: *executed,
            meter: meter.clone(),
        }
    }
}

fn activation(c: &mut Copier, a: &Activation) -> Activation {
    Activation {
        kind: a.kind,
        frames: a.frames.iter().map(|f| frame(c, f)).collect(),
        pending: a.pending.as_ref().map(|p| Pending {
            token: p.token,
            for_exit: p.for_exit,
            enumerate: p.enumerate,
        }),
        injected: a.injected.as_ref().map(|e| c.exception(e)),
    }
}

fn frame(c: &mut Copier, f: &Frame) -> Frame {
    let mut stack = Vec::with_capacity(f.stack.capacity());
    stack.extend(f.stack.iter().map(|v| c.value(v)));
    Frame {
        code: f.code.clone(),
        pc: f.pc,
        stack,
        locals: f
            .locals
            .iter()
            .map(|x| x.as_ref().map(|x| c.value(x)))
            .collect(),
        cells: f.cells.iter().map(|x| c.cell(x)).collect(),
        blocks: f
            .blocks
            .iter()
            .map(|b| match b {
                Block::Try { handler, depth } => Block::Try {
                    handler: *handler,
                    depth: *depth,
                },
                Block::Handler { exc } => Block::Handler {
                    exc: c.exception(exc),
                },
            })
            .collect(),
        id: f.id,
    }
}
