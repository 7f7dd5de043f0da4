//! Copies of an interpreter (`Vm::copy`): a copy taken anywhere resumes exactly as the
//! original does, however the original goes on meanwhile.

use crate::py::runtime::host::{Host, HostResult, Reply, SuspendToken};
use crate::py::runtime::object::deep_copy::Copier;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{HostRef, Module, PyException, Value};
use crate::py::runtime::vm::{RunOutcome, Vm};

/// A host whose only module is `time`, whose `sleep` suspends; it keeps what is printed.
#[derive(Default)]
struct Sleeper {
    output: String,
    tokens: u64,
}

impl Host for Sleeper {
    fn import(&mut self, module: &str) -> Result<Value, PyException> {
        match module {
            "time" => Ok(Value::Module(Module::new(
                "time",
                vec![("sleep", Value::Host(HostRef::new(1, "function")))],
            ))),
            _ => Err(PyException::builtin(
                BuiltinExc::ModuleNotFoundError,
                format!("No module named '{module}'"),
            )),
        }
    }

    fn getattr(&mut self, obj: &HostRef, name: &str) -> Result<Value, PyException> {
        Err(PyException::builtin(
            BuiltinExc::AttributeError,
            format!("'{}' object has no attribute '{name}'", obj.type_name),
        ))
    }

    fn call(&mut self, _: &HostRef, _: &str, _: Vec<Value>, _: Vec<(String, Value)>) -> HostResult {
        self.tokens += 1;
        HostResult::Suspend(SuspendToken(self.tokens))
    }

    fn print(&mut self, text: &str) {
        self.output.push_str(text);
    }
}

/// Sharing, a cycle, a closure with a default, an iterator and an enumerate half consumed, a
/// dict keyed by objects (hashed by address), an exception caught and kept, and the script
/// suspended inside an `except` handler in a `for` loop in a function.
const SCRIPT: &str = r#"import time
l = []
l.append(l)
shared = [1, 2]
pair = (shared, shared)
def counter():
    n = [0]
    def bump(k=1):
        n[0] += k
        return n[0]
    return bump
bump = counter()
d = {bump: 'f', (1, bump): 't', 'x': l, 'y': 2, 'z': 3}
keys = iter(d)
items = enumerate(d.items(), 5)
e = ValueError('boom', l)
caught = []
def work():
    for x in iter([10, 20, 30, 40]):
        bump(x)
        try:
            raise e
        except ValueError as err:
            caught.append(err)
            time.sleep(1)
            print(x, bump(), err is e, l[0] is l, d[bump], d[(1, bump)], next(keys), next(items))
        l.append(x)
        shared.append(x)
        d[bump] = x
    return len(l)
print('work', work())
print(l[0] is l, len(l), pair[0] is pair[1], pair[0] is shared, shared, d[bump], bump(0))
print(e.args[1] is l, caught[0] is caught[3], caught[0] is e, [k for k in d if k is bump] == [bump])
print(list(keys), list(items), e)
"#;

/// Runs `vm` to its end, answering each sleep at once; what it printed.
fn finish(vm: &mut Vm, host: &mut Sleeper) -> String {
    loop {
        match vm.run(host, 1_000_000) {
            RunOutcome::Suspended(_) => vm.resume(Reply::Return(Value::None)).unwrap(),
            RunOutcome::Finished => return std::mem::take(&mut host.output),
            RunOutcome::BudgetExhausted => {}
            other => panic!("{other:?}\n{}", host.output),
        }
    }
}

#[test]
fn a_copy_resumes_as_the_original_at_every_suspension() {
    let whole = finish(&mut Vm::new(SCRIPT).unwrap(), &mut Sleeper::default());
    assert!(whole.contains("work 5\n"), "{whole}");
    for stop in 1..=4 {
        let mut vm = Vm::new(SCRIPT).unwrap();
        let mut host = Sleeper::default();
        for _ in 0..stop {
            assert!(matches!(
                vm.run(&mut host, 1_000_000),
                RunOutcome::Suspended(_)
            ));
            if vm.suspended_on() != Some(SuspendToken(stop)) {
                vm.resume(Reply::Return(Value::None)).unwrap();
            }
        }
        let before = std::mem::take(&mut host.output);
        let mut copy = Copier::copy(|c| vm.copy(c)).unwrap();
        // The original runs on first: nothing it changes may reach the copy.
        let original = finish(&mut vm, &mut Sleeper::default());
        drop(vm);
        let copied = finish(&mut copy, &mut Sleeper::default());
        assert_eq!(copied, original, "copied at suspension {stop}");
        assert_eq!(format!("{before}{copied}"), whole);
    }
}

#[test]
fn deep_lists_copy_and_deep_tuples_refuse() {
    let mut host = Sleeper::default();
    let mut vm = Vm::new(
        "import time\nx = []\nfor i in range(100000):\n    x = [x]\ntime.sleep(1)\nn = 0\nwhile x:\n    x = x[0]\n    n += 1\nprint(n)",
    )
    .unwrap();
    assert!(matches!(
        vm.run(&mut host, 10_000_000),
        RunOutcome::Suspended(_)
    ));
    let mut copy = Copier::copy(|c| vm.copy(c)).unwrap();
    assert_eq!(finish(&mut copy, &mut Sleeper::default()), "100000\n");
    let mut vm =
        Vm::new("import time\nx = ()\nfor i in range(100000):\n    x = (x,)\ntime.sleep(1)")
            .unwrap();
    assert!(matches!(
        vm.run(&mut host, 10_000_000),
        RunOutcome::Suspended(_)
    ));
    assert!(Copier::copy(|c| vm.copy(c)).is_none());
}
