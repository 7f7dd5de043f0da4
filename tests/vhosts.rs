//! Virtual hosts end to end (issue 16, item 3) and pika's `add_on_return_callback`: scripts
//! connecting with `virtual_host` (ConnectionParameters and URLParameters), refused as a real
//! 3.10.8 node refuses them, a client closed by `delete_vhost`, and returned mandatory
//! messages reaching the callback when events are processed.

use mirrorscope::sim::scenario::{self, report, Run};

/// Runs `setup`, then the script `app`, then `after`: the script's output and the run.
fn run_app(setup: &str, source: &str, after: &str) -> (String, Run) {
    let text = format!("{setup}\npython app <<EOF\n{source}\nEOF\n{after}\n");
    let r = scenario::run_text(&text, None)
        .unwrap_or_else(|e| panic!("line {}: {}", e.line, e.message));
    let out = r.scripts.get("app").expect("the script ran").output_text();
    (out, r)
}

/// As a real 3.10.8 node and pika 1.3.2 answered these four connections.
#[test]
fn connecting_to_a_missing_vhost_or_one_without_permissions_is_refused() {
    let (out, _) = run_app(
        "cluster nodes=3\nrabbitmqctl add_vhost v1",
        "import pika
def show(label, f):
    try:
        f()
        print(label, 'OK')
    except Exception as e:
        print(label, type(e).__name__, e.args)
show('missing', lambda: pika.BlockingConnection(pika.ConnectionParameters('localhost', virtual_host='nope')))
show('missing-url', lambda: pika.BlockingConnection(pika.URLParameters('amqp://guest:guest@localhost:5672/nope')))
show('noperm', lambda: pika.BlockingConnection(pika.ConnectionParameters('localhost', virtual_host='v1')))
show('default-url', lambda: pika.BlockingConnection(pika.URLParameters('amqp://guest:guest@localhost:5672/%2F')))",
        "wait 1s\nrabbitmqctl set_permissions -p v1 guest \".*\" \".*\" \".*\"",
    );
    assert_eq!(
        out,
        "missing ProbableAccessDeniedError (\"ConnectionClosedByBroker: (530) 'NOT_ALLOWED - vhost nope not found'\",)\n\
         missing-url ProbableAccessDeniedError (\"ConnectionClosedByBroker: (530) 'NOT_ALLOWED - vhost nope not found'\",)\n\
         noperm ProbableAccessDeniedError ('ConnectionClosedByBroker: (530) \"NOT_ALLOWED - access to vhost \\'v1\\' refused for user \\'guest\\'\"',)\n\
         default-url OK\n"
    );
}

#[test]
fn the_same_queue_name_in_two_vhosts_is_two_queues() {
    let (out, r) = run_app(
        "cluster nodes=3\nrabbitmqctl add_vhost v1\nrabbitmqctl set_permissions -p v1 guest \".*\" \".*\" \".*\"",
        "import pika
a = pika.BlockingConnection(pika.ConnectionParameters('localhost', virtual_host='v1')).channel()
b = pika.BlockingConnection(pika.URLParameters('amqp://localhost/%2F')).channel()
a.queue_declare('jobs')
b.queue_declare('jobs')
a.basic_publish('', 'jobs', b'one')
a.basic_publish('', 'jobs', b'two')
b.basic_publish('', 'jobs', b'three')
b.connection.sleep(0.5)
print(a.queue_declare('jobs', passive=True).method.message_count, b.queue_declare('jobs', passive=True).method.message_count)",
        "wait 1s\nrabbitmqctl list_queues -p v1\nexpect output \"jobs\t2\"\nrabbitmqctl list_queues\nexpect output \"jobs\t1\"",
    );
    assert_eq!(out, "2 1\n");
    assert!(r.all_passed(), "{}", report::to_text(&r));
}

#[test]
fn delete_vhost_closes_its_clients_with_connection_forced() {
    let (out, r) = run_app(
        "cluster nodes=3\nrabbitmqctl add_vhost v2\nrabbitmqctl set_permissions -p v2 guest \".*\" \".*\" \".*\"\nrabbitmqctl set_policy -p v2 ha \"^q\" '{\"ha-mode\":\"all\"}'",
        "import pika
c = pika.BlockingConnection(pika.ConnectionParameters('localhost', virtual_host='v2'))
ch = c.channel()
ch.queue_declare('q1')
print('connected v2')
try:
    c.process_data_events(8)
    ch.queue_declare('q2')
    print('still open')
except Exception as e:
    print(type(e).__name__, e.reply_code, e.reply_text)
other = pika.BlockingConnection().channel()
print(other.queue_declare('q1').method.queue)",
        "wait 2s\nexpect queue q1 vhost=v2 master=node1 mirrors=node2,node3\nrabbitmqctl delete_vhost v2\nexpect queue q1 vhost=v2 absent\nwait 10s\nrabbitmqctl list_vhosts\nexpect output \"/\"",
    );
    assert_eq!(
        out,
        "connected v2\nConnectionClosedByBroker 320 CONNECTION_FORCED - vhost 'v2' is deleted\nq1\n"
    );
    assert!(r.all_passed(), "{}", report::to_text(&r));
}

/// A typical script, as written against pika 1.3: the callback runs when events are
/// processed, not inside basic_publish; in confirm mode the publish raises instead.
#[test]
fn returned_mandatory_messages_reach_the_return_callback() {
    let (out, _) = run_app(
        "cluster nodes=3",
        "import pika

connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
channel = connection.channel()

def on_return(ch, method, properties, body):
    print('returned:', ch.channel_number, method.reply_code, method.reply_text, method.routing_key, body)

channel.add_on_return_callback(on_return)
channel.basic_publish(exchange='', routing_key='no-such-queue', body=b'hello', mandatory=True)
print('published')
connection.process_data_events(time_limit=1)
channel.queue_declare('here')
channel.basic_publish(exchange='', routing_key='here', body=b'kept', mandatory=True)
connection.process_data_events(time_limit=1)
channel.confirm_delivery()
try:
    channel.basic_publish(exchange='', routing_key='no-such-queue', body=b'again', mandatory=True)
except pika.exceptions.UnroutableError as e:
    print('unroutable', len(e.messages))
connection.process_data_events(time_limit=1)
connection.close()",
        "wait 5s",
    );
    assert_eq!(
        out,
        "published\nreturned: 1 312 NO_ROUTE no-such-queue b'hello'\nunroutable 1\n"
    );
}
