# 调整心跳检测参数
echo "net_ticktime = 30" >> /etc/rabbitmq/rabbitmq.conf
# 30秒心跳间隔，更快检测故障

# 检查集群状态
rabbitmqctl cluster_status
