import pika

connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
channel = connection.channel()
channel.queue_declare(queue='bounded', arguments={'x-max-length': 2,
                                                  'x-overflow': 'reject-publish'})
channel.confirm_delivery()
for i in range(3):
    try:
        channel.basic_publish(exchange='', routing_key='bounded', body='m%d' % i)
        print('confirmed', i)
    except pika.exceptions.NackError as e:
        print('nacked', i, e)

# A consumer that rejects without requeue dead-letters (reason rejected) when the queue has a
# dead-letter exchange; with requeue=False and no DLX the message is gone.
channel.queue_declare(queue='rejects')
channel.queue_declare(queue='jobs', arguments={'x-dead-letter-exchange': '',
                                               'x-dead-letter-routing-key': 'rejects'})
channel.basic_publish(exchange='', routing_key='jobs', body='bad',
                      properties=pika.BasicProperties(expiration='60000'))
method, props, body = channel.basic_get('jobs')
channel.basic_reject(delivery_tag=method.delivery_tag, requeue=False)
method, props, body = channel.basic_get('rejects')
while method is None:
    connection.sleep(0.01)
    method, props, body = channel.basic_get('rejects')
death = props.headers['x-death'][0]
print(body, death['reason'], death['queue'], death['original-expiration'], props.expiration)
connection.close()
