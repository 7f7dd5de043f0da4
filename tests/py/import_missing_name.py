from pika import nothing
