# down: down
import pika
try:
    pika.BlockingConnection(pika.ConnectionParameters('down'))
except pika.exceptions.AMQPError as e:
    print(type(e).__name__, isinstance(e, Exception))
from pika.exceptions import AMQPConnectionError
try:
    pika.BlockingConnection(pika.ConnectionParameters(host='down'))
except AMQPConnectionError:
    print('specific')
