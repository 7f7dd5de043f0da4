//! Methods of `tuple` (and of `range`, which has the same two).

use crate::py::runtime::builtins::args::{args_between, no_attr};
use crate::py::runtime::host::Host;
use crate::py::runtime::object::value::{equals, PyException, Value};
use crate::py::runtime::ops::{collect, value_error};

/// Method names of `tuple` and `range`.
pub(super) const TUPLE_METHODS: [&str; 2] = ["index", "count"];

/// Calls a method of a `tuple`.
pub(super) fn call_method(
    host: &mut dyn Host,
    recv: &Value,
    name: &str,
    args: Vec<Value>,
) -> Result<Value, PyException> {
    let mname = format!("{}.{}", recv.type_name(), name);
    args_between(&mname, &args, 1, 1)?;
    let items = collect(host, recv)?;
    match name {
        "count" => {
            let mut n = 0;
            for x in &items {
                if equals(x, &args[0])? {
                    n += 1;
                }
            }
            Ok(Value::Int(n))
        }
        "index" => {
            for (i, x) in items.iter().enumerate() {
                if equals(x, &args[0])? {
                    return Ok(Value::Int(i as i64));
                }
            }
            Err(value_error(format!(
                "{}.index(x): x not in {}",
                recv.type_name(),
                recv.type_name()
            )))
        }
        _ => Err(no_attr(recv, name)),
    }
}
