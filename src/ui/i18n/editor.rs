//! The Python clients panel's text in both languages (one table each, so a string added for one
//! language and forgotten for the other is a compile error).

use crate::sim::pika::ScriptState;
use crate::ui::i18n::lang::Lang;

/// The panel's strings in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct EditorText {
    pub heading: &'static str,
    pub intro: &'static str,
    pub add_client: &'static str,
    pub remove_client: &'static str,
    /// "Client {name}" (the region of one script).
    pub client_label: &'static str,
    pub run: &'static str,
    pub step: &'static str,
    pub stop: &'static str,
    pub runs_on: &'static str,
    /// "Python code of {name}".
    pub code_label: &'static str,
    /// "Line {line}: {n} events" (a line number button).
    pub line_button: &'static str,
    pub output_label: &'static str,
    pub events_label: &'static str,
    pub no_events: &'static str,
    /// "{kind} at line {line}, column {col}: {message}".
    pub syntax_error: &'static str,
    pub not_started: &'static str,
    pub running: &'static str,
    /// "line {line}: waiting in {call}".
    pub waiting: &'static str,
    /// "paused before line {line}".
    pub paused: &'static str,
    pub finished: &'static str,
    pub failed: &'static str,
    pub stopped: &'static str,
    pub edited: &'static str,
    /// The script a new client starts with.
    pub sample_publisher: &'static str,
    pub sample_consumer: &'static str,
}

impl EditorText {
    /// The status line of a script.
    pub fn status(&self, state: ScriptState, line: u32, waiting_in: Option<&str>) -> String {
        match state {
            ScriptState::Running => self.running.to_string(),
            ScriptState::Waiting => self
                .waiting
                .replace("{line}", &line.to_string())
                .replace("{call}", waiting_in.unwrap_or("…")),
            ScriptState::Paused => self.paused.replace("{line}", &line.to_string()),
            ScriptState::Finished => self.finished.to_string(),
            ScriptState::Failed => self.failed.to_string(),
            ScriptState::Stopped => self.stopped.to_string(),
        }
    }

    pub fn client(&self, name: &str) -> String {
        self.client_label.replace("{name}", name)
    }

    pub fn code(&self, name: &str) -> String {
        self.code_label.replace("{name}", name)
    }

    pub fn line(&self, line: usize, events: usize) -> String {
        self.line_button
            .replace("{line}", &line.to_string())
            .replace("{n}", &events.to_string())
    }

    pub fn syntax(&self, kind: &str, line: u32, col: u32, message: &str) -> String {
        self.syntax_error
            .replace("{kind}", kind)
            .replace("{line}", &line.to_string())
            .replace("{col}", &col.to_string())
            .replace("{message}", message)
    }
}

/// The table for a language.
pub fn text(lang: Lang) -> &'static EditorText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: EditorText = EditorText {
    heading: "Python clients",
    intro: "Each editor is one client process running pika against the simulated cluster. \
            Hover a line number to light up what it sent; pick an event to see its line.",
    add_client: "Add a client",
    remove_client: "Remove this client",
    client_label: "Client {name}",
    run: "Run",
    step: "Step",
    stop: "Stop",
    runs_on: "Runs on",
    code_label: "Python code of {name}",
    line_button: "Line {line}: {n} events",
    output_label: "Output",
    events_label: "What it did on the wire",
    no_events: "Nothing yet: press Run or Step.",
    syntax_error: "{kind} at line {line}, column {col}: {message}",
    not_started: "not started",
    running: "running",
    waiting: "line {line}: waiting in {call}",
    paused: "paused before line {line}",
    finished: "finished",
    failed: "failed with an exception",
    stopped: "stopped",
    edited: "edited since it started: Run restarts it",
    sample_publisher: "import pika

conn = pika.BlockingConnection(pika.ConnectionParameters('node1.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)
ch.confirm_delivery()

for i in range(5):
    ch.basic_publish(exchange='', routing_key='orders', body=f'order {i}',
                     properties=pika.BasicProperties(delivery_mode=2))
    print('confirmed', i)
conn.close()
",
    sample_consumer: "import pika

conn = pika.BlockingConnection(pika.ConnectionParameters('node2.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)
ch.basic_qos(prefetch_count=1)

def on_message(ch, method, properties, body):
    print('received', body.decode())
    ch.basic_ack(delivery_tag=method.delivery_tag)

ch.basic_consume(queue='orders', on_message_callback=on_message,
                 arguments={'x-cancel-on-ha-failover': True})
ch.start_consuming()
",
};

static ZH: EditorText = EditorText {
    heading: "Python 客户端",
    intro: "每个编辑器是一个用 pika 连接模拟集群的客户端进程。将鼠标移到行号上可高亮该行发出的帧；\
            选择一个事件可看到产生它的那一行。",
    add_client: "添加客户端",
    remove_client: "移除此客户端",
    client_label: "客户端 {name}",
    run: "运行",
    step: "单步",
    stop: "停止",
    runs_on: "运行于",
    code_label: "{name} 的 Python 代码",
    line_button: "第 {line} 行：{n} 个事件",
    output_label: "输出",
    events_label: "它在网络上做了什么",
    no_events: "还没有：请按“运行”或“单步”。",
    syntax_error: "{kind}：第 {line} 行第 {col} 列：{message}",
    not_started: "未启动",
    running: "运行中",
    waiting: "第 {line} 行：等待 {call}",
    paused: "暂停在第 {line} 行之前",
    finished: "已结束",
    failed: "因异常而终止",
    stopped: "已停止",
    edited: "启动后已修改：按“运行”会重新启动",
    sample_publisher: "import pika

# 连接 node1，声明持久化队列并开启发布确认
conn = pika.BlockingConnection(pika.ConnectionParameters('node1.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)
ch.confirm_delivery()

for i in range(5):
    ch.basic_publish(exchange='', routing_key='orders', body=f'订单 {i}',
                     properties=pika.BasicProperties(delivery_mode=2))
    print('已确认', i)
conn.close()
",
    sample_consumer: "import pika

# 连接 node2，逐条消费并手动确认
conn = pika.BlockingConnection(pika.ConnectionParameters('node2.example.com'))
ch = conn.channel()
ch.queue_declare(queue='orders', durable=True)
ch.basic_qos(prefetch_count=1)

def on_message(ch, method, properties, body):
    print('收到', body.decode())
    ch.basic_ack(delivery_tag=method.delivery_tag)

ch.basic_consume(queue='orders', on_message_callback=on_message,
                 arguments={'x-cancel-on-ha-failover': True})
ch.start_consuming()
",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_translated_and_samples_compile() {
        assert_ne!(EN, ZH);
        for t in [&EN, &ZH] {
            assert!(crate::py::front::compile::compile(t.sample_publisher).is_ok());
            assert!(crate::py::front::compile::compile(t.sample_consumer).is_ok());
            assert!(t.waiting.contains("{line}") && t.waiting.contains("{call}"));
            assert!(t.line_button.contains("{n}"));
        }
        assert_eq!(
            EN.status(ScriptState::Paused, 4, None),
            "paused before line 4"
        );
        assert_eq!(
            ZH.status(ScriptState::Waiting, 6, Some("basic_get('q')")),
            "第 6 行：等待 basic_get('q')"
        );
    }
}
