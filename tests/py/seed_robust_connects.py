# down: node1.cluster.com
import pika
import time
def create_robust_connection():
    """创建具有故障转移能力的连接"""
    
    nodes = ['node1.cluster.com', 'node2.cluster.com', 'node3.cluster.com']
    
    for attempt in range(3):  # 最多重试3次
        for node in nodes:
            try:
                connection = pika.BlockingConnection(
                    pika.ConnectionParameters(
                        host=node,
                        heartbeat=600,      # 心跳检测
                        retry_delay=2,      # 重试延迟
                        connection_attempts=3  # 连接尝试次数
                    )
                )
                return connection
            except Exception as e:
                print(f"连接 {node} 失败: {e}")
                continue
        
        time.sleep(5)  # 重试间隔
    
    raise Exception("所有节点连接失败")

conn = create_robust_connection()
print(conn.is_open)
