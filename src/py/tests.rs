//! Tests: the seed snippets, each construct, errors, and the execution model.

use crate::py::front::compile::compile;
use crate::py::front::error::ParseErrorKind;
use crate::py::reference::ReferenceHost;
use crate::py::runtime::host::Reply;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::Value;
use crate::py::runtime::vm::{RunOutcome, Vm};

const SEED_3_1: &str = r#"# Python示例：控制主队列位置
import pika

# 连接到特定节点创建队列
connection1 = pika.BlockingConnection(
    pika.ConnectionParameters('node1.example.com'))
channel1 = connection1.channel()
# 在node1创建主队列
channel1.queue_declare(queue='important_queue', durable=True)

# 连接到另一个节点创建不同队列
connection2 = pika.BlockingConnection(
    pika.ConnectionParameters('node2.example.com'))
channel2 = connection2.channel()  
# 在node2创建主队列
channel2.queue_declare(queue='another_queue', durable=True)
"#;

const SEED_5_3_A: &str = r#"# Python客户端故障转移配置
import pika

# 配置多个节点地址
connection_params = [
    pika.ConnectionParameters('node1.example.com'),
    pika.ConnectionParameters('node2.example.com'),  
    pika.ConnectionParameters('node3.example.com')
]

# 自动重连配置
for params in connection_params:
    try:
        connection = pika.BlockingConnection(params)
        print(f"连接成功: {params.host}")
        break
    except pika.exceptions.AMQPConnectionError:
        print(f"连接失败: {params.host}")
        continue
"#;

const SEED_5_3_B: &str = r#"def create_robust_connection():
    """创建具有故障转移能力的连接"""
    
    nodes = ['node1.cluster.com', 'node2.cluster.com', 'node3.cluster.com']
    
    for attempt in range(3):  # 最多重试3次
        for node in nodes:
            try:
                connection = pika.BlockingConnection(
                    pika.ConnectionParameters(
                        host=node,
                        heartbeat=600,      # 心跳检测
                        retry_delay=2,      # 重试延迟
                        connection_attempts=3  # 连接尝试次数
                    )
                )
                return connection
            except Exception as e:
                print(f"连接 {node} 失败: {e}")
                continue
        
        time.sleep(5)  # 重试间隔
    
    raise Exception("所有节点连接失败")
"#;

const BUDGET: u64 = 1_000_000;

/// Runs a script to the end with the reference host, answering every sleep at once.
fn run_with(src: &str, host: &mut ReferenceHost) -> (Vm, RunOutcome) {
    let mut vm = Vm::new(src).unwrap_or_else(|e| panic!("{}", e.report(src)));
    loop {
        match vm.run(host, BUDGET) {
            RunOutcome::Suspended(_) => vm.resume(Reply::Return(Value::None)).unwrap(),
            other => return (vm, other),
        }
    }
}

fn run(src: &str) -> (String, RunOutcome) {
    let mut host = ReferenceHost::new();
    let (_, out) = run_with(src, &mut host);
    (host.output().to_string(), out)
}

/// Output of a script that must finish.
fn out(src: &str) -> String {
    let (text, outcome) = run(src);
    match outcome {
        RunOutcome::Finished => text,
        RunOutcome::Raised(u) => panic!("script raised:\n{}\noutput so far:\n{}", u.report, text),
        other => panic!("unexpected {other:?}"),
    }
}

/// The report of a script that must raise.
fn raises(src: &str) -> String {
    match run(src).1 {
        RunOutcome::Raised(u) => u.report,
        other => panic!("expected an exception, got {other:?}"),
    }
}

fn last_line(report: &str) -> &str {
    report.lines().last().unwrap_or("")
}

fn parse_err(src: &str) -> crate::py::front::error::ParseError {
    match compile(src) {
        Err(e) => e,
        Ok(_) => panic!("expected a parse error for {src:?}"),
    }
}

// ----- the seed snippets ---------------------------------------------------------------------

#[test]
fn seed_3_1_two_connections() {
    let mut host = ReferenceHost::new();
    let (vm, outcome) = run_with(SEED_3_1, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert_eq!(
        host.calls(),
        &[
            "connect node1.example.com",
            "queue_declare important_queue durable=true",
            "connect node2.example.com",
            "queue_declare another_queue durable=true",
        ]
    );
    assert!(matches!(vm.global("channel2"), Some(Value::Host(_))));
}

#[test]
fn seed_5_3_failover_loop() {
    let mut host = ReferenceHost::with_down(&["node1.example.com"]);
    let (vm, outcome) = run_with(SEED_5_3_A, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert_eq!(
        host.output(),
        "连接失败: node1.example.com\n连接成功: node2.example.com\n"
    );
    assert_eq!(
        host.calls(),
        &["connect node1.example.com", "connect node2.example.com"]
    );
    assert!(matches!(vm.global("connection"), Some(Value::Host(_))));
}

#[test]
fn seed_5_3_all_down_prints_each_failure() {
    let mut host = ReferenceHost::with_down(&[
        "node1.example.com",
        "node2.example.com",
        "node3.example.com",
    ]);
    let (_, outcome) = run_with(SEED_5_3_A, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished));
    assert_eq!(
        host.output(),
        "连接失败: node1.example.com\n连接失败: node2.example.com\n连接失败: node3.example.com\n"
    );
}

#[test]
fn seed_robust_as_printed_only_defines_the_function() {
    let (text, outcome) = run(SEED_5_3_B);
    assert!(matches!(outcome, RunOutcome::Finished));
    assert_eq!(text, "");
}

const ALL_DOWN: [&str; 3] = [
    "node1.cluster.com",
    "node2.cluster.com",
    "node3.cluster.com",
];

#[test]
fn seed_robust_without_import_time_fails_with_name_error() {
    // As the seed's context would run it: pika imported, the function called.
    let src = format!("import pika\n{SEED_5_3_B}\ncreate_robust_connection()\n");
    let mut host = ReferenceHost::with_down(&ALL_DOWN);
    let (_, outcome) = run_with(&src, &mut host);
    let RunOutcome::Raised(u) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(u.exception.is(BuiltinExc::NameError));
    let lines: Vec<&str> = host.output().lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("连接 node1.cluster.com 失败: AMQPConnectorSocketConnectError"),
        "{}",
        lines[0]
    );
    assert!(host.sleeps().is_empty());
    assert_eq!(
        u.report,
        "Traceback (most recent call last):\n  File \"<client>\", line 27, in <module>\n    create_robust_connection()\n  File \"<client>\", line 23, in create_robust_connection\n    time.sleep(5)  # 重试间隔\nNameError: name 'time' is not defined. Did you forget to import 'time'?"
    );
}

#[test]
fn seed_robust_without_any_import_reports_pika_name_errors_first() {
    let src = format!("{SEED_5_3_B}\ncreate_robust_connection()\n");
    let (text, outcome) = run(&src);
    assert_eq!(
        text,
        "连接 node1.cluster.com 失败: name 'pika' is not defined\n连接 node2.cluster.com 失败: name 'pika' is not defined\n连接 node3.cluster.com 失败: name 'pika' is not defined\n"
    );
    let RunOutcome::Raised(u) = outcome else {
        panic!()
    };
    assert_eq!(
        last_line(&u.report),
        "NameError: name 'time' is not defined. Did you forget to import 'time'?"
    );
}

#[test]
fn seed_robust_with_import_time_sleeps_and_raises_final_exception() {
    let src =
        format!("import pika\nimport time\n{SEED_5_3_B}\nconn = create_robust_connection()\n");
    let mut host = ReferenceHost::with_down(&ALL_DOWN);
    let mut vm = Vm::new(&src).unwrap();
    let mut suspensions = 0;
    let outcome = loop {
        match vm.run(&mut host, BUDGET) {
            RunOutcome::Suspended(t) => {
                suspensions += 1;
                assert_eq!(host.sleeps().last(), Some(&(t, 5.0)));
                assert_eq!(vm.current_line(), 24);
                vm.resume(Reply::Return(Value::None)).unwrap();
            }
            other => break other,
        }
    };
    assert_eq!(suspensions, 3);
    assert_eq!(host.output().lines().count(), 9);
    let RunOutcome::Raised(u) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(u.exception.class().name(), "Exception");
    assert_eq!(last_line(&u.report), "Exception: 所有节点连接失败");
    assert!(u.report.contains("line 26, in create_robust_connection"));
}

#[test]
fn seed_robust_connects_when_a_node_is_up() {
    let src = format!("import pika\nimport time\n{SEED_5_3_B}\nconn = create_robust_connection()\nprint(conn.is_open)\n");
    let mut host = ReferenceHost::with_down(&["node1.cluster.com"]);
    let (_, outcome) = run_with(&src, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert!(host.output().ends_with("True\n"));
    assert!(host.output().starts_with("连接 node1.cluster.com 失败"));
}

// ----- constructs ------------------------------------------------------------------------------

#[test]
fn arithmetic_and_numbers() {
    assert_eq!(
        out("print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10, 2 ** -1, 7 / 2, 1 + 2 * 3 - 4)"),
        "3 -4 1 2 1024 0.5 3.5 3\n"
    );
    assert_eq!(
        out("print(0.1 + 0.2, 1e16, 1.5e-7, 3.0, -0.0, 1/3, 2.5 // 1, -7.5 % 2)"),
        "0.30000000000000004 1e+16 1.5e-07 3.0 -0.0 0.3333333333333333 2.0 0.5\n"
    );
    assert_eq!(
        out("print(float('inf'), -float('inf'), float('nan'))"),
        "inf -inf nan\n"
    );
    assert_eq!(
        out("print(True + True, 5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 4, -16 >> 2)"),
        "2 1 7 6 -6 16 -4\n"
    );
    assert_eq!(
        out("x = 10\nx += 5\nx -= 1\nx *= 2\nx //= 3\nx **= 2\nprint(x)"),
        "81\n"
    );
    assert_eq!(out("print(round(2.5), round(3.5), round(2.675, 2), round(1234, -2), abs(-3), divmod(7, -2))"), "2 4 2.67 1200 3 (-4, -1)\n");
}

#[test]
fn integer_overflow_is_an_error() {
    let r = raises("x = 2 ** 70");
    assert!(last_line(&r).starts_with("OverflowError"), "{r}");
    let r = raises("x = 9223372036854775807\nx += 1");
    assert!(last_line(&r).starts_with("OverflowError"));
}

#[test]
fn strings_and_methods() {
    assert_eq!(
        out("s = '  Hello, World  '\nprint(s.strip().upper(), s.lower().strip(), s.split(','))"),
        "HELLO, WORLD hello, world ['  Hello', ' World  ']\n"
    );
    assert_eq!(out("print('-'.join(['a', 'b', 'c']), 'a b  c'.split(), 'abc'.startswith('ab'), 'x'.endswith(('y', 'x')))"), "a-b-c ['a', 'b', 'c'] True True\n");
    assert_eq!(out("print('{} and {}'.format(1, 'two'), '{0}{1}{0}'.format('a', 'b'), '{name}!'.format(name='hi'))"), "1 and two aba hi!\n");
    assert_eq!(out("print('%s is %d years, %.2f%%' % ('Bob', 42, 99.5), '%r' % 'x', '%5s|%-5s|' % ('a', 'b'))"), "Bob is 42 years, 99.50% 'x'     a|b    |\n");
    assert_eq!(out("s = 'héllo'\nprint(len(s), s[1], s[-1], s[1:3], s[::-1], s.replace('l', 'L'), s.find('l'), s.count('l'))"), "5 é o él olléh héLLo 2 2\n");
    assert_eq!(out("print(repr('it\\'s'), repr(\"a\\nb\"), str(12), 'ab' * 3, 'a' in 'cat', 'z' not in 'cat')"), "\"it's\" 'a\\nb' 12 ababab True True\n");
    assert_eq!(out("print('abc'.zfill(5), 'x'.center(5, '*'), 'a=b=c'.partition('='), 'Title case'.title())"), "00abc **x** ('a', '=', 'b=c') Title Case\n");
}

#[test]
fn bytes_encode_decode() {
    assert_eq!(
        out("b = 'héllo'.encode()\nprint(b, len(b), b.decode(), b[0], b[1:3])"),
        "b'h\\xc3\\xa9llo' 6 héllo 104 b'\\xc3\\xa9'\n"
    );
    assert_eq!(out("body = b'Hello World!'\nprint(body.decode('utf-8'), type(body).__name__, body == b'Hello World!')"), "Hello World! bytes True\n");
    let r = raises("b'\\xff'.decode()");
    assert_eq!(last_line(&r), "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
}

#[test]
fn fstrings() {
    assert_eq!(
        out("x = 3.14159\nname = 'q'\nprint(f'{x:.2f} {name!r} {x:>8.3f}|{42:05d} {name}')"),
        "3.14 'q'    3.142|00042 q\n"
    );
    assert_eq!(
        out("d = {'k': 'v'}\nprint(f\"{d['k']} {d[\"k\"]} {{literal}} {1+2=}\")"),
        "v v {literal} 1+2=3\n"
    );
    assert_eq!(
        out("w = 6\np = 2\nprint(f'{3.14159:{w}.{p}f}|{\"ab\":^{w}}|')"),
        "  3.14|  ab  |\n"
    );
    assert_eq!(
        out("n = 1234567\nprint(f'{n:,} {n:_} {255:#x} {0.25:.0%} {12345.678:e} {1e-5:g}')"),
        "1,234,567 1_234_567 0xff 25% 1.234568e+04 1e-05\n"
    );
}

#[test]
fn containers() {
    assert_eq!(
        out("l = [3, 1, 2]\nl.append(4)\nl.sort()\nprint(l, l[-1], l[1:3], len(l), l.pop(), l)"),
        "[1, 2, 3] 4 [2, 3] 4 4 [1, 2, 3]\n"
    );
    assert_eq!(out("d = {'a': 1}\nd['b'] = 2\nprint(d, d.get('c', 0), list(d.keys()), list(d.items()), 'a' in d, len(d))"), "{'a': 1, 'b': 2} 0 ['a', 'b'] [('a', 1), ('b', 2)] True 2\n");
    assert_eq!(
        out("t = (1, 'a', None, True)\nprint(t, (1,), (), t[1], t.index(None))"),
        "(1, 'a', None, True) (1,) () a 2\n"
    );
    assert_eq!(
        out("a = [1, 2]\nb = a\nb += [3]\nprint(a, a is b, [1, 2] == [1, 2], [1] is [1])"),
        "[1, 2, 3] True True False\n"
    );
    assert_eq!(
        out("d = {1: 'int', 1.0: 'float', True: 'bool'}\nprint(d)"),
        "{1: 'bool'}\n"
    );
    assert_eq!(out("l = [0] * 3\nl[1] = 5\ndel l[0]\nprint(l, l.keys if False else sorted([3, 1, 2], reverse=True))"), "[5, 0] [3, 2, 1]\n");
    assert_eq!(
        out("a = []\na.append(a)\nprint(a)\nd = {}\nd['self'] = d\nprint(d)"),
        "[[...]]\n{'self': {...}}\n"
    );
}

#[test]
fn comprehensions() {
    assert_eq!(
        out("print([x * x for x in range(5) if x % 2 == 0])"),
        "[0, 4, 16]\n"
    );
    assert_eq!(
        out("print({k: v for k, v in [('a', 1), ('b', 2)]})"),
        "{'a': 1, 'b': 2}\n"
    );
    assert_eq!(
        out("print([(i, j) for i in range(3) for j in range(i)])"),
        "[(1, 0), (2, 0), (2, 1)]\n"
    );
    assert_eq!(
        out("print(sum(x for x in range(10)), ', '.join(str(n) for n in [1, 2]))"),
        "45 1, 2\n"
    );
    assert_eq!(
        out("x = 'outer'\nl = [x for x in range(2)]\nprint(x, l)"),
        "outer [0, 1]\n"
    );
    assert_eq!(
        out("def f(n):\n    return [i * n for i in range(3)]\nprint(f(10))"),
        "[0, 10, 20]\n"
    );
}

#[test]
fn control_flow() {
    let src = "for i in range(10):\n    if i == 2:\n        continue\n    elif i > 4:\n        break\n    print(i)\nelse:\n    print('no')\nn = 0\nwhile True:\n    n += 1\n    if n >= 3:\n        break\nelse:\n    print('never')\nprint(n)\nwhile n < 5:\n    n += 1\nelse:\n    print('done', n)";
    assert_eq!(out(src), "0\n1\n3\n4\n3\ndone 5\n");
    assert_eq!(out("for ch in 'ab':\n    print(ch)\nfor k in {'x': 1}:\n    print(k)\nfor i, v in enumerate(['a', 'b'], 1):\n    print(i, v)\nfor a, b in zip([1, 2], 'xy'):\n    print(a, b)"), "a\nb\nx\n1 a\n2 b\n1 x\n2 y\n");
    assert_eq!(out("x = 5\nprint('big' if x > 3 else 'small', 1 < x < 10, 1 < x > 10, x and 0, x or 0, not x)"), "big True False 0 5 False\n");
    assert_eq!(
        out("if __name__ == '__main__':\n    print('main')"),
        "main\n"
    );
    assert_eq!(
        out("for i in range(10, 0, -3): print(i, end=' ')\nprint()\nprint(*range(3), sep='-')"),
        "10 7 4 1 \n0-1-2\n"
    );
}

#[test]
fn functions_defaults_kwargs_varargs() {
    let src = "def f(a, b=2, *args, c=3, **kw):\n    return (a, b, args, c, kw)\nprint(f(1))\nprint(f(1, 5, 6, 7, c=8, d=9))\nprint(f(*[1, 2], **{'c': 0}))";
    assert_eq!(
        out(src),
        "(1, 2, (), 3, {})\n(1, 5, (6, 7), 8, {'d': 9})\n(1, 2, (), 0, {})\n"
    );
    assert_eq!(
        out("def g():\n    pass\nprint(g(), g.__name__, (lambda x, y=1: x + y)(2))"),
        "None g 3\n"
    );
    let r = raises("def f(a, b):\n    pass\nf(1)");
    assert_eq!(
        last_line(&r),
        "TypeError: f() missing 1 required positional argument: 'b'"
    );
    let r = raises("def f(a):\n    pass\nf(1, 2)");
    assert_eq!(
        last_line(&r),
        "TypeError: f() takes 1 positional argument but 2 were given"
    );
    let r = raises("def f(a):\n    pass\nf(b=1)");
    assert_eq!(
        last_line(&r),
        "TypeError: f() got an unexpected keyword argument 'b'"
    );
    let r = raises("def f(a):\n    pass\nf(1, a=1)");
    assert_eq!(
        last_line(&r),
        "TypeError: f() got multiple values for argument 'a'"
    );
}

#[test]
fn closures_and_scoping() {
    let src = "def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\nc = counter()\nc()\nprint(c(), c())";
    assert_eq!(out(src), "2 3\n");
    assert_eq!(out("total = 0\ndef add(x):\n    global total\n    total += x\nadd(2)\nadd(3)\nprint(total)"), "5\n");
    assert_eq!(out("def make(n):\n    return lambda x: x * n\nprint(make(3)(4), [f(1) for f in [make(i) for i in range(3)]])"), "12 [0, 1, 2]\n");
    let r = raises("x = 1\ndef f():\n    print(x)\n    x = 2\nf()");
    assert_eq!(last_line(&r), "UnboundLocalError: cannot access local variable 'x' where it is not associated with a value");
    assert_eq!(
        out("def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\nprint(fact(20))"),
        "2432902008176640000\n"
    );
    let r = raises("def f():\n    return f()\nf()");
    assert_eq!(
        last_line(&r),
        "RecursionError: maximum recursion depth exceeded"
    );
}

#[test]
fn exceptions_try_except_else_finally() {
    let src = "try:\n    x = 1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e, type(e).__name__, e.args)\nelse:\n    print('else')\nfinally:\n    print('finally')\ntry:\n    pass\nexcept Exception:\n    print('no')\nelse:\n    print('else ran')";
    assert_eq!(
        out(src),
        "caught division by zero ZeroDivisionError ('division by zero',)\nfinally\nelse ran\n"
    );
    assert_eq!(
        out("try:\n    {}['k']\nexcept (IndexError, KeyError) as e:\n    print(repr(e), str(e))"),
        "KeyError('k') 'k'\n"
    );
    assert_eq!(out("try:\n    raise ValueError('bad')\nexcept Exception as e:\n    print(isinstance(e, ValueError), isinstance(e, Exception))"), "True True\n");
    let src = "def f():\n    try:\n        return 'try'\n    finally:\n        print('cleanup')\nprint(f())";
    assert_eq!(out(src), "cleanup\ntry\n");
    let src = "for i in range(3):\n    try:\n        if i == 1:\n            break\n    finally:\n        print('f', i)";
    assert_eq!(out(src), "f 0\nf 1\n");
    let src = "try:\n    try:\n        raise KeyError('a')\n    except KeyError:\n        raise\nexcept LookupError as e:\n    print('outer', repr(e))";
    assert_eq!(out(src), "outer KeyError('a')\n");
    let r = raises("try:\n    1/0\nexcept ZeroDivisionError:\n    raise ValueError('converted')");
    assert!(
        r.contains("During handling of the above exception, another exception occurred:"),
        "{r}"
    );
    assert_eq!(last_line(&r), "ValueError: converted");
    let r =
        raises("try:\n    1/0\nexcept ZeroDivisionError as e:\n    raise RuntimeError('x') from e");
    assert!(r.contains("The above exception was the direct cause of the following exception:"));
    let r = raises("raise");
    assert_eq!(
        last_line(&r),
        "RuntimeError: No active exception to reraise"
    );
    assert_eq!(out("try:\n    raise KeyboardInterrupt\nexcept Exception:\n    print('no')\nexcept BaseException as e:\n    print('base', type(e).__name__)"), "base KeyboardInterrupt\n");
    assert_eq!(out("try:\n    try:\n        1/0\n    finally:\n        print('inner')\nexcept ZeroDivisionError:\n    print('outer')"), "inner\nouter\n");
    let r = raises("assert 1 == 2, 'math'");
    assert_eq!(last_line(&r), "AssertionError: math");
}

#[test]
fn host_exception_hierarchy() {
    let src = "import pika\ntry:\n    pika.BlockingConnection(pika.ConnectionParameters('down'))\nexcept pika.exceptions.AMQPError as e:\n    print(type(e).__name__, isinstance(e, Exception))\nfrom pika.exceptions import AMQPConnectionError\ntry:\n    pika.BlockingConnection(pika.ConnectionParameters(host='down'))\nexcept AMQPConnectionError:\n    print('specific')";
    let mut host = ReferenceHost::with_down(&["down"]);
    let (_, outcome) = run_with(src, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert_eq!(host.output(), "AMQPConnectionError True\nspecific\n");
    let mut host = ReferenceHost::with_down(&["down"]);
    let (_, outcome) = run_with(
        "import pika\npika.BlockingConnection(pika.ConnectionParameters('down'))",
        &mut host,
    );
    let RunOutcome::Raised(u) = outcome else {
        panic!()
    };
    assert!(last_line(&u.report)
        .starts_with("pika.exceptions.AMQPConnectionError: AMQPConnectorSocketConnectError"));
}

#[test]
fn with_statement_calls_enter_and_exit() {
    let src = "import pika\nwith pika.BlockingConnection(pika.ConnectionParameters('n1')) as conn:\n    print(conn.is_open)\nprint(conn.is_open)";
    let mut host = ReferenceHost::new();
    let (_, outcome) = run_with(src, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert_eq!(host.output(), "True\nFalse\n");
    assert_eq!(host.calls(), &["connect n1", "close n1"]);
    let src = "import pika\ntry:\n    with pika.BlockingConnection() as conn:\n        raise ValueError('inside')\nexcept ValueError as e:\n    print('propagated', e)";
    let mut host = ReferenceHost::new();
    let (_, outcome) = run_with(src, &mut host);
    assert!(matches!(outcome, RunOutcome::Finished), "{outcome:?}");
    assert_eq!(host.output(), "propagated inside\n");
    assert_eq!(host.calls(), &["connect localhost", "close localhost"]);
    let r = raises("with 5 as x:\n    pass");
    assert_eq!(
        last_line(&r),
        "TypeError: 'int' object does not support the context manager protocol"
    );
}

#[test]
fn builtins_work() {
    assert_eq!(out("print(len([1, 2]), str(5), int('42'), int(' -7 '), float('2.5'), bool(''), list('ab'), dict(a=1), tuple([1]))"), "2 5 42 -7 2.5 False ['a', 'b'] {'a': 1} (1,)\n");
    assert_eq!(out("print(min(3, 1, 2), max([1, 5, 2]), sum([1, 2, 3]), sorted(['b', 'a']), max(['aa', 'b'], key=len), min([], default=0))"), "1 5 6 ['a', 'b'] aa 0\n");
    assert_eq!(out("print(isinstance(True, int), isinstance('x', (int, str)), type(1) == int, repr(None), any([0, 1]), all([]))"), "True True True None True True\n");
    assert_eq!(out("print(list(reversed([1, 2, 3])), list(range(5))[::2], chr(65), ord('a'), hex(255), bin(5))"), "[3, 2, 1] [0, 2, 4] A 97 0xff 0b101\n");
    assert_eq!(
        out("print(sorted([(2, 'b'), (1, 'z'), (2, 'a')], key=lambda p: p[0]))"),
        "[(1, 'z'), (2, 'b'), (2, 'a')]\n"
    );
    assert_eq!(
        out("it = iter([1, 2])\nprint(next(it), next(it), next(it, 'end'))"),
        "1 2 end\n"
    );
    assert_eq!(
        out("print(int('ff', 16), int(3.9), int(-3.9), float(3), str(1.0), str([1, 'a']))"),
        "255 3 -3 3.0 1.0 [1, 'a']\n"
    );
}

#[test]
fn runtime_error_messages_match_cpython() {
    let cases = [
        ("[1][5]", "IndexError: list index out of range"),
        ("{}['k']", "KeyError: 'k'"),
        ("(1).x", "AttributeError: 'int' object has no attribute 'x'"),
        ("None()", "TypeError: 'NoneType' object is not callable"),
        ("len(5)", "TypeError: object of type 'int' has no len()"),
        ("1 + 'a'", "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
        ("'a' + 1", "TypeError: can only concatenate str (not \"int\") to str"),
        ("'a' < 1", "TypeError: '<' not supported between instances of 'str' and 'int'"),
        ("int('abc')", "ValueError: invalid literal for int() with base 10: 'abc'"),
        ("a, b = 1, 2, 3", "ValueError: too many values to unpack (expected 2)"),
        ("a, b = [1]", "ValueError: not enough values to unpack (expected 2, got 1)"),
        ("a, b = 1", "TypeError: cannot unpack non-iterable int object"),
        ("1 % 0", "ZeroDivisionError: integer modulo by zero"),
        ("1.0 / 0", "ZeroDivisionError: float division by zero"),
        ("[].pop()", "IndexError: pop from empty list"),
        ("{[]: 1}", "TypeError: unhashable type: 'list'"),
        ("'%d' % 'x'", "TypeError: %d format: a real number is required, not str"),
        ("max([])", "ValueError: max() arg is an empty sequence"),
        ("1 in 5", "TypeError: argument of type 'int' is not iterable"),
        ("undefined_thing", "NameError: name 'undefined_thing' is not defined"),
        ("pirnt('x')", "NameError: name 'pirnt' is not defined. Did you mean: 'print'?"),
        ("s = set()", "NameError: name 'set' is not defined. 'set' is a Python builtin that the mirrorscope Python subset does not provide"),
        ("import nosuch", "ModuleNotFoundError: No module named 'nosuch'"),
        ("'{}'.format()", "IndexError: Replacement index 0 out of range for positional args tuple"),
        ("x = 'abc'\nx[0] = 'z'", "TypeError: 'str' object does not support item assignment"),
        ("raise 5", "TypeError: exceptions must derive from BaseException"),
    ];
    for (src, want) in cases {
        let r = raises(src);
        assert_eq!(last_line(&r), want, "for {src:?}:\n{r}");
    }
}

#[test]
fn traceback_layout() {
    let src = "def inner(x):\n    return x / 0\n\ndef outer():\n    inner(1)\n\nouter()\n";
    let r = raises(src);
    assert_eq!(
        r,
        "Traceback (most recent call last):\n  File \"<client>\", line 7, in <module>\n    outer()\n  File \"<client>\", line 5, in outer\n    inner(1)\n  File \"<client>\", line 2, in inner\n    return x / 0\nZeroDivisionError: division by zero"
    );
}

#[test]
fn print_sep_end_and_file() {
    assert_eq!(
        out("print('a', 'b', sep='|', end='!\\n')\nprint()\nprint(1, None, True, 2.0)"),
        "a|b!\n\n1 None True 2.0\n"
    );
    assert_eq!(out("import sys\nprint('err', file=sys.stderr)"), "err\n");
    let r = raises("print('a', sep=1)");
    assert_eq!(
        last_line(&r),
        "TypeError: sep must be None or a string, not int"
    );
}

#[test]
fn imports() {
    assert_eq!(out("import pika as p\nfrom pika import ConnectionParameters as CP, BlockingConnection\nimport pika.exceptions\nprint(CP('h').host, pika.exceptions.AMQPError.__name__)"), "h AMQPError\n");
    let r = raises("from pika import nothing");
    assert_eq!(
        last_line(&r),
        "ImportError: cannot import name 'nothing' from 'pika' (unknown location)"
    );
    let r = raises("import sys\nsys.exit(3)");
    assert_eq!(last_line(&r), "SystemExit: 3");
}

// ----- parse errors ------------------------------------------------------------------------------

#[test]
fn unsupported_constructs_are_parse_errors_with_position() {
    let cases = [
        ("class A:\n    pass", 1, 1, "class definitions are"),
        (
            "x = 1\ndef g():\n    yield 1",
            3,
            5,
            "generators ('yield') are",
        ),
        ("@decorator\ndef f(): pass", 1, 1, "decorators are"),
        ("async def f(): pass", 1, 1, "async code is"),
        ("x = {1, 2}", 1, 5, "sets are"),
        ("a, *b = [1, 2]", 1, 4, "starred expressions are"),
        (
            "if (n := 5): pass",
            1,
            7,
            "assignment expressions (':=') are",
        ),
        ("from os import *", 1, 16, "'from ... import *' is"),
        (
            "x = 10**100000000000000000000000",
            1,
            9,
            "integers beyond 64 bits are",
        ),
        ("z = 1j", 1, 5, "complex numbers are"),
    ];
    for (src, line, col, what) in cases {
        let e = parse_err(src);
        assert_eq!(e.kind, ParseErrorKind::Unsupported, "{src:?}: {e}");
        assert_eq!((e.line, e.col), (line, col), "{src:?}: {e}");
        assert_eq!(
            e.message,
            format!("{what} not supported by the mirrorscope Python subset"),
            "{src:?}"
        );
    }
}

#[test]
fn syntax_errors_have_positions() {
    let e = parse_err("x = (1,\ny = 2");
    assert_eq!(
        (e.line, e.col, e.message.as_str()),
        (1, 5, "'(' was never closed")
    );
    let e = parse_err("if x\n    pass");
    assert_eq!((e.line, e.message.as_str()), (1, "expected ':'"));
    let e = parse_err("def f():\nreturn 1");
    assert_eq!(e.kind, ParseErrorKind::Indentation);
    assert_eq!(
        e.message,
        "expected an indented block after function definition on line 1"
    );
    let e = parse_err("x = 1\n    y = 2");
    assert_eq!(
        (e.kind, e.line, e.message.as_str()),
        (ParseErrorKind::Indentation, 2, "unexpected indent")
    );
    let e = parse_err("print('hi'");
    assert_eq!(e.message, "'(' was never closed");
    let e = parse_err("s = 'abc");
    assert_eq!(
        e.message,
        "unterminated string literal (detected at line 1)"
    );
    let e = parse_err("f() = 1");
    assert_eq!(
        e.message,
        "cannot assign to function call here. Maybe you meant '==' instead of '='?"
    );
    let e = parse_err("return 5");
    assert_eq!(e.message, "'return' outside function");
    let e = parse_err("break");
    assert_eq!(e.message, "'break' outside loop");
    let e = parse_err("x = 1，2");
    assert_eq!(
        (e.col, e.message.as_str()),
        (6, "invalid character '，' (U+FF0C)")
    );
    let report = parse_err("class A:\n    pass").report("class A:\n    pass");
    assert_eq!(report, "  File \"<client>\", line 1\n    class A:\n    ^\nSyntaxError: class definitions are not supported by the mirrorscope Python subset");
}

#[test]
fn deep_nesting_is_a_clear_error_not_a_crash() {
    let src = format!("x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let e = parse_err(&src);
    assert_eq!(e.kind, ParseErrorKind::Unsupported);
    let src = format!("x = {}1", "-".repeat(5000));
    assert_eq!(parse_err(&src).kind, ParseErrorKind::Unsupported);
    let src = format!("x = 1{}", " + 1".repeat(5000));
    assert_eq!(parse_err(&src).kind, ParseErrorKind::Unsupported);
    let mut src = String::new();
    for i in 0..200 {
        src.push_str(&" ".repeat(i));
        src.push_str("if x:\n");
    }
    src.push_str(&" ".repeat(200));
    src.push_str("pass\n");
    assert_eq!(parse_err(&src).kind, ParseErrorKind::Unsupported);
    // Moderately deep code is fine.
    assert_eq!(
        out(&format!("print({}1{})", "(".repeat(30), ")".repeat(30))),
        "1\n"
    );
    // Deep data built at run time: repr and drop must not overflow the stack either.
    let r = raises("x = []\nfor i in range(100000):\n    x = [x]\nprint(x)");
    assert!(last_line(&r).starts_with("RecursionError"), "{r}");
    assert_eq!(
        out("x = []\nfor i in range(100000):\n    x = [x]\nx = None\nprint('ok')"),
        "ok\n"
    );
}

// ----- execution model -------------------------------------------------------------------------

#[test]
fn suspend_and_resume_with_values_and_exceptions() {
    let src = "import time\nr = time.sleep(1)\nprint('got', r)\ntry:\n    time.sleep(2)\nexcept ValueError as e:\n    print('sleep raised', e)\nprint('end')";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    let t1 = match vm.run(&mut host, BUDGET) {
        RunOutcome::Suspended(t) => t,
        o => panic!("{o:?}"),
    };
    assert_eq!(vm.suspended_on(), Some(t1));
    assert_eq!(vm.current_line(), 2);
    // Running again while suspended reports the same suspension.
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Suspended(t) if t == t1));
    vm.resume(Reply::Return(Value::Int(42))).unwrap();
    assert_eq!(
        vm.resume(Reply::Return(Value::None)),
        Err(crate::py::runtime::error::VmError::NotSuspended)
    );
    let t2 = match vm.run(&mut host, BUDGET) {
        RunOutcome::Suspended(t) => t,
        o => panic!("{o:?}"),
    };
    assert_ne!(t1, t2);
    vm.resume(Reply::Raise(
        crate::py::runtime::object::value::PyException::builtin(
            BuiltinExc::ValueError,
            "interrupted",
        ),
    ))
    .unwrap();
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Finished));
    assert_eq!(host.output(), "got 42\nsleep raised interrupted\nend\n");
    assert!(vm.is_finished());
}

#[test]
fn uncaught_exception_from_resume_has_traceback() {
    let src = "import time\n\ndef wait():\n    time.sleep(1)\n\nwait()\n";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    assert!(matches!(
        vm.run(&mut host, BUDGET),
        RunOutcome::Suspended(_)
    ));
    vm.resume(Reply::Raise(
        crate::py::runtime::object::value::PyException::builtin(BuiltinExc::KeyboardInterrupt, ""),
    ))
    .unwrap();
    let RunOutcome::Raised(u) = vm.run(&mut host, BUDGET) else {
        panic!()
    };
    assert_eq!(u.report, "Traceback (most recent call last):\n  File \"<client>\", line 6, in <module>\n    wait()\n  File \"<client>\", line 4, in wait\n    time.sleep(1)\nKeyboardInterrupt");
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Raised(_)));
}

const CONSUMER: &str = r#"import pika

def callback(ch, method, properties, body):
    print(f" [x] Received {body.decode()}")
    ch.basic_ack(delivery_tag=method)
    if body == b'quit':
        ch.stop_consuming()

connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
channel = connection.channel()
channel.queue_declare(queue='hello')
channel.basic_consume(queue='hello', on_message_callback=callback)
print(' [*] Waiting for messages.')
channel.start_consuming()
print('stopped')
"#;

#[test]
fn callbacks_run_while_suspended() {
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(CONSUMER).unwrap();
    let outer = match vm.run(&mut host, BUDGET) {
        RunOutcome::Suspended(t) => t,
        o => panic!("{o:?}"),
    };
    assert_eq!(vm.current_line(), 14);
    let (queue, cb) = host.consumers().remove(0);
    assert_eq!(queue, "hello");
    let ch = Value::Host(host.first_channel().unwrap());
    for (tag, body) in [(1, &b"hi"[..]), (2, b"quit")] {
        vm.call_callback(
            cb.clone(),
            vec![ch.clone(), Value::Int(tag), Value::None, Value::bytes(body)],
            vec![],
        )
        .unwrap();
        assert!(matches!(
            vm.run(&mut host, BUDGET),
            RunOutcome::CallbackReturned(Value::None)
        ));
        // Back in the outer call.
        assert_eq!(vm.suspended_on(), Some(outer));
        assert_eq!(vm.current_line(), 14);
    }
    assert!(!host.is_consuming());
    vm.resume(Reply::Return(Value::None)).unwrap();
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Finished));
    assert_eq!(
        host.output(),
        " [*] Waiting for messages.\n [x] Received hi\n [x] Received quit\nstopped\n"
    );
    assert!(host.calls().contains(&"basic_ack 2".to_string()));
}

#[test]
fn callback_that_suspends_and_raises() {
    let src = "import pika, time\ndef cb(ch, method, props, body):\n    time.sleep(1)\n    print('slept in callback')\n    raise ValueError(body)\nc = pika.BlockingConnection()\nch = c.channel()\nch.basic_consume('q', cb)\nch.start_consuming()\n";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    let outer = match vm.run(&mut host, BUDGET) {
        RunOutcome::Suspended(t) => t,
        o => panic!("{o:?}"),
    };
    // Not idle while a callback runs; idle again when it suspends.
    let (_, cb) = host.consumers().remove(0);
    vm.call_callback(
        cb.clone(),
        vec![Value::None, Value::None, Value::None, Value::bytes(b"m")],
        vec![],
    )
    .unwrap();
    assert_eq!(
        vm.call_callback(cb.clone(), vec![], vec![]),
        Err(crate::py::runtime::error::VmError::NotIdle)
    );
    let inner = match vm.run(&mut host, BUDGET) {
        RunOutcome::Suspended(t) => t,
        o => panic!("{o:?}"),
    };
    assert_ne!(inner, outer);
    assert_eq!(vm.current_line(), 3);
    vm.resume(Reply::Return(Value::None)).unwrap();
    let RunOutcome::CallbackRaised(u) = vm.run(&mut host, BUDGET) else {
        panic!()
    };
    assert_eq!(last_line(&u.report), "ValueError: b'm'");
    assert!(u.report.contains("line 5, in cb"));
    assert_eq!(vm.suspended_on(), Some(outer));
    // The driver propagates it out of start_consuming(), as pika does.
    vm.resume(Reply::Raise(u.exception)).unwrap();
    let RunOutcome::Raised(u) = vm.run(&mut host, BUDGET) else {
        panic!()
    };
    assert!(u.report.contains("line 9, in <module>"), "{}", u.report);
    assert!(u.report.contains("line 5, in cb"));
    assert_eq!(host.output(), "slept in callback\n");
}

#[test]
fn callback_can_be_any_callable_and_run_after_finish() {
    let src =
        "seen = []\ndef record(x, tag='t'):\n    seen.append((tag, x))\n    return len(seen)\n";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Finished));
    let f = vm.global("record").unwrap();
    vm.call_callback(
        f.clone(),
        vec![Value::Int(1)],
        vec![("tag".into(), Value::str("k"))],
    )
    .unwrap();
    assert!(matches!(
        vm.run(&mut host, BUDGET),
        RunOutcome::CallbackReturned(Value::Int(1))
    ));
    let print = crate::py::runtime::builtins::lookup("print").unwrap();
    vm.call_callback(print, vec![Value::str("via builtin")], vec![])
        .unwrap();
    assert!(matches!(
        vm.run(&mut host, BUDGET),
        RunOutcome::CallbackReturned(Value::None)
    ));
    vm.call_callback(f, vec![], vec![]).unwrap();
    let RunOutcome::CallbackRaised(u) = vm.run(&mut host, BUDGET) else {
        panic!()
    };
    assert_eq!(
        last_line(&u.report),
        "TypeError: record() missing 1 required positional argument: 'x'"
    );
    assert_eq!(host.output(), "via builtin\n");
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Finished));
}

#[test]
fn host_iterator_for_loop_suspends_each_item() {
    let src = "import pika\nch = pika.BlockingConnection().channel()\nfor n, (method, props, body) in enumerate(ch.consume('q')):\n    print(n, method, body.decode())\nprint('done')";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    for tag in 1..=2 {
        assert!(matches!(
            vm.run(&mut host, BUDGET),
            RunOutcome::Suspended(_)
        ));
        assert_eq!(vm.current_line(), 3);
        let msg = Value::tuple(vec![Value::Int(tag), Value::None, Value::bytes(b"body")]);
        vm.resume(Reply::Return(msg)).unwrap();
    }
    assert!(matches!(
        vm.run(&mut host, BUDGET),
        RunOutcome::Suspended(_)
    ));
    vm.resume(Reply::Raise(
        crate::py::runtime::object::value::PyException::bare(BuiltinExc::StopIteration),
    ))
    .unwrap();
    assert!(matches!(vm.run(&mut host, BUDGET), RunOutcome::Finished));
    assert_eq!(host.output(), "0 1 body\n1 2 body\ndone\n");
}

#[test]
fn stepping_reports_each_statement() {
    let src = "def f(x):\n    y = x + 1\n    return y\n\na = f(1)\nfor i in range(2):\n    a += i\nprint(a)\n";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    assert_eq!(vm.current_line(), 1);
    let mut lines = vec![];
    loop {
        match vm.step(&mut host) {
            RunOutcome::Stepped { line } => {
                assert_eq!(vm.current_line(), line);
                lines.push(line);
            }
            RunOutcome::Finished => break,
            o => panic!("{o:?}"),
        }
    }
    assert_eq!(lines, vec![5, 2, 3, 6, 7, 6, 7, 6, 8]);
    assert_eq!(host.statements(), &[1, 5, 2, 3, 6, 7, 6, 7, 6, 8]);
    assert_eq!(host.output(), "3\n");
}

#[test]
fn step_through_suspension() {
    let src = "import time\ntime.sleep(1)\nx = 1\n";
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new(src).unwrap();
    assert!(matches!(
        vm.step(&mut host),
        RunOutcome::Stepped { line: 2 }
    ));
    assert!(matches!(vm.step(&mut host), RunOutcome::Suspended(_)));
    assert_eq!(vm.current_line(), 2);
    vm.resume(Reply::Return(Value::None)).unwrap();
    assert!(matches!(
        vm.step(&mut host),
        RunOutcome::Stepped { line: 3 }
    ));
    assert!(matches!(vm.step(&mut host), RunOutcome::Finished));
}

#[test]
fn budget_stops_infinite_loops_and_continues() {
    let mut host = ReferenceHost::new();
    let mut vm = Vm::new("n = 0\nwhile True:\n    n += 1\n").unwrap();
    assert!(matches!(
        vm.run(&mut host, 1000),
        RunOutcome::BudgetExhausted
    ));
    let n1 = vm.global("n").and_then(|v| v.as_int()).unwrap();
    assert!(matches!(
        vm.run(&mut host, 1000),
        RunOutcome::BudgetExhausted
    ));
    let n2 = vm.global("n").and_then(|v| v.as_int()).unwrap();
    assert!(n1 > 10 && n2 > n1, "{n1} {n2}");
    let mut vm = Vm::new("while True: pass").unwrap();
    assert!(matches!(
        vm.run(&mut host, 100),
        RunOutcome::BudgetExhausted
    ));
    assert_eq!(vm.current_line(), 1);
    // Huge work inside one builtin is bounded too.
    let r = raises("x = [0] * (10 ** 12)");
    assert_eq!(last_line(&r), "MemoryError");
    assert_eq!(out("print(sum(range(10 ** 6)))"), "499999500000\n");
    let r = raises("print(sum(range(10 ** 12)))");
    assert!(last_line(&r).starts_with("OverflowError"));
}

#[test]
fn determinism_same_script_same_trace() {
    let src = "d = {}\nfor i in range(50):\n    d[str(i * 7 % 13)] = i\nprint(list(d.items())[:5], sorted(d)[:3])";
    let a = out(src);
    let b = out(src);
    assert_eq!(a, b);
    assert_eq!(
        a,
        "[('0', 39), ('7', 40), ('1', 41), ('8', 42), ('2', 43)] ['0', '1', '10']\n"
    );
}

#[test]
fn nesting_just_under_the_limits_fits_a_2mb_stack() {
    let cases: Vec<(&str, String)> = vec![
        (
            "parens",
            format!("x = {}1{}", "(".repeat(49), ")".repeat(49)),
        ),
        ("minus", format!("x = {}1", "-".repeat(99))),
        ("chain", format!("x = 1{}", " + 1".repeat(198))),
        ("pow", format!("x = 1{}", " ** 1".repeat(98))),
        ("blocks", {
            let mut src = String::new();
            for i in 0..48 {
                src.push_str(&" ".repeat(i));
                src.push_str("if x:\n");
            }
            src.push_str(&" ".repeat(48));
            src.push_str("pass\n");
            src
        }),
        (
            "lists",
            format!("x = {}1{}", "[".repeat(49), "]".repeat(49)),
        ),
        (
            "calls",
            format!("x = {}1{}", "f(".repeat(49), ")".repeat(49)),
        ),
        ("lambda", format!("x = {}1", "lambda: ".repeat(49))),
    ];
    for (name, src) in cases {
        // Test threads have 2 MiB stacks, like a browser's main thread has about 1 MiB of
        // (much smaller, optimized) frames.
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let mut host = ReferenceHost::new();
                let mut vm = Vm::new(&src).map_err(|e| e.message)?;
                let _ = vm.run(&mut host, BUDGET);
                Ok::<(), String>(())
            })
            .unwrap()
            .join();
        assert!(matches!(r, Ok(Ok(()))), "{name}: {r:?}");
    }
}

// ----- robustness --------------------------------------------------------------------------------

const VOCAB: [&str; 96] = [
    "x",
    "y",
    "f",
    "pika",
    "time",
    "print",
    "range",
    "len",
    "e",
    "self",
    "_",
    "中文",
    "def ",
    "class ",
    "if ",
    "elif ",
    "else",
    "for ",
    " in ",
    "while ",
    "try",
    "except ",
    "finally",
    "with ",
    " as ",
    "return ",
    "break",
    "continue",
    "pass",
    "raise ",
    "import ",
    "from ",
    "lambda ",
    "global ",
    "nonlocal ",
    "yield ",
    "not ",
    " and ",
    " or ",
    " is ",
    "None",
    "True",
    "False",
    "0",
    "1",
    "42",
    "3.5",
    "1e300",
    "-",
    "+",
    "*",
    "**",
    "/",
    "//",
    "%",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "+=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    ";",
    "'s'",
    "\"t\"",
    "f'{x}'",
    "f\"{x!r:>{y}}\"",
    "b'\\x00'",
    "'''",
    "\"",
    "'",
    "\\",
    "#c",
    "\n",
    "\n    ",
    "\n        ",
    "\t",
    " ",
    "@",
    "$",
    "...",
    ":=",
    "*args",
    "**kw",
    "Exception",
    "ValueError('v')",
    "time.sleep(1)",
    "x.y",
];

fn mutate(rng: &mut crate::rng::Rng, src: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    let n = 1 + rng.below(4);
    for _ in 0..n {
        let len = chars.len().max(1) as u64;
        let at = rng.below(len) as usize;
        match rng.below(6) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(8) as usize).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            1 => {
                let tok = VOCAB[rng.below(VOCAB.len() as u64) as usize];
                let at = at.min(chars.len());
                for (k, c) in tok.chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
            2 if chars.len() > 2 => {
                let b = rng.below(len) as usize;
                let last = chars.len() - 1;
                chars.swap(at.min(last), b.min(last));
            }
            3 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(30) as usize).min(chars.len());
                let piece: Vec<char> = chars[at.min(end)..end].to_vec();
                let to = rng.below(chars.len() as u64 + 1) as usize;
                for (k, c) in piece.into_iter().enumerate() {
                    chars.insert(to + k, c);
                }
            }
            4 => chars.truncate(at),
            _ => {
                let c = char::from_u32(rng.below(0x3000) as u32).unwrap_or('?');
                chars.insert(at.min(chars.len()), c);
            }
        }
    }
    chars.into_iter().collect()
}

/// Runs anything, answering suspensions alternately with values and exceptions and firing
/// registered callbacks, and checks nothing panics.
fn exercise(src: &str, seed: u64) -> bool {
    let mut host = ReferenceHost::with_down(&["node1.example.com", "node1.cluster.com"]);
    let Ok(mut vm) = Vm::new(src) else {
        return false;
    };
    let mut rng = crate::rng::Rng::new(seed);
    for round in 0..30 {
        match vm.run(&mut host, 20_000) {
            RunOutcome::Suspended(_) => {
                if let Some((_, cb)) = host.consumers().first().cloned() {
                    if rng.below(2) == 0 {
                        let _ = vm.call_callback(
                            cb,
                            vec![
                                Value::None,
                                Value::Int(round),
                                Value::None,
                                Value::bytes(b"m"),
                            ],
                            vec![],
                        );
                        continue;
                    }
                }
                let reply = match rng.below(3) {
                    0 => Reply::Raise(crate::py::runtime::object::value::PyException::builtin(
                        BuiltinExc::StopIteration,
                        "",
                    )),
                    1 => Reply::Raise(crate::py::runtime::object::value::PyException::new(
                        host.connection_error(),
                        "down",
                    )),
                    _ => Reply::Return(Value::tuple(vec![
                        Value::Int(1),
                        Value::None,
                        Value::bytes(b"x"),
                    ])),
                };
                let _ = vm.resume(reply);
            }
            RunOutcome::BudgetExhausted
            | RunOutcome::CallbackReturned(_)
            | RunOutcome::CallbackRaised(_) => {}
            RunOutcome::Stepped { .. } => {}
            RunOutcome::Finished | RunOutcome::Raised(_) => break,
        }
        let _ = vm.step(&mut host);
        let _ = vm.current_line();
    }
    true
}

fn check_no_panic(src: &str, seed: u64) -> bool {
    let s = src.to_string();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| exercise(&s, seed)));
    assert!(r.is_ok(), "panicked on program (seed {seed}):\n{src}");
    r.unwrap_or(false)
}

#[test]
fn no_panic_on_garbage_and_token_soup() {
    let mut rng = crate::rng::Rng::new(7);
    for i in 0..1500u64 {
        let mut src = String::new();
        let n = rng.below(60);
        for _ in 0..n {
            if rng.below(5) == 0 {
                let c = char::from_u32(rng.below(0x250) as u32).unwrap_or(' ');
                src.push(c);
            } else {
                src.push_str(VOCAB[rng.below(VOCAB.len() as u64) as usize]);
            }
        }
        check_no_panic(&src, i);
    }
}

/// Random but syntactically valid programs, so that the VM (not just the parser) meets odd
/// combinations.
fn gen_expr(rng: &mut crate::rng::Rng, depth: u32) -> String {
    let atoms = [
        "x", "y", "0", "1", "-3", "2.5", "'ab'", "b'z'", "None", "True", "[1, 'a']", "(1, 2)",
        "{'k': 1}", "range(3)", "e", "f",
    ];
    if depth == 0 || rng.below(3) == 0 {
        return atoms[rng.below(atoms.len() as u64) as usize].to_string();
    }
    let a = gen_expr(rng, depth - 1);
    let b = gen_expr(rng, depth - 1);
    match rng.below(14) {
        0 => format!("({a} + {b})"),
        1 => format!("({a} * {b})"),
        2 => format!("({a} // {b})"),
        3 => format!("({a} % {b})"),
        4 => format!("({a} < {b} <= {a})"),
        5 => format!("({a} and {b} or not {a})"),
        6 => format!("{a}[{b}]"),
        7 => format!("{a}[1:{b}]"),
        8 => format!("len({a})"),
        9 => format!("f'{{ {a}!r:>5}}{{ {b}}}'"),
        10 => format!("[v for v in {a} if v]"),
        11 => format!("({a} if {b} else {a})"),
        12 => format!("str({a}).split()"),
        _ => format!("(lambda q: q)({a})"),
    }
}

fn gen_block(rng: &mut crate::rng::Rng, indent: usize, depth: u32) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for _ in 0..1 + rng.below(4) {
        let e = gen_expr(rng, 3);
        let line = match rng.below(12) {
            0 | 1 => format!("{pad}x = {e}\n"),
            2 => format!("{pad}y = {e}\n"),
            3 => format!("{pad}print({e}, sep='', end='\\n')\n"),
            4 => format!("{pad}x += {e}\n"),
            5 if depth > 0 => format!("{pad}if {e}:\n{}{pad}else:\n{pad}    pass\n", gen_block(rng, indent + 4, depth - 1)),
            6 if depth > 0 => format!("{pad}for e in {e}:\n{}", gen_block(rng, indent + 4, depth - 1)),
            7 if depth > 0 => format!("{pad}try:\n{}{pad}except Exception as e:\n{pad}    print(e)\n{pad}finally:\n{pad}    y = 0\n", gen_block(rng, indent + 4, depth - 1)),
            8 if depth > 0 => format!("{pad}def f(a=1, *r, **k):\n{}{pad}    return a\n", gen_block(rng, indent + 4, depth - 1)),
            9 if depth > 0 => format!("{pad}while {e}:\n{}{pad}    break\n", gen_block(rng, indent + 4, depth - 1)),
            10 => format!("{pad}raise ValueError({e})\n"),
            _ => format!("{pad}y = f({e})\n"),
        };
        out.push_str(&line);
    }
    out
}

#[test]
fn no_panic_on_random_valid_programs() {
    let mut rng = crate::rng::Rng::new(3);
    let mut compiled = 0;
    for i in 0..600u64 {
        let src = format!(
            "x = 1\ny = 2\ne = 3\ndef f(a=1):\n    return a\n{}",
            gen_block(&mut rng, 0, 3)
        );
        if check_no_panic(&src, i) {
            compiled += 1;
        } else if let Err(e) = compile(&src) {
            panic!(
                "generated program did not compile: {}\n{src}",
                e.report(&src)
            );
        }
    }
    assert_eq!(compiled, 600);
}

#[test]
fn no_panic_on_mutated_seeds() {
    let programs = [
        SEED_3_1.to_string(),
        SEED_5_3_A.to_string(),
        format!("import pika, time\n{SEED_5_3_B}\ncreate_robust_connection()\n"),
        CONSUMER.to_string(),
        "def f(a, b=2, *args, c=3, **kw):\n    return [x for x in args if x] + list(kw)\ntry:\n    print(f(1, 2, 3, c=4, d=5), f'{1.5:.2f}', '%s-%d' % ('a', 2))\nexcept Exception as e:\n    raise\nfinally:\n    print({k: v for k, v in zip('ab', range(2))})\n".to_string(),
        "import pika\nch = pika.BlockingConnection().channel()\nfor m, p, b in ch.consume('q'):\n    with pika.BlockingConnection() as c:\n        print(b.decode(), sorted([3, 1], key=lambda v: -v))\n        break\n".to_string(),
    ];
    let mut rng = crate::rng::Rng::new(11);
    let mut ran = 0;
    for (k, p) in programs.iter().enumerate() {
        assert!(check_no_panic(p, k as u64));
        for i in 0..400u64 {
            let m = mutate(&mut rng, p);
            if check_no_panic(&m, i) {
                ran += 1;
            }
        }
    }
    // Enough mutants are still valid programs for the run-time paths to be exercised.
    assert!(ran > 500, "only {ran} mutants compiled");
}

/// Differential check against CPython (not run by default): writes random programs and this
/// VM's output to /tmp/diff; compare with `python3 pN.py` for each (function reprs differ by
/// design: no addresses).
#[test]
#[ignore]
fn dump_random_programs_for_cpython_comparison() {
    let mut rng = crate::rng::Rng::new(99);
    std::fs::create_dir_all("/tmp/diff").unwrap();
    for i in 0..3000u64 {
        let src = format!(
            "x = 1\ny = 2\ne = 3\ndef f(a=1):\n    return a\n{}",
            gen_block(&mut rng, 0, 3)
        )
        .replace("f'{ ", "f\"{ ")
        .replace("}}'", "}}\"")
        .replace("}'\n", "}\"\n");
        let mut host = ReferenceHost::new();
        let Ok(mut vm) = Vm::new(&src) else { continue };
        let o = vm.run(&mut host, 2_000_000);
        let tail = match o {
            RunOutcome::Raised(u) => last_line(&u.report).to_string(),
            RunOutcome::Finished => "FINISHED".to_string(),
            other => format!("{other:?}"),
        };
        std::fs::write(format!("/tmp/diff/p{i}.py"), &src).unwrap();
        std::fs::write(
            format!("/tmp/diff/p{i}.out"),
            format!("{}\n--\n{}", host.output(), tail),
        )
        .unwrap();
    }
}

/// Runs the scripts named in `$MIRRORSCOPE_PY_FILES` (comma-separated) and writes their
/// output next to them as `.out`, for comparison with CPython (not run by default).
#[test]
#[ignore]
fn run_files_for_cpython_comparison() {
    let Ok(files) = std::env::var("MIRRORSCOPE_PY_FILES") else {
        return;
    };
    for path in files.split(',') {
        let src = std::fs::read_to_string(path).unwrap();
        let mut host = ReferenceHost::new();
        let text = match Vm::new(&src) {
            Err(e) => e.report(&src),
            Ok(mut vm) => match vm.run(&mut host, 10_000_000) {
                RunOutcome::Raised(u) => format!("{}{}\n", host.output(), u.report),
                other => format!("{}{:?}", host.output(), other).replace("Finished", ""),
            },
        };
        std::fs::write(format!("{path}.out"), text).unwrap();
    }
}
