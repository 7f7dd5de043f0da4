//! Methods of `dict`.

use std::rc::Rc;

use crate::py::runtime::builtins::args::{args_between, no_attr, no_kwargs, Kwargs};
use crate::py::runtime::host::Host;
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{Dict, PyException, Value, ViewKind};
use crate::py::runtime::ops;
use crate::py::runtime::ops::collect;

/// Method names of `dict`.
pub(super) const DICT_METHODS: [&str; 11] = [
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "clear",
    "copy",
    "fromkeys",
];

/// Calls a method of a `dict`.
pub(super) fn call_method(
    host: &mut dyn Host,
    recv: &Value,
    d: &Rc<Dict>,
    name: &str,
    args: Vec<Value>,
    kwargs: Kwargs,
) -> Result<Value, PyException> {
    let mname = format!("{}.{}", recv.type_name(), name);
    match name {
        "get" => {
            no_kwargs(&mname, &kwargs)?;
            args_between("get", &args, 1, 2)?;
            Ok(d.map
                .borrow()
                .get(&args[0])?
                .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
        }
        "keys" | "values" | "items" => {
            args_between(&mname, &args, 0, 0)?;
            let kind = match name {
                "keys" => ViewKind::Keys,
                "values" => ViewKind::Values,
                _ => ViewKind::Items,
            };
            Ok(Value::DictView(Rc::new((d.clone(), kind))))
        }
        "pop" => {
            args_between("pop", &args, 1, 2)?;
            let r = d.map.borrow_mut().remove(&args[0])?;
            match (r, args.get(1)) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(PyException::with_args(
                    ExcClass::Builtin(BuiltinExc::KeyError),
                    vec![args[0].clone()],
                )),
            }
        }
        "popitem" => {
            args_between(&mname, &args, 0, 0)?;
            let r = d.map.borrow_mut().pop_last();
            match r {
                Some((k, v)) => Ok(Value::tuple(vec![k, v])),
                None => Err(PyException::builtin(
                    BuiltinExc::KeyError,
                    "popitem(): dictionary is empty",
                )),
            }
        }
        "setdefault" => {
            args_between("setdefault", &args, 1, 2)?;
            let existing = d.map.borrow().get(&args[0])?;
            match existing {
                Some(v) => Ok(v),
                None => {
                    let v = args.get(1).cloned().unwrap_or(Value::None);
                    d.map.borrow_mut().insert(args[0].clone(), v.clone())?;
                    Ok(v)
                }
            }
        }
        "update" => {
            args_between("update", &args, 0, 1)?;
            if let Some(a) = args.first() {
                let other = ops::dict_from(host, a)?;
                let pairs: Vec<(Value, Value)> =
                    other.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                for (k, v) in pairs {
                    d.map.borrow_mut().insert(k, v)?;
                }
            }
            for (k, v) in kwargs {
                d.map.borrow_mut().insert(Value::Str(k), v)?;
            }
            Ok(Value::None)
        }
        "clear" => {
            let old = std::mem::take(&mut *d.map.borrow_mut());
            drop(old);
            Ok(Value::None)
        }
        "copy" => {
            let pairs: Vec<(Value, Value)> = d
                .map
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Value::dict(pairs)
        }
        "fromkeys" => {
            args_between("fromkeys", &args, 1, 2)?;
            let v = args.get(1).cloned().unwrap_or(Value::None);
            let pairs = collect(host, &args[0])?
                .into_iter()
                .map(|k| (k, v.clone()))
                .collect();
            Value::dict(pairs)
        }
        _ => Err(no_attr(recv, name)),
    }
}
