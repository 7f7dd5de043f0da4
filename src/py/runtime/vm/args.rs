//! Binding call arguments to a script function's parameters, with CPython's messages for
//! missing, surplus and unexpected arguments.

use std::rc::Rc;

use crate::py::runtime::builtins::Kwargs;
use crate::py::runtime::object::value::{Cell, Function, PyException, Value};
use crate::py::runtime::ops::type_error;

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub(super) fn name_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Binds call arguments to a function's parameters, with CPython's error messages.
pub(super) fn bind_args(
    func: &Function,
    args: Vec<Value>,
    kwargs: Kwargs,
) -> Result<(Vec<Option<Value>>, Vec<Cell>), PyException> {
    let code = &func.code;
    let qn = &code.qualname;
    let nparams = code.argcount + code.kwonlycount;
    let mut locals: Vec<Option<Value>> = vec![None; code.local_names.len()];
    let npos = args.len();
    let mut extra = Vec::new();
    for (i, a) in args.into_iter().enumerate() {
        if i < code.argcount {
            locals[i] = Some(a);
        } else {
            extra.push(a);
        }
    }
    if !extra.is_empty() && code.vararg.is_none() {
        let ndefaults = code
            .default_params
            .iter()
            .filter(|&&p| (p as usize) < code.argcount)
            .count();
        let takes = if ndefaults > 0 {
            format!(
                "from {} to {} positional arguments",
                code.argcount - ndefaults,
                code.argcount
            )
        } else {
            plural(code.argcount, "positional argument")
        };
        let given = if npos == 1 {
            "1 was given".to_string()
        } else {
            format!("{npos} were given")
        };
        return Err(type_error(format!("{qn}() takes {takes} but {given}")));
    }
    let mut kwdict = Vec::new();
    for (k, v) in kwargs {
        match code.local_names[..nparams.min(code.local_names.len())]
            .iter()
            .position(|n| *n == k)
        {
            Some(i) => {
                if locals[i].is_some() {
                    return Err(type_error(format!(
                        "{qn}() got multiple values for argument '{k}'"
                    )));
                }
                locals[i] = Some(v);
            }
            None => {
                if code.kwarg.is_none() {
                    return Err(type_error(format!(
                        "{qn}() got an unexpected keyword argument '{k}'"
                    )));
                }
                kwdict.push((Value::Str(k), v));
            }
        }
    }
    for (j, &p) in code.default_params.iter().enumerate() {
        let p = p as usize;
        if p < locals.len() && locals[p].is_none() {
            locals[p] = func.defaults.get(j).cloned();
        }
    }
    let missing: Vec<String> = (0..code.argcount)
        .filter(|&i| locals[i].is_none())
        .map(|i| code.local_names[i].to_string())
        .collect();
    if !missing.is_empty() {
        return Err(type_error(format!(
            "{qn}() missing {} required positional argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            name_list(&missing)
        )));
    }
    let missing_kw: Vec<String> = (code.argcount..nparams)
        .filter(|&i| locals[i].is_none())
        .map(|i| code.local_names[i].to_string())
        .collect();
    if !missing_kw.is_empty() {
        return Err(type_error(format!(
            "{qn}() missing {} required keyword-only argument{}: {}",
            missing_kw.len(),
            if missing_kw.len() == 1 { "" } else { "s" },
            name_list(&missing_kw)
        )));
    }
    if let Some(slot) = code.vararg {
        locals[slot as usize] = Some(Value::tuple(extra));
    }
    if let Some(slot) = code.kwarg {
        locals[slot as usize] = Some(Value::dict(kwdict)?);
    }
    let mut cells: Vec<Cell> = (0..code.n_cellvars)
        .map(|_| Rc::new(std::cell::RefCell::new(None)))
        .collect();
    cells.extend(func.closure.iter().cloned());
    for &(slot, ci) in &code.cell_params {
        if let (Some(v), Some(c)) = (locals.get(slot as usize), cells.get(ci as usize)) {
            *c.borrow_mut() = v.clone();
        }
    }
    Ok((locals, cells))
}
