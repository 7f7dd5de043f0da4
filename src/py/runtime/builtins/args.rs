//! Argument checking shared by the built-in functions and methods: arity, keywords, types.

use std::rc::Rc;

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops::type_error;

/// Keyword arguments as the VM passes them.
pub type Kwargs = Vec<(Rc<str>, Value)>;

pub(super) fn no_kwargs(name: &str, kwargs: &Kwargs) -> Result<(), PyException> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(type_error(format!("{name}() takes no keyword arguments")))
    }
}

pub(super) fn take_kw(kwargs: &mut Kwargs, name: &str) -> Option<Value> {
    let i = kwargs.iter().position(|(k, _)| &**k == name)?;
    Some(kwargs.remove(i).1)
}

pub(super) fn only_kw(fname: &str, kwargs: &Kwargs) -> Result<(), PyException> {
    match kwargs.first() {
        Some((k, _)) => Err(type_error(format!(
            "'{k}' is an invalid keyword argument for {fname}()"
        ))),
        None => Ok(()),
    }
}

pub(super) fn exactly_one(name: &str, args: &[Value]) -> Result<Value, PyException> {
    if args.len() != 1 {
        return Err(type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    Ok(args[0].clone())
}

pub(super) fn arg_range(
    name: &str,
    args: &[Value],
    min: usize,
    max: usize,
) -> Result<(), PyException> {
    if args.len() < min {
        return Err(type_error(if min == 1 {
            format!("{name} expected at least 1 argument, got {}", args.len())
        } else {
            format!(
                "{name} expected at least {min} arguments, got {}",
                args.len()
            )
        }));
    }
    if args.len() > max {
        return Err(type_error(if max == 1 {
            format!("{name} expected at most 1 argument, got {}", args.len())
        } else {
            format!(
                "{name} expected at most {max} arguments, got {}",
                args.len()
            )
        }));
    }
    Ok(())
}

pub(super) fn int_arg(v: &Value) -> Result<i64, PyException> {
    v.as_int().ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

pub(super) fn str_arg<'a>(what: &str, v: &'a Value) -> Result<&'a str, PyException> {
    v.as_str()
        .ok_or_else(|| type_error(format!("{what} must be str, not {}", v.type_name())))
}

pub(super) fn args_between(
    mname: &str,
    args: &[Value],
    min: usize,
    max: usize,
) -> Result<(), PyException> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            if min == 0 {
                format!("{mname}() takes no arguments ({} given)", args.len())
            } else if min == 1 {
                format!(
                    "{mname}() takes exactly one argument ({} given)",
                    args.len()
                )
            } else {
                format!("{mname} expected {min} arguments, got {}", args.len())
            }
        } else if args.len() < min {
            format!(
                "{mname} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{mname} expected at most {max} arguments, got {}",
                args.len()
            )
        };
        return Err(type_error(msg));
    }
    Ok(())
}

pub(super) fn opt_index(v: Option<&Value>, len: i64, default: i64) -> Result<i64, PyException> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(x) => {
            let i = int_arg(x)?;
            Ok(if i < 0 { (i + len).max(0) } else { i.min(len) })
        }
    }
}

pub(super) fn no_attr(v: &Value, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", v.type_name(), name),
    )
}
