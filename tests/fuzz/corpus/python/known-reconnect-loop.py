# bounds helper (issue 15): a reconnect loop that never closes its connections; each new
# connection is slower than the last.
import pika, time
conns = []
while True:
    conns.append(pika.BlockingConnection(pika.ConnectionParameters('localhost')))
    time.sleep(0.001)
