# Python示例：控制主队列位置
import pika

# 连接到特定节点创建队列
connection1 = pika.BlockingConnection(
    pika.ConnectionParameters('node1.example.com'))
channel1 = connection1.channel()
# 在node1创建主队列
channel1.queue_declare(queue='important_queue', durable=True)

# 连接到另一个节点创建不同队列
connection2 = pika.BlockingConnection(
    pika.ConnectionParameters('node2.example.com'))
channel2 = connection2.channel()  
# 在node2创建主队列
channel2.queue_declare(queue='another_queue', durable=True)
print(connection1.is_open, connection2.is_open)
