#!/usr/bin/env python
# Messages that nobody consumes within 5 seconds go to a dead-letter queue, where a consumer
# reads why they died from the x-death header.
import pika

connection = pika.BlockingConnection(pika.ConnectionParameters(host='localhost'))
channel = connection.channel()

channel.exchange_declare(exchange='dlx', exchange_type='direct')
channel.queue_declare(queue='dead_letters')
channel.queue_bind(exchange='dlx', queue='dead_letters', routing_key='task_queue')

channel.queue_declare(queue='task_queue', arguments={
    'x-message-ttl': 5000,
    'x-dead-letter-exchange': 'dlx',
})

for i in range(3):
    channel.basic_publish(exchange='', routing_key='task_queue', body='task %d' % i,
                          properties=pika.BasicProperties(delivery_mode=2))
print(" [x] Sent 3 tasks")


def callback(ch, method, properties, body):
    death = properties.headers['x-death'][0]
    print(" [x] %r died: reason=%s queue=%s count=%d exchange=%r keys=%r" % (
        body, death['reason'], death['queue'], death['count'], death['exchange'],
        death['routing-keys']))
    print("     first death:", properties.headers['x-first-death-reason'],
          properties.headers['x-first-death-queue'])
    ch.basic_ack(delivery_tag=method.delivery_tag)
    if body == b'task 2':
        ch.stop_consuming()


channel.basic_consume(queue='dead_letters', on_message_callback=callback)
print(' [*] Waiting for dead letters.')
channel.start_consuming()
connection.close()
