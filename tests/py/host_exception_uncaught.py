# down: down
import pika
pika.BlockingConnection(pika.ConnectionParameters('down'))
