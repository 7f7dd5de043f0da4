import pika
with pika.BlockingConnection(pika.ConnectionParameters('n1')) as conn:
    print(conn.is_open)
print(conn.is_open)
try:
    with pika.BlockingConnection() as conn:
        raise ValueError('inside')
except ValueError as e:
    print('propagated', e, conn.is_open)
