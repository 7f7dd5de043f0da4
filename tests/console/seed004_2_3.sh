# 1. 所有队列在所有节点镜像
rabbitmqctl set_policy ha-all "^" \
  '{"ha-mode":"all","ha-sync-mode":"automatic"}'

# 2. 指定队列前缀，镜像到2个节点
rabbitmqctl set_policy ha-important "^important\." \
  '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'

# 3. 特定队列，指定具体节点
rabbitmqctl set_policy ha-orders "^order-queue$" \
  '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'

# 查看所有策略
rabbitmqctl list_policies
