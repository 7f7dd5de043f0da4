#!/bin/bash
# 生产环境镜像策略配置脚本

# 核心业务：全镜像同步
rabbitmqctl set_policy ha-critical \
  "^(order|payment|user|account)\." \
  '{"ha-mode":"all","ha-sync-mode":"automatic","ha-promote-on-shutdown":"always"}' \
  --priority 100

# 重要业务：2镜像同步  
rabbitmqctl set_policy ha-important \
  "^(notify|log|audit)\." \
  '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}' \
  --priority 80

# 一般业务：2镜像异步
rabbitmqctl set_policy ha-normal \
  "^(stats|cache|report)\." \
  '{"ha-mode":"exactly","ha-params":2}' \
  --priority 60

# 临时队列：无镜像
# 以temp.开头的队列不设置镜像策略

echo "镜像策略配置完成"
rabbitmqctl list_policies
