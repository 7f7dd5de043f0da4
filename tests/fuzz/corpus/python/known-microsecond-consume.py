# bounds helper (issue 15): consume(inactivity_timeout=0.000001) costs an event per microsecond.
import pika
conn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
ch = conn.channel()
ch.queue_declare('q1', durable=True)
for m in ch.consume('q1', inactivity_timeout=0.000001):
    pass
