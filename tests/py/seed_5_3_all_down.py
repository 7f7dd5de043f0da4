# down: node1.example.com node2.example.com node3.example.com
# Python客户端故障转移配置
import pika

# 配置多个节点地址
connection_params = [
    pika.ConnectionParameters('node1.example.com'),
    pika.ConnectionParameters('node2.example.com'),  
    pika.ConnectionParameters('node3.example.com')
]

# 自动重连配置
for params in connection_params:
    try:
        connection = pika.BlockingConnection(params)
        print(f"连接成功: {params.host}")
        break
    except pika.exceptions.AMQPConnectionError:
        print(f"连接失败: {params.host}")
        continue
