//! Methods of `list`.

use std::rc::Rc;

use crate::py::runtime::builtins::args::{
    args_between, int_arg, no_attr, no_kwargs, only_kw, opt_index, take_kw, Kwargs,
};
use crate::py::runtime::builtins::sort::sort_values;
use crate::py::runtime::format::repr;
use crate::py::runtime::host::Host;
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{equals, List, PyException, Value};
use crate::py::runtime::ops::{
    collect, list_too_long, memory_error, type_error, value_error, MAX_ITEMS, MAX_LEN,
};

/// Method names of `list`.
pub(super) const LIST_METHODS: [&str; 11] = [
    "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];

/// Calls a method of a `list`.
pub(super) fn call_method(
    vm: &mut dyn Interp,
    host: &mut dyn Host,
    recv: &Value,
    l: &Rc<List>,
    name: &str,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    let mname = format!("{}.{}", recv.type_name(), name);
    if name != "sort" {
        no_kwargs(&mname, &kwargs)?;
    }
    match name {
        "append" => {
            args_between(&mname, &args, 1, 1)?;
            let mut items = l.items.borrow_mut();
            if items.len() >= MAX_ITEMS {
                return Err(list_too_long());
            }
            items.push(args[0].clone());
            Ok(Value::None)
        }
        "extend" => {
            args_between(&mname, &args, 1, 1)?;
            let new = collect(host, &args[0])?;
            let mut items = l.items.borrow_mut();
            if new.len() > MAX_LEN {
                return Err(memory_error());
            }
            if items.len() + new.len() > MAX_ITEMS {
                return Err(list_too_long());
            }
            crate::py::runtime::object::charge::charge(new.len() * std::mem::size_of::<Value>());
            items.extend(new);
            Ok(Value::None)
        }
        "insert" => {
            args_between(&mname, &args, 2, 2)?;
            let i = int_arg(&args[0])?;
            let mut items = l.items.borrow_mut();
            let n = items.len() as i64;
            let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
            items.insert(at, args[1].clone());
            Ok(Value::None)
        }
        "pop" => {
            args_between(&mname, &args, 0, 1)?;
            let mut items = l.items.borrow_mut();
            if items.is_empty() {
                return Err(PyException::builtin(
                    BuiltinExc::IndexError,
                    "pop from empty list",
                ));
            }
            let i = match args.first() {
                Some(v) => int_arg(v)?,
                None => -1,
            };
            let n = items.len() as i64;
            let j = if i < 0 { i + n } else { i };
            if !(0..n).contains(&j) {
                return Err(PyException::builtin(
                    BuiltinExc::IndexError,
                    "pop index out of range",
                ));
            }
            Ok(items.remove(j as usize))
        }
        "remove" | "index" | "count" => {
            args_between(&mname, &args, 1, if name == "index" { 3 } else { 1 })?;
            let items = l.items.borrow().clone();
            let mut count = 0;
            for (i, x) in items.iter().enumerate() {
                if x.is(&args[0]) || equals(x, &args[0])? {
                    match name {
                        "remove" => {
                            l.items.borrow_mut().remove(i);
                            return Ok(Value::None);
                        }
                        "index" => {
                            let start = opt_index(args.get(1), items.len() as i64, 0)? as usize;
                            let end =
                                opt_index(args.get(2), items.len() as i64, items.len() as i64)?
                                    as usize;
                            if i >= start && i < end {
                                return Ok(Value::Int(i as i64));
                            }
                        }
                        _ => count += 1,
                    }
                }
            }
            match name {
                "count" => Ok(Value::Int(count)),
                "remove" => Err(value_error("list.remove(x): x not in list")),
                _ => Err(value_error(format!(
                    "{} is not in list",
                    repr(host, &args[0])?
                ))),
            }
        }
        "sort" => {
            let key = take_kw(&mut kwargs, "key");
            let reverse = take_kw(&mut kwargs, "reverse")
                .map(|v| v.truthy())
                .unwrap_or(false);
            only_kw(&mname, &kwargs)?;
            if !args.is_empty() {
                return Err(type_error("sort() takes no positional arguments"));
            }
            let items = std::mem::take(&mut *l.items.borrow_mut());
            let sorted = sort_values(vm, host, items.clone(), key, reverse);
            match sorted {
                Ok(s) => {
                    *l.items.borrow_mut() = s;
                    Ok(Value::None)
                }
                Err(e) => {
                    *l.items.borrow_mut() = items;
                    Err(e)
                }
            }
        }
        "reverse" => {
            args_between(&mname, &args, 0, 0)?;
            l.items.borrow_mut().reverse();
            Ok(Value::None)
        }
        "clear" => {
            args_between(&mname, &args, 0, 0)?;
            let old = std::mem::take(&mut *l.items.borrow_mut());
            drop(old);
            Ok(Value::None)
        }
        "copy" => {
            args_between(&mname, &args, 0, 0)?;
            Ok(Value::list(l.items.borrow().clone()))
        }
        _ => Err(no_attr(recv, name)),
    }
}
