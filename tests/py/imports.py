import pika as p
from pika import ConnectionParameters as CP, BlockingConnection
import pika.exceptions
print(CP('h').host, pika.exceptions.AMQPError.__name__)
